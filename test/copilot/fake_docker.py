"""A stand-in for the Docker SDK's client (docker.from_env) for flytekit_check.py, which puts it in
place of the real one: instead of starting a container it runs the container's command on this
machine. Each word of the command that is a
mount's container path (or below it) becomes the mounted host folder, and the executable's path in
the image becomes the executable built for the test (TASK_SCAN_EXECUTABLES, a JSON object). Only
what CppContainerTask.execute calls exists here; a real engine is checked by hand with podman.
"""
import json
import os
import subprocess


class _Container:
    def __init__(self, command, volumes):
        executables = json.loads(os.environ["TASK_SCAN_EXECUTABLES"])
        words = []
        for word in command:
            word = executables.get(word, word)
            for host, mount in volumes.items():
                bind = mount["bind"]
                if word == bind or word.startswith(bind + "/"):
                    word = host + word[len(bind):]
            words.append(word)
        self._done = subprocess.run(words, capture_output=True)

    def wait(self):
        return {"StatusCode": self._done.returncode}

    def logs(self):
        return self._done.stdout + self._done.stderr

    def remove(self, force=False):
        pass


class _Images:
    def get(self, image):
        return image

    def pull(self, image):
        raise AssertionError(f"the test never pulls ({image})")


class _Containers:
    def run(self, image, command=None, volumes=None, detach=False, entrypoint=None):
        """As Docker: the entrypoint's words, then the command's (the images here have neither)."""
        words = list(entrypoint or []) + list(command or [])
        assert detach and words, (entrypoint, command)
        return _Container(words, volumes or {})


class _Client:
    images = _Images()
    containers = _Containers()


def from_env():
    return _Client()
