#include "math.hpp"
#include "../core/core.hpp"
long tp_combine(long a, long b) { return tp_triple(a) + b; }
std::string tp_label(long a) { return tp_describe(a); }
