"""host_mode_check.py: flyte_tasks.py's local run on this machine (host mode, the default), which
needs no container engine and no flytekit to test (a stand-in flytekit is enough):

- every example task and every supported type (copilot_harness.py's cases) through
  CppContainerTask.execute, with the executables built for the test, gives exactly what a pod does
  under the model of Flyte's CoPilot (copilot.py): the same outputs, the task's _ERROR text as
  TaskFailed, a failure without outputs as TaskFailed with the exit status;
- where execute finds an executable: FLYTE_TASKS_EXECUTABLE_DIR alone when set, else next to the
  module's folder (add_flyte_tasks' build folder) or staged in the module's images/<key>/, the first
  that lists the task; the task's command words, working folder and printed output;
- its one-line errors (CannotRunLocally): no executable, a stale one, an unknown
  FLYTE_TASKS_LOCAL_MODE.

usage: host_mode_check.py --task-scan EXE --source-dir DIR --cxx CXX --work DIR
"""
import contextlib
import importlib.util
import io
import os
import shutil
import stat
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import copilot  # noqa: E402
import copilot_harness  # noqa: E402
from copilot_harness import fail, same  # noqa: E402

EXECUTABLE_DIR, LOCAL_MODE = "FLYTE_TASKS_EXECUTABLE_DIR", "FLYTE_TASKS_LOCAL_MODE"


def load_module(path, label):
    """flyte_tasks.py at `path`, imported under its own name (several are loaded side by side)."""
    spec = importlib.util.spec_from_file_location(f"flyte_tasks_{label}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def give_stub_files_a_path():
    """The stand-in flytekit's FlyteFile holds nothing; give it the two things CppContainerTask uses
    of flytekit's: FlyteFile(path=...) and os.fspath(file)."""
    from flytekit.types.file import FlyteFile

    def __init__(self, path):
        self.path = os.fspath(path)

    FlyteFile.__init__ = __init__
    FlyteFile.__fspath__ = lambda self: self.path
    return FlyteFile


@contextlib.contextmanager
def environment(**values):
    """os.environ with `values` set (None: unset), restored afterwards."""
    saved = {k: os.environ.get(k) for k in values}
    try:
        for k, v in values.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def tasks_by_name(module):
    return {t.name: t for t in vars(module).values() if isinstance(t, module.CppContainerTask)}


def as_files(value, file_class):
    """A file input as flytekit hands it to execute: a FlyteFile (a list of them for a list)."""
    if isinstance(value, list):
        return [as_files(v, file_class) for v in value]
    return file_class(value)


def run_locally(task, values):
    """("success", {output: value}) or ("failed", message) from CppContainerTask.execute."""
    try:
        result = task.execute(**values)
    except task.TaskFailed as e:
        return "failed", str(e)
    names = list(task._task_scan_run[4])
    if len(names) == 0:
        result = ()
    elif len(names) == 1:
        result = (result,)
    return "success", {name: ("file", v.path) if hasattr(v, "path") else v for name, v in zip(names, result)}


def compare_with_pods(pods, module, interfaces, cases, executable_of, file_class):
    """Each case through a modelled pod and through execute(): the same result."""
    tasks = tasks_by_name(module)
    for task_name, values, expected in cases:
        if expected is None:  # too slow to finish (copilot_harness.py)
            continue
        interface = dict(interfaces[task_name]["inputs"])
        local_values = {k: as_files(v, file_class) if "FlyteFile" in interface[k] else v
                        for k, v in values.items()}
        pod = copilot.run_pod(os.path.join(pods, "pod"), interfaces[task_name], values, executable_of)
        kind, local = run_locally(tasks[task_name], local_values)
        label = f"{task_name}({', '.join(f'{k}={v!r}' for k, v in values.items())})"[:160]
        if pod.kind == "success":
            if kind != "success" or set(local) != set(pod.outputs) or \
                    not all(same_output(local[k], v) for k, v in pod.outputs.items()):
                fail(f"host mode {label}: {kind} {local!r}; a pod gives {pod.outputs!r}")
                continue
        elif pod.kind == "user":
            # The uploader's error document: "User Error: " and the _ERROR text.
            wanted = pod.message[len("User Error: "):].strip() if pod.message.startswith("User Error: ") else None
            if kind != "failed" or (wanted is not None and local != wanted):
                fail(f"host mode {label}: {kind} {local!r}; a pod fails with {pod.message!r}")
                continue
        else:  # a pod failure: the exit status, and the reason as the last line of stderr
            last = (pod.stderr.strip().splitlines() or ["no output"])[-1]
            if kind != "failed" or f"exited with status {pod.exit_status}: {last}" not in local:
                fail(f"host mode {label}: {kind} {local!r}; a pod fails with status {pod.exit_status}: {last!r}")
                continue
        print(f"ok   host mode = pod: {label} -> {pod.kind}"[:200])


def same_output(local, pod_value):
    if isinstance(pod_value, tuple):  # ("file", path): compare the contents
        if not (isinstance(local, tuple) and local[0] == "file"):
            return False
        with open(pod_value[1], "rb") as a, open(local[1], "rb") as b:
            return a.read() == b.read()
    return same(local, pod_value)


def expect_cannot_run(task, values, text, label):
    try:
        task.execute(**values)
    except task.CannotRunLocally as e:
        message = str(e)
        if text not in message or "\n" in message:
            fail(f"{label}: expected one line with {text!r}, got {message!r}")
        else:
            print(f"ok   {label}: {message}"[:240])
        return
    except Exception as e:  # noqa: BLE001
        fail(f"{label}: expected CannotRunLocally, got {type(e).__name__}: {e}")
        return
    fail(f"{label}: ran, expected CannotRunLocally with {text!r}")


def check_lookup(work, module_text, built):
    """Where execute finds the executable, and its errors when it finds none that holds the task."""
    root = os.path.join(work, "lookup")
    shutil.rmtree(root, ignore_errors=True)
    build = os.path.join(root, "build")  # add_flyte_tasks: build/types_default, build/types_flyte/
    generated = os.path.join(build, "types_flyte")
    os.makedirs(os.path.join(generated, "images", "default"))
    with open(os.path.join(generated, "flyte_tasks.py"), "w") as f:
        f.write(module_text)
    module = load_module(os.path.join(generated, "flyte_tasks.py"), "lookup")
    task = module.types_echo_int
    exe = os.path.basename(task._task_scan_run[1][0])
    good = built[task._task_scan_run[1][0]]
    staged = os.path.join(generated, "images", "default", exe)
    beside = os.path.join(build, exe)
    chosen = os.path.join(root, "chosen")
    os.makedirs(chosen)

    def expect_path(path, label):
        try:
            found = task.host_executable()
        except task.CannotRunLocally as e:
            fail(f"{label}: {e}")
            return
        if found != path:
            fail(f"{label}: ran {found}, expected {path}")
        elif task.execute(v=41) != 41:
            fail(f"{label}: wrong value")
        else:
            print(f"ok   {label}: {os.path.relpath(found, root)}")

    with environment(**{EXECUTABLE_DIR: None, LOCAL_MODE: None}):
        expect_cannot_run(task, {"v": 1}, f"types.echo_int: no executable {exe} in {build} or "
                          f"{os.path.dirname(staged)}: build it", "no executable")
        shutil.copy2(good, staged)
        expect_path(staged, "the copy staged in images/<key>/")
        stale = fake_executable(os.path.join(root, "stale"), ["types.echo_bool"])
        shutil.copy2(stale, beside)
        expect_path(staged, "a stale executable in the build folder is passed over")
        os.remove(staged)
        expect_cannot_run(task, {"v": 1}, f"types.echo_int: {beside} lacks this task, a stale build: "
                          "build again (cmake --build <build folder>)", "only a stale executable")
        shutil.copy2(good, beside)
        shutil.copy2(stale, staged)
        expect_path(beside, "the build folder's executable (next to the module's folder)")
        shutil.copy2(stale, beside)
        expect_cannot_run(task, {"v": 1}, "lack this task", "an executable rebuilt without the task")
        shutil.copy2(good, beside)
    with environment(**{EXECUTABLE_DIR: chosen, LOCAL_MODE: "host"}):
        expect_cannot_run(task, {"v": 1}, f"no executable {exe} in {EXECUTABLE_DIR}={chosen}: build it",
                          f"{EXECUTABLE_DIR} alone is searched")
        shutil.copy2(stale, os.path.join(chosen, exe))
        expect_cannot_run(task, {"v": 1}, f"or point {EXECUTABLE_DIR} at a current one",
                          f"a stale executable in {EXECUTABLE_DIR}")
        shutil.copy2(good, os.path.join(chosen, exe))
        expect_path(os.path.join(chosen, exe), f"{EXECUTABLE_DIR}")
    with environment(**{EXECUTABLE_DIR: chosen, LOCAL_MODE: "podman"}):
        expect_cannot_run(task, {"v": 1}, f"{LOCAL_MODE}=podman: say 'host'", f"an unknown {LOCAL_MODE}")


def fake_executable(path, tasks, run=""):
    """A shell script that lists `tasks` and, for `run`, runs the shell code `run`."""
    with open(path, "w") as f:
        f.write("#!/bin/sh\n"
                f'if [ "$1" = --list ]; then printf "%s\\n" {" ".join(tasks)}; exit 0; fi\n'
                f"{run}\n")
    os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


def check_command_and_output(work, module_text):
    """The command's words (the data folders mapped to the local ones), its working folder, what
    it prints (passed on to stderr, except the reason of a failure, which the error carries), and
    CoPilot's rules for _ERROR: a non-zero exit fails the task whatever it holds; empty, a folder
    or more than 1 MiB."""
    root = os.path.join(work, "command")
    shutil.rmtree(root, ignore_errors=True)
    generated = os.path.join(root, "types_flyte")
    os.makedirs(generated)
    with open(os.path.join(generated, "flyte_tasks.py"), "w") as f:
        f.write(module_text)
    module = load_module(os.path.join(generated, "flyte_tasks.py"), "command")
    task = module.types_echo_string
    exe = os.path.join(root, os.path.basename(task._task_scan_run[1][0]))
    fake_executable(exe, ["types.echo_string"], run=(
        'echo "words: $*" >&2; echo "cwd: $(pwd)"; [ -d "$4" ] && [ -d "$6" ] || exit 9; '
        'if [ "$(cat "$4/v")" = fail ]; then echo progress; echo "the reason" >&2; '
        'echo "the reason" >"$6/_ERROR"; exit 0; fi; '
        'case "$(cat "$4/v")" in '
        'crash) echo "_ERROR unread" >"$6/_ERROR"; echo "crashed" >&2; exit 4;; '
        'empty) : >"$6/_ERROR"; exit 0;; '
        'folder) mkdir "$6/_ERROR"; exit 0;; '
        'huge) head -c 1048577 /dev/zero >"$6/_ERROR"; exit 0;; '
        'esac; '
        'printf "%s!" "$(cat "$4/v")" >"$6/o0"'))
    before = len(copilot_harness.failures)
    printed = io.StringIO()
    with environment(**{EXECUTABLE_DIR: None, LOCAL_MODE: None}), contextlib.redirect_stderr(printed):
        value = task.execute(v="hi")
        try:
            task.execute(v="fail")
            fail("a task that wrote _ERROR did not fail")
        except task.TaskFailed as e:
            if str(e) != "the reason":
                fail(f"_ERROR's text: {str(e)!r}")
        # As CoPilot: a non-zero exit fails the pod, whatever _ERROR says; an _ERROR fails the task
        # even when empty, and a folder or more than 1 MiB there is an error of its own.
        for text, message in (("crash", "types.echo_string: the task exited with status 4: crashed"),
                              ("empty", "types.echo_string: an empty _ERROR"),
                              ("folder", "types.echo_string: its _ERROR is a folder"),
                              ("huge", "types.echo_string: its _ERROR holds 1048577 bytes, more than "
                                       "CoPilot's 1 MiB")):
            try:
                task.execute(v=text)
                fail(f"{text}: the task did not fail")
            except task.TaskFailed as e:
                if str(e) != message:
                    fail(f"{text}: {str(e)!r}, expected {message!r}")
    if value != "hi!":
        fail(f"the task's output: {value!r}")
    lines = printed.getvalue().splitlines()
    first = lines[0].split() if lines else []
    folder = os.path.dirname(first[4]) if len(first) == 7 else "?"
    if lines[:2] != [f"words: run types.echo_string --inputs {folder}/inputs --outputs {folder}/outputs",
                     f"cwd: {folder}"]:
        fail(f"the command and its folder: {lines[:2]!r}")
    rest = lines[5:]  # the runs with a crash, an empty _ERROR, a folder and a huge one
    if len(lines) != 5 + 2 * 4 or not lines[2].startswith("words: run ") or not lines[3].startswith("cwd: ") or \
            lines[4] != "progress" or [line.split()[0] for line in rest] != ["words:", "cwd:"] * 4:
        fail(f"what the task printed, as passed on (its failure's reason left to the error): {lines!r}")
    if len(copilot_harness.failures) == before:
        print("ok   the command (data folders mapped), its working folder, its output passed on")


def main():
    args = copilot_harness.harness_arguments()
    src, work = args.source_dir, os.path.abspath(args.work)
    files = os.path.join(work, "files")
    os.makedirs(files, exist_ok=True)
    sys.path.insert(0, os.path.join(src, "test", "lit", "output", "Inputs", "flytekit-stub"))
    file_class = give_stub_files_a_path()

    examples = os.path.join(src, "examples")
    example_sources = [os.path.join(examples, "src", f) for f in ("etl.cpp", "stats.cpp", "train.cpp")]
    example_flags = ["-I", os.path.join(examples, "include")]
    projects = [
        ("examples", "ml", example_sources, [os.path.join(examples, "common", "features.cpp")], example_flags,
         ["--config", os.path.join(examples, "flyte.yaml")], copilot_harness.example_cases(files)),
        ("types", "types", [os.path.join(src, "test", "copilot", "types.cpp")], [], [],
         ["--image", "localhost/types:1"], copilot_harness.type_cases(files)),
    ]
    bin_dir = os.path.join(work, "bin")
    texts = {}
    for label, project, sources, others, flags, options, cases in projects:
        out = os.path.join(work, label)
        copilot_harness.generate(args, project, out, sources, flags, options)
        built = copilot_harness.build(args, out, sources + others, flags, bin_dir)
        interfaces = copilot_harness.tasks_of(out)
        module = load_module(os.path.join(out, "flyte_tasks.py"), label)
        with environment(**{EXECUTABLE_DIR: bin_dir, LOCAL_MODE: None}):
            compare_with_pods(os.path.join(work, "pods"), module, interfaces, cases,
                              lambda word: built.get(word, word), file_class)
        with open(os.path.join(out, "flyte_tasks.py")) as f:
            texts[label] = f.read()
    check_lookup(work, texts["types"], built)
    check_command_and_output(work, texts["types"])

    if copilot_harness.failures:
        print(f"\n{len(copilot_harness.failures)} failure(s)")
        return 1
    print("\nhost mode: every task and type exchanges data as a pod does under CoPilot's rules")
    return 0


if __name__ == "__main__":
    sys.exit(main())
