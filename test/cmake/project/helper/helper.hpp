#ifndef DEMO_HELPER_HPP
#define DEMO_HELPER_HPP
namespace demo::helper {
double step(double loss, double learning_rate);
}
#endif
