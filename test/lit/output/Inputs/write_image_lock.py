"""Writes DIR/images.lock.json as <name>_push does after pushing the image
KEY of DIR to PUSHED (`repo@sha256:...`): the reference from the manifest,
the SHA-256 of images/KEY/Dockerfile and of the executable staged beside it,
and, where shared libraries are staged in images/KEY/lib/, libraries_sha256:
the SHA-256 of the lines `<sha256 of the file> <name>`, names sorted.

    python3 write_image_lock.py DIR KEY PUSHED [KEY PUSHED]...
"""
import hashlib
import json
import os
import sys

out, pairs = sys.argv[1], sys.argv[2:]
with open(os.path.join(out, "manifest.json"), encoding="utf-8") as f:
    manifest = json.load(f)
entries = []
for key, pushed in zip(pairs[::2], pairs[1::2]):
    (image,) = [i for i in manifest["images"] if i["key"] == key]
    folder = os.path.join(out, "images", key)

    def sha(name):
        with open(os.path.join(folder, name), "rb") as f:
            return hashlib.sha256(f.read()).hexdigest()

    entry = {"key": key, "reference": image["reference"], "pushed": pushed,
             "dockerfile_sha256": sha("Dockerfile"),
             "executable_sha256": sha(image["executable"])}
    lib = os.path.join(folder, "lib")
    if os.path.isdir(lib):
        lines = "".join(sha(os.path.join("lib", name)) + " " + name + "\n"
                        for name in sorted(os.listdir(lib)))
        entry["libraries_sha256"] = hashlib.sha256(lines.encode()).hexdigest()
    entries.append(entry)
with open(os.path.join(out, "images.lock.json"), "w", encoding="utf-8") as f:
    json.dump({"schema_version": 1, "images": entries}, f)
