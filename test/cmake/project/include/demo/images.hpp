#ifndef DEMO_IMAGES_HPP
#define DEMO_IMAGES_HPP
#include <flyte/task.hpp>
namespace demo::images {
inline constexpr const char kGpu[] = "{{.image.gpu}}";
}
#define GPU_TASK(...) FLYTE_TASK(container_image = demo::images::kGpu, __VA_ARGS__)
#endif
