//===- TemplateResolverTest.cpp - container_image, exactly as flytekit ----===//
#include "taskscan/TemplateResolver.h"

#include "gtest/gtest.h"

#include <string>
#include <utility>
#include <vector>

using namespace taskscan;

namespace {

const std::string Sha = "sha256:" + std::string(64, 'e');
const std::string DefaultSha = "sha256:" + std::string(64, 'd');

ImageConfig makeConfig(
    std::vector<std::pair<std::string, std::string>> Images) {
  ImageConfig Config;
  unsigned Line = 1;
  for (auto &[Name, Ref] : Images)
    Config.Images[Name] = ConfiguredImage{Ref, {"flyte.yaml", ++Line, 3}};
  return Config;
}

/// The configuration most cases run against.
ImageConfig standardConfig() {
  return makeConfig({
      {"default", "ghcr.io/acme/flyte-cpp:1.4.2"},
      {"gpu", "ghcr.io/acme/flyte-cpp-gpu:1.4.2"},
      {"spark", "ghcr.io/acme/spark@" + Sha},
      {"pinned", "ghcr.io/acme/p:3.1@" + Sha},
      {"my-img_2", "reg.io/x/y:v2"},
      {"plain", "ghcr.io/acme/plain"},
      {"local", "localhost:5000/tools/x:7"},
      {"cuda", "nvidia/cuda:12.4.1-runtime-ubuntu22.04"},
  });
}

struct ResolveCase {
  std::string Template;
  std::string Reference;
  std::string Key; ///< Expected ConfiguredKey.
};

std::ostream &operator<<(std::ostream &OS, const ResolveCase &C) {
  return OS << testing::PrintToString(C.Template);
}

class ResolveTest : public testing::TestWithParam<ResolveCase> {};

TEST_P(ResolveTest, ResolvesAsFlytekitDoes) {
  const ResolveCase &C = GetParam();
  auto Result = resolveContainerImage(C.Template, standardConfig());
  ASSERT_TRUE(std::holds_alternative<ResolvedImage>(Result))
      << C.Template << ": " << std::get<ResolveError>(Result).Message;
  EXPECT_EQ(std::get<ResolvedImage>(Result).Reference, C.Reference);
  EXPECT_EQ(std::get<ResolvedImage>(Result).ConfiguredKey, C.Key);
}

INSTANTIATE_TEST_SUITE_P(
    Flytekit, ResolveTest,
    testing::Values(
        // Empty: the default image's full reference.
        ResolveCase{"", "ghcr.io/acme/flyte-cpp:1.4.2", "default"},
        // No placeholder: used as written.
        ResolveCase{"ghcr.io/acme/literal:1", "ghcr.io/acme/literal:1", ""},
        ResolveCase{"ghcr.io/acme/flyte-cpp-gpu:1.4.2",
                    "ghcr.io/acme/flyte-cpp-gpu:1.4.2", "gpu"},
        ResolveCase{"{{.image.default}}", "ghcr.io/acme/flyte-cpp:1.4.2",
                    "default"},
        ResolveCase{"{{.image.default.fqn}}:{{.image.default.version}}",
                    "ghcr.io/acme/flyte-cpp:1.4.2", "default"},
        ResolveCase{"{{.image.default.fqn}}:spark-{{.image.default.version}}",
                    "ghcr.io/acme/flyte-cpp:spark-1.4.2", ""},
        ResolveCase{"{{.image.gpu}}", "ghcr.io/acme/flyte-cpp-gpu:1.4.2",
                    "gpu"},
        // `image` or `images`, any case; spaces inside the braces.
        ResolveCase{"{{.images.gpu}}", "ghcr.io/acme/flyte-cpp-gpu:1.4.2",
                    "gpu"},
        ResolveCase{"{{.IMAGE.gpu}}", "ghcr.io/acme/flyte-cpp-gpu:1.4.2",
                    "gpu"},
        ResolveCase{"{{.Images.gpu.fqn}}:2", "ghcr.io/acme/flyte-cpp-gpu:2",
                    ""},
        ResolveCase{"{{ .image.gpu }}", "ghcr.io/acme/flyte-cpp-gpu:1.4.2",
                    "gpu"},
        ResolveCase{"{{ .images.gpu.fqn }}:{{\t.image.gpu.version\n}}",
                    "ghcr.io/acme/flyte-cpp-gpu:1.4.2", "gpu"},
        // Hyphens and underscores in names.
        ResolveCase{"{{.image.my-img_2}}", "reg.io/x/y:v2", "my-img_2"},
        ResolveCase{"{{.image.my-img_2.fqn}}:v3", "reg.io/x/y:v3", ""},
        // A digest: version is the digest, and ':' before it becomes '@'.
        ResolveCase{"{{.image.spark}}", "ghcr.io/acme/spark@" + Sha, "spark"},
        ResolveCase{"{{.image.spark.fqn}}:{{.image.spark.version}}",
                    "ghcr.io/acme/spark@" + Sha, "spark"},
        ResolveCase{"{{.image.spark.fqn}}@{{.image.spark.version}}",
                    "ghcr.io/acme/spark@" + Sha, "spark"},
        ResolveCase{"{{.image.gpu.fqn}}:{{.image.spark.version}}",
                    "ghcr.io/acme/flyte-cpp-gpu@" + Sha, ""},
        // repo:tag@digest: the fqn keeps the tag.
        ResolveCase{"{{.image.pinned.fqn}}", "ghcr.io/acme/p:3.1", ""},
        ResolveCase{"{{.image.pinned.fqn}}:{{.image.pinned.version}}",
                    "ghcr.io/acme/p:3.1@" + Sha, "pinned"},
        // No tag or digest: version falls back to the default image's.
        ResolveCase{"{{.image.plain.fqn}}:{{.image.plain.version}}",
                    "ghcr.io/acme/plain:1.4.2", ""},
        ResolveCase{"{{.image.plain.fqn}}:3", "ghcr.io/acme/plain:3", ""},
        // A registry port is not a tag.
        ResolveCase{"{{.image.local.fqn}}:{{.image.local.version}}",
                    "localhost:5000/tools/x:7", "local"},
        ResolveCase{"{{.image.local.fqn}}:8", "localhost:5000/tools/x:8", ""},
        // Several placeholders, several images.
        ResolveCase{"{{.image.gpu.fqn}}:{{.image.default.version}}-cuda",
                    "ghcr.io/acme/flyte-cpp-gpu:1.4.2-cuda", ""},
        ResolveCase{"{{.image.gpu.fqn}}:{{.image.gpu.version}}-"
                    "{{.image.cuda.version}}",
                    "ghcr.io/acme/flyte-cpp-gpu:1.4.2-12.4.1-runtime-"
                    "ubuntu22.04",
                    ""},
        ResolveCase{"{{.image.default.fqn}}-{{.image.default.fqn}}:1",
                    "ghcr.io/acme/flyte-cpp-ghcr.io/acme/flyte-cpp:1", ""}));

TEST(ResolveFlytekitExamplesTest, MatchesFlytekitsOwnTests) {
  // flytekit tests/flytekit/unit/core/test_python_auto_container.py.
  ImageConfig Config = makeConfig({{"default", "docker.io/xyz:some-git-hash"}});
  auto R = resolveContainerImage(
      "{{.image.default.fqn}}:{{.image.default.version}}-special", Config);
  ASSERT_TRUE(std::holds_alternative<ResolvedImage>(R));
  EXPECT_EQ(std::get<ResolvedImage>(R).Reference,
            "docker.io/xyz:some-git-hash-special");

  Config = makeConfig(
      {{"default", "xyz.com/abc:tag1"}, {"other", "xyz.com/other:tag-other"}});
  for (auto [Template, Expected] :
       std::vector<std::pair<std::string, std::string>>{
           {"", "xyz.com/abc:tag1"},
           {"{{.image.other.fqn}}:{{.image.other.version}}",
            "xyz.com/other:tag-other"},
           {"{{.image.other.fqn}}:{{.image.default.version}}",
            "xyz.com/other:tag1"},
           {"{{.image.default.fqn}}:{{.image.default.version}}",
            "xyz.com/abc:tag1"}}) {
    auto Result = resolveContainerImage(Template, Config);
    ASSERT_TRUE(std::holds_alternative<ResolvedImage>(Result)) << Template;
    EXPECT_EQ(std::get<ResolvedImage>(Result).Reference, Expected);
  }
  // flytekit's tests also resolve "abc" to "abc"; task-scan is stricter
  // there (an untagged image: see ResolveUntaggedResultTest).
  auto Untagged = resolveContainerImage("abc", Config);
  ASSERT_TRUE(std::holds_alternative<ResolveError>(Untagged));
  EXPECT_EQ(std::get<ResolveError>(Untagged).Check, "task-scan-image-untagged");
}

TEST(ResolveDigestDefaultTest, FallbackVersionThatIsADigestTurnsColonIntoAt) {
  ImageConfig Config = makeConfig(
      {{"default", "ghcr.io/acme/base@" + DefaultSha}, {"plain", "ghcr.io/p"}});
  auto R = resolveContainerImage(
      "{{.image.plain.fqn}}:{{.image.plain.version}}", Config);
  ASSERT_TRUE(std::holds_alternative<ResolvedImage>(R));
  EXPECT_EQ(std::get<ResolvedImage>(R).Reference, "ghcr.io/p@" + DefaultSha);
}

TEST(ResolveConfiguredKeyTest, PrefersDefaultThenTheSmallestName) {
  ImageConfig Config = makeConfig({{"zeta", "ghcr.io/a:1"},
                                   {"default", "ghcr.io/a:1"},
                                   {"alpha", "ghcr.io/a:1"}});
  auto R = resolveContainerImage("{{.image.zeta}}", Config);
  ASSERT_TRUE(std::holds_alternative<ResolvedImage>(R));
  EXPECT_EQ(std::get<ResolvedImage>(R).ConfiguredKey, "default");

  Config.Images.erase("default");
  R = resolveContainerImage("{{.image.zeta}}", Config);
  ASSERT_TRUE(std::holds_alternative<ResolvedImage>(R));
  EXPECT_EQ(std::get<ResolvedImage>(R).ConfiguredKey, "alpha");
}

struct ErrorCase {
  std::string Template;
  std::string Check;
  std::string Message; ///< A substring of the message.
  std::string Note;    ///< A substring of the note; "" = the note is empty.
};

std::ostream &operator<<(std::ostream &OS, const ErrorCase &C) {
  return OS << testing::PrintToString(C.Template);
}

class ResolveErrorTest : public testing::TestWithParam<ErrorCase> {};

TEST_P(ResolveErrorTest, ReportsTheProblem) {
  const ErrorCase &C = GetParam();
  auto Result = resolveContainerImage(C.Template, standardConfig());
  ASSERT_TRUE(std::holds_alternative<ResolveError>(Result))
      << C.Template << " -> " << std::get<ResolvedImage>(Result).Reference;
  const ResolveError &E = std::get<ResolveError>(Result);
  EXPECT_EQ(E.Check, C.Check) << E.Message;
  EXPECT_NE(E.Message.find(C.Message), std::string::npos) << E.Message;
  if (C.Note.empty())
    EXPECT_EQ(E.Note, "");
  else
    EXPECT_NE(E.Note.find(C.Note), std::string::npos) << E.Note;
  for (const std::string *S : {&E.Message, &E.Note})
    for (char Ch : *S)
      EXPECT_TRUE(static_cast<unsigned char>(Ch) >= 0x20 &&
                  static_cast<unsigned char>(Ch) < 0x7f)
          << "unprintable byte in: " << *S;
}

INSTANTIATE_TEST_SUITE_P(
    Errors, ResolveErrorTest,
    testing::Values(
        // Unknown names list what is configured and suggest a near miss.
        ErrorCase{"{{.image.gpu2}}", "task-scan-unknown-image",
                  "unknown image 'gpu2' in container_image; configured "
                  "images: cuda, default, gpu, local, my-img_2, pinned, "
                  "plain, spark",
                  "did you mean 'gpu'?"},
        ErrorCase{"{{.image.GPU}}", "task-scan-unknown-image",
                  "unknown image 'GPU'",
                  "did you mean 'gpu'? image names are case-sensitive"},
        ErrorCase{"{{.image.sprak.fqn}}:1", "task-scan-unknown-image",
                  "unknown image 'sprak'", "did you mean 'spark'?"},
        ErrorCase{"{{.image.tensorflow}}", "task-scan-unknown-image",
                  "unknown image 'tensorflow'", ""},
        // Only fqn and version, case-sensitively.
        ErrorCase{"{{.image.gpu.tag}}", "task-scan-image-attribute",
                  "unsupported attribute 'tag' in '{{.image.gpu.tag}}'; only "
                  "'fqn' and 'version' are supported",
                  "did you mean 'version'?"},
        ErrorCase{"{{.image.gpu.name}}", "task-scan-image-attribute",
                  "unsupported attribute 'name'", ""},
        ErrorCase{"{{.image.gpu.FQN}}:1", "task-scan-image-attribute",
                  "'FQN'", "did you mean 'fqn'? attributes are case-sensitive"},
        ErrorCase{"{{.image.gpu.versoin}}", "task-scan-image-attribute",
                  "'versoin'", "did you mean 'version'?"},
        // {{.image.x}} of an image without tag or digest.
        ErrorCase{"{{.image.plain}}", "task-scan-image-untagged",
                  "names image 'plain' ('ghcr.io/acme/plain'), which has no "
                  "tag or digest",
                  "{{.image.plain.fqn}}:<tag>"},
        // Template-like text flytekit would have passed through.
        ErrorCase{"{{image.gpu}}", "task-scan-unresolved-template",
                  "still holds template text '{{image.gpu}}'",
                  "did you mean '{{.image.gpu}}'?"},
        ErrorCase{"{{images.gpu.fqn}}:1", "task-scan-unresolved-template",
                  "'{{images.gpu.fqn}}'", "did you mean '{{.images.gpu.fqn}}'?"},
        ErrorCase{"{{.image.a.b.c}}", "task-scan-unresolved-template",
                  "'{{.image.a.b.c}}'", "at most a name and one attribute"},
        ErrorCase{"{{.image.gpu:1}}", "task-scan-unresolved-template",
                  "'{{.image.gpu:1}}'", "letters, digits, '_' and '-'"},
        ErrorCase{"{.image.gpu}", "task-scan-unresolved-template",
                  "'{.image.gpu}'", "did you mean '{{.image.gpu}}'?"},
        ErrorCase{"ghcr.io/x:{{", "task-scan-unresolved-template", "'{{'",
                  "placeholders look like"},
        ErrorCase{"}}ghcr.io/x", "task-scan-unresolved-template", "'}}'",
                  "placeholders look like"},
        ErrorCase{"{{.image.gpu}}}", "task-scan-unresolved-template", "'}'",
                  "placeholders look like"},
        ErrorCase{"{{{{.image.gpu}}", "task-scan-unresolved-template",
                  "'{{ghcr.io/acme/flyte-cpp-gpu:1.4.2'",
                  "placeholders look like"},
        ErrorCase{"{{ .image.gpu }} {{.image.default}}",
                  "task-scan-image-reference", "whitespace", ""},
        // Results that are not OCI references.
        ErrorCase{"{{.image.gpu}}:extra", "task-scan-image-reference",
                  "resolves to 'ghcr.io/acme/flyte-cpp-gpu:1.4.2:extra', "
                  "which is not a valid OCI image reference",
                  ""},
        ErrorCase{"Ghcr.io/Acme/x:1", "task-scan-image-reference",
                  "container_image 'Ghcr.io/Acme/x:1' is not a valid OCI "
                  "image reference: the repository path component 'Acme' "
                  "must be lower case",
                  ""},
        ErrorCase{"ubuntu; rm -rf /", "task-scan-image-reference",
                  "character ';'", ""},
        ErrorCase{"{{.image.gpu}} ", "task-scan-image-reference", "whitespace",
                  ""},
        ErrorCase{"{{.image.gpu.fqn}}:bad tag\x1b[2J",
                  "task-scan-image-reference", "bad tag\\x1b[2J", ""},
        ErrorCase{"   ", "task-scan-image-reference", "whitespace", ""}));

struct NoDefaultCase {
  std::string Template;
  std::string Check;
  std::string Message;
};

std::ostream &operator<<(std::ostream &OS, const NoDefaultCase &C) {
  return OS << testing::PrintToString(C.Template);
}

class ResolveWithoutDefaultTest
    : public testing::TestWithParam<NoDefaultCase> {};

TEST_P(ResolveWithoutDefaultTest, NeedsADefault) {
  ImageConfig Config =
      makeConfig({{"gpu", "ghcr.io/g:1"}, {"plain", "ghcr.io/plain"}});
  auto Result = resolveContainerImage(GetParam().Template, Config);
  ASSERT_TRUE(std::holds_alternative<ResolveError>(Result));
  const ResolveError &E = std::get<ResolveError>(Result);
  EXPECT_EQ(E.Check, GetParam().Check);
  EXPECT_NE(E.Message.find(GetParam().Message), std::string::npos)
      << E.Message;
}

INSTANTIATE_TEST_SUITE_P(
    Errors, ResolveWithoutDefaultTest,
    testing::Values(
        NoDefaultCase{"", "task-scan-no-default-image",
                      "no default image is configured"},
        NoDefaultCase{"{{.image.default.fqn}}:1", "task-scan-no-default-image",
                      "'{{.image.default.fqn}}' names the default image"},
        NoDefaultCase{"{{.image.default}}", "task-scan-no-default-image",
                      "no default image is configured"},
        NoDefaultCase{"{{.image.plain.fqn}}:{{.image.plain.version}}",
                      "task-scan-image-untagged",
                      "no default image whose version could stand in"}));

TEST(ResolveUntaggedDefaultTest, ReportsWhenNoVersionExistsAnywhere) {
  ImageConfig Config =
      makeConfig({{"default", "ghcr.io/base"}, {"plain", "ghcr.io/plain"}});
  auto R = resolveContainerImage("", Config);
  ASSERT_TRUE(std::holds_alternative<ResolveError>(R));
  EXPECT_EQ(std::get<ResolveError>(R).Check, "task-scan-image-untagged");

  R = resolveContainerImage("{{.image.plain.fqn}}:{{.image.plain.version}}",
                            Config);
  ASSERT_TRUE(std::holds_alternative<ResolveError>(R));
  EXPECT_EQ(std::get<ResolveError>(R).Check, "task-scan-image-untagged");
  EXPECT_NE(std::get<ResolveError>(R).Message.find("neither image 'plain'"),
            std::string::npos);

  // An untagged default is fine where only its fqn is used.
  R = resolveContainerImage("{{.image.default.fqn}}:2", Config);
  ASSERT_TRUE(std::holds_alternative<ResolvedImage>(R));
  EXPECT_EQ(std::get<ResolvedImage>(R).Reference, "ghcr.io/base:2");
}

TEST(ResolveUntaggedResultTest, AResultWithoutTagOrDigestIsAnError) {
  // The docs promise an error for untagged images: also where the
  // template, not the configuration, leaves the tag out.
  ImageConfig Config = makeConfig({{"default", "ghcr.io/base:1"}, {"gpu", "ghcr.io/gpu:2"}});
  auto R = resolveContainerImage("{{.image.gpu.fqn}}", Config);
  ASSERT_TRUE(std::holds_alternative<ResolveError>(R));
  EXPECT_EQ(std::get<ResolveError>(R).Check, "task-scan-image-untagged");
  EXPECT_EQ(std::get<ResolveError>(R).Message,
            "container_image '{{.image.gpu.fqn}}' resolves to 'ghcr.io/gpu', which has no tag "
            "or digest; Kubernetes would pull whatever ':latest' is then");
  R = resolveContainerImage("ghcr.io/acme/literal", Config);
  ASSERT_TRUE(std::holds_alternative<ResolveError>(R));
  EXPECT_EQ(std::get<ResolveError>(R).Message,
            "container_image 'ghcr.io/acme/literal' has no tag or digest; Kubernetes would "
            "pull whatever ':latest' is then");
  // A registry port is not a tag.
  R = resolveContainerImage("localhost:5000/{{.image.gpu.fqn}}", Config);
  ASSERT_TRUE(std::holds_alternative<ResolveError>(R));
  R = resolveContainerImage("{{.image.gpu.fqn}}:3", Config);
  ASSERT_TRUE(std::holds_alternative<ResolvedImage>(R));
}

TEST(ResolveVersionSuffixTest, TextGluedToAVersionIsWarnedAbout) {
  ImageConfig Config = makeConfig({{"default", "ghcr.io/base:1"}, {"gpu", "ghcr.io/gpu:1.4.2"}});
  auto R = resolveContainerImage("{{.image.gpu.fqn}}:{{.image.gpu.version}}x", Config);
  ASSERT_TRUE(std::holds_alternative<ResolvedImage>(R));
  EXPECT_EQ(std::get<ResolvedImage>(R).Reference, "ghcr.io/gpu:1.4.2x");
  EXPECT_EQ(std::get<ResolvedImage>(R).Warning,
            "'{{.image.gpu.version}}x' glues 'x' to the version: the image is "
            "'ghcr.io/gpu:1.4.2x', a tag no configured image has");
  // A separator, a prefix, or a result that is a configured image: no warning.
  for (const char *Fine : {"{{.image.gpu.fqn}}:{{.image.gpu.version}}-cuda",
                           "{{.image.gpu.fqn}}:v{{.image.gpu.version}}",
                           "{{.image.gpu.fqn}}:{{.image.gpu.version}}"}) {
    R = resolveContainerImage(Fine, Config);
    ASSERT_TRUE(std::holds_alternative<ResolvedImage>(R)) << Fine;
    EXPECT_EQ(std::get<ResolvedImage>(R).Warning, "") << Fine;
  }
  Config = makeConfig({{"default", "ghcr.io/base:1"}, {"gpu", "ghcr.io/gpu:1"},
                       {"x", "ghcr.io/gpu:1x"}});
  R = resolveContainerImage("{{.image.gpu.fqn}}:{{.image.gpu.version}}x", Config);
  ASSERT_TRUE(std::holds_alternative<ResolvedImage>(R));
  EXPECT_EQ(std::get<ResolvedImage>(R).Warning, "");
}

TEST(ResolveOriginTest, InvalidConfiguredImageIsTracedToItsOrigin) {
  // FLYTE_INTERNAL_IMAGE is not validated when read; the result is.
  ImageConfig Config;
  Config.Images["default"] =
      ConfiguredImage{"ghcr.io/a:1\n", {"FLYTE_INTERNAL_IMAGE", 0, 0}};
  auto R = resolveContainerImage("", Config);
  ASSERT_TRUE(std::holds_alternative<ResolveError>(R));
  const ResolveError &E = std::get<ResolveError>(R);
  EXPECT_EQ(E.Check, "task-scan-image-reference");
  EXPECT_NE(E.Message.find("the default image 'ghcr.io/a:1\\x0a'"),
            std::string::npos)
      << E.Message;
  EXPECT_NE(E.Note.find("FLYTE_INTERNAL_IMAGE"), std::string::npos) << E.Note;

  Config = makeConfig({{"default", "ghcr.io/a:1"}, {"bad", "Bad Ref"}});
  R = resolveContainerImage("{{.image.default}}-{{.image.bad.fqn}}", Config);
  ASSERT_TRUE(std::holds_alternative<ResolveError>(R));
  EXPECT_NE(std::get<ResolveError>(R).Note.find(
                "image 'bad' is 'Bad Ref', defined at flyte.yaml:3:3"),
            std::string::npos)
      << std::get<ResolveError>(R).Note;
}

} // namespace
