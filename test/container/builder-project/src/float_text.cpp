// Compiles with GCC 11 and later (floating-point std::to_chars), not with
// the GCC 10 of a Debian 11 builder: the tests' compile error in the builder.
#include <flyte/task.hpp>

#include <charconv>
#include <string>

namespace demo {

FLYTE_TASK(container_image = "{{.image.old}}")
std::string float_text(double x) {
  char buffer[64];
  auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, x);
  return std::string(buffer, end);
}

} // namespace demo
