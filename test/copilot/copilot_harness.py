"""copilot_harness.py: every example task and every supported type, run through a model of Flyte's
CoPilot (copilot.py) the way a cluster runs them: inputs written as CoPilot writes them (with the
metadata format flyte_tasks.py declares), the command flyte_tasks.py declares, outputs read back
with Go's strconv rules, failures classified as Flyte classifies them. NaN, ±Inf, huge, empty and
non-ASCII values included. It also checks that flyte_tasks.py's CppContainerTask (its local
execution) writes and reads values exactly as the model does, against the stub flytekit.

usage: copilot_harness.py --task-scan EXE --source-dir DIR --cxx CXX --work DIR
"""
import argparse
import ast
import json
import math
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import copilot  # noqa: E402

failures = []


def fail(message):
    failures.append(message)
    print("FAIL:", message)


# --- Generating and building ----------------------------------------------------------------------

def generate(args, project, out, sources, flags, extra):
    os.makedirs(out, exist_ok=True)
    command = [args.task_scan, "--no-cache", "--project", project, "--output-dir", out, *extra, *sources,
               "--", "-std=c++17", *flags]
    subprocess.run(command, check=True)


def tasks_of(out):
    """Each task as flyte_tasks.py and manifest.json declare it, read without flytekit."""
    with open(os.path.join(out, "manifest.json")) as f:
        manifest = json.load(f)
    interfaces = {t["name"]: t for t in manifest["tasks"]}
    tasks = {}
    tree = ast.parse(open(os.path.join(out, "flyte_tasks.py")).read())
    for node in tree.body:
        if not (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)):
            continue
        call = node.value
        if not (isinstance(call.func, ast.Name) and call.func.id == "CppContainerTask"):
            continue
        kw = {k.arg: k.value for k in call.keywords}
        name = ast.literal_eval(kw["name"])
        form = kw.get("metadata_format")
        tasks[name] = {
            "command": ast.literal_eval(kw["command"]),
            "input_data_dir": ast.literal_eval(kw["input_data_dir"]),
            "output_data_dir": ast.literal_eval(kw["output_data_dir"]),
            # ContainerTask's default is JSON
            "metadata_format": form.attr if isinstance(form, ast.Attribute) else "JSON",
            "inputs": [(v["name"], v["flyte_type"]) for v in interfaces[name]["inputs"]],
            "outputs": [(v["name"], v["flyte_type"]) for v in interfaces[name]["outputs"]],
        }
    if sorted(tasks) != sorted(interfaces):
        fail(f"flyte_tasks.py and manifest.json list different tasks: {sorted(tasks)} {sorted(interfaces)}")
    return tasks


def build(args, out, sources, flags, bin_dir):
    """One executable per image, from its generated entrypoint and the project's sources."""
    os.makedirs(bin_dir, exist_ok=True)
    built = {}
    with open(os.path.join(out, "flyte_tasks.py")) as f:
        executables = set(re.findall(r'command=\["([^"]+)"', f.read()))
    for path in sorted(executables):
        name = os.path.basename(path)
        key = name.split("_", 1)[1] if "_" in name else name
        entry = os.path.join(out, "images", key, "entrypoint.cpp")
        exe = os.path.join(bin_dir, name)
        subprocess.run([args.cxx, "-std=c++17", "-O1", "-I", os.path.join(args.source_dir, "lib/runtime/include"),
                        *flags, entry, *sources, "-o", exe], check=True)
        built[path] = exe
    return built


# --- Expectations ---------------------------------------------------------------------------------

def same(actual, expected):
    if isinstance(expected, float):
        if not isinstance(actual, float):
            return False
        if math.isnan(expected):
            return math.isnan(actual)
        return actual == expected and math.copysign(1, actual) == math.copysign(1, expected)
    if isinstance(expected, bytes):  # a file output's content
        if not (isinstance(actual, tuple) and actual[0] == "file"):
            return False
        with open(actual[1], "rb") as f:
            return f.read() == expected
    return type(actual) is type(expected) and actual == expected


def check(pods, task_name, tasks, values, expected, executable_of):
    """expected: {"o0": value, ...} for success, ("user", regex) or ("system", regex)."""
    task = tasks[task_name]
    result = copilot.run_pod(os.path.join(pods, "pod"), task, values, executable_of)
    label = f"{task_name}({', '.join(f'{k}={v!r}' for k, v in values.items())})"[:200]
    if isinstance(expected, dict):
        if result.kind != "success":
            fail(f"{label}: expected success {expected!r}, got {result!r} {result.stderr!r}")
        elif set(result.outputs) != set(expected) or \
                not all(same(result.outputs[k], v) for k, v in expected.items()):
            fail(f"{label}: expected {expected!r}, got {result.outputs!r}")
        else:
            print(f"ok   {label} -> {result.outputs!r}"[:240])
        return result
    kind, pattern = expected
    if result.kind != kind or not re.search(pattern, result.message):
        fail(f"{label}: expected a {kind} error matching {pattern!r}, got {result!r}")
    else:
        print(f"ok   {label} -> {kind} error {result.message!r}"[:240])
    check_reason_reaches_user(label, result)
    return result


def check_reason_reaches_user(label, result):
    """In every failure the reason is the last line of the task's stderr (the _ERROR text, when
    there is one), so that it reaches the user on every Flyte release, whatever that release does
    with the error document (copilot.flyte_outcome)."""
    lines = result.stderr.rstrip("\n").split("\n")
    reason = lines[-1]
    if not reason.startswith("task "):
        fail(f"{label}: the last line of stderr is not the reason: {result.stderr!r}")
        return
    if result.kind == "user" and result.message.startswith("User Error: "):
        written = result.message[len("User Error: "):].rstrip("\n")
        if written != reason:
            fail(f"{label}: _ERROR says {written!r}, the last line of stderr {reason!r}")
    for release in copilot.RELEASES:
        outcome = copilot.flyte_outcome(release, result)
        if outcome.phase != "FAILED" or not copilot.reason_reaches_user(outcome, reason):
            fail(f"{label}: on Flyte {release} the reason {reason!r} does not reach the user: {outcome!r}")


NAN, INF = math.nan, math.inf
NON_ASCII = "caf\u00e9 \u2713 \u65e5\u672c \U0001f600"


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)
    return path


def example_cases(files):
    """Every task of examples/, with ordinary and hostile values."""
    doc = write(os.path.join(files, "doc.txt"), b"Hello world, hello\nFlyte!\n")
    empty_doc = write(os.path.join(files, "empty.txt"), b"")
    utf8_doc = write(os.path.join(files, "utf8.txt"), NON_ASCII.encode())
    mean, summarize, finite = "ml.stats.mean", "ml.stats.summarize", "ml.stats.all_finite"
    return [
        (mean, {"xs": [1.0, 2.0, 6.0]}, {"o0": 3.0}),
        (mean, {"xs": [0.1, 0.2]}, {"o0": 0.15000000000000002}),
        (mean, {"xs": [NAN]}, {"o0": NAN}),                    # needs PROTO: JSON refuses NaN
        (mean, {"xs": [INF, 1.0]}, {"o0": INF}),
        (mean, {"xs": [INF, -INF]}, {"o0": NAN}),             # a NaN with the sign bit set
        (mean, {"xs": [1.7976931348623157e308, 1.7976931348623157e308]}, {"o0": INF}),
        (mean, {"xs": [5e-324]}, {"o0": 5e-324}),
        (mean, {"xs": [-0.0]}, {"o0": 0.0}),                  # 0.0 + -0.0
        (mean, {"xs": []}, ("user", r"^User Error: task ml\.stats\.mean: exception: mean of no values\n$")),
        (summarize, {"xs": [3.0, -1.5, 2.0, 10.0]}, {"o0": -1.5, "o1": 10.0, "o2": 2.5}),
        (summarize, {"xs": [-INF, 1e300]}, {"o0": -INF, "o1": 1e300, "o2": -INF}),
        (summarize, {"xs": []}, ("user", r"summary of no values")),
        (finite, {"xs": [1.0, 2.0]}, {"o0": True}),
        (finite, {"xs": [1.0, NAN]}, {"o0": False}),
        (finite, {"xs": []}, {"o0": True}),
        ("ml.train", {"epochs": 3, "learning_rate": 0.5}, {"o0": None}),
        ("ml.train", {"epochs": 0, "learning_rate": 0.5}, ("user", r"epochs must be positive")),
        ("ml.train", {"epochs": 3, "learning_rate": NAN}, ("user", r"learning_rate must be in \(0, 1\)")),
        ("ml.train", {"epochs": 3, "learning_rate": INF}, ("user", r"learning_rate must be in \(0, 1\)")),
        ("ml.train", {"epochs": copilot.INT64_MAX, "learning_rate": 1e-300}, None),  # too slow to finish: skipped
        ("ml.evaluate", {"xs": [0.0, 1.0], "ys": [1.0, 3.0], "weight": 2.0, "bias": 1.0}, {"o0": 0.0, "o1": 2}),
        ("ml.evaluate", {"xs": [], "ys": [], "weight": NAN, "bias": -INF}, {"o0": 0.0, "o1": 0}),
        ("ml.evaluate", {"xs": [1.0], "ys": [], "weight": 1.0, "bias": 0.0}, ("user", r"differ in length")),
        ("ml.evaluate", {"xs": [1.0], "ys": [2.0], "weight": INF, "bias": 0.0}, {"o0": INF, "o1": 1}),
        ("ml.etl.count_words", {"document": doc}, {"o0": 4}),
        ("ml.etl.count_words", {"document": empty_doc}, {"o0": 0}),
        ("ml.etl.count_words", {"document": utf8_doc}, {"o0": None}),
        ("ml.etl.vocabulary", {"lines": ["b a", "A c", ""]}, {"o0": b"a\nb\nc\n"}),
        ("ml.etl.vocabulary", {"lines": []}, {"o0": b""}),
        ("ml.etl.vocabulary", {"lines": [NON_ASCII, "x" * 5000]}, {"o0": None}),
        ("ml.etl.top_word", {"text": "a b a"}, {"o0": "a", "o1": 2}),
        ("ml.etl.top_word", {"text": ""}, {"o0": "", "o1": 0}),
        ("ml.etl.top_word", {"text": "x" * 100000}, ("user", r"more than the 1024 bytes")),
        ("ml.etl.top_word", {"text": NON_ASCII}, {"o0": None, "o1": None}),
    ]


def type_cases(files):
    """Every supported type (test/copilot/types.cpp), at its edges."""
    a = write(os.path.join(files, "a.bin"), b"\x00\xffbinary\n")
    b = write(os.path.join(files, "b.txt"), NON_ASCII.encode())
    cases = [("types.echo_bool", {"v": v}, {"o0": v}) for v in (True, False)]
    for name, low, high in [("short", -(2**15), 2**15 - 1), ("ushort", 0, 2**16 - 1), ("int", -(2**31), 2**31 - 1),
                            ("uint", 0, 2**32 - 1), ("long", -(2**63), 2**63 - 1), ("ulong", 0, 2**63 - 1),
                            ("llong", -(2**63), 2**63 - 1), ("ullong", 0, 2**63 - 1), ("int16", -(2**15), 2**15 - 1),
                            ("uint32", 0, 2**32 - 1), ("int64", -(2**63), 2**63 - 1), ("uint64", 0, 2**63 - 1)]:
        task = f"types.echo_{name}"
        cases += [(task, {"v": v}, {"o0": v}) for v in (low, high, 0, 7)]
        if low > -(2**63):
            cases.append((task, {"v": low - 1}, ("user", r"input 'v': expected an integer in \[")))
        if high < 2**63 - 1:
            cases.append((task, {"v": high + 1}, ("user", r"input 'v': expected an integer in \[")))
    cases += [
        ("types.twice", {"v": 2**62 - 1}, {"o0": 2**63 - 2}),
        ("types.twice", {"v": 2**62}, ("user", r"output 'o0': 9223372036854775808 is larger than 9223372036854775807")),
        ("types.difference", {"a": INF, "b": INF}, {"o0": NAN}),
        ("types.difference", {"a": NAN, "b": 1.0}, {"o0": NAN}),
        ("types.echo_float", {"v": 0.1}, {"o0": 0.1}),
        ("types.echo_float", {"v": 3.4028234663852886e38}, {"o0": 3.4028235e38}),
        ("types.echo_float", {"v": 1e300}, ("user", r"input 'v': expected a number in the range of float")),
        ("types.echo_float", {"v": NAN}, {"o0": NAN}),
        ("types.echo_float", {"v": -INF}, {"o0": -INF}),
    ]
    for v in (0.0, -0.0, 1.0, 0.1, -2.5e-10, 1e21, 1e300, 1.7976931348623157e308, 5e-324, 2.2250738585072014e-308,
              123456789.125, NAN, INF, -INF):
        cases.append(("types.echo_double", {"v": v}, {"o0": v}))
    for v in ("hello", "", "a=b", NON_ASCII, "x" * 1024, "tab\there", "quote\"'\\", "\u0000nul"):
        cases.append(("types.echo_string", {"v": v}, {"o0": v}))
    cases += [
        # CoPilot trims " \t\n" at both ends of a string output (docs/data-contract.md).
        ("types.echo_string", {"v": "  padded\t\n"}, {"o0": "padded"}),
        ("types.echo_string", {"v": "\r\nkept\r"}, {"o0": "\r\nkept\r"}),
        ("types.echo_string", {"v": "x" * 1025}, ("user", r"1025 bytes, more than the 1024 bytes")),
        ("types.echo_string", {"v": "\u00e9" * 600}, ("user", r"1200 bytes, more than the 1024 bytes")),
        ("types.echo_file", {"v": a}, {"o0": b"\x00\xffbinary\n"}),
        ("types.echo_file", {"v": b}, {"o0": NON_ASCII.encode()}),
        ("types.last_bool", {"v": [True, False]}, {"o0": 2, "o1": False}),
        ("types.last_bool", {"v": []}, {"o0": 0, "o1": False}),
        ("types.last_short", {"v": [-(2**15), 2**15 - 1]}, {"o0": 2, "o1": 2**15 - 1}),
        ("types.last_short", {"v": [1, 2**15]}, ("user", r"input 'v': element 1: expected an integer in")),
        ("types.last_uint", {"v": [2**32 - 1]}, {"o0": 1, "o1": 2**32 - 1}),
        ("types.last_uint", {"v": [-1]}, ("user", r"element 0: expected an integer in \[0, 4294967295\]")),
        ("types.last_long", {"v": list(range(-50, 51))}, {"o0": 101, "o1": 50}),
        ("types.last_uint64", {"v": [2**63 - 1]}, {"o0": 1, "o1": 2**63 - 1}),
        ("types.last_float", {"v": [NAN, -INF]}, {"o0": 2, "o1": -INF}),
        ("types.last_float", {"v": [1e-50]}, ("user", r"range of float")),
        ("types.last_double", {"v": [1.5, NAN]}, {"o0": 2, "o1": NAN}),
        ("types.last_double", {"v": [1e308, INF]}, {"o0": 2, "o1": INF}),
        ("types.last_double", {"v": []}, {"o0": 0, "o1": 0.0}),
        ("types.last_string", {"v": ["", NON_ASCII]}, {"o0": 2, "o1": NON_ASCII}),
        ("types.last_string", {"v": ["a b", ""]}, {"o0": 2, "o1": ""}),
        ("types.last_string", {"v": []}, {"o0": 0, "o1": ""}),
        ("types.last_file", {"v": [a, b]}, {"o0": 2, "o1": NON_ASCII.encode()}),
        ("types.last_file", {"v": []}, ("user", r"no files")),
        ("types.require_positive", {"v": 5}, {}),
        # Without outputs there is no uploader: a failure can only be the exit status, which
        # Flyte sees as a pod failure (SPEC section 6).
        ("types.require_positive", {"v": -5}, ("system", r"Interrupted")),
    ]
    return cases


def run_cases(pods, tasks, cases, executable_of):
    seen = set()
    for task_name, values, expected in cases:
        seen.add(task_name)
        if expected is None:
            continue
        if isinstance(expected, dict) and None in expected.values():
            # success is what matters; the value itself is the task's business
            result = copilot.run_pod(os.path.join(pods, "pod"), tasks[task_name], values, executable_of)
            if result.kind != "success" or set(result.outputs) != set(expected):
                fail(f"{task_name}: expected success, got {result!r} {result.stderr!r}")
            else:
                print(f"ok   {task_name} -> {result.outputs!r}"[:240])
            continue
        check(pods, task_name, tasks, values, expected, executable_of)
    for name in sorted(set(tasks) - seen):
        fail(f"task {name} has no case")


# --- flyte_tasks.py's local execution follows the same rules ---------------------------------------

def check_local_execution_rules(out, stub):
    """CppContainerTask.input_text / output_value (what `pyflyte run` locally writes and reads)
    against the model, with the stub flytekit (the real one: flytekit_check.py)."""
    sys.path[:0] = [stub, out]
    import flyte_tasks
    task_class = flyte_tasks.CppContainerTask
    floats = [0.0, -0.0, 1.0, 0.1, 1e21, 1e-7, 1e300, 5e-324, 1.7976931348623157e308, 123.456, NAN, INF, -INF]
    for v in floats + [True, False, 0, -(2**63), 2**63 - 1, "", NON_ASCII]:
        kind = {bool: "bool", int: "int", float: "float", str: "str"}[type(v)]
        expected = copilot.primitive_bytes(kind, v)
        actual = task_class.input_text(v).encode("utf-8")
        if actual != expected:
            fail(f"CppContainerTask.input_text({v!r}) = {actual!r}, CoPilot writes {expected!r}")
    texts = ["0", "+7", "-7", " 42\n", "9223372036854775807", "9223372036854775808", "-9223372036854775809",
             "1.5", "1e5", "0x10", "1_000", "", "NaN", "nan", "-nan", "+NaN", "Inf", "+Inf", "-Inf", "inf",
             "-infinity", "+-inf", "infin", "1e308", "1e309", "1e-400", ".5", "5.", ".", "0x1p-2", "0x1",
             "true", "True", "TRUE", "t", "1", "false", "F", "0", "yes", "tRUE", "\tpadded \n", "\r\n"]
    for text in texts:
        for kind, python_type in (("int", int), ("float", float), ("bool", bool), ("str", str)):
            try:
                expected = copilot.read_simple(write(os.path.join(out, "_value"), text.encode()), kind)
            except copilot.UploadFailed:
                expected = "error"
            try:
                actual = task_class.output_value(text.encode(), python_type)
            except task_class.TaskFailed:
                actual = "error"
            if not (actual == expected == "error" or (actual != "error" and expected != "error" and
                                                     same(actual, expected))):
                fail(f"CppContainerTask.output_value({text!r}, {kind}) = {actual!r}; CoPilot reads {expected!r}")
    for data in (b"\xff", "x".encode() * 1025):
        try:
            task_class.read_output(write(os.path.join(out, "_value"), data), str)
            fail(f"CppContainerTask.read_output accepted {data[:10]!r}, which CoPilot refuses")
        except task_class.TaskFailed:
            pass
    print("ok   CppContainerTask writes and reads values as CoPilot does")


def harness_arguments():
    """The arguments every copilot check takes (test/copilot/CMakeLists.txt passes them)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--task-scan", required=True)
    parser.add_argument("--source-dir", required=True)
    parser.add_argument("--cxx", required=True)
    parser.add_argument("--work", required=True)
    return parser.parse_args()


def main():
    args = harness_arguments()
    src = args.source_dir
    work = os.path.abspath(args.work)
    files = os.path.join(work, "files")
    os.makedirs(files, exist_ok=True)

    examples = os.path.join(src, "examples")
    example_sources = [os.path.join(examples, "src", f) for f in ("etl.cpp", "stats.cpp", "train.cpp")]
    example_flags = ["-I", os.path.join(examples, "include")]
    ex_out = os.path.join(work, "examples")
    generate(args, "ml", ex_out, example_sources, example_flags,
             ["--config", os.path.join(examples, "flyte.yaml")])
    types_out = os.path.join(work, "types")
    types_sources = [os.path.join(src, "test", "copilot", "types.cpp")]
    generate(args, "types", types_out, types_sources, [], ["--image", "localhost/types:1"])

    built = {}
    built.update(build(args, ex_out, example_sources + [os.path.join(examples, "common", "features.cpp")],
                       example_flags, os.path.join(work, "bin")))
    built.update(build(args, types_out, types_sources, [], os.path.join(work, "bin")))

    def executable_of(word):
        return built.get(word, word)

    for out, cases in ((ex_out, example_cases(files)), (types_out, type_cases(files))):
        tasks = tasks_of(out)
        for name, task in tasks.items():
            if task["metadata_format"] != "PROTO":
                fail(f"{name}: metadata_format {task['metadata_format']}: CoPilot's JSON inputs.json cannot "
                     "hold NaN or ±Inf")
        run_cases(os.path.join(work, "pods"), tasks, cases, executable_of)

    check_local_execution_rules(types_out, os.path.join(src, "test", "lit", "output", "Inputs", "flytekit-stub"))

    if failures:
        print(f"\n{len(failures)} failure(s)")
        return 1
    print("\nall tasks behave on CoPilot's rules")
    return 0


if __name__ == "__main__":
    sys.exit(main())
