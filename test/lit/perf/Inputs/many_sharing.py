"""Writes the sources of perf/shared-prefix-prefilter.test: groups of files
large enough that the prefilter shares their include block."""
import os
import sys

os.makedirs("src", exist_ok=True)


def write(name, text):
    with open(os.path.join("src", name), "w") as f:
        f.write(text)


for i in range(int(sys.argv[1])):
    # Task-free: skipped by the prefilter. plain0.cpp gains a task when
    # wrap.hpp defines WRAP_V2.
    write("plain%d.cpp" % i, "// plain %d\n#include <vector>\n#include <wrap.hpp>\n\n"
          "int f%d() { return %d; }\n"
          "#ifdef WRAP_V2\nV2_TASK() int extra%d(int x) { return x; }\n#endif\n" % (i, i, i, i))
    # Their block mentions "flyte.task": the prefilter reads it itself and
    # sends them to the parse, as it would without the shared block.
    write("noted%d.cpp" % i, "#include <vector>\n#include <note.hpp>\nint g%d() { return %d; }\n"
          % (i, i))
    # Their block's header stops a second inclusion with #error (no include
    # guard): with the PCH the prefilter fails and checks them plainly.
    write("twice%d.cpp" % i, "#include <vector>\n#include <twice.hpp>\nint h%d() { return %d; }\n"
          % (i, i))
    # Their block expands a FLYTE_TASK of its own that makes no task: a sign
    # for the prefilter all the same, so it reads the block itself.
    write("empty%d.cpp" % i, "#include <vector>\n#include <empty_task.hpp>\nint e%d() { return %d; }\n"
          % (i, i))
for i in range(2):
    write("task%d.cpp" % i, "// task %d\n#include <vector>\n#include <wrap.hpp>\n\n"
          "MY_TASK() int t%d(std::vector<int> v) { return int(v.size()); }\n" % (i, i))
