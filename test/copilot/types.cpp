// Tasks of every type task-scan supports, for copilot_harness.py: each scalar type comes back
// as it came in, each list type as (size, last element), so that every input and output form
// of Flyte's CoPilot passes through a real task executable.
#include <flyte/task.hpp>

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

namespace types {

FLYTE_TASK() bool echo_bool(bool v) { return v; }
FLYTE_TASK() short echo_short(short v) { return v; }
FLYTE_TASK() unsigned short echo_ushort(unsigned short v) { return v; }
FLYTE_TASK() int echo_int(int v) { return v; }
FLYTE_TASK() unsigned echo_uint(unsigned v) { return v; }
FLYTE_TASK() long echo_long(long v) { return v; }
FLYTE_TASK() unsigned long echo_ulong(unsigned long v) { return v; }
FLYTE_TASK() long long echo_llong(long long v) { return v; }
FLYTE_TASK() unsigned long long echo_ullong(unsigned long long v) { return v; }
FLYTE_TASK() std::int16_t echo_int16(std::int16_t v) { return v; }
FLYTE_TASK() std::uint32_t echo_uint32(std::uint32_t v) { return v; }
FLYTE_TASK() std::int64_t echo_int64(std::int64_t v) { return v; }
FLYTE_TASK() std::uint64_t echo_uint64(std::uint64_t v) { return v; }
FLYTE_TASK() float echo_float(float v) { return v; }
FLYTE_TASK() double echo_double(double v) { return v; }
FLYTE_TASK() std::string echo_string(const std::string &v) { return v; }
FLYTE_TASK() std::filesystem::path echo_file(std::filesystem::path v) { return v; }

/// An unsigned result above INT64_MAX that a Flyte int cannot hold.
FLYTE_TASK() std::uint64_t twice(std::uint64_t v) { return v * 2; }

/// A NaN with its sign bit set (C++ would print "-nan").
FLYTE_TASK() double difference(double a, double b) { return a - b; }

template <class T>
std::tuple<std::int64_t, T> sizeAndLast(const std::vector<T> &v, T none) {
  return {static_cast<std::int64_t>(v.size()), v.empty() ? none : v.back()};
}

FLYTE_TASK() std::tuple<std::int64_t, bool> last_bool(std::vector<bool> v) { return sizeAndLast(v, false); }
FLYTE_TASK() std::tuple<std::int64_t, short> last_short(std::vector<short> v) { return sizeAndLast<short>(v, 0); }
FLYTE_TASK() std::tuple<std::int64_t, unsigned> last_uint(std::vector<unsigned> v) { return sizeAndLast(v, 0u); }
FLYTE_TASK() std::tuple<std::int64_t, long> last_long(std::vector<long> v) { return sizeAndLast(v, 0L); }
FLYTE_TASK() std::tuple<std::int64_t, std::uint64_t> last_uint64(std::vector<std::uint64_t> v) {
  return sizeAndLast<std::uint64_t>(v, 0);
}
FLYTE_TASK() std::tuple<std::int64_t, float> last_float(std::vector<float> v) { return sizeAndLast(v, 0.0f); }
FLYTE_TASK() std::tuple<std::int64_t, double> last_double(std::vector<double> v) { return sizeAndLast(v, 0.0); }
FLYTE_TASK() std::tuple<std::int64_t, std::string> last_string(std::vector<std::string> v) {
  return sizeAndLast<std::string>(v, "");
}
FLYTE_TASK() std::pair<std::int64_t, std::filesystem::path> last_file(std::vector<std::filesystem::path> v) {
  if (v.empty()) throw std::invalid_argument("no files");
  return {static_cast<std::int64_t>(v.size()), v.back()};
}

/// A task without outputs: its failure is all Flyte sees of it.
FLYTE_TASK() void require_positive(long v) {
  if (v <= 0) throw std::invalid_argument("not positive: " + std::to_string(v));
}

} // namespace types
