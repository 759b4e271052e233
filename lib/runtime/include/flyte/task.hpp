// flyte/task.hpp - mark a C++ function as a Flyte task.
//
//   FLYTE_TASK(container_image = "{{.image.gpu}}", retries = 2)
//   double train(int epochs);
//
// In an ordinary build FLYTE_TASK expands to nothing and costs nothing (no
// warning under any -W flags, GCC or Clang). Only when task-scan parses the
// source (clang with FLYTE_TASK_SCAN defined) does it become an annotation
// holding its arguments as text, which task-scan reads from the AST.
#ifndef FLYTE_TASK_HPP
#define FLYTE_TASK_HPP

#if defined(__clang__) && defined(FLYTE_TASK_SCAN)
#define FLYTE_TASK(...) __attribute__((annotate("flyte.task", #__VA_ARGS__)))
#else
#define FLYTE_TASK(...)
#endif

#endif // FLYTE_TASK_HPP
