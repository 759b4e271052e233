//===- image_reference.cpp - Fuzz target: ImageReference, validation ------===//
//
// validateImageReference is differentially tested against docker/
// distribution's own grammar (reference/regexp.go, written out below as
// POSIX regexes, plus its 255-character name limit and go-digest's
// algorithm/length checks): both must accept and refuse the same strings.
// For accepted references, split() must give back exactly the text, and
// the text must hold nothing that could leave a Dockerfile word, a Python
// or JSON string or a shell word.
//
//===----------------------------------------------------------------------===//
#include "FuzzSupport.h"

#include "taskscan/ImageReference.h"

#include "llvm/Support/Regex.h"

#include <cstddef>
#include <cstdint>

using namespace fuzz;

namespace {

/// docker/distribution reference/regexp.go (v2.8+, repeated dashes allowed).
const char *const AlphaNumeric = "[a-z0-9]+";
const char *const Separator = "([._]|__|[-]+)";
std::string pathComponent() {
  return std::string(AlphaNumeric) + "(" + Separator + AlphaNumeric + ")*";
}
const char *const DomainNameComponent =
    "([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
std::string domainAndPort() {
  std::string DomainName = std::string(DomainNameComponent) + "(\\." +
                           DomainNameComponent + ")*";
  std::string Ipv6 = "\\[[a-fA-F0-9:]+\\]";
  return "(" + DomainName + "|" + Ipv6 + ")(:[0-9]+)?";
}
std::string namePattern() {
  std::string Remote = pathComponent() + "(/" + pathComponent() + ")*";
  return "(" + domainAndPort() + "/)?" + Remote;
}

/// The oracle: what distribution's ParseNormalizedNamed / ParseAnyReference
/// grammar accepts (without docker.io normalisation, which changes nothing
/// about validity).
bool oracleAccepts(llvm::StringRef Text) {
  static llvm::Regex Reference(
      "^(" + namePattern() +
      ")(:([a-zA-Z0-9_][a-zA-Z0-9_.-]*))?(@([A-Za-z][A-Za-z0-9]*([-_+.][A-Za-z]"
      "[A-Za-z0-9]*)*:[0-9a-fA-F]+))?$");
  if (Text.contains('\0') || Text.contains('\n') || !Reference.match(Text))
    return false;
  // The match is anchored and has one decomposition: the digest follows the
  // '@', the tag the last ':' before it that no '/' follows.
  auto [NameAndTag, Digest] = Text.split('@');
  llvm::StringRef Name = NameAndTag, Tag;
  size_t Colon = NameAndTag.rfind(':');
  if (Colon != llvm::StringRef::npos &&
      !NameAndTag.drop_front(Colon + 1).contains('/')) {
    Name = NameAndTag.take_front(Colon);
    Tag = NameAndTag.drop_front(Colon + 1);
  }
  if (Name.size() > 255)
    return false;
  if (Tag.size() > 128)
    return false;
  if (!Digest.empty()) {
    auto [Algorithm, Hex] = Digest.split(':');
    size_t Length = Algorithm == "sha256"   ? 64
                    : Algorithm == "sha384" ? 96
                    : Algorithm == "sha512" ? 128
                                            : 0;
    if (Length == 0 || Hex.size() != Length)
      return false;
    for (char C : Hex)
      if (!((C >= '0' && C <= '9') || (C >= 'a' && C <= 'f')))
        return false;
  }
  return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  if (Size > 600)
    return 0;
  llvm::StringRef Text(reinterpret_cast<const char *>(Data), Size);

  // flytekit's split never fails, and its parts make up the text.
  taskscan::ImageReference R = taskscan::ImageReference::split(Text);
  FUZZ_CHECK(R.Fqn.size() + R.Tag.size() + R.Digest.size() <= Text.size(),
             "split invents text from " + shown(Text));
  FUZZ_CHECK(llvm::StringRef(Text).starts_with(R.Fqn),
             "fqn is not a prefix of " + shown(Text));

  auto Reason = taskscan::validateImageReference(Text);
  bool Oracle = oracleAccepts(Text);
  FUZZ_CHECK(!Reason == Oracle,
             shown(Text) + (Reason ? " refused (" + *Reason + ")"
                                   : std::string(" accepted")) +
                 " but distribution's grammar " +
                 (Oracle ? "accepts" : "refuses") + " it");
  if (Reason) {
    FUZZ_CHECK(!Reason->empty() && isPrintableAscii(*Reason),
               "reason with raw bytes: " + shown(*Reason));
    return 0;
  }
  FUZZ_CHECK(R.full() == Text.str(),
             "split/full does not round-trip " + shown(Text) + " -> " +
                 shown(R.full()));
  FUZZ_CHECK(!R.Fqn.empty(), "valid reference without a name: " + shown(Text));
  for (char C : Text)
    FUZZ_CHECK(!llvm::StringRef("\"'`$\\;&|<>(){}* \t\n\r#=!~%,?").contains(C) &&
                   C != '\0' && static_cast<unsigned char>(C) < 0x7f,
               "valid reference holds a shell or quoting character: " +
                   shown(Text));
  return 0;
}
