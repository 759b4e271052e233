"""Prints the image and the command of one task of a generated
flyte_tasks.py, one word per line, as Flyte would run it: the module is
imported against the stub flytekit (PYTHONPATH must hold both).

    python3 flyte_command.py TASK_NAME
"""
import sys

import flytekit
import flyte_tasks  # noqa: F401  (defines the ContainerTasks)

(name,) = sys.argv[1:]
(task,) = [t for t in flytekit.TASKS if t.name == name]
assert task.input_data_dir == "/var/inputs" and task.output_data_dir == "/var/outputs"
for word in [task.image, *task.command]:
    assert "\n" not in word, word
    print(word)
