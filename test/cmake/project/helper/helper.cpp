#include "helper.hpp"
namespace demo::helper {
double step(double loss, double learning_rate) { return loss * (1.0 - learning_rate); }
}
