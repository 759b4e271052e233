// Each FLYTE_RUNTIME_CASE must fail to compile with the runtime's static_assert message, which
// names the supported types (CMake checks the compiler's output; see CMakeLists.txt).

#include <flyte/runtime.hpp>

#include <cstdint>
#include <string>
#include <vector>

void run(flyte::runtime::TaskIO& io) {
#if FLYTE_RUNTIME_CASE == 1
  io.input<char>("c");  // char is not an integer here
#elif FLYTE_RUNTIME_CASE == 2
  io.input<std::uint8_t>("byte");  // unsigned char
#elif FLYTE_RUNTIME_CASE == 3
  io.input<std::vector<std::vector<int>>>("nested");  // one level of lists only
#elif FLYTE_RUNTIME_CASE == 4
  io.output("o0", "a string literal");  // const char[N], not std::string
#elif FLYTE_RUNTIME_CASE == 5
  io.output("o0", 1.0L);  // long double
#elif FLYTE_RUNTIME_CASE == 6
  io.outputs(std::vector<int>{1, 2});  // not a tuple or pair
#endif
}
