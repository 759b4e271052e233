#include "point.pb.h"
#include "geo_version.h"

#include <flyte/task.hpp>

#include <cmath>

FLYTE_TASK()
double norm(double x, double y) {
  geo::Point p;
  p.set_x(x);
  p.set_y(y);
  return std::sqrt(p.x() * p.x() + p.y() * p.y());
}

FLYTE_TASK(container_image = "{{.image.gpu}}")
long version() { return GEO_VERSION; }
