// Feature helpers shared by the ml tasks (the ml_common library).
#ifndef ML_FEATURES_HPP
#define ML_FEATURES_HPP

#include <string>
#include <vector>

namespace ml::features {

/// Lower-cased words of \p text: letters and digits, everything else splits.
std::vector<std::string> tokenize(const std::string &text);

/// x scaled to zero mean and unit variance (all zeros when the variance is 0).
std::vector<double> standardize(const std::vector<double> &xs);

/// Mean squared error of the line y = w * x + b over the points.
double squared_error(const std::vector<double> &xs, const std::vector<double> &ys, double w,
                     double b);

} // namespace ml::features

#endif // ML_FEATURES_HPP
