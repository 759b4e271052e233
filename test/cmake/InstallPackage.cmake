# Fixture: `cmake --install` of task-scan's build tree into PREFIX, shared by
# the tests that use find_package(FlyteTasks). Checks the installed layout
# and that the installed task-scan, away from the build tree, still finds
# clang's builtin headers (stddef.h) and the runtime headers.
#
# -DBUILD_DIR -DPREFIX -DWORK_DIR -DTEST_SOURCE_DIR
cmake_minimum_required(VERSION 3.20)
include("${TEST_SOURCE_DIR}/FlyteTest.cmake")
flyte_test_begin()
flyte_test_run("cmake --install" COMMAND "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${PREFIX}")

file(GLOB_RECURSE config "${PREFIX}/*/FlyteTasksConfig.cmake")
if(NOT config)
  message(FATAL_ERROR "FlyteTasksConfig.cmake was not installed under ${PREFIX}")
endif()
get_filename_component(package_dir "${config}" DIRECTORY)
foreach(file bin/task-scan include/flyte/task.hpp include/flyte/runtime.hpp
             include/flyte/runtime/core.hpp include/flyte/runtime/runner.hpp
             share/doc/task-scan/checks.md)
  if(NOT EXISTS "${PREFIX}/${file}")
    message(FATAL_ERROR "${file} was not installed under ${PREFIX}")
  endif()
endforeach()
foreach(file FlyteTasks.cmake FlyteTasksCodegen.cmake FlyteTasksImages.cmake
             FlyteTasksConfigVersion.cmake FlyteTasksTargets.cmake)
  if(NOT EXISTS "${package_dir}/${file}")
    message(FATAL_ERROR "${file} was not installed into ${package_dir}")
  endif()
endforeach()

file(WRITE "${WORK_DIR}/builtins.cpp" [=[
#include <stddef.h>
#include <cstddef>
#include <flyte/task.hpp>
FLYTE_TASK()
long size_of_word(long words) { return words * static_cast<long>(sizeof(size_t)); }
]=])
flyte_test_run("installed task-scan --list" OUTPUT listed WORKING_DIRECTORY "${WORK_DIR}"
  COMMAND "${PREFIX}/bin/task-scan" --list --image localhost/base:1 builtins.cpp -- -std=c++17)
flyte_test_expect("installed task-scan --list" "${listed}" MATCHES "size_of_word +localhost/base:1 +builtins.cpp:5")

# Its diagnostics name the installed list of checks, not the source tree's.
file(WRITE "${WORK_DIR}/warned.cpp" "#include <flyte/task.hpp>\nFLYTE_TASK()\nlong add(long a, long b = 1) { return a + b; }\n")
flyte_test_run("installed task-scan --check" OUTPUT checked WORKING_DIRECTORY "${WORK_DIR}"
  COMMAND "${PREFIX}/bin/task-scan" --check --no-cache --image localhost/base:1 warned.cpp -- -std=c++17)
flyte_test_expect("installed task-scan --check" "${checked}" MATCHES
  "each check is explained, with its fix, in ${PREFIX}/share/doc/task-scan/checks.md")
flyte_test_end()
