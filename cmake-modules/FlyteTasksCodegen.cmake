# The <name>_codegen step of add_flyte_tasks (cmake -P), run by the build:
#
#   cmake -DFLYTE_ARGUMENTS=<file> -DFLYTE_RESPONSE_FILE=<rsp> -P FlyteTasksCodegen.cmake
#   task-scan @<rsp>
#   cmake -DFLYTE_ARGUMENTS=<file> -P FlyteTasksCodegen.cmake
#   cmake -DFLYTE_ARGUMENTS=<file> -DFLYTE_STAGE_ARGUMENTS=<images file> -P FlyteTasksCodegen.cmake
#
# <file> (written by add_flyte_tasks at generation time) sets FLYTE_TASK_SCAN,
# FLYTE_NAME, FLYTE_SCAN_ARGS (options and sources), FLYTE_SCAN_FLAGS (the
# object library's compile flags), FLYTE_OUTPUT_DIR, FLYTE_KEYS_FILE,
# FLYTE_STAMP, FLYTE_DEPFILE, FLYTE_STATE_DIR, FLYTE_STATIC and
# FLYTE_LINK_MODES.
#
# The build step is three commands: this script with FLYTE_RESPONSE_FILE
# writes task-scan's arguments to that response file; task-scan runs
# as a command of the step itself, not under execute_process (which pipes
# its stderr), so that on a terminal its progress line shows; then this
# script takes the image keys from the manifest. The one task-scan run
# writes the generated files (only those whose content changed) and the
# depfile of everything it read.
# The key file, which CMake watches, is rewritten only when the set of keys
# changed: that, and only that, makes the next build re-run CMake and so
# create or drop the image executables. Then each image's link options
# (build.link from the manifest, overridden by STATIC and LINK_MODES) go to
# <state dir>/link-<key>.rsp, rewritten only when they change (a relink).
#
# With FLYTE_STAGE_ARGUMENTS (the <name>_images arguments: FLYTE_EXECUTABLES),
# the step after the link: each executable is staged into its build context
# images/<key>/ and task-scan writes the files again, now pinning the images
# whose staged content is what <name>_push pushed (images.lock.json).
cmake_minimum_required(VERSION 3.20)

if(NOT FLYTE_ARGUMENTS OR NOT EXISTS "${FLYTE_ARGUMENTS}")
  message(FATAL_ERROR "FlyteTasksCodegen.cmake: pass -DFLYTE_ARGUMENTS=<file> written by add_flyte_tasks.")
endif()
include("${FLYTE_ARGUMENTS}")
# The project's shared libraries: task-scan's --shared-library, staged with
# the executables (FlyteTasksSharedLibraries.cmake).
include("${CMAKE_CURRENT_LIST_DIR}/FlyteTasksSharedLibraries.cmake")
_flyte_tasks_read_shared_libraries("${FLYTE_SHARED_LIBRARIES_FILE}" FLYTE_SCAN_ARGS)

# How the sources are compiled: the build's compile database, reduced to the
# commands of the object library (its object directory, per configuration),
# when it lists them; else the object library's flags (FLYTE_SCAN_FLAGS).
set(scan_inputs -- ${FLYTE_SCAN_FLAGS})
if(FLYTE_DATABASE AND EXISTS "${FLYTE_DATABASE}")
  file(READ "${FLYTE_DATABASE}" database)
  string(REGEX REPLACE "^.*/(CMakeFiles/)" "\\1" object_dir_tail "${FLYTE_OBJECT_DIR}")
  string(FIND "${database}" "${object_dir_tail}/" at)
  if(NOT at EQUAL -1)
    set(scan_inputs -p "${FLYTE_DATABASE}" "--outputs-under=${FLYTE_OBJECT_DIR}")
  endif()
  unset(database)
endif()

if(FLYTE_RESPONSE_FILE)
  # One argument a line, quoted as clang reads a response file.
  set(text "")
  foreach(argument ${FLYTE_SCAN_ARGS} "--output-dir=${FLYTE_OUTPUT_DIR}"
          "--depfile=${FLYTE_DEPFILE}" "--depfile-target=${FLYTE_STAMP}" ${scan_inputs})
    string(REPLACE "\\" "\\\\" argument "${argument}")
    string(REPLACE "\"" "\\\"" argument "${argument}")
    string(APPEND text "\"${argument}\"\n")
  endforeach()
  file(WRITE "${FLYTE_RESPONSE_FILE}" "${text}")
  return()
endif()

if(FLYTE_STAGE_ARGUMENTS)
  set(codegen_output_dir "${FLYTE_OUTPUT_DIR}")
  include("${FLYTE_STAGE_ARGUMENTS}")
  include("${CMAKE_CURRENT_LIST_DIR}/FlyteTasksBuilderContext.cmake")
  set(manifest "{}")
  if(EXISTS "${FLYTE_OUTPUT_DIR}/manifest.json")
    file(READ "${FLYTE_OUTPUT_DIR}/manifest.json" manifest)
  endif()
  foreach(entry IN LISTS FLYTE_EXECUTABLES)
    # (CMAKE_MATCH_n is read after the match, not in the same if().)
    if(NOT entry MATCHES "^([a-z0-9_-]+)=(.+)$")
      continue()
    endif()
    set(key "${CMAKE_MATCH_1}")
    set(executable "${CMAKE_MATCH_2}")
    _flyte_tasks_builder_image(builder "${manifest}" "${key}")
    if(builder AND IS_DIRECTORY "${FLYTE_OUTPUT_DIR}/images/${key}")
      # Compiled in its builder image: the context holds the sources instead.
      _flyte_tasks_stage_builder_context("${FLYTE_OUTPUT_DIR}/images/${key}" "${key}")
    elseif(EXISTS "${executable}" AND IS_DIRECTORY "${FLYTE_OUTPUT_DIR}/images/${key}")
      _flyte_tasks_unstage_builder_context("${FLYTE_OUTPUT_DIR}/images/${key}")
      _flyte_tasks_stage_image("${FLYTE_OUTPUT_DIR}/images/${key}" "${executable}"
                               "${FLYTE_NAME}_${key}" "${FLYTE_NAME}" "add_flyte_tasks(${FLYTE_NAME})")
    endif()
  endforeach()
  execute_process(
    COMMAND "${FLYTE_TASK_SCAN}" ${FLYTE_SCAN_ARGS} "--output-dir=${codegen_output_dir}"
            ${scan_inputs}
    RESULT_VARIABLE result)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "add_flyte_tasks(${FLYTE_NAME}): task-scan failed (exit status ${result}).")
  endif()
  file(TOUCH "${FLYTE_STATE_DIR}/pins.stamp")
  return()
endif()

# task-scan has run (the command before this one; the build stops there when
# it fails, its diagnostics on stderr as they are, file:line:col first): the
# images it found are the manifest's, in its order.
file(READ "${FLYTE_OUTPUT_DIR}/manifest.json" manifest)
set(keys "")
string(JSON count LENGTH "${manifest}" images)
if(count GREATER 0)
  math(EXPR last "${count} - 1")
  foreach(index RANGE ${last})
    string(JSON key GET "${manifest}" images ${index} key)
    list(APPEND keys "${key}")
  endforeach()
endif()
include("${CMAKE_CURRENT_LIST_DIR}/FlyteTasksKeys.cmake")
set(configured "")
if(EXISTS "${FLYTE_KEYS_FILE}")
  file(STRINGS "${FLYTE_KEYS_FILE}" configured)
endif()
if(NOT "${keys}" STREQUAL "${configured}")
  # The images differ from what CMake created targets for: an edit moved a
  # task, or configure's scan could not see what the compiler sees (a
  # generator expression, a header the build generates). Configure's scan,
  # run again now on the same files, says what CMake's next run will guess;
  # paired with this exact answer, that run takes this answer instead of
  # the guess, so the two never disagree in a loop.
  include("${FLYTE_STATE_DIR}/guess-arguments.cmake")
  execute_process(COMMAND ${FLYTE_GUESS_COMMAND}
                  RESULT_VARIABLE guess_result OUTPUT_VARIABLE guess ERROR_QUIET)
  string(STRIP "${guess}" guess)
  string(REGEX REPLACE "[\r\n]+" ";" guess "${guess}")
  if(guess_result EQUAL 0)
    file(WRITE "${FLYTE_STATE_DIR}/build-keys.cmake"
         "# Written by the build's scan of add_flyte_tasks(${FLYTE_NAME}): for configure's guess\n"
         "# FLYTE_BUILD_GUESS, the images are FLYTE_BUILD_KEYS.\n"
         "set(FLYTE_BUILD_GUESS [==[${guess}]==])\nset(FLYTE_BUILD_KEYS [==[${keys}]==])\n")
  endif()
endif()
_flyte_tasks_update_keys("${FLYTE_KEYS_FILE}" "${keys}" changed before)
if(changed)
  string(REPLACE ";" " " now "${keys}")
  string(REPLACE ";" " " before "${before}")
  if(NOT FLYTE_GENERATOR MATCHES "Ninja")
    # make decides whether CMake runs again before it builds anything:
    # this build has no targets for the new images.
    message(FATAL_ERROR "add_flyte_tasks(${FLYTE_NAME}): the build's scan found the images "
                        "[${now}], but CMake created targets for [${before}]; run the build "
                        "again: it runs CMake first, which creates them.")
  endif()
  message(STATUS "add_flyte_tasks(${FLYTE_NAME}): the images are now [${now}] (were [${before}]); "
                 "CMake runs again to create their targets")
endif()

# Link options per image.
if(count GREATER 0)
  math(EXPR last "${count} - 1")
  foreach(index RANGE ${last})
    string(JSON key GET "${manifest}" images ${index} key)
    string(JSON mode ERROR_VARIABLE no_link GET "${manifest}" images ${index} link)
    if(no_link)
      set(mode dynamic)
    endif()
    if(FLYTE_STATIC)
      set(mode static)
    endif()
    foreach(override IN LISTS FLYTE_LINK_MODES)
      if(override MATCHES "^${key}=(.*)$")
        set(mode "${CMAKE_MATCH_1}")
      endif()
    endforeach()
    # STATIC and LINK_MODES were checked when CMake ran: what is left is
    # the configuration's build.link.
    if(mode STREQUAL "static" AND FLYTE_PROJECT_LIBRARY_TARGETS)
      _flyte_tasks_static_with_shared_message(text "add_flyte_tasks(${FLYTE_NAME})" "${key}"
        "build: link: {${key}: static} in the image configuration" "${FLYTE_PROJECT_LIBRARY_TARGETS}")
      message(FATAL_ERROR "${text}")
    endif()
    if(mode STREQUAL "static")
      set(options "-static\n")
    elseif(mode STREQUAL "static-runtime")
      set(options "-static-libstdc++\n-static-libgcc\n")
    else()
      set(options "")
    endif()
    set(link_file "${FLYTE_STATE_DIR}/link-${key}.rsp")
    set(old "")
    if(EXISTS "${link_file}")
      file(READ "${link_file}" old)
    endif()
    if(NOT old STREQUAL options)
      file(WRITE "${link_file}" "${options}")
    endif()
  endforeach()
endif()
file(TOUCH "${FLYTE_STAMP}")
