// The crash line (a handler that names the task when it crashes) is installed only while the
// task runs, and what was there before comes back afterwards: a program's own handlers (a crash
// reporter, a sanitizer's, the fuzz targets' ASan) outlive a task run. Before, the runtime reset
// them to SIG_DFL.

#include <flyte/runtime.hpp>

#include <gtest/gtest.h>

#include <signal.h>

#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace {

void ownHandler(int, siginfo_t*, void*) {}

void addOne(flyte::runtime::TaskIO& io) { io.output("o0", io.input<long>("x") + 1); }

const flyte::runtime::Task kTasks[] = {{"add_one", {"x"}, {"o0"}, &addOne}};

TEST(SignalHandlers, ThoseInstalledBeforeATaskRunComeBack) {
  const int signals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
  struct sigaction own {};
  own.sa_sigaction = &ownHandler;
  own.sa_flags = SA_SIGINFO;
  sigemptyset(&own.sa_mask);
  std::vector<struct sigaction> saved(std::size(signals));
  for (std::size_t i = 0; i < std::size(signals); ++i) ASSERT_EQ(::sigaction(signals[i], &own, &saved[i]), 0);

  std::vector<std::string> args = {"exe", "run", "add_one", "--arg", "x=41"};
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  std::ostringstream out;
  std::streambuf* old = std::cout.rdbuf(out.rdbuf());
  int status = flyte::runtime::main(static_cast<int>(argv.size()), argv.data(), kTasks);
  std::cout.rdbuf(old);
  EXPECT_EQ(status, 0);
  EXPECT_EQ(out.str(), "o0=42\n");

  for (std::size_t i = 0; i < std::size(signals); ++i) {
    struct sigaction now {};
    ASSERT_EQ(::sigaction(signals[i], nullptr, &now), 0);
    EXPECT_EQ(now.sa_sigaction, &ownHandler) << "signal " << signals[i] << ": the handler was not restored";
    EXPECT_TRUE(now.sa_flags & SA_SIGINFO) << "signal " << signals[i] << ": SA_SIGINFO was lost";
    ::sigaction(signals[i], &saved[i], nullptr);
  }
}

}  // namespace
