"""Checks docker-bake.json against the shape docker buildx bake documents
for its JSON form: {"group": {"default": {"targets": [...]}}, "target":
{NAME: {"context": ..., "dockerfile": ..., "tags": [...]}}}, with every
target in the default group, each context a folder beside the file holding
the Dockerfile. Prints one line per target for FileCheck."""
import json
import os
import re
import sys

path = sys.argv[1]
with open(path, encoding="utf-8") as f:
    bake = json.load(f)
root = os.path.dirname(path)

assert set(bake) == {"group", "target"}, sorted(bake)
assert set(bake["group"]) == {"default"}, sorted(bake["group"])
assert set(bake["group"]["default"]) == {"targets"}
targets = bake["group"]["default"]["targets"]
assert targets == sorted(bake["target"]), (targets, sorted(bake["target"]))
for name in targets:
    target = bake["target"][name]
    assert re.fullmatch(r"[a-zA-Z0-9_-]+", name), name
    assert set(target) == {"context", "dockerfile", "tags"}, sorted(target)
    assert isinstance(target["tags"], list) and all(isinstance(t, str) for t in target["tags"])
    dockerfile = os.path.join(root, target["context"], target["dockerfile"])
    assert os.path.isfile(dockerfile), dockerfile
    print(f"{name}: {target['context']}/{target['dockerfile']} -> {' '.join(target['tags'])}")
