#ifndef DEMO_WORDLIB_HPP
#define DEMO_WORDLIB_HPP
#include <flyte/task.hpp>
#include <string>
namespace wordlib {
long letters(const std::string &text); // in wordlib.cpp, a library of its own

FLYTE_TASK()
inline long letter_count(const std::string &text) { return letters(text); }
} // namespace wordlib
#endif
