// The images of the ml tasks, in one place. Each task names its image
// through these constants or the wrappers below, never a literal.
#ifndef ML_IMAGES_HPP
#define ML_IMAGES_HPP

#include <flyte/task.hpp>

namespace ml::images {

/// Training: CUDA base image.
inline constexpr const char kGpu[] = "{{.image.gpu}}";
/// Extract/transform jobs next to Spark, pinned as configured.
inline constexpr const char kSpark[] = "{{.image.spark.fqn}}:{{.image.spark.version}}";

} // namespace ml::images

#define GPU_TASK(...) FLYTE_TASK(container_image = ml::images::kGpu, __VA_ARGS__)
#define SPARK_TASK(...) FLYTE_TASK(container_image = ml::images::kSpark, __VA_ARGS__)

#endif // ML_IMAGES_HPP
