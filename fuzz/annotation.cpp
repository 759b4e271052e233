//===- annotation.cpp - Fuzz target: FLYTE_TASK(...) arguments -------------===//
//
// Parses the input as the stringified arguments of FLYTE_TASK, checks that
// writing the parsed arguments back (strings through cppStringLiteral)
// parses to the same arguments, then validates them with every constant
// replaced by a value of some type, and checks that whatever validation
// accepts into TaskOptions is what SPEC section 1 allows.
//
//===----------------------------------------------------------------------===//
#include "FuzzSupport.h"

#include "taskscan/AnnotationArguments.h"
#include "taskscan/Escaping.h"

#include "llvm/ADT/StringExtras.h"

#include <cstddef>
#include <cstdint>

using namespace fuzz;
using taskscan::AnnotationArgument;
using taskscan::ConstantName;

namespace {

std::string written(const AnnotationArgument &A) {
  std::string Value;
  if (auto *S = std::get_if<std::string>(&A.Value))
    Value = taskscan::cppStringLiteral(*S);
  else if (auto *I = std::get_if<int64_t>(&A.Value))
    Value = std::to_string(*I);
  else if (auto *B = std::get_if<bool>(&A.Value))
    Value = *B ? "true" : "false";
  else
    Value = std::get<ConstantName>(A.Value).spelling();
  return A.Key + " = " + Value;
}

bool sameValue(const taskscan::ArgumentValue &X,
               const taskscan::ArgumentValue &Y) {
  if (X.index() != Y.index())
    return false;
  if (auto *N = std::get_if<ConstantName>(&X)) {
    const auto &M = std::get<ConstantName>(Y);
    return N->Parts == M.Parts && N->Global == M.Global;
  }
  if (auto *S = std::get_if<std::string>(&X))
    return *S == std::get<std::string>(Y);
  if (auto *I = std::get_if<int64_t>(&X))
    return *I == std::get<int64_t>(Y);
  return std::get<bool>(X) == std::get<bool>(Y);
}

/// A constant stands for a value of the type its name's length picks, as
/// the scanner would find in the AST.
taskscan::ArgumentValue constantValue(const ConstantName &N) {
  std::string S = N.spelling();
  switch (S.size() % 3) {
  case 0: return S;
  case 1: return int64_t(S.size());
  default: return S.size() % 2 == 0;
  }
}

bool isQuantityChar(char C) {
  return llvm::isAlnum(C) || C == '.' || C == '+' || C == '-';
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  if (Size > 4096)
    return 0;
  llvm::StringRef Text(reinterpret_cast<const char *>(Data), Size);
  auto Parsed = taskscan::parseAnnotationArguments(Text);
  // Messages reach terminals and CI logs: user text in them is shown with
  // its control characters escaped, so it cannot forge a diagnostic line.
  if (auto *Error = std::get_if<std::string>(&Parsed)) {
    FUZZ_CHECK(!Error->empty(), "empty error message");
    FUZZ_CHECK(!hasControlCharacter(*Error) && isStrictUtf8(*Error),
               "raw bytes in the message " + shown(*Error));
    return 0;
  }
  auto &Args = std::get<std::vector<AnnotationArgument>>(Parsed);

  // Round trip.
  std::string Again;
  for (const AnnotationArgument &A : Args)
    Again += (Again.empty() ? "" : ", ") + written(A);
  auto Reparsed = taskscan::parseAnnotationArguments(Again);
  auto *Error = std::get_if<std::string>(&Reparsed);
  FUZZ_CHECK(!Error, "written back as " + shown(Again) + ", which fails: " +
                         (Error ? *Error : ""));
  auto &Args2 = std::get<std::vector<AnnotationArgument>>(Reparsed);
  FUZZ_CHECK(Args2.size() == Args.size(), "argument count changed: " +
                                              shown(Again));
  for (size_t I = 0; I < Args.size(); ++I)
    FUZZ_CHECK(Args[I].Key == Args2[I].Key &&
                   sameValue(Args[I].Value, Args2[I].Value),
               "argument " + std::to_string(I) + " changed: " + shown(Again));

  // Validation.
  for (AnnotationArgument &A : Args)
    if (auto *N = std::get_if<ConstantName>(&A.Value))
      A.Value = constantValue(*N);
  taskscan::TaskOptions Options;
  auto Problems = taskscan::validateTaskArguments(Args, Options);
  for (const auto &P : Problems) {
    FUZZ_CHECK(llvm::StringRef(P.Check).starts_with("task-scan-"),
               "check " + P.Check);
    FUZZ_CHECK(!P.Message.empty(), "empty problem message");
    FUZZ_CHECK(!hasControlCharacter(P.Message) && isStrictUtf8(P.Message),
               "raw bytes in the message " + shown(P.Message));
  }
  if (Options.Name)
    FUZZ_CHECK(taskscan::isValidTaskName(*Options.Name),
               "invalid task name accepted: " + shown(*Options.Name));
  if (Options.Name)
    for (char C : *Options.Name)
      FUZZ_CHECK(llvm::isAlnum(C) || C == '_' || C == '.' || C == '-',
                 "task name with " + shown(*Options.Name));
  FUZZ_CHECK(Options.Retries >= 0, "negative retries");
  if (Options.Timeout) {
    FUZZ_CHECK(Options.TimeoutSeconds > 0, "timeout of 0 s accepted");
    for (char C : *Options.Timeout)
      FUZZ_CHECK(llvm::isDigit(C) || C == 'h' || C == 'm' || C == 's',
                 "timeout " + shown(*Options.Timeout));
  }
  if (Options.CacheVersion)
    FUZZ_CHECK(!Options.CacheVersion->empty() &&
                   isPrintableAscii(*Options.CacheVersion),
               "cache_version " + shown(*Options.CacheVersion));
  // (cache = true without cache_version is valid: the version is derived
  // from the code by the scan, SPEC section 6, not by this parser.)
  for (const auto *List : {&Options.Requests, &Options.Limits})
    for (const auto &[Resource, Quantity] : *List) {
      FUZZ_CHECK(Resource == "cpu" || Resource == "mem" || Resource == "gpu",
                 "resource " + shown(Resource));
      FUZZ_CHECK(!Quantity.empty() && llvm::all_of(Quantity, isQuantityChar),
                 "quantity " + shown(Quantity));
    }
  return 0;
}
