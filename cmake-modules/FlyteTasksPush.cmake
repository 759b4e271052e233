# The <name>_push target of add_flyte_tasks (cmake -P), run by the build
# after <name>_images:
#
#   cmake -DFLYTE_ARGUMENTS=<file> -P FlyteTasksPush.cmake
#
# <file> is the <name>_images arguments file (FLYTE_NAME, FLYTE_OUTPUT_DIR,
# FLYTE_MANIFEST, FLYTE_STATE_DIR, FLYTE_CONTAINER_PUSH_ARGS, ...).
#
# Each image <name>_images built (<state dir>/built-<key>.cmake) is pushed to
# its reference with the tool that built it, and what the registry stored,
# `repo@sha256:<hex>`, is recorded in <output dir>/images.lock.json with the
# SHA-256 of the Dockerfile and of the executable that went into it, of the
# project's shared libraries staged with it (libraries_sha256, when it has
# any: a changed .so is a new image) and the image ID of its base. An image whose reference and content (base included:
# a base re-pulled under the same tag is new content) are those of its lock
# entry was pushed already and is not pushed again. Images pinned by digest
# in the configuration are built elsewhere: never pushed. When the lock
# changes, <state dir>/push.stamp is touched so that the next build pins the
# new digests (FlyteTasksCodegen).
cmake_minimum_required(VERSION 3.21)

if(NOT FLYTE_ARGUMENTS OR NOT EXISTS "${FLYTE_ARGUMENTS}")
  message(FATAL_ERROR "FlyteTasksPush.cmake: pass -DFLYTE_ARGUMENTS=<file> written by add_flyte_tasks.")
endif()
include("${FLYTE_ARGUMENTS}")
set(fn "add_flyte_tasks(${FLYTE_NAME})")

set(lock_file "${FLYTE_OUTPUT_DIR}/images.lock.json")
set(lock "{\"schema_version\": 1, \"images\": []}")
if(EXISTS "${lock_file}")
  file(READ "${lock_file}" lock)
  string(JSON version ERROR_VARIABLE bad GET "${lock}" schema_version)
  if(bad OR NOT version EQUAL 1)
    message(FATAL_ERROR "${fn}: ${lock_file} is not an image lock of schema_version 1; remove it to push afresh.")
  endif()
endif()

file(READ "${FLYTE_MANIFEST}" manifest)
string(JSON count LENGTH "${manifest}" images)
if(count EQUAL 0)
  message(STATUS "${fn}: no images, nothing to push")
  return()
endif()

# The entries of the lock by key, as JSON objects; images gone are dropped.
set(entries "")
set(pushed_count 0)
math(EXPR last "${count} - 1")
foreach(index RANGE ${last})
  string(JSON key GET "${manifest}" images ${index} key)
  string(JSON reference GET "${manifest}" images ${index} reference)
  string(JSON lock_count LENGTH "${lock}" images)
  set(old_entry "")
  if(lock_count GREATER 0)
    math(EXPR lock_last "${lock_count} - 1")
    foreach(lock_index RANGE ${lock_last})
      string(JSON lock_key GET "${lock}" images ${lock_index} key)
      if(lock_key STREQUAL key)
        string(JSON old_entry GET "${lock}" images ${lock_index})
      endif()
    endforeach()
  endif()
  if(reference MATCHES "@")
    message(STATUS "${fn}: image '${key}' is pinned by digest in the configuration (${reference}): "
                   "built elsewhere, not pushed")
    continue()
  endif()
  set(built "${FLYTE_STATE_DIR}/built-${key}.cmake")
  if(NOT EXISTS "${built}")
    message(FATAL_ERROR "${fn}: image '${key}' has not been built; build ${FLYTE_NAME}_images first.")
  endif()
  set(built_libraries_sha256 "") # written by <name>_images since issue 28
  include("${built}")
  if(NOT built_reference STREQUAL reference)
    message(FATAL_ERROR "${fn}: image '${key}' was built as ${built_reference}, but its reference is "
                        "now ${reference}; build ${FLYTE_NAME}_images again.")
  endif()

  if(old_entry)
    string(JSON old_reference GET "${old_entry}" reference)
    string(JSON old_dockerfile GET "${old_entry}" dockerfile_sha256)
    string(JSON old_executable GET "${old_entry}" executable_sha256)
    string(JSON old_pushed GET "${old_entry}" pushed)
    string(JSON old_base_id ERROR_VARIABLE no_base_id GET "${old_entry}" base_image_id)
    # The project's shared libraries, as content (absent: none).
    string(JSON old_libraries ERROR_VARIABLE no_libraries GET "${old_entry}" libraries_sha256)
    if(no_libraries)
      set(old_libraries "")
    endif()
    if(old_reference STREQUAL reference AND old_dockerfile STREQUAL built_dockerfile_sha256
       AND old_executable STREQUAL built_executable_sha256
       AND old_libraries STREQUAL built_libraries_sha256)
      # The Dockerfile names the base by its tag; its image ID says whether
      # the tag was re-pulled or rebuilt since (unknown to the tool: as before).
      if(built_base_id STREQUAL "" OR (NOT no_base_id AND old_base_id STREQUAL built_base_id))
        message(STATUS "${fn}: image '${key}' is unchanged since it was pushed as ${old_pushed}: not pushed")
        list(APPEND entries "${old_entry}")
        continue()
      elseif(no_base_id)
        message(STATUS "${fn}: image '${key}' was pushed as ${old_pushed}, but the lock does not say "
                       "which base image it was built from (an older task-scan wrote it): pushing it again")
      else()
        message(STATUS "${fn}: image '${key}' was pushed as ${old_pushed}, but its base ${built_base} is "
                       "another image since (${old_base_id}, now ${built_base_id}): pushing it again")
      endif()
    endif()
  endif()

  # The repository: the reference without its tag (a registry's port stays).
  set(repository "${reference}")
  if(reference MATCHES "^(.*):([^:/]+)$")
    set(repository "${CMAKE_MATCH_1}")
  endif()
  message(STATUS "${fn}: pushing image '${key}' to ${reference} with ${built_kind}")
  set(digest_file "${FLYTE_STATE_DIR}/pushed-${key}.digest")
  file(REMOVE "${digest_file}")
  if(built_kind STREQUAL "podman" OR built_kind STREQUAL "buildah")
    execute_process(COMMAND "${built_tool}" push ${FLYTE_CONTAINER_PUSH_ARGS} --digestfile "${digest_file}"
                            "${reference}"
                    RESULT_VARIABLE result OUTPUT_VARIABLE log ERROR_VARIABLE log)
    if(result EQUAL 0)
      file(READ "${digest_file}" digest)
    endif()
  else()
    execute_process(COMMAND "${built_tool}" push ${FLYTE_CONTAINER_PUSH_ARGS} "${reference}"
                    RESULT_VARIABLE result OUTPUT_VARIABLE log ERROR_VARIABLE log)
    set(digest "")
    if(log MATCHES "digest: (sha256:[0-9a-f]+)")
      set(digest "${CMAKE_MATCH_1}")
    endif()
  endif()
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "${fn}: '${built_kind}' could not push image '${key}' to ${reference} "
                        "(exit status ${result}):\n${log}")
  endif()
  string(STRIP "${digest}" digest)
  if(NOT digest MATCHES "^sha256:[0-9a-f]+$")
    message(FATAL_ERROR "${fn}: image '${key}' was pushed to ${reference}, but the registry's digest "
                        "could not be read (got '${digest}'):\n${log}")
  endif()
  set(pushed "${repository}@${digest}")
  message(STATUS "${fn}: image '${key}' pushed: ${pushed}")
  math(EXPR pushed_count "${pushed_count} + 1")
  set(entry "{}")
  foreach(field "key;${key}" "reference;${reference}" "pushed;${pushed}"
                "dockerfile_sha256;${built_dockerfile_sha256}" "executable_sha256;${built_executable_sha256}"
                "base_image_id;${built_base_id}" "libraries_sha256;${built_libraries_sha256}")
    list(GET field 0 name)
    if(name STREQUAL "libraries_sha256" AND built_libraries_sha256 STREQUAL "")
      continue()
    endif()
    list(GET field 1 value)
    string(JSON entry SET "${entry}" "${name}" "\"${value}\"")
  endforeach()
  list(APPEND entries "${entry}")
endforeach()

set(new_lock "{\"schema_version\": 1, \"images\": []}")
set(position 0)
foreach(entry IN LISTS entries)
  string(JSON new_lock SET "${new_lock}" images ${position} "${entry}")
  math(EXPR position "${position} + 1")
endforeach()
string(APPEND new_lock "\n")
if(NOT EXISTS "${lock_file}" OR NOT new_lock STREQUAL lock)
  file(WRITE "${lock_file}" "${new_lock}")
  file(TOUCH "${FLYTE_STATE_DIR}/push.stamp")
endif()
message(STATUS "${fn}: ${pushed_count} image(s) pushed; the lock is ${lock_file}")
