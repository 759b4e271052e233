"""measure_local_run.py: what a local run of examples/workflows.py costs (the figures of docs/workflows.md).

Runs `pyflyte run examples/workflows.py pipeline --epochs 3` RUNS times in host mode (the build's
executables on this machine) and prints, per run and as medians: the wall time of the whole
command, and the part spent in the C++ tasks: CppContainerTask.execute (writing the inputs,
finding and checking the executable, running it, reading the outputs), and within it the
executables' processes; for scale, also the wall time of `python -c "import flytekit"` alone.
The command is pyflyte's own entry point in a python that wraps those two
methods with a clock; nothing else changes.

usage: FLYTEKIT_PY=V/bin/python measure_local_run.py --source-dir DIR --module-dir DIR [--runs N]
  (--module-dir: the folder of flyte_tasks.py, e.g. build/example/ml_flyte after run-example.sh)
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

CLOCKED_PYFLYTE = r"""
import sys, time
import flyte_tasks
task_class = flyte_tasks.CppContainerTask
spent = {"execute": 0.0, "process": 0.0, "tasks": 0}

def clocked(method, key):
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return method(*args, **kwargs)
        finally:
            spent[key] += time.perf_counter() - start
            spent["tasks"] += key == "execute"
    return wrapper

task_class.execute = clocked(task_class.execute, "execute")
task_class._run_on_host = clocked(task_class._run_on_host, "process")
from flytekit.clis.sdk_in_container.pyflyte import main
status = 0
try:
    main(sys.argv[1:])
except SystemExit as e:
    status = e.code
print(f"MEASURED {spent['tasks']} {spent['execute']} {spent['process']}", file=sys.stderr)
sys.exit(status)
"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--source-dir", required=True)
    parser.add_argument("--module-dir", required=True)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    python = os.environ.get("FLYTEKIT_PY")
    if not python:
        sys.exit("set FLYTEKIT_PY to a python that imports flytekit")
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLYTE_TASKS_")}
    env.update(PYTHONPATH=os.path.abspath(args.module_dir), PYTHONDONTWRITEBYTECODE="1")
    workflows = os.path.join(os.path.abspath(args.source_dir), "examples", "workflows.py")
    walls, executes, processes = [], [], []
    for run in range(args.runs):
        start = time.perf_counter()
        done = subprocess.run([python, "-c", CLOCKED_PYFLYTE, "run", workflows, "pipeline", "--epochs", "3"],
                              env=env, capture_output=True, text=True)
        wall = time.perf_counter() - start
        measured = [line.split() for line in done.stderr.splitlines() if line.startswith("MEASURED ")]
        if done.returncode != 0 or not measured or "DefaultNamedTupleOutput(" not in done.stdout:
            sys.exit(f"the run failed:\n{done.stdout}\n{done.stderr}")
        tasks, execute, process = int(measured[0][1]), float(measured[0][2]), float(measured[0][3])
        walls.append(wall)
        executes.append(execute)
        processes.append(process)
        print(f"run {run + 1}: pyflyte run {wall:.2f} s; {tasks} C++ tasks {execute * 1000:.1f} ms "
              f"(executables {process * 1000:.1f} ms)")
    imports = []
    for _ in range(args.runs):
        start = time.perf_counter()
        subprocess.run([python, "-c", "import flytekit"], env=env, check=True)
        imports.append(time.perf_counter() - start)
    print(f"median of {args.runs}: pyflyte run {statistics.median(walls):.2f} s; C++ tasks "
          f"{statistics.median(executes) * 1000:.1f} ms (executables {statistics.median(processes) * 1000:.1f} ms); "
          f"import flytekit alone {statistics.median(imports):.2f} s")
    with open("/proc/loadavg") as f:
        print("load average:", " ".join(f.read().split()[:3]))


if __name__ == "__main__":
    main()
