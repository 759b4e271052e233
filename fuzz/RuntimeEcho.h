//===- RuntimeEcho.h - A task of every input type, for the runtime fuzzers -===//
//
// `echo` reads one input of every type the runtime supports (each scalar
// and a list of each) and returns each as the output of the same name with
// an `o_` prefix; the fuzz targets feed it inputs (files and list folders,
// or `--arg` values), run the executable's `main` in-process, and check
// what it wrote against what it was given.
//
//===----------------------------------------------------------------------===//
#ifndef TASKSCAN_FUZZ_RUNTIMEECHO_H
#define TASKSCAN_FUZZ_RUNTIMEECHO_H

#include "GoStrconv.h"

#include <flyte/runtime.hpp>

#include <filesystem>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace echo {

namespace fs = std::filesystem;
namespace rt = flyte::runtime::detail;

enum class Kind { Bool, Int64, Int32, UInt16, Float, Double, String, File };

struct Input {
  const char *Name;
  Kind Type;
  bool List;
};

inline const std::vector<Input> &inputs() {
  static const std::vector<Input> All = {
      {"b", Kind::Bool, false},    {"i", Kind::Int64, false},   {"i32", Kind::Int32, false},
      {"u16", Kind::UInt16, false}, {"f", Kind::Float, false},   {"d", Kind::Double, false},
      {"s", Kind::String, false},  {"p", Kind::File, false},    {"lb", Kind::Bool, true},
      {"li", Kind::Int64, true},   {"ld", Kind::Double, true},  {"ls", Kind::String, true},
      {"lp", Kind::File, true},
  };
  return All;
}

template <class T> void pass(flyte::runtime::TaskIO &IO, const char *Name) {
  IO.output(std::string("o_") + Name, IO.input<T>(Name));
}

inline void run(flyte::runtime::TaskIO &IO) {
  pass<bool>(IO, "b");
  pass<long>(IO, "i");
  pass<int>(IO, "i32");
  pass<unsigned short>(IO, "u16");
  pass<float>(IO, "f");
  pass<double>(IO, "d");
  pass<std::string>(IO, "s");
  pass<fs::path>(IO, "p");
  pass<std::vector<bool>>(IO, "lb");
  pass<std::vector<long>>(IO, "li");
  pass<std::vector<double>>(IO, "ld");
  pass<std::vector<std::string>>(IO, "ls");
  pass<std::vector<fs::path>>(IO, "lp");
}

inline const flyte::runtime::Task Tasks[] = {
    {"echo",
     {"b", "i", "i32", "u16", "f", "d", "s", "p", "lb", "li", "ld", "ls", "lp"},
     {"o_b", "o_i", "o_i32", "o_u16", "o_f", "o_d", "o_s", "o_p", "o_lb", "o_li", "o_ld", "o_ls",
      "o_lp"},
     &run},
};

/// What one in-process run of the executable's main said.
struct Run {
  int Status = -1;
  std::string Out, Err;
};

inline Run runMain(std::vector<std::string> Args) {
  std::vector<char *> Argv;
  for (std::string &A : Args)
    Argv.push_back(A.data());
  Argv.push_back(nullptr);
  std::ostringstream Out, Err;
  std::streambuf *OldOut = std::cout.rdbuf(Out.rdbuf());
  std::streambuf *OldErr = std::cerr.rdbuf(Err.rdbuf());
  Run R;
  R.Status = flyte::runtime::main(int(Args.size()), Argv.data(), Tasks);
  std::cout.rdbuf(OldOut);
  std::cerr.rdbuf(OldErr);
  R.Out = Out.str();
  R.Err = Err.str();
  return R;
}

/// The value the runtime must have read from an input text, checked against
/// the output text it wrote for it: Go's reading of the output (as CoPilot
/// uploads it) equals the runtime's reading of the input.
inline void checkPrimitiveEcho(Kind Type, const std::string &In, const std::string &Out) {
  std::string_view Trimmed = gomodel::trim(Out);
  auto Fail = [&](const char *What) {
    gomodel::fail(__FILE__, __LINE__, What,
                  "input '" + gomodel::shown(In) + "' came out as '" + gomodel::shown(Out) + "'");
  };
  switch (Type) {
  case Kind::Bool: {
    bool Back;
    if (gomodel::parseBool(Trimmed, Back) != gomodel::Outcome::Value ||
        Back != rt::parsePrimitive<bool>(In))
      Fail("bool echo");
    break;
  }
  case Kind::Int64:
  case Kind::Int32:
  case Kind::UInt16: {
    int64_t Back;
    int64_t Read = Type == Kind::Int64   ? int64_t(rt::parsePrimitive<long>(In))
                   : Type == Kind::Int32 ? int64_t(rt::parsePrimitive<int>(In))
                                         : int64_t(rt::parsePrimitive<unsigned short>(In));
    if (gomodel::parseInt(Trimmed, Back) != gomodel::Outcome::Value || Back != Read)
      Fail("integer echo");
    break;
  }
  case Kind::Float:
  case Kind::Double: {
    double Back;
    double Read = Type == Kind::Float ? double(rt::parsePrimitive<float>(In))
                                      : rt::parsePrimitive<double>(In);
    if (gomodel::parseFloat(Trimmed, Back) != gomodel::Outcome::Value)
      Fail("float echo: Go cannot read the output");
    bool Same = std::isnan(Read) ? std::isnan(Back)
                : Type == Kind::Float
                    ? gomodel::sameDouble(double(float(Back)), Read)
                    : gomodel::sameDouble(Back, Read);
    if (!Same)
      Fail("float echo: another value");
    break;
  }
  case Kind::String:
    if (Out != In)
      Fail("string echo");
    break;
  case Kind::File:
    break;
  }
}

} // namespace echo

#endif
