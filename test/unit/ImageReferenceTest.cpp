//===- ImageReferenceTest.cpp - flytekit's split, the OCI grammar ---------===//
#include "taskscan/ImageReference.h"

#include "gtest/gtest.h"

#include <string>

using namespace taskscan;

namespace {

const std::string Sha256 = std::string(64, 'a');
const std::string Sha384 = std::string(96, 'b');
const std::string Sha512 = std::string(128, 'c');

struct SplitCase {
  std::string Text, Fqn, Tag, Digest;
};

std::ostream &operator<<(std::ostream &OS, const SplitCase &C) {
  return OS << testing::PrintToString(C.Text);
}

class SplitTest : public testing::TestWithParam<SplitCase> {};

TEST_P(SplitTest, SplitsAsFlytekitDoes) {
  const SplitCase &C = GetParam();
  ImageReference R = ImageReference::split(C.Text);
  EXPECT_EQ(R.Fqn, C.Fqn);
  EXPECT_EQ(R.Tag, C.Tag);
  EXPECT_EQ(R.Digest, C.Digest);
  EXPECT_EQ(R.version(), C.Digest.empty() ? C.Tag : C.Digest);
  EXPECT_EQ(R.hasVersion(), !C.Tag.empty() || !C.Digest.empty());
  if (!C.Text.empty() && !llvm::StringRef(C.Text).ends_with("@") &&
      !llvm::StringRef(C.Text).ends_with(":"))
    EXPECT_EQ(R.full(), C.Text);
}

INSTANTIATE_TEST_SUITE_P(
    References, SplitTest,
    testing::Values(
        SplitCase{"ghcr.io/acme/flyte-cpp:1.4.2", "ghcr.io/acme/flyte-cpp",
                  "1.4.2", ""},
        SplitCase{"ubuntu", "ubuntu", "", ""},
        SplitCase{"ubuntu:22.04", "ubuntu", "22.04", ""},
        // A ':' followed by a '/' is a registry port, not a tag.
        SplitCase{"localhost:5000/x", "localhost:5000/x", "", ""},
        SplitCase{"localhost:5000/x:7", "localhost:5000/x", "7", ""},
        SplitCase{"[::1]:5000/x", "[::1]:5000/x", "", ""},
        SplitCase{"ghcr.io/acme/spark@sha256:" + Sha256, "ghcr.io/acme/spark",
                  "", "sha256:" + Sha256},
        // With a digest, the fqn keeps the tag (flytekit: split at '@').
        SplitCase{"repo:tag@sha256:" + Sha256, "repo:tag", "",
                  "sha256:" + Sha256},
        SplitCase{"localhost:5000/x@sha512:" + Sha512, "localhost:5000/x", "",
                  "sha512:" + Sha512},
        // Never fails, whatever the text: the last '@' wins.
        SplitCase{"a@b@c", "a@b", "", "c"}, SplitCase{"", "", "", ""},
        SplitCase{"repo:", "repo", "", ""}, SplitCase{"repo@", "repo", "", ""}));

class ValidReferenceTest : public testing::TestWithParam<std::string> {};

TEST_P(ValidReferenceTest, IsAccepted) {
  auto Reason = validateImageReference(GetParam());
  EXPECT_FALSE(Reason) << GetParam() << ": " << Reason.value_or("");
}

INSTANTIATE_TEST_SUITE_P(
    Oci, ValidReferenceTest,
    testing::Values(
        "ubuntu", "ubuntu:22.04", "library/ubuntu",
        "docker.io/library/ubuntu:latest", "ghcr.io/acme/flyte-cpp:1.4.2",
        "localhost/x", "localhost:5000/x", "localhost:5000/x:1",
        "192.168.1.10:5000/team/img:v1", "[::1]:5000/x", "[2001:db8::1]/x:1",
        "my-registry.example.com/a/b/c:1.0", "a.b_c__d--e/f-g",
        "nvidia/cuda:12.4.1-runtime-ubuntu22.04", "debian:bookworm-slim",
        // Upper case is fine in a registry host and in a tag.
        "Registry.Example.com/x:Tag_1", "x:_tag", "x:" + std::string(128, 't'),
        std::string(255, 'n'), "repo@sha256:" + Sha256,
        "repo:tag@sha256:" + Sha256, "repo@sha384:" + Sha384,
        "ghcr.io/acme/spark@sha512:" + Sha512,
        "localhost:5000/x:1@sha256:" + Sha256));

struct InvalidCase {
  std::string Text;
  std::string Reason; ///< A substring of the reason.
};

std::ostream &operator<<(std::ostream &OS, const InvalidCase &C) {
  return OS << testing::PrintToString(C.Text);
}

class InvalidReferenceTest : public testing::TestWithParam<InvalidCase> {};

TEST_P(InvalidReferenceTest, IsRejectedWithAReason) {
  auto Reason = validateImageReference(GetParam().Text);
  ASSERT_TRUE(Reason) << GetParam().Text;
  EXPECT_NE(Reason->find(GetParam().Reason), std::string::npos) << *Reason;
  // Reasons never echo control characters.
  for (char C : *Reason)
    EXPECT_TRUE(static_cast<unsigned char>(C) >= 0x20 &&
                static_cast<unsigned char>(C) < 0x7f);
}

INSTANTIATE_TEST_SUITE_P(
    Oci, InvalidReferenceTest,
    testing::Values(
        InvalidCase{"", "empty"},
        InvalidCase{"Ubuntu", "must be lower case"},
        InvalidCase{"ghcr.io/Acme/x:1", "'Acme' must be lower case"},
        InvalidCase{"ubuntu:", "tag after ':' is empty"},
        InvalidCase{"ubuntu:-x", "the tag '-x' is invalid"},
        InvalidCase{"ubuntu:.x", "the tag '.x' is invalid"},
        InvalidCase{"x:" + std::string(129, 't'), "at most 128"},
        InvalidCase{std::string(256, 'n'), "at most 255"},
        InvalidCase{"a/" + std::string(254, 'n') + ":1", "at most 255"},
        // What would break out of a Dockerfile, a shell or Python.
        InvalidCase{"a b", "whitespace"},
        InvalidCase{"ubuntu:22.04\nRUN curl evil | sh", "whitespace"},
        InvalidCase{"a\tb", "whitespace"},
        InvalidCase{std::string("x\x1b[31m"), "control character 0x1b"},
        InvalidCase{std::string("x\0y", 3), "control character 0x00"},
        InvalidCase{"ub\xc3\xbcntu", "non-ASCII"},
        InvalidCase{"x;rm", "character ';'"},
        InvalidCase{"x$(id)", "character '$'"},
        InvalidCase{"x`id`", "character '`'"},
        InvalidCase{"x\"", "character '\"'"},
        InvalidCase{"x'", "character '''"},
        InvalidCase{"x\\y", "character '\\'"},
        InvalidCase{"x&y", "character '&'"},
        InvalidCase{"x|y", "character '|'"},
        InvalidCase{"x{y}", "character '{'"},
        InvalidCase{"x=y", "character '='"},
        InvalidCase{"a//b", "empty path component"},
        InvalidCase{"a/", "empty path component"},
        InvalidCase{"/a", "empty path component"},
        InvalidCase{"a..b", "path component 'a..b' is invalid"},
        InvalidCase{"a.-b", "invalid"},
        InvalidCase{"a___b", "invalid"},
        InvalidCase{"-a", "invalid"},
        InvalidCase{"a-", "invalid"},
        InvalidCase{"a+b", "invalid"},
        InvalidCase{"a/b[0]", "invalid"},
        InvalidCase{":tag", "repository name is missing"},
        InvalidCase{"@sha256:" + Sha256, "repository name is missing"},
        InvalidCase{"localhost:abc/x", "registry 'localhost:abc'"},
        InvalidCase{"exa_mple.com:5000/x", "registry"},
        InvalidCase{"host-.com/x", "registry"},
        InvalidCase{"[zz::1]/x", "registry"},
        InvalidCase{"host:/x", "registry"},
        InvalidCase{"a:b/c:d/e", "registry 'a:b'"},
        InvalidCase{"repo@sha256:abc", "64 lower-case hex digits"},
        InvalidCase{"repo@sha256:" + std::string(64, 'A'),
                    "64 lower-case hex digits"},
        InvalidCase{"repo@sha256:" + std::string(65, 'a'),
                    "64 lower-case hex digits"},
        InvalidCase{"repo@sha512:" + Sha256, "128 lower-case hex digits"},
        InvalidCase{"repo@md5:" + std::string(32, 'a'), "not supported"},
        InvalidCase{"repo@SHA256:" + Sha256, "not supported"},
        InvalidCase{"repo@" + Sha256, "algorithm:hex"},
        InvalidCase{"repo@", "algorithm:hex"},
        InvalidCase{"repo@sha256:", "algorithm:hex"},
        InvalidCase{"a@b@c", "more than one '@'"},
        InvalidCase{"repo:tag:tag2", "invalid"}));

// A tag never holds a digest: `docker build -t x@sha256:..` fails (rc 125
// with podman) and buildx refuses one in docker-bake.json.
TEST(BuildTagTest, DigestNeverReachesTheTag) {
  EXPECT_EQ(buildTagFor("ghcr.io/acme/spark:3.5"), "ghcr.io/acme/spark:3.5");
  EXPECT_EQ(buildTagFor("localhost:5000/x"), "localhost:5000/x");
  EXPECT_EQ(buildTagFor("ghcr.io/acme/spark:3.5@sha256:" + Sha256), "ghcr.io/acme/spark:3.5");
  EXPECT_EQ(buildTagFor("ghcr.io/acme/spark@sha256:" + Sha256),
            "ghcr.io/acme/spark:task-scan-" + Sha256.substr(0, 12));
  EXPECT_EQ(buildTagFor("localhost:5000/x@sha256:" + Sha256),
            "localhost:5000/x:task-scan-" + Sha256.substr(0, 12));
  for (const std::string &Ref :
       {"ghcr.io/acme/spark@sha256:" + Sha256, "ghcr.io/acme/spark:3.5@sha256:" + Sha256,
        "localhost:5000/x@sha256:" + Sha256, std::string("a/b:c")})
    EXPECT_EQ(validateBuildTag(buildTagFor(Ref)), std::nullopt) << Ref;
  EXPECT_NE(validateBuildTag("ghcr.io/acme/spark@sha256:" + Sha256), std::nullopt);
  EXPECT_NE(validateBuildTag("Upper/Case:1"), std::nullopt);
}

} // namespace
