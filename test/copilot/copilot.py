"""A model of Flyte CoPilot, the raw-container data path that runs task-scan's executables.

Each rule below is read in flyteorg/flyte (v1.16.8; unchanged from v1.10 and on master) and names
its Go file and function. run_pod() plays one Kubernetes pod of a raw-container task: CoPilot's
downloader writes the inputs, the task container runs the command flyte_tasks.py gives it, the
uploader sidecar reads the outputs, and Flyte's plugin classifies the result. Nothing here is
copied from Flyte: it is a re-statement of its rules, for tests that cannot run a cluster.
"""
import json
import math
import os
import re
import shutil
import subprocess

# flytecopilot/data/upload.go: const maxPrimitiveSize = 1024 (handleSimpleType).
MAX_PRIMITIVE_SIZE = 1024
# flytecopilot/data/upload.go, RecursiveUpload: an _ERROR file larger than this is itself an error.
MAX_ERROR_FILE_SIZE = 1024 * 1024
# flytecopilot/cmd/sidecar.go: ErrorFile = "_ERROR".
ERROR_FILE = "_ERROR"
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


class DownloadFailed(Exception):
    """The downloader (an init container) failed: the task never starts."""


class UploadFailed(Exception):
    """The uploader returned an error; the sidecar turns it into an error document."""


# --- Types ---------------------------------------------------------------------------------------

def parse_flyte_type(text):
    """manifest.json's flyte_type: ("int" | "float" | "bool" | "str" | "file", is_list)."""
    is_list = text.startswith("List[")
    inner = text[5:-1] if is_list else text
    return {"int": "int", "float": "float", "bool": "bool", "str": "str", "FlyteFile": "file"}[inner], is_list


# --- Go's strconv, as CoPilot uses it -------------------------------------------------------------

def go_format_bool(value):
    """strconv.FormatBool."""
    return "true" if value else "false"


def go_format_int(value):
    """strconv.FormatInt(v, 10): a Flyte int is an int64."""
    assert INT64_MIN <= value <= INT64_MAX
    return str(value)


def go_format_float_f(value):
    """strconv.FormatFloat(v, 'f', -1, 64): the shortest decimal digits that read back as v
    (Python's repr finds the same digits), written without an exponent; NaN, +Inf, -Inf."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    text = repr(float(value))
    sign = "-" if text.startswith("-") else ""
    mantissa, _, exponent = text.lstrip("-").partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = whole + fraction
    point = len(whole) + int(exponent or 0)
    while len(digits) > 1 and digits[0] == "0":
        digits, point = digits[1:], point - 1
    digits = digits.rstrip("0") or "0"
    if digits == "0":
        return sign + "0"
    if point <= 0:
        return sign + "0." + "0" * -point + digits
    if point >= len(digits):
        return sign + digits + "0" * (point - len(digits))
    return sign + digits[:point] + "." + digits[point:]


class GoSyntaxError(ValueError):
    pass


def go_parse_int(text):
    """strconv.ParseInt(s, 10, 64): an optional sign and decimal digits (no prefix, no
    underscores: base 10 is given), within int64."""
    if not re.fullmatch(r"[+-]?[0-9]+", text):
        raise GoSyntaxError(f'strconv.ParseInt: parsing "{text}": invalid syntax')
    value = int(text)
    if not INT64_MIN <= value <= INT64_MAX:
        raise GoSyntaxError(f'strconv.ParseInt: parsing "{text}": value out of range')
    return value


def go_parse_float(text):
    """strconv.ParseFloat(s, 64). special(): an optional sign and "inf" or "infinity", or "nan"
    without a sign, case-insensitively (so C's "-nan" is refused); readFloat(): decimal with an
    optional exponent, or hexadecimal with a required 'p' exponent; underscores only after a base
    prefix (underscoreOK). A finite text beyond float64 is ErrRange; underflow is not an error."""
    lower = text.lower()
    special = re.fullmatch(r"([+-]?)(inf|infinity)|nan", lower)
    if special:
        return math.nan if lower == "nan" else float(special.group(1) + "inf")
    if re.fullmatch(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)(e[+-]?[0-9]+)?", lower):
        value = float(lower)
    elif re.fullmatch(r"[+-]?0x(_?[0-9a-f])*\.?(_?[0-9a-f])*p[+-]?[0-9]+", lower) and \
            re.search(r"[0-9a-f]", lower.split("x", 1)[1].split("p")[0]):
        value = float.fromhex(lower.replace("_", ""))
    else:
        raise GoSyntaxError(f'strconv.ParseFloat: parsing "{text}": invalid syntax')
    if math.isinf(value):
        raise GoSyntaxError(f'strconv.ParseFloat: parsing "{text}": value out of range')
    return value


def go_parse_bool(text):
    """strconv.ParseBool."""
    if text in ("1", "t", "T", "TRUE", "true", "True"):
        return True
    if text in ("0", "f", "F", "FALSE", "false", "False"):
        return False
    raise GoSyntaxError(f'strconv.ParseBool: parsing "{text}": invalid syntax')


# --- The downloader: flytecopilot/data/download.go ------------------------------------------------

def primitive_bytes(kind, value):
    """Downloader.handlePrimitive: the text written for one primitive."""
    if kind == "str":
        return value.encode("utf-8")
    if kind == "bool":
        return go_format_bool(value).encode()
    if kind == "int":
        return go_format_int(value).encode()
    return go_format_float_f(value).encode()


def write_literal(path, kind, is_list, value):
    """Downloader.handleLiteral: a collection is a folder (os.MkdirAll, even when empty) holding
    one entry per element named by its index (handleCollection); a primitive is its text
    (handlePrimitive); a blob is downloaded to the path (handleBlob)."""
    if is_list:
        os.makedirs(path, exist_ok=True)
        for index, element in enumerate(value):
            write_literal(os.path.join(path, str(index)), kind, False, element)
    elif kind == "file":
        shutil.copyfile(value, path)
    else:
        with open(path, "wb") as f:
            f.write(primitive_bytes(kind, value))


def json_value(kind, is_list, value):
    """The value Downloader.DownloadInputs hands to encoding/json for inputs.json."""
    if is_list:
        return [json_value(kind, False, v) for v in value]
    if kind == "float" and (math.isnan(value) or math.isinf(value)):
        # encoding/json: UnsupportedValueError for NaN and ±Inf
        raise DownloadFailed(f"failed to marshal out inputs: json: unsupported value: {go_format_float_f(value)}")
    return value


def download_inputs(directory, interface, values, metadata_format):
    """Downloader.DownloadInputs: os.MkdirAll(dir); every input (RecursiveDownload); inputs.pb
    always; with the JSON format also inputs.json (json.Marshal), with YAML inputs.yaml."""
    os.makedirs(directory, exist_ok=True)
    for name, flyte_type in interface:
        kind, is_list = parse_flyte_type(flyte_type)
        write_literal(os.path.join(directory, name), kind, is_list, values[name])
    with open(os.path.join(directory, "inputs.pb"), "wb") as f:
        f.write(b"")  # the LiteralMap; the executables never read it
    if metadata_format == "JSON":
        document = {name: json_value(*parse_flyte_type(t), values[name]) for name, t in interface}
        with open(os.path.join(directory, "inputs.json"), "w") as f:
            json.dump(document, f)


# --- The uploader: flytecopilot/data/upload.go ----------------------------------------------------

def read_simple(path, kind):
    """Uploader.handleSimpleType (IsFileReadable; a folder and more than maxPrimitiveSize bytes
    are errors), then coreutils.MakeLiteralForSimpleType (flyteidl/clients/go/coreutils/
    literals.go): strings.Trim(s, " \\n\\t"), then MakePrimitiveForType's strconv parse."""
    if not os.path.exists(path):
        raise UploadFailed(f"file not found at path [{path}]")
    if os.path.isdir(path):
        raise UploadFailed(f"expected file for type [{kind}], found dir at path [{path}]")
    size = os.path.getsize(path)
    if size > MAX_PRIMITIVE_SIZE:
        raise UploadFailed(f"maximum allowed filesize is [{MAX_PRIMITIVE_SIZE}], but found [{size}]")
    with open(path, "rb") as f:
        data = f.read()
    text = data.strip(b" \n\t")
    try:
        if kind == "str":
            # A proto3 string field: Go's protobuf refuses to marshal invalid UTF-8 (the uploader's
            # store.WriteProtobuf of the outputs LiteralMap fails).
            return text.decode("utf-8")
        ascii_text = text.decode("utf-8")
        if kind == "int":
            return go_parse_int(ascii_text)
        if kind == "float":
            return go_parse_float(ascii_text)
        return go_parse_bool(ascii_text)
    except UnicodeDecodeError as e:
        raise UploadFailed(f"string field contains invalid UTF-8: {e}") from None
    except GoSyntaxError as e:
        raise UploadFailed(f"failed to parse {kind} value: {e}") from None


def recursive_upload(directory, interface):
    """Uploader.RecursiveUpload: an _ERROR file first ("User Error: <text>"); then each declared
    output: a blob (a file, or a folder as a multipart blob) or a simple type; any other type, a
    collection included, is "currently CoPilot uploader does not support"."""
    error_file = os.path.join(directory, ERROR_FILE)
    if os.path.exists(error_file):
        if os.path.isdir(error_file):
            raise UploadFailed("error file is a directory")
        if os.path.getsize(error_file) > MAX_ERROR_FILE_SIZE:
            raise UploadFailed(f"error file too large {os.path.getsize(error_file)}")
        with open(error_file, "rb") as f:
            raise UploadFailed("User Error: " + f.read().decode("utf-8", "replace"))
    outputs = {}
    for name, flyte_type in interface:
        kind, is_list = parse_flyte_type(flyte_type)
        path = os.path.join(directory, name)
        if is_list:
            raise UploadFailed(f"currently CoPilot uploader does not support [{flyte_type}], system error")
        if kind == "file":
            if not os.path.exists(path):  # IsFileReadable
                raise UploadFailed(f"file not found at path [{path}]")
            outputs[name] = ("file", path)
        else:
            outputs[name] = read_simple(path, kind)
    return outputs


# --- One pod --------------------------------------------------------------------------------------

class Result:
    """What Flyte reports: "success" with the outputs, "user" (the task's own error: retries
    apply, the message is shown) or "system" (a pod failure Flyte cannot attribute)."""

    def __init__(self, kind, outputs=None, message="", exit_status=None, stderr=""):
        self.kind, self.outputs, self.message = kind, outputs, message
        self.exit_status, self.stderr = exit_status, stderr

    def __repr__(self):
        return f"Result({self.kind}, {self.outputs!r}, {self.message!r}, exit={self.exit_status})"


def run_pod(work, task, values, executable_of, timeout=60):
    """Runs one task as a Flyte raw-container pod. `task` holds what flyte_tasks.py and the
    manifest say: command, input_data_dir, output_data_dir, metadata_format, inputs, outputs."""
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    inputs = os.path.join(work, "inputs")
    outputs = os.path.join(work, "outputs")
    # flyteplugins/go/tasks/pluginmachinery/flytek8s/copilot.go (AddCoPilotToPod): the inputs
    # volume and the downloader exist only for a task with inputs, the outputs volume and the
    # uploader sidecar only for a task with outputs.
    try:
        if task["inputs"]:
            download_inputs(inputs, task["inputs"], values, task["metadata_format"])
    except DownloadFailed as e:
        # The downloader is an init container: its failure fails the pod before the task runs.
        return Result("system", message=str(e))
    if task["outputs"]:
        os.makedirs(outputs)
    command = []
    for word in task["command"]:
        word = word.replace(task["input_data_dir"], inputs).replace(task["output_data_dir"], outputs)
        command.append(executable_of(word))
    done = subprocess.run(command, capture_output=True, timeout=timeout)
    stderr = done.stderr.decode("utf-8", "replace")
    # A container that exits non-zero fails the pod: Result "system" here; what each Flyte release
    # then reports (pod_helper.go DemystifyFailure) is flyte_outcome's business, below.
    if done.returncode != 0:
        return Result("system", message="Interrupted", exit_status=done.returncode, stderr=stderr)
    if not task["outputs"]:
        return Result("success", outputs={}, exit_status=0, stderr=stderr)
    # cmd/sidecar.go: the sidecar waited for the task container, uploads, and on an error writes
    # an error document (code "OutputUploadFailed", kind RECOVERABLE) and exits 0: Result "user"
    # with the document's message. Whether Flyte reads that document depends on the release
    # (flyte_outcome: on v1.10-v1.16.8 it does not).
    try:
        return Result("success", outputs=recursive_upload(outputs, task["outputs"]), exit_status=0, stderr=stderr)
    except UploadFailed as e:
        return Result("user", message=str(e), exit_status=0, stderr=stderr)


# --- What Flyte makes of the pod, release by release ---------------------------------------------
#
# run_pod() above says what the pod did and what CoPilot's uploader wrote. What the user then sees
# depends on the Flyte release; each rule names the file and the tags it was read at in
# flyteorg/flyte. Releases modelled (those whose rules differ, plus a future one):

V1_13 = "v1.13.0"   # also v1.10.x-v1.14.x: read at v1.13.0
V1_15_0 = "v1.15.0"  # the last release before #6259
V1_15_1 = "v1.15.1"  # #6259 "pod helper node preemption handling": UnknownError is a system error
V1_15_3 = "v1.15.3"  # the last release before #6501 (the uploader's signal watcher)
V1_16 = "v1.16.8"    # v1.16.0-v1.16.8: read at v1.16.8; master (2026-08-20) alike
PR_7922 = "pr7922"   # flyteorg/flyte#7922: not in any release (not even master) of the mirror read
RELEASES = (V1_13, V1_15_0, V1_15_1, V1_15_3, V1_16, PR_7922)

# flytepropeller/pkg/controller/config/config.go: max-node-retries-system-failures defaults to 3
# (v1.13.0 to v1.16.8); a task's `retries` is the budget of every other failure
# (nodes/executor.go, isEligibleForRetry: SYSTEM kind counts GetSystemFailures against it).
SYSTEM_RETRIES = 3


def _release_key(release):
    if release == PR_7922:
        return (99,)
    return tuple(int(p) for p in release.lstrip("v").split("."))


def _at_least(release, tag):
    return _release_key(release) >= _release_key(tag)


class Outcome:
    """What Flyte reports for one attempt: phase "SUCCEEDED" or "FAILED", the error's code, the
    budget its retries come from ("task": the task's `retries`; "system": the system budget) and
    `shown`, the message a user reads in the console and `pyflyte`; `log` is the pod's log."""

    def __init__(self, phase, code="", budget="", shown="", log=""):
        self.phase, self.code, self.budget, self.shown, self.log = phase, code, budget, shown, log

    def __repr__(self):
        return f"Outcome({self.phase}, {self.code!r}, budget={self.budget}, shown={self.shown!r})"


def termination_message(log):
    """The container's termination message: the pod spec's TerminationMessagePolicy is
    FallbackToLogsOnError (flyteplugins/.../flytek8s/container_helper.go BuildRawContainer and
    copilot.go, v1.13.0 and v1.16.8): with no /dev/termination-log, Kubernetes uses the tail of
    the log, at most 80 lines and 2048 bytes."""
    lines = log.splitlines(keepends=True)[-80:]
    return "".join(lines).encode("utf-8", "replace")[-2048:].decode("utf-8", "replace")


def flyte_outcome(release, pod, container="primary"):
    """pod: a run_pod() Result. Returns what `release` makes of it."""
    log = pod.stderr
    if pod.kind == "success":
        return Outcome("SUCCEEDED", log=log)
    if pod.exit_status is None:
        # The downloader (an init container) failed: the pod fails before the task starts.
        return Outcome("FAILED", "Interrupted" if _at_least(release, V1_15_1) else "UnknownError",
                       "system" if _at_least(release, V1_15_1) else "task", pod.message, log)
    if pod.exit_status != 0:
        # The pod failed: plugins/k8s/pod/plugin.go DemystifyPodStatus -> flytek8s/pod_helper.go
        # DemystifyFailure. A raw-container pod has no primary-container annotation (pod/plugin.go
        # BuildResource: not for rawContainerTaskType), so primaryContainerName is "".
        message = ("Pod failed. No message received from kubernetes.\r\n"
                   f"[{container}] terminated with exit code ({pod.exit_status}). Reason [Error]. "
                   f"Message: \n{termination_message(log)}.")
        if pod.exit_status == 137:
            # SIGKILL: code "Interrupted"; a system error only when the killed container is the
            # primary one (>= v1.15.1), which a raw container never names: the task's budget.
            return Outcome("FAILED", "Interrupted", "task", message, log)
        if _at_least(release, V1_15_1):
            # #6259 (v1.15.1): a code still "UnknownError" (no pod reason, no OOMKilled, no
            # SIGKILL) is a system error: PhaseInfoSystemRetryableFailure(Interrupted, ...).
            return Outcome("FAILED", "Interrupted", "system", message, log)
        # <= v1.15.0: PhaseInfoRetryableFailure("UnknownError", ...): a USER kind, task budget.
        return Outcome("FAILED", "UnknownError", "task", message, log)
    # Exit 0 and an uploader error document ("User Error: <_ERROR>", code OutputUploadFailed,
    # kind RECOVERABLE: flytecopilot/cmd/sidecar.go Sidecar, root.go UploadError). The sidecar
    # writes it as <output prefix>/errors.pb (root.go: --err-output-name defaults to
    # "errors.pb"; flytek8s/copilot.go SidecarCommandArgs never passes the flag), but propeller
    # reads error.pb (pluginmachinery/ioutils/paths.go ErrorsSuffix): v1.13.0 to v1.16.8 alike.
    if release == PR_7922:
        # As flyteorg/flyte#7922 is described (the two names agree): the document is read
        # (ioutils/remote_file_output_reader.go errorDoc2ExecutionError): its code and message,
        # recoverable, kind from its origin (unset: not SYSTEM): the task's budget.
        return Outcome("FAILED", "OutputUploadFailed", "task", pod.message, log)
    # No error.pb, no outputs.pb: nodes/task/handler.go ValidateOutput: "OutputsNotFound",
    # "Outputs not generated by task execution", IsRecoverable, no kind: the task's budget.
    return Outcome("FAILED", "OutputsNotFound", "task", "Outputs not generated by task execution", log)


def reason_reaches_user(outcome, reason):
    """Whether a user finds `reason`: in the message Flyte shows, or as the last line of the pod's
    log (the only place on releases that drop the error document)."""
    lines = outcome.log.rstrip("\n").split("\n")
    return reason in outcome.shown or lines[-1] == reason


def uploader_wait(release, task_seconds, poll=2.0, start_timeout=100.0, cycles=2):
    """Seconds the uploader sidecar waits after the task container exits before it uploads.
    Before v1.16.0 (flytecopilot/cmd/sidecar.go, v1.13.0-v1.15.3): the default watcher is the
    shared-process-namespace one (containerwatcher/spns_watcher.go), polling every 2 s
    (NewSharedProcessNSWatcher(ctx, time.Second*2, 2)); WaitToStart waits for the task's process
    to be seen, at most --start-timeout (flytek8s/config/config.go StartTimeout: 100 s, passed by
    flytek8s/copilot.go SidecarCommandArgs), then WaitToExit wants 2 polls in a row without it.
    A task that ends before the first poll is never seen: the sidecar waits out the start
    timeout. From v1.16.0 (#6501) the signal watcher (containerwatcher, SignalWatcher) is told
    of the exit: no polling. Both start together (t = 0)."""
    if _at_least(release, "v1.16.0"):
        return 0.0
    seen = poll <= task_seconds  # the first poll, at t = 2 s, finds the process running
    if not seen:
        start = start_timeout
    else:
        start = poll
    # WaitToExit: a fresh ticker from `start`; the process is gone at task_seconds.
    t, missing = start, 0
    while missing < cycles:
        t += poll
        missing = missing + 1 if t >= task_seconds else 0
    return t - task_seconds
