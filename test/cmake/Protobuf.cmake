# A task source that includes headers the build generates (protobuf/, with
# Debian's protobuf compiler and library): `cmake -S -B` and `cmake --build`
# work in one pass on a fresh tree, and the tasks run; an edit of the .proto
# and of an annotation need `cmake --build` only; an image that only the
# generated header decides (configure cannot see it) is found by the build,
# which makes CMake run again once (Ninja) or says to build again
# (Makefiles), never looping; a task whose signature uses a generated type
# is still checked before code is generated from it.
#
# -DGENERATOR=<generator> -DWORK_DIR -DTEST_SOURCE_DIR -DPREFIX
cmake_minimum_required(VERSION 3.20)
include("${TEST_SOURCE_DIR}/FlyteTest.cmake")
flyte_test_begin()

set(src "${WORK_DIR}/src")
set(bin "${WORK_DIR}/build")
set(build_command "${CMAKE_COMMAND}" --build "${bin}" --parallel 2)
set(configure_command "${CMAKE_COMMAND}" -S "${src}" -B "${bin}" -G "${GENERATOR}"
                      "-DCMAKE_PREFIX_PATH=${PREFIX}")

function(fresh_tree)
  file(REMOVE_RECURSE "${bin}")
  flyte_test_fresh_copy("${TEST_SOURCE_DIR}/protobuf" "${src}")
endfunction()

function(check_run label exe task expected)
  flyte_test_run("${label}" OUTPUT output COMMAND "${bin}/${exe}" run ${task} ${ARGN})
  flyte_test_expect("${label}" "${output}" MATCHES "^${expected}[\r\n]")
endfunction()

# 1. A fresh tree: one configure, one build, the tasks run.
fresh_tree()
flyte_test_run("configure (point.pb.h and geo_version.h do not exist yet)" OUTPUT log
  COMMAND ${configure_command})
flyte_test_expect("configure" "${log}" MATCHES
  "headers that do not exist yet \\(the build generates them\\?\\): 'point.pb.h' \\(src/tasks.cpp\\), 'geo_version.h' \\(src/tasks.cpp\\)")
flyte_test_run("build" OUTPUT log COMMAND ${build_command})
flyte_test_expect("build" "${log}" NOT_MATCHES "Re-running CMake")
include("${bin}/flyte-results.cmake")
flyte_test_expect_equal("geo_IMAGE_KEYS" "${RESULT_KEYS}" "default;gpu")
check_run("geo_default run norm (a geo::Point)" geo_default norm "o0=5" --arg x=3 --arg y=4)
check_run("geo_gpu run version (GEO_VERSION)" geo_gpu version "o0=7")
check_no_op_build("no-op build")

# 2. The .proto changes: protoc, the compile and the scan run again.
edit_later("${src}/proto/point.proto" "double y = 2;" "double y = 2;\n  double z = 3;")
edit_later("${src}/src/tasks.cpp" "p.set_y(y);" "p.set_y(y);\n  p.set_z(0);")
flyte_test_run("build after the .proto edit" OUTPUT log COMMAND ${build_command})
flyte_test_expect("build after the .proto edit" "${log}" MATCHES "protocol buffer compiler")
check_run("norm after the .proto edit" geo_default norm "o0=5" --arg x=3 --arg y=4)
check_no_op_build("no-op build after the .proto edit")

# 3. An annotation changes: task 'version' moves to image 'spark'.
edit_later("${src}/src/tasks.cpp" "{{.image.gpu}}" "{{.image.spark}}")
flyte_test_run("build after the annotation edit" OUTPUT log COMMAND ${build_command})
include("${bin}/flyte-results.cmake")
flyte_test_expect_equal("geo_IMAGE_KEYS after the edit" "${RESULT_KEYS}" "default;spark")
check_run("geo_spark run version" geo_spark version "o0=7")
if(EXISTS "${bin}/geo_gpu")
  message(FATAL_ERROR "image 'gpu' has no task left, but ${bin}/geo_gpu is still there")
endif()
check_no_op_build("no-op build after the annotation edit")

# 4. The image depends on a macro of the generated header: configure, which
#    reads the annotations without it, guesses 'default'; the build's scan
#    finds 'gpu'. Ninja runs CMake again within the same build, once;
#    Makefiles stop and say to build again. Then nothing loops.
fresh_tree()
flyte_test_replace("${src}/src/tasks.cpp" "FLYTE_TASK(container_image = \"{{.image.gpu}}\")"
  "#ifdef GEO_ON_GPU\nFLYTE_TASK(container_image = \"{{.image.gpu}}\")\n#else\nFLYTE_TASK()\n#endif")
flyte_test_run("configure (an image only the generated header decides)"
  COMMAND ${configure_command} -DGEO_EXTRA_DEFINE=GEO_ON_GPU)
include("${bin}/flyte-results.cmake")
flyte_test_expect_equal("configure's guess" "${RESULT_KEYS}" "default")
if(GENERATOR MATCHES "Ninja")
  flyte_test_run("build (the build's scan finds 'gpu')" OUTPUT log COMMAND ${build_command})
else()
  flyte_test_run("build (the build's scan finds 'gpu')" EXPECT_FAILURE OUTPUT log
    COMMAND ${build_command})
  string(REGEX REPLACE "[ \r\n]+" " " message "${log}") # as CMake wraps it
  flyte_test_expect("build" "${message}" MATCHES "found the images \\[default gpu\\], but CMake created targets for \\[default\\]; run the build again")
  flyte_test_run("build again" OUTPUT log COMMAND ${build_command})
endif()
if(GENERATOR MATCHES "Ninja")
  flyte_test_expect("build" "${log}" MATCHES "the images are now \\[default gpu\\] \\(were \\[default\\]\\); CMake runs again")
endif()
include("${bin}/flyte-results.cmake")
flyte_test_expect_equal("geo_IMAGE_KEYS (the build's answer)" "${RESULT_KEYS}" "default;gpu")
check_run("geo_gpu run version" geo_gpu version "o0=7")
check_no_op_build("no-op build after the build's answer")
flyte_test_run("configure again" COMMAND "${CMAKE_COMMAND}" "${bin}")
include("${bin}/flyte-results.cmake")
flyte_test_expect_equal("geo_IMAGE_KEYS after configuring again" "${RESULT_KEYS}" "default;gpu")
flyte_test_run("build after configuring again" OUTPUT log COMMAND ${build_command})
flyte_test_expect("build after configuring again" "${log}" NOT_MATCHES "Re-running CMake|images are now")

# 5. A task whose signature uses a generated type: configure reads its
#    annotation; the build's scan, with the header, rejects the type
#    before any code is generated from it.
fresh_tree()
file(APPEND "${src}/src/tasks.cpp" "\nFLYTE_TASK()\ndouble length(const geo::Point& p) { return p.x(); }\n")
flyte_test_run("configure (a task taking a geo::Point)" COMMAND ${configure_command})
flyte_test_run("build (a task taking a geo::Point)" EXPECT_FAILURE OUTPUT log COMMAND ${build_command})
flyte_test_expect("build" "${log}" MATCHES "tasks\\.cpp:[0-9]+:[0-9]+: error: parameter 'p' has unsupported type 'const geo::Point &'")
if(EXISTS "${bin}/geo_flyte/manifest.json")
  message(FATAL_ERROR "a manifest was generated from a task the build's scan rejects")
endif()
flyte_test_end()
