#include "core.hpp"
#include <sstream>
#include <stdexcept>
long tp_triple(long x) { return 3 * x; }
std::string tp_describe(long x) {
  if (x < 0)
    throw std::invalid_argument("negative: " + std::to_string(x));
  std::ostringstream Out;
  Out << "value " << x;
  return Out.str();
}
