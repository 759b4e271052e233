# Helpers of the add_flyte_tasks() tests (cmake -P scripts), after CMake's
# RunCMake: run a command, expect it to pass or fail, check its output.

# flyte_test_run(<label> [EXPECT_FAILURE] [WORKING_DIRECTORY <dir>]
#                [OUTPUT <var>] [ENV <name>=<value>...] COMMAND <command>...)
# Runs the command with stdout and stderr merged into <var>; a status other
# than the expected one fails the test, showing the output.
function(flyte_test_run label)
  cmake_parse_arguments(PARSE_ARGV 1 arg "EXPECT_FAILURE" "WORKING_DIRECTORY;OUTPUT" "ENV;COMMAND")
  set(command ${arg_COMMAND})
  if(arg_ENV)
    set(command "${CMAKE_COMMAND}" -E env ${arg_ENV} ${command})
  endif()
  set(where "")
  if(arg_WORKING_DIRECTORY)
    set(where WORKING_DIRECTORY "${arg_WORKING_DIRECTORY}")
  endif()
  string(TIMESTAMP start "%s")
  execute_process(COMMAND ${command} ${where} RESULT_VARIABLE result OUTPUT_VARIABLE output
                  ERROR_VARIABLE output)
  string(TIMESTAMP end "%s")
  math(EXPR seconds "${end} - ${start}")
  message(STATUS "${label}: exit status ${result} (${seconds} s)")
  if(arg_EXPECT_FAILURE AND result EQUAL 0)
    message(FATAL_ERROR "${label}: expected a failure, but it passed:\n${output}")
  elseif(NOT arg_EXPECT_FAILURE AND NOT result EQUAL 0)
    message(FATAL_ERROR "${label}: failed with status ${result}:\n${output}")
  endif()
  if(arg_OUTPUT)
    set(${arg_OUTPUT} "${output}" PARENT_SCOPE)
  endif()
endfunction()

# flyte_test_expect(<label> <text> MATCHES|NOT_MATCHES <regex>)
function(flyte_test_expect label text mode regex)
  if(mode STREQUAL "MATCHES" AND NOT text MATCHES "${regex}")
    message(FATAL_ERROR "${label}: expected to match '${regex}', got:\n${text}")
  elseif(mode STREQUAL "NOT_MATCHES" AND text MATCHES "${regex}")
    message(FATAL_ERROR "${label}: expected no match of '${regex}' (matched '${CMAKE_MATCH_0}'), got:\n${text}")
  endif()
endfunction()

# flyte_test_expect_equal(<label> <actual> <expected>)
function(flyte_test_expect_equal label actual expected)
  if(NOT "${actual}" STREQUAL "${expected}")
    message(FATAL_ERROR "${label}: expected '${expected}', got '${actual}'")
  endif()
endfunction()

# flyte_test_fresh_copy(<from> <to>): <to> becomes a copy of <from>.
function(flyte_test_fresh_copy from to)
  file(REMOVE_RECURSE "${to}")
  file(COPY "${from}/" DESTINATION "${to}")
endfunction()

# flyte_test_replace(<file> <old> <new>): edits a source as a user would.
function(flyte_test_replace file old new)
  file(READ "${file}" content)
  string(FIND "${content}" "${old}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "flyte_test_replace: '${old}' is not in ${file}")
  endif()
  string(REPLACE "${old}" "${new}" content "${content}")
  file(WRITE "${file}" "${content}")
endfunction()

# flyte_test_task_list(<var> <executable>): `<executable> --list` as a list.
function(flyte_test_task_list var executable)
  flyte_test_run("${executable} --list" OUTPUT output COMMAND "${executable}" --list)
  string(STRIP "${output}" output)
  string(REGEX REPLACE "[\r\n]+" ";" output "${output}")
  set(${var} "${output}" PARENT_SCOPE)
endfunction()

# check_no_op_build(<label>): ${build_command} (the caller's) does nothing:
# Ninja says so, Makefiles build, link, scan, generate and configure nothing.
function(check_no_op_build label)
  flyte_test_run("${label}" OUTPUT log COMMAND ${build_command})
  if(GENERATOR MATCHES "Ninja")
    flyte_test_expect("${label}" "${log}" MATCHES "ninja: no work to do")
  else()
    flyte_test_expect("${label}" "${log}" NOT_MATCHES "Building|Linking|Scanning|Generating|Configuring")
  endif()
endfunction()

# edit_later(<file> <old> <new>): an edit newer than what the last build
# wrote, even on file systems with coarse timestamps.
function(edit_later file old new)
  execute_process(COMMAND "${CMAKE_COMMAND}" -E sleep 1.1)
  flyte_test_replace("${file}" "${old}" "${new}")
endfunction()

# flyte_test_begin(): each run works in a folder of its own under WORK_DIR
# (WORK_DIR is set to it; FLYTE_TEST_RUN names the run), so that two ctest
# runs of one build tree at a time do not trip over each other.
# flyte_test_end() removes it once the test has passed.
macro(flyte_test_begin)
  string(RANDOM LENGTH 8 ALPHABET "abcdefghijklmnopqrstuvwxyz0123456789" FLYTE_TEST_RUN)
  set(WORK_DIR "${WORK_DIR}/run-${FLYTE_TEST_RUN}")
  file(MAKE_DIRECTORY "${WORK_DIR}")
  message(STATUS "working in ${WORK_DIR}")
endmacro()

function(flyte_test_end)
  file(REMOVE_RECURSE "${WORK_DIR}")
endfunction()
