//===- Task.h - What the scanner finds: tasks as written in the sources ---===//
//
// A ScannedTask is everything the AST says about one annotated function,
// before any image configuration is applied. It is plain data (JSON
// round-trippable) so per-file results can be cached across runs.
//
//===----------------------------------------------------------------------===//
#ifndef TASKSCAN_TASK_H
#define TASKSCAN_TASK_H

#include "taskscan/Diagnostic.h"

#include "llvm/Support/JSON.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace taskscan {

/// The Flyte types a C++ parameter or result maps to (SPEC section 1).
enum class FlyteKind { Bool, Int, Float, String, File };

struct FlyteType {
  FlyteKind Kind = FlyteKind::Int;
  bool IsList = false; ///< std::vector<Kind>.

  /// `int`, `List[float]`, `FlyteFile`, ... as flytekit spells them.
  std::string name() const;
  bool operator==(const FlyteType &O) const {
    return Kind == O.Kind && IsList == O.IsList;
  }
};

/// One input (a named parameter) or output (o0, o1, ...).
struct TaskValue {
  std::string Name;
  std::string CppType;   ///< As written in the source, e.g. `const std::string &`.
  std::string ValueType; ///< Normalized and decayed, e.g. `std::string`,
                         ///< `std::vector<long>`: what generated code names.
  bool ByConstRef = false; ///< Parameter passed as `const T&`.
  FlyteType Type;
};

/// Validated FLYTE_TASK(key = value, ...) settings.
struct TaskOptions {
  std::optional<std::string> ContainerImage; ///< As written; nullopt if absent.
  std::optional<std::string> Name;           ///< Explicit `name`, if any.
  int64_t Retries = 0;
  std::optional<std::string> Timeout; ///< As written, e.g. "1h30m".
  int64_t TimeoutSeconds = 0;
  bool Cache = false;
  std::optional<std::string> CacheVersion;
  /// Kubernetes quantities by resource ("cpu", "mem", "gpu"), sorted.
  std::vector<std::pair<std::string, std::string>> Requests, Limits;
};

struct ScannedTask {
  std::string Name;     ///< Flyte task name (explicit or derived).
  std::string Function; ///< Qualified C++ name, e.g. `ml::train`.
  SourcePosition Annotation; ///< Where FLYTE_TASK (or a wrapper) was written.
  SourcePosition Definition; ///< The function's name in its definition.
  /// The header the entrypoint includes to call the task: the one with an
  /// inline (or constexpr) definition, else for a static member function the
  /// one defining its class; empty for other free functions (forward-declared).
  std::string DeclaringHeader;
  /// Enclosing namespaces, outermost first (for forward declarations).
  std::vector<std::string> Namespaces;
  std::string UnqualifiedName;
  bool IsExternC = false;
  std::vector<TaskValue> Inputs, Outputs;
  /// The C++ return type as generated code spells it (`void`, `double`,
  /// `std::tuple<long, std::string>`).
  std::string ReturnType = "void";
  bool ReturnsTuple = false; ///< std::tuple/std::pair: outputs o0, o1, ...
  TaskOptions Options;
  /// With `cache = true`: a hash of the code its result depends on (the
  /// definition and the project functions it uses, as Clang parsed them:
  /// lib/Scan/CodeHash.h); a derived cache_version comes from it.
  std::optional<std::string> CodeHash;

  /// Identity of the function across translation units (a header's inline
  /// task seen from two files is one task).
  std::string identity() const;
};

/// Everything learned from one translation unit.
struct TranslationUnitResult {
  std::string MainFile;
  std::vector<ScannedTask> Tasks;
  DiagnosticList Diagnostics;
  /// Annotated declarations this TU saw without a definition: identity and
  /// position, to report tasks declared but never defined.
  std::vector<std::pair<std::string, SourcePosition>> DeclaredOnly;
  /// Every file the TU read (for the result cache and --depfile).
  std::vector<std::string> Dependencies;
  /// Files it looked for in the project's include directories and did not
  /// find (absolute, sorted): adding one may change the result. For the
  /// result cache only; not in the JSON form.
  std::vector<std::string> AbsentFiles;
  /// The paths the compiler opened files by (absolute, `..` and symbolic
  /// links as written) where they are not the real paths in Dependencies:
  /// the result cache checks them too, so a re-pointed symbolic link or a
  /// link replaced by a file is noticed. Not in the JSON form.
  std::vector<std::string> LookupPaths;
  bool Parsed = false; ///< False when the prefilter or the cache answered.
};

llvm::json::Value toJson(const ScannedTask &T);
bool fromJson(const llvm::json::Value &V, ScannedTask &T);
llvm::json::Value toJson(const TranslationUnitResult &R);
bool fromJson(const llvm::json::Value &V, TranslationUnitResult &R);

} // namespace taskscan

#endif
