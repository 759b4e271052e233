// Training tasks: they run on the GPU image.
#include "ml/features.hpp"
#include "ml/images.hpp"

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <tuple>
#include <vector>

namespace ml {

namespace {

/// A small synthetic regression set: y = 3x + 1 plus a deterministic wobble.
void sample_data(std::vector<double> &xs, std::vector<double> &ys) {
  for (int i = 0; i < 64; ++i) {
    double x = i / 16.0;
    xs.push_back(x);
    ys.push_back(3.0 * x + 1.0 + ((i * 7919) % 13 - 6) / 60.0);
  }
}

} // namespace

/// Fits y = w x + b (x standardized) by batch gradient descent and returns
/// the final mean squared error. Flyte name: ml.train.
GPU_TASK(retries = 2, requests_gpu = "1", requests_mem = "2Gi")
double train(long epochs, double learning_rate) {
  if (epochs <= 0)
    throw std::invalid_argument("epochs must be positive");
  if (!(learning_rate > 0 && learning_rate < 1))
    throw std::invalid_argument("learning_rate must be in (0, 1)");
  std::vector<double> raw, ys;
  sample_data(raw, ys);
  // Standardized features keep gradient descent stable for any rate below 1.
  std::vector<double> xs = features::standardize(raw);
  double w = 0, b = 0, n = static_cast<double>(xs.size());
  for (long epoch = 0; epoch < epochs; ++epoch) {
    double dw = 0, db = 0;
    for (std::size_t i = 0; i < xs.size(); ++i) {
      double e = w * xs[i] + b - ys[i];
      dw += e * xs[i] / n; // gradient of half the mean squared error
      db += e / n;
    }
    w -= learning_rate * dw;
    b -= learning_rate * db;
  }
  return features::squared_error(xs, ys, w, b);
}

/// Scores a trained line on new points: (mean squared error, points scored).
GPU_TASK(cache = true, cache_version = "1")
std::tuple<double, std::int64_t> evaluate(std::vector<double> xs, std::vector<double> ys,
                                          double weight, double bias) {
  if (xs.size() != ys.size())
    throw std::invalid_argument("xs and ys differ in length");
  return {features::squared_error(xs, ys, weight, bias), static_cast<std::int64_t>(xs.size())};
}

} // namespace ml
