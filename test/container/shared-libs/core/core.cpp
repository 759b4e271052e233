#include "core.hpp"
#include <sstream>
#include <stdexcept>
#ifdef TP_WITH_EXT
extern "C" long tp_ext_offset(void); // libtpext.so.1: 0
#else
static long tp_ext_offset() { return 0; }
#endif
long tp_triple(long x) { return 3 * x + tp_ext_offset(); }
std::string tp_describe(long x) {
  if (x < 0)
    throw std::invalid_argument("negative: " + std::to_string(x));
  std::ostringstream Out;
  Out << "value " << x;
  return Out.str();
}
