//===- AnnotationArguments.cpp - Parsing FLYTE_TASK(key = value, ...) -----===//
#include "taskscan/AnnotationArguments.h"

#include "llvm/ADT/StringExtras.h"

#include <fmt/format.h>

#include <cctype>
#include <limits>

namespace taskscan {

std::string ConstantName::spelling() const {
  std::string S = Global ? "::" : "";
  for (size_t I = 0; I < Parts.size(); ++I)
    S += (I ? "::" : "") + Parts[I];
  return S;
}

std::string derivedTaskName(llvm::StringRef QualifiedName) {
  std::string Name = QualifiedName.str();
  for (size_t Pos; (Pos = Name.find("::")) != std::string::npos;)
    Name.replace(Pos, 2, ".");
  return Name;
}

namespace {

enum class TokenKind { Identifier, String, Number, Equal, Comma, ColonColon,
                       Minus, End, Invalid };

struct Token {
  TokenKind Kind;
  std::string Text; ///< Identifier/number spelling, or a string's value.
};

/// A tokenizer for the little language of annotation arguments. The text
/// is what the preprocessor stringified, so it is already one line with
/// comments removed.
class ArgumentLexer {
public:
  explicit ArgumentLexer(llvm::StringRef Text) : Rest(Text) {}

  Token next() {
    Rest = Rest.ltrim();
    if (Rest.empty())
      return {TokenKind::End, ""};
    char C = Rest.front();
    if (std::isalpha(static_cast<unsigned char>(C)) || C == '_')
      return lexIdentifier();
    if (std::isdigit(static_cast<unsigned char>(C)))
      return lexNumber();
    if (C == '"')
      return lexString();
    if (Rest.consume_front("::"))
      return {TokenKind::ColonColon, "::"};
    Rest = Rest.drop_front();
    switch (C) {
    case '=':
      return {TokenKind::Equal, "="};
    case ',':
      return {TokenKind::Comma, ","};
    case '-':
      return {TokenKind::Minus, "-"};
    default:
      return {TokenKind::Invalid, std::string(1, C)};
    }
  }

  /// Set when a string literal was malformed.
  std::string Error;

private:
  Token lexIdentifier() {
    size_t N = 0;
    while (N < Rest.size() &&
           (std::isalnum(static_cast<unsigned char>(Rest[N])) || Rest[N] == '_'))
      ++N;
    std::string Id = Rest.take_front(N).str();
    Rest = Rest.drop_front(N);
    // u8"..", L"..", R"(..)": only plain literals are accepted.
    if (!Rest.empty() && (Rest.front() == '"' || Rest.front() == '\'')) {
      Error = fmt::format("only plain string literals are supported, not "
                          "'{}' prefixed ones",
                          Id);
      return {TokenKind::Invalid, Id};
    }
    return {TokenKind::Identifier, Id};
  }

  Token lexNumber() {
    size_t N = 0;
    while (N < Rest.size() &&
           (std::isalnum(static_cast<unsigned char>(Rest[N])) || Rest[N] == '\'' ||
            Rest[N] == '.'))
      ++N;
    std::string Num = Rest.take_front(N).str();
    Rest = Rest.drop_front(N);
    return {TokenKind::Number, Num};
  }

  Token lexString() {
    Rest = Rest.drop_front(); // the opening quote
    std::string Value;
    while (!Rest.empty() && Rest.front() != '"') {
      char C = Rest.front();
      Rest = Rest.drop_front();
      if (C != '\\') {
        Value += C;
        continue;
      }
      if (Rest.empty())
        break;
      char E = Rest.front();
      Rest = Rest.drop_front();
      switch (E) {
      case 'n': Value += '\n'; break;
      case 't': Value += '\t'; break;
      case 'r': Value += '\r'; break;
      case 'a': Value += '\a'; break;
      case 'b': Value += '\b'; break;
      case 'f': Value += '\f'; break;
      case 'v': Value += '\v'; break;
      case '\\': case '"': case '\'': case '?': Value += E; break;
      case 'x': {
        unsigned V = 0, Digits = 0;
        while (!Rest.empty() && llvm::isHexDigit(Rest.front()) && Digits < 2) {
          V = V * 16 + llvm::hexDigitValue(Rest.front());
          Rest = Rest.drop_front();
          ++Digits;
        }
        if (!Digits) {
          Error = "\\x used with no following hex digits";
          return {TokenKind::Invalid, ""};
        }
        Value += static_cast<char>(V);
        break;
      }
      default:
        if (E >= '0' && E <= '7') {
          unsigned V = E - '0';
          for (int I = 0; I < 2 && !Rest.empty() && Rest.front() >= '0' &&
                          Rest.front() <= '7';
               ++I) {
            V = V * 8 + (Rest.front() - '0');
            Rest = Rest.drop_front();
          }
          Value += static_cast<char>(V & 0xff);
          break;
        }
        Error = fmt::format("unsupported escape sequence '\\{}' in a string",
                            printable(llvm::StringRef(&E, 1)));
        return {TokenKind::Invalid, ""};
      }
    }
    if (Rest.empty()) {
      Error = "unterminated string literal";
      return {TokenKind::Invalid, ""};
    }
    Rest = Rest.drop_front(); // the closing quote
    return {TokenKind::String, Value};
  }

  llvm::StringRef Rest;
};

/// Parses a C++ integer literal: decimal, 0x, 0b or octal, digit
/// separators, u/l suffixes.
std::optional<int64_t> parseInteger(llvm::StringRef Spelling, bool Negative) {
  std::string Digits;
  for (char C : Spelling)
    if (C != '\'')
      Digits += C;
  llvm::StringRef S(Digits);
  S = S.rtrim("uUlL");
  unsigned Radix = 10;
  if (S.consume_front_insensitive("0x"))
    Radix = 16;
  else if (S.consume_front_insensitive("0b"))
    Radix = 2;
  else if (S.size() > 1 && S.front() == '0')
    Radix = 8;
  uint64_t Value;
  if (S.empty() || S.getAsInteger(Radix, Value))
    return std::nullopt;
  if (Value > uint64_t(std::numeric_limits<int64_t>::max()))
    return std::nullopt;
  return Negative ? -int64_t(Value) : int64_t(Value);
}

} // namespace

std::variant<std::vector<AnnotationArgument>, std::string>
parseAnnotationArguments(llvm::StringRef Text) {
  ArgumentLexer Lexer(Text);
  std::vector<AnnotationArgument> Args;
  Token Tok = Lexer.next();
  auto Fail = [&](std::string Message) -> std::string {
    return Lexer.Error.empty() ? Message : Lexer.Error;
  };
  while (Tok.Kind != TokenKind::End) {
    if (Tok.Kind == TokenKind::Comma) { // empty arguments (from wrappers) are fine
      Tok = Lexer.next();
      continue;
    }
    if (Tok.Kind != TokenKind::Identifier)
      return Fail(fmt::format("expected 'key = value', found '{}'",
                              printable(Tok.Text)));
    AnnotationArgument Arg;
    Arg.Key = Tok.Text;
    if (Lexer.next().Kind != TokenKind::Equal)
      return Fail(fmt::format("expected '=' after '{}'", Arg.Key));
    Tok = Lexer.next();
    if (Tok.Kind == TokenKind::String) {
      std::string Value;
      while (Tok.Kind == TokenKind::String) { // adjacent literals concatenate
        Value += Tok.Text;
        Tok = Lexer.next();
      }
      Arg.Value = std::move(Value);
    } else if (Tok.Kind == TokenKind::Number || Tok.Kind == TokenKind::Minus) {
      bool Negative = Tok.Kind == TokenKind::Minus;
      if (Negative && (Tok = Lexer.next()).Kind != TokenKind::Number)
        return Fail(fmt::format("expected a number after '-' for '{}'", Arg.Key));
      auto Value = parseInteger(Tok.Text, Negative);
      if (!Value)
        return Fail(fmt::format("'{}{}' is not an integer literal that fits "
                                "64 bits (value of '{}')",
                                Negative ? "-" : "", Tok.Text, Arg.Key));
      Arg.Value = *Value;
      Tok = Lexer.next();
    } else if (Tok.Kind == TokenKind::Identifier &&
               (Tok.Text == "true" || Tok.Text == "false")) {
      Arg.Value = Tok.Text == "true";
      Tok = Lexer.next();
    } else if (Tok.Kind == TokenKind::Identifier ||
               Tok.Kind == TokenKind::ColonColon) {
      ConstantName Name;
      Name.Global = Tok.Kind == TokenKind::ColonColon;
      if (Name.Global)
        Tok = Lexer.next();
      while (true) {
        if (Tok.Kind != TokenKind::Identifier)
          return Fail(fmt::format("expected a name in the value of '{}'",
                                  Arg.Key));
        Name.Parts.push_back(Tok.Text);
        Tok = Lexer.next();
        if (Tok.Kind != TokenKind::ColonColon)
          break;
        Tok = Lexer.next();
      }
      Arg.Value = std::move(Name);
    } else {
      return Fail(fmt::format(
          "the value of '{}' must be a string, integer or bool literal or "
          "the name of a constexpr constant",
          Arg.Key));
    }
    Args.push_back(std::move(Arg));
    if (Tok.Kind != TokenKind::Comma && Tok.Kind != TokenKind::End)
      return Fail(fmt::format("expected ',' after the value of '{}', found '{}'",
                              Args.back().Key, printable(Tok.Text)));
  }
  return Args;
}

const std::vector<llvm::StringRef> &knownTaskKeys() {
  static const std::vector<llvm::StringRef> Keys = {
      "container_image", "name",         "retries",      "timeout",
      "cache",           "cache_version", "requests_cpu", "requests_mem",
      "requests_gpu",    "limits_cpu",    "limits_mem",   "limits_gpu"};
  return Keys;
}

bool isValidTaskName(llvm::StringRef Name) {
  if (Name.empty() || Name.size() > 255)
    return false;
  if (!std::isalpha(static_cast<unsigned char>(Name.front())) && Name.front() != '_')
    return false;
  return llvm::all_of(Name, [](char C) {
    return std::isalnum(static_cast<unsigned char>(C)) || C == '_' ||
           C == '.' || C == '-';
  });
}

namespace {

const char *typeName(const ArgumentValue &V) {
  if (std::holds_alternative<std::string>(V))
    return "a string";
  if (std::holds_alternative<int64_t>(V))
    return "an integer";
  if (std::holds_alternative<bool>(V))
    return "a bool";
  return "a name";
}

/// `90s`, `10m`, `1h30m`, `2h`, `1h0m5s`: hours, minutes, seconds in order.
std::optional<int64_t> parseDuration(llvm::StringRef S) {
  if (S.empty())
    return std::nullopt;
  int64_t Total = 0;
  const char Units[] = {'h', 'm', 's'};
  const int64_t Scale[] = {3600, 60, 1};
  size_t Unit = 0;
  while (!S.empty()) {
    size_t Digits = 0;
    while (Digits < S.size() && std::isdigit(static_cast<unsigned char>(S[Digits])))
      ++Digits;
    if (Digits == 0 || Digits > 9 || Digits == S.size())
      return std::nullopt;
    int64_t N;
    if (S.take_front(Digits).getAsInteger(10, N))
      return std::nullopt;
    char U = S[Digits];
    while (Unit < 3 && Units[Unit] != U)
      ++Unit;
    if (Unit == 3)
      return std::nullopt;
    Total += N * Scale[Unit++];
    S = S.drop_front(Digits + 1);
  }
  return Total;
}

/// A Kubernetes resource quantity: a decimal number with an optional
/// binary (Ki..Ei), decimal (n, u, m, k, M..E) or exponent suffix.
bool isKubernetesQuantity(llvm::StringRef S) {
  if (S.empty() || S.size() > 64)
    return false;
  S.consume_front("+");
  size_t I = 0, IntDigits = 0, FracDigits = 0;
  while (I < S.size() && std::isdigit(static_cast<unsigned char>(S[I])))
    ++I, ++IntDigits;
  if (I < S.size() && S[I] == '.') {
    ++I;
    while (I < S.size() && std::isdigit(static_cast<unsigned char>(S[I])))
      ++I, ++FracDigits;
  }
  if (IntDigits + FracDigits == 0)
    return false;
  llvm::StringRef Suffix = S.drop_front(I);
  static const char *const Suffixes[] = {"",   "Ki", "Mi", "Gi", "Ti", "Pi", "Ei",
                                         "n",  "u",  "m",  "k",  "M",  "G",
                                         "T",  "P",  "E"};
  for (const char *Known : Suffixes)
    if (Suffix == Known)
      return true;
  if (Suffix.consume_front("e") || Suffix.consume_front("E")) {
    Suffix.consume_front("+") || Suffix.consume_front("-");
    return !Suffix.empty() && llvm::all_of(Suffix, [](char C) {
      return std::isdigit(static_cast<unsigned char>(C));
    });
  }
  return false;
}

std::string nearestKey(llvm::StringRef Key) {
  std::string Best;
  unsigned BestDistance = 4; // farther than this is no suggestion
  for (llvm::StringRef Known : knownTaskKeys()) {
    unsigned D = Key.edit_distance(Known, true, BestDistance);
    if (D < BestDistance) {
      BestDistance = D;
      Best = Known.str();
    }
  }
  return Best;
}

} // namespace

std::vector<ArgumentProblem>
validateTaskArguments(const std::vector<AnnotationArgument> &Args,
                      TaskOptions &Options) {
  std::vector<ArgumentProblem> Problems;
  std::vector<std::string> Seen;
  auto Problem = [&](std::string Check, std::string Key, std::string Message) {
    Problems.push_back({std::move(Check), std::move(Message), std::move(Key)});
  };
  for (const AnnotationArgument &Arg : Args) {
    const std::string &Key = Arg.Key;
    if (llvm::find(knownTaskKeys(), Key) == knownTaskKeys().end()) {
      std::string Near = nearestKey(Key);
      Problem("task-scan-unknown-key", Key,
              Near.empty()
                  ? fmt::format("unknown FLYTE_TASK key '{}'", Key)
                  : fmt::format("unknown FLYTE_TASK key '{}'; did you mean '{}'?",
                                Key, Near));
      continue;
    }
    if (llvm::is_contained(Seen, Key)) {
      Problem("task-scan-duplicate-key", Key,
              fmt::format("FLYTE_TASK key '{}' is given twice", Key));
      continue;
    }
    Seen.push_back(Key);
    const auto *Str = std::get_if<std::string>(&Arg.Value);
    const auto *Int = std::get_if<int64_t>(&Arg.Value);
    const auto *Bool = std::get_if<bool>(&Arg.Value);
    auto WrongType = [&](const char *Expected) {
      Problem("task-scan-argument-type", Key,
              fmt::format("'{}' expects {}, got {}", Key, Expected,
                          typeName(Arg.Value)));
    };
    if (Key == "container_image") {
      if (!Str)
        WrongType("a string");
      else
        Options.ContainerImage = *Str;
    } else if (Key == "name") {
      if (!Str)
        WrongType("a string");
      else if (!isValidTaskName(*Str))
        Problem("task-scan-task-name", Key,
                fmt::format("task name '{}' is not valid: use letters, digits, "
                            "'_', '.' and '-', starting with a letter or '_'",
                            printable(llvm::StringRef(*Str).take_front(80))));
      else
        Options.Name = *Str;
    } else if (Key == "retries") {
      if (!Int)
        WrongType("an integer");
      else if (*Int < 0 || *Int > std::numeric_limits<int32_t>::max())
        Problem("task-scan-argument-value", Key,
                fmt::format("'retries' must be between 0 and {}, got {}",
                            std::numeric_limits<int32_t>::max(), *Int));
      else
        Options.Retries = *Int;
    } else if (Key == "timeout") {
      if (!Str)
        WrongType("a duration string such as \"90s\", \"10m\" or \"1h30m\"");
      else if (auto Seconds = parseDuration(*Str); !Seconds || *Seconds == 0)
        Problem("task-scan-argument-value", Key,
                fmt::format("'timeout' must be a positive duration such as "
                            "\"90s\", \"10m\" or \"1h30m\", got \"{}\"",
                            printable(llvm::StringRef(*Str).take_front(80))));
      else {
        Options.Timeout = *Str;
        Options.TimeoutSeconds = *Seconds;
      }
    } else if (Key == "cache") {
      if (!Bool)
        WrongType("a bool");
      else
        Options.Cache = *Bool;
    } else if (Key == "cache_version") {
      if (!Str)
        WrongType("a string");
      else if (Str->empty() || !llvm::all_of(*Str, [](char C) {
                 return std::isprint(static_cast<unsigned char>(C));
               }))
        Problem("task-scan-argument-value", Key,
                "'cache_version' must be a non-empty string of printable "
                "characters");
      else
        Options.CacheVersion = *Str;
    } else { // requests_* / limits_*
      std::string Quantity = Str ? *Str : Int ? std::to_string(*Int) : "";
      if (!Str && !Int)
        WrongType("a Kubernetes quantity string such as \"2\" or \"4Gi\"");
      else if (!isKubernetesQuantity(Quantity))
        Problem("task-scan-resource-quantity", Key,
                fmt::format("'{}' must be a Kubernetes quantity such as \"500m\", "
                            "\"2\" or \"4Gi\", got \"{}\"",
                            Key, printable(llvm::StringRef(Quantity).take_front(80))));
      else {
        llvm::StringRef K(Key);
        auto &Target = K.starts_with("requests_") ? Options.Requests : Options.Limits;
        Target.emplace_back(K.split('_').second.str(), Quantity);
      }
    }
  }
  llvm::sort(Options.Requests);
  llvm::sort(Options.Limits);
  return Problems;
}

} // namespace taskscan
