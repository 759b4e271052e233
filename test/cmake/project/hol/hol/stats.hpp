// A header-only library: nothing includes this header but the entrypoint;
// add_flyte_tasks lists it as a source.
#ifndef HOL_STATS_HPP
#define HOL_STATS_HPP
#include <flyte/task.hpp>
#include <vector>
namespace hol {
class Stats {
public:
  FLYTE_TASK()
  static double mean(std::vector<double> xs) {
    double sum = 0;
    for (double x : xs)
      sum += x;
    return xs.empty() ? 0.0 : sum / static_cast<double>(xs.size());
  }
};

FLYTE_TASK()
inline long median3(long a, long b, long c) {
  if (a > b) { long t = a; a = b; b = t; }
  if (b > c) b = c;
  return a > b ? a : b;
}
} // namespace hol
#endif
