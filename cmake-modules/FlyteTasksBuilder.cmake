# add_flyte_tasks() inside a builder image (`build: builder_images` in the
# image configuration, BUILDER_IMAGES in add_flyte_tasks): the first stage of
# the image's multi-stage Dockerfile configures the project's own CMake file
# with
#
#   cmake -S /flyte-build/project -B /flyte-build/build \
#         -DFLYTE_TASKS_BUILDER=/flyte-build/flyte -DFlyteTasks_DIR=/flyte-build/flyte/cmake
#
# and builds the one target <name>_<key>. There is no task-scan and no LLVM
# in a builder: what the scan found travels in the build context, staged by
# the build machine's add_flyte_tasks (FlyteTasksBuilderContext.cmake):
#
#   <FLYTE_TASKS_BUILDER>/builder.cmake    FLYTE_BUILDER_NAME, FLYTE_BUILDER_KEY,
#                                          FLYTE_BUILDER_LINK_OPTIONS, FLYTE_BUILDER_SOURCES
#   <FLYTE_TASKS_BUILDER>/entrypoint.cpp   the generated main() of that image
#   <FLYTE_TASKS_BUILDER>/include/flyte/   the runtime headers (flyte::runtime)
#
# So this add_flyte_tasks() takes the same arguments and, for the name the
# context was staged for, makes the same executable from the sources the
# scan read (FLYTE_BUILDER_SOURCES: the entrypoint calls their tasks, whatever
# options this configure was given), with the same
# LINK_LIBRARIES (the project's own libraries, built here from their sources)
# and flags, into <FLYTE_TASKS_BUILDER>/../out/; for other names nothing. The
# result variables are set as on the build machine, for that one key.
#
# It needs CMake 3.13 (Debian 11 ships 3.18): no string(JSON), no
# file(COPY_FILE), no cmake_path.
include_guard(GLOBAL)

if(NOT FLYTE_TASKS_BUILDER OR NOT EXISTS "${FLYTE_TASKS_BUILDER}/builder.cmake")
  message(FATAL_ERROR "FlyteTasks (builder): FLYTE_TASKS_BUILDER must name the flyte/ folder of an "
                      "image's build context staged by add_flyte_tasks (it holds builder.cmake).")
endif()

# (Not an IMPORTED target: an ALIAS of one needs CMake 3.18.)
if(NOT TARGET flyte::runtime)
  add_library(flyte_runtime INTERFACE)
  target_include_directories(flyte_runtime INTERFACE "${FLYTE_TASKS_BUILDER}/include")
  target_compile_features(flyte_runtime INTERFACE cxx_std_17)
  add_library(flyte::runtime ALIAS flyte_runtime)
endif()

function(add_flyte_tasks name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "STATIC" "CONFIG;OUTPUT_DIR"
    "SOURCES;IMAGES;LINK_LIBRARIES;INCLUDE_DIRECTORIES;COMPILE_DEFINITIONS;LINK_MODES;IMAGE_LIBRARIES;BUILDER_IMAGES")
  # Read here, not where this file is included: with add_subdirectory of
  # task-scan that is another directory's scope.
  include("${FLYTE_TASKS_BUILDER}/builder.cmake")
  get_filename_component(FLYTE_BUILDER_OUTPUT_DIR "${FLYTE_TASKS_BUILDER}/../out" ABSOLUTE)
  foreach(variable IMAGE_KEYS IMAGE_TARGETS DOCKERFILES MANIFEST OUTPUT_DIR)
    set(${name}_${variable} "" PARENT_SCOPE)
  endforeach()
  if(NOT name STREQUAL FLYTE_BUILDER_NAME)
    return()
  endif()
  set(key "${FLYTE_BUILDER_KEY}")
  set(objects "${name}_task_objects")
  set(sources "")
  foreach(source IN LISTS FLYTE_BUILDER_SOURCES)
    list(APPEND sources "${CMAKE_SOURCE_DIR}/${source}")
  endforeach()
  add_library(${objects} OBJECT ${sources})
  target_link_libraries(${objects} PUBLIC ${arg_LINK_LIBRARIES} flyte::runtime)
  target_include_directories(${objects} PUBLIC ${arg_INCLUDE_DIRECTORIES})
  target_compile_definitions(${objects} PUBLIC ${arg_COMPILE_DEFINITIONS})
  target_compile_options(${objects} PRIVATE
    $<$<CXX_COMPILER_ID:GNU,Clang,AppleClang>:-ffunction-sections -fdata-sections>)
  add_executable(${name}_${key} "${FLYTE_TASKS_BUILDER}/entrypoint.cpp")
  target_link_libraries(${name}_${key} PRIVATE ${objects})
  target_link_options(${name}_${key} PRIVATE LINKER:--gc-sections LINKER:--as-needed
                      ${FLYTE_BUILDER_LINK_OPTIONS})
  set_target_properties(${name}_${key} PROPERTIES RUNTIME_OUTPUT_DIRECTORY "${FLYTE_BUILDER_OUTPUT_DIR}")
  message(STATUS "add_flyte_tasks(${name}): building image '${key}''s executable ${name}_${key} "
                 "in this builder, into ${FLYTE_BUILDER_OUTPUT_DIR}")
  set(${name}_IMAGE_KEYS "${key}" PARENT_SCOPE)
  set(${name}_IMAGE_TARGETS "${name}_${key}" PARENT_SCOPE)
endfunction()
