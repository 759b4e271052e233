# The <name>_images target of add_flyte_tasks (cmake -P), run by the build:
#
#   cmake -DFLYTE_ARGUMENTS=<file> -P FlyteTasksImages.cmake
#
# <file> (written by add_flyte_tasks at generation time) sets FLYTE_NAME,
# FLYTE_OUTPUT_DIR, FLYTE_MANIFEST, FLYTE_CONTAINER_TOOL,
# FLYTE_CONTAINER_BUILD_ARGS and FLYTE_EXECUTABLES (`<key>=<path>` each).
#
# For each image of the manifest: the executable is staged into the build
# context <output-dir>/images/<key>/ under the name the Dockerfile COPYs
# (`<name>_<key>`), then the image is built from that folder's Dockerfile and
# tagged with the image's reference. Base images are never pulled by podman
# or buildah (--pull=never): builds stay offline and reproducible.
cmake_minimum_required(VERSION 3.21)

if(NOT FLYTE_ARGUMENTS OR NOT EXISTS "${FLYTE_ARGUMENTS}")
  message(FATAL_ERROR "FlyteTasksImages.cmake: pass -DFLYTE_ARGUMENTS=<file> written by add_flyte_tasks.")
endif()
include("${FLYTE_ARGUMENTS}")
set(fn "add_flyte_tasks(${FLYTE_NAME})")

# The tool: FLYTE_CONTAINER_TOOL from the environment, then from the cache,
# then the first of podman, buildah and docker on PATH.
set(tool "$ENV{FLYTE_CONTAINER_TOOL}")
if(tool STREQUAL "")
  set(tool "${FLYTE_CONTAINER_TOOL}")
endif()
if(tool STREQUAL "")
  find_program(found NAMES podman buildah docker NO_CACHE)
else()
  find_program(found NAMES "${tool}" NO_CACHE)
endif()
if(NOT found)
  if(tool STREQUAL "")
    message(FATAL_ERROR "${fn}: no container tool was found to build the images: install podman, "
                        "buildah or docker (or set FLYTE_CONTAINER_TOOL to one).")
  endif()
  message(FATAL_ERROR "${fn}: the container tool '${tool}' (FLYTE_CONTAINER_TOOL) was not found.")
endif()
get_filename_component(kind "${found}" NAME_WE)
if(kind STREQUAL "podman")
  set(build_command "${found}" build --pull=never)
elseif(kind STREQUAL "buildah")
  set(build_command "${found}" bud --pull=never)
else()
  set(build_command "${found}" build)
endif()

if(NOT EXISTS "${FLYTE_MANIFEST}")
  message(FATAL_ERROR "${fn}: ${FLYTE_MANIFEST} is missing; build ${FLYTE_NAME}_codegen first.")
endif()
file(READ "${FLYTE_MANIFEST}" manifest)
string(JSON count LENGTH "${manifest}" images)
if(count EQUAL 0)
  message(STATUS "${fn}: no tasks, no images to build")
  return()
endif()
math(EXPR last "${count} - 1")
foreach(index RANGE ${last})
  string(JSON key GET "${manifest}" images ${index} key)
  string(JSON reference GET "${manifest}" images ${index} reference)
  set(context "${FLYTE_OUTPUT_DIR}/images/${key}")
  set(executable "")
  foreach(entry IN LISTS FLYTE_EXECUTABLES)
    if(entry MATCHES "^${key}=(.*)$")
      set(executable "${CMAKE_MATCH_1}")
    endif()
  endforeach()
  if(executable STREQUAL "" OR NOT EXISTS "${executable}")
    message(FATAL_ERROR "${fn}: image '${key}' has no executable yet (its target is created when "
                        "CMake runs again): run the build once more.")
  endif()
  if(NOT EXISTS "${context}/Dockerfile")
    message(FATAL_ERROR "${fn}: ${context}/Dockerfile is missing; this task-scan does not write Dockerfiles.")
  endif()
  file(COPY_FILE "${executable}" "${context}/${FLYTE_NAME}_${key}" ONLY_IF_DIFFERENT)

  # A digest names content built elsewhere; a local build can only carry the
  # repository (and tag) part.
  set(tag "${reference}")
  if(tag MATCHES "^([^@]+)@")
    set(tag "${CMAKE_MATCH_1}")
    message(STATUS "${fn}: image '${key}' is pinned by digest (${reference}); "
                   "building it as '${tag}'")
  endif()
  message(STATUS "${fn}: building image '${key}' as ${tag} with ${kind}")
  execute_process(
    COMMAND ${build_command} ${FLYTE_CONTAINER_BUILD_ARGS} -t "${tag}" -f "${context}/Dockerfile" "${context}"
    RESULT_VARIABLE result)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "${fn}: '${kind}' could not build image '${key}' from ${context}/Dockerfile "
                        "(exit status ${result}).")
  endif()
endforeach()
