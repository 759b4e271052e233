#include "taskscan/AnnotationArguments.h"

#include "gtest/gtest.h"

using namespace taskscan;

namespace {

std::vector<AnnotationArgument> parseOk(llvm::StringRef Text) {
  auto R = parseAnnotationArguments(Text);
  if (auto *E = std::get_if<std::string>(&R)) {
    ADD_FAILURE() << "parse of '" << Text.str() << "' failed: " << *E;
    return {};
  }
  return std::get<std::vector<AnnotationArgument>>(R);
}

std::string parseError(llvm::StringRef Text) {
  auto R = parseAnnotationArguments(Text);
  auto *E = std::get_if<std::string>(&R);
  return E ? *E : "<parsed>";
}

TEST(AnnotationArgumentsTest, ParsesEveryValueForm) {
  auto Args = parseOk(R"(container_image = "a" "b", retries = 0x1F, cache = true,)"
                      R"( timeout = ::cfg::kTimeout, name = kName, requests_cpu = -3)");
  ASSERT_EQ(Args.size(), 6u);
  EXPECT_EQ(std::get<std::string>(Args[0].Value), "ab");
  EXPECT_EQ(std::get<int64_t>(Args[1].Value), 31);
  EXPECT_EQ(std::get<bool>(Args[2].Value), true);
  const auto &Name = std::get<ConstantName>(Args[3].Value);
  EXPECT_TRUE(Name.Global);
  EXPECT_EQ(Name.spelling(), "::cfg::kTimeout");
  EXPECT_EQ(std::get<ConstantName>(Args[4].Value).Parts.size(), 1u);
  EXPECT_EQ(std::get<int64_t>(Args[5].Value), -3);
}

TEST(AnnotationArgumentsTest, EmptyAndWrapperCommasAreFine) {
  EXPECT_TRUE(parseOk("").empty());
  EXPECT_EQ(parseOk(", retries = 1,, ").size(), 1u);
}

TEST(AnnotationArgumentsTest, StringEscapes) {
  auto Args = parseOk(R"(name = "a\"b\\c\n\x41\101")");
  EXPECT_EQ(std::get<std::string>(Args[0].Value), "a\"b\\c\nAA");
}

TEST(AnnotationArgumentsTest, IntegerForms) {
  EXPECT_EQ(std::get<int64_t>(parseOk("retries = 1'000u")[0].Value), 1000);
  EXPECT_EQ(std::get<int64_t>(parseOk("retries = 010")[0].Value), 8);
  EXPECT_EQ(std::get<int64_t>(parseOk("retries = 0b101")[0].Value), 5);
}

TEST(AnnotationArgumentsTest, Malformed) {
  struct Case {
    const char *Text, *Message;
  } Cases[] = {
      {"retries", "expected '=' after 'retries'"},
      {"= 1", "expected 'key = value', found '='"},
      {"retries = 1 + 1", "expected ',' after the value of 'retries', found '+'"},
      {"name = \"open", "unterminated string literal"},
      {"name = u8\"x\"", "only plain string literals are supported, not 'u8' prefixed ones"},
      {"name = R\"(x)\"", "only plain string literals are supported, not 'R' prefixed ones"},
      {"retries = 99999999999999999999", "'99999999999999999999' is not an integer literal that fits 64 bits (value of 'retries')"},
      {"retries = 1.5", "'1.5' is not an integer literal that fits 64 bits (value of 'retries')"},
      {"name = (x)", "the value of 'name' must be a string, integer or bool literal or the name of a constexpr constant"},
      {"name = \"\\q\"", "unsupported escape sequence '\\q' in a string"},
      {"name = a::", "expected a name in the value of 'name'"},
  };
  for (const Case &C : Cases)
    EXPECT_EQ(parseError(C.Text), C.Message) << C.Text;
}

std::vector<std::string> problems(llvm::StringRef Text, TaskOptions &Options) {
  std::vector<std::string> Out;
  for (const ArgumentProblem &P : validateTaskArguments(parseOk(Text), Options))
    Out.push_back(P.Check + ": " + P.Message);
  return Out;
}

TEST(AnnotationArgumentsTest, ValidatesKeysAndValues) {
  TaskOptions O;
  EXPECT_TRUE(problems(R"(container_image = "x", name = "a.b-c_1", retries = 3,)"
                       R"( timeout = "1h30m", cache = true, cache_version = "v1",)"
                       R"( requests_cpu = "500m", requests_mem = "4Gi", limits_gpu = 1,)"
                       R"( limits_cpu = "1.5", limits_mem = "1e3", requests_gpu = "2")",
                       O)
                  .empty());
  EXPECT_EQ(*O.ContainerImage, "x");
  EXPECT_EQ(*O.Name, "a.b-c_1");
  EXPECT_EQ(O.Retries, 3);
  EXPECT_EQ(O.TimeoutSeconds, 5400);
  ASSERT_EQ(O.Requests.size(), 3u);
  EXPECT_EQ(O.Requests[0], (std::pair<std::string, std::string>("cpu", "500m")));
  ASSERT_EQ(O.Limits.size(), 3u);
  EXPECT_EQ(O.Limits[1], (std::pair<std::string, std::string>("gpu", "1")));
}

TEST(AnnotationArgumentsTest, ReportsEachProblem) {
  struct Case {
    const char *Text, *Problem;
  } Cases[] = {
      {"retires = 1", "task-scan-unknown-key: unknown FLYTE_TASK key 'retires'; did you mean 'retries'?"},
      {"zzzzzzzzzz = 1", "task-scan-unknown-key: unknown FLYTE_TASK key 'zzzzzzzzzz'"},
      {"retries = 1, retries = 2", "task-scan-duplicate-key: FLYTE_TASK key 'retries' is given twice"},
      {"retries = true", "task-scan-argument-type: 'retries' expects an integer, got a bool"},
      {"name = \"9lives\"", "task-scan-task-name: task name '9lives' is not valid: use letters, digits, '_', '.' and '-', starting with a letter or '_'"},
      {"timeout = \"0s\"", "task-scan-argument-value: 'timeout' must be a positive duration such as \"90s\", \"10m\" or \"1h30m\", got \"0s\""},
      {"timeout = \"5m10h\"", "task-scan-argument-value: 'timeout' must be a positive duration such as \"90s\", \"10m\" or \"1h30m\", got \"5m10h\""},
      {"requests_mem = \"4GB\"", "task-scan-resource-quantity: 'requests_mem' must be a Kubernetes quantity such as \"500m\", \"2\" or \"4Gi\", got \"4GB\""},
      {"cache_version = \"a\nb\"", "task-scan-argument-value: 'cache_version' must be a non-empty string of printable characters"},
  };
  for (const Case &C : Cases) {
    TaskOptions O;
    auto P = problems(C.Text, O);
    ASSERT_EQ(P.size(), 1u) << C.Text;
    EXPECT_EQ(P[0], C.Problem);
  }
}

// SPEC section 6: cache = true alone is valid; the version is derived from
// the code later (ProjectModel's effectiveCacheVersion).
TEST(AnnotationArguments, CacheWithoutVersionIsValid) {
  TaskOptions O;
  EXPECT_TRUE(problems("cache = true", O).empty());
  EXPECT_TRUE(O.Cache);
  EXPECT_FALSE(O.CacheVersion.has_value());
}

// Each unit of a timeout counts as itself (s = 1, m = 60, h = 3600), alone
// and combined: a unit read as another ("90s" as 90 minutes) changes a row.
TEST(AnnotationArgumentsTest, TimeoutUnitsEachCountAsThemselves) {
  struct Case {
    const char *Text;
    int64_t Seconds;
  } Cases[] = {
      {"90s", 90},       {"1s", 1},          {"10m", 600},     {"1m", 60},
      {"2h", 7200},      {"1h", 3600},       {"1h30m", 5400},  {"5m30s", 330},
      {"2h5s", 7205},    {"1h1m1s", 3661},   {"0h0m7s", 7},    {"100000s", 100000},
      {"48h", 172800},   {"90m", 5400},
  };
  for (const Case &C : Cases) {
    TaskOptions O;
    EXPECT_TRUE(problems(std::string("timeout = \"") + C.Text + "\"", O).empty()) << C.Text;
    EXPECT_EQ(O.TimeoutSeconds, C.Seconds) << C.Text;
    ASSERT_TRUE(O.Timeout) << C.Text;
    EXPECT_EQ(*O.Timeout, C.Text);
  }
  // Units out of order, repeated, unknown or missing are refused.
  for (const char *Bad : {"30s1m", "1m1m", "1d", "90", "s", "1h30", "1.5h", "-1s", " 1s", "1s "}) {
    TaskOptions O;
    EXPECT_EQ(problems(std::string("timeout = \"") + Bad + "\"", O).size(), 1u) << Bad;
  }
}

// Resource values: Kubernetes quantities (a decimal number, then a binary or
// decimal suffix or an exponent with digits); anything else is refused.
TEST(AnnotationArgumentsTest, ResourceQuantities) {
  for (const char *Good : {"500m", "2", "4Gi", "1.5", "1e3", "2E+6", "3e-2", ".5", "+1", "0",
                           "128Mi", "1Ki", "2Ei", "100n", "5u", "1k", "3M", "1T", "2P", "7E"}) {
    TaskOptions O;
    EXPECT_TRUE(problems(std::string("requests_mem = \"") + Good + "\"", O).empty()) << Good;
  }
  for (const char *Bad : {"1e", "2E+", "3e-", "4GB", "4 GB", "", "-1", "1.2.3", "Gi", "1e3.5",
                          "1ki", "e3", ".", "1m1", "1e3Gi"}) {
    TaskOptions O;
    EXPECT_EQ(problems(std::string("requests_mem = \"") + Bad + "\"", O).size(), 1u) << Bad;
  }
}

TEST(AnnotationArgumentsTest, TaskNames) {
  EXPECT_TRUE(isValidTaskName("ml.train"));
  EXPECT_TRUE(isValidTaskName("_x-1"));
  EXPECT_FALSE(isValidTaskName(""));
  EXPECT_FALSE(isValidTaskName("a b"));
  EXPECT_FALSE(isValidTaskName("a\"b"));
  EXPECT_FALSE(isValidTaskName(std::string(256, 'a')));
}

// Found by fuzz/annotation.cpp: parse errors echoed raw bytes (a NUL, an
// escape sequence or a newline could forge diagnostic lines in a terminal
// or CI log).
TEST(AnnotationArgumentsTest, ParseErrorsShowRawBytesEscaped) {
  EXPECT_EQ(parseError(llvm::StringRef("\0", 1)),
            "expected 'key = value', found '\\x00'");
  EXPECT_EQ(parseError("retries = 1 \x1b[2J"),
            "expected ',' after the value of 'retries', found '\\x1b'");
  EXPECT_EQ(parseError("name = \"\\\x07\""),
            "unsupported escape sequence '\\\\x07' in a string");
}

} // namespace
