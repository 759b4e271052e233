# lit configuration for task-scan's tool tests: each test holds its input,
# the command and the expected output side by side.
import os
import shutil
import sys
import lit.formats

config.name = "task-scan"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".cpp", ".test"]
config.excludes = ["Inputs"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.task_scan_obj_root, "test", "lit")

# `not`, FileCheck, split-file live in LLVM's bin dir; put it first on PATH.
config.environment["PATH"] = os.pathsep.join(
    [config.task_scan_tools_dir, config.llvm_tools_dir, config.environment.get("PATH", os.environ["PATH"])])
config.environment.pop("FLYTE_INTERNAL_IMAGE", None)
# task-scan keeps a per-user cache by default: the tests' own, not the user's.
config.environment["XDG_CACHE_HOME"] = os.path.join(config.task_scan_obj_root, "test", "lit", "xdg-cache")
for var in ("HOME", "TMPDIR"):
    if var in os.environ:
        config.environment[var] = os.environ[var]

config.substitutions.append(("%task-scan", os.path.join(config.task_scan_tools_dir, "task-scan") + " --no-cache"))
config.substitutions.append(("%flyte-include", os.path.join(config.task_scan_src_root, "lib", "runtime", "include")))
config.substitutions.append(("%cxx", config.cxx_compiler))
config.substitutions.append(("%inputs", os.path.join(os.path.dirname(__file__), "Inputs")))
config.substitutions.append(("%exit-status", "sh " + os.path.join(os.path.dirname(__file__), "Inputs", "exit-status.sh")))
config.substitutions.append(("%{task-scan-bin}", os.path.join(config.task_scan_tools_dir, "task-scan")))  # no --no-cache: the cache and prefilter tests
config.substitutions.append(("%python", sys.executable))
# The Dockerfile emitter fed hostile strings directly (test/container).
config.substitutions.append(("%dockerfile-escaping", os.path.join(config.task_scan_obj_root, "test", "container", "taskscan-dockerfile-escaping")))

# Precompiled headers built by Debian's default clang (14) beside clang 19
# (scripts/install-deps.sh installs it).
if shutil.which("clang++-14"):
    config.available_features.add("clang-14")
