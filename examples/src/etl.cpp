// Extract/transform tasks: they run on the Spark image.
#include "ml/features.hpp"
#include "ml/images.hpp"

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <unistd.h>

namespace ml::etl {

/// Words in a text file (a Flyte file input). Flyte name: ml.etl.count_words.
SPARK_TASK(requests_cpu = "2", requests_mem = "4Gi", timeout = "10m")
std::int64_t count_words(const std::filesystem::path &document) {
  std::ifstream in(document);
  if (!in)
    throw std::runtime_error("cannot read " + document.string());
  std::int64_t words = 0;
  for (std::string line; std::getline(in, line);)
    words += static_cast<std::int64_t>(features::tokenize(line).size());
  return words;
}

/// The distinct words of the lines, sorted, one per line in a text file (a Flyte
/// file output). Flyte's raw-container data path uploads no lists, so a list result
/// travels as a file. Any path will do: the runtime copies the returned file into
/// the task's outputs (`OUTPUTS/o0`, which CoPilot uploads on a cluster). The
/// process id in the name keeps two local runs at once apart.
SPARK_TASK(retries = 1)
std::filesystem::path vocabulary(std::vector<std::string> lines) {
  std::set<std::string> words;
  for (const std::string &line : lines)
    for (std::string &word : features::tokenize(line))
      words.insert(std::move(word));
  std::filesystem::path file = std::filesystem::temp_directory_path() /
                               ("vocabulary-" + std::to_string(::getpid()) + ".txt");
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  for (const std::string &word : words)
    out << word << '\n';
  out.close();
  if (!out)
    throw std::runtime_error("cannot write " + file.string());
  return file;
}

/// The most frequent word of the text and how often it occurs.
SPARK_TASK()
std::pair<std::string, std::int64_t> top_word(const std::string &text) {
  std::map<std::string, std::int64_t> counts;
  for (const std::string &word : features::tokenize(text))
    ++counts[word];
  std::pair<std::string, std::int64_t> best{"", 0};
  for (const auto &[word, count] : counts)
    if (count > best.second)
      best = {word, count};
  return best;
}

} // namespace ml::etl
