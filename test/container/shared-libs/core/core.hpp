#pragma once
#include <string>
long tp_triple(long x);
std::string tp_describe(long x);
