"""Checks docker-bake.json against the shape docker buildx bake documents
for its JSON form: {"group": {"default": {"targets": [...]}}, "target":
{NAME: {"context": ..., "dockerfile": ..., "tags": [...]}}}, with every
target in the default group, each context a folder beside the file holding
the Dockerfile, and every tag a tag buildx (and `docker build -t`) accepts:
a named reference of docker/distribution's grammar (ParseNormalizedNamed)
without a digest ("build tag cannot contain a digest"). Prints one line per
target for FileCheck."""
import json
import os
import re
import sys

# docker/distribution reference/regexp.go, the named-reference grammar.
ALNUM = r"[a-z0-9]+"
SEPARATOR = r"(?:[._]|__|[-]+)"
PATH_COMPONENT = rf"{ALNUM}(?:{SEPARATOR}{ALNUM})*"
DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
DOMAIN = rf"(?:{DOMAIN_COMPONENT}(?:\.{DOMAIN_COMPONENT})*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?"
NAME = rf"(?:{DOMAIN}/)?{PATH_COMPONENT}(?:/{PATH_COMPONENT})*"
TAG = r"[\w][\w.-]{0,127}"
BUILD_TAG = re.compile(rf"({NAME})(?::{TAG})?")


def check_tag(tag):
    assert "@" not in tag, f"build tag cannot contain a digest: {tag!r}"
    m = BUILD_TAG.fullmatch(tag)
    assert m, f"invalid reference format: {tag!r}"
    assert len(m.group(1)) <= 255, f"repository name must not be more than 255 characters: {tag!r}"


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
    for tag in target["tags"]:
        check_tag(tag)
    dockerfile = os.path.join(root, target["context"], target["dockerfile"])
    assert os.path.isfile(dockerfile), dockerfile
    print(f"{name}: {target['context']}/{target['dockerfile']} -> {' '.join(target['tags'])}")
