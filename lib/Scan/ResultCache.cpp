//===- ResultCache.cpp - Per-file scan results kept across runs -----------===//
//
// Index format (text, so a developer can read it; results are JSON):
//
//   task-scan-cache 2
//   tool <32 hex>                 hash of the tool identity
//   files <N>
//   <16 hex xxh3> <size> <stat> <path>
//                                 N rows, numbered from 0; "- - - <path>" for
//                                 a file that must stay absent. <stat> is
//                                 <dev>.<ino>.<mtime ns>.<ctime ns> in hex,
//                                 or "-" when the file was racily clean (see
//                                 RacyWindow)
//   entries <M>
//   <32 hex key> skipped|parsed <last used, unix seconds> <row> <row> ...
//   result <bytes>                after a parsed entry's line only
//   <TranslationUnitResult JSON>  without its dependencies (the rows)
//   checksum <16 hex>             xxh3 of everything above
//
// An entry's first row is its main file. A path may have several rows when
// entries saw different contents of it; each row is checked on its own.
//
// A row is checked as git checks its index: a file whose stat() fields all
// still match is unchanged; only the others are hashed.
//
//===----------------------------------------------------------------------===//
#include "taskscan/ResultCache.h"

#include "RealPath.h"
#include "TaskExtractor.h"

#include "taskscan/FileLock.h"
#include "taskscan/Version.h"

#include "llvm/ADT/BitVector.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Support/xxhash.h"

#include <fmt/format.h>

#include <atomic>
#include <iterator>
#include <thread>
#include <cstdlib>

#include <sys/stat.h>

namespace taskscan {

namespace fs = llvm::sys::fs;

namespace {

constexpr llvm::StringLiteral Magic = "task-scan-cache 3";

/// A file changed this close to (or after) the start of the run that hashed
/// it is "racily clean": a later write in the same timestamp tick (one
/// second on some file systems; the kernel's clock also lags the system
/// clock by a tick) could leave every stat() field as it was. Its row keeps
/// no stat, so every run hashes it.
constexpr std::chrono::seconds RacyWindow{2};

std::optional<FileStat> fromStat(const struct stat &St) {
  if (!S_ISREG(St.st_mode))
    return std::nullopt;
  FileStat F;
  F.Device = static_cast<uint64_t>(St.st_dev);
  F.Inode = static_cast<uint64_t>(St.st_ino);
  F.Size = static_cast<uint64_t>(St.st_size);
#if defined(__APPLE__)
  F.ModifiedNs = int64_t(St.st_mtimespec.tv_sec) * 1000000000 + St.st_mtimespec.tv_nsec;
  F.ChangedNs = int64_t(St.st_ctimespec.tv_sec) * 1000000000 + St.st_ctimespec.tv_nsec;
#else
  F.ModifiedNs = int64_t(St.st_mtim.tv_sec) * 1000000000 + St.st_mtim.tv_nsec;
  F.ChangedNs = int64_t(St.st_ctim.tv_sec) * 1000000000 + St.st_ctim.tv_nsec;
#endif
  return F;
}

int64_t nanoseconds(llvm::sys::TimePoint<> T) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(T.time_since_epoch()).count();
}
constexpr llvm::StringLiteral IndexName = "index";
constexpr llvm::StringLiteral LockName = "index.lock";
constexpr llvm::StringLiteral TempPrefix = "index.tmp-";

std::optional<FileDigest> readDigest(llvm::StringRef Path) {
  llvm::Expected<fs::file_t> File = fs::openNativeFileForRead(Path);
  if (!File) {
    llvm::consumeError(File.takeError());
    return std::nullopt;
  }
  FileDigest D;
  std::optional<FileStat> Stat = FileStat::ofOpenFile(*File);
  bool Ok = Stat.has_value();
  if (Ok) {
    auto Buffer = llvm::MemoryBuffer::getOpenFile(*File, Path, Stat->Size,
                                                  /*RequiresNullTerminator=*/false);
    Ok = bool(Buffer);
    if (Ok) {
      D.Hash = llvm::xxh3_64bits((*Buffer)->getBuffer());
      D.Size = (*Buffer)->getBufferSize();
      // The later of mtime and ctime: a write sets both, a set-back mtime
      // (touch -d) does not hide it.
      D.ModificationTime = llvm::sys::TimePoint<>(
          std::chrono::duration_cast<llvm::sys::TimePoint<>::duration>(
              std::chrono::nanoseconds(std::max(Stat->ModifiedNs, Stat->ChangedNs))));
      D.Stat = *Stat;
    }
  }
  fs::closeFile(*File);
  return Ok ? std::optional<FileDigest>(D) : std::nullopt;
}

/// Splits text into lines; any surprise makes the whole index a miss.
class LineReader {
public:
  explicit LineReader(llvm::StringRef Text) : Rest(Text) {}

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

/// Whether \p Path names "." or ".." (never so in a real path).
bool hasDotComponents(llvm::StringRef Path) {
  return Path.contains("/./") || Path.contains("/../") || Path.ends_with("/.") ||
         Path.ends_with("/..");
}

/// A lowercase hex of at most 16 digits, or a decimal; faster than
/// StringRef::getAsInteger, which matters for 100k row numbers.
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

std::string hex128(llvm::StringRef Material) {
  llvm::XXH128_hash_t H = llvm::xxh3_128bits(
      llvm::ArrayRef(reinterpret_cast<const uint8_t *>(Material.data()), Material.size()));
  return fmt::format("{:016x}{:016x}", H.high64, H.low64);
}

int64_t unixSeconds(llvm::sys::TimePoint<> T) {
  return std::chrono::duration_cast<std::chrono::seconds>(T.time_since_epoch()).count();
}

std::string joinPath(llvm::StringRef Dir, llvm::StringRef Name) {
  llvm::SmallString<256> P(Dir);
  llvm::sys::path::append(P, Name);
  return std::string(P);
}

/// One row as the index writes it: "<hash> <size> <stat> <path>"; no
/// \p Stat for a racily clean file.
std::string rowLine(uint64_t Hash, uint64_t Size, const FileStat *Stat, llvm::StringRef Path) {
  if (!Stat)
    return fmt::format("{:016x} {} - {}", Hash, Size, Path.str());
  return fmt::format("{:016x} {} {:x}.{:x}.{:x}.{:x} {}", Hash, Size, Stat->Device,
                     Stat->Inode, static_cast<uint64_t>(Stat->ModifiedNs),
                     static_cast<uint64_t>(Stat->ChangedNs), Path.str());
}

/// "<dev>.<ino>.<mtime>.<ctime>" as rowLine writes it.
bool parseStat(llvm::StringRef Text, uint64_t Size, FileStat &Out) {
  llvm::StringRef Dev, Ino, MTime, CTime;
  std::tie(Dev, Text) = Text.split('.');
  std::tie(Ino, Text) = Text.split('.');
  std::tie(MTime, CTime) = Text.split('.');
  uint64_t M = 0, C = 0;
  if (!parseHex(Dev, Out.Device) || !parseHex(Ino, Out.Inode) || !parseHex(MTime, M) ||
      !parseHex(CTime, C))
    return false;
  Out.Size = Size;
  Out.ModifiedNs = static_cast<int64_t>(M);
  Out.ChangedNs = static_cast<int64_t>(C);
  return true;
}

} // namespace

/// The index as read from disk; its strings point into Buffer.
struct ResultCache::Index {
  struct Row {
    llvm::StringRef Line; ///< As written, the key when indexes are merged.
    llvm::StringRef Path;
    uint64_t Hash = 0, Size = 0;
    bool Absent = false;  ///< Valid while the file does not exist.
    bool HasStat = false; ///< Stat holds what the file's stat() was.
    /// A name a file was opened by (see store()), not a dependency itself.
    bool Lookup = false;
    /// Rows of one path (entries that saw different contents of it) share
    /// a number (not for lookup rows).
    uint32_t PathId = 0;
    FileStat Stat;
  };
  struct Entry {
    bool Skipped = false;
    int64_t LastUsed = 0;
    /// Its row numbers as written (the main file first), read only when
    /// the entry is looked up: most runs look up a few of many entries, and
    /// a warm run spreads the reading over its threads.
    llvm::StringRef RowText;
    llvm::StringRef Json; ///< Parsed entries only.
  };

  std::unique_ptr<llvm::MemoryBuffer> Buffer;
  std::vector<Row> Rows;
  llvm::StringMap<Entry> Entries;

  /// The rows \p RowText (an entry's) names; false if one is not a row.
  bool rowsOf(llvm::StringRef RowText, llvm::SmallVectorImpl<uint32_t> &Out) const {
    Out.clear();
    while (!RowText.empty()) {
      llvm::StringRef Number;
      uint64_t Row = 0;
      std::tie(Number, RowText) = RowText.split(' ');
      if (!parseDecimal(Number, Row) || Row >= Rows.size())
        return false;
      Out.push_back(static_cast<uint32_t>(Row));
    }
    return !Out.empty();
  }
  /// Per row: 0 not checked yet, 1 unchanged, 2 changed or gone.
  std::unique_ptr<std::atomic<uint8_t>[]> RowState;
  llvm::StringMap<uint32_t> PathIds; ///< Path of a row that is not a lookup row -> its PathId.
  /// Per lookup row (a name a file was opened by), the PathId of the file
  /// the name leads to now (NoPath: none listed, or none there), resolved
  /// once per run; its TargetState is 0 unresolved, 1 being resolved, 2
  /// resolved. Indexed by row, like RowState.
  static constexpr uint32_t NoPath = ~0u;
  std::unique_ptr<std::atomic<uint8_t>[]> TargetState;
  std::vector<uint32_t> Targets;

  /// The index at \p Path if it is whole and belongs to \p Tool.
  static std::unique_ptr<Index> read(const std::string &Path, llvm::StringRef Tool);
};

/// An entry stored by this run, not yet in the index.
struct ResultCache::PendingEntry {
  bool Skipped = false;
  /// Numbers into PendingRows.Lines, the main file first: a large project's
  /// entries share most rows (the same headers), each kept once.
  std::vector<uint32_t> Rows;
  std::string Json;
};

std::unique_ptr<ResultCache::Index> ResultCache::Index::read(const std::string &Path,
                                                             llvm::StringRef Tool) {
  auto Buffer = llvm::MemoryBuffer::getFile(Path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!Buffer)
    return nullptr;
  auto I = std::make_unique<Index>();
  I->Buffer = std::move(*Buffer);
  llvm::StringRef Text = I->Buffer->getBuffer();

  // The checksum line closes the index: anything torn or edited fails here.
  size_t ChecksumAt = Text.rfind("checksum ");
  if (ChecksumAt == llvm::StringRef::npos)
    return nullptr;
  uint64_t Stored = 0;
  llvm::StringRef ChecksumLine = Text.drop_front(ChecksumAt + 9);
  if (!ChecksumLine.consume_back("\n") || ChecksumLine.size() != 16 ||
      !parseHex(ChecksumLine, Stored) ||
      Stored != llvm::xxh3_64bits(Text.take_front(ChecksumAt)))
    return nullptr;

  LineReader In(Text.take_front(ChecksumAt));
  llvm::StringRef Line, Value;
  uint64_t Files = 0, Entries = 0;
  if (!In.line(Line) || Line != Magic || !In.field("tool", Value) || Value != Tool ||
      !In.field("files", Value) || !parseDecimal(Value, Files) || Files > Text.size())
    return nullptr;
  I->Rows.reserve(Files);
  for (uint64_t N = 0; N < Files; ++N) {
    Index::Row R;
    llvm::StringRef Hash, Size, Stat;
    if (!In.line(Line))
      return nullptr;
    R.Line = Line;
    std::tie(Hash, Line) = Line.split(' ');
    std::tie(Size, Line) = Line.split(' ');
    std::tie(Stat, R.Path) = Line.split(' ');
    R.Absent = Hash == "-" && Size == "-" && Stat == "-";
    R.HasStat = !R.Absent && Stat != "-";
    R.Lookup = !R.Absent && hasDotComponents(R.Path);
    if (!R.Absent && !R.Lookup)
      R.PathId = I->PathIds.try_emplace(R.Path, I->PathIds.size()).first->second;
    if ((!R.Absent && (!parseHex(Hash, R.Hash) || !parseDecimal(Size, R.Size))) ||
        (R.HasStat && !parseStat(Stat, R.Size, R.Stat)) || R.Path.empty())
      return nullptr;
    I->Rows.push_back(R);
  }
  if (!In.field("entries", Value) || !parseDecimal(Value, Entries) || Entries > Text.size())
    return nullptr;
  for (uint64_t N = 0; N < Entries; ++N) {
    Index::Entry E;
    llvm::StringRef Key, Kind, LastUsed;
    uint64_t Number = 0;
    if (!In.line(Line))
      return nullptr;
    std::tie(Key, Line) = Line.split(' ');
    std::tie(Kind, Line) = Line.split(' ');
    std::tie(LastUsed, Line) = Line.split(' ');
    if (Key.size() != 32 || (Kind != "skipped" && Kind != "parsed") ||
        !parseDecimal(LastUsed, Number) || Line.empty())
      return nullptr;
    E.Skipped = Kind == "skipped";
    E.LastUsed = static_cast<int64_t>(Number);
    E.RowText = Line;
    if (!E.Skipped) {
      uint64_t Length = 0;
      if (!In.field("result", Value) || !parseDecimal(Value, Length) ||
          !In.bytes(Length, E.Json))
        return nullptr;
    }
    if (!I->Entries.try_emplace(Key, std::move(E)).second)
      return nullptr;
  }
  if (!In.done())
    return nullptr;
  I->RowState = std::make_unique<std::atomic<uint8_t>[]>(I->Rows.size());
  I->TargetState = std::make_unique<std::atomic<uint8_t>[]>(I->Rows.size());
  I->Targets.resize(I->Rows.size(), NoPath);
  return I;
}

std::optional<FileStat> FileStat::of(llvm::StringRef Path) {
  llvm::SmallString<256> Name(Path);
  struct stat St;
  if (::stat(Name.c_str(), &St) != 0)
    return std::nullopt;
  return fromStat(St);
}

std::optional<FileStat> FileStat::ofOpenFile(int FD) {
  struct stat St;
  if (::fstat(FD, &St) != 0)
    return std::nullopt;
  return fromStat(St);
}

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

ResultCache::ResultCache(std::string Directory, std::string ToolIdentity,
                         std::chrono::seconds MaxUnused)
    : Directory(std::move(Directory)), ToolIdentity(hex128(ToolIdentity)),
      MaxUnused(MaxUnused), RunStart(std::chrono::system_clock::now()),
      Paths(std::make_unique<RealPathCache>()) {
  Loaded = Index::read(indexPath(), this->ToolIdentity);
}

ResultCache::~ResultCache() { commit(); }

std::string ResultCache::defaultToolIdentity() {
  std::string Identity = fmt::format("task-scan {} LLVM {}", TASK_SCAN_VERSION,
                                     LLVM_VERSION_STRING);
  // Developers rebuild without changing the version: the binary tells.
  std::string Exe = fs::getMainExecutable(
      "task-scan", reinterpret_cast<void *>(&ResultCache::defaultToolIdentity));
  fs::file_status Status;
  if (!Exe.empty() && !fs::status(Exe, Status))
    Identity += fmt::format(
        " {} {} {}", Exe, Status.getSize(),
        Status.getLastModificationTime().time_since_epoch().count());
  return Identity;
}

uint32_t ResultCache::RowTable::number(llvm::StringRef Line) {
  auto [It, Inserted] = Numbers.try_emplace(Line, Lines.size());
  if (Inserted)
    Lines.push_back(It->getKey());
  return It->second;
}

std::string ResultCache::indexPath() const { return joinPath(Directory, IndexName); }

std::string ResultCache::entryKey(const ScanJob &Job,
                                  llvm::ArrayRef<std::string> CommandLine) const {
  std::string Material = Job.Directory + '\0' + Paths->path(Job.Directory, Job.File) + '\0';
  for (const std::string &Arg : CommandLine)
    Material += Arg + '\0';
  // The driver adds include directories from these.
  for (const char *Var : {"CPATH", "C_INCLUDE_PATH", "CPLUS_INCLUDE_PATH"}) {
    const char *Value = std::getenv(Var);
    Material += fmt::format("{}={}", Var, Value ? Value : "") + '\0';
  }
  return hex128(Material);
}

uint32_t ResultCache::lookupRowTarget(uint32_t Row) {
  std::atomic<uint8_t> &State = Loaded->TargetState[Row];
  uint8_t Unresolved = 0;
  if (State.load(std::memory_order_acquire) == 0 &&
      State.compare_exchange_strong(Unresolved, 1, std::memory_order_acquire)) {
    std::string Target = Paths->existing(Loaded->Rows[Row].Path);
    auto Known = Loaded->PathIds.find(Target);
    Loaded->Targets[Row] =
        Target.empty() || Known == Loaded->PathIds.end() ? Index::NoPath : Known->second;
    State.store(2, std::memory_order_release);
  }
  // Another thread is resolving it: a few system calls' wait.
  while (State.load(std::memory_order_acquire) != 2)
    std::this_thread::yield();
  return Loaded->Targets[Row];
}

bool ResultCache::rowStillValid(uint32_t Row) {
  std::atomic<uint8_t> &State = Loaded->RowState[Row];
  uint8_t Known = State.load(std::memory_order_relaxed);
  if (Known == 0) {
    const Index::Row &R = Loaded->Rows[Row];
    if (R.Absent) {
      fs::file_status Status;
      Known = fs::status(R.Path, Status) ? 1 : 2;
    } else {
      // Unchanged metadata means unchanged content, except for a racily
      // clean row (it has no stat): only the others are hashed.
      std::optional<FileStat> Stat;
      if (R.HasStat)
        Stat = FileStat::of(R.Path);
      if (Stat && *Stat == R.Stat) {
        Known = 1;
      } else {
        std::optional<FileDigest> Now = Hasher.digest(R.Path);
        Known = Now && Now->Hash == R.Hash && Now->Size == R.Size ? 1 : 2;
      }
    }
    State.store(Known, std::memory_order_relaxed);
  }
  return Known == 1;
}

std::optional<CachedUnit> ResultCache::lookup(const ScanJob &Job,
                                              llvm::ArrayRef<std::string> CommandLine) {
  if (!Loaded)
    return std::nullopt;
  std::string Key = entryKey(Job, CommandLine);
  auto It = Loaded->Entries.find(Key);
  if (It == Loaded->Entries.end())
    return std::nullopt;
  const Index::Entry &E = It->second;
  llvm::SmallVector<uint32_t, 512> Rows;
  if (!Loaded->rowsOf(E.RowText, Rows))
    return std::nullopt;
  std::string MainFile = Paths->path(Job.Directory, Job.File);
  if (Loaded->Rows[Rows.front()].Path != MainFile ||
      Loaded->Rows[Rows.front()].Absent)
    return std::nullopt;
  for (uint32_t Row : Rows)
    if (!rowStillValid(Row))
      return std::nullopt; // a dependency changed or vanished, or appeared
  // Same content is not the same file: a name must still lead to a file
  // this entry read (a symbolic link replaced by a copy of its target, or
  // re-pointed at an identical file, is another file for the depfile).
  if (llvm::any_of(Rows, [&](uint32_t Row) { return Loaded->Rows[Row].Lookup; })) {
    llvm::SmallDenseSet<uint32_t, 512> Read; // the paths of the entry's files
    for (uint32_t Row : Rows)
      if (!Loaded->Rows[Row].Absent && !Loaded->Rows[Row].Lookup)
        Read.insert(Loaded->Rows[Row].PathId);
    for (uint32_t Row : Rows) {
      if (!Loaded->Rows[Row].Lookup)
        continue;
      uint32_t Target = lookupRowTarget(Row);
      if (Target == Index::NoPath || !Read.contains(Target))
        return std::nullopt;
    }
  }

  CachedUnit Unit;
  Unit.Result.MainFile = std::move(MainFile);
  Unit.Skipped = E.Skipped;
  if (!E.Skipped) {
    llvm::Expected<llvm::json::Value> Value = llvm::json::parse(E.Json);
    if (!Value) {
      llvm::consumeError(Value.takeError());
      return std::nullopt;
    }
    if (!fromJson(*Value, Unit.Result))
      return std::nullopt;
    Unit.Result.Parsed = false;
  }
  std::lock_guard<std::mutex> Guard(PendingLock);
  Used.insert(Key);
  HitRows.push_back(E.RowText);
  return Unit;
}

std::vector<std::string> ResultCache::hitDependencies() {
  std::vector<std::string> Files;
  if (!Loaded)
    return Files;
  // Hits share most of their rows (the same headers): each row once.
  llvm::BitVector Seen(Loaded->Rows.size());
  std::lock_guard<std::mutex> Guard(PendingLock);
  llvm::SmallVector<uint32_t, 512> Rows;
  for (llvm::StringRef RowText : HitRows) {
    Loaded->rowsOf(RowText, Rows); // read once by lookup() already
    for (uint32_t Row : Rows)
      if (!Seen.test(Row)) {
        Seen.set(Row);
        const Index::Row &R = Loaded->Rows[Row];
        if (!R.Absent && !R.Lookup)
          Files.push_back(R.Path.str());
      }
  }
  llvm::sort(Files);
  Files.erase(std::unique(Files.begin(), Files.end()), Files.end());
  return Files;
}

bool ResultCache::storeSkipped(const ScanJob &Job, llvm::ArrayRef<std::string> CommandLine,
                               llvm::ArrayRef<std::string> Dependencies,
                               llvm::ArrayRef<std::string> AbsentFiles,
                               llvm::ArrayRef<std::string> LookupPaths) {
  return store(Job, CommandLine, /*Skipped=*/true, Dependencies, AbsentFiles, LookupPaths,
               nullptr);
}

bool ResultCache::storeResult(const ScanJob &Job, llvm::ArrayRef<std::string> CommandLine,
                              const TranslationUnitResult &Result) {
  if (hasClangErrors(Result))
    return false;
  return store(Job, CommandLine, /*Skipped=*/false, Result.Dependencies, Result.AbsentFiles,
               Result.LookupPaths, &Result);
}

bool ResultCache::store(const ScanJob &Job, llvm::ArrayRef<std::string> CommandLine,
                        bool Skipped, llvm::ArrayRef<std::string> Dependencies,
                        llvm::ArrayRef<std::string> AbsentFiles,
                        llvm::ArrayRef<std::string> LookupPaths,
                        const TranslationUnitResult *Result) {
  // Without the main file among the dependencies the entry could not notice
  // the most common edit; such a result is not kept. Both are real paths
  // (RealPath.h): the file the compiler opened.
  std::string MainFile = realPath(Job.Directory, Job.File);
  if (!llvm::is_contained(Dependencies, MainFile))
    return refuse(fmt::format("'{}' is not among the files its scan read", MainFile));
  PendingEntry Entry;
  Entry.Skipped = Skipped;
  std::vector<std::string> Lines;
  std::vector<llvm::StringRef> Ordered = {MainFile};
  for (const std::string &D : Dependencies)
    if (D != MainFile)
      Ordered.push_back(D);
  // Rows for the names files were opened by, too: reading through such a
  // name reads what the compiler would open now, so a re-pointed symbolic
  // link (or one replaced by a file) changes the row's content. Written
  // with a leading "/." (the same file to the file system; never in a real
  // path), which tells lookup() they are not dependencies of their own.
  std::vector<std::string> Marked;
  Marked.reserve(LookupPaths.size());
  for (const std::string &L : LookupPaths)
    if (llvm::sys::path::is_absolute(L) && !llvm::is_contained(Dependencies, L))
      Marked.push_back("/." + L);
  Ordered.insert(Ordered.end(), Marked.begin(), Marked.end());
  for (llvm::StringRef D : Ordered) {
    std::optional<FileDigest> Digest = Hasher.digest(D);
    // Unreadable, or changed while this run read it: the result may not
    // match the content the hash describes.
    if (!Digest)
      return refuse(fmt::format("cannot read '{}', which the scan read", D.str()));
    if (Digest->ModificationTime >= RunStart)
      return refuse(fmt::format("'{}' was modified after the run started (or its "
                                "modification time is in the future)",
                                D.str()));
    if (D.contains('\n'))
      return refuse("a file name holds a line break");
    bool Racy = std::max(Digest->Stat.ModifiedNs, Digest->Stat.ChangedNs) >=
                nanoseconds(RunStart - RacyWindow);
    Lines.push_back(rowLine(Digest->Hash, Digest->Size, Racy ? nullptr : &Digest->Stat, D));
  }
  for (llvm::StringRef A : AbsentFiles) {
    // Created while this run looked: the result may have missed it.
    fs::file_status Status;
    if (!fs::status(A, Status))
      return refuse(fmt::format("'{}' appeared while the run looked for it", A.str()));
    if (A.contains('\n'))
      return refuse("a file name holds a line break");
    Lines.push_back("- - - " + A.str());
  }
  if (Result) {
    // The dependencies are the rows.
    TranslationUnitResult Stored = *Result;
    Stored.Dependencies.clear();
    Stored.AbsentFiles.clear();
    llvm::raw_string_ostream(Entry.Json) << toJson(Stored);
  }
  std::string Key = entryKey(Job, CommandLine);
  std::lock_guard<std::mutex> Guard(PendingLock);
  Entry.Rows.reserve(Lines.size());
  for (const std::string &Line : Lines)
    Entry.Rows.push_back(PendingRows.number(Line));
  Pending.insert_or_assign(Key, std::move(Entry));
  ++Report.Stored;
  return true;
}

bool ResultCache::refuse(std::string Why) {
  std::lock_guard<std::mutex> Guard(PendingLock);
  if (Report.Refused++ == 0)
    Report.FirstRefusal = std::move(Why);
  return false;
}

ResultCache::StoreReport ResultCache::storeReport() {
  std::lock_guard<std::mutex> Guard(PendingLock);
  return Report;
}

bool ResultCache::commit() {
  llvm::StringMap<PendingEntry> New;
  RowTable NewRows;
  llvm::StringSet<> UsedNow;
  {
    std::lock_guard<std::mutex> Guard(PendingLock);
    if (Pending.empty())
      return true; // a warm run writes nothing
    New = std::move(Pending);
    Pending.clear();
    NewRows = std::move(PendingRows);
    PendingRows = RowTable();
    UsedNow = Used;
  }
  if (fs::create_directories(Directory))
    return false;
  FileLock Lock(joinPath(Directory, LockName));
  if (!Lock.locked())
    return false;

  // Under the lock every temporary file is an orphan of a killed run; files
  // of format 1 (one per entry) are of no use to this one.
  std::error_code EC;
  for (fs::directory_iterator It(Directory, EC), End; It != End && !EC; It.increment(EC)) {
    llvm::StringRef Name = llvm::sys::path::filename(It->path());
    if (Name.starts_with(TempPrefix) || (Name.ends_with(".entry") && Name.size() == 38))
      fs::remove(It->path());
  }

  // Merge into the index as it is now: other runs may have committed since
  // this one started.
  std::unique_ptr<Index> Current = Index::read(indexPath(), ToolIdentity);
  int64_t Now = unixSeconds(std::chrono::system_clock::now());
  RowTable Rows;
  // Each old and each new row is numbered once, then by a vector lookup:
  // entries share most rows, and renumbering every entry's every row
  // through the table cost an edit of one file in a 10,000-file project
  // a second.
  constexpr uint32_t Unnumbered = ~0u;
  std::vector<uint32_t> CurrentNumber(Current ? Current->Rows.size() : 0, Unnumbered);
  std::vector<uint32_t> NewNumber(NewRows.Lines.size(), Unnumbered);
  auto Renumber = [&](std::vector<uint32_t> &Numbers, uint32_t Row, llvm::StringRef Line) {
    if (Numbers[Row] == Unnumbered)
      Numbers[Row] = Rows.number(Line);
    return Numbers[Row];
  };
  struct Merged {
    std::string Key;
    bool Skipped;
    int64_t LastUsed;
    std::vector<uint32_t> Rows;
    llvm::StringRef Json;
  };
  std::vector<Merged> Entries;
  if (Current)
    for (const auto &Entry : Current->Entries) {
      // By reference: a structured binding would copy the value.
      llvm::StringRef Key = Entry.getKey();
      const Index::Entry &E = Entry.getValue();
      if (New.count(Key))
        continue;
      int64_t LastUsed = UsedNow.count(Key) ? Now : E.LastUsed;
      if (Now - LastUsed > MaxUnused.count())
        continue; // no run has wanted it for a long time
      llvm::SmallVector<uint32_t, 512> Numbers;
      if (!Current->rowsOf(E.RowText, Numbers))
        continue; // names a row that is not there: a miss anyway
      Merged M{Key.str(), E.Skipped, LastUsed, {}, E.Json};
      for (uint32_t Row : Numbers)
        M.Rows.push_back(Renumber(CurrentNumber, Row, Current->Rows[Row].Line));
      Entries.push_back(std::move(M));
    }
  for (const auto &Entry : New) {
    const PendingEntry &E = Entry.getValue();
    Merged M{Entry.getKey().str(), E.Skipped, Now, {}, E.Json};
    for (uint32_t Row : E.Rows)
      M.Rows.push_back(Renumber(NewNumber, Row, NewRows.Lines[Row]));
    Entries.push_back(std::move(M));
  }
  // The same runs give the same bytes.
  llvm::sort(Entries, [](const Merged &A, const Merged &B) { return A.Key < B.Key; });

  std::string Text = fmt::format("{}\ntool {}\nfiles {}\n", Magic, ToolIdentity, Rows.Lines.size());
  for (llvm::StringRef Line : Rows.Lines)
    (Text += Line) += '\n';
  Text += fmt::format("entries {}\n", Entries.size());
  for (const Merged &M : Entries) {
    Text += fmt::format("{} {} {}", M.Key, M.Skipped ? "skipped" : "parsed", M.LastUsed);
    for (uint32_t Row : M.Rows)
      fmt::format_to(std::back_inserter(Text), " {}", Row);
    Text += '\n';
    if (!M.Skipped)
      Text += fmt::format("result {}\n{}\n", M.Json.size(), M.Json);
  }
  Text += fmt::format("checksum {:016x}\n", llvm::xxh3_64bits(Text));

  // A temporary file in the same directory, then an atomic rename.
  int FD = -1;
  llvm::SmallString<256> Temp;
  if (fs::createUniqueFile(joinPath(Directory, TempPrefix) + "%%%%%%%%%%%%", FD, Temp))
    return false;
  bool Written;
  {
    llvm::raw_fd_ostream Out(FD, /*shouldClose=*/true);
    Out << Text;
    Out.close();
    Written = !Out.has_error();
    if (!Written)
      Out.clear_error();
  }
  if (!Written || fs::rename(Temp, indexPath())) {
    fs::remove(Temp);
    return false;
  }
  return true;
}

} // namespace taskscan
