#!/usr/bin/env python3
"""run.py --jobs: the streams' steps add up, and one stream's divergence ends
the run with status 1 and a shrunk lit test.

    streams_test.py TASK_SCAN
"""
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def run(task_scan, lit_dir, *extra):
    p = subprocess.run([sys.executable, os.path.join(HERE, "run.py"), "--jobs", "2",
                        "--task-scan", task_scan, "--lit-dir", lit_dir, "--shrink-time", "30",
                        "--progress", "10"] + list(extra),
                       capture_output=True, text=True, timeout=600)
    return p.returncode, p.stdout + p.stderr


def main():
    task_scan = os.path.abspath(sys.argv[1])
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        rc, out = run(task_scan, os.path.join(tmp, "lit-clean"), "--seed", "5", "--steps", "30")
        if rc != 0 or not re.search(r"30 steps clean, seed 5, 2 streams", out):
            failures.append("clean run: status %d\n%s" % (rc, out))
        # A task-scan whose warm runs say one word more: a divergence.
        fake = os.path.join(tmp, "diverging-task-scan")
        with open(fake, "w") as f:
            f.write('#!/bin/sh\ncase " $* " in *" --cache-dir "*) echo extra ;; esac\n'
                    'exec "%s" "$@"\n' % task_scan)
        os.chmod(fake, 0o755)
        lit = os.path.join(tmp, "lit-diverging")
        rc, out = run(fake, lit, "--seed", "6", "--steps", "40")
        written = sorted(os.listdir(lit)) if os.path.isdir(lit) else []
        if rc != 1 or "[stream " not in out or "DIVERGENCE" not in out or \
                not any(re.fullmatch(r"divergence-seed6-stream\d\.test", n) for n in written):
            failures.append("diverging run: status %d, lit tests %s\n%s" % (rc, written, out))
    for f in failures:
        print("FAIL: " + f)
    print("streams_test: %s" % ("FAILED" if failures else "ok"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
