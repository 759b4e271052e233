#ifndef DEMO_INLINE_TASKS_HPP
#define DEMO_INLINE_TASKS_HPP
#include <flyte/task.hpp>
namespace demo::inline_tasks {
FLYTE_TASK()
inline long add_one(long x) { return x + 1; }

FLYTE_TASK()
constexpr long twice(long x) { return 2 * x; }
} // namespace demo::inline_tasks
#endif
