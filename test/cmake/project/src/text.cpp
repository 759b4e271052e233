#include <flyte/task.hpp>
#include <cstdint>
#include <string>
namespace demo {
FLYTE_TASK(container_image = "{{.image.spark}}")
std::int64_t count_words(std::string text) {
  std::int64_t words = 0;
  bool in_word = false;
  for (char c : text) {
    bool space = c == ' ' || c == '\n' || c == '\t';
    if (!space && !in_word)
      ++words;
    in_word = !space;
  }
  return words;
}
} // namespace demo
