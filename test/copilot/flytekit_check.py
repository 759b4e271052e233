"""flytekit_check.py: the generated flyte_tasks.py with the real flytekit, the way a user uses it.

Runs when FLYTEKIT_PY names a python that imports flytekit (a venv: `python3 -m venv V &&
V/bin/pip install flytekit`); otherwise it says SKIP and exits 77 (ctest's SKIP_RETURN_CODE).
For the example project and a project of every supported type it checks, under that python:
- the module imports, and a workflow wiring C++ tasks serializes;
- flytekit.tools.translator.get_serializable(...).to_flyte_idl() of every task is exactly that of
  a plain ContainerTask given the same arguments (the module's text with CppContainerTask
  replaced by ContainerTask), with CoPilot's PROTO format in the data config;
- `pyflyte package` packages the module;
- local execution (tasks called from Python, and the workflow) through CppContainerTask.execute,
  with a stand-in for the Docker SDK's client (fake_docker.py) that runs the command on this machine with
  the container's paths mapped to the mounted folders: values round-trip, failures raise the
  task's _ERROR text. A real container engine is checked by hand (README, "pyflyte run").

usage: flytekit_check.py --task-scan EXE --source-dir DIR --cxx CXX --work DIR
"""
import argparse
import json
import os
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
source = open(flyte_tasks.__file__).read().replace("= CppContainerTask(", "= ContainerTask(")
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

if os.environ.get("TASK_SCAN_EXECUTABLES"):
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

if os.environ.get("TASK_SCAN_EXECUTABLES"):
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
    print("local execution: tasks and the workflow ran through CppContainerTask.execute")
'''

TYPES_WORKFLOW = r'''
if os.environ.get("TASK_SCAN_EXECUTABLES"):
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
    print("local execution: every supported type round-trips through CppContainerTask.execute")
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


def run(command, **kwargs):
    print("$", " ".join(command))
    done = subprocess.run(command, capture_output=True, text=True, **kwargs)
    print(done.stdout[-4000:], done.stderr[-4000:], sep="\n")
    return done.returncode


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--task-scan", required=True)
    parser.add_argument("--source-dir", required=True)
    parser.add_argument("--cxx", required=True)
    parser.add_argument("--work", required=True)
    args = parser.parse_args()
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
        out = os.path.join(work, label)
        copilot_harness.generate(args, project, out, sources, flags, options)
        built = copilot_harness.build(args, out, sources + others, flags, os.path.join(work, "bin"))
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([HERE, out]),
                   TASK_SCAN_EXECUTABLES=json.dumps(built), PYTHONDONTWRITEBYTECODE="1")
        script = os.path.join(out, "check_flytekit.py")
        with open(script, "w") as f:
            f.write(CHECK + PREAMBLE + workflow + FINISH)
        if run([python, script], cwd=out, env=env) != 0:
            print(f"FAIL: {label}: flyte_tasks.py with the real flytekit")
            status = 1
        package = os.path.join(out, "flyte-package.tgz")
        if run([python, "-m", "flytekit.clis.sdk_in_container.pyflyte", "--pkgs", "flyte_tasks", "package",
                "--image", "ghcr.io/x/y:1", "--force", "--output", package], cwd=out,
               env=dict(env, TASK_SCAN_EXECUTABLES="")) != 0 or not os.path.isfile(package):
            print(f"FAIL: {label}: pyflyte package")
            status = 1
    print("flytekit check:", "FAILED" if status else "passed")
    return status


if __name__ == "__main__":
    sys.exit(main())
