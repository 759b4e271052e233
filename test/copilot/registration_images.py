"""C++ tasks follow the images chosen at registration exactly as Python tasks do, with the real
flytekit (FLYTEKIT_PY; exit 77, SKIP, when none imports).

flytekit resolves a task's container_image template when it serializes the task, against the
registration's images (`pyflyte register/package --image NAME=REF`, and for `register` the config
file's `images:`): ContainerTask._get_image -> get_registerable_container_image
(flytekit/core/container_task.py, python_auto_container.py, v1.16.24). A project generated here has
C++ tasks with every kind of container_image, and a Python module with a plain ContainerTask per
template, the way a Python user writes it. Each is serialized by `pyflyte package` (the CLI's own
serialization) without and with --image flags, and through the API as `pyflyte register -c FILE
--image ...` builds its image config (patch_image_config). Expected:

- a template whose images the registration names: what the plain ContainerTask gets, byte for
  byte the same image (`--image gpu=...:$SHA` moves the gpu task);
- a task without container_image: task-scan's default, never the registration's `default`
  (in a mixed project, the Python tasks' image);
- `{{.image.default...}}` written out: the registration's default when the user gave one, else
  (flytekit's own Python image) task-scan's;
- a template naming an image the registration lacks: task-scan's resolution (flytekit would
  refuse to register);
- an image pinned by a push (images.lock.json): the pushed digest, whatever the flags;
- a literal container_image: itself.

    registration_images.py --task-scan EXE --work DIR
"""
import argparse
import json
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
LOCK_WRITER = os.path.join(HERE, "..", "lit", "output", "Inputs", "write_image_lock.py")
PUSHED = "reg.example/acme/pushed@sha256:" + "5" * 64

SOURCE = r'''
#include <flyte/task.hpp>
namespace demo {
FLYTE_TASK() long plain(long n) { return n; }
FLYTE_TASK(container_image = "{{.image.gpu}}") long gpu(long n) { return n; }
FLYTE_TASK(container_image = "{{.image.spark.fqn}}:{{.image.spark.version}}") long spark(long n) { return n; }
FLYTE_TASK(container_image = "{{.image.default.fqn}}:cpp-{{.image.default.version}}") long cppdefault(long n) { return n; }
FLYTE_TASK(container_image = "{{.image.extra}}") long extra(long n) { return n; }
FLYTE_TASK(container_image = "ghcr.io/acme/fixed:2") long fixed(long n) { return n; }
FLYTE_TASK(container_image = "{{.image.pushed}}") long pushed(long n) { return n; }
}
'''

CONFIG = """images:
  default: ghcr.io/acme/cpp:1.0
  gpu: ghcr.io/acme/gpu:1.0
  spark: ghcr.io/acme/spark:1.0
  extra: ghcr.io/acme/extra:1.0
  pushed: reg.example/acme/pushed:1.0
"""

# A Python user's ContainerTasks with the same templates: what flytekit itself registers.
PYTHON_TASKS = '''
from flytekit import ContainerTask, kwtypes

def _task(name, image):
    return ContainerTask(name=name, image=image, command=["true"], inputs=kwtypes(n=int),
                         outputs=kwtypes(o0=int))

py_gpu = _task("py.gpu", "{{.image.gpu}}")
py_spark = _task("py.spark", "{{.image.spark.fqn}}:{{.image.spark.version}}")
py_cppdefault = _task("py.cppdefault", "{{.image.default.fqn}}:cpp-{{.image.default.version}}")
'''

READER = r'''
import json, sys, tarfile
from flyteidl.admin import task_pb2
images = {}
with tarfile.open(sys.argv[1]) as archive:
    for member in archive.getmembers():
        if member.name.endswith("_1.pb"):
            spec = task_pb2.TaskSpec()
            spec.ParseFromString(archive.extractfile(member).read())
            images[spec.template.id.name] = spec.template.container.image
print(json.dumps(images))
'''

# `pyflyte register -c flyte.yaml --image ...`: the same image config, through the API.
REGISTER = r'''
import json, sys, collections
import flyte_tasks, python_tasks
from flytekit.clis.sdk_in_container.helpers import patch_image_config
from flytekit.configuration import ImageConfig, SerializationSettings
from flytekit.tools.translator import get_serializable
config = patch_image_config(sys.argv[1], ImageConfig.validate_image(None, "image", tuple(sys.argv[2:])))
settings = SerializationSettings(image_config=config, project="p", domain="d", version="v1")
images = {}
for module in (flyte_tasks, python_tasks):
    for name in dir(module):
        task = getattr(module, name)
        if type(task).__name__ in ("CppContainerTask", "ContainerTask"):
            spec = get_serializable(collections.OrderedDict(), settings, task)
            images[task.name] = spec.template.container.image
print(json.dumps(images))
'''


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--task-scan", required=True)
    parser.add_argument("--work", required=True)
    args = parser.parse_args()
    python = os.environ.get("FLYTEKIT_PY")
    if not python or subprocess.run([python, "-c", "import flytekit"], capture_output=True).returncode != 0:
        print("SKIP: needs the real flytekit: set FLYTEKIT_PY to a python that imports it")
        return 77
    work = os.path.abspath(args.work)
    shutil.rmtree(work, ignore_errors=True)
    out = os.path.join(work, "out")
    os.makedirs(out)
    with open(os.path.join(work, "tasks.cpp"), "w") as f:
        f.write(SOURCE)
    config = os.path.join(work, "flyte.yaml")
    with open(config, "w") as f:
        f.write(CONFIG)
    scan = [args.task_scan, "--no-cache", "--config", config, "--output-dir", out,
            os.path.join(work, "tasks.cpp"), "--", "-std=c++17"]
    subprocess.run(scan, check=True)
    # <name>_push pushed the image 'pushed': a staged executable, a lock, the next codegen pins it.
    with open(os.path.join(out, "manifest.json")) as f:
        manifest = json.load(f)
    (image,) = [i for i in manifest["images"] if i["key"] == "pushed"]
    with open(os.path.join(out, "images", "pushed", image["executable"]), "w") as f:
        f.write("staged\n")
    subprocess.run([sys.executable, LOCK_WRITER, out, "pushed", PUSHED], check=True)
    subprocess.run(scan, check=True)
    with open(os.path.join(out, "python_tasks.py"), "w") as f:
        f.write(PYTHON_TASKS)
    env = dict(os.environ, PYTHONPATH=out, PYTHONDONTWRITEBYTECODE="1")
    env.pop("FLYTE_INTERNAL_IMAGE", None)

    def package(modules, *flags):
        tgz = os.path.join(work, "package.tgz")
        pkgs = [word for module in modules for word in ("--pkgs", module)]
        done = subprocess.run([python, "-m", "flytekit.clis.sdk_in_container.pyflyte", *pkgs, "package", *flags,
                               "--force", "--output", tgz], cwd=out, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"FAIL: pyflyte package {' '.join(flags)}: {(done.stdout + done.stderr)[-3000:]}")
        done = subprocess.run([python, "-c", READER, tgz], env=env, check=True, capture_output=True, text=True)
        return json.loads(done.stdout)

    def register(*flags):
        values = flags[1::2]  # ("--image", VALUE, ...)
        done = subprocess.run([python, "-c", REGISTER, config, *values], cwd=out, env=env,
                              capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"FAIL: serializing as pyflyte register does: {done.stderr[-3000:]}")
        return json.loads(done.stdout)

    problems = []

    def expect(label, images, wanted):
        for task, image in wanted.items():
            if images.get(task) != image:
                problems.append(f"{label}: {task} registers {images.get(task)!r}, expected {image!r}")
        if not any(p.startswith(label + ":") for p in problems):
            print(f"ok   {label}: " + ", ".join(f"{t}={images[t]}" for t in sorted(wanted)))

    sha = "0123abc"
    # Without flags: flytekit's default is its own Python image; nothing else named (the Python
    # tasks, whose templates name gpu and spark, would not register at all).
    expect("package, no --image", package(["flyte_tasks"]), {
        "demo.plain": "ghcr.io/acme/cpp:1.0", "demo.gpu": "ghcr.io/acme/gpu:1.0",
        "demo.spark": "ghcr.io/acme/spark:1.0", "demo.cppdefault": "ghcr.io/acme/cpp:cpp-1.0",
        "demo.extra": "ghcr.io/acme/extra:1.0", "demo.fixed": "ghcr.io/acme/fixed:2",
        "demo.pushed": PUSHED})
    flags = ("--image", f"default=ghcr.io/acme/py:{sha}", "--image", f"gpu=ghcr.io/acme/gpu:{sha}",
             "--image", f"spark=ghcr.io/acme/spark@sha256:{'7' * 64}", "--image", f"pushed=reg.example/acme/pushed:{sha}")
    images = package(["flyte_tasks", "python_tasks"], *flags)
    expect("package --image default= gpu= spark=@digest pushed=", images, {
        "demo.plain": "ghcr.io/acme/cpp:1.0",                   # task-scan's default, not the Python one
        "demo.gpu": f"ghcr.io/acme/gpu:{sha}",
        "demo.spark": f"ghcr.io/acme/spark@sha256:{'7' * 64}",  # ':' before a digest becomes '@'
        "demo.cppdefault": f"ghcr.io/acme/py:cpp-{sha}",        # the user's default, as written
        "demo.extra": "ghcr.io/acme/extra:1.0",                 # not named at registration
        "demo.fixed": "ghcr.io/acme/fixed:2",
        "demo.pushed": PUSHED})                                 # pinned by the push
    for cpp, py in (("demo.gpu", "py.gpu"), ("demo.spark", "py.spark"), ("demo.cppdefault", "py.cppdefault")):
        if images[cpp] != images[py]:
            problems.append(f"{cpp} registers {images[cpp]!r}, a Python ContainerTask with its template {images[py]!r}")
    if not problems:
        print("ok   the C++ templates register exactly the images of Python ContainerTasks with them")

    expect("register -c flyte.yaml --image gpu=", register("--image", f"gpu=ghcr.io/acme/gpu:{sha}"), {
        "demo.plain": "ghcr.io/acme/cpp:1.0", "demo.gpu": f"ghcr.io/acme/gpu:{sha}",
        "demo.spark": "ghcr.io/acme/spark:1.0",                 # from the config file's images:
        "demo.cppdefault": "ghcr.io/acme/cpp:cpp-1.0",          # no user default: task-scan's
        "demo.extra": "ghcr.io/acme/extra:1.0", "demo.pushed": PUSHED})
    expect("register -c flyte.yaml --image default=", register("--image", f"ghcr.io/acme/py:{sha}"), {
        "demo.plain": "ghcr.io/acme/cpp:1.0", "demo.cppdefault": f"ghcr.io/acme/py:cpp-{sha}",
        "py.cppdefault": f"ghcr.io/acme/py:cpp-{sha}"})

    if problems:
        print("\n".join("FAIL: " + p for p in problems))
        return 1
    print("\nC++ tasks follow --image at registration as Python tasks do")
    return 0


if __name__ == "__main__":
    sys.exit(main())
