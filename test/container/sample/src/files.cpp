// Tasks of the 'tools' image.
#include <flyte/task.hpp>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

namespace files {

FLYTE_TASK(container_image = "{{.image.tools}}", timeout = "5m")
long count_lines(std::filesystem::path file) {
  std::ifstream In(file);
  if (!In)
    throw std::runtime_error("cannot open " + file.string());
  long Lines = 0;
  for (std::string Line; std::getline(In, Line);)
    ++Lines;
  return Lines;
}

FLYTE_TASK(container_image = "{{.image.tools}}")
long fail(long code) { throw std::runtime_error("boom " + std::to_string(code)); }

} // namespace files
