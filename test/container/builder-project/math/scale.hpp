#pragma once
#include <vector>

namespace demo {
/// The sum of \p xs, each times \p factor.
double scaledSum(const std::vector<double> &xs, double factor);
} // namespace demo
