"""Reads a Dockerfile written by dockerfile_escaping_fixture the way Docker
(and buildah) do and compares it with the fixture's expected.json: each
LABEL value, after Docker's word processing (quotes, backslash escapes, and
no `$` expansion left: an unescaped `$` is an error), must be exactly the
expected label; the self-check RUN (exec form, JSON, no substitution) must
pass exactly the expected words. Prints one line per label.

    python3 check_dockerfile_words.py Dockerfile expected.json
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "injection", "Inputs"))
from check_generated import docker_words  # noqa: E402

dockerfile, expected_path = sys.argv[1:3]
with open(expected_path, encoding="utf-8") as f:
    expected = json.load(f)
with open(dockerfile, encoding="utf-8") as f:
    text = f.read()

instructions, pending = [], ""
for line in text.split("\n"):
    if not pending and line.lstrip().startswith("#"):
        continue
    if line.endswith("\\"):
        pending += line[:-1]
        continue
    if (pending + line).strip():
        instructions.append((pending + line).strip())
    pending = ""
assert not pending, "the Dockerfile ends inside a continued line"

keywords = [i.split(" ", 1)[0].upper() for i in instructions]
assert keywords == ["FROM", "LABEL", "COPY", "RUN"], keywords
labels = {}
for word in docker_words(instructions[1].split(" ", 1)[1]):
    key, _, value = word.partition("=")
    labels[key] = value
for key, value in expected["labels"].items():
    if labels.get(key) != value:
        sys.exit(f"label {key}: Docker reads {labels.get(key)!r}, expected {value!r}")
    print(f"{key}: exact")
run = json.loads(instructions[3].split(" ", 1)[1])
if run[1:] != expected["check_args"] or run[0] != expected["installed"]:
    sys.exit(f"the self-check runs {run!r}, expected {[expected['installed']] + expected['check_args']!r}")
print("self-check words: exact")
