"""Imports the generated flyte_tasks.py against the flytekit stub and prints
what each ContainerTask was given, one task per block, in a stable form for
FileCheck. Fails when __all__ and the module's ContainerTasks disagree."""
import datetime
import sys
import typing

import flytekit
import flyte_tasks
from flytekit.types.file import FlyteFile


def type_name(t):
    if typing.get_origin(t) is list:
        return f"List[{type_name(typing.get_args(t)[0])}]"
    return "FlyteFile" if t is FlyteFile else t.__name__


def resources(r):
    if r is None:
        return "-"
    return " ".join(f"{k}={getattr(r, k)}" for k in ("cpu", "mem", "gpu") if getattr(r, k) is not None)


variables = {id(v): k for k, v in vars(flyte_tasks).items() if isinstance(v, flytekit.ContainerTask)}
assert sorted(variables.values()) == sorted(flyte_tasks.__all__), (variables, flyte_tasks.__all__)
assert len(variables) == len(flytekit.TASKS)
for task in flytekit.TASKS:
    m = task.metadata
    timeout = m.timeout.total_seconds() if isinstance(m.timeout, datetime.timedelta) else m.timeout
    print(f"task {variables[id(task)]} {type(task).__name__}")
    print(f"  name: {task.name}")
    print(f"  image: {task.image}")
    print(f"  command: {' '.join(task.command)}")
    print(f"  dirs: {task.input_data_dir} {task.output_data_dir} {task.metadata_format.name}")
    print(f"  inputs: {', '.join(f'{k}: {type_name(t)}' for k, t in task.inputs.items())}")
    print(f"  outputs: {', '.join(f'{k}: {type_name(t)}' for k, t in task.outputs.items())}")
    print(f"  requests: {resources(task.requests)}")
    print(f"  limits: {resources(task.limits)}")
    print(f"  metadata: retries={m.retries} timeout={timeout} cache={m.cache} cache_version={m.cache_version}")
sys.stdout.flush()
