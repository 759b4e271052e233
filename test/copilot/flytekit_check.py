"""flytekit_check.py: the generated flyte_tasks.py with the real flytekit, the way a user uses it.

Runs when FLYTEKIT_PY names a python that imports flytekit (a venv: `python3 -m venv V &&
V/bin/pip install flytekit`); otherwise it says SKIP and exits 77 (ctest's SKIP_RETURN_CODE).
For the example project and a project of every supported type it checks, under that python:
- the module imports, and a workflow wiring C++ tasks serializes;
- flytekit.tools.translator.get_serializable(...).to_flyte_idl() of every task is exactly that of
  a plain ContainerTask given the same arguments (the module's text with CppContainerTask
  replaced by ContainerTask), with CoPilot's PROTO format in the data config;
- `pyflyte package` packages the module;
- local execution (tasks called from Python, and a workflow) through CppContainerTask.execute, in
  both local modes: on this machine with the executables the build made (the default; found next
  to the module's folder, as add_flyte_tasks lays them out), and in the image through the Docker
  API (FLYTE_TASKS_LOCAL_MODE=container) with a stand-in for the Docker SDK's client
  (fake_docker.py) that runs the command on this machine with the container's paths mapped to the
  mounted folders: values round-trip, failures raise the task's _ERROR text.
For examples/workflows.py (a Python task on its own image and C++ tasks on three images):
- `pyflyte run` runs it with no container engine reachable (no podman or docker on PATH, no
  DOCKER_HOST) and prints its outputs; a failing C++ task fails the run with the task's message;
  no executable, a stale one and container mode without a Docker API each fail with one line
  that says what to build or set, and no traceback;
- `pyflyte package` serializes it: each node's task template names its own image (four images),
  and the C++ task templates are byte-identical whichever local mode is set.
A real container engine is checked by hand (docs/workflows.md).

usage: flytekit_check.py --task-scan EXE --source-dir DIR --cxx CXX --work DIR
"""
import json
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import copilot_harness  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))

CHECK = r'''
import collections, json, math, os, sys, typing
import flytekit
from flytekit import ContainerTask, workflow
from flytekit.configuration import Image, ImageConfig, SerializationSettings
from flytekit.tools.translator import get_serializable
from flytekit.types.file import FlyteFile

import flyte_tasks

problems = []
settings = SerializationSettings(image_config=ImageConfig(default_image=Image(name="default", fqn="ghcr.io/x/y", tag="1")),
                                 project="p", domain="d", version="v1")

# A plain ContainerTask per task: the module's own text, CppContainerTask replaced.
# (image_template is CppContainerTask's: with these settings, which name no image but the default,
# it registers `image` as a plain ContainerTask does; registration_images.py checks --image.)
import re
source = open(flyte_tasks.__file__).read().replace("= CppContainerTask(", "= ContainerTask(")
source = re.sub(r"\n    image_template=[^\n]*", "", source)
plain = {}
exec(compile(source, "plain_tasks.py", "exec"), plain)

for name in flyte_tasks.__all__:
    ours, theirs = getattr(flyte_tasks, name), plain[name]
    if type(ours).__name__ != "CppContainerTask" or type(theirs) is not ContainerTask:
        problems.append(f"{name}: {type(ours)} / {type(theirs)}")
    a = get_serializable(collections.OrderedDict(), settings, ours).to_flyte_idl()
    b = get_serializable(collections.OrderedDict(), settings, theirs).to_flyte_idl()
    if a != b:
        problems.append(f"{name}: serializes differently from a plain ContainerTask:\n{a}\n---\n{b}")
    template = a.template
    if template.type != "raw-container" or template.container.data_config.format != 2:  # PROTO
        problems.append(f"{name}: type {template.type}, data config {template.container.data_config}")
print(f"serialized {len(flyte_tasks.__all__)} tasks: identical to plain ContainerTasks, PROTO data config")

LOCAL_RUNS = os.environ.get("CHECK_LOCAL_RUNS") == "1"
if LOCAL_RUNS and os.environ.get("FLYTE_TASKS_LOCAL_MODE") == "container":
    import docker, fake_docker
    docker.from_env = fake_docker.from_env
# PREAMBLE, the project's WORKFLOW and FINISH follow (flytekit reads a workflow's source: a file it is).
'''

EXAMPLE_WORKFLOW = r'''
@workflow
def pipeline(xs: typing.List[float], text: str) -> typing.Tuple[float, bool, str]:
    m = flyte_tasks.ml_stats_mean(xs=xs)
    ok = flyte_tasks.ml_stats_all_finite(xs=xs)
    word, count = flyte_tasks.ml_etl_top_word(text=text)
    return m, ok, word

spec = get_serializable(collections.OrderedDict(), settings, pipeline).to_flyte_idl()
assert len(spec.template.nodes) == 3, spec
print("workflow serialized:", [n.id for n in spec.template.nodes])

if LOCAL_RUNS:
    mean = flyte_tasks.ml_stats_mean(xs=[1.0, 2.0, 6.0])
    assert mean == 3.0, mean
    assert math.isnan(flyte_tasks.ml_stats_mean(xs=[math.inf, -math.inf]))
    assert flyte_tasks.ml_stats_summarize(xs=[3.0, -1.5, 2.0, 10.0]) == (-1.5, 10.0, 2.5)
    assert flyte_tasks.ml_stats_all_finite(xs=[]) is True
    assert flyte_tasks.ml_etl_top_word(text="a b a") == ("a", 2)
    doc = os.path.abspath("doc.txt")
    open(doc, "w").write("Hello world, hello\nFlyte!\n")
    assert flyte_tasks.ml_etl_count_words(document=FlyteFile(doc)) == 4
    vocabulary = flyte_tasks.ml_etl_vocabulary(lines=["b a", "A c"])
    assert open(vocabulary.download()).read() == "a\nb\nc\n", vocabulary
    expect_raise(lambda: flyte_tasks.ml_stats_mean(xs=[]), "task ml.stats.mean: exception: mean of no values")
    expect_raise(lambda: flyte_tasks.ml_train(epochs=0, learning_rate=0.5), "epochs must be positive")
    result = pipeline(xs=[1.0, math.nan], text="x y y")
    assert math.isnan(result[0]) and result[1] is False and result[2] == "y", result
    print("local execution: tasks and the workflow ran through CppContainerTask.execute,",
          os.environ.get("FLYTE_TASKS_LOCAL_MODE") or "host", "mode")
'''

TYPES_WORKFLOW = r'''
if LOCAL_RUNS:
    t = flyte_tasks
    assert t.types_echo_bool(v=True) is True
    assert t.types_echo_long(v=-(2**63)) == -(2**63)
    assert t.types_echo_uint64(v=2**63 - 1) == 2**63 - 1
    assert math.isnan(t.types_echo_double(v=math.nan))
    assert t.types_echo_double(v=-math.inf) == -math.inf
    assert t.types_echo_double(v=5e-324) == 5e-324
    assert t.types_echo_float(v=0.1) == 0.1
    assert t.types_echo_string(v="caf\u00e9 \u2713") == "caf\u00e9 \u2713"
    assert t.types_echo_string(v="  padded\n") == "padded"
    assert t.types_echo_string(v="") == ""
    assert math.isnan(t.types_difference(a=math.inf, b=math.inf))
    assert t.types_last_string(v=[]) == (0, "")
    assert t.types_last_double(v=[1.5, math.inf]) == (2, math.inf)
    assert t.types_last_bool(v=[True, False]) == (2, False)
    f = os.path.abspath("bytes.bin")
    open(f, "wb").write(b"\x00\xff")
    assert open(t.types_echo_file(v=FlyteFile(f)).download(), "rb").read() == b"\x00\xff"
    assert open(t.types_last_file(v=[FlyteFile(f), FlyteFile(f)])[1].download(), "rb").read() == b"\x00\xff"
    t.types_require_positive(v=3)
    expect_raise(lambda: t.types_require_positive(v=-3), "exited with status 1")
    expect_raise(lambda: t.types_twice(v=2**62), "is larger than 9223372036854775807")
    expect_raise(lambda: t.types_echo_string(v="x" * 1025), "1025 bytes, more than the 1024 bytes")
    expect_raise(lambda: t.types_echo_int(v=2**31), "expected an integer in [-2147483648, 2147483647]")
    print("local execution: every supported type round-trips through CppContainerTask.execute,",
          os.environ.get("FLYTE_TASKS_LOCAL_MODE") or "host", "mode")
'''

FINISH = r'''
if problems:
    print("\n".join(problems))
    sys.exit(1)
'''

PREAMBLE = r'''
def expect_raise(call, text):
    try:
        call()
    except Exception as e:
        if text not in str(e):
            problems.append(f"expected {text!r} in {e!r}")
        return
    problems.append(f"expected a failure with {text!r}")
'''


# Reads a `pyflyte package` archive: for each node of workflows.pipeline, its task and that task's
# image; then each task's name and the SHA-256 of its TaskSpec's bytes in protobuf's deterministic
# form (the archive's own bytes write a template's maps, its inputs and outputs, in no fixed order:
# two packages of one module differ there).
PACKAGE_READER = r"""
import hashlib, sys, tarfile
from flyteidl.admin import task_pb2, workflow_pb2
archive = tarfile.open(sys.argv[1])
tasks, workflow = {}, None
for member in sorted(archive.getmembers(), key=lambda m: m.name):
    data = archive.extractfile(member).read()
    if member.name.endswith("_1.pb"):
        spec = task_pb2.TaskSpec()
        spec.ParseFromString(data)
        canonical = spec.SerializeToString(deterministic=True)
        tasks[spec.template.id.name] = (spec.template.container.image, hashlib.sha256(canonical).hexdigest())
    elif member.name.endswith("workflows.pipeline_2.pb"):
        workflow = workflow_pb2.WorkflowSpec()
        workflow.ParseFromString(data)
for node in workflow.template.nodes:
    name = node.task_node.reference_id.name
    print("node", name, tasks[name][0])
for name, (image, digest) in sorted(tasks.items()):
    print("template", name, digest)
"""

# What each node of examples/workflows.py's pipeline runs in (examples/flyte.yaml).
PIPELINE_IMAGES = {
    "workflows.make_lr": "ghcr.io/acme/flyte-py:1.4.2",
    "ml.train": "ghcr.io/acme/flyte-cpp-gpu:1.4.2",
    "ml.etl.top_word": "ghcr.io/acme/flyte-cpp-spark:3.5.1",
    "ml.etl.vocabulary": "ghcr.io/acme/flyte-cpp-spark:3.5.1",
    "ml.etl.count_words": "ghcr.io/acme/flyte-cpp-spark:3.5.1",
    "ml.stats.mean": "ghcr.io/acme/flyte-cpp:1.4.2",
}


def run(command, **kwargs):
    print("$", " ".join(command))
    done = subprocess.run(command, capture_output=True, text=True, **kwargs)
    print(done.stdout[-4000:], done.stderr[-4000:], sep="\n")
    return done.returncode


def pyflyte_run(python, work, env, *arguments):
    """`pyflyte run workflows.py pipeline ARGS` in `work`: (exit status, output with the frame rich
    draws around an error taken away and lines joined, so a message reads as one line)."""
    command = [python, "-m", "flytekit.clis.sdk_in_container.pyflyte", "run", "workflows.py", "pipeline",
               *arguments]
    print("$", " ".join(f"{k}={v}" for k, v in env.items() if k.startswith("FLYTE_TASKS")), "pyflyte run",
          "workflows.py pipeline", *arguments)
    done = subprocess.run(command, cwd=work, env=env, capture_output=True, text=True, timeout=300)
    output = done.stdout + done.stderr
    print(output[-3000:])
    return done.returncode, " ".join(re.sub(r"[\u2500-\u257f]", " ", output).split())


def check_example_workflow(python, src, work, out, built):
    """examples/workflows.py: run locally (host mode) with no container engine, its failures, and
    its serialization (see the file comment). `out` holds flyte_tasks.py, its parent folder the
    executables (add_flyte_tasks' layout)."""
    problems = []
    run_dir = os.path.join(work, "workflow")
    os.makedirs(run_dir, exist_ok=True)
    shutil.copy(os.path.join(src, "examples", "workflows.py"), run_dir)
    no_tools = os.path.join(work, "empty-path")  # PATH without podman, docker or anything else
    os.makedirs(no_tools, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in ("DOCKER_HOST", "FLYTE_TASKS_LOCAL_MODE",
                                                            "FLYTE_TASKS_EXECUTABLE_DIR")}
    env.update(PATH=no_tools, PYTHONPATH=out, PYTHONDONTWRITEBYTECODE="1", COLUMNS="1000", HOME=run_dir)

    def expect(label, status, output, wanted_status, texts, traceback_allowed=False):
        missing = [t for t in texts if t not in output]
        if status != wanted_status or missing or (not traceback_allowed and "Traceback" in output):
            problems.append(f"{label}: exit status {status}, missing {missing!r}: {output[-600:]!r}")
        else:
            print(f"ok   {label}")

    temporary = os.path.join(work, "tmp")  # what the runs leave behind
    shutil.rmtree(temporary, ignore_errors=True)
    os.makedirs(temporary)
    env.update(TMPDIR=temporary)
    status, output = pyflyte_run(python, run_dir, env)
    expect("pyflyte run, host mode, no container engine", status, output, 0,
           ["o1='a', o2=4, o3=2.5"])
    # Work folders live in flytekit's own per-process sandbox (flyte*), and only those
    # holding a file output outlive their task: no folder per task run in the temporary
    # directory, no inputs kept. (The example's ml.etl.vocabulary writes its own file there.)
    left = sorted(os.listdir(temporary))
    kept = [os.path.relpath(os.path.join(d, n), temporary)
            for d, dirs, _ in os.walk(temporary) for n in dirs if n == "inputs"]
    if [n for n in left if n.startswith("task-scan")] or kept:
        problems.append(f"a local run left {left!r} in TMPDIR (inputs folders: {kept!r})")
    else:
        print(f"ok   a local run leaves no work folder of its own in TMPDIR: {left!r}")
    if not re.search(r"o0=0\.9366967837015\d*, o1=", output):
        problems.append(f"the loss of ml.train(epochs=3, learning_rate=make_lr(5.0)): {output[-300:]!r}")
    status, output = pyflyte_run(python, run_dir, env, "--epochs", "0")
    expect("a failing C++ task fails the run with its message", status, output, 1,
           ["Error encountered while executing 'ml.train': task ml.train: exception: epochs must be positive"],
           traceback_allowed=True)  # a Python task's failure shows its frames too

    empty = os.path.join(work, "no-executables")
    os.makedirs(empty, exist_ok=True)
    status, output = pyflyte_run(python, run_dir, dict(env, FLYTE_TASKS_EXECUTABLE_DIR=empty))
    expect("no executable: one line", status, output, 1,
           [f"ml.train: no executable ml_gpu in FLYTE_TASKS_EXECUTABLE_DIR={empty}: build it (cmake --build "
            "<build folder>) or set FLYTE_TASKS_EXECUTABLE_DIR to its folder"])
    stale = os.path.join(work, "stale-executables")
    os.makedirs(stale, exist_ok=True)
    for exe in built.values():
        shutil.copy2(exe, stale)
    shutil.copy2(os.path.join(stale, "ml_default"), os.path.join(stale, "ml_gpu"))  # no ml.train in it
    status, output = pyflyte_run(python, run_dir, dict(env, FLYTE_TASKS_EXECUTABLE_DIR=stale))
    expect("a stale executable: one line", status, output, 1,
           [f"ml.train: {stale}/ml_gpu lacks this task, a stale build: build again"])
    socket = f"unix://{work}/no-engine.sock"
    status, output = pyflyte_run(python, run_dir, dict(env, FLYTE_TASKS_LOCAL_MODE="container", DOCKER_HOST=socket))
    expect("container mode without a Docker API: one line", status, output, 1,
           [f"ml.train: FLYTE_TASKS_LOCAL_MODE=container needs a Docker API, and none answers at {socket}",
            "or unset FLYTE_TASKS_LOCAL_MODE"])

    listings = {}
    for mode in ("host", "container"):
        package = os.path.join(run_dir, f"package-{mode}.tgz")
        env_mode = dict(env, FLYTE_TASKS_LOCAL_MODE=mode)
        if run([python, "-m", "flytekit.clis.sdk_in_container.pyflyte", "--pkgs", "workflows", "package",
                "--image", "ghcr.io/acme/flyte-cpp:1.4.2", "--force", "--output", package],
               cwd=run_dir, env=env_mode) != 0:
            problems.append(f"pyflyte package of workflows.py ({mode} mode) failed")
            continue
        done = subprocess.run([python, "-c", PACKAGE_READER, package], capture_output=True, text=True, env=env)
        if done.returncode != 0:
            problems.append(f"reading {package}: {done.stderr[-2000:]}")
            continue
        listings[mode] = done.stdout.splitlines()
    if len(listings) == 2:
        nodes = [line.split()[1:] for line in listings["host"] if line.startswith("node ")]
        if dict(nodes) != PIPELINE_IMAGES or len(nodes) != len(PIPELINE_IMAGES) or \
                len(set(PIPELINE_IMAGES.values())) != 4:
            problems.append(f"the serialized pipeline's nodes and images: {nodes!r}")
        else:
            print("ok   pyflyte package: each node of the pipeline names its own image (four images)")
        templates = [line for line in listings["host"] if line.startswith("template ml.")]
        if not templates or templates != [line for line in listings["container"] if line.startswith("template ml.")]:
            problems.append(f"C++ task templates differ between local modes: {listings!r}")
        else:
            print(f"ok   the {len(templates)} C++ task templates are byte-identical in both local modes")
    return problems


def main():
    args = copilot_harness.harness_arguments()
    python = os.environ.get("FLYTEKIT_PY")
    if not python:
        print("SKIP: copilot.flytekit needs the real flytekit: set FLYTEKIT_PY to a python that imports it "
              "(python3 -m venv V && V/bin/pip install flytekit; then FLYTEKIT_PY=V/bin/python)")
        return 77
    if subprocess.run([python, "-c", "import flytekit"], capture_output=True).returncode != 0:
        print(f"FAIL: FLYTEKIT_PY={python} cannot import flytekit")
        return 1
    src, work = args.source_dir, os.path.abspath(args.work)
    examples = os.path.join(src, "examples")
    projects = [
        ("examples", "ml", [os.path.join(examples, "src", f) for f in ("etl.cpp", "stats.cpp", "train.cpp")],
         [os.path.join(examples, "common", "features.cpp")], ["-I", os.path.join(examples, "include")],
         ["--config", os.path.join(examples, "flyte.yaml")], EXAMPLE_WORKFLOW),
        ("types", "types", [os.path.join(src, "test", "copilot", "types.cpp")], [], [],
         ["--image", "localhost/types:1"], TYPES_WORKFLOW),
    ]
    status = 0
    for label, project, sources, others, flags, options, workflow in projects:
        # add_flyte_tasks' layout: build/<project>_flyte/flyte_tasks.py, build/<project>_<key>
        build = os.path.join(work, label)
        out = os.path.join(build, f"{project}_flyte")
        copilot_harness.generate(args, project, out, sources, flags, options)
        built = copilot_harness.build(args, out, sources + others, flags, build)
        env = {k: v for k, v in os.environ.items() if k not in ("FLYTE_TASKS_LOCAL_MODE", "FLYTE_TASKS_EXECUTABLE_DIR")}
        env.update(PYTHONPATH=os.pathsep.join([HERE, out]), TASK_SCAN_EXECUTABLES=json.dumps(built),
                   PYTHONDONTWRITEBYTECODE="1", CHECK_LOCAL_RUNS="1")
        script = os.path.join(out, "check_flytekit.py")
        with open(script, "w") as f:
            f.write(CHECK + PREAMBLE + workflow + FINISH)
        for mode in ("host", "container"):
            if run([python, script], cwd=out, env=dict(env, FLYTE_TASKS_LOCAL_MODE=mode)) != 0:
                print(f"FAIL: {label}: flyte_tasks.py with the real flytekit ({mode} mode)")
                status = 1
        package = os.path.join(out, "flyte-package.tgz")
        if run([python, "-m", "flytekit.clis.sdk_in_container.pyflyte", "--pkgs", "flyte_tasks", "package",
                "--image", "ghcr.io/x/y:1", "--force", "--output", package], cwd=out,
               env=dict(env, CHECK_LOCAL_RUNS="0")) != 0 or not os.path.isfile(package):
            print(f"FAIL: {label}: pyflyte package")
            status = 1
        if label == "examples":
            for problem in check_example_workflow(python, src, work, out, built):
                print("FAIL:", problem)
                status = 1
    print("flytekit check:", "FAILED" if status else "passed")
    return status


if __name__ == "__main__":
    sys.exit(main())
