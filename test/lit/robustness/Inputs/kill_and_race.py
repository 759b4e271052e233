"""Kills task-scan at random points while it rewrites an output folder, and
races several runs on one folder and one cache; after each, the folder must
equal what a completed run writes (once any interrupted update is finished).

usage: kill_and_race.py TASK_SCAN SOURCE EXPECTED_DIR
"""
import filecmp
import os
import random
import shutil
import signal
import subprocess
import sys
import time

tool, source, expected = sys.argv[1:4]
base = [tool, "--image", "base:1", "--image", "gpu=gpu:1"]


def same_tree(a, b):
    cmp = filecmp.dircmp(a, b, ignore=[".task-scan-lock"])
    stack = [cmp]
    while stack:
        c = stack.pop()
        if c.left_only or c.right_only or c.diff_files or c.funny_files:
            return False
        _, mismatch, errors = filecmp.cmpfiles(c.left, c.right, c.common_files, shallow=False)
        if mismatch or errors:
            return False
        stack.extend(c.subdirs.values())
    return True


def run(args, **kw):
    return subprocess.run(base + args + [source], stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, **kw)


def older_state(folder):
    """An older state to update from: a different default image."""
    shutil.rmtree(folder, ignore_errors=True)
    subprocess.run([tool, "--image", "base:0", "--image", "gpu=gpu:1", "--no-cache",
                    "--output-dir", folder, source], check=True, stderr=subprocess.DEVNULL)


def timed_update(folder):
    older_state(folder)
    start = time.monotonic()
    subprocess.run(base + ["--no-cache", "--output-dir", folder, source], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.monotonic() - start


# Kill times are drawn from the span of a complete update measured here, on
# this machine and under its present load, so that a fast machine is killed
# as often mid-run as a slow one; attempts go on until 12 kills landed
# mid-run (a run that ended before its kill is not counted).
duration = sorted(timed_update("calibrate") for _ in range(3))[1]
shutil.rmtree("calibrate", ignore_errors=True)

random.seed(7)
out = "killed"
wanted, killed, attempts = 12, 0, 0
while killed < wanted and attempts < 4 * wanted:
    attempts += 1
    older_state(out)
    p = subprocess.Popen(base + ["--no-cache", "--output-dir", out, source],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(random.uniform(0.02, 0.9) * duration)
    if p.poll() is None:
        p.send_signal(signal.SIGKILL)
        killed += 1
    p.wait()
    # Whatever the kill left, the next run completes it to the full result.
    r = run(["--no-cache", "--output-dir", out])
    if r.returncode != 0 or not same_tree(out, expected):
        sys.exit(f"after kill {attempts}: folder differs from a completed run\n{r.stderr.decode()}")
if killed < wanted:
    sys.exit(f"only {killed} of {attempts} runs were killed mid-run though each kill came "
             f"before {duration:.3f} s, the length of a complete run here")
print(f"interrupted runs: {killed} killed mid-run, recovered: identical")

shutil.rmtree("raced", ignore_errors=True)
shutil.rmtree("cache", ignore_errors=True)
procs = [subprocess.Popen(base + ["--cache-dir", "cache", "--output-dir", "raced", source],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for _ in range(4)]
for p in procs:
    _, err = p.communicate()
    if p.returncode != 0:
        sys.exit(f"a concurrent run failed: {err.decode()}")
leftovers = [f for _, _, files in os.walk("raced") for f in files if ".task-scan-tmp-" in f]
if leftovers or not same_tree("raced", expected):
    sys.exit(f"concurrent runs left a different folder: {leftovers}")
print("concurrent runs: 4, result: identical")
