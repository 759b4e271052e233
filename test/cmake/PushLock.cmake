# <name>_push's lock covers the project's shared libraries as content (issue
# 28), without a registry: FlyteTasksPush.cmake run on a made-up build
# record (built-<key>.cmake, as <name>_images writes it) with a stand-in
# container tool that records each push and writes a digest.
#
#  - first push: the lock entry holds libraries_sha256;
#  - same content: not pushed again;
#  - another libraries_sha256 (a rebuilt .so, the same executable and
#    Dockerfile): pushed again, the lock updated;
#  - an image without libraries: no libraries_sha256 in its entry, and an
#    entry without one is unchanged content.
#
# -DTEST_SOURCE_DIR -DTASK_SCAN_SOURCE_DIR -DWORK_DIR
cmake_minimum_required(VERSION 3.21)
include("${TEST_SOURCE_DIR}/FlyteTest.cmake")
flyte_test_begin()

set(out "${WORK_DIR}/out")
set(state "${WORK_DIR}/state")
file(MAKE_DIRECTORY "${out}" "${state}")
file(WRITE "${out}/manifest.json"
  "{\"schema_version\": 1, \"images\": [{\"key\": \"default\", \"reference\": \"localhost:5000/tp:1\"}]}\n")
set(tool "${WORK_DIR}/podman")
file(WRITE "${tool}" "#!/bin/sh\n# a stand-in: records the call, writes a digest\necho \"$*\" >> \"${WORK_DIR}/pushes.log\"\n"
  "while [ $# -gt 0 ]; do [ \"$1\" = --digestfile ] && printf 'sha256:%064d' \"$(wc -l < '${WORK_DIR}/pushes.log')\" > \"$2\"; shift; done\n")
file(CHMOD "${tool}" PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE)
set(arguments "${WORK_DIR}/arguments.cmake")
file(WRITE "${arguments}" "set(FLYTE_NAME tp)\nset(FLYTE_OUTPUT_DIR [[${out}]])\n"
  "set(FLYTE_MANIFEST [[${out}/manifest.json]])\nset(FLYTE_STATE_DIR [[${state}]])\n"
  "set(FLYTE_CONTAINER_PUSH_ARGS)\n")

# built(<libraries sha256 or "-" for a record without the line>)
function(built libraries)
  string(CONCAT text "set(built_tool [[${tool}]])\nset(built_kind podman)\nset(built_tag localhost:5000/tp:1)\n"
           "set(built_reference localhost:5000/tp:1)\nset(built_base base)\nset(built_base_id sha256:b)\n"
           "set(built_dockerfile_sha256 d1)\nset(built_executable_sha256 e1)\n")
  if(NOT libraries STREQUAL "-")
    string(APPEND text "set(built_libraries_sha256 [==[${libraries}]==])\n")
  endif()
  file(WRITE "${state}/built-default.cmake" "${text}")
endfunction()

function(push label)
  flyte_test_run("${label}" OUTPUT log
    COMMAND "${CMAKE_COMMAND}" "-DFLYTE_ARGUMENTS=${arguments}"
            -P "${TASK_SCAN_SOURCE_DIR}/cmake-modules/FlyteTasksPush.cmake")
  set(log "${log}" PARENT_SCOPE)
  file(STRINGS "${WORK_DIR}/pushes.log" pushes)
  list(LENGTH pushes count)
  set(pushes ${count} PARENT_SCOPE)
  file(READ "${out}/images.lock.json" lock)
  set(lock "${lock}" PARENT_SCOPE)
endfunction()

file(WRITE "${WORK_DIR}/pushes.log" "")
built("aaaa")
push("first push")
flyte_test_expect_equal("first push: pushes" "${pushes}" 1)
string(JSON libraries GET "${lock}" images 0 libraries_sha256)
flyte_test_expect_equal("first push: libraries_sha256" "${libraries}" "aaaa")

push("same content")
flyte_test_expect_equal("same content: pushes" "${pushes}" 1)
flyte_test_expect("same content" "${log}" MATCHES "image 'default' is unchanged since it was pushed")

built("bbbb")
push("a rebuilt library")
flyte_test_expect_equal("a rebuilt library: pushes" "${pushes}" 2)
string(JSON libraries GET "${lock}" images 0 libraries_sha256)
flyte_test_expect_equal("a rebuilt library: libraries_sha256" "${libraries}" "bbbb")
string(JSON pushed GET "${lock}" images 0 pushed)
flyte_test_expect("a rebuilt library" "${pushed}" MATCHES "^localhost:5000/tp@sha256:0+2$")

# No libraries (an image of a project without shared libraries, or a
# record of an older <name>_images): no field, and unchanged is unchanged.
file(REMOVE "${out}/images.lock.json")
built("-")
push("no libraries")
flyte_test_expect_equal("no libraries: pushes" "${pushes}" 3)
flyte_test_expect("no libraries" "${lock}" NOT_MATCHES "libraries_sha256")
built("")
push("no libraries again")
flyte_test_expect_equal("no libraries again: pushes" "${pushes}" 3)

flyte_test_end()
