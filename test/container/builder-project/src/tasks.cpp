#include <flyte/task.hpp>

#include "scale.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace demo {

FLYTE_TASK(container_image = "{{.image.old}}")
double scaled_sum(std::vector<double> xs, double factor) { return scaledSum(xs, factor); }

FLYTE_TASK(container_image = "{{.image.old}}")
std::string greet(const std::string &name) { return "hello " + name; }

} // namespace demo
