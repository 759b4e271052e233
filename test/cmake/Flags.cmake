# The scan sees what the compiler compiles: with WITH_GPU reaching the
# compiler in each way a CMake project passes a definition, task 'pick'
# (gpu under WITH_GPU, else default) is in image 'gpu' in add_flyte_tasks's
# manifest, exactly as `task-scan -p` reads the same build's compile
# database, its executable lists it, and the build ends (no configure-build
# loop) and is a no-op the next time.
#
# -DGENERATOR=<generator> -DWORK_DIR -DTEST_SOURCE_DIR -DPREFIX -DTASK_SCAN
cmake_minimum_required(VERSION 3.20)
include("${TEST_SOURCE_DIR}/FlyteTest.cmake")
flyte_test_begin()

# <row>|<before add_flyte_tasks>|<add_flyte_tasks arguments>|<after>|<cmake -D>|<seen>
# <seen>: whether configure's own scan sees the definition (else the build's
# scan finds 'gpu' and CMake runs again once with its answer).
set(rows
  "interface|add_library(cfg INTERFACE)\ntarget_compile_definitions(cfg INTERFACE WITH_GPU)|LINK_LIBRARIES cfg|||seen"
  "interface-option|add_library(cfg INTERFACE)\ntarget_compile_options(cfg INTERFACE -DWITH_GPU)|LINK_LIBRARIES cfg|||seen"
  "directory|add_compile_definitions(WITH_GPU)||||seen"
  "source-property|set_source_files_properties(src/a.cpp PROPERTIES COMPILE_DEFINITIONS WITH_GPU)||||seen"
  "source-property-after|||set_source_files_properties(src/a.cpp PROPERTIES COMPILE_DEFINITIONS WITH_GPU)||build"
  "cxx-flags||||-DCMAKE_CXX_FLAGS=-DWITH_GPU|seen"
  "cxx-flags-config||||-DCMAKE_CXX_FLAGS_RELEASE=-O2 -DWITH_GPU|seen"
  "genex-argument||COMPILE_DEFINITIONS $<$<CONFIG:Release>:WITH_GPU>|||build"
  "genex-interface|add_library(cfg INTERFACE)\ntarget_compile_definitions(cfg INTERFACE $<$<CONFIG:Release>:WITH_GPU>)|LINK_LIBRARIES cfg|||build")
if(DEFINED ROWS)
  set(selected "")
  foreach(row IN LISTS rows)
    string(REGEX MATCH "^[^|]*" row_name "${row}")
    if(row_name IN_LIST ROWS)
      list(APPEND selected "${row}")
    endif()
  endforeach()
  set(rows "${selected}")
endif()

set(multi_config FALSE)
if(GENERATOR MATCHES "Multi-Config")
  set(multi_config TRUE)
endif()

foreach(row IN LISTS rows)
  string(REPLACE "|" ";" parts "${row}")
  list(GET parts 0 row_name)
  list(GET parts 1 before)
  list(GET parts 2 arguments)
  list(GET parts 3 after)
  list(GET parts 4 define)
  list(GET parts 5 seen)
  if(multi_config AND row_name STREQUAL "cxx-flags-config")
    # Configure guesses with the default configuration's flags (Debug);
    # Release is built here, so the build's scan corrects it.
    set(seen build)
  endif()
  set(src "${WORK_DIR}/${row_name}/src")
  set(bin "${WORK_DIR}/${row_name}/build")
  file(REMOVE_RECURSE "${WORK_DIR}/${row_name}")
  file(WRITE "${src}/flyte.yaml" "images:\n  default: localhost/cpu:1\n  gpu: localhost/gpu:1\n")
  file(WRITE "${src}/src/a.cpp" [=[
#include <flyte/task.hpp>
#ifdef WITH_GPU
FLYTE_TASK(container_image = "{{.image.gpu}}")
#else
FLYTE_TASK()
#endif
int pick() { return 1; }
]=])
  file(WRITE "${src}/CMakeLists.txt"
    "cmake_minimum_required(VERSION 3.20)\nproject(flags LANGUAGES CXX)\n"
    "find_package(FlyteTasks CONFIG REQUIRED)\n${before}\n"
    "add_flyte_tasks(demo SOURCES src/a.cpp CONFIG flyte.yaml ${arguments})\n${after}\n")
  set(configure_args -S "${src}" -B "${bin}" -G "${GENERATOR}" "-DCMAKE_PREFIX_PATH=${PREFIX}"
                     -DCMAKE_EXPORT_COMPILE_COMMANDS=ON)
  set(build_command "${CMAKE_COMMAND}" --build "${bin}")
  set(exe_dir "${bin}")
  set(object_dir "${bin}/CMakeFiles/demo_task_objects.dir")
  if(multi_config)
    list(APPEND build_command --config Release)
    set(exe_dir "${bin}/Release")
    string(APPEND object_dir "/Release")
  else()
    list(APPEND configure_args -DCMAKE_BUILD_TYPE=Release)
  endif()
  if(define)
    list(APPEND configure_args "${define}")
  endif()

  flyte_test_run("${row_name}: configure" COMMAND "${CMAKE_COMMAND}" ${configure_args})
  if(GENERATOR MATCHES "Ninja")
    flyte_test_run("${row_name}: build" OUTPUT log COMMAND ${build_command})
    if(seen STREQUAL "seen")
      flyte_test_expect("${row_name}: build (configure saw it)" "${log}" NOT_MATCHES "images are now")
    else()
      flyte_test_expect("${row_name}: build (configure could not see it)" "${log}"
        MATCHES "images are now \\[gpu\\] \\(were \\[default\\]\\).*as the build's scan found them")
    endif()
  else()
    # make cannot re-run CMake in the middle of a build: where configure
    # could not see the definition, the build says so and the next one
    # builds.
    execute_process(COMMAND ${build_command} RESULT_VARIABLE result OUTPUT_VARIABLE log
                    ERROR_VARIABLE log)
    if(seen STREQUAL "seen" AND NOT result EQUAL 0)
      message(FATAL_ERROR "${row_name}: build failed although configure saw the definition:\n${log}")
    elseif(NOT result EQUAL 0)
      string(REGEX REPLACE "[ \r\n]+" " " message "${log}") # as CMake wraps it
      flyte_test_expect("${row_name}: build" "${message}" MATCHES "run the build again")
      flyte_test_run("${row_name}: build again" OUTPUT log COMMAND ${build_command})
    endif()
  endif()

  # add_flyte_tasks's answer: the manifest and the executable.
  file(READ "${bin}/demo_flyte/manifest.json" manifest)
  string(JSON image_key GET "${manifest}" tasks 0 image_key)
  flyte_test_expect_equal("${row_name}: image of 'pick' in the manifest" "${image_key}" "gpu")
  flyte_test_task_list(listed "${exe_dir}/demo_gpu")
  flyte_test_expect_equal("${row_name}: demo_gpu --list" "${listed}" "pick")
  # task-scan -p on the same build's compile database.
  set(scan_args --list --config "${src}/flyte.yaml" -p "${bin}")
  if(multi_config)
    list(APPEND scan_args "--outputs-under=${object_dir}")
  endif()
  flyte_test_run("${row_name}: task-scan -p" OUTPUT listed WORKING_DIRECTORY "${src}"
    COMMAND "${TASK_SCAN}" ${scan_args})
  flyte_test_expect("${row_name}: task-scan -p" "${listed}" MATCHES "pick +localhost/gpu:1 +src/a.cpp:7")

  flyte_test_run("${row_name}: no-op build" OUTPUT log COMMAND ${build_command})
  if(GENERATOR MATCHES "Ninja")
    flyte_test_expect("${row_name}: no-op build" "${log}" MATCHES "ninja: no work to do")
  else()
    flyte_test_expect("${row_name}: no-op build" "${log}" NOT_MATCHES "Building|Linking|Scanning|Configuring")
  endif()
endforeach()
flyte_test_end()
