//===- PythonEmitter.cpp - flyte_tasks.py ---------------------------------===//
//
// One flytekit ContainerTask per task, so Python workflows call the C++
// tasks like any other:
//
//   ml_train = ContainerTask(
//       name="ml.train",
//       image="ghcr.io/acme/flyte-cpp-gpu:1.4.2",
//       command=["/usr/local/bin/ml_gpu", "run", "ml.train", "--inputs", ...],
//       input_data_dir="/var/inputs",
//       output_data_dir="/var/outputs",
//       inputs=kwtypes(epochs=int),
//       outputs=kwtypes(o0=float),
//       requests=Resources(cpu="2", mem="4Gi"),
//       metadata=TaskMetadata(retries=2),
//   )
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
      "ContainerTask", "Resources", "TaskMetadata", "kwtypes", "FlyteFile",
      "datetime",      "typing",    "bool",         "int",     "float",
      "str"};
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

std::string metadata(const TaskOptions &O) {
  std::vector<std::string> Args;
  Args.push_back(fmt::format("retries={}", O.Retries));
  if (O.Timeout)
    Args.push_back(
        fmt::format("timeout=datetime.timedelta(seconds={})", O.TimeoutSeconds));
  if (O.Cache)
    Args.push_back("cache=True");
  if (O.CacheVersion)
    Args.push_back(
        fmt::format("cache_version={}", pythonStringLiteral(*O.CacheVersion)));
  return fmt::format("TaskMetadata({})", fmt::join(Args, ", "));
}

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
    Out += fmt::format("{} = ContainerTask(\n", Variables[S.Name]);
    Out += fmt::format("    name={},\n", pythonStringLiteral(S.Name));
    Out += fmt::format("    image={},\n", pythonStringLiteral(T.Image));
    Out += fmt::format("    command=[{}],\n", fmt::join(CommandLiterals, ", "));
    Out += fmt::format("    input_data_dir={},\n", pythonStringLiteral(InputDataDir));
    Out += fmt::format("    output_data_dir={},\n", pythonStringLiteral(OutputDataDir));
    Out += fmt::format("    inputs={},\n", kwtypes(S.Inputs));
    Out += fmt::format("    outputs={},\n", kwtypes(S.Outputs));
    if (!S.Options.Requests.empty())
      Out += fmt::format("    requests={},\n", resources(S.Options.Requests));
    if (!S.Options.Limits.empty())
      Out += fmt::format("    limits={},\n", resources(S.Options.Limits));
    Out += fmt::format("    metadata={},\n", metadata(S.Options));
    Out += ")\n";
  }
  return Out;
}

} // namespace taskscan
