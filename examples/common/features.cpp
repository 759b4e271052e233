#include "ml/features.hpp"

#include <cctype>
#include <cmath>
#include <cstddef>
#include <numeric>

namespace ml::features {

std::vector<std::string> tokenize(const std::string &text) {
  std::vector<std::string> words;
  std::string word;
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    if (std::isalnum(u)) {
      word += static_cast<char>(std::tolower(u));
    } else if (!word.empty()) {
      words.push_back(word);
      word.clear();
    }
  }
  if (!word.empty())
    words.push_back(word);
  return words;
}

std::vector<double> standardize(const std::vector<double> &xs) {
  if (xs.empty())
    return {};
  double n = static_cast<double>(xs.size());
  double mean = std::accumulate(xs.begin(), xs.end(), 0.0) / n;
  double variance = 0;
  for (double x : xs)
    variance += (x - mean) * (x - mean) / n;
  double sd = std::sqrt(variance);
  std::vector<double> out;
  out.reserve(xs.size());
  for (double x : xs)
    out.push_back(sd > 0 ? (x - mean) / sd : 0.0);
  return out;
}

double squared_error(const std::vector<double> &xs, const std::vector<double> &ys, double w,
                     double b) {
  double sum = 0;
  std::size_t n = std::min(xs.size(), ys.size());
  for (std::size_t i = 0; i < n; ++i) {
    double e = w * xs[i] + b - ys[i];
    sum += e * e;
  }
  return n ? sum / static_cast<double>(n) : 0.0;
}

} // namespace ml::features
