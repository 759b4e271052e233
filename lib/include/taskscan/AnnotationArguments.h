//===- AnnotationArguments.h - Parsing FLYTE_TASK(key = value, ...) -------===//
//
// In a scan, FLYTE_TASK(...) expands to an annotate attribute holding its
// arguments stringified (after wrapper macros substituted theirs). This
// module parses that text; names of constants are looked up in the AST by
// the caller, and the values are then checked against the known keys.
//
//===----------------------------------------------------------------------===//
#ifndef TASKSCAN_ANNOTATIONARGUMENTS_H
#define TASKSCAN_ANNOTATIONARGUMENTS_H

#include "taskscan/Task.h"

#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace taskscan {

/// A name to look up, e.g. `images::kGpu` -> {"images", "kGpu"}.
struct ConstantName {
  std::vector<std::string> Parts;
  bool Global = false; ///< Written with a leading `::`.
  std::string spelling() const;
};

using ArgumentValue = std::variant<std::string, int64_t, bool, ConstantName>;

struct AnnotationArgument {
  std::string Key;
  ArgumentValue Value;
};

/// Parses `key = value, ...`. On failure returns a one-sentence message.
std::variant<std::vector<AnnotationArgument>, std::string>
parseAnnotationArguments(llvm::StringRef Text);

/// The keys SPEC section 1 allows.
const std::vector<llvm::StringRef> &knownTaskKeys();

/// One problem with the arguments, for the caller to locate and report.
struct ArgumentProblem {
  std::string Check;
  std::string Message;
  std::string Key; ///< The key concerned (empty when none).
};

/// Checks resolved arguments (no ConstantName left) against the keys and
/// their types and fills \p Options. Returns every problem found.
std::vector<ArgumentProblem>
validateTaskArguments(const std::vector<AnnotationArgument> &Args,
                      TaskOptions &Options);

/// Whether \p Name is a valid Flyte task name (`[A-Za-z0-9_.-]+`, starting
/// with a letter or '_', at most 255 characters).
bool isValidTaskName(llvm::StringRef Name);

/// The task name of a function without `name = ...`: its qualified C++
/// name with `::` written `.` (`ml::train` is task `ml.train`). Every
/// message names a task this way, never by its C++ spelling.
std::string derivedTaskName(llvm::StringRef QualifiedName);

} // namespace taskscan

#endif
