//===- ResultCache.cpp - Per-file scan results kept across runs -----------===//
//
// Entry format (text, so a developer can read it; the result is JSON):
//
//   task-scan-cache 1
//   key <32 hex>                  the entry's own key (guards renames)
//   kind skipped|parsed
//   deps <N>
//   <16 hex xxh3> <size> <path>   N lines, the main file first
//   result <bytes>                only for kind parsed
//   <TranslationUnitResult JSON>  without its dependencies (listed above)
//   checksum <16 hex>             xxh3 of everything above
//
//===----------------------------------------------------------------------===//
#include "taskscan/ResultCache.h"

#include "TaskExtractor.h"

#include "taskscan/Version.h"

#include "llvm/Config/llvm-config.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Support/xxhash.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdlib>

namespace taskscan {

namespace {

constexpr llvm::StringLiteral Magic = "task-scan-cache 1";

std::optional<FileDigest> readDigest(llvm::StringRef Path) {
  llvm::Expected<llvm::sys::fs::file_t> File = llvm::sys::fs::openNativeFileForRead(Path);
  if (!File) {
    llvm::consumeError(File.takeError());
    return std::nullopt;
  }
  FileDigest D;
  llvm::sys::fs::file_status Status;
  bool Ok = !llvm::sys::fs::status(*File, Status) &&
            Status.type() == llvm::sys::fs::file_type::regular_file;
  if (Ok) {
    auto Buffer = llvm::MemoryBuffer::getOpenFile(*File, Path, Status.getSize(),
                                                  /*RequiresNullTerminator=*/false);
    Ok = bool(Buffer);
    if (Ok) {
      D.Hash = llvm::xxh3_64bits((*Buffer)->getBuffer());
      D.Size = (*Buffer)->getBufferSize();
      D.ModificationTime = Status.getLastModificationTime();
    }
  }
  llvm::sys::fs::closeFile(*File);
  return Ok ? std::optional<FileDigest>(D) : std::nullopt;
}

/// Reads an entry line by line; any surprise makes the entry a miss.
class EntryReader {
public:
  explicit EntryReader(llvm::StringRef Text) : Rest(Text) {}

  bool line(llvm::StringRef &Out) {
    size_t End = Rest.find('\n');
    if (End == llvm::StringRef::npos)
      return false;
    Out = Rest.take_front(End);
    Rest = Rest.drop_front(End + 1);
    return true;
  }
  /// A line `<Word> <value>`; the value is returned.
  bool field(llvm::StringRef Word, llvm::StringRef &Value) {
    llvm::StringRef Line;
    return line(Line) && Line.consume_front(Word) && Line.consume_front(" ") &&
           (Value = Line, true);
  }
  bool bytes(size_t N, llvm::StringRef &Out) {
    if (Rest.size() < N + 1 || Rest[N] != '\n')
      return false;
    Out = Rest.take_front(N);
    Rest = Rest.drop_front(N + 1);
    return true;
  }
  bool done() const { return Rest.empty(); }

private:
  llvm::StringRef Rest;
};

/// A fixed-width lowercase hex or a decimal number; faster than
/// StringRef::getAsInteger, which matters for 100k dependency lines.
bool parseHex(llvm::StringRef S, uint64_t &Out) {
  if (S.empty() || S.size() > 16)
    return false;
  Out = 0;
  for (char C : S) {
    unsigned Digit;
    if (C >= '0' && C <= '9')
      Digit = C - '0';
    else if (C >= 'a' && C <= 'f')
      Digit = C - 'a' + 10;
    else
      return false;
    Out = Out << 4 | Digit;
  }
  return true;
}

bool parseDecimal(llvm::StringRef S, uint64_t &Out) {
  if (S.empty() || S.size() > 19)
    return false;
  Out = 0;
  for (char C : S) {
    if (C < '0' || C > '9')
      return false;
    Out = Out * 10 + (C - '0');
  }
  return true;
}

bool hasClangErrors(const TranslationUnitResult &Result) {
  for (const Diagnostic &D : Result.Diagnostics.items())
    if (D.Check == "clang-diagnostic-error" || D.Check == "task-scan-io")
      return true;
  return false;
}

} // namespace

std::optional<FileDigest> FileHasher::digest(llvm::StringRef Path) {
  {
    std::lock_guard<std::mutex> Guard(Lock);
    auto It = Digests.find(Path);
    if (It != Digests.end())
      return It->second;
  }
  // Hashed outside the lock; two threads may hash one file, with one result.
  std::optional<FileDigest> D = readDigest(Path);
  std::lock_guard<std::mutex> Guard(Lock);
  return Digests.try_emplace(Path, D).first->second;
}

ResultCache::ResultCache(std::string Directory, std::string ToolIdentity)
    : Directory(std::move(Directory)), ToolIdentity(std::move(ToolIdentity)),
      RunStart(std::chrono::system_clock::now()) {}

std::string ResultCache::defaultToolIdentity() {
  std::string Identity = fmt::format("task-scan {} LLVM {}", TASK_SCAN_VERSION,
                                     LLVM_VERSION_STRING);
  // Developers rebuild without changing the version: the binary tells.
  std::string Exe = llvm::sys::fs::getMainExecutable(
      "task-scan", reinterpret_cast<void *>(&ResultCache::defaultToolIdentity));
  llvm::sys::fs::file_status Status;
  if (!Exe.empty() && !llvm::sys::fs::status(Exe, Status))
    Identity += fmt::format(
        " {} {} {}", Exe, Status.getSize(),
        Status.getLastModificationTime().time_since_epoch().count());
  return Identity;
}

std::string ResultCache::entryPath(const ScanJob &Job,
                                   llvm::ArrayRef<std::string> CommandLine) const {
  std::string Material = std::string(Magic) + '\0' + ToolIdentity + '\0' +
                         Job.Directory + '\0' +
                         absolutePath(Job.Directory, Job.File) + '\0';
  for (const std::string &Arg : CommandLine)
    Material += Arg + '\0';
  // The driver adds include directories from these.
  for (const char *Var : {"CPATH", "C_INCLUDE_PATH", "CPLUS_INCLUDE_PATH"}) {
    const char *Value = std::getenv(Var);
    Material += fmt::format("{}={}", Var, Value ? Value : "") + '\0';
  }
  llvm::XXH128_hash_t Key = llvm::xxh3_128bits(
      llvm::ArrayRef(reinterpret_cast<const uint8_t *>(Material.data()), Material.size()));
  llvm::SmallString<256> Path(Directory);
  llvm::sys::path::append(Path, fmt::format("{:016x}{:016x}.entry", Key.high64, Key.low64));
  return std::string(Path);
}

std::optional<CachedUnit> ResultCache::lookup(const ScanJob &Job,
                                              llvm::ArrayRef<std::string> CommandLine) {
  std::string Path = entryPath(Job, CommandLine);
  auto Buffer = llvm::MemoryBuffer::getFile(Path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!Buffer)
    return std::nullopt;
  llvm::StringRef Text = (*Buffer)->getBuffer();

  // The checksum line closes the entry: anything torn or edited fails here.
  size_t ChecksumAt = Text.rfind("checksum ");
  if (ChecksumAt == llvm::StringRef::npos)
    return std::nullopt;
  uint64_t Stored = 0;
  llvm::StringRef ChecksumLine = Text.drop_front(ChecksumAt + 9);
  if (!ChecksumLine.consume_back("\n") || ChecksumLine.size() != 16 ||
      !parseHex(ChecksumLine, Stored) ||
      Stored != llvm::xxh3_64bits(Text.take_front(ChecksumAt)))
    return std::nullopt;

  EntryReader In(Text.take_front(ChecksumAt));
  llvm::StringRef Line, Key, Kind, Count;
  size_t Deps = 0;
  std::vector<std::string> Dependencies;
  if (!In.line(Line) || Line != Magic || !In.field("key", Key) ||
      Key != llvm::sys::path::stem(Path) || !In.field("kind", Kind) ||
      (Kind != "skipped" && Kind != "parsed") || !In.field("deps", Count) ||
      Count.getAsInteger(10, Deps) || Deps > Text.size())
    return std::nullopt;
  Dependencies.reserve(Deps);
  for (size_t I = 0; I < Deps; ++I) {
    llvm::StringRef Hash, Size, DepPath;
    uint64_t HashValue = 0, SizeValue = 0;
    if (!In.line(Line))
      return std::nullopt;
    std::tie(Hash, Line) = Line.split(' ');
    std::tie(Size, DepPath) = Line.split(' ');
    if (!parseHex(Hash, HashValue) || !parseDecimal(Size, SizeValue) ||
        DepPath.empty())
      return std::nullopt;
    std::optional<FileDigest> Now = Hasher.digest(DepPath);
    if (!Now || Now->Hash != HashValue || Now->Size != SizeValue)
      return std::nullopt; // a dependency changed or vanished
    Dependencies.push_back(DepPath.str());
  }
  // Written main file first, the rest sorted: put the main file in its place.
  if (!Dependencies.empty()) {
    auto Rest = Dependencies.begin() + 1;
    std::rotate(Dependencies.begin(), Rest,
                std::lower_bound(Rest, Dependencies.end(), Dependencies.front()));
  }
  if (!llvm::is_sorted(Dependencies))
    llvm::sort(Dependencies);
  CachedUnit Unit;
  Unit.Result.MainFile = absolutePath(Job.Directory, Job.File);
  if (Kind == "skipped") {
    if (!In.done())
      return std::nullopt;
    Unit.Skipped = true;
    Unit.Result.Dependencies = std::move(Dependencies);
    return Unit;
  }
  size_t Length = 0;
  llvm::StringRef Json;
  if (!In.field("result", Count) || Count.getAsInteger(10, Length) ||
      !In.bytes(Length, Json) || !In.done())
    return std::nullopt;
  llvm::Expected<llvm::json::Value> Value = llvm::json::parse(Json);
  if (!Value) {
    llvm::consumeError(Value.takeError());
    return std::nullopt;
  }
  if (!fromJson(*Value, Unit.Result))
    return std::nullopt;
  Unit.Result.Dependencies = std::move(Dependencies);
  Unit.Result.Parsed = false;
  return Unit;
}

bool ResultCache::storeSkipped(const ScanJob &Job, llvm::ArrayRef<std::string> CommandLine,
                               llvm::ArrayRef<std::string> Dependencies) {
  return store(Job, CommandLine, /*Skipped=*/true, Dependencies, nullptr);
}

bool ResultCache::storeResult(const ScanJob &Job, llvm::ArrayRef<std::string> CommandLine,
                              const TranslationUnitResult &Result) {
  if (hasClangErrors(Result))
    return false;
  return store(Job, CommandLine, /*Skipped=*/false, Result.Dependencies, &Result);
}

bool ResultCache::store(const ScanJob &Job, llvm::ArrayRef<std::string> CommandLine,
                        bool Skipped, llvm::ArrayRef<std::string> Dependencies,
                        const TranslationUnitResult *Result) {
  // Without the main file among the dependencies the entry could not notice
  // the most common edit; such a result is not kept.
  std::string MainFile = absolutePath(Job.Directory, Job.File);
  if (!llvm::is_contained(Dependencies, MainFile))
    return false;
  std::string Path = entryPath(Job, CommandLine);
  std::string Body = fmt::format("{}\nkey {}\nkind {}\ndeps {}\n", Magic,
                                 llvm::sys::path::stem(Path).str(),
                                 Skipped ? "skipped" : "parsed", Dependencies.size());
  std::vector<llvm::StringRef> Ordered = {MainFile};
  for (const std::string &D : Dependencies)
    if (D != MainFile)
      Ordered.push_back(D);
  for (llvm::StringRef D : Ordered) {
    std::optional<FileDigest> Digest = Hasher.digest(D);
    // Unreadable, or changed while this run read it: the result may not
    // match the content the hash describes.
    if (!Digest || Digest->ModificationTime >= RunStart || D.contains('\n'))
      return false;
    Body += fmt::format("{:016x} {} {}\n", Digest->Hash, Digest->Size, D.str());
  }
  if (Result) {
    // The dependencies are listed once, above.
    TranslationUnitResult Stored = *Result;
    Stored.Dependencies.clear();
    std::string Json;
    llvm::raw_string_ostream(Json) << toJson(Stored);
    Body += fmt::format("result {}\n{}\n", Json.size(), Json);
  }
  Body += fmt::format("checksum {:016x}\n", llvm::xxh3_64bits(Body));

  // Temporary file in the same directory, then an atomic rename.
  if (llvm::sys::fs::create_directories(Directory))
    return false;
  int FD = -1;
  llvm::SmallString<256> Temp;
  if (llvm::sys::fs::createUniqueFile(Path + ".tmp-%%%%%%%%%%%%", FD, Temp))
    return false;
  bool Written;
  {
    llvm::raw_fd_ostream Out(FD, /*shouldClose=*/true);
    Out << Body;
    Out.close();
    Written = !Out.has_error();
    if (!Written)
      Out.clear_error();
  }
  if (!Written || llvm::sys::fs::rename(Temp, Path)) {
    llvm::sys::fs::remove(Temp);
    return false;
  }
  return true;
}

} // namespace taskscan
