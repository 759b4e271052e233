"""Writes a C++ file with N tasks, half on the default image, half on gpu."""
import sys

n, path = int(sys.argv[1]), sys.argv[2]
with open(path, "w") as f:
    f.write("#include <flyte/task.hpp>\n#include <string>\n")
    for i in range(n):
        image = '"{{.image.gpu}}"' if i % 2 else '""'
        f.write(f"namespace t{i} {{ FLYTE_TASK(container_image = {image}) "
                f"long run(long x, const std::string &s) {{ return x + {i}; }} }}\n")
