#include <flyte/task.hpp>
#include <math.hpp>
#include <cstdint>
#include <string>

FLYTE_TASK()
std::int64_t combine(std::int64_t a, std::int64_t b) { return tp_combine(a, b); }

// An exception thrown in a shared library with the C++ runtime inside it
// (static-runtime) reaches the task's error path.
FLYTE_TASK(container_image = "{{.image.lean}}")
std::string label(std::int64_t a) { return tp_label(a); }
