#include "wordlib.hpp"
#include <cctype>
namespace wordlib {
long letters(const std::string &text) {
  long n = 0;
  for (unsigned char c : text)
    n += std::isalpha(c) ? 1 : 0;
  return n;
}
} // namespace wordlib
