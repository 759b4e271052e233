//===- Property.h - What every fuzz target reports a finding with ---------===//
//
// A violated property aborts with its file, line, condition and a detail in
// which bytes outside printable ASCII are shown as \xNN, so libFuzzer keeps
// the input as a reproducer. Plain C++17: the runtime's targets use no LLVM.
//
//===----------------------------------------------------------------------===//
#ifndef TASKSCAN_FUZZ_PROPERTY_H
#define TASKSCAN_FUZZ_PROPERTY_H

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace property {

/// Shows bytes outside printable ASCII as \xNN.
inline std::string shown(std::string_view S) {
  std::string Out;
  for (unsigned char C : S) {
    if (C < 0x20 || C >= 0x7f) {
      char Buf[8];
      std::snprintf(Buf, sizeof(Buf), "\\x%02x", C);
      Out += Buf;
    } else {
      Out += char(C);
    }
  }
  return Out;
}

[[noreturn]] inline void fail(const char *File, int Line, const char *Cond,
                              const std::string &Detail) {
  std::fprintf(stderr, "%s:%d: property violated: %s\n  %s\n", File, Line, Cond,
               Detail.c_str());
  std::abort();
}

} // namespace property

#endif
