//===- PythonEmitter.cpp - flyte_tasks.py ---------------------------------===//
//
// One flytekit ContainerTask per task, so Python workflows call the C++
// tasks like any other:
//
//   ml_train = CppContainerTask(
//       name="ml.train",
//       image="ghcr.io/acme/flyte-cpp-gpu:1.4.2",
//       command=["/usr/local/bin/ml_gpu", "run", "ml.train", "--inputs", ...],
//       input_data_dir="/var/inputs",
//       output_data_dir="/var/outputs",
//       metadata_format=ContainerTask.MetadataFormat.PROTO,
//       inputs=kwtypes(epochs=int),
//       outputs=kwtypes(o0=float),
//       requests=Resources(cpu="2", mem="4Gi"),
//       metadata=TaskMetadata(retries=2),
//   )
//
// CoPilot's PROTO metadata format, because with the default JSON format it
// also writes inputs.json, which Go's JSON encoder cannot for a NaN or an
// infinity: such an input would fail before the task started.
//
// CppContainerTask, defined in the module, is a ContainerTask subclass that
// changes only local execution. flytekit runs a Python task locally in the
// user's environment and ignores its image; CppContainerTask does the same
// for a C++ task: it runs the executable the build made for the task's image
// on this machine (or, behind FLYTE_TASKS_LOCAL_MODE=container, the image
// through the Docker API, where flytekit's own local run would write no
// inputs), laying the inputs out and reading the outputs back as CoPilot
// does. What it serializes is a plain ContainerTask's, whichever local mode
// (test/copilot/flytekit_check.py checks that with the real flytekit). It
// uses flytekit's public API only: the constructor and execute().
//
// Only keyword arguments that ContainerTask, TaskMetadata and Resources
// declare are used. Strings go through pythonStringLiteral, comments through
// commentText; a name that is not a plain identifier becomes `**{"name": T}`.
//
// Variable names come from task names (`ml.train` -> `ml_train`): valid
// identifiers, never a keyword, a dunder or a name this module uses
// (`int` -> `int_`), and unique. When several tasks map to one name, a task
// whose name already is that identifier keeps it and the others get a hash
// of their task name (`ml_train_1a2b3c4d`), so names depend only on the set
// of task names, never on the order of sources.
//
//===----------------------------------------------------------------------===//
#include "taskscan/Emitters.h"
#include "taskscan/Escaping.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/xxhash.h"

#include <fmt/format.h>

#include <map>
#include <set>

namespace taskscan {

namespace {

constexpr const char *InputDataDir = "/var/inputs";
constexpr const char *OutputDataDir = "/var/outputs";

/// Names the generated module binds or reads; a task variable must not
/// shadow them. All of them, whether this model's module imports them or
/// not, so that variable names do not change when, say, a timeout is added.
bool isModuleName(llvm::StringRef Name) {
  static const char *const Names[] = {
      "ContainerTask", "CppContainerTask", "Resources", "TaskMetadata",
      "kwtypes",       "FlyteFile",        "datetime",  "typing",
      "bool",          "int",              "float",     "str"};
  return llvm::is_contained(Names, Name);
}

std::string preferredVariableName(llvm::StringRef TaskName) {
  std::string Name = pythonIdentifier(TaskName);
  if (llvm::StringRef(Name).starts_with("__")) // __name__, __getattr__, ...
    Name = "task" + Name;
  if (isModuleName(Name))
    Name += '_';
  return Name;
}

std::string hashSuffix(llvm::StringRef S) {
  return llvm::utohexstr(llvm::xxh3_64bits(S), /*LowerCase=*/true).substr(0, 8);
}

/// A distinct valid identifier per task, by task name (see the file comment).
std::map<std::string, std::string>
variableNames(const std::vector<ModelTask> &Tasks) {
  std::map<std::string, std::vector<std::string>> ByPreferred;
  for (const ModelTask &T : Tasks)
    ByPreferred[preferredVariableName(T.Source.Name)].push_back(T.Source.Name);

  std::vector<std::pair<std::string, std::string>> Exact, Others; // task, wanted
  for (const auto &[Preferred, Names] : ByPreferred)
    for (const std::string &Name : Names) {
      if (Name == Preferred)
        Exact.push_back({Name, Preferred});
      else if (Names.size() == 1)
        Others.push_back({Name, Preferred});
      else
        Others.push_back({Name, Preferred + "_" + hashSuffix(Name)});
    }
  llvm::sort(Others);

  std::map<std::string, std::string> Result;
  std::set<std::string> Taken;
  for (auto *Group : {&Exact, &Others})
    for (const auto &[Name, Wanted] : *Group) {
      std::string Variable = Wanted;
      for (unsigned N = 2; Taken.count(Variable); ++N)
        Variable = fmt::format("{}_{}", Wanted, N);
      Taken.insert(Variable);
      Result[Name] = Variable;
    }
  return Result;
}

std::string pythonType(const FlyteType &Type) {
  const char *Element = "int";
  switch (Type.Kind) {
  case FlyteKind::Bool:
    Element = "bool";
    break;
  case FlyteKind::Int:
    Element = "int";
    break;
  case FlyteKind::Float:
    Element = "float";
    break;
  case FlyteKind::String:
    Element = "str";
    break;
  case FlyteKind::File:
    Element = "FlyteFile";
    break;
  }
  return Type.IsList ? fmt::format("typing.List[{}]", Element) : Element;
}

/// `name=value`, or `**{"name": value}` when \p Name cannot be a keyword
/// argument as written.
std::string keywordArgument(llvm::StringRef Name, llvm::StringRef Value) {
  if (pythonIdentifier(Name) == Name && !Name.starts_with("__"))
    return fmt::format("{}={}", Name.str(), Value.str());
  return fmt::format("**{{{}: {}}}", pythonStringLiteral(Name), Value.str());
}

std::string kwtypes(const std::vector<TaskValue> &Values) {
  std::vector<std::string> Args;
  for (const TaskValue &V : Values)
    Args.push_back(keywordArgument(V.Name, pythonType(V.Type)));
  return fmt::format("kwtypes({})", fmt::join(Args, ", "));
}

std::string resources(const std::vector<std::pair<std::string, std::string>> &R) {
  std::vector<std::string> Args;
  for (const auto &[Name, Quantity] : R) // cpu, mem, gpu: Resources' fields
    Args.push_back(keywordArgument(Name, pythonStringLiteral(Quantity)));
  return fmt::format("Resources({})", fmt::join(Args, ", "));
}

std::string metadata(const ModelTask &T) {
  const TaskOptions &O = T.Source.Options;
  std::vector<std::string> Args;
  Args.push_back(fmt::format("retries={}", O.Retries));
  if (O.Timeout)
    Args.push_back(
        fmt::format("timeout=datetime.timedelta(seconds={})", O.TimeoutSeconds));
  if (O.Cache)
    Args.push_back("cache=True");
  // Explicit, or derived from the task's code (ProjectModel.h).
  if (auto Version = effectiveCacheVersion(T))
    Args.push_back(fmt::format("cache_version={}", pythonStringLiteral(*Version)));
  return fmt::format("TaskMetadata({})", fmt::join(Args, ", "));
}

/// The ContainerTask subclass of every flyte_tasks.py (see the file comment).
/// Its code is fixed: nothing from the user's sources reaches it.
constexpr const char *CppContainerTaskClass = R"py(
class CppContainerTask(ContainerTask):
    """A ContainerTask that Flyte runs exactly as a ContainerTask (it serializes to the
    same task template) and that runs locally (`pyflyte run` without --remote) with the
    data exchange Flyte's CoPilot does around the task container on a cluster
    (flytecopilot/data/download.go and upload.go in flyteorg/flyte): each input written
    to <inputs>/<name> as text (a list as a folder <name>/0, <name>/1, ..., a file
    copied), the task's command run, <outputs>/_ERROR raised as TaskFailed with its
    text, each output read back as CoPilot reads it.

    Where the command runs, as flytekit runs a Python task in your own environment:
    - by default on this machine, with the executable the build made for the task's
      image: the first that holds the task of <build>/<exe> (add_flyte_tasks() puts it
      next to the folder of this module) and <this module's folder>/images/<key>/<exe>
      (its copy staged for the image), or only FLYTE_TASKS_EXECUTABLE_DIR/<exe> when
      that is set (an installed tree, a checked-in module beside a separate build);
    - with FLYTE_TASKS_LOCAL_MODE=container, in the task's image through the Docker API
      (DOCKER_HOST; podman's `podman system service` offers one), to check an image
      before a push.
    A task that can run neither way raises CannotRunLocally, whose one line says what
    to build or set (pyflyte prints a click error as that line, without a traceback).

    On a cluster a failure's reason is the last line of the pod's log, always; what
    Flyte itself reports depends on its release (flyteorg/flyte; task-scan's
    docs/data-contract.md, "Failures on each Flyte release"):
    - _ERROR written, exit 0 (a task with outputs): "OutputsNotFound" on Flyte 1.10 to
      1.16.8, the task's retries apply, the reason only in the log (CoPilot writes
      errors.pb, propeller reads error.pb); with flyteorg/flyte#7922, in no release yet,
      "OutputUploadFailed" with the reason;
    - a non-zero exit (a task without outputs, a crash): "UnknownError", the task's
      retries, up to Flyte 1.15.0; from 1.15.1 "Interrupted", a system error retried
      under the system budget whatever `retries` says (pod_helper.go DemystifyFailure);
      the message ends with the log's tail, the reason last; exit 137 (SIGKILL):
      "Interrupted", the task's retries, on every release.
    Before Flyte 1.16 CoPilot's uploader polls every 2 s: a task that ends within the
    first poll waits out its 100 s start timeout.

    The image registered follows `pyflyte register --image NAME=REF` as a Python task's
    does (see _get_image); `image` is what runs locally.
    """

    EXECUTABLE_DIR = "FLYTE_TASKS_EXECUTABLE_DIR"
    LOCAL_MODE = "FLYTE_TASKS_LOCAL_MODE"

    class TaskFailed(RuntimeError):
        """The C++ task failed: the message is its reason."""

    try:  # a dependency of flytekit; a stand-in flytekit may come without it
        from click import ClickException as _OneLineError
    except ImportError:
        _OneLineError = RuntimeError

    class CannotRunLocally(_OneLineError):
        """The task cannot run on this machine: the message says what to build or set."""

    def __init__(self, name, image, command, input_data_dir, output_data_dir, inputs, outputs,
                 image_template=None, **kwargs):
        super().__init__(name=name, image=image, command=command, input_data_dir=input_data_dir,
                         output_data_dir=output_data_dir, inputs=inputs, outputs=outputs, **kwargs)
        self._task_scan_run = (image, list(command), input_data_dir, output_data_dir, dict(outputs))
        self._task_scan_template = image_template

    # {{.image.NAME}}, {{.image.NAME.ATTR}}: flytekit's placeholders (python_auto_container.py).
    _PLACEHOLDER = r"{{\s*\.image[s]?\.([a-zA-Z0-9_-]+)(?:\.[a-zA-Z0-9_-]+)?\s*}}"

    def _get_image(self, settings):
        """The image registered, as flytekit chooses a Python task's: the task's container_image
        as written (`image_template`) resolved against the registration's images (`pyflyte
        register --image NAME=REF`, the config file's `images:`), exactly as a ContainerTask
        with that image resolves it. `image` (resolved by task-scan when it generated this file)
        stays where the template has nothing to follow or the registration cannot resolve it:
        a task without container_image (task-scan's default image: never the registration's
        `default`, which in a mixed project is the Python tasks' image), an image pinned by a
        push, a template naming an image the registration lacks, and `default` when the
        registration has none but flytekit's own Python image
        (cr.flyte.org/flyteorg/flytekit:py3.*). Local runs always use `image`."""
        import re

        template = self._task_scan_template
        config = getattr(settings, "image_config", None)
        if template and config is not None:
            names = set(re.findall(self._PLACEHOLDER, template, re.IGNORECASE))
            default = config.default_image
            if "default" in names and (default is None or default.fqn == "cr.flyte.org/flyteorg/flytekit"):
                names.add("")  # not the user's: no image named "" exists, so `image` stays
            if all(config.find_image(name) is not None for name in names):
                from flytekit.core.python_auto_container import get_registerable_container_image

                return get_registerable_container_image(template, config)
        return super()._get_image(settings)

    def execute(self, **kwargs):
        import os
        import shutil

        output_types = self._task_scan_run[4]
        mode = os.environ.get(self.LOCAL_MODE) or "host"
        if mode not in ("host", "container"):
            raise self.CannotRunLocally(
                f"{self.LOCAL_MODE}={mode}: say 'host' (the default: the build's executables on this "
                "machine) or 'container' (each task in its image, through the Docker API)")
        work = self.work_folder()
        os.chmod(work, 0o755)  # an image may run as a non-root user
        inputs, outputs = os.path.join(work, "inputs"), os.path.join(work, "outputs")
        try:
            return self._execute_in(work, inputs, outputs, mode, kwargs)
        finally:
            # A file output stays until flytekit has taken it (after execute() returns);
            # everything else goes now.
            from flytekit.types.file import FlyteFile

            if any(kind is FlyteFile for kind in output_types.values()):
                shutil.rmtree(inputs, ignore_errors=True)
            else:
                shutil.rmtree(work, ignore_errors=True)

    @staticmethod
    def work_folder():
        """A fresh folder inside flytekit's local sandbox (one per pyflyte process, where
        flytekit keeps its own local data), else a temporary one."""
        import tempfile

        try:
            from flytekit.core.context_manager import FlyteContextManager

            return FlyteContextManager.current_context().file_access.get_random_local_directory()
        except (ImportError, AttributeError):
            return tempfile.mkdtemp(prefix="task-scan-")

    def _execute_in(self, work, inputs, outputs, mode, kwargs):
        import os
        import sys

        output_types = self._task_scan_run[4]
        # Flyte makes the inputs folder only for a task with inputs, the outputs folder only
        # for a task with outputs.
        if kwargs:
            os.mkdir(inputs, 0o755)
            for name, value in kwargs.items():
                self.write_input(os.path.join(inputs, name), value)
        if output_types:
            os.mkdir(outputs)
            os.chmod(outputs, 0o777)
        if mode == "host":
            status, log = self._run_on_host(work, inputs, outputs)
        else:
            status, log = self._run_in_image(inputs if kwargs else None, outputs if output_types else None)
        error = self.task_error(status, log, os.path.join(outputs, "_ERROR") if output_types else None)
        # The task's own output, as a Python task's prints, but for the reason of a failure
        # (the runtime prints it last), which the error carries.
        lines = log.splitlines()
        if error and lines and error.endswith(lines[-1].strip()):
            lines.pop()
        if lines:
            print("\n".join(lines), file=sys.stderr)
        if error:
            raise self.TaskFailed(error)
        values = tuple(self.read_output(os.path.join(outputs, name), kind) for name, kind in output_types.items())
        return None if not values else values[0] if len(values) == 1 else values

    def _run_on_host(self, work, inputs, outputs):
        """Runs the command with the build's executable, the data folders mapped to ours."""
        import subprocess

        _, command, input_data_dir, output_data_dir, _ = self._task_scan_run
        words = [self.host_executable()]
        for word in command[1:]:
            for folder, ours in ((input_data_dir, inputs), (output_data_dir, outputs)):
                if word == folder or word.startswith(folder + "/"):
                    word = ours + word[len(folder):]
                    break
            words.append(word)
        done = subprocess.run(words, cwd=work, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT)
        return done.returncode, done.stdout.decode("utf-8", "replace").strip()

    _checked = {}  # (path, size, mtime): the tasks the executable lists

    def host_executable(self):
        """The executable the build made for this task's image (see the class comment)."""
        import glob
        import os
        import subprocess

        exe = os.path.basename(self._task_scan_run[1][0])
        chosen = os.environ.get(self.EXECUTABLE_DIR)
        if chosen:
            folders = [os.path.abspath(chosen)]
        else:
            here = os.path.dirname(os.path.abspath(__file__))
            folders = [os.path.dirname(here)] + sorted(glob.glob(os.path.join(glob.escape(here), "images", "*")))
        found = [os.path.join(f, exe) for f in folders if os.path.isfile(os.path.join(f, exe))]
        for path in found:
            stat = os.stat(path)
            key = (path, stat.st_size, stat.st_mtime_ns)
            if key not in self._checked:
                try:
                    listed = subprocess.run([path, "--list"], stdin=subprocess.DEVNULL, capture_output=True)
                except OSError as e:
                    raise self.CannotRunLocally(f"{self.name}: {path} does not run on this machine ({e.strerror}): "
                                                f"build it here, or set {self.LOCAL_MODE}=container") from None
                self._checked[key] = listed.stdout.decode("utf-8", "replace").split()
            if self.name in self._checked[key]:
                return path
        if found:
            raise self.CannotRunLocally(
                f"{self.name}: {' and '.join(found)} {'lacks' if len(found) == 1 else 'lack'} this task, a stale "
                f"build: build again (cmake --build <build folder>)"
                + (f" or point {self.EXECUTABLE_DIR} at a current one" if chosen else ""))
        where = f"{self.EXECUTABLE_DIR}={chosen}" if chosen else " or ".join(folders)
        raise self.CannotRunLocally(
            f"{self.name}: no executable {exe} in {where}: "
            f"build it (cmake --build <build folder>) or set {self.EXECUTABLE_DIR} to its folder "
            f"({self.LOCAL_MODE}=container runs the task in its image instead)")

    def _run_in_image(self, inputs, outputs):
        """Runs the unchanged command in the task's image through the Docker API as its
        entrypoint, the inputs mounted read-only and a fresh outputs folder, as Flyte runs the
        pod."""
        import os

        image, command, input_data_dir, output_data_dir, _ = self._task_scan_run
        try:
            import docker
        except ImportError:
            raise self.CannotRunLocally(f"{self.name}: {self.LOCAL_MODE}=container needs the Docker SDK for Python "
                                        "(pip install docker)") from None
        volumes = {}
        if inputs:
            volumes[inputs] = {"bind": input_data_dir, "mode": "ro"}
        if outputs:
            volumes[outputs] = {"bind": output_data_dir, "mode": "rw"}
        try:
            client = docker.from_env()
        except docker.errors.DockerException as e:
            where = os.environ.get("DOCKER_HOST", "the default socket")
            raise self.CannotRunLocally(
                f"{self.name}: {self.LOCAL_MODE}=container needs a Docker API, and none answers at {where} "
                f"({self.first_line(e)}): start one (podman system service --time=0 unix:///tmp/podman.sock, "
                f"then DOCKER_HOST=unix:///tmp/podman.sock), or unset {self.LOCAL_MODE} to run the build's "
                "executable on this machine") from None
        try:
            try:
                client.images.get(image)
            except docker.errors.ImageNotFound:
                client.images.pull(image)
        except docker.errors.DockerException as e:
            raise self.CannotRunLocally(
                f"{self.name}: image {image} is not here and cannot be pulled ({self.first_line(e)}): build it "
                f"(the <name>_images target of add_flyte_tasks), or unset {self.LOCAL_MODE} to run the build's "
                "executable on this machine") from None
        try:
            # Flyte gives the command as the pod's `command`, which replaces the image's
            # ENTRYPOINT and drops its CMD (apache/spark has both).
            container = client.containers.run(image, entrypoint=command, command=[], volumes=volumes, detach=True)
        except docker.errors.DockerException as e:
            raise self.CannotRunLocally(f"{self.name}: the container engine cannot run {image}: "
                                        f"{self.first_line(e)}") from None
        try:
            status = container.wait().get("StatusCode", -1)
            log = container.logs().decode("utf-8", "replace").strip()
        finally:
            container.remove(force=True)
        return status, log

    @staticmethod
    def first_line(error):
        """What a Docker SDK error says: the engine's explanation, else its first line."""
        explanation = getattr(error, "explanation", None)
        if isinstance(explanation, bytes):
            explanation = explanation.decode("utf-8", "replace")
        lines = str(explanation or error).strip().splitlines()
        return lines[0] if lines else type(error).__name__

    def task_error(self, status, log, error_file):
        """The task's error, if it failed, by CoPilot's rules: a task container that exits
        non-zero fails the pod (the uploader's result is never read); else an _ERROR file is
        the task's error, "User Error: <text>" (upload.go: RecursiveUpload), a folder or more
        than 1 MiB an error of its own."""
        import os

        if status != 0:
            last = log.splitlines()[-1] if log else "no output"
            return f"{self.name}: the task exited with status {status}: {last}"
        if not error_file or not os.path.lexists(error_file):
            return None
        if os.path.isdir(error_file):
            return f"{self.name}: its _ERROR is a folder"
        size = os.path.getsize(error_file)
        if size > 1024 * 1024:
            return f"{self.name}: its _ERROR holds {size} bytes, more than CoPilot's 1 MiB"
        with open(error_file, "rb") as f:
            return f.read().decode("utf-8", "replace").strip() or f"{self.name}: an empty _ERROR"

    @classmethod
    def write_input(cls, path, value):
        """Writes one input where CoPilot would (download.go: handleLiteral)."""
        import os
        import shutil

        if isinstance(value, (list, tuple)):
            os.mkdir(path, 0o755)
            for index, element in enumerate(value):
                cls.write_input(os.path.join(path, str(index)), element)
        elif isinstance(value, (str, bool, int, float)):
            with open(path, "wb") as f:
                f.write(cls.input_text(value).encode("utf-8"))
        else:  # a FlyteFile: CoPilot downloads it to the path
            shutil.copyfile(os.fspath(value), path)
            os.chmod(path, 0o644)

    @staticmethod
    def input_text(value):
        """A primitive input as CoPilot writes it (download.go: handlePrimitive)."""
        import decimal
        import math

        if isinstance(value, str):
            return value
        if isinstance(value, bool):  # strconv.FormatBool
            return "true" if value else "false"
        if isinstance(value, int):  # strconv.FormatInt(v, 10)
            return str(value)
        # strconv.FormatFloat(v, 'f', -1, 64): the shortest digits that read back, no exponent
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "+Inf" if value > 0 else "-Inf"
        return format(decimal.Decimal(repr(float(value))).normalize(), "f")

    @classmethod
    def read_output(cls, path, kind):
        """Reads one output as CoPilot does (upload.go: handleSimpleType, handleBlobType)."""
        import os

        from flytekit.types.file import FlyteFile

        if not os.path.exists(path):
            raise cls.TaskFailed(f"output {os.path.basename(path)!r} was not written")
        if kind is FlyteFile:
            return FlyteFile(path=path)
        if os.path.isdir(path) or os.path.getsize(path) > 1024:
            raise cls.TaskFailed(f"output {os.path.basename(path)!r}: more than the 1024 bytes of a primitive")
        with open(path, "rb") as f:
            return cls.output_value(f.read(), kind)

    @classmethod
    def output_value(cls, data, kind):
        """The value of a primitive output's bytes, parsed with the rules of Go's strconv
        as CoPilot does (flyteidl/clients/go/coreutils/literals.go: MakeLiteralForSimpleType)."""
        import re

        try:
            text = data.decode("utf-8").strip(" \n\t")  # a Flyte str is valid UTF-8
        except UnicodeDecodeError:
            raise cls.TaskFailed("a str output that is not valid UTF-8") from None
        if kind is str:
            return text
        if kind is bool:  # strconv.ParseBool
            if text in ("1", "t", "T", "TRUE", "true", "True"):
                return True
            if text in ("0", "f", "F", "FALSE", "false", "False"):
                return False
        elif kind is int:  # strconv.ParseInt(s, 10, 64)
            if re.fullmatch(r"[+-]?[0-9]+", text) and -(2**63) <= int(text) < 2**63:
                return int(text)
        elif kind is float:  # strconv.ParseFloat(s, 64); C++'s "-nan" is not Go's
            special = re.fullmatch(r"([+-]?)(inf|infinity)|nan", text.lower())
            if special:
                return float("nan") if special.group(0) == "nan" else float(special.group(1) + "inf")
            decimal = r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?"
            hexadecimal = r"[+-]?0[xX]([0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)[pP][+-]?[0-9]+"
            if re.fullmatch(decimal, text) or re.fullmatch(hexadecimal, text):
                value = float(text) if re.fullmatch(decimal, text) else float.fromhex(text)
                if abs(value) != float("inf"):  # a finite text out of range: ErrRange
                    return value
        raise cls.TaskFailed(f"CoPilot cannot read {text!r} as a Flyte {kind.__name__}")
)py";

std::string installedPath(const ProjectModel &Model, llvm::StringRef Executable) {
  return Model.InstallDir == "/" ? "/" + Executable.str()
                                 : Model.InstallDir + "/" + Executable.str();
}

} // namespace

std::string emitFlyteTasksPython(const ProjectModel &Model) {
  std::map<std::string, std::string> ExecutableOf; // image key -> path
  for (const ModelImage &Image : Model.Images)
    ExecutableOf[Image.Key] = installedPath(Model, Image.Executable);
  std::map<std::string, std::string> Variables = variableNames(Model.Tasks);

  bool AnyList = false, AnyFile = false, AnyTimeout = false, AnyResources = false;
  for (const ModelTask &T : Model.Tasks) {
    const ScannedTask &S = T.Source;
    for (const auto *Values : {&S.Inputs, &S.Outputs})
      for (const TaskValue &V : *Values) {
        AnyList |= V.Type.IsList;
        AnyFile |= V.Type.Kind == FlyteKind::File;
      }
    AnyTimeout |= S.Options.Timeout.has_value();
    AnyResources |= !S.Options.Requests.empty() || !S.Options.Limits.empty();
  }

  std::string Out = fmt::format(
      "# Generated by task-scan from the C++ sources of {}. Do not edit.\n"
      "\"\"\"Flyte tasks written in C++: one flytekit ContainerTask per task, each\n"
      "running the task executable of its own image (a raw container that reads\n"
      "its inputs from {} and writes its outputs to {}).\n"
      "\"\"\"\n",
      commentText(Model.ProjectName), InputDataDir, OutputDataDir);
  if (AnyTimeout)
    Out += "import datetime\n";
  if (AnyList)
    Out += "import typing\n";
  if (AnyTimeout || AnyList)
    Out += "\n";
  Out += fmt::format("from flytekit import ContainerTask, {}TaskMetadata, kwtypes\n",
                     AnyResources ? "Resources, " : "");
  if (AnyFile)
    Out += "from flytekit.types.file import FlyteFile\n";

  Out += "\n__all__ = [";
  for (const ModelTask &T : Model.Tasks)
    Out += fmt::format("\n    {},", pythonStringLiteral(Variables[T.Source.Name]));
  Out += Model.Tasks.empty() ? "]\n" : "\n]\n";
  Out += "\n";
  Out += CppContainerTaskClass;

  std::set<std::string> PinnedKeys;
  for (const ModelImage &Image : Model.Images)
    if (!Image.Pinned.empty())
      PinnedKeys.insert(Image.Key);
  for (const ModelTask &T : Model.Tasks) {
    const ScannedTask &S = T.Source;
    std::vector<std::string> Command = {ExecutableOf[T.ImageKey], "run", S.Name,
                                        "--inputs", InputDataDir, "--outputs",
                                        OutputDataDir};
    std::vector<std::string> CommandLiterals;
    for (const std::string &Word : Command)
      CommandLiterals.push_back(pythonStringLiteral(Word));

    Out += fmt::format("\n# {}, defined at {}:{}\n", commentText(S.Function),
                       commentText(T.DisplayFile), S.Definition.Line);
    Out += fmt::format("{} = CppContainerTask(\n", Variables[S.Name]);
    Out += fmt::format("    name={},\n", pythonStringLiteral(S.Name));
    Out += fmt::format("    image={},\n", pythonStringLiteral(T.Image));
    // The template as written, for registration (CppContainerTask._get_image), where there
    // is one to follow: never for an image pinned by a push.
    const std::string &Template = S.Options.ContainerImage.value_or("");
    if (Template.find("{{") != std::string::npos && PinnedKeys.count(T.ImageKey) == 0)
      Out += fmt::format("    image_template={},\n", pythonStringLiteral(Template));
    Out += fmt::format("    command=[{}],\n", fmt::join(CommandLiterals, ", "));
    Out += fmt::format("    input_data_dir={},\n", pythonStringLiteral(InputDataDir));
    Out += fmt::format("    output_data_dir={},\n", pythonStringLiteral(OutputDataDir));
    Out += "    metadata_format=ContainerTask.MetadataFormat.PROTO,\n";
    Out += fmt::format("    inputs={},\n", kwtypes(S.Inputs));
    Out += fmt::format("    outputs={},\n", kwtypes(S.Outputs));
    if (!S.Options.Requests.empty())
      Out += fmt::format("    requests={},\n", resources(S.Options.Requests));
    if (!S.Options.Limits.empty())
      Out += fmt::format("    limits={},\n", resources(S.Options.Limits));
    Out += fmt::format("    metadata={},\n", metadata(T));
    Out += ")\n";
  }
  return Out;
}

} // namespace taskscan
