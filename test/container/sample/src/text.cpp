// Tasks of the default image.
#include <flyte/task.hpp>

#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

namespace text {

FLYTE_TASK(retries = 1)
std::string greet(const std::string &name) { return "Hello, " + name + "!"; }

FLYTE_TASK(requests_cpu = "1", requests_mem = "64Mi")
std::tuple<double, long> mean(std::vector<double> xs) {
  if (xs.empty())
    throw std::invalid_argument("mean of no numbers");
  double Sum = 0;
  for (double X : xs)
    Sum += X;
  return {Sum / static_cast<double>(xs.size()), static_cast<long>(xs.size())};
}

} // namespace text
