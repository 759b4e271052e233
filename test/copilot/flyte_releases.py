"""What each supported Flyte release makes of a C++ task's failure, as copilot.flyte_outcome
models it: one row per rule, each naming the file of flyteorg/flyte and the tags it was read at.
docs/data-contract.md's "Failures on each Flyte release" table says the same; change both together.

    python3 flyte_releases.py
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import copilot  # noqa: E402
from copilot import V1_13, V1_15_0, V1_15_1, V1_15_3, V1_16, PR_7922  # noqa: E402

REASON = "task demo.add: input 'a': expected an integer, got \"x\""
failures = []


def pod(kind, exit_status, message=""):
    return copilot.Result(kind, message=message, exit_status=exit_status, stderr=f"working\n{REASON}\n")


# (pod, release, code, budget, reason shown in Flyte's message, source)
ERROR_FILE = pod("user", 0, f"User Error: {REASON}\n")
EXIT_1 = pod("system", 1, "Interrupted")
SIGKILL = pod("system", 137, "Interrupted")
ROWS = [
    # _ERROR and exit 0: the uploader's errors.pb is not the error.pb propeller reads.
    (ERROR_FILE, V1_13, "OutputsNotFound", "task", False,
     "flytecopilot/cmd/root.go (--err-output-name errors.pb), flytek8s/copilot.go "
     "SidecarCommandArgs, ioutils/paths.go ErrorsSuffix error.pb, nodes/task/handler.go; v1.13.0"),
    (ERROR_FILE, V1_15_0, "OutputsNotFound", "task", False, "the same files; v1.15.0"),
    (ERROR_FILE, V1_15_1, "OutputsNotFound", "task", False, "the same files; v1.15.1"),
    (ERROR_FILE, V1_16, "OutputsNotFound", "task", False, "the same files; v1.16.8 (and master)"),
    (ERROR_FILE, PR_7922, "OutputUploadFailed", "task", True,
     "flyteorg/flyte#7922 as the issue describes it; ioutils/remote_file_output_reader.go"),
    # A non-zero exit: the pod fails; DemystifyFailure.
    (EXIT_1, V1_13, "UnknownError", "task", True,
     "flytek8s/pod_helper.go DemystifyFailure (PhaseInfoRetryableFailure); v1.13.0"),
    (EXIT_1, V1_15_0, "UnknownError", "task", True, "pod_helper.go DemystifyFailure; v1.15.0"),
    (EXIT_1, V1_15_1, "Interrupted", "system", True,
     "pod_helper.go DemystifyFailure, code UnknownError -> system (#6259); v1.15.1"),
    (EXIT_1, V1_16, "Interrupted", "system", True, "pod_helper.go DemystifyFailure; v1.16.8"),
    (EXIT_1, PR_7922, "Interrupted", "system", True, "pod_helper.go DemystifyFailure; master"),
    # SIGKILL: "Interrupted", a system error only for a primary container, which a raw-container
    # pod never names (plugins/k8s/pod/plugin.go BuildResource).
    (SIGKILL, V1_13, "Interrupted", "task", True, "pod_helper.go DemystifyFailure; v1.13.0"),
    (SIGKILL, V1_16, "Interrupted", "task", True,
     "pod_helper.go DemystifyFailure (isTerminatedWithSigKill, primaryContainerName \"\"); v1.16.8"),
]

for result, release, code, budget, shown, source in ROWS:
    outcome = copilot.flyte_outcome(release, result)
    label = f"exit {result.exit_status} ({result.kind}) on {release}"
    got = (outcome.code, outcome.budget, REASON in outcome.shown)
    if got != (code, budget, shown):
        failures.append(f"{label}: expected {(code, budget, shown)}, got {got} [{source}]")
    elif not copilot.reason_reaches_user(outcome, REASON):
        failures.append(f"{label}: the reason is neither shown nor the log's last line [{source}]")
    else:
        where = "in Flyte's message" if shown else "only as the log's last line"
        print(f"ok   {label}: {code}, {budget} retries, reason {where}  [{source}]")

# A non-zero exit shows the log's tail: FallbackToLogsOnError keeps the last 80 lines, 2048 bytes.
long_log = "".join(f"line {i}\n" for i in range(500)) + REASON + "\n"
tail = copilot.termination_message(long_log)
if not tail.endswith(REASON + "\n") or len(tail.encode()) > 2048 or tail.count("\n") > 80:
    failures.append(f"the termination message of a long log does not end with the reason: {tail[-200:]!r}")
else:
    print("ok   a long log's termination message (80 lines, 2048 bytes) ends with the reason")

# The uploader's wait after the task exits (flytecopilot/cmd/sidecar.go, containerwatcher).
WAITS = [
    (V1_13, 0.3, 103.7, "spns_watcher.go: never seen; start timeout 100 s (flytek8s/config), then 2 polls"),
    (V1_15_3, 0.3, 103.7, "the same on v1.15.3, the last release before #6501"),
    (V1_15_3, 10.0, 2.0, "seen running: exit noticed after 2 polls of 2 s"),
    (V1_16, 0.3, 0.0, "v1.16.0 (#6501): SignalWatcher, no polling"),
]
for release, seconds, expected, source in WAITS:
    wait = copilot.uploader_wait(release, seconds)
    if abs(wait - expected) > 1e-9:
        failures.append(f"a {seconds} s task on {release}: the uploader waits {wait} s, expected {expected} [{source}]")
    else:
        print(f"ok   a {seconds} s task on {release}: the uploader starts {wait:.1f} s after it exits [{source}]")

if failures:
    print("\n".join("FAIL: " + f for f in failures))
    sys.exit(1)
print("\nthe Flyte release rules hold")
