#include "demo/inline_tasks.hpp"
#include "wordlib.hpp"
namespace demo {
FLYTE_TASK()
long in_source(long x) { return inline_tasks::add_one(x) - 1; }
} // namespace demo
