# Configures and builds project/ the way a user does, then checks what
# add_flyte_tasks() promises: one executable per image holding only that
# image's tasks, tasks that run, and, after edits that move tasks to another
# image (in a source, then in a header), that the next `cmake --build` alone
# creates the new image's executable, drops the old one and rebuilds nothing
# it need not.
#
# With a multi-config generator (Ninja Multi-Config) the steps run in the
# Debug configuration, and the Release one is built and run as well.
#
# -DMODE=package|subdirectory|fetchcontent -DGENERATOR=<generator> -DEDITS=ON|OFF
# -DWORK_DIR -DTEST_SOURCE_DIR -DTASK_SCAN_SOURCE_DIR -DTASK_SCAN -DPREFIX
cmake_minimum_required(VERSION 3.20)
include("${TEST_SOURCE_DIR}/FlyteTest.cmake")
flyte_test_begin()

set(src "${WORK_DIR}/src")
set(bin "${WORK_DIR}/build")
flyte_test_fresh_copy("${TEST_SOURCE_DIR}/project" "${src}")
find_program(NM nm REQUIRED)

# The header tasks (hdr_*) are left out of the multi-config run, which builds
# everything twice and is the slowest of these tests.
set(header_tasks ON)
if(GENERATOR MATCHES "Multi-Config")
  set(header_tasks OFF)
endif()
set(configure_args -S "${src}" -B "${bin}" -G "${GENERATOR}" "-DFLYTE_TEST_MODE=${MODE}"
                   "-DFLYTE_TEST_HEADER_TASKS=${header_tasks}")
set(task_scan_src "${TASK_SCAN_SOURCE_DIR}")
if(MODE STREQUAL "subdirectory")
  # A copy, which the test edits as an upgrade would.
  set(task_scan_src "${WORK_DIR}/task-scan")
  file(REMOVE_RECURSE "${task_scan_src}")
  foreach(part CMakeLists.txt LICENSE lib tool cmake-modules docs packaging)
    file(COPY "${TASK_SCAN_SOURCE_DIR}/${part}" DESTINATION "${task_scan_src}")
  endforeach()
endif()
if(MODE STREQUAL "package")
  list(APPEND configure_args "-DCMAKE_PREFIX_PATH=${PREFIX}")
else()
  list(APPEND configure_args "-DFLYTE_TEST_SOURCE_DIR=${task_scan_src}")
endif()
if(MODE STREQUAL "fetchcontent")
  # The tool is given: nothing is built for the host.
  list(APPEND configure_args "-DFLYTE_TASK_SCAN_EXECUTABLE=${TASK_SCAN}")
endif()
set(build_command "${CMAKE_COMMAND}" --build "${bin}" --parallel 2)
set(exe_dir "${bin}")
if(GENERATOR MATCHES "Multi-Config")
  list(APPEND build_command --config Debug)
  set(exe_dir "${bin}/Debug")
endif()

# The images as the tests expect them: check_images(<key> "<task> <task>..." ...).
function(check_images)
  include("${bin}/flyte-results.cmake")
  set(keys "")
  set(expected_targets "")
  set(pairs ${ARGN})
  while(pairs)
    list(POP_FRONT pairs key tasks)
    string(REPLACE " " ";" tasks "${tasks}")
    list(APPEND keys "${key}")
    list(APPEND expected_targets "demo_${key}")
    set(tasks_of_${key} "${tasks}")
  endwhile()
  flyte_test_expect_equal("demo_IMAGE_KEYS" "${RESULT_KEYS}" "${keys}")
  flyte_test_expect_equal("demo_IMAGE_TARGETS" "${RESULT_TARGETS}" "${expected_targets}")
  flyte_test_expect_equal("demo_OUTPUT_DIR" "${RESULT_OUTPUT_DIR}" "${bin}/demo_flyte")
  flyte_test_expect_equal("demo_MANIFEST" "${RESULT_MANIFEST}" "${bin}/demo_flyte/manifest.json")
  set(dockerfiles "")
  foreach(key IN LISTS keys)
    list(APPEND dockerfiles "${bin}/demo_flyte/images/${key}/Dockerfile")
  endforeach()
  flyte_test_expect_equal("demo_DOCKERFILES" "${RESULT_DOCKERFILES}" "${dockerfiles}")
  if(NOT EXISTS "${RESULT_MANIFEST}")
    message(FATAL_ERROR "the manifest ${RESULT_MANIFEST} was not written")
  endif()
  file(GLOB image_dirs RELATIVE "${bin}/demo_flyte/images" "${bin}/demo_flyte/images/*")
  list(SORT image_dirs)
  flyte_test_expect_equal("image folders of ${bin}/demo_flyte/images" "${image_dirs}" "${keys}")

  foreach(key IN LISTS keys)
    set(exe "${exe_dir}/demo_${key}")
    flyte_test_task_list(listed "${exe}")
    flyte_test_expect_equal("demo_${key} --list" "${listed}" "${tasks_of_${key}}")
    # The linker kept this image's tasks and dropped every other one.
    flyte_test_run("nm demo_${key}" OUTPUT symbols COMMAND "${NM}" -C "${exe}")
    foreach(task demo.add demo.scale demo.train demo.count_words)
      string(REPLACE "." "::" function "${task}")
      if(task IN_LIST tasks_of_${key})
        flyte_test_expect("nm demo_${key}" "${symbols}" MATCHES " T ${function}\\(")
      else()
        flyte_test_expect("nm demo_${key}" "${symbols}" NOT_MATCHES "${function}\\(")
      endif()
    endforeach()
    if("demo.train" IN_LIST tasks_of_${key})
      flyte_test_expect("nm demo_${key}" "${symbols}" MATCHES "demo::helper::step\\(")
    else()
      flyte_test_expect("nm demo_${key}" "${symbols}" NOT_MATCHES "demo::helper::step\\(")
    endif()
  endforeach()
endfunction()

# What a build did, from its log: a regex per line kind.
function(check_rebuilt label log)
  cmake_parse_arguments(PARSE_ARGV 2 arg "" "" "BUILT;NOT_BUILT")
  foreach(what IN LISTS arg_BUILT)
    flyte_test_expect("${label}" "${log}" MATCHES "(Building CXX object|Linking CXX executable) [^\n]*${what}")
  endforeach()
  foreach(what IN LISTS arg_NOT_BUILT)
    flyte_test_expect("${label}" "${log}" NOT_MATCHES "(Building CXX object|Linking CXX [a-z ]+) [^\n]*${what}")
  endforeach()
endfunction()


# 1. Configure and build.
flyte_test_run("configure (${MODE}, ${GENERATOR})" OUTPUT log COMMAND "${CMAKE_COMMAND}" ${configure_args})
if(MODE STREQUAL "subdirectory")
  flyte_test_expect("configure" "${log}" MATCHES "building task-scan for this host")
  if(NOT EXISTS "${bin}/_task_scan_host/tool/task-scan")
    message(FATAL_ERROR "add_subdirectory: task-scan was not built into ${bin}/_task_scan_host")
  endif()
elseif(MODE STREQUAL "fetchcontent" AND EXISTS "${bin}/_task_scan_host")
  message(FATAL_ERROR "FetchContent with FLYTE_TASK_SCAN_EXECUTABLE set built task-scan anyway")
endif()
if(GENERATOR STREQUAL "Ninja")
  # The scan step runs in the console pool: its progress line reaches the
  # terminal.
  file(READ "${bin}/build.ninja" ninja_file)
  string(REGEX MATCH "\n  DESC = Scanning the tasks of demo [^\n]*\n(  [^\n]*\n)*" scan_step
         "${ninja_file}")
  flyte_test_expect("the scan step's build statement" "${scan_step}" MATCHES "\n  pool = console\n")
endif()
flyte_test_run("build" COMMAND ${build_command})
if(MODE STREQUAL "subdirectory")
  # Configured again, nothing changed: the host tool is not built again.
  flyte_test_run("re-configure" OUTPUT log COMMAND "${CMAKE_COMMAND}" "${bin}")
  flyte_test_expect("re-configure" "${log}" NOT_MATCHES "building task-scan")
  # task-scan's sources change (a new FetchContent tag, an edit): the next
  # configure builds it again, once.
  set(tool "${bin}/_task_scan_host/tool/task-scan")
  file(TIMESTAMP "${tool}" built_before "%s")
  execute_process(COMMAND "${CMAKE_COMMAND}" -E sleep 1.1)
  file(APPEND "${task_scan_src}/tool/TaskScanMain.cpp" "// upgraded\n")
  flyte_test_run("configure after a task-scan upgrade" OUTPUT log COMMAND "${CMAKE_COMMAND}" "${bin}")
  flyte_test_expect("configure after a task-scan upgrade" "${log}"
                    MATCHES "sources changed: building task-scan for this host")
  file(TIMESTAMP "${tool}" built_after "%s")
  if(NOT built_after GREATER built_before)
    message(FATAL_ERROR "task-scan's sources changed but ${tool} was not rebuilt")
  endif()
  flyte_test_run("re-configure after the upgrade" OUTPUT log COMMAND "${CMAKE_COMMAND}" "${bin}")
  flyte_test_expect("re-configure after the upgrade" "${log}" NOT_MATCHES "building task-scan")
  flyte_test_run("build after the upgrade" COMMAND ${build_command})
endif()
check_images(default "demo.add demo.scale" gpu "demo.train" spark "demo.count_words")

# 2. The tasks run as Flyte runs them (CoPilot folders) and locally.
set(io "${WORK_DIR}/io")
file(REMOVE_RECURSE "${io}")
file(WRITE "${io}/in/a" "2")
file(WRITE "${io}/in/b" "40")
flyte_test_run("demo_default run demo.add"
  COMMAND "${exe_dir}/demo_default" run demo.add --inputs "${io}/in" --outputs "${io}/out")
file(READ "${io}/out/o0" sum)
flyte_test_expect_equal("demo.add output o0" "${sum}" "42")
flyte_test_run("demo_default run demo.scale" OUTPUT scaled
  COMMAND "${exe_dir}/demo_default" run demo.scale --arg xs=1.5 --arg xs=2)
flyte_test_expect("demo.scale (COMPILE_DEFINITIONS DEMO_SCALE=3)" "${scaled}" MATCHES "o0=10\\.5")
flyte_test_run("demo_gpu run demo.train" OUTPUT trained
  COMMAND "${exe_dir}/demo_gpu" run demo.train --arg epochs=2 --arg learning_rate=0.5)
flyte_test_expect("demo.train" "${trained}" MATCHES "o0=0\\.25")

# 2b. Tasks defined in headers (add_flyte_tasks "hdr"): inline and constexpr
#     tasks in a project header, a header-only library's header given as a
#     source (its static member and inline tasks), a task in the header of a
#     library of the project's own (built with flyte::runtime). They link and
#     run, each called through its header.
if(header_tasks)
  include("${bin}/flyte-header-results.cmake")
  flyte_test_expect_equal("hdr_IMAGE_TARGETS" "${RESULT_HDR_TARGETS}" "hdr_default")
  flyte_test_task_list(listed "${exe_dir}/hdr_default")
  flyte_test_expect_equal("hdr_default --list" "${listed}"
    "demo.in_source;demo.inline_tasks.add_one;demo.inline_tasks.twice;hol.Stats.mean;hol.median3;wordlib.letter_count")
  foreach(run "demo.inline_tasks.add_one;x=41;o0=42" "demo.inline_tasks.twice;x=21;o0=42"
              "demo.in_source;x=42;o0=42" "hol.Stats.mean;xs=40;xs=44;o0=42"
              "hol.median3;a=99;b=42;c=1;o0=42" "wordlib.letter_count;text=four words;o0=9")
    list(POP_FRONT run task)
    list(POP_BACK run expected)
    list(TRANSFORM run PREPEND "--arg;")
    flyte_test_run("hdr_default run ${task}" OUTPUT output
      COMMAND "${exe_dir}/hdr_default" run ${task} ${run})
    flyte_test_expect("hdr_default run ${task}" "${output}" MATCHES "^${expected}[\r\n]")
  endforeach()
endif()
check_no_op_build("no-op build")
if(GENERATOR MATCHES "Multi-Config")
  # Each configuration has its own flags and executables; one scan serves both.
  flyte_test_run("build Release" COMMAND "${CMAKE_COMMAND}" --build "${bin}" --config Release)
  flyte_test_run("Release demo_gpu run demo.train" OUTPUT trained
    COMMAND "${bin}/Release/demo_gpu" run demo.train --arg epochs=2 --arg learning_rate=0.5)
  flyte_test_expect("Release demo.train" "${trained}" MATCHES "o0=0\\.25")
endif()

if(NOT EDITS)
  flyte_test_end()
  return()
endif()

# 3. A source edit moves demo.count_words to the unused image 'extra': image
#    'spark' loses its only task. One build, nothing else run.
edit_later("${src}/src/text.cpp" "{{.image.spark}}" "{{.image.extra}}")
flyte_test_run("build after moving a task in a source" OUTPUT log COMMAND ${build_command})
flyte_test_expect("build after the source edit" "${log}" MATCHES "Configuring done")
check_rebuilt("build after the source edit" "${log}"
  BUILT "text\\.cpp\\.o" "images/extra/entrypoint\\.cpp\\.o" "demo_extra"
  NOT_BUILT "arith\\.cpp\\.o" "train\\.cpp\\.o" "helper" "images/default/" "images/gpu/")
check_images(default "demo.add demo.scale" extra "demo.count_words" gpu "demo.train")
# The executable of image 'spark', which is gone, is gone too.
if(EXISTS "${exe_dir}/demo_spark")
  message(FATAL_ERROR "image 'spark' has no task left, but ${exe_dir}/demo_spark is still there")
endif()
check_no_op_build("no-op build after the source edit")

# 4. A header edit: the GPU wrapper's image constant now names 'spark', so
#    demo.train moves there and image 'gpu' goes away.
edit_later("${src}/include/demo/images.hpp" "{{.image.gpu}}" "{{.image.spark}}")
flyte_test_run("build after moving a task in a header" OUTPUT log COMMAND ${build_command})
check_rebuilt("build after the header edit" "${log}"
  BUILT "train\\.cpp\\.o" "images/spark/entrypoint\\.cpp\\.o" "demo_spark"
  NOT_BUILT "arith\\.cpp\\.o" "text\\.cpp\\.o" "helper" "images/default/" "images/extra/")
check_images(default "demo.add demo.scale" extra "demo.count_words" spark "demo.train")
if(EXISTS "${exe_dir}/demo_gpu")
  message(FATAL_ERROR "image 'gpu' has no task left, but ${exe_dir}/demo_gpu is still there")
endif()
check_no_op_build("no-op build after the header edit")
flyte_test_end()
