#include <flyte/task.hpp>
#include <vector>
namespace demo {
FLYTE_TASK()
long add(long a, long b) { return a + b; }

FLYTE_TASK(retries = 1)
std::vector<double> scale(std::vector<double> xs) {
  for (double &x : xs)
    x *= DEMO_SCALE;
  return xs;
}
} // namespace demo
