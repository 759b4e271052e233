// Runs the executable built from sample_entrypoint.cpp the way Flyte and a developer do, and
// checks what it leaves behind: exit status, output files, `_ERROR`, stdout and stderr.
// Each test gets fresh `inputs/` and `outputs/` folders in a temporary directory.
//
// FLYTE_RUNTIME_SAMPLE_EXE is the path of the sample executable (set by CMake).
// FLYTE_RUNTIME_FALLBACK is 1 when that executable was built with the snprintf/strtod fallback
// for floats.

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

extern char** environ;

namespace {

namespace fs = std::filesystem;

#ifndef FLYTE_RUNTIME_FALLBACK
#define FLYTE_RUNTIME_FALLBACK 0
#endif

struct Result {
  int status = -1;  // the exit status, -1 when killed by a signal
  std::string out;
  std::string err;
};

std::string readFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void writeFile(const fs::path& path, const std::string& content) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << content;
}

/// Every file and folder below `dir`, relative to it, sorted ("o0", "o0/0", ...).
std::vector<std::string> listTree(const fs::path& dir) {
  std::vector<std::string> entries;
  if (!fs::exists(dir)) return entries;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    entries.push_back(fs::relative(entry.path(), dir).generic_string());
  }
  std::sort(entries.begin(), entries.end());
  return entries;
}

using Strings = std::vector<std::string>;

class EntrypointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "flyte-runtime-test-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
    inputs_ = root_ / "inputs";
    outputs_ = root_ / "outputs";
    fs::create_directories(inputs_);
  }

  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(root_, ignored);
  }

  /// Runs the sample executable with `args`, capturing stdout and stderr in files.
  Result run(const Strings& args) {
    fs::path outFile = root_ / "stdout.txt";
    fs::path errFile = root_ / "stderr.txt";
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, outFile.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, 2, errFile.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::string exe = FLYTE_RUNTIME_SAMPLE_EXE;
    std::vector<char*> argv{exe.data()};
    Strings copies = args;
    for (std::string& arg : copies) argv.push_back(arg.data());
    argv.push_back(nullptr);
    pid_t pid = 0;
    int spawned = posix_spawn(&pid, exe.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    Result result;
    if (spawned != 0) {
      ADD_FAILURE() << "cannot start " << exe;
      return result;
    }
    int status = 0;
    waitpid(pid, &status, 0);
    result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    result.out = readFile(outFile);
    result.err = readFile(errFile);
    return result;
  }

  /// A Flyte run: `run TASK --inputs inputs/ --outputs outputs/`.
  Result runTask(const std::string& task) {
    return run({"run", task, "--inputs", inputs_.string(), "--outputs", outputs_.string()});
  }

  void input(const std::string& name, const std::string& text) { writeFile(inputs_ / name, text); }

  /// A list input: the folder `name` with one file per element.
  void inputList(const std::string& name, const Strings& elements) {
    fs::create_directories(inputs_ / name);
    for (std::size_t i = 0; i < elements.size(); ++i) input(name + "/" + std::to_string(i), elements[i]);
  }

  std::string output(const std::string& name) { return readFile(outputs_ / name); }
  std::string error() { return readFile(outputs_ / "_ERROR"); }
  Strings outputFiles() { return listTree(outputs_); }

  /// A task with outputs failed with exactly `message` in _ERROR and on stderr, wrote nothing
  /// else, and exited 0: CoPilot's uploader turns _ERROR into the task's user error, while a
  /// non-zero exit would make Flyte see a system error (runtime.hpp, top comment).
  void expectFailure(const Result& result, const std::string& message) {
    EXPECT_EQ(result.status, 0) << result.err;
    EXPECT_EQ(error(), message + "\n");
    EXPECT_EQ(result.err, message + "\n");
    EXPECT_EQ(outputFiles(), Strings{"_ERROR"});
  }

  /// A task without outputs failed: `message` on stderr, exit status 1 (all Flyte sees without
  /// an uploader), and no outputs folder created.
  void expectFailureWithoutOutputs(const Result& result, const std::string& message) {
    EXPECT_EQ(result.status, 1) << result.err;
    EXPECT_EQ(result.err, message + "\n");
    EXPECT_FALSE(fs::exists(outputs_));
  }

  /// The last line of `text` (without its newline).
  static std::string lastLine(std::string text) {
    if (!text.empty() && text.back() == '\n') text.pop_back();
    std::size_t newline = text.rfind('\n');
    return newline == std::string::npos ? text : text.substr(newline + 1);
  }

  /// A usage error: exit status 2, `message` on the last line of stderr, and no trace in the
  /// outputs folder.
  void expectUsageError(const Strings& args, const std::string& message) {
    Result result = run(args);
    EXPECT_EQ(result.status, 2) << result.err;
    EXPECT_NE(lastLine(result.err).find(message), std::string::npos) << "stderr: " << result.err;
    EXPECT_NE(lastLine(result.err).find("--help"), std::string::npos) << result.err;
    EXPECT_EQ(result.out, "");
    EXPECT_EQ(outputFiles(), Strings{});
  }

  fs::path root_;
  fs::path inputs_;
  fs::path outputs_;
};

/// A test name from a case's task and index: "echo_double_3".
template <class Case>
std::string caseName(const ::testing::TestParamInfo<Case>& info) {
  std::string name = info.param.task + "_" + std::to_string(info.index);
  std::replace(name.begin(), name.end(), '.', '_');
  return name;
}

// --- The command line ----------------------------------------------------------------------

TEST_F(EntrypointTest, ListPrintsTaskNamesOnePerLine) {
  Result result = run({"--list"});
  EXPECT_EQ(result.status, 0);
  EXPECT_EQ(result.out.substr(0, 27), "ml.train\nml.split\nml.noop\ns");
  EXPECT_NE(result.out.find("\necho.list.path\n"), std::string::npos);
  EXPECT_EQ(result.err, "");
}

TEST_F(EntrypointTest, HelpPrintsUsageAndTasks) {
  for (const Strings& args : {Strings{"--help"}, Strings{"-h"}, Strings{"run", "ml.train", "--help"}}) {
    Result result = run(args);
    EXPECT_EQ(result.status, 0);
    EXPECT_NE(result.out.find("usage: "), std::string::npos);
    EXPECT_NE(result.out.find("run TASK --inputs DIR --outputs DIR"), std::string::npos);
    EXPECT_NE(result.out.find("ml.train(epochs, xs)"), std::string::npos);
    // task-scan refuses list outputs (CoPilot uploads none): the help offers none.
    EXPECT_EQ(result.out.find("NAME/0"), std::string::npos);
  }
}

TEST_F(EntrypointTest, UsageErrors) {
  std::string in = inputs_.string();
  std::string out = outputs_.string();
  expectUsageError({}, "missing command");
  expectUsageError({"train"}, "unknown command 'train'");
  expectUsageError({"--list", "x"}, "--list takes no arguments");
  expectUsageError({"run"}, "run: missing task name");
  expectUsageError({"run", "--inputs", in}, "run: missing task name");
  expectUsageError({"run", "ml.nope", "--inputs", in, "--outputs", out},
                   "unknown task 'ml.nope'; available tasks: ml.train, ml.split, ml.noop, sample.minmax");
  expectUsageError({"run", "ml.train", "--verbose"}, "unknown option '--verbose'");
  expectUsageError({"run", "ml.train", "extra"}, "unexpected argument 'extra'");
  expectUsageError({"run", "ml.train", "--inputs", in}, "--inputs needs --outputs");
  expectUsageError({"run", "ml.train", "--outputs", out}, "--outputs needs --inputs");
  expectUsageError({"run", "ml.train", "--inputs"}, "--inputs needs a value");
  expectUsageError({"run", "ml.train", "--inputs=", "--outputs", out}, "--inputs needs a directory");
  expectUsageError({"run", "ml.train", "--inputs", in, "--inputs", in, "--outputs", out}, "--inputs given twice");
  expectUsageError({"run", "ml.train", "--inputs", in, "--outputs", out, "--arg", "epochs=1"},
                   "--arg and --empty cannot be combined with --inputs/--outputs");
  expectUsageError({"run", "ml.train", "--inputs", in, "--outputs", out, "--empty", "xs"},
                   "--arg and --empty cannot be combined with --inputs/--outputs");
  expectUsageError({"run", "ml.train", "--empty", "x"},
                   "--empty \"x\": task ml.train has no input 'x'; its inputs are epochs, xs");
  expectUsageError({"run", "ml.train", "--empty"}, "--empty needs a value");
  expectUsageError({"run", "ml.train", "--arg", "epochs=1", "--empty", "epochs"},
                   "--empty epochs: input 'epochs' is not a list");
  expectUsageError({"run", "ml.train", "--arg", "epochs=1", "--arg", "xs=1", "--empty", "xs"},
                   "--empty xs and --arg xs=... both given");
  expectUsageError({"run", "ml.train", "--arg", "epochs"}, "--arg \"epochs\": expected INPUT=VALUE");
  expectUsageError({"run", "ml.train", "--arg", "epoch=1"},
                   "--arg \"epoch=1\": task ml.train has no input 'epoch'; its inputs are epochs, xs");
  expectUsageError({"run", "ml.noop", "--arg", "x=1"}, "task ml.noop has no input 'x'; it has no inputs");
  expectUsageError({"run", "ml.train", "--arg", "epochs=1", "--arg", "epochs=2", "--arg", "xs=1"},
                   "--arg epochs given 2 times, but input 'epochs' is not a list");
}

TEST_F(EntrypointTest, OptionsTakeTheirValueAfterAnEqualsSign) {
  input("epochs", "2");
  inputList("xs", {"1", "2"});
  Result result = run({"run", "ml.train", "--inputs=" + inputs_.string(), "--outputs=" + outputs_.string()});
  EXPECT_EQ(result.status, 0) << result.err;
  EXPECT_EQ(output("o0"), "6");
  result = run({"run", "ml.train", "--arg=epochs=2", "--arg=xs=1"});
  EXPECT_EQ(result.out, "o0=2\n");
}

// --- Flyte runs: inputs and outputs of every type ----------------------------------------------

TEST_F(EntrypointTest, TrainReadsInputFilesAndWritesOutputFile) {
  input("epochs", "3\n");
  inputList("xs", {"1.5", "2"});
  Result result = runTask("ml.train");
  EXPECT_EQ(result.status, 0) << result.err;
  EXPECT_EQ(result.out, "");
  EXPECT_EQ(result.err, "");
  EXPECT_EQ(output("o0"), "10.5");
  EXPECT_EQ(outputFiles(), Strings{"o0"});  // no staging files left over
}

struct EchoCase {
  std::string task;
  std::string text;      // the input file
  std::string expected;  // the output file
};

void PrintTo(const EchoCase& c, std::ostream* out) { *out << c.task << " " << ::testing::PrintToString(c.text); }


class EchoTest : public EntrypointTest, public ::testing::WithParamInterface<EchoCase> {};

TEST_P(EchoTest, RoundTripsThroughFiles) {
  const EchoCase& c = GetParam();
  input("v", c.text);
  Result result = runTask(c.task);
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_EQ(output("o0"), c.expected);
  EXPECT_EQ(outputFiles(), Strings{"o0"});
}

TEST_P(EchoTest, RoundTripsThroughArgs) {
  const EchoCase& c = GetParam();
  if (c.text.find('\0') != std::string::npos) GTEST_SKIP() << "a command line cannot hold NUL";
  Result result = run({"run", c.task, "--arg", "v=" + c.text});
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_EQ(result.out, "o0=" + c.expected + "\n");
}

const EchoCase kEchoCases[] = {
    {"echo.bool", "true", "true"},
    {"echo.bool", "false", "false"},
    {"echo.bool", " true\n", "true"},
    {"echo.short", "-32768", "-32768"},
    {"echo.short", "32767\n", "32767"},
    {"echo.ushort", "65535", "65535"},
    {"echo.ushort", "-0", "0"},
    {"echo.int", "-2147483648", "-2147483648"},
    {"echo.int", "+7", "7"},
    {"echo.int", "007", "7"},
    {"echo.int", "\t 42 \r\n", "42"},
    {"echo.uint", "4294967295", "4294967295"},
    {"echo.long", "-9223372036854775808", "-9223372036854775808"},
    {"echo.ulong", "9223372036854775807", "9223372036854775807"},  // the largest a Flyte int holds
    {"echo.llong", "9223372036854775807", "9223372036854775807"},
    {"echo.ullong", "9223372036854775807", "9223372036854775807"},
    {"echo.int16", "-32768", "-32768"},
    {"echo.uint32", "4294967295", "4294967295"},
    {"echo.int64", "-9223372036854775808", "-9223372036854775808"},
    {"echo.float", "0.1", "0.1"},
    {"echo.float", "3.4028235e38", "3.4028235e+38"},
    {"echo.float", "-2.5\n", "-2.5"},
    {"echo.double", "0.1", "0.1"},
    {"echo.double", "0.30000000000000004", "0.30000000000000004"},
    {"echo.double", "1e300", "1e+300"},
    {"echo.double", "1.5e-07", "1.5e-07"},
    {"echo.double", "5e-324", "5e-324"},
    {"echo.double", "+.5", "0.5"},
    {"echo.double", "  -3.25\n", "-3.25"},
    // Non-finite values are written as Go's strconv.ParseFloat reads them (CoPilot): never "-nan".
    {"echo.double", "inf", "+Inf"},
    {"echo.double", "-inf", "-Inf"},
    {"echo.double", "nan", "NaN"},
    {"echo.double", "-nan", "NaN"},  // the sign bit of a NaN is not written
    {"echo.double", "NaN", "NaN"},   // what CoPilot writes for a NaN input (Go's FormatFloat)
    {"echo.double", "+Inf", "+Inf"},
    {"echo.double", "-Inf", "-Inf"},
    {"echo.float", "-nan", "NaN"},
    {"echo.float", "+Inf", "+Inf"},
    {"echo.float", "-Inf", "-Inf"},
    {"echo.double", "7", "7"},
    {"echo.string", "hello", "hello"},
    {"echo.string", "", ""},
    {"echo.string", "  spaced and\nnewlined\n\n", "  spaced and\nnewlined\n\n"},  // never trimmed
    {"echo.string", "a=b", "a=b"},
    {"echo.string", std::string("nul\0byte", 8), std::string("nul\0byte", 8)},
    {"echo.string", "caf\xc3\xa9 \xe2\x9c\x93", "caf\xc3\xa9 \xe2\x9c\x93"},
    {"echo.string", std::string(1024, 'x'), std::string(1024, 'x')},  // exactly the limit
};

INSTANTIATE_TEST_SUITE_P(Types, EchoTest, ::testing::ValuesIn(kEchoCases), caseName<EchoCase>);

TEST_F(EntrypointTest, FloatOutputIsShortestAndPrefersPlainNotation) {
  // to_chars picks "100" over "1e+02"; the snprintf fallback keeps %g's choice.
  input("v", "100");
  ASSERT_EQ(runTask("echo.double").status, 0);
  EXPECT_EQ(output("o0"), FLYTE_RUNTIME_FALLBACK ? "1e+02" : "100");
}

struct ListCase {
  std::string task;
  Strings elements;
  Strings expected;
};

void PrintTo(const ListCase& c, std::ostream* out) { *out << c.task << " " << ::testing::PrintToString(c.elements); }


class ListEchoTest : public EntrypointTest, public ::testing::WithParamInterface<ListCase> {};

TEST_P(ListEchoTest, RoundTripsThroughFolders) {
  const ListCase& c = GetParam();
  inputList("v", c.elements);
  Result result = runTask(c.task);
  ASSERT_EQ(result.status, 0) << result.err;
  Strings files{"o0"};
  for (std::size_t i = 0; i < c.expected.size(); ++i) {
    files.push_back("o0/" + std::to_string(i));
    EXPECT_EQ(output("o0/" + std::to_string(i)), c.expected[i]);
  }
  std::sort(files.begin(), files.end());
  EXPECT_EQ(outputFiles(), files);
  EXPECT_TRUE(fs::is_directory(outputs_ / "o0"));
}

TEST_P(ListEchoTest, RoundTripsThroughRepeatedArgs) {
  const ListCase& c = GetParam();
  Strings args{"run", c.task};
  for (const std::string& element : c.elements) args.push_back("--arg=v=" + element);
  if (c.elements.empty()) args.insert(args.end(), {"--empty", "v"});
  Result result = run(args);
  ASSERT_EQ(result.status, 0) << result.err;
  std::string expected;
  for (std::size_t i = 0; i < c.expected.size(); ++i) expected += "o0/" + std::to_string(i) + "=" + c.expected[i] + "\n";
  EXPECT_EQ(result.out, expected);
}

const ListCase kListCases[] = {
    {"echo.list.bool", {"true", "false\n"}, {"true", "false"}},
    {"echo.list.short", {"-1", "300"}, {"-1", "300"}},
    {"echo.list.ushort", {"65535"}, {"65535"}},
    {"echo.list.int", {"1", " 2 ", "3"}, {"1", "2", "3"}},
    {"echo.list.uint", {"0", "4294967295"}, {"0", "4294967295"}},
    {"echo.list.long", {"-5"}, {"-5"}},
    {"echo.list.ulong", {"5"}, {"5"}},
    {"echo.list.llong", {"-9223372036854775808"}, {"-9223372036854775808"}},
    {"echo.list.ullong", {"9223372036854775807"}, {"9223372036854775807"}},
    {"echo.list.float", {"0.1", "2"}, {"0.1", "2"}},
    {"echo.list.double", {"0.1", "-1.5e-07"}, {"0.1", "-1.5e-07"}},
    {"echo.list.double", {"NaN", "-nan", "+Inf", "-Inf"}, {"NaN", "NaN", "+Inf", "-Inf"}},
    {"echo.list.string", {"a b\n", "", "c"}, {"a b\n", "", "c"}},
    {"echo.list.double", {}, {}},  // an empty folder is an empty list
    {"echo.list.string", {}, {}},
};

INSTANTIATE_TEST_SUITE_P(Types, ListEchoTest, ::testing::ValuesIn(kListCases), caseName<ListCase>);

TEST_F(EntrypointTest, ListEndsAtTheFirstMissingIndex) {
  input("v/0", "1");
  input("v/1", "2");
  input("v/3", "4");          // after a gap: not part of the list
  input("v/name", "junk");    // not an index
  Result result = runTask("echo.list.int");
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_EQ(outputFiles(), (Strings{"o0", "o0/0", "o0/1"}));
  EXPECT_EQ(output("o0/1"), "2");
}

TEST_F(EntrypointTest, ListWithoutElementZeroIsEmpty) {
  input("v/1", "1");
  Result result = runTask("echo.list.int");
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_EQ(outputFiles(), Strings{"o0"});
}

TEST_F(EntrypointTest, PairAndTupleResultsAreNumberedOutputs) {
  input("s", "flyte");
  Result result = runTask("ml.split");
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_EQ(outputFiles(), (Strings{"o0", "o1"}));
  EXPECT_EQ(output("o0"), "5");
  EXPECT_EQ(output("o1"), "FLYTE");

  fs::remove_all(outputs_);
  inputList("xs", {"4", "-2", "9"});
  result = runTask("sample.minmax");
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_EQ(output("o0"), "-2");
  EXPECT_EQ(output("o1"), "9");
}

TEST_F(EntrypointTest, VoidTaskNeverCreatesTheOutputsFolder) {
  // Flyte mounts no outputs folder for a task without outputs.
  Result result = runTask("ml.noop");
  EXPECT_EQ(result.status, 0) << result.err;
  EXPECT_FALSE(fs::exists(outputs_));
  EXPECT_EQ(run({"run", "ml.noop"}).out, "");
}

TEST_F(EntrypointTest, VoidTaskRunsWhereNoOutputsFolderCanBeCreated) {
  // An image that runs as a non-root user cannot create /var/outputs.
  writeFile(root_ / "file", "");
  outputs_ = root_ / "file" / "outputs";
  Result result = runTask("ml.noop");
  EXPECT_EQ(result.status, 0) << result.err;
  EXPECT_EQ(result.err, "");
}

TEST_F(EntrypointTest, OutputsFolderIsCreatedWithParents) {
  outputs_ = root_ / "deep" / "er" / "outputs";
  input("s", "x");
  ASSERT_EQ(runTask("ml.split").status, 0);
  EXPECT_EQ(output("o1"), "X");
}

TEST_F(EntrypointTest, OutputsReplaceThoseOfAnEarlierRun) {
  writeFile(outputs_ / "o0", "old");
  writeFile(outputs_ / "o1" / "0", "a folder where a file goes");
  writeFile(outputs_ / "_ERROR", "an earlier failure");
  input("s", "new");
  Result result = runTask("ml.split");
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_EQ(outputFiles(), (Strings{"o0", "o1"}));  // the stale _ERROR is gone too
  EXPECT_EQ(output("o0"), "3");
  EXPECT_EQ(output("o1"), "NEW");
}

// --- Files ----------------------------------------------------------------------------------

TEST_F(EntrypointTest, FileInputIsThePathOfTheInput) {
  input("file", std::string(5000, 'z'));
  Result result = runTask("sample.count_bytes");
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_EQ(output("o0"), "5000");
}

TEST_F(EntrypointTest, FileOutputIsCopied) {
  std::string big(100000, 'b');  // files have no size limit
  input("v", big);
  Result result = runTask("echo.path");
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_EQ(output("o0"), big);
  EXPECT_TRUE(fs::exists(inputs_ / "v"));
}

TEST_F(EntrypointTest, FileOutputAlreadyInPlaceIsKept) {
  fs::create_directories(outputs_);
  input("text", "in place");
  input("where", (outputs_ / "o0").string());
  Result result = runTask("sample.write_text");
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_EQ(output("o0"), "in place");
  EXPECT_EQ(outputFiles(), Strings{"o0"});
}

TEST_F(EntrypointTest, FileListOutputIsAFolderOfCopies) {
  fs::create_directories(root_ / "made");
  input("count", "3");
  input("dir", (root_ / "made").string());
  Result result = runTask("sample.write_files");
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_EQ(outputFiles(), (Strings{"o0", "o0/0", "o0/1", "o0/2"}));
  EXPECT_EQ(output("o0/2"), "2");
}

TEST_F(EntrypointTest, FileListInputIsAFolderOfFiles) {
  inputList("v", {"first", "second"});
  Result result = runTask("echo.list.path");
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_EQ(output("o0/0"), "first");
  EXPECT_EQ(output("o0/1"), "second");
}

TEST_F(EntrypointTest, FilesInArgModeAreGivenAndPrintedAsPaths) {
  fs::path file = root_ / "data.bin";
  writeFile(file, "12345");
  Result result = run({"run", "sample.count_bytes", "--arg", "file=" + file.string()});
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_EQ(result.out, "o0=5\n");
  result = run({"run", "echo.path", "--arg", "v=" + file.string()});
  EXPECT_EQ(result.out, "o0=" + file.string() + "\n");
}

// --- Local runs with --arg -----------------------------------------------------------------------

TEST_F(EntrypointTest, ArgModePrintsOutputsInOrder) {
  Result result = run({"run", "ml.train", "--arg", "xs=1.5", "--arg", "epochs=3", "--arg", "xs=2"});
  EXPECT_EQ(result.status, 0) << result.err;
  EXPECT_EQ(result.out, "o0=10.5\n");
  EXPECT_EQ(result.err, "");
  result = run({"run", "ml.split", "--arg", "s=a=b"});
  EXPECT_EQ(result.out, "o0=3\no1=A=B\n");
  result = run({"run", "sample.strings_of_sizes", "--arg", "sizes=1", "--arg", "sizes=0", "--arg", "sizes=2"});
  EXPECT_EQ(result.out, "o0/0=x\no0/1=\no0/2=xx\n");
}

TEST_F(EntrypointTest, ArgModeTakesAnEmptyList) {
  Result result = run({"run", "ml.train", "--arg", "epochs=3", "--empty", "xs"});
  EXPECT_EQ(result.status, 0) << result.err;
  EXPECT_EQ(result.out, "o0=0\n");
  result = run({"run", "sample.strings_of_sizes", "--empty=sizes"});
  EXPECT_EQ(result.status, 0) << result.err;
  EXPECT_EQ(result.out, "");  // an empty list output prints no line
}

TEST_F(EntrypointTest, ArgModeReportsFailuresOnStderr) {
  Result result = run({"run", "ml.train", "--arg", "epochs=12x", "--arg", "xs=1"});
  EXPECT_EQ(result.status, 1);
  EXPECT_EQ(result.out, "");
  EXPECT_EQ(result.err, "task ml.train: input 'epochs': expected an integer, got \"12x\"\n");

  result = run({"run", "ml.train", "--arg", "xs=1"});
  EXPECT_EQ(result.status, 1);
  EXPECT_EQ(result.err, "task ml.train: input 'epochs': missing: pass --arg epochs=VALUE\n");

  result = run({"run", "ml.train", "--arg", "epochs=1"});
  EXPECT_EQ(result.status, 1);
  EXPECT_EQ(result.err,
            "task ml.train: input 'xs': missing: pass --arg xs=VALUE once per list element, or --empty xs\n");

  result = run({"run", "sample.fail", "--arg", "message=boom"});
  EXPECT_EQ(result.status, 1);
  EXPECT_EQ(result.err, "task sample.fail: exception: boom\n");

  result = run({"run", "sample.repeat", "--arg", "s=ab", "--arg", "times=513"});
  EXPECT_EQ(result.status, 1);
  EXPECT_EQ(result.out, "");
  EXPECT_NE(result.err.find("output 'o0': 1026 bytes, more than the 1024 bytes"), std::string::npos);

  result = run({"run", "echo.path", "--arg", "v=/nonexistent/x"});
  EXPECT_EQ(result.status, 1);
  EXPECT_EQ(result.err, "task echo.path: input 'v': file \"/nonexistent/x\" does not exist\n");
  EXPECT_EQ(outputFiles(), Strings{});
}

// --- Failures in Flyte runs: _ERROR -------------------------------------------------------------

struct MalformedCase {
  std::string task;
  std::string text;
  std::string message;  // after "task TASK: input 'v': "
};

void PrintTo(const MalformedCase& c, std::ostream* out) { *out << c.task << " " << ::testing::PrintToString(c.text); }


class MalformedInputTest : public EntrypointTest, public ::testing::WithParamInterface<MalformedCase> {};

TEST_P(MalformedInputTest, FailsWithOneLineInError) {
  const MalformedCase& c = GetParam();
  input("v", c.text);
  expectFailure(runTask(c.task), "task " + c.task + ": input 'v': " + c.message);
}

const MalformedCase kMalformedCases[] = {
    {"echo.int", "12x", "expected an integer, got \"12x\""},
    {"echo.int", "", "expected an integer, got \"\""},
    {"echo.int", "  \n", "expected an integer, got \"  \\n\""},
    {"echo.int", "1 2", "expected an integer, got \"1 2\""},
    {"echo.int", "1.0", "expected an integer, got \"1.0\""},
    {"echo.int", "0x10", "expected an integer, got \"0x10\""},
    {"echo.int", "+-1", "expected an integer, got \"+-1\""},
    {"echo.int", "2147483648", "expected an integer in [-2147483648, 2147483647], got \"2147483648\""},
    {"echo.short", "300000", "expected an integer in [-32768, 32767], got \"300000\""},
    {"echo.short", "-32769", "expected an integer in [-32768, 32767], got \"-32769\""},
    {"echo.ushort", "-1", "expected an integer in [0, 65535], got \"-1\""},
    {"echo.ushort", "65536", "expected an integer in [0, 65535], got \"65536\""},
    {"echo.uint", "-1", "expected an integer in [0, 4294967295], got \"-1\""},
    {"echo.ulong", "-1\n", "expected an integer in [0, 18446744073709551615], got \"-1\\n\""},
    {"echo.ullong", "18446744073709551616",
     "expected an integer in [0, 18446744073709551615], got \"18446744073709551616\""},
    {"echo.long", "9223372036854775808",
     "expected an integer in [-9223372036854775808, 9223372036854775807], got \"9223372036854775808\""},
    {"echo.ulong", "-x", "expected an integer, got \"-x\""},
    {"echo.bool", "True", "expected true or false, got \"True\""},
    {"echo.bool", "1", "expected true or false, got \"1\""},
    {"echo.bool", "", "expected true or false, got \"\""},
    {"echo.double", "abc", "expected a number, got \"abc\""},
    {"echo.double", "1.5.2", "expected a number, got \"1.5.2\""},
    {"echo.double", "", "expected a number, got \"\""},
    {"echo.double", "1e999", "expected a number in the range of double, got \"1e999\""},
    {"echo.float", "1e39", "expected a number in the range of float, got \"1e39\""},
    {"echo.float", "1,5", "expected a number, got \"1,5\""},
    {"echo.int", "\x01\x7f\"\\", "expected an integer, got \"\\x01\\x7f\\\"\\\\\""},
    {"echo.int", std::string(100, '9'), "expected an integer in [-2147483648, 2147483647], got \"" +
                                            std::string(64, '9') + "\"..."},
};

INSTANTIATE_TEST_SUITE_P(Types, MalformedInputTest, ::testing::ValuesIn(kMalformedCases), caseName<MalformedCase>);

TEST_F(EntrypointTest, MissingInputs) {
  expectFailure(runTask("echo.int"),
                "task echo.int: input 'v': missing: there is no file \"" + (inputs_ / "v").string() + "\"");
  expectFailure(runTask("echo.list.int"),
                "task echo.list.int: input 'v': missing: there is no directory \"" + (inputs_ / "v").string() + "\"");
  expectFailure(runTask("echo.path"),
                "task echo.path: input 'v': missing: there is no file \"" + (inputs_ / "v").string() + "\"");
}

TEST_F(EntrypointTest, MissingInputsFolder) {
  inputs_ = root_ / "absent";
  expectFailure(runTask("ml.train"),
                "task ml.train: input 'epochs': missing: there is no file \"" + (inputs_ / "epochs").string() + "\"");
}

TEST_F(EntrypointTest, FileWhereListExpected) {
  input("v", "1");
  expectFailure(runTask("echo.list.int"), "task echo.list.int: input 'v': expected a list, a directory holding v/0, "
                                          "v/1, ..., found the file \"" + (inputs_ / "v").string() + "\"");
}

TEST_F(EntrypointTest, FolderWhereFileExpected) {
  inputList("v", {"1"});
  expectFailure(runTask("echo.int"),
                "task echo.int: input 'v': expected a file, found the directory \"" + (inputs_ / "v").string() + "\"");
  expectFailure(runTask("echo.path"),
                "task echo.path: input 'v': expected a file, found the directory \"" + (inputs_ / "v").string() + "\"");
}

TEST_F(EntrypointTest, MalformedListElement) {
  inputList("v", {"1", "two", "3"});
  expectFailure(runTask("echo.list.int"), "task echo.list.int: input 'v': element 1: expected an integer, got \"two\"");
}

TEST_F(EntrypointTest, FolderAsListElement) {
  input("v/0", "1");
  input("v/1/0", "2");
  expectFailure(runTask("echo.list.int"), "task echo.list.int: input 'v': element 1: expected a file, found the "
                                          "directory \"" + (inputs_ / "v" / "1").string() + "\"");
}

TEST_F(EntrypointTest, ExceptionFromTheTask) {
  input("message", "first line\nsecond line\r\n");
  expectFailureWithoutOutputs(runTask("sample.fail"), "task sample.fail: exception: first line second line  ");
}

TEST_F(EntrypointTest, ExceptionFromTheTaskThatIsNoStdException) {
  expectFailureWithoutOutputs(runTask("sample.fail_unknown"), "task sample.fail_unknown: unknown exception");
}

TEST_F(EntrypointTest, TaskWithoutOutputsReportsIntoAnOutputsFolderThatExists) {
  // A local runner (flyte_tasks.py's) mounts one: _ERROR there shows the reason; the exit status
  // stays 1, since on Flyte nobody would read it.
  fs::create_directories(outputs_);
  input("message", "boom");
  Result result = runTask("sample.fail");
  EXPECT_EQ(result.status, 1);
  EXPECT_EQ(error(), "task sample.fail: exception: boom\n");
}

TEST_F(EntrypointTest, TaskWithOutputsFailingWithoutAnOutputsFolderCreatesItForError) {
  input("s", "x");
  input("times", "-1");
  outputs_ = root_ / "new" / "outputs";
  Result result = runTask("sample.repeat");
  EXPECT_EQ(result.status, 0) << result.err;
  EXPECT_EQ(error(), "task sample.repeat: exception: negative count\n");
}

struct UnreadableOutputCase {
  std::string task;
  std::string text;
  std::string message;  // after "task TASK: output 'o0': "
};

void PrintTo(const UnreadableOutputCase& c, std::ostream* out) {
  *out << c.task << " " << ::testing::PrintToString(c.text);
}

class UnreadableOutputTest : public EntrypointTest, public ::testing::WithParamInterface<UnreadableOutputCase> {};

// Values C++ holds but Flyte cannot read back (CoPilot: ParseInt(s, 10, 64); a proto3 string)
// are the task's error, in a Flyte run and in a local one.
TEST_P(UnreadableOutputTest, IsATaskError) {
  const UnreadableOutputCase& c = GetParam();
  input("v", c.text);
  std::string message = "task " + c.task + ": output 'o0': " + c.message;
  expectFailure(runTask(c.task), message);
  if (c.text.find('\0') != std::string::npos) return;
  Result local = run({"run", c.task, "--arg", "v=" + c.text});
  EXPECT_EQ(local.status, 1);
  EXPECT_EQ(local.err, message + "\n");
}

const UnreadableOutputCase kUnreadableOutputCases[] = {
    {"echo.ulong", "18446744073709551615",
     "18446744073709551615 is larger than 9223372036854775807, the largest Flyte int (a signed 64-bit integer)"},
    {"echo.ullong", "9223372036854775808",
     "9223372036854775808 is larger than 9223372036854775807, the largest Flyte int (a signed 64-bit integer)"},
    {"echo.string", "caf\xe9", "not valid UTF-8, which a Flyte str must be"},
    {"echo.string", "\xc0\xaf", "not valid UTF-8, which a Flyte str must be"},          // overlong '/'
    {"echo.string", "\xed\xa0\x80", "not valid UTF-8, which a Flyte str must be"},      // a surrogate
    {"echo.string", "\xf4\x90\x80\x80", "not valid UTF-8, which a Flyte str must be"},  // past U+10FFFF
    {"echo.string", "\xe2\x9c", "not valid UTF-8, which a Flyte str must be"},          // cut short
};

INSTANTIATE_TEST_SUITE_P(Types, UnreadableOutputTest, ::testing::ValuesIn(kUnreadableOutputCases),
                         caseName<UnreadableOutputCase>);

TEST_F(EntrypointTest, ValidUtf8OfEveryLengthIsWritten) {
  input("v", "a\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf\xf0\x90\x80\x80\xf4\x8f\xbf\xbf");
  Result result = runTask("echo.string");
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_EQ(output("o0"), "a\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf\xf0\x90\x80\x80\xf4\x8f\xbf\xbf");
}

TEST_F(EntrypointTest, ExceptionAfterInputsWereRead) {
  inputList("xs", {});
  expectFailure(runTask("sample.minmax"), "task sample.minmax: exception: minmax of an empty list");
}

TEST_F(EntrypointTest, OversizedOutput) {
  input("s", "ab");
  input("times", "513");
  expectFailure(runTask("sample.repeat"),
                "task sample.repeat: output 'o0': 1026 bytes, more than the 1024 bytes Flyte allows for a "
                "primitive; return a std::filesystem::path for larger data");
}

TEST_F(EntrypointTest, OversizedListElement) {
  inputList("sizes", {"3", "1025"});
  expectFailure(runTask("sample.strings_of_sizes"),
                "task sample.strings_of_sizes: output 'o0': element 1: 1025 bytes, more than the 1024 bytes "
                "Flyte allows for a primitive; return a std::filesystem::path for larger data");
}

TEST_F(EntrypointTest, OversizedSecondOutputLeavesNoFirstOutput) {
  input("size", "2000");
  expectFailure(runTask("sample.small_then_big"),
                "task sample.small_then_big: output 'o1': 2000 bytes, more than the 1024 bytes Flyte allows for "
                "a primitive; return a std::filesystem::path for larger data");
}

TEST_F(EntrypointTest, MissingReturnedFile) {
  expectFailure(runTask("sample.ghost"),
                "task sample.ghost: output 'o0': the returned file \"/nonexistent/flyte-runtime-ghost\" does not exist");
}

TEST_F(EntrypointTest, ReturnedFileThatIsNoRegularFile) {
  input("dir", root_.string());
  expectFailure(runTask("sample.small_then_fifo"), "task sample.small_then_fifo: output 'o1': the returned path \"" +
                                                       (root_ / "fifo").string() + "\" is not a regular file");
}

TEST_F(EntrypointTest, OutputsFolderThatCannotBeCreated) {
  writeFile(root_ / "file", "");
  outputs_ = root_ / "file" / "outputs";
  input("s", "x");
  Result result = runTask("ml.split");
  EXPECT_EQ(result.status, 1);
  // The reason last: on Flyte releases that do not read the error document, the log is where
  // the user finds it (runtime.hpp, top comment).
  EXPECT_EQ(lastLine(result.err).rfind("task ml.split: cannot create the outputs directory \"", 0), 0u)
      << result.err;
  EXPECT_NE(result.err.find("cannot report the failure in _ERROR"), std::string::npos) << result.err;
}

TEST_F(EntrypointTest, CrashEndsTheLogWithItsReason) {
  // A crash writes no _ERROR; the pod fails and Flyte shows the log's tail: the reason is its
  // last line, and the process still dies by the signal (a non-zero exit for Flyte).
  const std::pair<std::string, std::string> cases[] = {
      {"segv", "task sample.crash: crashed: SIGSEGV (invalid memory access)"},
      {"abort", "task sample.crash: crashed: SIGABRT (aborted: a failed assert or std::abort)"}};
  for (const auto& [how, line] : cases) {
    input("how", how);
    Result result = runTask("sample.crash");
    EXPECT_EQ(result.status, -1) << how << ": not killed by a signal: " << result.err;
    EXPECT_EQ(lastLine(result.err), line) << result.err;
    EXPECT_EQ(result.err.rfind("working on it\n", 0), 0u) << result.err;
  }
}

TEST_F(EntrypointTest, FailureLeavesOtherFilesOfTheOutputsFolderAlone) {
  // A failed run removes only what it wrote itself.
  writeFile(outputs_ / "unrelated", "kept");
  Result result = runTask("sample.fail_unknown");
  EXPECT_EQ(result.status, 1);  // a task without outputs
  EXPECT_EQ(error(), "task sample.fail_unknown: unknown exception\n");
  EXPECT_EQ(outputFiles(), (Strings{"_ERROR", "unrelated"}));
}

}  // namespace
