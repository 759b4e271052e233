// A task executable's main() as task-scan generates it (see SPEC.md section 6), for the tasks
// of sample_tasks.cpp. The tests run the binary built from this file.

#include <flyte/runtime.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace ml {
double train(long epochs, const std::vector<double>& xs);
std::tuple<long, std::string> split(std::string s);
void noop();
}  // namespace ml

namespace sample {
std::pair<long, long> minmax(const std::vector<long>& xs);
std::filesystem::path write_text(const std::string& text, const std::string& where);
std::vector<std::filesystem::path> write_files(long count, const std::string& dir);
std::int64_t count_bytes(const std::filesystem::path& file);
std::filesystem::path ghost();
std::string repeat(const std::string& s, long times);
std::vector<std::string> strings_of_sizes(const std::vector<long>& sizes);
std::tuple<long, std::string> small_then_big(long size);
std::tuple<std::string, std::filesystem::path> small_then_fifo(const std::string& dir);
void fail(const std::string& message);
void fail_unknown();
long crash(const std::string& how);
}  // namespace sample

namespace {

void run_0(flyte::runtime::TaskIO& io) {
  auto a0 = io.input<long>("epochs");
  auto a1 = io.input<std::vector<double>>("xs");
  io.output("o0", ::ml::train(a0, a1));
}

void run_1(flyte::runtime::TaskIO& io) {
  auto a0 = io.input<std::string>("s");
  io.outputs(::ml::split(a0));
}

// A task without inputs or outputs does not use `io`; naming it would break -Werror builds.
void run_2(flyte::runtime::TaskIO&) { ::ml::noop(); }

void run_3(flyte::runtime::TaskIO& io) {
  auto a0 = io.input<std::vector<long>>("xs");
  io.outputs(::sample::minmax(a0));
}

void run_4(flyte::runtime::TaskIO& io) {
  auto a0 = io.input<const std::string&>("text");  // cv-ref qualifiers are ignored
  auto a1 = io.input<std::string>("where");
  io.output("o0", ::sample::write_text(a0, a1));
}

void run_5(flyte::runtime::TaskIO& io) {
  auto a0 = io.input<long>("count");
  auto a1 = io.input<std::string>("dir");
  io.output("o0", ::sample::write_files(a0, a1));
}

void run_6(flyte::runtime::TaskIO& io) {
  auto a0 = io.input<std::filesystem::path>("file");
  io.output("o0", ::sample::count_bytes(a0));
}

void run_7(flyte::runtime::TaskIO& io) { io.output("o0", ::sample::ghost()); }

void run_8(flyte::runtime::TaskIO& io) {
  auto a0 = io.input<std::string>("s");
  auto a1 = io.input<long>("times");
  io.output("o0", ::sample::repeat(a0, a1));
}

void run_9(flyte::runtime::TaskIO& io) {
  auto a0 = io.input<std::vector<long>>("sizes");
  io.output("o0", ::sample::strings_of_sizes(a0));
}

void run_10(flyte::runtime::TaskIO& io) {
  auto a0 = io.input<long>("size");
  io.outputs(::sample::small_then_big(a0));
}

void run_11(flyte::runtime::TaskIO& io) {
  auto a0 = io.input<std::string>("dir");
  io.outputs(::sample::small_then_fifo(a0));
}

void run_12(flyte::runtime::TaskIO& io) {
  auto a0 = io.input<std::string>("message");
  ::sample::fail(a0);
}

void run_13(flyte::runtime::TaskIO&) { ::sample::fail_unknown(); }

void run_14(flyte::runtime::TaskIO& io) {
  auto a0 = io.input<std::string>("how");
  io.output("o0", ::sample::crash(a0));
}

// One task per supported type that returns its input: what task-scan would generate for
// `T echo(T v) { return v; }`.
template <class T>
void run_echo(flyte::runtime::TaskIO& io) {
  auto a0 = io.input<T>("v");
  io.output("o0", a0);
}

template <class T>
flyte::runtime::Task echo(const char* name) {
  return {name, {"v"}, {"o0"}, &run_echo<T>};
}

using Path = std::filesystem::path;

const flyte::runtime::Task kTasks[] = {
    {"ml.train", {"epochs", "xs"}, {"o0"}, &run_0},
    {"ml.split", {"s"}, {"o0", "o1"}, &run_1},
    {"ml.noop", {}, {}, &run_2},
    {"sample.minmax", {"xs"}, {"o0", "o1"}, &run_3},
    {"sample.write_text", {"text", "where"}, {"o0"}, &run_4},
    {"sample.write_files", {"count", "dir"}, {"o0"}, &run_5},
    {"sample.count_bytes", {"file"}, {"o0"}, &run_6},
    {"sample.ghost", {}, {"o0"}, &run_7},
    {"sample.repeat", {"s", "times"}, {"o0"}, &run_8},
    {"sample.strings_of_sizes", {"sizes"}, {"o0"}, &run_9},
    {"sample.small_then_big", {"size"}, {"o0", "o1"}, &run_10},
    {"sample.small_then_fifo", {"dir"}, {"o0", "o1"}, &run_11},
    {"sample.fail", {"message"}, {}, &run_12},
    {"sample.fail_unknown", {}, {}, &run_13},
    {"sample.crash", {"how"}, {"o0"}, &run_14},
    echo<bool>("echo.bool"),
    echo<short>("echo.short"),
    echo<unsigned short>("echo.ushort"),
    echo<int>("echo.int"),
    echo<unsigned>("echo.uint"),
    echo<long>("echo.long"),
    echo<unsigned long>("echo.ulong"),
    echo<long long>("echo.llong"),
    echo<unsigned long long>("echo.ullong"),
    echo<std::int16_t>("echo.int16"),
    echo<std::uint32_t>("echo.uint32"),
    echo<std::int64_t>("echo.int64"),
    echo<float>("echo.float"),
    echo<double>("echo.double"),
    echo<std::string>("echo.string"),
    echo<Path>("echo.path"),
    echo<std::vector<bool>>("echo.list.bool"),
    echo<std::vector<short>>("echo.list.short"),
    echo<std::vector<unsigned short>>("echo.list.ushort"),
    echo<std::vector<int>>("echo.list.int"),
    echo<std::vector<unsigned>>("echo.list.uint"),
    echo<std::vector<long>>("echo.list.long"),
    echo<std::vector<unsigned long>>("echo.list.ulong"),
    echo<std::vector<long long>>("echo.list.llong"),
    echo<std::vector<unsigned long long>>("echo.list.ullong"),
    echo<std::vector<float>>("echo.list.float"),
    echo<std::vector<double>>("echo.list.double"),
    echo<std::vector<std::string>>("echo.list.string"),
    echo<std::vector<Path>>("echo.list.path"),
};

}  // namespace

int main(int argc, char** argv) { return flyte::runtime::main(argc, argv, kTasks); }
