# add_flyte_tasks() misused: each case configures a one-call project and
# expects CMake to stop with one clear sentence (or task-scan's diagnostics).
#
# -DPREFIX -DWORK_DIR -DTEST_SOURCE_DIR
cmake_minimum_required(VERSION 3.20)
include("${TEST_SOURCE_DIR}/FlyteTest.cmake")
flyte_test_begin()

# expect_error(<case> <add_flyte_tasks call> <regex of the message>)
function(expect_error case call regex)
  set(dir "${WORK_DIR}/${case}")
  file(WRITE "${dir}/CMakeLists.txt"
    "cmake_minimum_required(VERSION 3.20)\nproject(misuse NONE)\n"
    "find_package(FlyteTasks CONFIG REQUIRED)\n${call}\n")
  file(WRITE "${dir}/flyte.yaml" "images:\n  default: localhost/misuse:1.0\n")
  file(WRITE "${dir}/tasks.cpp" "#include <flyte/task.hpp>\nFLYTE_TASK()\nlong one() { return 1; }\n")
  file(WRITE "${dir}/bad.cpp"
    "#include <flyte/task.hpp>\n\nFLYTE_TASK(retrys = 2)\nlong two() { return 2; }\n")
  flyte_test_run("${case}" EXPECT_FAILURE OUTPUT log
    COMMAND "${CMAKE_COMMAND}" -S "${dir}" -B "${dir}/build" "-DCMAKE_PREFIX_PATH=${PREFIX}")
  flyte_test_expect("${case}" "${log}" MATCHES "CMake Error at [^\n]*FlyteTasks.cmake:[0-9]+ \\(message\\).*CMakeLists.txt:4 \\(add_flyte_tasks\\)")
  # CMake wraps messages at 80 columns: compare with the wrapping undone.
  string(REGEX REPLACE "\n  " " " unwrapped "${log}")
  flyte_test_expect("${case}" "${unwrapped}" MATCHES "${regex}")
endfunction()

expect_error(unknown-keyword
  "add_flyte_tasks(demo SOURCES tasks.cpp CONFIG flyte.yaml LINK_LIBRARY m)"
  "add_flyte_tasks\\(demo\\): unknown argument 'LINK_LIBRARY'; the keywords are STATIC, CONFIG, OUTPUT_DIR, SOURCES,")
expect_error(misspelt-keyword-after-sources
  "add_flyte_tasks(demo SOURCES tasks.cpp CONFIGS flyte.yaml)"
  "add_flyte_tasks\\(demo\\): unknown argument 'CONFIGS'")
expect_error(missing-value
  "add_flyte_tasks(demo SOURCES tasks.cpp CONFIG)"
  "add_flyte_tasks\\(demo\\): CONFIG needs a value\\.")
expect_error(no-sources
  "add_flyte_tasks(demo CONFIG flyte.yaml)"
  "add_flyte_tasks\\(demo\\) needs SOURCES: the C\\+\\+ files that define its tasks\\.")
expect_error(no-config
  "add_flyte_tasks(demo SOURCES tasks.cpp)"
  "add_flyte_tasks\\(demo\\) needs CONFIG <file>: the image configuration")
expect_error(missing-config-file
  "add_flyte_tasks(demo SOURCES tasks.cpp CONFIG nope.yaml)"
  "add_flyte_tasks\\(demo\\): the CONFIG file '[^']*/missing-config-file/nope\\.yaml' does not exist\\.")
expect_error(missing-source
  "add_flyte_tasks(demo SOURCES tasks.cpp gone.cpp CONFIG flyte.yaml)"
  "add_flyte_tasks\\(demo\\): the source '[^']*/gone\\.cpp' does not exist\\.")
expect_error(bad-name
  "add_flyte_tasks(9demo SOURCES tasks.cpp CONFIG flyte.yaml)"
  "the name '9demo' prefixes the executables and must start with a letter")
expect_error(bad-link-mode
  "add_flyte_tasks(demo SOURCES tasks.cpp CONFIG flyte.yaml LINK_MODES default=fully-static)"
  "add_flyte_tasks\\(demo\\): LINK_MODES takes <image key>=dynamic, static-runtime or static, not 'default=fully-static'\\.")
# task-scan's own diagnostics, compiler-style, reach the CMake error.
expect_error(scan-error
  "add_flyte_tasks(demo SOURCES bad.cpp CONFIG flyte.yaml)"
  "task-scan found problems.*bad\\.cpp:3:[0-9]+: error: [^\n]*retrys[^\n]*did you mean 'retries'")

# The project's shared libraries (issue 28), FlyteTasksSharedLibraries.cmake:
# an image linked static while the tasks link a SHARED library of the
# project is one sentence naming the library and what to do instead, at
# configure time, in the caller's add_flyte_tasks or (for a link added after
# it) when CMake has read every directory; so is IMAGE_LIBRARIES naming what
# is not an imported shared library. <text> is the exact message.
function(expect_shared_libraries_error case calls text where)
  set(dir "${WORK_DIR}/${case}")
  file(WRITE "${dir}/CMakeLists.txt"
    "cmake_minimum_required(VERSION 3.20)\nproject(misuse NONE)\n"
    "find_package(FlyteTasks CONFIG REQUIRED)\n${calls}\n")
  file(WRITE "${dir}/flyte.yaml" "images:\n  default: localhost/misuse:1.0\n  gpu: localhost/misuse-gpu:1.0\n")
  file(WRITE "${dir}/tasks.cpp" "#include <flyte/task.hpp>\nFLYTE_TASK()\nlong one() { return 1; }\n"
    "FLYTE_TASK(container_image = \"{{.image.gpu}}\")\nlong two() { return 2; }\n")
  file(WRITE "${dir}/math.cpp" "long three() { return 3; }\n")
  flyte_test_run("${case}" EXPECT_FAILURE OUTPUT log
    COMMAND "${CMAKE_COMMAND}" -S "${dir}" -B "${dir}/build" "-DCMAKE_PREFIX_PATH=${PREFIX}")
  # CMake wraps and indents messages and puts two spaces after a sentence.
  string(REGEX REPLACE "[ \n]+" " " unwrapped "${log}")
  string(FIND "${unwrapped}" "${text}" found)
  if(found EQUAL -1)
    message(FATAL_ERROR "${case}: expected the message\n  ${text}\ngot:\n${log}")
  endif()
  flyte_test_expect("${case}" "${log}" MATCHES "CMake Error at [^\n]*FlyteTasksSharedLibraries.cmake:[0-9]+ \\(message\\)")
  flyte_test_expect("${case}" "${log}" MATCHES "Call Stack \\(most recent call first\\):.*${where}")
  # Never the link error it prevents.
  flyte_test_expect("${case}" "${log}" NOT_MATCHES "attempted static link|-- Generating done")
endfunction()

expect_shared_libraries_error(static-link-mode-with-shared-library
  "add_library(tp_math SHARED math.cpp)\nadd_flyte_tasks(tp SOURCES tasks.cpp CONFIG flyte.yaml LINK_LIBRARIES tp_math LINK_MODES gpu=static)"
  "add_flyte_tasks(tp): image 'gpu' is linked static (LINK_MODES gpu=static), but its tasks link the shared library tp_math of this project, which a static executable cannot load. Link image 'gpu' static-runtime or dynamic (the image then carries the project's shared libraries), or build tp_math as a STATIC library."
  "CMakeLists.txt:5 \\(add_flyte_tasks\\)")
# STATIC, with a shared library reached through a static library and an
# interface library ($<BUILD_INTERFACE:...>, as installable projects write
# it), linked after add_flyte_tasks: found when CMake is done reading.
expect_shared_libraries_error(static-keyword-with-later-shared-library
  "add_library(tp_util STATIC math.cpp)\nadd_flyte_tasks(tp SOURCES tasks.cpp CONFIG flyte.yaml LINK_LIBRARIES tp_util STATIC LINK_MODES gpu=dynamic)\nset(BUILD_SHARED_LIBS ON)\nadd_library(tp_core math.cpp)\nadd_library(tp_iface INTERFACE)\ntarget_link_libraries(tp_iface INTERFACE $<BUILD_INTERFACE:tp_core>)\ntarget_link_libraries(tp_util PRIVATE tp_iface)"
  "add_flyte_tasks(tp): image 'default' is linked static (STATIC), but its tasks link the shared library tp_core of this project, which a static executable cannot load. Link image 'default' static-runtime or dynamic (the image then carries the project's shared libraries), or build tp_core as a STATIC library."
  "CMakeLists.txt:DEFERRED")
expect_shared_libraries_error(image-libraries-not-imported
  "add_library(tp_math SHARED math.cpp)\nadd_flyte_tasks(tp SOURCES tasks.cpp CONFIG flyte.yaml LINK_LIBRARIES tp_math IMAGE_LIBRARIES tp_math)"
  "add_flyte_tasks(tp): IMAGE_LIBRARIES takes imported shared library targets (from find_package), not 'tp_math'; the project's own SHARED libraries go into the images by themselves."
  "CMakeLists.txt:DEFERRED")

flyte_test_end()
