//===- ResultCache.cpp - Per-file scan results kept across runs -----------===//
//
// Whether a kept result still holds: each entry's rows (files read, files
// that must stay absent, names a file was opened by) are checked against the
// file system, each row once per run however many entries name it; stores
// of this run are merged into the index under a lock, and entries unused for
// MaxUnused are dropped. The index file's format is in CacheIndex.h.
//
//===----------------------------------------------------------------------===//
#include "taskscan/ResultCache.h"

#include "CacheIndex.h"
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

} // namespace

/// An entry stored by this run, not yet in the index.
struct ResultCache::PendingEntry {
  bool Skipped = false;
  /// Numbers into PendingRows.Lines, the main file first: a large project's
  /// entries share most rows (the same headers), each kept once.
  std::vector<uint32_t> Rows;
  std::string Json;
};

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

bool ResultCache::isRacy(const FileStat &Stat) const {
  return std::max(Stat.ModifiedNs, Stat.ChangedNs) >= nanoseconds(RunStart - RacyWindow);
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
        // Racily clean when it was stored, unchanged and quiet since: from
        // now on its stat stands for its content (the rule of store()).
        if (Known == 1 && !R.HasStat && !isRacy(Now->Stat)) {
          std::lock_guard<std::mutex> Guard(PendingLock);
          Refreshed.try_emplace(R.Line, rowLine(R.Hash, R.Size, &Now->Stat, R.Path));
        }
      }
    }
    State.store(Known, std::memory_order_relaxed);
  }
  return Known == 1;
}

std::shared_ptr<const ResultCache::GroupVerdict>
ResultCache::groupVerdict(llvm::StringRef RowText) {
  {
    std::lock_guard<std::mutex> Guard(GroupLock);
    auto Known = Groups.find(RowText);
    if (Known != Groups.end())
      return Known->second;
  }
  auto Verdict = std::make_shared<GroupVerdict>();
  llvm::SmallVector<uint32_t, 512> Rows;
  Verdict->Valid = Loaded->rowsOf(RowText, Rows) &&
                   llvm::all_of(Rows, [&](uint32_t Row) { return rowStillValid(Row); });
  // Same content is not the same file: a name must still lead to a file
  // the entry read (a symbolic link replaced by a copy of its target, or
  // re-pointed at an identical file, is another file for the depfile).
  if (Verdict->Valid) {
    for (uint32_t Row : Rows)
      if (!Loaded->Rows[Row].Absent && !Loaded->Rows[Row].Lookup)
        Verdict->Read.insert(Loaded->Rows[Row].PathId);
    for (uint32_t Row : Rows) {
      if (!Loaded->Rows[Row].Lookup)
        continue;
      uint32_t Target = lookupRowTarget(Row);
      if (Target == Index::NoPath)
        Verdict->Valid = false;
      else if (!Verdict->Read.contains(Target))
        Verdict->TargetsOutside.push_back(Target); // the main file's, or a miss
    }
  }
  std::lock_guard<std::mutex> Guard(GroupLock);
  return Groups.try_emplace(RowText, std::move(Verdict)).first->second;
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
  // The main file's row, then the rest: entries that read the same headers
  // have the same rest, checked once per run (groupVerdict()).
  auto [MainText, Rest] = E.RowText.split(' ');
  uint64_t Main = 0;
  if (!parseDecimal(MainText, Main) || Main >= Loaded->Rows.size())
    return std::nullopt;
  std::string MainFile = Paths->path(Job.Directory, Job.File);
  const Index::Row &MainRow = Loaded->Rows[Main];
  if (MainRow.Path != MainFile || MainRow.Absent || MainRow.Lookup ||
      !rowStillValid(uint32_t(Main)))
    return std::nullopt;
  // The names the main file was opened by (store() puts them next).
  llvm::SmallVector<uint32_t, 4> OwnTargets;
  while (!Rest.empty() && !Rest.starts_with("@")) {
    auto [Text, After] = Rest.split(' ');
    uint64_t Row = 0;
    if (!parseDecimal(Text, Row) || Row >= Loaded->Rows.size())
      return std::nullopt;
    const Index::Row &Name = Loaded->Rows[Row];
    if (!Name.Lookup)
      break;
    uint32_t Target = lookupRowTarget(uint32_t(Row));
    if (Target == Index::NoPath)
      return std::nullopt;
    // A name that leads to the main file read what the main file's row
    // holds when their contents were the same: the main row's check
    // answers for it (one stat fewer per entry).
    bool SameAsMain = Target == MainRow.PathId && Name.Hash == MainRow.Hash &&
                      Name.Size == MainRow.Size;
    if (!SameAsMain && !rowStillValid(uint32_t(Row)))
      return std::nullopt;
    OwnTargets.push_back(Target);
    Rest = After;
  }
  std::shared_ptr<const GroupVerdict> Group;
  if (Rest.starts_with("@")) {
    Rest = Loaded->groupText(Rest);
    if (Rest.empty())
      return std::nullopt;
  }
  if (!Rest.empty()) {
    Group = groupVerdict(Rest);
    if (!Group->Valid)
      return std::nullopt; // a dependency changed or vanished, or appeared
  }
  // Same content is not the same file: a name must still lead to a file
  // the entry read (the main file or one of the rest).
  auto ReadByEntry = [&](uint32_t Target) {
    return Target == MainRow.PathId || (Group && Group->Read.contains(Target));
  };
  if (!llvm::all_of(OwnTargets, ReadByEntry) ||
      (Group && !llvm::all_of(Group->TargetsOutside, ReadByEntry)))
    return std::nullopt;

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
  // The names of the main file come right after it, the others last: the
  // rows after an entry's own are then the same for every entry that read
  // the same headers the same way, checked once per run (lookup()).
  // (Only a name that ends as the main file's does can name it: the real
  // path, a few system calls per component, is asked of those alone.)
  std::vector<std::string> Marked, Own;
  Marked.reserve(LookupPaths.size());
  llvm::StringRef MainName = llvm::sys::path::filename(MainFile);
  for (const std::string &L : LookupPaths)
    if (llvm::sys::path::is_absolute(L) && !llvm::is_contained(Dependencies, L)) {
      bool NamesMain =
          llvm::sys::path::filename(L) == MainName && realPath(Job.Directory, L) == MainFile;
      (NamesMain ? Own : Marked).push_back("/." + L);
    }
  Ordered.insert(Ordered.begin() + 1, Own.begin(), Own.end());
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
    Lines.push_back(
        rowLine(Digest->Hash, Digest->Size, isRacy(Digest->Stat) ? nullptr : &Digest->Stat, D));
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
  llvm::StringMap<std::string> RefreshedNow;
  {
    std::lock_guard<std::mutex> Guard(PendingLock);
    // A warm run writes nothing, but once for rows it found no longer racy.
    if (Pending.empty() && Refreshed.empty())
      return true;
    New = std::move(Pending);
    Pending.clear();
    NewRows = std::move(PendingRows);
    PendingRows = RowTable();
    UsedNow = Used;
    RefreshedNow = std::move(Refreshed);
    Refreshed.clear();
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
    if (Numbers[Row] == Unnumbered) {
      auto Now = RefreshedNow.find(Line);
      Numbers[Row] = Rows.number(Now == RefreshedNow.end() ? Line : llvm::StringRef(Now->second));
    }
    return Numbers[Row];
  };
  using Merged = IndexEntryText;
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

  std::string Text = formatIndex(ToolIdentity, Rows.Lines, Entries);

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
