//===- ImageReference.cpp - OCI image references, split as flytekit does --===//
//
// Two separate jobs live here. split() reproduces flytekit's (lenient) view of
// a reference, because `{{.image.x.fqn}}` and `.version` must expand exactly
// as they do in flytekit. validateImageReference() is the strict OCI grammar
// of docker/distribution's `reference` package: every reference task-scan
// writes into a Dockerfile, a bake file or Python passes through it, so it is
// also what keeps a reference from smuggling code into those files.
//
//===----------------------------------------------------------------------===//
#include "taskscan/ImageReference.h"

#include "llvm/ADT/StringExtras.h"

#include <fmt/format.h>

namespace taskscan {

ImageReference ImageReference::split(llvm::StringRef Text) {
  ImageReference R;
  // A digest follows the last '@'; when there is one, what precedes it is the
  // fqn as a whole, tag included (`repo:tag@sha256:..` has fqn `repo:tag`).
  size_t At = Text.rfind('@');
  if (At != llvm::StringRef::npos) {
    R.Fqn = Text.take_front(At).str();
    R.Digest = Text.drop_front(At + 1).str();
    return R;
  }
  // A tag follows the last ':' unless that ':' belongs to a registry port
  // (`localhost:5000/x` has no tag): a tag never holds a '/'.
  size_t Colon = Text.rfind(':');
  if (Colon != llvm::StringRef::npos &&
      !Text.drop_front(Colon + 1).contains('/')) {
    R.Fqn = Text.take_front(Colon).str();
    R.Tag = Text.drop_front(Colon + 1).str();
    return R;
  }
  R.Fqn = Text.str();
  return R;
}

std::string ImageReference::full() const {
  std::string S = Fqn;
  if (!Tag.empty())
    S += ":" + Tag;
  if (!Digest.empty())
    S += "@" + Digest;
  return S;
}

namespace {

bool isLowerAlnum(char C) { return llvm::isDigit(C) || (C >= 'a' && C <= 'z'); }
bool isWordChar(char C) { return llvm::isAlnum(C) || C == '_'; }

/// Characters that may appear anywhere in a reference ('[' and ']' only in an
/// IPv6 registry host, '+' only in a digest algorithm).
bool isReferenceChar(char C) {
  return llvm::isAlnum(C) || llvm::StringRef("._-/:@[]+").contains(C);
}

/// The first character that no reference may hold, described for a message.
std::optional<std::string> describeForeignCharacter(llvm::StringRef Text) {
  for (char C : Text) {
    unsigned char U = static_cast<unsigned char>(C);
    if (U >= 0x80)
      return std::string("it contains a non-ASCII character");
    if (C == ' ' || C == '\t' || C == '\n' || C == '\r' || C == '\v' ||
        C == '\f')
      return std::string("it contains whitespace");
    if (U < 0x20 || U == 0x7f)
      return fmt::format("it contains the control character 0x{:02x}", U);
    if (!isReferenceChar(C))
      return fmt::format("it contains the character '{}'", C);
  }
  return std::nullopt;
}

/// alnum+ ((. | _ | __ | -+) alnum+)*, all lower case.
bool isPathComponent(llvm::StringRef S) {
  size_t I = 0, N = S.size();
  auto Run = [&] {
    size_t Start = I;
    while (I < N && isLowerAlnum(S[I]))
      ++I;
    return I > Start;
  };
  if (!Run())
    return false;
  while (I < N) {
    if (S[I] == '.' || S[I] == '_') {
      if (S[I] == '_' && I + 1 < N && S[I + 1] == '_')
        ++I;
      ++I;
    } else if (S[I] == '-') {
      while (I < N && S[I] == '-')
        ++I;
    } else {
      return false;
    }
    if (!Run())
      return false;
  }
  return true;
}

/// [a-zA-Z0-9] | [a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]
bool isDomainNameComponent(llvm::StringRef S) {
  if (S.empty() || !llvm::isAlnum(S.front()) || !llvm::isAlnum(S.back()))
    return false;
  return llvm::all_of(S, [](char C) { return llvm::isAlnum(C) || C == '-'; });
}

/// host [':' port] where host is a dotted domain name or a bracketed IPv6
/// address.
bool isDomainAndPort(llvm::StringRef S) {
  llvm::StringRef Host = S, Port;
  if (S.starts_with("[")) {
    size_t Close = S.find(']');
    if (Close == llvm::StringRef::npos)
      return false;
    Host = S.take_front(Close + 1);
    llvm::StringRef Rest = S.drop_front(Close + 1);
    if (!Rest.empty()) {
      if (!Rest.consume_front(":"))
        return false;
      Port = Rest;
      if (Port.empty())
        return false;
    }
    llvm::StringRef Inner = Host.drop_front().drop_back();
    if (Inner.empty() || !llvm::all_of(Inner, [](char C) {
          return llvm::isHexDigit(C) || C == ':';
        }))
      return false;
  } else {
    size_t Colon = S.find(':');
    if (Colon != llvm::StringRef::npos) {
      Host = S.take_front(Colon);
      Port = S.drop_front(Colon + 1);
      if (Port.empty())
        return false;
    }
    llvm::SmallVector<llvm::StringRef, 4> Parts;
    Host.split(Parts, '.');
    if (!llvm::all_of(Parts, isDomainNameComponent))
      return false;
  }
  return llvm::all_of(Port, llvm::isDigit);
}

std::optional<std::string> validateDigest(llvm::StringRef Digest) {
  size_t Colon = Digest.find(':');
  if (Colon == llvm::StringRef::npos || Colon == 0 ||
      Colon + 1 == Digest.size())
    return fmt::format("the digest '{}' is not of the form algorithm:hex",
                       Digest.str());
  llvm::StringRef Algorithm = Digest.take_front(Colon);
  llvm::StringRef Hex = Digest.drop_front(Colon + 1);
  unsigned Length = Algorithm == "sha256"   ? 64
                    : Algorithm == "sha384" ? 96
                    : Algorithm == "sha512" ? 128
                                            : 0;
  if (Length == 0)
    return fmt::format("the digest algorithm '{}' is not supported (use "
                       "sha256, sha384 or sha512)",
                       Algorithm.str());
  bool LowerHex = llvm::all_of(Hex, [](char C) {
    return llvm::isDigit(C) || (C >= 'a' && C <= 'f');
  });
  if (!LowerHex || Hex.size() != Length)
    return fmt::format("a {} digest is {} lower-case hex digits, not '{}'",
                       Algorithm.str(), Length, Hex.str());
  return std::nullopt;
}

std::optional<std::string> validateTag(llvm::StringRef Tag) {
  if (Tag.empty())
    return std::string("the tag after ':' is empty");
  if (Tag.size() > 128)
    return fmt::format("the tag is {} characters long; at most 128 are "
                       "allowed",
                       Tag.size());
  if (!isWordChar(Tag.front()) || !llvm::all_of(Tag, [](char C) {
        return isWordChar(C) || C == '.' || C == '-';
      }))
    return fmt::format("the tag '{}' is invalid: a tag starts with a letter, "
                       "digit or '_' and holds only letters, digits, '_', '.' "
                       "and '-'",
                       Tag.str());
  return std::nullopt;
}

std::optional<std::string> validateName(llvm::StringRef Name) {
  if (Name.empty())
    return std::string("the repository name is missing");
  if (Name.size() > 255)
    return fmt::format("the repository name is {} characters long; at most "
                       "255 are allowed",
                       Name.size());
  llvm::SmallVector<llvm::StringRef, 8> Components;
  Name.split(Components, '/');
  for (size_t I = 0; I < Components.size(); ++I) {
    llvm::StringRef C = Components[I];
    if (C.empty())
      return fmt::format("the repository name '{}' has an empty path "
                         "component",
                         Name.str());
    if (isPathComponent(C))
      continue;
    // The first of several components may be a registry host[:port].
    if (I == 0 && Components.size() > 1) {
      if (isDomainAndPort(C))
        continue;
      if (C.contains(':') || C.contains('.') || C.contains('[') ||
          C == "localhost")
        return fmt::format("the registry '{}' is not a valid host name with "
                           "an optional numeric port",
                           C.str());
    }
    if (C.lower() != C.str() && isPathComponent(C.lower()))
      return fmt::format("the repository path component '{}' must be lower "
                         "case",
                         C.str());
    return fmt::format("the repository path component '{}' is invalid: "
                       "components are lower-case letters and digits "
                       "separated by '.', '_', '__' or '-'",
                       C.str());
  }
  return std::nullopt;
}

} // namespace

std::optional<std::string> validateImageReference(llvm::StringRef Text) {
  if (Text.empty())
    return std::string("it is empty");
  if (auto Foreign = describeForeignCharacter(Text))
    return Foreign;

  llvm::StringRef NameAndTag = Text, Digest;
  size_t At = Text.find('@');
  if (At != llvm::StringRef::npos) {
    if (Text.find('@', At + 1) != llvm::StringRef::npos)
      return std::string("it contains more than one '@'");
    NameAndTag = Text.take_front(At);
    Digest = Text.drop_front(At + 1);
    if (auto Reason = validateDigest(Digest))
      return Reason;
  }

  // The tag is what follows the last ':' when no '/' follows it; a ':'
  // before the last '/' can only be a registry port.
  llvm::StringRef Name = NameAndTag, Tag;
  bool HasTag = false;
  size_t Colon = NameAndTag.rfind(':');
  if (Colon != llvm::StringRef::npos &&
      !NameAndTag.drop_front(Colon + 1).contains('/')) {
    Name = NameAndTag.take_front(Colon);
    Tag = NameAndTag.drop_front(Colon + 1);
    HasTag = true;
  }
  if (auto Reason = validateName(Name))
    return Reason;
  if (HasTag)
    if (auto Reason = validateTag(Tag))
      return Reason;
  return std::nullopt;
}

std::string buildTagFor(llvm::StringRef Reference) {
  ImageReference R = ImageReference::split(Reference);
  if (R.Digest.empty())
    return Reference.str();
  // fqn is `repo:tag` when both were given.
  if (!ImageReference::split(R.Fqn).Tag.empty())
    return R.Fqn;
  llvm::StringRef Hex = llvm::StringRef(R.Digest).split(':').second;
  return R.Fqn + ":task-scan-" + Hex.take_front(12).str();
}

std::optional<std::string> validateBuildTag(llvm::StringRef Tag) {
  if (auto Problem = validateImageReference(Tag))
    return Problem;
  if (Tag.contains('@'))
    return std::string("a build tag cannot hold a digest");
  return std::nullopt;
}

} // namespace taskscan
