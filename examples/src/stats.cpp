// Small statistics tasks: the default image, no annotation arguments needed.
#include <flyte/task.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <tuple>
#include <vector>

namespace ml::stats {

/// Arithmetic mean. Flyte name: ml.stats.mean.
FLYTE_TASK()
double mean(std::vector<double> xs) {
  if (xs.empty())
    throw std::invalid_argument("mean of no values");
  return std::accumulate(xs.begin(), xs.end(), 0.0) / static_cast<double>(xs.size());
}

/// (min, max, median) of the values.
FLYTE_TASK(cache = true, cache_version = "1")
std::tuple<double, double, double> summarize(std::vector<double> xs) {
  if (xs.empty())
    throw std::invalid_argument("summary of no values");
  std::sort(xs.begin(), xs.end());
  std::size_t n = xs.size();
  double median = n % 2 ? xs[n / 2] : (xs[n / 2 - 1] + xs[n / 2]) / 2;
  return {xs.front(), xs.back(), median};
}

/// Whether the values are all finite.
FLYTE_TASK(container_image = "")
bool all_finite(std::vector<double> xs) {
  return std::all_of(xs.begin(), xs.end(), [](double x) { return std::isfinite(x); });
}

} // namespace ml::stats
