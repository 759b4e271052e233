#include <flyte/task.hpp>
#include <vector>
namespace demo {
FLYTE_TASK()
long add(long a, long b) { return a + b; }

FLYTE_TASK(retries = 1)
double scale(std::vector<double> xs) { // the sum of the scaled elements
  double sum = 0;
  for (double x : xs)
    sum += x * DEMO_SCALE;
  return sum;
}
} // namespace demo
