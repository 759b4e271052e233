//===- ImageConfigTest.cpp - YAML/INI image configuration, --image, env ---===//
#include "taskscan/ImageConfig.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include "gtest/gtest.h"

#include <random>
#include <string>

using namespace taskscan;

namespace {

const std::string Sha = "sha256:" + std::string(64, 'f');

struct Parsed {
  bool Ok = false;
  ImageConfig Config;
  DiagnosticList Diags;
};

Parsed parse(const std::string &Text, const std::string &Path = "flyte.yaml") {
  Parsed P;
  P.Ok = parseImageConfig(Text, Path, P.Config, P.Diags);
  // The result and the diagnostics always agree.
  EXPECT_EQ(P.Ok, !P.Diags.hasErrors()) << Text;
  return P;
}

std::string render(const DiagnosticList &Diags) {
  std::string Out;
  llvm::raw_string_ostream OS(Out);
  renderText(Diags, OS);
  return OS.str();
}

//===----------------------------------------------------------------------===//
// YAML
//===----------------------------------------------------------------------===//

TEST(YamlConfigTest, ReadsTheSpecExample) {
  Parsed P = parse("images:\n"
                   "  default: ghcr.io/acme/flyte-cpp:1.4.2\n"
                   "  gpu: ghcr.io/acme/flyte-cpp-gpu:1.4.2\n"
                   "  spark: ghcr.io/acme/spark@" +
                   Sha +
                   "\n"
                   "build:                          # task-scan's own\n"
                   "  base_images:\n"
                   "    default: debian:bookworm-slim\n"
                   "    gpu: nvidia/cuda:12.4.1-runtime-ubuntu22.04\n"
                   "  install_dir: /usr/local/bin\n");
  ASSERT_TRUE(P.Ok) << render(P.Diags);
  ASSERT_EQ(P.Config.Images.size(), 3u);
  EXPECT_EQ(P.Config.defaultImage()->Reference, "ghcr.io/acme/flyte-cpp:1.4.2");
  EXPECT_EQ(P.Config.find("spark")->Reference, "ghcr.io/acme/spark@" + Sha);
  EXPECT_EQ(P.Config.find("gpu")->Origin,
            (SourcePosition{"flyte.yaml", 3, 8}));
  EXPECT_EQ(P.Config.baseImageFor("gpu"),
            "nvidia/cuda:12.4.1-runtime-ubuntu22.04");
  EXPECT_EQ(P.Config.baseImageFor("spark"), "debian:bookworm-slim");
  EXPECT_EQ(P.Config.InstallDir, "/usr/local/bin");
}

TEST(YamlConfigTest, IgnoresEverythingButImagesAndBuild) {
  // A flytekit ~/.flyte/config.yaml; what task-scan does not read may use
  // any YAML feature.
  Parsed P = parse("admin:\n"
                   "  endpoint: dns:///flyte.example.com\n"
                   "  insecure: false\n"
                   "logger:\n"
                   "  show-source: true\n"
                   "  level: 0\n"
                   "storage:\n"
                   "  type: stow\n"
                   "  stow:\n"
                   "    kind: s3\n"
                   "    config: {auth_type: iam, region: us-east-1}\n"
                   "images:\n"
                   "  default: ghcr.io/acme/flyte-cpp:1.4.2\n"
                   "  spark: ghcr.io/acme/spark@" +
                   Sha +
                   "\n"
                   "defaults: &defaults {a: 1}\n"
                   "other:\n"
                   "  <<: *defaults\n"
                   "  blob: !!binary aGVsbG8=\n"
                   "1: a number key\n"
                   "? [complex, key]\n"
                   ": value\n"
                   "Images: {ignored: because keys are case-sensitive}\n");
  ASSERT_TRUE(P.Ok) << render(P.Diags);
  EXPECT_EQ(P.Config.Images.size(), 2u);
  EXPECT_TRUE(P.Config.BaseImages.empty());
  EXPECT_EQ(P.Config.InstallDir, "/usr/local/bin");
}

TEST(YamlConfigTest, EmptyFormsAreAValidEmptyConfig) {
  for (const char *Text :
       {"", "\n\n", "# only a comment\n", "---\n", "images:\n", "images: {}\n",
        "images: ~\n", "build:\n", "images:\n  # nothing yet\nbuild: {}\n"}) {
    Parsed P = parse(Text);
    EXPECT_TRUE(P.Ok) << Text << render(P.Diags);
    EXPECT_TRUE(P.Config.Images.empty()) << Text;
  }
}

TEST(YamlConfigTest, AcceptsQuotedFlowAndBlockForms) {
  Parsed P = parse("images: {default: \"ghcr.io/a:1\", 'gpu': ghcr.io/b:2}\n");
  ASSERT_TRUE(P.Ok) << render(P.Diags);
  EXPECT_EQ(P.Config.find("gpu")->Reference, "ghcr.io/b:2");

  // Names YAML would otherwise read as booleans or numbers, once quoted.
  P = parse("images:\n  \"on\": ghcr.io/a:1\n  '1': 'ghcr.io/b:2'\n");
  ASSERT_TRUE(P.Ok) << render(P.Diags);
  EXPECT_TRUE(P.Config.find("on"));
  EXPECT_TRUE(P.Config.find("1"));

  P = parse("images:\n  gpu: |-\n    ghcr.io/a:1\n");
  ASSERT_TRUE(P.Ok) << render(P.Diags);
  EXPECT_EQ(P.Config.find("gpu")->Reference, "ghcr.io/a:1");

  // Names are case-sensitive and kept as written.
  P = parse("images:\n  GPU: ghcr.io/a:1\n  gpu: ghcr.io/b:1\n");
  ASSERT_TRUE(P.Ok) << render(P.Diags);
  EXPECT_EQ(P.Config.Images.size(), 2u);
  EXPECT_EQ(P.Config.find("GPU")->Reference, "ghcr.io/a:1");
}

TEST(YamlConfigTest, ByteOrderMarkAndCrLf) {
  Parsed P = parse("\xef\xbb\xbfimages:\r\n  gpu: ghcr.io/a:1\r\n");
  ASSERT_TRUE(P.Ok) << render(P.Diags);
  EXPECT_EQ(P.Config.find("gpu")->Reference, "ghcr.io/a:1");
}

TEST(YamlConfigTest, InstallDirLosesTrailingSlashes) {
  Parsed P = parse("build:\n  install_dir: /opt/flyte/bin/\n");
  ASSERT_TRUE(P.Ok) << render(P.Diags);
  EXPECT_EQ(P.Config.InstallDir, "/opt/flyte/bin");
  P = parse("build:\n  install_dir: /\n");
  ASSERT_TRUE(P.Ok) << render(P.Diags);
  EXPECT_EQ(P.Config.InstallDir, "/");
}

struct ConfigErrorCase {
  std::string Text;
  std::string Check;
  unsigned Line, Column;
  std::string Message; ///< A substring of the message.
  unsigned NoteLine = 0, NoteColumn = 0;
  std::string Note = ""; ///< "" = no note expected.
};

std::ostream &operator<<(std::ostream &OS, const ConfigErrorCase &C) {
  return OS << testing::PrintToString(C.Text);
}

void expectSingleError(const std::string &Path, const ConfigErrorCase &C) {
  Parsed P = parse(C.Text, Path);
  EXPECT_FALSE(P.Ok);
  ASSERT_EQ(P.Diags.items().size(), 1u) << render(P.Diags);
  const Diagnostic &D = P.Diags.items()[0];
  EXPECT_EQ(D.Check, C.Check) << D.Message;
  EXPECT_EQ(D.Position, (SourcePosition{Path, C.Line, C.Column}))
      << render(P.Diags);
  EXPECT_NE(D.Message.find(C.Message), std::string::npos) << D.Message;
  if (C.Note.empty()) {
    EXPECT_TRUE(D.Notes.empty()) << render(P.Diags);
  } else {
    ASSERT_EQ(D.Notes.size(), 1u) << render(P.Diags);
    EXPECT_EQ(D.Notes[0].Position,
              (SourcePosition{Path, C.NoteLine, C.NoteColumn}));
    EXPECT_NE(D.Notes[0].Message.find(C.Note), std::string::npos)
        << D.Notes[0].Message;
  }
}

class YamlConfigErrorTest : public testing::TestWithParam<ConfigErrorCase> {};

TEST_P(YamlConfigErrorTest, ReportsOneLocatedError) {
  expectSingleError("flyte.yaml", GetParam());
}

const std::string ConfigCheck = "task-scan-config";
const std::string ReferenceCheck = "task-scan-image-reference";

INSTANTIATE_TEST_SUITE_P(
    Yaml, YamlConfigErrorTest,
    testing::Values(
        // Shape.
        ConfigErrorCase{"- a\n- b\n", ConfigCheck, 1, 1,
                        "must be a YAML mapping with an 'images:' key"},
        ConfigErrorCase{"just text\n", ConfigCheck, 1, 1,
                        "must be a YAML mapping"},
        ConfigErrorCase{"images:\n  - ghcr.io/a:1\n", ConfigCheck, 2, 3,
                        "'images' must be a mapping"},
        ConfigErrorCase{"images: ghcr.io/a:1\n", ConfigCheck, 1, 9,
                        "'images' must be a mapping"},
        ConfigErrorCase{"images:\n  gpu: [ghcr.io/a:1]\n", ConfigCheck, 2, 8,
                        "the reference of image 'gpu' must be a string, not "
                        "a sequence"},
        ConfigErrorCase{"images:\n  gpu: {a: b}\n", ConfigCheck, 2, 8,
                        "must be a string, not a mapping"},
        ConfigErrorCase{"images:\n  gpu:\n", ConfigCheck, 2, 3,
                        "the reference of image 'gpu' is empty"},
        ConfigErrorCase{"images:\n  gpu: ~\n", ConfigCheck, 2, 8, "is empty"},
        ConfigErrorCase{"images: {}\n---\nimages: {}\n", ConfigCheck, 3, 1,
                        "more than one YAML document"},
        // Keys given twice.
        ConfigErrorCase{"images:\n  gpu: ghcr.io/a:1\n  gpu: ghcr.io/b:1\n",
                        ConfigCheck, 3, 3,
                        "image name 'gpu' is given twice in 'images'", 2, 3,
                        "first given here"},
        ConfigErrorCase{"images: {}\nimages: {gpu: ghcr.io/a:1}\n", ConfigCheck, 2,
                        1, "'images' is given twice", 1, 1, "first given here"},
        ConfigErrorCase{"build:\n  install_dir: /a\n  install_dir: /b\n",
                        ConfigCheck, 3, 3, "'install_dir' is given twice in 'build'",
                        2, 3, "first given here"},
        // Names.
        ConfigErrorCase{"images:\n  my.gpu: ghcr.io/a:1\n", ConfigCheck, 2, 3,
                        "invalid image name 'my.gpu': names hold only "
                        "letters, digits, '_' and '-'"},
        ConfigErrorCase{"images:\n  on: ghcr.io/a:1\n", ConfigCheck, 2, 3,
                        "image name 'on' is read by YAML as a boolean, not as "
                        "a string; quote it: \"on\""},
        ConfigErrorCase{"images:\n  1: ghcr.io/a:1\n", ConfigCheck, 2, 3,
                        "image name '1' is read by YAML as a number"},
        ConfigErrorCase{"images:\n  2024-01-01: ghcr.io/a:1\n", ConfigCheck, 2, 3,
                        "as a date"},
        ConfigErrorCase{"images:\n  [a]: ghcr.io/a:1\n", ConfigCheck, 2, 3,
                        "image name must be a string"},
        // References.
        ConfigErrorCase{"images:\n  gpu: 1.0\n", ConfigCheck, 2, 8,
                        "the reference of image 'gpu' '1.0' is read by YAML "
                        "as a number"},
        ConfigErrorCase{"images:\n  gpu: Ghcr.io/A\n", ReferenceCheck, 2, 8,
                        "invalid image reference 'Ghcr.io/A' for image 'gpu': "
                        "the repository path component 'A' must be lower "
                        "case"},
        ConfigErrorCase{"images:\n  gpu: \"a b\"\n", ReferenceCheck, 2, 8,
                        "whitespace"},
        ConfigErrorCase{"images:\n  gpu: \"ghcr.io/a:1\\nRUN evil\"\n",
                        ReferenceCheck, 2, 8, "'ghcr.io/a:1\\x0aRUN evil'"},
        ConfigErrorCase{"images:\n  gpu: ghcr.io/a:1 # comment\n  cpu: "
                        "ghcr.io/$x\n",
                        ReferenceCheck, 3, 8, "character '$'"},
        // Anchors, aliases, tags, merge keys.
        ConfigErrorCase{"base: &b ghcr.io/a:1\nimages:\n  gpu: *b\n", ConfigCheck, 3,
                        8,
                        "a YAML alias ('*') is not allowed in the reference "
                        "of image 'gpu'"},
        ConfigErrorCase{"images:\n  gpu: &x ghcr.io/a:1\n", ConfigCheck, 2, 8,
                        "a YAML anchor ('&') is not allowed"},
        ConfigErrorCase{"images: &i\n  gpu: ghcr.io/a:1\n", ConfigCheck, 1, 9,
                        "a YAML anchor ('&') is not allowed in 'images'"},
        ConfigErrorCase{"images:\n  gpu: !!str ghcr.io/a:1\n", ConfigCheck, 2, 8,
                        "a YAML tag ('!') is not allowed"},
        ConfigErrorCase{"images:\n  &n gpu: ghcr.io/a:1\n", ConfigCheck, 2, 3,
                        "a YAML anchor ('&') is not allowed"},
        ConfigErrorCase{"x: &k images\n*k : {gpu: ghcr.io/a:1}\n", ConfigCheck, 2,
                        1, "a YAML alias ('*') is not allowed"},
        ConfigErrorCase{"images:\n  <<: {gpu: ghcr.io/a:1}\n", ConfigCheck, 2, 3,
                        "YAML merge keys ('<<') are not allowed in 'images'"},
        ConfigErrorCase{"<<: {images: {gpu: ghcr.io/a:1}}\n", ConfigCheck, 1, 1,
                        "YAML merge keys ('<<') are not allowed"},
        ConfigErrorCase{"!!map\nimages: {}\n", ConfigCheck, 1, 1,
                        "a YAML tag ('!') is not allowed in the image "
                        "configuration"},
        // Syntax.
        ConfigErrorCase{"images:\n  gpu: 'ghcr.io/a:1\n", ConfigCheck, 2, 20,
                        "invalid YAML:"},
        ConfigErrorCase{"images: [\n", ConfigCheck, 1, 10, "invalid YAML:"},
        ConfigErrorCase{"images: {gpu: ghcr.io/a:1\n", ConfigCheck, 1, 26,
                        "invalid YAML:"},
        // build:
        ConfigErrorCase{"build: 3\n", ConfigCheck, 1, 8,
                        "'build' must be a mapping"},
        ConfigErrorCase{"build:\n  install_dir: relative/bin\n", ConfigCheck, 2, 16,
                        "install_dir 'relative/bin' must be an absolute path"},
        ConfigErrorCase{"build:\n  install_dir: /usr/local/bin;rm\n", ConfigCheck,
                        2, 16, "may hold only letters, digits"},
        ConfigErrorCase{"build:\n  install_dir: \"/bin\\nRUN x\"\n", ConfigCheck, 2,
                        16, "'/bin\\x0aRUN x' may hold only"},
        ConfigErrorCase{"build:\n  install_dir: [a]\n", ConfigCheck, 2, 16,
                        "'build.install_dir' must be a string"},
        ConfigErrorCase{"build:\n  base_image: x\n", ConfigCheck, 2, 3,
                        "unknown key 'base_image' in 'build'; expected "
                        "'base_images', 'builder_images', 'install_dir' or 'link'",
                        2, 3, "did you mean 'base_images'?"},
        ConfigErrorCase{"build:\n  link:\n    old: statically\n", ConfigCheck, 3,
                        10, "the link mode of 'old' is 'statically'; expected "
                        "'dynamic', 'static-runtime'"},
        ConfigErrorCase{"build:\n  link: static\n", ConfigCheck, 2, 9,
                        "'build.link' must be a mapping"},
        ConfigErrorCase{"build:\n  base_images: [a]\n", ConfigCheck, 2, 16,
                        "'build.base_images' must be a mapping"},
        ConfigErrorCase{"build:\n  base_images:\n    gpu: 'bad ref'\n",
                        ReferenceCheck, 3, 10,
                        "invalid image reference 'bad ref' for the base image "
                        "of 'gpu': it contains whitespace"},
        ConfigErrorCase{"build:\n  base_images:\n    my.gpu: debian:12\n",
                        ConfigCheck, 3, 5, "invalid image key 'my.gpu'"},
        ConfigErrorCase{"build:\n  base_images:\n    gpu: a:1\n    gpu: b:1\n",
                        ConfigCheck, 4, 5, "image key 'gpu' is given twice", 3, 5,
                        "first given here"}));

//===----------------------------------------------------------------------===//
// Files that are not configurations at all
//===----------------------------------------------------------------------===//

TEST(ConfigRobustnessTest, BinaryIsAnErrorNotACrash) {
  Parsed P = parse(std::string("images:\n  gpu: a\0b\n", 18));
  EXPECT_FALSE(P.Ok);
  ASSERT_EQ(P.Diags.items().size(), 1u);
  EXPECT_EQ(P.Diags.items()[0].Position, (SourcePosition{"flyte.yaml", 2, 9}));
  EXPECT_NE(P.Diags.items()[0].Message.find("control character 0x00"),
            std::string::npos);

  P = parse("\xff\xfe\x00\x00images");
  EXPECT_FALSE(P.Ok);
  EXPECT_NE(P.Diags.items()[0].Message.find("not valid UTF-8"),
            std::string::npos);

  P = parse("images:\n  gpu: caf\xc3\xa9:1\n  cpu: \xc3(\n");
  EXPECT_FALSE(P.Ok);
  EXPECT_EQ(P.Diags.items()[0].Position, (SourcePosition{"flyte.yaml", 3, 8}));

  std::mt19937 Random(42);
  std::string Bytes(1 << 16, '\0');
  for (char &C : Bytes)
    C = static_cast<char>(Random() & 0xff);
  P = parse(Bytes);
  EXPECT_FALSE(P.Ok);
}

TEST(ConfigRobustnessTest, HugeFileIsRefused) {
  std::string Huge = "images:\n  gpu: ghcr.io/a:1\n" +
                     std::string(2 << 20, '#') + "\n";
  Parsed P = parse(Huge);
  EXPECT_FALSE(P.Ok);
  ASSERT_EQ(P.Diags.items().size(), 1u);
  EXPECT_NE(P.Diags.items()[0].Message.find("bytes"), std::string::npos);
}

TEST(ConfigRobustnessTest, DeepNestingIsRefusedOrWalkedWithoutRecursion) {
  const size_t Depth = 400000;
  // Deep flow collections are refused before parsing, wherever they are.
  for (std::string Text :
       {"images: " + std::string(Depth, '['),
        "other: " + std::string(Depth, '[') + std::string(Depth, ']') +
            "\nimages: {}\n",
        "images:\n  gpu: " + std::string(Depth, '{')}) {
    Parsed P = parse(Text);
    EXPECT_FALSE(P.Ok);
    ASSERT_EQ(P.Diags.items().size(), 1u);
    EXPECT_NE(P.Diags.items()[0].Message.find("nested more than 256 levels"),
              std::string::npos);
  }
  // 256 levels are fine where task-scan does not read...
  Parsed P = parse("other: " + std::string(256, '[') + std::string(256, ']') +
                   "\nimages:\n  gpu: ghcr.io/a:1\n");
  EXPECT_TRUE(P.Ok) << render(P.Diags);
  EXPECT_TRUE(P.Config.find("gpu"));
  // ...and an error where it does.
  P = parse("images:\n  gpu: " + std::string(256, '[') +
            std::string(256, ']') + "\n");
  EXPECT_FALSE(P.Ok);
  EXPECT_NE(P.Diags.items()[0].Message.find("not a sequence"),
            std::string::npos);
  // Compact block sequences nest one level per "- " without brackets, and
  // brackets hidden in quotes defeat the estimate: neither may recurse.
  std::string Dashes = "x:\n  ";
  for (size_t I = 0; I < Depth / 4; ++I)
    Dashes += "- ";
  P = parse(Dashes + "x\nimages: {gpu: 'ghcr.io/a:1'}\n");
  EXPECT_TRUE(P.Ok) << render(P.Diags);
  EXPECT_TRUE(P.Config.find("gpu"));
  std::string Quoted = "x: ";
  for (size_t I = 0; I < 20000; ++I)
    Quoted += "[\"]\", ";
  P = parse(Quoted + "\n");
  EXPECT_FALSE(P.Ok);
}

TEST(ConfigRobustnessTest, AliasBombIsNeverExpanded) {
  // Ignored keys: nothing is expanded, nothing is reported.
  std::string Ignored = "lol:\n";
  std::string Prev = "a";
  for (char C = 'b'; C <= 'j'; ++C) {
    std::string Name(1, C);
    Ignored += "  " + Name + ": &" + Name + " [*" + Prev + ", *" + Prev +
               ", *" + Prev + ", *" + Prev + ", *" + Prev + "]\n";
    Prev = Name;
  }
  Parsed P = parse("base: &a [x, x, x, x, x]\n" + Ignored +
                   "images:\n  gpu: ghcr.io/a:1\n");
  EXPECT_TRUE(P.Ok) << render(P.Diags);
  // Where task-scan reads, the alias is refused.
  P = parse("base: &a [x, x]\nimages:\n  gpu: *a\n");
  EXPECT_FALSE(P.Ok);
}

TEST(ConfigRobustnessTest, RandomYamlNeverCrashes) {
  const std::string Alphabet = "images:build{}[]-?&*!|>'\"#,.@/ \n\n  \t\\%<";
  std::mt19937 Random(7);
  for (int Round = 0; Round < 3000; ++Round) {
    std::string Text;
    size_t Length = Random() % 120;
    for (size_t I = 0; I < Length; ++I)
      Text += Alphabet[Random() % Alphabet.size()];
    if (Round % 2)
      Text = "images:\n  gpu: " + Text;
    parse(Text); // Checks that the result agrees with the diagnostics.
  }
}

//===----------------------------------------------------------------------===//
// INI
//===----------------------------------------------------------------------===//

TEST(IniConfigTest, ReadsTheLegacyForm) {
  Parsed P = parse("# flytekit legacy config\n"
                   "[sdk]\n"
                   "workflow_packages=app.workflows\n"
                   "\n"
                   "[images]\n"
                   "default = ghcr.io/acme/flyte-cpp:1.4.2\n"
                   "GPU: ghcr.io/acme/flyte-cpp-gpu:1.4.2\n"
                   "  ; an indented comment\n"
                   "spark=ghcr.io/acme/spark@" +
                       Sha +
                       "\n"
                       "\n"
                       "[build]\n"
                       "install_dir = /opt/flyte/bin/\n"
                       "base_image.default = debian:bookworm-slim\n"
                       "base_image.gpu = nvidia/cuda:12.4.1-runtime-ubuntu22.04\n",
                   "flytekit.config");
  ASSERT_TRUE(P.Ok) << render(P.Diags);
  ASSERT_EQ(P.Config.Images.size(), 3u);
  // configparser lower-cases option names: flytekit sees 'gpu'.
  ASSERT_TRUE(P.Config.find("gpu"));
  EXPECT_FALSE(P.Config.find("GPU"));
  EXPECT_EQ(P.Config.find("gpu")->Reference,
            "ghcr.io/acme/flyte-cpp-gpu:1.4.2");
  EXPECT_EQ(P.Config.find("gpu")->Origin,
            (SourcePosition{"flytekit.config", 7, 6}));
  EXPECT_EQ(P.Config.find("spark")->Reference, "ghcr.io/acme/spark@" + Sha);
  EXPECT_EQ(P.Config.InstallDir, "/opt/flyte/bin");
  EXPECT_EQ(P.Config.baseImageFor("gpu"),
            "nvidia/cuda:12.4.1-runtime-ubuntu22.04");
  EXPECT_EQ(P.Config.baseImageFor("other"), "debian:bookworm-slim");
}

TEST(IniConfigTest, OtherSectionsAndCommentsAreIgnored) {
  Parsed P = parse("; comment first\n"
                   "[platform]\n"
                   "url = dns:///flyte.example.com\n"
                   "scopes = a,\n"
                   "   b\n"
                   "[Images]\n"
                   "gpu = not read: sections are case-sensitive\n"
                   "[DEFAULT]\n"
                   "x = y\n",
                   "flytekit.config");
  ASSERT_TRUE(P.Ok) << render(P.Diags);
  EXPECT_TRUE(P.Config.Images.empty());

  P = parse("\xef\xbb\xbf[images]\r\ngpu = ghcr.io/a:1\r\n", "flytekit.config");
  ASSERT_TRUE(P.Ok) << render(P.Diags);
  EXPECT_EQ(P.Config.find("gpu")->Reference, "ghcr.io/a:1");
}

class IniConfigErrorTest : public testing::TestWithParam<ConfigErrorCase> {};

TEST_P(IniConfigErrorTest, ReportsOneLocatedError) {
  expectSingleError("flytekit.config", GetParam());
}

INSTANTIATE_TEST_SUITE_P(
    Ini, IniConfigErrorTest,
    testing::Values(
        ConfigErrorCase{"[images]\ngpu = ghcr.io/a:1\nGPU = ghcr.io/b:1\n",
                        ConfigCheck, 3, 1,
                        "'gpu' is given twice in section [images]", 2, 1,
                        "first given here"},
        ConfigErrorCase{"[images]\n[images]\n", ConfigCheck, 2, 1,
                        "section [images] is given twice", 1, 1,
                        "first given here"},
        // configparser is strict everywhere, so flytekit fails on these too.
        ConfigErrorCase{"[sdk]\nx = 1\n[sdk]\n", ConfigCheck, 3, 1,
                        "section [sdk] is given twice", 1, 1,
                        "first given here"},
        ConfigErrorCase{"[other]\nx = 1\nx: 2\n", ConfigCheck, 3, 1,
                        "'x' is given twice in section [other]", 2, 1,
                        "first given here"},
        ConfigErrorCase{"[]\nx = 1\n", ConfigCheck, 1, 1,
                        "before the first [section] header"},
        ConfigErrorCase{"[images]\ngarbage\n", ConfigCheck, 2, 1,
                        "expected 'name = value', a [section] header or a "
                        "comment"},
        ConfigErrorCase{"[images]\n= ghcr.io/a:1\n", ConfigCheck, 2, 1,
                        "option name before the separator is empty"},
        ConfigErrorCase{"[images]\ngpu =\n", ConfigCheck, 2, 1,
                        "the reference of image 'gpu' is empty"},
        ConfigErrorCase{"[images]\ngpu = ghcr.io/a:1\n  ghcr.io/b:1\n", ConfigCheck,
                        3, 3, "continued on an indented line"},
        ConfigErrorCase{"[images]\ngpu = ghcr.io/a:1 # the gpu image\n",
                        ReferenceCheck, 2, 7, "whitespace", 2, 7,
                        "comments must be on their own line"},
        ConfigErrorCase{"[images]\nmy.gpu = ghcr.io/a:1\n", ConfigCheck, 2, 1,
                        "invalid image name 'my.gpu'"},
        ConfigErrorCase{"[images]\n  gpu = Bad\n", ReferenceCheck, 2, 9,
                        "invalid image reference 'Bad' for image 'gpu'"},
        ConfigErrorCase{"[images]\ngpu = ghcr.io/a:1;rm -rf /\n", ReferenceCheck, 2,
                        7, "character ';'"},
        ConfigErrorCase{"[build]\ninstall = /x\n", ConfigCheck, 2, 1,
                        "unknown option 'install' in [build]", 2, 1,
                        "did you mean 'install_dir'?"},
        ConfigErrorCase{"[build]\ninstall_dir = bin\n", ConfigCheck, 2, 15,
                        "must be an absolute path"},
        ConfigErrorCase{"[build]\ninstall_dir =\n", ConfigCheck, 2, 1,
                        "install_dir is empty"},
        ConfigErrorCase{"[build]\nbase_image.gpu = 'debian:12'\n", ReferenceCheck,
                        2, 18, "character '''"},
        ConfigErrorCase{"[build]\nbase_image.my.gpu = debian:12\n", ConfigCheck, 2,
                        1, "invalid image key 'my.gpu'"}));

//===----------------------------------------------------------------------===//
// Files
//===----------------------------------------------------------------------===//

TEST(LoadConfigFileTest, ReadsAFileAndReportsUnreadableOnes) {
  llvm::SmallString<128> Path;
  int FD;
  ASSERT_FALSE(
      llvm::sys::fs::createTemporaryFile("taskscan-config", "yaml", FD, Path));
  {
    llvm::raw_fd_ostream OS(FD, /*shouldClose=*/true);
    OS << "images:\n  default: ghcr.io/acme/x:1\n";
  }
  ImageConfig Config;
  DiagnosticList Diags;
  EXPECT_TRUE(loadImageConfigFile(Path, Config, Diags)) << render(Diags);
  EXPECT_EQ(Config.find("default")->Origin,
            (SourcePosition{Path.str().str(), 2, 12}));
  llvm::sys::fs::remove(Path);

  Diags = {};
  EXPECT_FALSE(loadImageConfigFile(Path, Config, Diags));
  ASSERT_EQ(Diags.items().size(), 1u);
  EXPECT_NE(Diags.items()[0].Message.find("cannot read"), std::string::npos);

  Diags = {};
  llvm::SmallString<128> Dir;
  ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("taskscan-config", Dir));
  EXPECT_FALSE(loadImageConfigFile(Dir, Config, Diags));
  EXPECT_NE(Diags.items()[0].Message.find("directory"), std::string::npos);
  llvm::sys::fs::remove(Dir);

  // A device that never ends is cut off at the size limit.
  Diags = {};
  if (llvm::sys::fs::exists("/dev/zero")) {
    EXPECT_FALSE(loadImageConfigFile("/dev/zero", Config, Diags));
    ASSERT_EQ(Diags.items().size(), 1u);
    EXPECT_NE(Diags.items()[0].Message.find("larger than"), std::string::npos);
  }
}

//===----------------------------------------------------------------------===//
// --image and FLYTE_INTERNAL_IMAGE
//===----------------------------------------------------------------------===//

struct CommandLineCase {
  std::vector<std::string> Options;
  std::map<std::string, std::string> Images; ///< Expected, when no error.
  std::string Check = "";                    ///< Expected error, if any.
  std::string Message = "";
};

std::ostream &operator<<(std::ostream &OS, const CommandLineCase &C) {
  return OS << testing::PrintToString(C.Options);
}

class CommandLineImagesTest : public testing::TestWithParam<CommandLineCase> {
};

TEST_P(CommandLineImagesTest, AppliesOrReports) {
  const CommandLineCase &C = GetParam();
  ImageConfig Config;
  DiagnosticList Diags;
  bool Ok = applyCommandLineImages(C.Options, Config, Diags);
  if (C.Check.empty()) {
    EXPECT_TRUE(Ok) << render(Diags);
    std::map<std::string, std::string> Got;
    for (const auto &[Name, Image] : Config.Images) {
      Got[Name] = Image.Reference;
      EXPECT_EQ(Image.Origin, (SourcePosition{"<command line>", 0, 0}));
    }
    EXPECT_EQ(Got, C.Images);
    return;
  }
  EXPECT_FALSE(Ok);
  ASSERT_EQ(Diags.items().size(), 1u) << render(Diags);
  EXPECT_EQ(Diags.items()[0].Check, C.Check);
  EXPECT_EQ(Diags.items()[0].Position,
            (SourcePosition{"<command line>", 0, 0}));
  EXPECT_NE(Diags.items()[0].Message.find(C.Message), std::string::npos)
      << Diags.items()[0].Message;
}

INSTANTIATE_TEST_SUITE_P(
    Options, CommandLineImagesTest,
    testing::Values(
        CommandLineCase{{"ghcr.io/a:1"}, {{"default", "ghcr.io/a:1"}}},
        CommandLineCase{{"default=ghcr.io/a:1"}, {{"default", "ghcr.io/a:1"}}},
        CommandLineCase{{"gpu=ghcr.io/g:1", "ghcr.io/a:1", "my-img_2=reg.io/x"},
                        {{"default", "ghcr.io/a:1"},
                         {"gpu", "ghcr.io/g:1"},
                         {"my-img_2", "reg.io/x"}}},
        CommandLineCase{{"localhost:5000/x:1"},
                        {{"default", "localhost:5000/x:1"}}},
        CommandLineCase{{"ghcr.io/a:1", "ghcr.io/b:1"},
                        {},
                        "task-scan-config",
                        "two default images on the command line: --image "
                        "'ghcr.io/a:1' and --image 'ghcr.io/b:1'"},
        CommandLineCase{{"default=ghcr.io/a:1", "ghcr.io/b:1"},
                        {},
                        "task-scan-config",
                        "two default images"},
        CommandLineCase{{"gpu=ghcr.io/a:1", "gpu=ghcr.io/b:1"},
                        {},
                        "task-scan-config",
                        "image 'gpu' is given twice on the command line"},
        CommandLineCase{{"gpu="}, {}, "task-scan-config",
                        "--image 'gpu=' gives no image reference"},
        CommandLineCase{{""}, {}, "task-scan-config", "no image reference"},
        CommandLineCase{{"gpu=Bad Ref"}, {}, "task-scan-image-reference",
                        "invalid image reference 'Bad Ref' in --image "
                        "'gpu=Bad Ref': it contains whitespace"},
        CommandLineCase{{"my.img=ghcr.io/a:1"}, {}, "task-scan-image-reference",
                        "invalid image reference 'my.img=ghcr.io/a:1'"},
        CommandLineCase{{"gpu=a=b"}, {}, "task-scan-image-reference",
                        "character '='"}));

TEST(CommandLineImagesTest, OverridesTheConfigFile) {
  Parsed P = parse("images:\n  default: ghcr.io/a:1\n  gpu: ghcr.io/g:1\n");
  ASSERT_TRUE(P.Ok);
  DiagnosticList Diags;
  EXPECT_TRUE(applyCommandLineImages({"gpu=ghcr.io/g:2", "ghcr.io/a:2"},
                                     P.Config, Diags));
  EXPECT_EQ(P.Config.find("gpu")->Reference, "ghcr.io/g:2");
  EXPECT_EQ(P.Config.defaultImage()->Reference, "ghcr.io/a:2");
  EXPECT_EQ(P.Config.defaultImage()->Origin,
            (SourcePosition{"<command line>", 0, 0}));
}

TEST(CommandLineImagesTest, NoteExplainsAnInvalidName) {
  ImageConfig Config;
  DiagnosticList Diags;
  EXPECT_FALSE(applyCommandLineImages({"my.img=ghcr.io/a:1"}, Config, Diags));
  ASSERT_EQ(Diags.items().size(), 1u);
  ASSERT_EQ(Diags.items()[0].Notes.size(), 1u);
  EXPECT_NE(Diags.items()[0].Notes[0].Message.find("'my.img' is not an image "
                                                   "name"),
            std::string::npos);
}

TEST(EnvironmentDefaultTest, SetsTheDefaultOverTheConfigFiles) {
  ImageConfig Config;
  applyEnvironmentDefault(std::nullopt, Config);
  EXPECT_FALSE(Config.defaultImage());
  applyEnvironmentDefault(std::string(), Config);
  EXPECT_FALSE(Config.defaultImage());

  applyEnvironmentDefault(std::string("ghcr.io/env:1"), Config);
  ASSERT_TRUE(Config.defaultImage());
  EXPECT_EQ(Config.defaultImage()->Reference, "ghcr.io/env:1");
  EXPECT_EQ(Config.defaultImage()->Origin,
            (SourcePosition{"FLYTE_INTERNAL_IMAGE", 0, 0}));

  // Over the config file's images.default (the command line is applied after it).
  Parsed P = parse("images:\n  default: ghcr.io/a:1\n  gpu: ghcr.io/g:1\n");
  applyEnvironmentDefault(std::string("ghcr.io/other:2"), P.Config);
  EXPECT_EQ(P.Config.defaultImage()->Reference, "ghcr.io/other:2");
  EXPECT_EQ(P.Config.Images.at("gpu").Reference, "ghcr.io/g:1");
  DiagnosticList Diags;
  EXPECT_TRUE(applyCommandLineImages({"ghcr.io/cli:3"}, P.Config, Diags));
  EXPECT_EQ(P.Config.defaultImage()->Reference, "ghcr.io/cli:3");
}

TEST(BaseImageTest, OwnEntryThenDefaultThenDebian) {
  ImageConfig Config;
  EXPECT_EQ(Config.baseImageFor("gpu"), "debian:bookworm-slim");
  Config.BaseImages["default"] = "ubuntu:24.04";
  EXPECT_EQ(Config.baseImageFor("gpu"), "ubuntu:24.04");
  Config.BaseImages["gpu"] = "nvidia/cuda:12";
  EXPECT_EQ(Config.baseImageFor("gpu"), "nvidia/cuda:12");
  EXPECT_EQ(Config.InstallDir, "/usr/local/bin");
}

TEST(LinkModeTest, OwnEntryThenDefaultThenDynamic) {
  Parsed P = parse("build:\n  link:\n    old: static\n    ubuntu20: static-runtime\n");
  ASSERT_TRUE(P.Ok) << render(P.Diags);
  EXPECT_EQ(P.Config.linkFor("old"), "static");
  EXPECT_EQ(P.Config.linkFor("ubuntu20"), "static-runtime");
  EXPECT_EQ(P.Config.linkFor("gpu"), "dynamic");
  P = parse("build:\n  link:\n    default: static\n    gpu: dynamic\n");
  ASSERT_TRUE(P.Ok) << render(P.Diags);
  EXPECT_EQ(P.Config.linkFor("spark"), "static");
  EXPECT_EQ(P.Config.linkFor("gpu"), "dynamic");
  P = parse("[images]\ndefault = a:1\n[build]\nlink.old = static\n", "flytekit.config");
  ASSERT_TRUE(P.Ok) << render(P.Diags);
  EXPECT_EQ(P.Config.linkFor("old"), "static");
  P = parse("[images]\ndefault = a:1\n[build]\nlink.old = fully\n", "flytekit.config");
  EXPECT_FALSE(P.Ok);
}

} // namespace
