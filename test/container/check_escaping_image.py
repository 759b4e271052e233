"""Compares the image buildah built from dockerfile_escaping_fixture's
Dockerfile with the fixture's expected.json: every label read back exactly,
and no instruction but the fixture's LABEL, COPY and the one self-check RUN
(an injected RUN would show in the history as one more entry).

    python3 check_escaping_image.py expected.json inspect.json BASE_IMAGE_ID
"""
import json
import sys

expected_path, inspect_path = sys.argv[1:3]
with open(expected_path, encoding="utf-8") as f:
    expected = json.load(f)
with open(inspect_path, encoding="utf-8") as f:
    image = json.load(f)

labels = image["Docker"]["config"].get("Labels") or {}
for key, value in expected["labels"].items():
    if labels.get(key) != value:
        sys.exit(f"label {key}: expected {value!r}, got {labels.get(key)!r}")

history = [h.get("created_by", "") for h in image["Docker"].get("history", [])]
added = [h for h in history if "#(nop) LABEL" in h or "#(nop) COPY" in h]
checks = [h for h in history if "#(nop)" not in h and "--check-tasks" in h]
others = [h for h in history[1:] if h not in added and h not in checks]
if len(added) != 2 or len(checks) != 1 or others:
    sys.exit(f"unexpected instructions in the history: {json.dumps(history, indent=1)}")
print("labels and history as expected")
