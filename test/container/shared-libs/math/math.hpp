#pragma once
#include <string>
long tp_combine(long a, long b);
std::string tp_label(long a);
