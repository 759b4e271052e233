#include "scale.hpp"

namespace demo {
double scaledSum(const std::vector<double> &xs, double factor) {
  double sum = 0;
  for (double x : xs)
    sum += x * factor;
  return sum;
}
} // namespace demo
