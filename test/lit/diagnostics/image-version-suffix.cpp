// Text glued to a version placeholder makes a tag no configured image has
// ('1.4.2x'): a warning at the annotation, with the reason (issue 26).
// RUN: rm -rf %t && mkdir -p %t
// RUN: printf 'images:\n  default: ghcr.io/acme/base:1\n  gpu: ghcr.io/acme/gpu:1.4.2\n' > %t/flyte.yaml
// RUN: %task-scan --check --config %t/flyte.yaml %s -- -std=c++17 2>&1 | FileCheck %s
// CHECK: image-version-suffix.cpp:[[@LINE+4]]:1: warning: task 'typo': '{{[{][{]}}.image.gpu.version{{[}][}]}}x' glues 'x' to the version: the image is 'ghcr.io/acme/gpu:1.4.2x', a tag no configured image has [task-scan-image-version-suffix]
// CHECK: note: separate it from the version (e.g. '-') if that tag exists, or remove it
// CHECK-NOT: warning:
#include <flyte/task.hpp>
FLYTE_TASK(container_image = "{{.image.gpu.fqn}}:{{.image.gpu.version}}x") void typo() {}
FLYTE_TASK(container_image = "{{.image.gpu.fqn}}:{{.image.gpu.version}}-cuda") void fine() {}
FLYTE_TASK(container_image = "{{.image.gpu.fqn}}:v{{.image.gpu.version}}") void prefixed() {}
