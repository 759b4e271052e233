// The "user code" behind sample_entrypoint.cpp: ordinary C++ functions that know nothing of
// Flyte, one for each behaviour of the runtime the tests look at.

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace fs = std::filesystem;

namespace ml {

double train(long epochs, const std::vector<double>& xs) {
  return static_cast<double>(epochs) * std::accumulate(xs.begin(), xs.end(), 0.0);
}

/// The length of `s` and `s` in upper case.
std::tuple<long, std::string> split(std::string s) {
  std::string upper = s;
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return {static_cast<long>(s.size()), upper};
}

void noop() {}

}  // namespace ml

namespace sample {

std::pair<long, long> minmax(const std::vector<long>& xs) {
  if (xs.empty()) throw std::invalid_argument("minmax of an empty list");
  auto [low, high] = std::minmax_element(xs.begin(), xs.end());
  return {*low, *high};
}

/// Writes `text` to the file `where` and returns it: a file output.
fs::path write_text(const std::string& text, const std::string& where) {
  std::ofstream(where, std::ios::binary) << text;
  return where;
}

/// `count` files `dir/file<i>` holding "<i>": a list of file outputs.
std::vector<fs::path> write_files(long count, const std::string& dir) {
  std::vector<fs::path> files;
  for (long i = 0; i < count; ++i) files.push_back(write_text(std::to_string(i), dir + "/file" + std::to_string(i)));
  return files;
}

std::int64_t count_bytes(const fs::path& file) { return static_cast<std::int64_t>(fs::file_size(file)); }

fs::path ghost() { return "/nonexistent/flyte-runtime-ghost"; }

std::string repeat(const std::string& s, long times) {
  if (times < 0) throw std::invalid_argument("negative count");
  std::string result;
  for (long i = 0; i < times; ++i) result += s;
  return result;
}

/// One string of `size` 'x's per element of `sizes`.
std::vector<std::string> strings_of_sizes(const std::vector<long>& sizes) {
  std::vector<std::string> strings;
  for (long size : sizes) strings.emplace_back(static_cast<std::size_t>(size), 'x');
  return strings;
}

/// A fine o0, then an o1 of `size` bytes.
std::tuple<long, std::string> small_then_big(long size) { return {1, std::string(static_cast<std::size_t>(size), 'x')}; }

/// A fine o0, then a named pipe as the file o1, which copying would wait on forever.
std::tuple<std::string, fs::path> small_then_fifo(const std::string& dir) {
  fs::path fifo = fs::path(dir) / "fifo";
  if (::mkfifo(fifo.c_str(), 0600) != 0) throw std::runtime_error("mkfifo failed");
  return {"first", fifo};
}

void fail(const std::string& message) { throw std::runtime_error(message); }

void fail_unknown() { throw 42; }

/// Logs half a line, then crashes as a bad pointer would (raised: a real one is undefined).
long crash(const std::string& how) {
  std::cerr << "working on it" << std::flush;
  if (how == "abort") std::abort();
  std::raise(SIGSEGV);
  return 0;
}

}  // namespace sample
