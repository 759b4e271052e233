"""A stand-in for flytekit, which cannot be installed offline.

It declares ContainerTask, TaskMetadata, Resources and kwtypes with the
parameter names of the real ones (flytekit 1.15/1.16) and checks what the
generated flyte_tasks.py passes them: an unknown keyword argument is a
TypeError, as it is in flytekit, and values of the wrong type are errors.
Every ContainerTask made is kept in TASKS, so tests can read them back.
"""
import collections
import dataclasses
import datetime
import enum
import typing

from flytekit.types.file import FlyteFile

TASKS = []


def kwtypes(**kwargs):
    return collections.OrderedDict(kwargs)


def _check_quantity(name, value, types):
    if value is not None and not isinstance(value, types):
        raise AssertionError(f"Resources.{name}: {value!r} should be one of {types}")


@dataclasses.dataclass
class Resources:
    cpu: typing.Optional[typing.Union[str, int, float]] = None
    mem: typing.Optional[typing.Union[str, int]] = None
    gpu: typing.Optional[typing.Union[str, int]] = None
    disk: dataclasses.InitVar[typing.Optional[typing.Union[str, int]]] = None
    ephemeral_storage: typing.Optional[typing.Union[str, int]] = None

    def __post_init__(self, disk):
        _check_quantity("cpu", self.cpu, (str, int, float))
        for name in ("mem", "gpu", "ephemeral_storage"):
            _check_quantity(name, getattr(self, name), (str, int))
        _check_quantity("disk", disk, (str, int))


@dataclasses.dataclass
class TaskMetadata:
    cache: bool = False
    cache_serialize: bool = False
    cache_version: str = ""
    cache_ignore_input_vars: typing.Tuple[str, ...] = ()
    interruptible: typing.Optional[bool] = None
    deprecated: str = ""
    retries: int = 0
    timeout: typing.Optional[typing.Union[datetime.timedelta, int]] = None
    pod_template_name: typing.Optional[str] = None
    generates_deck: bool = False
    is_eager: bool = False

    def __post_init__(self):
        if self.timeout is not None and not isinstance(self.timeout, (datetime.timedelta, int)):
            raise ValueError("timeout should be duration represented as either a datetime.timedelta or int seconds")
        if self.cache and not self.cache_version:
            raise ValueError("Caching is enabled ``cache=True`` but ``cache_version`` is not set.")
        if not isinstance(self.retries, int) or isinstance(self.retries, bool) or self.retries < 0:
            raise ValueError(f"retries: {self.retries!r} is not an int >= 0")
        if not isinstance(self.cache, bool) or not isinstance(self.cache_version, str):
            raise ValueError("cache must be a bool and cache_version a str")


_PRIMITIVES = (bool, int, float, str, FlyteFile)


def _check_interface(what, types):
    if types is None:
        return
    if not isinstance(types, dict):
        raise TypeError(f"{what} must come from kwtypes(...), not {types!r}")
    for name, t in types.items():
        if not isinstance(name, str) or not name:
            raise TypeError(f"{what}: bad name {name!r}")
        element = t
        if typing.get_origin(t) is list:
            (element,) = typing.get_args(t)
        if element not in _PRIMITIVES:
            raise TypeError(f"{what}[{name!r}]: {t!r} is not a type task-scan generates")


class ContainerTask:
    class MetadataFormat(enum.Enum):
        JSON = 0
        YAML = 1
        PROTO = 2

    # No **kwargs: the real one passes them on to PythonTask and Task, which
    # take no keyword task-scan needs; here a misspelt keyword fails at once.
    def __init__(
        self,
        name,
        image,
        command,
        inputs=None,
        metadata=None,
        arguments=None,
        outputs=None,
        requests=None,
        limits=None,
        input_data_dir=None,
        output_data_dir=None,
        metadata_format=MetadataFormat.JSON,
        io_strategy=None,
        secret_requests=None,
        pod_template=None,
        pod_template_name=None,
        local_logs=False,
        resources=None,
    ):
        if not isinstance(name, str) or not isinstance(image, str):
            raise TypeError("name and image must be str")
        if not isinstance(command, list) or not all(isinstance(c, str) for c in command):
            raise TypeError("command must be a list of str")
        _check_interface("inputs", inputs)
        _check_interface("outputs", outputs)
        for what, value, kind in (("metadata", metadata, TaskMetadata),
                                  ("requests", requests, Resources),
                                  ("limits", limits, Resources)):
            if value is not None and not isinstance(value, kind):
                raise TypeError(f"{what} must be a {kind.__name__}")
        if not isinstance(metadata_format, ContainerTask.MetadataFormat):
            raise TypeError("metadata_format must be a ContainerTask.MetadataFormat")
        self.name = name
        self.image = image
        self.command = command
        self.inputs = inputs or collections.OrderedDict()
        self.outputs = outputs or collections.OrderedDict()
        self.metadata = metadata or TaskMetadata()
        self.requests = requests
        self.limits = limits
        self.input_data_dir = input_data_dir
        self.output_data_dir = output_data_dir
        self.metadata_format = metadata_format
        TASKS.append(self)
