# The <name>_codegen step of add_flyte_tasks (cmake -P), run by the build:
#
#   cmake -DFLYTE_ARGUMENTS=<file> -P FlyteTasksCodegen.cmake
#
# <file> (written by add_flyte_tasks at generation time) sets FLYTE_TASK_SCAN,
# FLYTE_NAME, FLYTE_SCAN_ARGS (options and sources), FLYTE_SCAN_FLAGS (the
# object library's compile flags), FLYTE_OUTPUT_DIR, FLYTE_KEYS_FILE,
# FLYTE_STAMP and FLYTE_DEPFILE.
#
# One task-scan run writes the generated files (only those whose content
# changed), the depfile of everything it read, and prints the image keys.
# The key file, which CMake watches, is rewritten only when the set of keys
# changed: that, and only that, makes the next build re-run CMake and so
# create or drop the image executables.
cmake_minimum_required(VERSION 3.20)

if(NOT FLYTE_ARGUMENTS OR NOT EXISTS "${FLYTE_ARGUMENTS}")
  message(FATAL_ERROR "FlyteTasksCodegen.cmake: pass -DFLYTE_ARGUMENTS=<file> written by add_flyte_tasks.")
endif()
include("${FLYTE_ARGUMENTS}")

execute_process(
  COMMAND "${FLYTE_TASK_SCAN}" ${FLYTE_SCAN_ARGS}
          "--output-dir=${FLYTE_OUTPUT_DIR}" --list-images
          "--depfile=${FLYTE_DEPFILE}" "--depfile-target=${FLYTE_STAMP}"
          -- ${FLYTE_SCAN_FLAGS}
  RESULT_VARIABLE result
  OUTPUT_VARIABLE keys)
if(NOT result EQUAL 0)
  # task-scan's diagnostics went to stderr as they are, file:line:col first.
  message(FATAL_ERROR "add_flyte_tasks(${FLYTE_NAME}): task-scan failed (exit status ${result}).")
endif()

string(STRIP "${keys}" keys)
string(REGEX REPLACE "[\r\n]+" ";" keys "${keys}")
include("${CMAKE_CURRENT_LIST_DIR}/FlyteTasksKeys.cmake")
_flyte_tasks_update_keys("${FLYTE_KEYS_FILE}" "${keys}" changed before)
if(changed)
  string(REPLACE ";" " " now "${keys}")
  string(REPLACE ";" " " before "${before}")
  message(STATUS "add_flyte_tasks(${FLYTE_NAME}): the images are now [${now}] (were [${before}]); "
                 "CMake runs again to create their targets")
endif()
file(TOUCH "${FLYTE_STAMP}")
