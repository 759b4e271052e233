//===- EmitterTest.cpp - Dockerfile, bake file and flyte_tasks.py ----------===//
//
// The emitters are pure functions of the model, so these tests build models
// by hand, including ones the scanner and the config loader would reject
// (quotes, newlines, `$(...)` and `"; RUN ...` in every string), and check
// that each generated file still holds exactly its own instructions or
// statements, with the values read back unchanged.
//
//===----------------------------------------------------------------------===//
#include "taskscan/Emitters.h"
#include "taskscan/ImageReference.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/Regex.h"
#include "llvm/Support/raw_ostream.h"

#include "gtest/gtest.h"

#include <optional>
#include <set>
#include <string>
#include <vector>

using namespace taskscan;

namespace {

TaskValue value(std::string Name, FlyteKind Kind, bool IsList = false) {
  TaskValue V;
  V.Name = std::move(Name);
  V.CppType = V.ValueType = "int";
  V.Type.Kind = Kind;
  V.Type.IsList = IsList;
  return V;
}

ModelTask task(std::string Name, const ModelImage &Image) {
  ModelTask T;
  T.Source.Name = std::move(Name);
  T.Source.Function = "ns::task";
  T.Source.Definition = {"/src/tasks.cpp", 12, 3};
  T.Image = Image.Reference;
  T.ImageKey = Image.Key;
  T.DisplayFile = "src/tasks.cpp";
  return T;
}

ModelImage image(std::string Key, std::string Reference, std::string Base,
                 std::string Executable) {
  ModelImage I;
  I.Key = std::move(Key);
  I.Reference = std::move(Reference);
  I.BuildTag = buildTagFor(I.Reference);
  I.BaseImage = std::move(Base);
  I.Executable = std::move(Executable);
  return I;
}

/// Sorts tasks by name and fills each image's TaskNames, as buildProjectModel does.
void finish(ProjectModel &Model) {
  llvm::sort(Model.Tasks, [](const ModelTask &A, const ModelTask &B) {
    return A.Source.Name < B.Source.Name;
  });
  for (ModelImage &I : Model.Images)
    for (const ModelTask &T : Model.Tasks)
      if (T.ImageKey == I.Key)
        I.TaskNames.push_back(T.Source.Name);
}

/// A model as the tool builds it from ordinary sources.
ProjectModel ordinaryModel() {
  ProjectModel Model;
  Model.ProjectName = "ml";
  Model.InstallDir = "/usr/local/bin";
  Model.Images = {image("default", "ghcr.io/acme/base:1", "debian:bookworm-slim", "ml_default"),
                  image("gpu", "ghcr.io/acme/gpu:2", "nvidia/cuda:12.4.1-runtime-ubuntu22.04",
                        "ml_gpu")};
  ModelTask Train = task("ml.train", Model.Images[1]);
  Train.Source.Inputs = {value("epochs", FlyteKind::Int), value("xs", FlyteKind::Float, true)};
  Train.Source.Outputs = {value("o0", FlyteKind::File)};
  Train.Source.Options.Retries = 3;
  Train.Source.Options.Timeout = "10m";
  Train.Source.Options.TimeoutSeconds = 600;
  Train.Source.Options.Cache = true;
  Train.Source.Options.CacheVersion = "1";
  Train.Source.Options.Requests = {{"cpu", "2"}, {"mem", "4Gi"}};
  Train.Source.Options.Limits = {{"gpu", "1"}};
  Model.Tasks = {Train, task("mean", Model.Images[0])};
  finish(Model);
  return Model;
}

/// Every string an attacker controls, hostile. The scanner and the config
/// loader reject these; the emitters must be safe without them.
ProjectModel hostileModel() {
  ProjectModel Model;
  Model.ProjectName = "p\"; RUN id #";
  Model.InstallDir = "/opt/x\"]\nRUN touch /pwned\n#";
  Model.Images = {image("k\"ey\nRUN id", "evil\"\nRUN curl x | sh\n$(id)`id`",
                        "base\nRUN touch /pwned", "exe \"$HOME\" \\"),
                  image("ok", "ghcr.io/acme/ok:1", "debian:bookworm-slim", "p_ok")};
  ModelTask A = task("x\"; import os; os.system(\"id\") #\nimport os", Model.Images[0]);
  A.Source.Function = "ns::f\nimport os";
  A.DisplayFile = "src/a\nimport os; os.system('id')\\";
  A.Source.Inputs = {value("from", FlyteKind::Int), value("a\"b\nc", FlyteKind::String),
                     value("__class__", FlyteKind::Bool)};
  A.Source.Outputs = {value("o0", FlyteKind::String, true)};
  A.Source.Options.CacheVersion = "v\"\n1";
  A.Source.Options.Requests = {{"cpu", "1\"); import os; (\""}};
  ModelTask B = task("'''\"\"\"$(id)`id`", Model.Images[0]);
  ModelTask C = task("ok.task", Model.Images[1]);
  Model.Tasks = {A, B, C};
  finish(Model);
  return Model;
}

/// The logical lines of a Dockerfile: continuations joined, comment lines
/// (a '#' first on a line) dropped, as Docker's parser reads them.
std::vector<std::string> dockerfileInstructions(llvm::StringRef Text) {
  std::vector<std::string> Out;
  std::string Current;
  llvm::SmallVector<llvm::StringRef, 32> Lines;
  Text.split(Lines, '\n');
  for (llvm::StringRef Line : Lines) {
    if (Line.ltrim().starts_with("#") || (Current.empty() && Line.trim().empty()))
      continue;
    llvm::StringRef Trimmed = Line.rtrim(" \t");
    if (Trimmed.ends_with("\\")) {
      Current += Trimmed.drop_back().str();
      continue;
    }
    Out.push_back(Current + Line.str());
    Current.clear();
  }
  EXPECT_TRUE(Current.empty()) << "the Dockerfile ends in a continuation";
  return Out;
}

std::vector<std::string> keywords(const std::vector<std::string> &Instructions) {
  std::vector<std::string> Out;
  for (llvm::StringRef I : Instructions)
    Out.push_back(I.split(' ').first.str());
  return Out;
}

std::optional<std::string> findPython() {
  auto Python = llvm::sys::findProgramByName("python3");
  if (!Python)
    return std::nullopt;
  return *Python;
}

/// The stub flytekit of the lit tests, found from this file's path.
std::string flytekitStubDir() {
  llvm::SmallString<256> Dir(llvm::sys::path::parent_path(__FILE__));
  llvm::sys::path::append(Dir, "..", "lit", "output");
  llvm::sys::path::append(Dir, "Inputs", "flytekit-stub");
  return std::string(Dir);
}

/// Writes \p Module as flyte_tasks.py in a new folder and runs \p Script
/// (with argv[1] the module's path, argv[2] the stub flytekit); its stdout.
std::optional<std::string> runOnModule(const std::string &Python,
                                       llvm::StringRef Module,
                                       llvm::StringRef Script) {
  llvm::SmallString<128> Dir;
  if (llvm::sys::fs::createUniqueDirectory("emitter-test", Dir)) {
    ADD_FAILURE() << "cannot create a temporary folder";
    return std::nullopt;
  }
  llvm::SmallString<128> ModulePath(Dir), ScriptPath(Dir), OutputPath(Dir);
  llvm::sys::path::append(ModulePath, "flyte_tasks.py");
  llvm::sys::path::append(ScriptPath, "check.py");
  llvm::sys::path::append(OutputPath, "out.txt");
  for (auto [Path, Text] : {std::pair{ModulePath.str(), Module},
                            std::pair{ScriptPath.str(), Script}}) {
    std::error_code EC;
    llvm::raw_fd_ostream OS(Path, EC);
    OS << Text;
  }
  std::string Stub = flytekitStubDir();
  std::optional<llvm::StringRef> Redirects[] = {std::nullopt, OutputPath.str(),
                                                std::nullopt};
  llvm::StringRef Args[] = {Python, "-B", ScriptPath, ModulePath, Stub};
  std::string Error;
  int Status = llvm::sys::ExecuteAndWait(Python, Args, std::nullopt, Redirects,
                                         /*SecondsToWait=*/60, 0, &Error);
  auto Buffer = llvm::MemoryBuffer::getFile(OutputPath);
  std::optional<std::string> Result;
  if (Status == 0 && Buffer)
    Result = (*Buffer)->getBuffer().str();
  else
    ADD_FAILURE() << "python3 failed (" << Status << ") on:\n" << Module.str() << Error;
  llvm::sys::fs::remove_directories(Dir);
  return Result;
}

/// Parses the module without running it: one line with the kind of each
/// top-level statement, one with every function the module calls outside
/// the class CppContainerTask, one with a hash of that class's source (fixed
/// code, the same for every project); then imports the module against the
/// stub and prints each task as a JSON line.
constexpr llvm::StringLiteral DescribeModule = R"(
import ast, hashlib, importlib, json, os, sys
module_path, stub = sys.argv[1], sys.argv[2]
source = open(module_path, encoding="utf-8").read()
tree = ast.parse(source)
kinds = []
class_source = ""
for node in tree.body:
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
        kinds.append("doc")
    elif isinstance(node, (ast.Import, ast.ImportFrom)):
        kinds.append("import")
    elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
        call = node.value
        if node.targets[0].id == "__all__":
            kinds.append("all")
        elif isinstance(call, ast.Call) and ast.unparse(call.func) == "CppContainerTask" and not call.args:
            kinds.append("task")
        else:
            kinds.append("assign?")
    elif isinstance(node, ast.ClassDef) and node.name == "CppContainerTask":
        kinds.append("class")
        class_source = ast.get_source_segment(source, node)
    else:
        kinds.append("other?")
print(" ".join(kinds))
outside = [n for n in tree.body if not isinstance(n, ast.ClassDef)]
print(" ".join(sorted({ast.unparse(c.func) for n in outside for c in ast.walk(n) if isinstance(c, ast.Call)})))
print(hashlib.sha256(class_source.encode()).hexdigest())
sys.path[:0] = [stub, os.path.dirname(module_path)]
import flytekit, flyte_tasks
for t in flytekit.TASKS:
    print(json.dumps([t.name, t.image, t.command, list(t.inputs), list(t.outputs),
                      t.metadata.cache_version, t.requests.cpu if t.requests else None]))
)";

} // namespace

TEST(EmitterTest, DockerfileOfAnOrdinaryImage) {
  ProjectModel Model = ordinaryModel();
  std::string D = emitDockerfile(Model, Model.Images[1]);
  EXPECT_EQ(keywords(dockerfileInstructions(D)),
            (std::vector<std::string>{"FROM", "LABEL", "COPY", "RUN"}));
  EXPECT_NE(D.find("\nFROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\n"), std::string::npos);
  EXPECT_NE(D.find("org.flyte.tasks=\"ml.train\""), std::string::npos);
  EXPECT_NE(D.find("\nCOPY [\"ml_gpu\", \"/usr/local/bin/ml_gpu\"]\n"), std::string::npos);
  // The self-check runs in the base while the image builds.
  EXPECT_TRUE(llvm::StringRef(D).ends_with(
      "\nRUN [\"/usr/local/bin/ml_gpu\", \"--check-tasks\", \"ml.train\"]\n"));
  EXPECT_EQ(D.find("\nENTRYPOINT"), std::string::npos);
  EXPECT_EQ(D.find("\nCMD"), std::string::npos);
}

TEST(EmitterTest, DockerfileHoldsOnlyItsInstructionsWhateverTheStrings) {
  ProjectModel Model = hostileModel();
  for (const ModelImage &Image : Model.Images) {
    std::string D = emitDockerfile(Model, Image);
    SCOPED_TRACE(D);
    std::vector<std::string> Instructions = dockerfileInstructions(D);
    EXPECT_EQ(keywords(Instructions),
              (std::vector<std::string>{"FROM", "LABEL", "COPY", "RUN"}));
    // The first line must not be a parser directive such as `# syntax=...`.
    EXPECT_FALSE(llvm::Regex("^#[ \t]*[a-zA-Z][a-zA-Z0-9]*[ \t]*=").match(D));
    // COPY keeps its JSON form: exactly two strings.
    auto Copy = llvm::json::parse(llvm::StringRef(Instructions[2]).drop_front(5));
    ASSERT_TRUE(bool(Copy)) << llvm::toString(Copy.takeError());
    ASSERT_TRUE(Copy->getAsArray());
    EXPECT_EQ(Copy->getAsArray()->size(), 2u);
    // RUN (exec form, no substitution) passes the task names as they are.
    auto Run = llvm::json::parse(llvm::StringRef(Instructions[3]).drop_front(4));
    ASSERT_TRUE(bool(Run)) << llvm::toString(Run.takeError());
    ASSERT_TRUE(Run->getAsArray());
    std::vector<std::string> Words;
    for (const llvm::json::Value &W : *Run->getAsArray())
      Words.push_back(W.getAsString().value_or("<not a string>").str());
    std::vector<std::string> Expected = {"--check-tasks"};
    for (const std::string &Name : Image.TaskNames)
      Expected.push_back(llvm::json::fixUTF8(Name));
    ASSERT_FALSE(Words.empty());
    EXPECT_EQ(std::vector<std::string>(Words.begin() + 1, Words.end()), Expected);
  }
}

TEST(EmitterTest, FragmentIsTheDockerfilesCopyAndSelfCheck) {
  for (ProjectModel Model : {ordinaryModel(), hostileModel()})
    for (const ModelImage &Image : Model.Images) {
      std::string F = emitDockerfileFragment(Model, Image);
      EXPECT_EQ(keywords(dockerfileInstructions(F)), (std::vector<std::string>{"COPY", "RUN"}));
      EXPECT_FALSE(llvm::StringRef(F).starts_with("#")) << F;
      EXPECT_EQ(F.find("\n#"), std::string::npos) << F;
      // The Dockerfile, its comments aside, ends with the fragment.
      std::string Code;
      llvm::SmallVector<llvm::StringRef, 32> Lines;
      llvm::StringRef(emitDockerfile(Model, Image)).split(Lines, '\n');
      for (llvm::StringRef Line : Lines)
        if (!Line.starts_with("#"))
          Code += Line.str() + "\n";
      EXPECT_TRUE(llvm::StringRef(Code).ends_with("\n" + F + "\n")) << Code;
    }
}

TEST(EmitterTest, BakeFileHasTheDocumentedShape) {
  for (ProjectModel Model : {ordinaryModel(), hostileModel()}) {
    std::string Text = emitBakeFile(Model);
    auto Parsed = llvm::json::parse(Text);
    ASSERT_TRUE(bool(Parsed)) << llvm::toString(Parsed.takeError());
    const llvm::json::Object *Root = Parsed->getAsObject();
    ASSERT_TRUE(Root);
    EXPECT_EQ(Root->size(), 2u);
    const llvm::json::Array *Targets =
        Root->getObject("group") && Root->getObject("group")->getObject("default")
            ? Root->getObject("group")->getObject("default")->getArray("targets")
            : nullptr;
    ASSERT_TRUE(Targets);
    ASSERT_EQ(Targets->size(), Model.Images.size());
    const llvm::json::Object *TargetMap = Root->getObject("target");
    ASSERT_TRUE(TargetMap);
    for (size_t I = 0; I < Model.Images.size(); ++I) {
      const ModelImage &Image = Model.Images[I];
      std::string Key = llvm::json::fixUTF8(Image.Key);
      EXPECT_EQ((*Targets)[I].getAsString(), std::optional<llvm::StringRef>(Key));
      const llvm::json::Object *T = TargetMap->getObject(Key);
      ASSERT_TRUE(T) << Key;
      EXPECT_EQ(T->getString("context"),
                std::optional<llvm::StringRef>("images/" + Key));
      EXPECT_EQ(T->getString("dockerfile"), std::optional<llvm::StringRef>("Dockerfile"));
      const llvm::json::Array *Tags = T->getArray("tags");
      ASSERT_TRUE(Tags && Tags->size() == 1);
      // The build tag, never a digest.
      EXPECT_EQ((*Tags)[0].getAsString(),
                std::optional<llvm::StringRef>(llvm::json::fixUTF8(Image.BuildTag)));
      EXPECT_EQ((*Tags)[0].getAsString()->find('@'), llvm::StringRef::npos);
    }
  }
}

TEST(EmitterTest, PythonVariableNamesDependOnTheSetOfTaskNamesOnly) {
  auto Variables = [](std::vector<std::string> Names) {
    ProjectModel Model;
    Model.InstallDir = "/usr/local/bin";
    Model.Images = {image("default", "r:1", "debian:bookworm-slim", "p_default")};
    for (const std::string &N : Names)
      Model.Tasks.push_back(task(N, Model.Images[0]));
    finish(Model);
    std::string Py = emitFlyteTasksPython(Model);
    std::vector<std::string> Out;
    llvm::SmallVector<llvm::StringRef, 64> Lines;
    llvm::StringRef(Py).split(Lines, '\n');
    for (llvm::StringRef L : Lines)
      if (L.ends_with(" = CppContainerTask("))
        Out.push_back(L.drop_back(strlen(" = CppContainerTask(")).str());
    return Out;
  };
  EXPECT_EQ(Variables({"ml.train"}), (std::vector<std::string>{"ml_train"}));
  std::vector<std::string> Clash = Variables({"ml_train", "ml.train"});
  ASSERT_EQ(Clash.size(), 2u);
  EXPECT_TRUE(llvm::Regex("^ml_train_[0-9a-f]{8}$").match(Clash[0])) << Clash[0];
  EXPECT_EQ(Clash[1], "ml_train"); // sorted by task name: "ml.train" < "ml_train"
  EXPECT_EQ(Variables({"ml.train", "ml_train", "ml-train"}).size(), 3u);
  EXPECT_EQ(Variables({"str", "typing", "__all__", "None"}),
            (std::vector<std::string>{"None_", "task__all__", "str_", "typing_"}));
}

TEST(EmitterTest, PythonModuleHoldsOneContainerTaskPerTaskWhateverTheStrings) {
  auto Python = findPython();
  if (!Python)
    GTEST_SKIP() << "python3 not found";
  if (!llvm::sys::fs::is_directory(flytekitStubDir()))
    GTEST_SKIP() << "the stub flytekit is not at " << flytekitStubDir();
  std::set<std::string> ClassHashes;
  for (ProjectModel Model : {ordinaryModel(), hostileModel()}) {
    std::string Module = emitFlyteTasksPython(Model);
    auto Out = runOnModule(*Python, Module, DescribeModule);
    ASSERT_TRUE(Out);
    llvm::SmallVector<llvm::StringRef, 8> Lines;
    llvm::StringRef(*Out).trim().split(Lines, '\n');
    ASSERT_EQ(Lines.size(), 3 + Model.Tasks.size()) << *Out;
    EXPECT_TRUE(llvm::Regex("^doc( import)+ all class( task)+$").match(Lines[0])) << Lines[0].str();
    EXPECT_EQ(Lines[0].count(" task"), Model.Tasks.size());
    for (llvm::StringRef Called : llvm::split(Lines[1], ' '))
      EXPECT_TRUE(llvm::is_contained({"CppContainerTask", "Resources", "TaskMetadata", "kwtypes",
                                      "datetime.timedelta"},
                                     Called))
          << Called.str();
    // No string of the project reaches the class: it is the same code for every project.
    ClassHashes.insert(Lines[2].str());
    EXPECT_EQ(ClassHashes.size(), 1u) << Module;
    for (size_t I = 0; I < Model.Tasks.size(); ++I) {
      const ModelTask &T = Model.Tasks[I];
      const ModelImage *Image = nullptr;
      for (const ModelImage &Candidate : Model.Images)
        if (Candidate.Key == T.ImageKey)
          Image = &Candidate;
      ASSERT_TRUE(Image);
      llvm::json::Array Inputs, Outputs;
      for (const TaskValue &V : T.Source.Inputs)
        Inputs.push_back(llvm::json::fixUTF8(V.Name));
      for (const TaskValue &V : T.Source.Outputs)
        Outputs.push_back(llvm::json::fixUTF8(V.Name));
      std::optional<std::string> Cpu;
      for (const auto &[Name, Quantity] : T.Source.Options.Requests)
        if (Name == "cpu")
          Cpu = Quantity;
      llvm::json::Value Expected = llvm::json::Array{
          llvm::json::fixUTF8(T.Source.Name),
          llvm::json::fixUTF8(T.Image),
          llvm::json::Array{llvm::json::fixUTF8(Model.InstallDir + "/" + Image->Executable),
                            "run", llvm::json::fixUTF8(T.Source.Name), "--inputs",
                            "/var/inputs", "--outputs", "/var/outputs"},
          std::move(Inputs),
          std::move(Outputs),
          T.Source.Options.CacheVersion.value_or(""),
          Cpu ? llvm::json::Value(*Cpu) : llvm::json::Value(nullptr)};
      auto Actual = llvm::json::parse(Lines[3 + I]);
      ASSERT_TRUE(bool(Actual)) << llvm::toString(Actual.takeError());
      EXPECT_EQ(*Actual, Expected) << Lines[3 + I].str();
    }
  }
}

TEST(EmitterTest, GenerateAllListsEveryFileOnceSortedByPath) {
  ProjectModel Model = ordinaryModel();
  std::vector<GeneratedFile> Files = generateAll(Model, "/out");
  std::vector<std::string> Paths;
  for (const GeneratedFile &F : Files)
    Paths.push_back(F.Path);
  EXPECT_EQ(Paths, (std::vector<std::string>{
                       "docker-bake.json", "flyte_tasks.py",
                       "images/default/Dockerfile", "images/default/Dockerfile.fragment",
                       "images/default/entrypoint.cpp", "images/gpu/Dockerfile",
                       "images/gpu/Dockerfile.fragment", "images/gpu/entrypoint.cpp",
                       "manifest.json"}));
  std::vector<GeneratedFile> Again = generateAll(Model, "/out");
  for (size_t I = 0; I < Files.size(); ++I)
    EXPECT_EQ(Files[I].Content, Again[I].Content) << Files[I].Path;
}
