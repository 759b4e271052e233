//===- CacheIndex.cpp - The result cache's index file ---------------------===//
#include "CacheIndex.h"

#include "llvm/Support/xxhash.h"

#include <fmt/format.h>

#include <iterator>

namespace taskscan {

namespace {

constexpr llvm::StringLiteral Magic = "task-scan-cache 4";


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

bool hasDotComponents(llvm::StringRef Path) {
  return Path.contains("/./") || Path.contains("/../") || Path.ends_with("/.") ||
         Path.ends_with("/..");
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


std::string rowLine(uint64_t Hash, uint64_t Size, const FileStat *Stat, llvm::StringRef Path) {
  if (!Stat)
    return fmt::format("{:016x} {} - {}", Hash, Size, Path.str());
  return fmt::format("{:016x} {} {:x}.{:x}.{:x}.{:x} {}", Hash, Size, Stat->Device,
                     Stat->Inode, static_cast<uint64_t>(Stat->ModifiedNs),
                     static_cast<uint64_t>(Stat->ChangedNs), Path.str());
}

bool ResultCache::Index::rowsOf(llvm::StringRef RowText,
                                 llvm::SmallVectorImpl<uint32_t> &Out) const {
  Out.clear();
  while (!RowText.empty()) {
    llvm::StringRef Number;
    uint64_t Row = 0;
    std::tie(Number, RowText) = RowText.split(' ');
    if (Number.starts_with("@")) {
      // A group's rows, the last of an entry's.
      llvm::StringRef Group = groupText(Number);
      if (Group.empty() || !RowText.empty())
        return false;
      RowText = Group;
      continue;
    }
    if (!parseDecimal(Number, Row) || Row >= Rows.size())
      return false;
    Out.push_back(static_cast<uint32_t>(Row));
  }
  return !Out.empty();
}

llvm::StringRef ResultCache::Index::groupText(llvm::StringRef Reference) const {
  uint64_t Group = 0;
  if (!Reference.consume_front("@") || !parseDecimal(Reference, Group) ||
      Group >= Groups.size())
    return {};
  return Groups[Group];
}

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
  uint64_t Groups = 0;
  if (!In.field("groups", Value) || !parseDecimal(Value, Groups) || Groups > Text.size())
    return nullptr;
  I->Groups.reserve(Groups);
  for (uint64_t N = 0; N < Groups; ++N) {
    // Checked as an entry's rows are: when an entry names it.
    if (!In.line(Line) || Line.empty() || Line.contains('@'))
      return nullptr;
    I->Groups.push_back(Line);
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

std::string formatIndex(llvm::StringRef ToolIdentity, llvm::ArrayRef<llvm::StringRef> RowLines,
                        llvm::ArrayRef<IndexEntryText> Entries) {
  std::string Text = fmt::format("{}\ntool {}\nfiles {}\n", Magic, ToolIdentity, RowLines.size());
  // Which rows are names a file was opened by (see Index::Row::Lookup).
  std::vector<bool> IsName(RowLines.size());
  for (size_t N = 0; N < RowLines.size(); ++N) {
    (Text += RowLines[N]) += '\n';
    llvm::StringRef Hash, Size, Stat, Path;
    std::tie(Hash, Path) = RowLines[N].split(' ');
    std::tie(Size, Path) = Path.split(' ');
    std::tie(Stat, Path) = Path.split(' ');
    IsName[N] = Hash != "-" && hasDotComponents(Path);
  }
  // An entry's own rows (its main file and that file's names) in its line,
  // the rest as a group that entries with the same rest share.
  llvm::StringMap<uint32_t> GroupNumbers;
  std::vector<llvm::StringRef> GroupLines;
  std::vector<std::string> Heads;
  std::vector<std::string> Rests(Entries.size());
  std::vector<uint32_t> GroupOf(Entries.size(), ~0u);
  for (size_t E = 0; E < Entries.size(); ++E) {
    llvm::ArrayRef<uint32_t> Rows = Entries[E].Rows;
    size_t Own = Rows.empty() ? 0 : 1;
    while (Own < Rows.size() && IsName[Rows[Own]])
      ++Own;
    std::string Head;
    for (uint32_t Row : Rows.take_front(Own))
      fmt::format_to(std::back_inserter(Head), " {}", Row);
    Heads.push_back(std::move(Head));
    for (uint32_t Row : Rows.drop_front(Own))
      fmt::format_to(std::back_inserter(Rests[E]), "{}{}", Rests[E].empty() ? "" : " ", Row);
    if (Rests[E].empty())
      continue;
    auto [It, New] = GroupNumbers.try_emplace(Rests[E], GroupLines.size());
    if (New)
      GroupLines.push_back(It->getKey());
    GroupOf[E] = It->second;
  }
  Text += fmt::format("groups {}\n", GroupLines.size());
  for (llvm::StringRef Line : GroupLines)
    (Text += Line) += '\n';
  Text += fmt::format("entries {}\n", Entries.size());
  for (size_t E = 0; E < Entries.size(); ++E) {
    const IndexEntryText &M = Entries[E];
    Text += fmt::format("{} {} {}{}", M.Key, M.Skipped ? "skipped" : "parsed", M.LastUsed,
                        Heads[E]);
    if (GroupOf[E] != ~0u)
      Text += fmt::format(" @{}", GroupOf[E]);
    Text += '\n';
    if (!M.Skipped)
      Text += fmt::format("result {}\n{}\n", M.Json.size(), M.Json);
  }
  Text += fmt::format("checksum {:016x}\n", llvm::xxh3_64bits(Text));
  return Text;
}

} // namespace taskscan
