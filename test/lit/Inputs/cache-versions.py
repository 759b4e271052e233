"""Prints each task's cache_version in the manifest.json of each output
folder given, then whether each folder's versions are those of the first.

    cache-versions.py DIR...
"""
import json
import os
import sys


def versions(folder):
    with open(os.path.join(folder, "manifest.json")) as f:
        tasks = json.load(f)["tasks"]
    return {t["name"]: (t["cache_version"], t["cache_version_derived"]) for t in tasks}


folders = sys.argv[1:]
first = versions(folders[0])
for folder in folders:
    found = versions(folder)
    for name, (version, derived) in sorted(found.items()):
        print(f"{folder}: {name} {'null' if version is None else version} derived={str(derived).lower()}")
for folder in folders[1:]:
    found = versions(folder)
    for name in sorted(found):
        same = found[name][0] == first.get(name, (None,))[0]
        print(f"{folder}: {name} {'same as' if same else 'differs from'} {folders[0]}")
