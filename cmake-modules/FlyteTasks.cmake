#[=======================================================================[.rst:
FlyteTasks
----------

Builds C++ Flyte tasks into one executable, one Dockerfile and one container
image per image their ``FLYTE_TASK(container_image = ...)`` annotations name.

Use it through the package, or with this repository added to the build::

  find_package(FlyteTasks CONFIG REQUIRED)     # after `cmake --install`
  # or: add_subdirectory(task-scan)  /  FetchContent_MakeAvailable(task-scan)

.. command:: add_flyte_tasks

  ::

    add_flyte_tasks(<name>
                    SOURCES <source>...
                    CONFIG <file>
                    [IMAGES <key>=<reference>...]
                    [LINK_LIBRARIES <item>...]
                    [INCLUDE_DIRECTORIES <dir>...]
                    [COMPILE_DEFINITIONS <definition>...]
                    [OUTPUT_DIR <dir>]
                    [STATIC]
                    [LINK_MODES <key>=<mode>...]
                    [IMAGE_LIBRARIES <imported target>...]
                    [BUILDER_IMAGES <key>=<builder image>...])

  Scans ``SOURCES`` with ``task-scan`` and creates:

  ``<name>_<key>``
    One executable per image key (``ml_gpu``, ``ml_default``, ...): the
    entrypoint task-scan generates for that image linked with the objects of
    ``SOURCES``. The sources are compiled once into an object library with
    ``-ffunction-sections -fdata-sections`` and every executable is linked
    with ``--gc-sections`` (and ``--as-needed``), so each one holds only its
    own image's tasks and what they use. When an edit leaves an image
    without tasks, its executable is removed from the build tree.
  ``<name>_codegen``
    Runs ``task-scan --output-dir`` and writes the generated files (manifest,
    entrypoints, Dockerfiles, ``flyte_tasks.py``). It runs again when a
    source, a header it includes or the configuration changes; task-scan
    rewrites only files whose content changed, so nothing else rebuilds.
  ``<name>_images``
    Builds each image from ``<dir>/images/<key>/Dockerfile`` with the
    container tool it finds (podman, buildah or docker), tagged with the
    image's build tag from the manifest (its reference; for a reference
    pinned by digest ``repo:tag`` or ``repo:task-scan-<hex>``, never a
    digest). The Dockerfile's self-check step runs the executable in its
    base while the image builds; a failure says why and what to link
    instead. Each built image is then run and its task list compared with
    the manifest. Not part of ``all``.
  ``<name>_push``
    Builds the images, then pushes each to its reference with the tool that
    built it and records what the registry stored (``repo@sha256:...``),
    with the Dockerfile's and the executable's SHA-256 and the image ID of
    its base, in ``<dir>/images.lock.json``. An image whose content was
    pushed already is not pushed again; a base re-pulled under its tag is new
    content (pushed again). From the next build on, ``flyte_tasks.py`` and the
    manifest run the pushed digests for as long as the image's content is
    unchanged (else the tag, with a warning). Images pinned by digest in the
    configuration are built elsewhere and never pushed. Not part of ``all``.
  ``<name>_pins``
    Part of ``all``: once the executables are linked, stages each into its
    build context ``<dir>/images/<key>/`` and writes ``flyte_tasks.py`` and
    the manifest again, pinning the images ``<name>_push`` pushed whose
    content is unchanged.

  The options are:

  ``SOURCES``
    The C++ files defining the tasks (relative to the current source
    directory). They must exist when CMake configures. Headers may be listed
    (a header-only library's tasks): they are scanned, not compiled.
  ``CONFIG``
    The image configuration: flytekit's YAML (``images:`` and task-scan's
    ``build:`` section) or the INI form. Required.
  ``IMAGES``
    Adds or overrides named images, as ``task-scan --image``:
    ``gpu=ghcr.io/acme/gpu:1.2``, or a bare reference for the default image.
  ``LINK_LIBRARIES``
    Libraries the tasks use. Their include directories and definitions are
    used for the scan too. A library whose own sources or headers use
    ``FLYTE_TASK`` links ``flyte::runtime``, the target that provides
    ``<flyte/task.hpp>`` (``add_flyte_tasks`` links it to ``SOURCES``).
    The ``SHARED`` libraries of the project in their link closure go into
    every image beside the executable, which finds them through its RUNPATH
    (``FlyteTasksSharedLibraries.cmake``); an image linked ``static`` cannot
    load them, and is then an error naming them.
  ``INCLUDE_DIRECTORIES``, ``COMPILE_DEFINITIONS``
    Used to compile and to scan the sources.
  ``OUTPUT_DIR``
    Where the generated files go; default ``${CMAKE_CURRENT_BINARY_DIR}/<name>_flyte``.
  ``STATIC``
    Links every executable with ``-static``, for base images without a C++
    runtime (``busybox``, ``scratch``, distroless) or with an older C
    library than the build machine's.
  ``LINK_MODES``
    How the executable of an image key is linked, overriding the
    configuration's ``build: link:`` and ``STATIC``: ``<key>=dynamic`` (the
    default: the base must have the build machine's C library and C++
    runtime, or newer), ``<key>=static-runtime`` (``-static-libstdc++
    -static-libgcc``: the base's C library must be at least the build
    machine's, an older C++ runtime is fine) or ``<key>=static`` (``-static``:
    any base of the same architecture).
  ``BUILDER_IMAGES``
    Compiles the executable of image ``<key>`` inside a builder image
    (``gpu=nvidia/cuda:12.4.1-devel-ubuntu22.04``), overriding the
    configuration's ``build: builder_images:``. Its Dockerfile is
    multi-stage: the builder, which needs a C++17 compiler and CMake (not
    task-scan), configures this same CMake project with
    ``-DFLYTE_TASKS_BUILDER=<dir>`` (``find_package(FlyteTasks)`` then loads
    ``FlyteTasksBuilder.cmake``, whose ``add_flyte_tasks`` reads the
    generated entrypoint instead of scanning) and builds ``<name>_<key>``;
    the final stage copies it into the base and self-checks it. The build
    context ``<dir>/images/<key>/`` is staged by the build
    (``FlyteTasksBuilderContext.cmake``): the project's sources without build
    trees or ``.git``, the runtime headers and the builder's CMake module.
    The tasks' ``LINK_LIBRARIES`` must be built from the project's sources
    (or found by ``find_package`` in the builder too): ``<name>_images``
    refuses a library from outside the source tree, and the project's
    ``SHARED`` libraries (link them ``STATIC`` for such a key). The host
    executable ``<name>_<key>`` is still built by ``all`` for local runs.
  ``IMAGE_LIBRARIES``
    Imported shared library targets (from ``find_package``) that the tasks
    link and the base images lack: copied into every image with the
    project's own shared libraries, under their soname. When an image's
    self-check finds one missing, ``<name>_images`` names this keyword.

  The image keys are learned when CMake configures (``task-scan
  --list-images``), from the flags known before generation (each source's
  properties, ``CMAKE_CXX_FLAGS`` and the configuration's, usage
  requirements; no generator expressions) and without the headers the build
  generates (their annotations are read without them). The set is kept in a
  small file CMake watches. ``<name>_codegen`` scans again in the build,
  after the object library compiled (so after every header it needs was
  generated), with the commands of the build's ``compile_commands.json``;
  only that scan generates code. When its set differs (an edit, a generator
  expression, a macro from a generated header), the next ``cmake --build``
  re-runs CMake, which takes the build's answer for its unchanged guess, and
  builds the new executables: with Ninja within the same build (the scan
  runs before the build graph is loaded); with Makefiles that build stops
  and says to build again (the scanned source-tree files are CMake inputs,
  so a plain edit re-runs CMake first).

  Result variables, set in the caller's scope:

  ``<name>_IMAGE_KEYS``
    The image keys, sorted.
  ``<name>_IMAGE_TARGETS``
    The executable targets, ``<name>_<key>`` for each key.
  ``<name>_DOCKERFILES``
    ``<dir>/images/<key>/Dockerfile`` for each key.
  ``<name>_MANIFEST``
    ``<dir>/manifest.json``.
  ``<name>_OUTPUT_DIR``
    ``<dir>``.

  Variables that change its behaviour:

  ``FLYTE_TASK_SCAN_EXECUTABLE``
    The task-scan to run. Set by the package; with ``add_subdirectory`` or
    ``FetchContent`` it is built for the host at configure time into
    ``FLYTE_TASK_SCAN_HOST_DIR`` (default ``${CMAKE_BINARY_DIR}/_task_scan_host``),
    unless it is already set, and built again by the first configure after
    task-scan's sources change (a new FetchContent tag, a local edit).
  ``FLYTE_CONTAINER_TOOL``
    The container tool ``<name>_images`` uses (a name or a path); by
    default the first of podman, buildah and docker found at build time.
    The environment variable of the same name overrides it at build time.
  ``FLYTE_CONTAINER_PULL``
    When ``<name>_images`` pulls a base image: ``missing`` (the default:
    only a base not already present), ``never`` (offline: every base must
    be present), ``always`` or ``newer`` (podman's and buildah's
    ``--pull`` values). The environment variable of the same name
    overrides it at build time. docker's ``build`` pulls what is missing
    and knows only ``always`` besides.
  ``FLYTE_CONTAINER_BUILD_ARGS``
    Extra arguments for the tool's build command (a list), e.g.
    ``--isolation;chroot``.
  ``FLYTE_CONTAINER_RUN_ARGS``, ``FLYTE_CONTAINER_PUSH_ARGS``
    Extra arguments for the tool's run command (``<name>_images`` runs each
    image) and push command (``<name>_push``), e.g. ``--tls-verify=false``
    for a registry without TLS.

Example::

  find_package(FlyteTasks CONFIG REQUIRED)
  add_library(ml_common STATIC common/features.cpp)
  add_flyte_tasks(ml
    SOURCES src/train.cpp src/etl.cpp src/stats.cpp
    CONFIG ${CMAKE_CURRENT_SOURCE_DIR}/flyte.yaml
    LINK_LIBRARIES ml_common)
  # targets: ml_default ml_gpu ml_spark ml_codegen ml_images

#]=======================================================================]

include_guard(GLOBAL)

# The functions below keep the policies of this version whatever the caller's
# cmake_minimum_required: CMP0116 (depfile paths for Ninja) above all.
cmake_policy(PUSH)
cmake_policy(VERSION 3.20...3.31)

# Global: add_subdirectory/FetchContent include this file in the subproject's
# scope, while add_flyte_tasks() runs in the caller's.
set_property(GLOBAL PROPERTY FLYTE_TASKS_MODULE_DIR "${CMAKE_CURRENT_LIST_DIR}")
include("${CMAKE_CURRENT_LIST_DIR}/FlyteTasksKeys.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/FlyteTasksSharedLibraries.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/FlyteTasksBuilderCheck.cmake")

set(FLYTE_CONTAINER_TOOL "" CACHE STRING
    "Container tool for the <name>_images targets (default: podman, buildah or docker, found at build time)")
set(FLYTE_CONTAINER_PULL "missing" CACHE STRING
    "When <name>_images pulls a base image: missing, never (offline), always or newer")
set_property(CACHE FLYTE_CONTAINER_PULL PROPERTY STRINGS missing never always newer)
set(FLYTE_CONTAINER_BUILD_ARGS "" CACHE STRING
    "Extra arguments for the container tool's build command (a list)")
set(FLYTE_CONTAINER_RUN_ARGS "" CACHE STRING
    "Extra arguments for the container tool's run command (a list)")
set(FLYTE_CONTAINER_PUSH_ARGS "" CACHE STRING
    "Extra arguments for the container tool's push command (a list)")

# --- task-scan itself ----------------------------------------------------------

# The content hash of what task-scan is built from: an upgrade or an edit
# changes it. Hashing ~100 files costs a configure a few milliseconds.
function(_flyte_tasks_source_signature out_var)
  file(GLOB_RECURSE files LIST_DIRECTORIES false
       "${FLYTE_TASKS_SOURCE_DIR}/lib/*" "${FLYTE_TASKS_SOURCE_DIR}/tool/*")
  list(SORT files)
  set(signature "")
  foreach(file IN LISTS files "${FLYTE_TASKS_SOURCE_DIR}/CMakeLists.txt")
    file(SHA256 "${file}" hash)
    string(APPEND signature "${file} ${hash}\n")
  endforeach()
  string(SHA256 signature "${signature}")
  set(${out_var} "${signature}" PARENT_SCOPE)
endfunction()

# Configures and builds this repository's task-scan for the host, at configure
# time, into FLYTE_TASK_SCAN_HOST_DIR: the first time, and again when its
# sources changed since (a stamp there holds their signature). Used when the
# repository comes in by add_subdirectory or FetchContent, where no installed
# task-scan exists yet and targets cannot run before the build graph they
# would shape is written.
function(_flyte_tasks_build_host_tool out_var)
  set(FLYTE_TASK_SCAN_HOST_DIR "${CMAKE_BINARY_DIR}/_task_scan_host" CACHE PATH
      "Where add_flyte_tasks builds task-scan for the host")
  set(host_dir "${FLYTE_TASK_SCAN_HOST_DIR}")
  get_property(multi_config GLOBAL PROPERTY GENERATOR_IS_MULTI_CONFIG)
  if(multi_config)
    set(exe "${host_dir}/tool/Release/task-scan${CMAKE_EXECUTABLE_SUFFIX}")
  else()
    set(exe "${host_dir}/tool/task-scan${CMAKE_EXECUTABLE_SUFFIX}")
  endif()
  set(stamp "${host_dir}/task-scan-sources.sha256")
  _flyte_tasks_source_signature(signature)
  set(built_signature "")
  if(EXISTS "${stamp}")
    file(READ "${stamp}" built_signature)
  endif()
  if(EXISTS "${exe}" AND built_signature STREQUAL signature)
    set(${out_var} "${exe}" PARENT_SCOPE)
    return()
  endif()

  if(EXISTS "${exe}")
    message(STATUS "add_flyte_tasks: task-scan's sources changed: building task-scan for this "
                   "host in ${host_dir} again")
  else()
    message(STATUS "add_flyte_tasks: building task-scan for this host in ${host_dir}")
  endif()
  set(configure_args -S "${FLYTE_TASKS_SOURCE_DIR}" -B "${host_dir}" -G "${CMAKE_GENERATOR}"
                     -DCMAKE_BUILD_TYPE=Release -DTASK_SCAN_BUILD_TESTS=OFF)
  if(CMAKE_GENERATOR_PLATFORM)
    list(APPEND configure_args -A "${CMAKE_GENERATOR_PLATFORM}")
  endif()
  if(CMAKE_GENERATOR MATCHES "Ninja|Makefiles" AND CMAKE_MAKE_PROGRAM)
    list(APPEND configure_args "-DCMAKE_MAKE_PROGRAM=${CMAKE_MAKE_PROGRAM}")
  endif()
  foreach(var TASK_SCAN_LLVM_ROOT TASK_SCAN_CLANG_RESOURCE_DIR)
    if(DEFINED ${var})
      list(APPEND configure_args "-D${var}=${${var}}")
    endif()
  endforeach()
  execute_process(COMMAND "${CMAKE_COMMAND}" ${configure_args}
                  RESULT_VARIABLE result OUTPUT_VARIABLE log ERROR_VARIABLE log)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "add_flyte_tasks: configuring task-scan for the host in ${host_dir} failed:\n${log}")
  endif()
  cmake_host_system_information(RESULT cores QUERY NUMBER_OF_LOGICAL_CORES)
  execute_process(COMMAND "${CMAKE_COMMAND}" --build "${host_dir}" --target task-scan
                          --config Release --parallel ${cores}
                  RESULT_VARIABLE result OUTPUT_VARIABLE log ERROR_VARIABLE log)
  if(NOT result EQUAL 0 OR NOT EXISTS "${exe}")
    message(FATAL_ERROR "add_flyte_tasks: building task-scan for the host in ${host_dir} failed:\n${log}")
  endif()
  file(WRITE "${stamp}" "${signature}")
  set(${out_var} "${exe}" PARENT_SCOPE)
endfunction()

# Sets FLYTE_TASK_SCAN_EXECUTABLE: as given, else built from source
# (add_subdirectory/FetchContent), else found on PATH.
function(_flyte_tasks_find_task_scan)
  # One this module built is checked again below: its sources may have changed.
  if(FLYTE_TASK_SCAN_EXECUTABLE AND
     NOT FLYTE_TASK_SCAN_EXECUTABLE STREQUAL _FLYTE_TASK_SCAN_HOST_EXECUTABLE)
    if(NOT EXISTS "${FLYTE_TASK_SCAN_EXECUTABLE}")
      message(FATAL_ERROR "add_flyte_tasks: FLYTE_TASK_SCAN_EXECUTABLE is '${FLYTE_TASK_SCAN_EXECUTABLE}', "
                          "which does not exist.")
    endif()
    return()
  endif()
  if(FLYTE_TASKS_SOURCE_DIR)
    _flyte_tasks_build_host_tool(exe)
    set(FLYTE_TASK_SCAN_EXECUTABLE "${exe}" CACHE FILEPATH "task-scan" FORCE)
    set(_FLYTE_TASK_SCAN_HOST_EXECUTABLE "${exe}" CACHE INTERNAL "")
    return()
  endif()
  find_program(FLYTE_TASK_SCAN_EXECUTABLE task-scan)
  if(NOT FLYTE_TASK_SCAN_EXECUTABLE)
    message(FATAL_ERROR "add_flyte_tasks: task-scan was not found; use find_package(FlyteTasks) "
                        "after installing it, or set FLYTE_TASK_SCAN_EXECUTABLE.")
  endif()
endfunction()

# --- Flags for the configure-time scan -----------------------------------------

# An item of an INTERFACE_* property, readable before generation: plain
# values and $<BUILD_INTERFACE:x> give a value; other generator expressions
# (install paths, configuration- or language-dependent items) give nothing.
function(_flyte_tasks_plain_value out_var item)
  if(item MATCHES "^\\$<BUILD_INTERFACE:([^$<>]*)>$")
    set(item "${CMAKE_MATCH_1}")
  elseif(item MATCHES "\\$<")
    set(item "")
  endif()
  set(${out_var} "${item}" PARENT_SCOPE)
endfunction()

# The include directories, definitions and compile options of
# LINK_LIBRARIES' targets and of what they link, as far as they are known
# when add_flyte_tasks runs.
function(_flyte_tasks_usage_requirements includes_var definitions_var options_var)
  set(includes "")
  set(definitions "")
  set(options "")
  set(pending ${ARGN})
  set(seen "")
  while(pending)
    list(POP_FRONT pending item)
    _flyte_tasks_plain_value(item "${item}")
    if(NOT item OR NOT TARGET "${item}" OR item IN_LIST seen)
      continue()
    endif()
    list(APPEND seen "${item}")
    get_target_property(aliased "${item}" ALIASED_TARGET)
    if(aliased)
      list(APPEND pending "${aliased}")
      continue()
    endif()
    foreach(property INTERFACE_INCLUDE_DIRECTORIES INTERFACE_SYSTEM_INCLUDE_DIRECTORIES
                     INTERFACE_COMPILE_DEFINITIONS INTERFACE_COMPILE_OPTIONS
                     INTERFACE_LINK_LIBRARIES)
      get_target_property(values "${item}" ${property})
      if(NOT values)
        continue()
      endif()
      foreach(value IN LISTS values)
        if(property STREQUAL "INTERFACE_LINK_LIBRARIES")
          list(APPEND pending "${value}")
          continue()
        endif()
        _flyte_tasks_plain_value(value "${value}")
        if(value STREQUAL "")
          continue()
        elseif(property STREQUAL "INTERFACE_COMPILE_DEFINITIONS")
          list(APPEND definitions "${value}")
        elseif(property STREQUAL "INTERFACE_COMPILE_OPTIONS")
          list(APPEND options "${value}")
        else()
          list(APPEND includes "${value}")
        endif()
      endforeach()
    endforeach()
  endwhile()
  set(${includes_var} "${includes}" PARENT_SCOPE)
  set(${definitions_var} "${definitions}" PARENT_SCOPE)
  set(${options_var} "${options}" PARENT_SCOPE)
endfunction()

# A Makefile-style depfile (as task-scan --depfile writes it) as a list of
# paths, without the target.
function(_flyte_tasks_read_depfile out_var depfile)
  set(files "")
  if(EXISTS "${depfile}")
    file(READ "${depfile}" content)
    string(REPLACE "\\\n" " " content "${content}")
    string(REPLACE "\\ " "<FLYTE_SPACE>" content "${content}")
    string(REPLACE "\\#" "#" content "${content}")
    string(REPLACE "$$" "$" content "${content}")
    string(REGEX REPLACE "^[^:]*: *" "" content "${content}")
    string(REGEX REPLACE "[ \t\r\n]+" ";" content "${content}")
    foreach(file IN LISTS content)
      if(NOT file STREQUAL "")
        string(REPLACE "<FLYTE_SPACE>" " " file "${file}")
        list(APPEND files "${file}")
      endif()
    endforeach()
  endif()
  set(${out_var} "${files}" PARENT_SCOPE)
endfunction()

# <value> as a JSON string (quotes included).
function(_flyte_tasks_json_string out_var value)
  string(REPLACE "\\" "\\\\" value "${value}")
  string(REPLACE "\"" "\\\"" value "${value}")
  string(REPLACE "\n" "\\n" value "${value}")
  string(REPLACE "\t" "\\t" value "${value}")
  string(REPLACE "\r" "\\r" value "${value}")
  set(${out_var} "\"${value}\"" PARENT_SCOPE)
endfunction()

# The flags of <variable> (CMAKE_CXX_FLAGS and the like: one command-line
# string) as a list.
function(_flyte_tasks_split_flags out_var variable)
  set(flags "")
  if(DEFINED ${variable} AND NOT "${${variable}}" STREQUAL "")
    separate_arguments(flags NATIVE_COMMAND "${${variable}}")
  endif()
  set(${out_var} "${flags}" PARENT_SCOPE)
endfunction()

# The configure step's best view of how each source is compiled, before
# generation: <common> (target, directory and usage-requirement flags and
# CMAKE_CXX_FLAGS with the configuration's) plus the source's own
# COMPILE_DEFINITIONS, COMPILE_OPTIONS and INCLUDE_DIRECTORIES, generator
# expressions left out. Written as a compile database <file> (only when it
# changes) for `task-scan -p`.
function(_flyte_tasks_write_configure_database file)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "DIRECTORY" "SOURCES;COMMON")
  set(entries "")
  foreach(source IN LISTS arg_SOURCES)
    set(flags ${arg_COMMON})
    foreach(property INCLUDE_DIRECTORIES COMPILE_DEFINITIONS COMPILE_OPTIONS)
      get_source_file_property(values "${source}" ${property})
      if(NOT values)
        continue()
      endif()
      foreach(value IN LISTS values)
        _flyte_tasks_plain_value(value "${value}")
        if(value STREQUAL "")
          continue()
        elseif(property STREQUAL "INCLUDE_DIRECTORIES")
          get_filename_component(value "${value}" ABSOLUTE BASE_DIR "${arg_DIRECTORY}")
          list(APPEND flags "-I${value}")
        elseif(property STREQUAL "COMPILE_DEFINITIONS")
          list(APPEND flags "-D${value}")
        else()
          list(APPEND flags "${value}")
        endif()
      endforeach()
    endforeach()
    set(arguments "")
    foreach(argument IN LISTS CMAKE_CXX_COMPILER flags source)
      _flyte_tasks_json_string(argument "${argument}")
      string(APPEND arguments "${arguments_separator}${argument}")
      set(arguments_separator ", ")
    endforeach()
    set(arguments_separator "")
    _flyte_tasks_json_string(directory "${arg_DIRECTORY}")
    _flyte_tasks_json_string(json_file "${source}")
    list(APPEND entries "  {\"directory\": ${directory}, \"file\": ${json_file},\n   \"arguments\": [${arguments}]}")
  endforeach()
  string(REPLACE ";" ",\n" entries "${entries}")
  set(content "[\n${entries}\n]\n")
  set(old "")
  if(EXISTS "${file}")
    file(READ "${file}" old)
  endif()
  if(NOT old STREQUAL content)
    file(WRITE "${file}" "${content}")
  endif()
endfunction()

# (_flyte_tasks_bracket: FlyteTasksKeys.cmake, shared with the build's scripts.)

# Removes the executables of images that are gone. Each generation lists the
# executable of every image key (per configuration) in <state_dir>; those
# whose key is not in <keys> were built for an image that no longer exists
# and would otherwise stay in the build tree with tasks that moved away. So
# does the copy staged in the image's build context under <output_dir>, and
# the context folder once empty (task-scan removed the files it wrote there).
function(_flyte_tasks_remove_stale_executables state_dir output_dir name keys)
  file(GLOB lists "${state_dir}/executables-*.txt")
  foreach(list_file IN LISTS lists)
    file(STRINGS "${list_file}" lines)
    foreach(line IN LISTS lines)
      if(NOT line MATCHES "^([a-z0-9_-]+)=(.+)$")
        continue()
      endif()
      set(key "${CMAKE_MATCH_1}")
      set(executable "${CMAKE_MATCH_2}")
      if(key IN_LIST keys)
        continue()
      endif()
      set(context "${output_dir}/images/${key}")
      get_filename_component(file_name "${executable}" NAME)
      foreach(file "${executable}" "${context}/${file_name}")
        if(EXISTS "${file}" AND NOT IS_DIRECTORY "${file}")
          message(STATUS "add_flyte_tasks(${name}): image '${key}' is gone: removing ${file}")
          file(REMOVE "${file}")
        endif()
      endforeach()
      # And the project's shared libraries staged beside it.
      file(REMOVE_RECURSE "${context}/lib")
      file(GLOB left "${context}/*")
      if(IS_DIRECTORY "${context}" AND NOT left)
        file(REMOVE_RECURSE "${context}")
      endif()
    endforeach()
  endforeach()
endfunction()

# --- add_flyte_tasks -------------------------------------------------------------

function(add_flyte_tasks name)
  set(options STATIC)
  set(one_value CONFIG OUTPUT_DIR)
  set(multi_value SOURCES IMAGES LINK_LIBRARIES INCLUDE_DIRECTORIES COMPILE_DEFINITIONS LINK_MODES
                  IMAGE_LIBRARIES BUILDER_IMAGES)
  cmake_parse_arguments(PARSE_ARGV 1 arg "${options}" "${one_value}" "${multi_value}")

  set(fn "add_flyte_tasks(${name})")
  if(NOT name MATCHES "^[A-Za-z][A-Za-z0-9_-]*$")
    message(FATAL_ERROR "add_flyte_tasks: the name '${name}' prefixes the executables and "
                        "must start with a letter and hold only letters, digits, '_' and '-'.")
  endif()
  # A misspelt keyword after a list keyword reads as one more value: in
  # upper case and naming no file, it is taken for the keyword it is.
  set(unknown ${arg_UNPARSED_ARGUMENTS})
  foreach(value IN LISTS arg_SOURCES arg_LINK_LIBRARIES arg_INCLUDE_DIRECTORIES)
    if(value MATCHES "^[A-Z][A-Z_]+$" AND NOT EXISTS "${CMAKE_CURRENT_SOURCE_DIR}/${value}"
       AND NOT TARGET "${value}")
      list(APPEND unknown "${value}")
    endif()
  endforeach()
  if(unknown)
    list(GET unknown 0 unknown)
    string(REPLACE ";" ", " keywords "${options};${one_value};${multi_value}")
    message(FATAL_ERROR "${fn}: unknown argument '${unknown}'; the keywords are ${keywords}.")
  endif()
  if(arg_KEYWORDS_MISSING_VALUES)
    list(GET arg_KEYWORDS_MISSING_VALUES 0 keyword)
    message(FATAL_ERROR "${fn}: ${keyword} needs a value.")
  endif()
  if(NOT arg_SOURCES)
    message(FATAL_ERROR "${fn} needs SOURCES: the C++ files that define its tasks.")
  endif()
  foreach(mode IN LISTS arg_LINK_MODES)
    if(NOT mode MATCHES "^[a-z0-9_-]+=(dynamic|static-runtime|static)$")
      message(FATAL_ERROR "${fn}: LINK_MODES takes <image key>=dynamic, static-runtime or static, "
                          "not '${mode}'.")
    endif()
  endforeach()
  foreach(builder IN LISTS arg_BUILDER_IMAGES)
    if(NOT builder MATCHES "^[A-Za-z0-9_-]+=[^=]+$")
      message(FATAL_ERROR "${fn}: BUILDER_IMAGES takes <image key>=<builder image reference>, "
                          "not '${builder}'.")
    endif()
  endforeach()
  if(NOT DEFINED arg_CONFIG)
    message(FATAL_ERROR "${fn} needs CONFIG <file>: the image configuration (flyte.yaml).")
  endif()
  get_filename_component(config "${arg_CONFIG}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  if(NOT EXISTS "${config}" OR IS_DIRECTORY "${config}")
    message(FATAL_ERROR "${fn}: the CONFIG file '${config}' does not exist.")
  endif()
  set(sources "")
  foreach(source IN LISTS arg_SOURCES)
    get_filename_component(source "${source}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    if(NOT EXISTS "${source}")
      message(FATAL_ERROR "${fn}: the source '${source}' does not exist.")
    endif()
    list(APPEND sources "${source}")
  endforeach()
  set(include_dirs "")
  foreach(dir IN LISTS arg_INCLUDE_DIRECTORIES)
    if(NOT dir MATCHES "^\\$<")
      get_filename_component(dir "${dir}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    endif()
    list(APPEND include_dirs "${dir}")
  endforeach()
  if(DEFINED arg_OUTPUT_DIR)
    get_filename_component(output_dir "${arg_OUTPUT_DIR}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_BINARY_DIR}")
  else()
    set(output_dir "${CMAKE_CURRENT_BINARY_DIR}/${name}_flyte")
  endif()
  set(objects "${name}_task_objects")
  foreach(target ${name}_codegen ${name}_images ${name}_push ${name}_pins ${objects})
    if(TARGET ${target})
      message(FATAL_ERROR "${fn}: a target named '${target}' already exists "
                          "(add_flyte_tasks called twice with one name?).")
    endif()
  endforeach()
  if(TARGET flyte::runtime)
    set(runtime flyte::runtime)
  else()
    message(FATAL_ERROR "${fn}: the target flyte::runtime is missing; load this module with "
                        "find_package(FlyteTasks), add_subdirectory or FetchContent.")
  endif()

  _flyte_tasks_find_task_scan()
  set(task_scan "${FLYTE_TASK_SCAN_EXECUTABLE}")
  get_property(module_dir GLOBAL PROPERTY FLYTE_TASKS_MODULE_DIR)

  set(state_dir "${CMAKE_CURRENT_BINARY_DIR}/CMakeFiles/FlyteTasks/${name}")
  set(keys_file "${state_dir}/image-keys.txt")
  set(stamp "${state_dir}/codegen.stamp")
  set(manifest "${output_dir}/manifest.json")
  file(MAKE_DIRECTORY "${state_dir}")

  set(standard 17)
  if(CMAKE_CXX_STANDARD AND CMAKE_CXX_STANDARD GREATER 17 AND CMAKE_CXX_STANDARD LESS 98)
    set(standard ${CMAKE_CXX_STANDARD})
  endif()
  set(image_args "")
  foreach(image IN LISTS arg_IMAGES)
    list(APPEND image_args "--image=${image}")
  endforeach()
  foreach(builder IN LISTS arg_BUILDER_IMAGES)
    list(APPEND image_args "--builder-image=${builder}")
  endforeach()
  set(scan_args --project "${name}" "--config=${config}" ${image_args}
                "--cache-dir=${state_dir}/scan-cache")

  # 1. The image keys, now: targets cannot be created at build time. This
  #    scan sees the sources as far as configure can: the flags known before
  #    generation (each source's own, CMAKE_CXX_FLAGS and the configuration's;
  #    no generator expressions) and not the headers the build generates
  #    (task-scan reads the annotations without them). The build's scan
  #    (codegen) sees exactly what the compiler does, after the targets that
  #    generate headers; where its image set differs, it records its answer
  #    for this guess and CMake runs again once (see 2).
  get_directory_property(directory_includes INCLUDE_DIRECTORIES)
  get_directory_property(directory_definitions COMPILE_DEFINITIONS)
  get_directory_property(directory_options COMPILE_OPTIONS)
  _flyte_tasks_usage_requirements(link_includes link_definitions link_options
                                  ${arg_LINK_LIBRARIES} ${runtime})
  _flyte_tasks_split_flags(known_flags CMAKE_CXX_FLAGS)
  get_property(multi_config GLOBAL PROPERTY GENERATOR_IS_MULTI_CONFIG)
  if(multi_config)
    set(configuration "${CMAKE_DEFAULT_BUILD_TYPE}")
    if(NOT configuration)
      list(GET CMAKE_CONFIGURATION_TYPES 0 configuration)
    endif()
  else()
    set(configuration "${CMAKE_BUILD_TYPE}")
  endif()
  if(configuration)
    string(TOUPPER "${configuration}" configuration)
    _flyte_tasks_split_flags(configuration_flags CMAKE_CXX_FLAGS_${configuration})
    list(APPEND known_flags ${configuration_flags})
  endif()
  list(APPEND known_flags "-std=c++${standard}")
  foreach(option IN LISTS directory_options link_options)
    _flyte_tasks_plain_value(option "${option}")
    if(option)
      list(APPEND known_flags "${option}")
    endif()
  endforeach()
  foreach(dir IN LISTS include_dirs directory_includes link_includes)
    _flyte_tasks_plain_value(dir "${dir}")
    if(dir)
      list(APPEND known_flags "-I${dir}")
    endif()
  endforeach()
  foreach(definition IN LISTS arg_COMPILE_DEFINITIONS directory_definitions link_definitions)
    _flyte_tasks_plain_value(definition "${definition}")
    if(definition)
      list(APPEND known_flags "-D${definition}")
    endif()
  endforeach()
  set(configure_database "${state_dir}/configure/compile_commands.json")
  file(MAKE_DIRECTORY "${state_dir}/configure")
  _flyte_tasks_write_configure_database("${configure_database}"
    DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}" SOURCES ${sources} COMMON ${known_flags})
  set(guess_command "${task_scan}" ${scan_args} --list-images "-p" "${configure_database}"
                    ${sources})
  execute_process(
    COMMAND ${guess_command}
            "--depfile=${state_dir}/configure.d" "--depfile-target=${keys_file}"
    WORKING_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}"
    RESULT_VARIABLE result OUTPUT_VARIABLE keys ERROR_VARIABLE diagnostics)
  if(NOT result EQUAL 0)
    string(STRIP "${diagnostics}" diagnostics)
    message(FATAL_ERROR "${fn}: task-scan found problems in the tasks or their image "
                        "configuration (exit status ${result}):\n${diagnostics}")
  elseif(NOT diagnostics STREQUAL "")
    # Headers the build generates are not there yet: said once, briefly.
    string(REGEX MATCHALL "warning: " warnings "${diagnostics}")
    string(REGEX MATCHALL "\\[task-scan-incomplete-check\\]" incomplete "${diagnostics}")
    string(REGEX MATCHALL "[^\n]*: warning: '[^'\n]*' file not found" missing "${diagnostics}")
    list(LENGTH warnings warning_count)
    list(LENGTH incomplete incomplete_count)
    if(incomplete_count EQUAL warning_count)
      set(where "")
      foreach(line IN LISTS missing)
        string(REGEX REPLACE "^([^:]*):.*warning: ('[^']*').*$" "\\2 (\\1)" line "${line}")
        list(APPEND where "${line}")
      endforeach()
      list(REMOVE_DUPLICATES where)
      string(REPLACE ";" ", " where "${where}")
      message(STATUS "${fn}: the task sources include headers that do not exist yet "
                     "(the build generates them?): ${where}; the images were read from "
                     "the annotations, the rest is checked when the build scans them")
    else()
      message(WARNING "${fn}: ${diagnostics}")
    endif()
  endif()
  # The build runs the same scan again when its answer differs from this one.
  set(guess_arguments "# Generated by add_flyte_tasks(${name}): configure's scan, for FlyteTasksCodegen.cmake.\n")
  string(APPEND guess_arguments "set(FLYTE_GUESS_COMMAND\n")
  foreach(value IN LISTS guess_command)
    _flyte_tasks_bracket(value "${value}")
    string(APPEND guess_arguments "  ${value}\n")
  endforeach()
  string(APPEND guess_arguments ")\n")
  file(WRITE "${state_dir}/guess-arguments.cmake.tmp" "${guess_arguments}")
  file(COPY_FILE "${state_dir}/guess-arguments.cmake.tmp" "${state_dir}/guess-arguments.cmake"
       ONLY_IF_DIFFERENT)
  string(STRIP "${keys}" keys)
  string(REGEX REPLACE "[\r\n]+" ";" keys "${keys}")
  # Where the build's exact scan found other images than this same guess
  # (a generator expression, a generated header), its answer wins: CMake
  # ran again for it, and must not bring the guess back (a loop).
  set(build_keys_file "${state_dir}/build-keys.cmake")
  if(EXISTS "${build_keys_file}")
    set(FLYTE_BUILD_GUESS "")
    set(FLYTE_BUILD_KEYS "")
    include("${build_keys_file}")
    if("${FLYTE_BUILD_GUESS}" STREQUAL "${keys}" AND
       NOT "${FLYTE_BUILD_KEYS}" STREQUAL "${keys}")
      string(REPLACE ";" " " guessed "${keys}")
      string(REPLACE ";" " " built "${FLYTE_BUILD_KEYS}")
      message(STATUS "${fn}: the images are [${built}], as the build's scan found them "
                     "with the exact compile commands (configure alone sees [${guessed}])")
      set(keys "${FLYTE_BUILD_KEYS}")
    endif()
  endif()
  foreach(key IN LISTS keys)
    if(NOT key MATCHES "^[a-z0-9_-]+$")
      message(FATAL_ERROR "${fn}: task-scan printed '${key}', which is not an image key.")
    endif()
    if(TARGET ${name}_${key})
      message(FATAL_ERROR "${fn}: the executable of image '${key}' would be '${name}_${key}', "
                          "which is already a target; rename the image or the tasks' name.")
    endif()
  endforeach()

  # 2. The key set, in a file CMake watches. The codegen step rewrites it
  #    only when the set changes, which makes the next build re-run CMake.
  _flyte_tasks_update_keys("${keys_file}" "${keys}" keys_changed previous_keys)
  _flyte_tasks_remove_stale_executables("${state_dir}" "${output_dir}" "${name}" "${keys}")
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${keys_file}")
  if(NOT CMAKE_GENERATOR MATCHES "Ninja")
    # Make runs nothing before it checks whether CMake must run again: the
    # scanned files themselves are CMake's inputs (system headers aside, and
    # files of the build tree: the build regenerates them, a .pb.h after each
    # .proto edit, and its own scan reads them).
    _flyte_tasks_read_depfile(scanned "${state_dir}/configure.d")
    set(watched "")
    file(REAL_PATH "${CMAKE_BINARY_DIR}" binary_dir)
    foreach(file IN LISTS scanned)
      set(system FALSE)
      foreach(dir IN LISTS CMAKE_CXX_IMPLICIT_INCLUDE_DIRECTORIES binary_dir)
        string(FIND "${file}" "${dir}/" at)
        if(at EQUAL 0)
          set(system TRUE)
          break()
        endif()
      endforeach()
      if(NOT system AND EXISTS "${file}")
        list(APPEND watched "${file}")
      endif()
    endforeach()
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${sources} "${config}" ${watched})
  endif()

  # 3. The sources, compiled once; each image's executable keeps only what
  #    its entrypoint reaches.
  add_library(${objects} OBJECT ${sources})
  target_link_libraries(${objects} PUBLIC ${arg_LINK_LIBRARIES} ${runtime})
  target_include_directories(${objects} PUBLIC ${include_dirs})
  target_compile_definitions(${objects} PUBLIC ${arg_COMPILE_DEFINITIONS})
  target_compile_options(${objects} PRIVATE
    $<$<CXX_COMPILER_ID:GNU,Clang,AppleClang>:-ffunction-sections -fdata-sections>)
  # The build's scan reads the commands that compile these sources from the
  # build's own compile database: every flag, evaluated for the
  # configuration built (Makefile and Ninja generators write one).
  set(database "")
  if(CMAKE_GENERATOR MATCHES "Ninja|Makefiles")
    set_property(TARGET ${objects} PROPERTY EXPORT_COMPILE_COMMANDS ON)
    set(database "${CMAKE_BINARY_DIR}/compile_commands.json")
  endif()
  set(object_dir "${CMAKE_CURRENT_BINARY_DIR}/CMakeFiles/${objects}.dir")
  if(multi_config)
    string(APPEND object_dir "/$<CONFIG>")
  endif()

  # 4. Codegen. Its arguments, with the object library's final flags, go
  #    through a file written at generation time (and only when it changes).
  set(includes_genex "$<TARGET_PROPERTY:${objects},INCLUDE_DIRECTORIES>")
  set(definitions_genex "$<TARGET_PROPERTY:${objects},COMPILE_DEFINITIONS>")
  set(arguments "# Generated by add_flyte_tasks(${name}); read by FlyteTasksCodegen.cmake.\n")
  foreach(pair "TASK_SCAN;${task_scan}" "OUTPUT_DIR;${output_dir}" "KEYS_FILE;${keys_file}"
               "STAMP;${stamp}" "DEPFILE;${state_dir}/codegen.d" "NAME;${name}"
               "STATE_DIR;${state_dir}" "STATIC;${arg_STATIC}" "DATABASE;${database}"
               "OBJECT_DIR;${object_dir}" "GENERATOR;${CMAKE_GENERATOR}"
               "SHARED_LIBRARIES_FILE;${state_dir}/shared-libraries-$<CONFIG>.cmake")
    list(GET pair 0 variable)
    list(GET pair 1 value)
    _flyte_tasks_bracket(value "${value}")
    string(APPEND arguments "set(FLYTE_${variable} ${value})\n")
  endforeach()
  string(APPEND arguments "set(FLYTE_LINK_MODES ${arg_LINK_MODES})\n")
  string(APPEND arguments "set(FLYTE_SCAN_ARGS\n")
  foreach(value IN LISTS scan_args sources)
    _flyte_tasks_bracket(value "${value}")
    string(APPEND arguments "  ${value}\n")
  endforeach()
  string(APPEND arguments ")\nset(FLYTE_SCAN_FLAGS\n  [==[-std=c++${standard}]==]\n"
    "  $<$<BOOL:${includes_genex}>:[==[-I$<JOIN:${includes_genex},]==]\n  [==[-I>]==]>\n"
    "  $<$<BOOL:${definitions_genex}>:[==[-D$<JOIN:${definitions_genex},]==]\n  [==[-D>]==]>\n)\n")
  # Per configuration: multi-config generators (Ninja Multi-Config, Xcode,
  # Visual Studio) may give each its own flags.
  set(arguments_file "${state_dir}/codegen-arguments-$<CONFIG>.cmake")
  file(GENERATE OUTPUT "${arguments_file}" CONTENT "${arguments}")

  set(entrypoints "")
  set(dockerfiles "")
  set(link_files "")
  foreach(key IN LISTS keys)
    list(APPEND entrypoints "${output_dir}/images/${key}/entrypoint.cpp")
    list(APPEND dockerfiles "${output_dir}/images/${key}/Dockerfile")
    # The link options of the image (build.link, STATIC, LINK_MODES), a
    # response file the codegen step writes, so a changed mode relinks.
    set(link_file "${state_dir}/link-${key}.rsp")
    if(NOT EXISTS "${link_file}")
      file(WRITE "${link_file}" "")
    endif()
    list(APPEND link_files "${link_file}")
  endforeach()
  set(byproducts "${manifest}" ${entrypoints} ${link_files})
  if(CMAKE_GENERATOR MATCHES "Ninja")
    # build.ninja depends on the key file; as the output of this step, Ninja
    # brings it up to date (scanning again) before it loads the build graph.
    list(APPEND byproducts "${keys_file}")
  endif()
  add_custom_command(
    OUTPUT "${stamp}"
    BYPRODUCTS ${byproducts}
    # task-scan runs as a command of its own (its arguments in a response
    # file, written by the command before), so that its stderr is the
    # build's: execute_process in the script would pipe it.
    COMMAND "${CMAKE_COMMAND}" "-DFLYTE_ARGUMENTS=${arguments_file}"
            "-DFLYTE_RESPONSE_FILE=${state_dir}/scan-arguments-$<CONFIG>.rsp"
            -P "${module_dir}/FlyteTasksCodegen.cmake"
    COMMAND "${task_scan}" "@${state_dir}/scan-arguments-$<CONFIG>.rsp"
    COMMAND "${CMAKE_COMMAND}" "-DFLYTE_ARGUMENTS=${arguments_file}"
            -P "${module_dir}/FlyteTasksCodegen.cmake"
    DEPENDS ${sources} "${config}" "${arguments_file}" "${task_scan}"
            "${module_dir}/FlyteTasksCodegen.cmake" ${database}
            "${state_dir}/shared-libraries-$<CONFIG>.cmake"
            "${module_dir}/FlyteTasksSharedLibraries.cmake"
    DEPFILE "${state_dir}/codegen.d"
    WORKING_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}"
    COMMENT "Scanning the tasks of ${name} (task-scan)"
    # Ninja's console pool: task-scan's stderr is the terminal, so a long
    # scan shows its `[n/N] file` line (only ever on a terminal); Ninja holds
    # the other jobs' output meanwhile and keeps running them. Only console
    # jobs wait for each other: two add_flyte_tasks scans, each of which
    # uses every core anyway. Other generators ignore it (make's jobs write
    # to the terminal already).
    USES_TERMINAL
    VERBATIM)
  add_custom_target(${name}_codegen ALL DEPENDS "${stamp}")
  # The scan runs once the sources compile: after every target that makes
  # a header they include (protobuf_generate, add_custom_command outputs of
  # the LINK_LIBRARIES and their dependencies), as the compiler needs them.
  # With Ninja this happens before the build graph is loaded (the key file
  # is an input of build.ninja), so a changed image set re-runs CMake first.
  add_dependencies(${name}_codegen ${objects})

  # 5. One executable per image.
  set(image_targets "")
  foreach(key IN LISTS keys)
    set(exe ${name}_${key})
    add_executable(${exe} "${output_dir}/images/${key}/entrypoint.cpp")
    target_link_libraries(${exe} PRIVATE ${objects})
    add_dependencies(${exe} ${name}_codegen)
    if(CMAKE_EXECUTABLE_FORMAT STREQUAL "ELF" OR (UNIX AND NOT APPLE AND NOT CMAKE_EXECUTABLE_FORMAT))
      target_link_options(${exe} PRIVATE LINKER:--gc-sections LINKER:--as-needed)
    elseif(APPLE)
      target_link_options(${exe} PRIVATE LINKER:-dead_strip)
    endif()
    target_link_options(${exe} PRIVATE "@${state_dir}/link-${key}.rsp")
    set_property(TARGET ${exe} APPEND PROPERTY LINK_DEPENDS "${state_dir}/link-${key}.rsp")
    list(APPEND image_targets ${exe})
  endforeach()
  # The project's shared libraries the executables link: checked against
  # the link modes, staged into the images (FlyteTasksSharedLibraries.cmake).
  _flyte_tasks_shared_libraries("${fn}" "${name}" "${objects}" "${state_dir}" "${keys}"
                                "${arg_STATIC}" "${arg_LINK_MODES}" "${arg_IMAGE_LIBRARIES}"
                                "${config}")
  # What a builder image needs of the link closure (FlyteTasksBuilderCheck.cmake).
  _flyte_tasks_builder_check("${objects}" "${state_dir}")
  _flyte_tasks_runtime_include_dir(runtime_include "${runtime}")
  set(executables "")
  foreach(key IN LISTS keys)
    string(APPEND executables "${key}=$<TARGET_FILE:${name}_${key}>\n")
  endforeach()
  file(GENERATE OUTPUT "${state_dir}/executables-$<CONFIG>.txt" CONTENT "${executables}")

  # 6. The container images.
  set(images_arguments "# Generated by add_flyte_tasks(${name}); read by FlyteTasksImages.cmake.\n")
  foreach(pair "NAME;${name}" "OUTPUT_DIR;${output_dir}" "MANIFEST;${manifest}"
               "CONTAINER_TOOL;${FLYTE_CONTAINER_TOOL}" "CONTAINER_PULL;${FLYTE_CONTAINER_PULL}"
               "STATE_DIR;${state_dir}"
               "SHARED_LIBRARIES_FILE;${state_dir}/shared-libraries-$<CONFIG>.cmake"
               "BUILDER_CHECK_FILE;${state_dir}/builder-check.cmake"
               "PROJECT_SOURCE_DIR;${CMAKE_SOURCE_DIR}" "PROJECT_BINARY_DIR;${CMAKE_BINARY_DIR}"
               "RUNTIME_INCLUDE_DIR;${runtime_include}")
    list(GET pair 0 variable)
    list(GET pair 1 value)
    _flyte_tasks_bracket(value "${value}")
    string(APPEND images_arguments "set(FLYTE_${variable} ${value})\n")
  endforeach()
  string(APPEND images_arguments "set(FLYTE_CONTAINER_BUILD_ARGS\n")
  foreach(value IN LISTS FLYTE_CONTAINER_BUILD_ARGS)
    _flyte_tasks_bracket(value "${value}")
    string(APPEND images_arguments "  ${value}\n")
  endforeach()
  foreach(list_var RUN_ARGS PUSH_ARGS)
    string(APPEND images_arguments ")\nset(FLYTE_CONTAINER_${list_var}\n")
    foreach(value IN LISTS FLYTE_CONTAINER_${list_var})
      _flyte_tasks_bracket(value "${value}")
      string(APPEND images_arguments "  ${value}\n")
    endforeach()
  endforeach()
  # The sources the scan read, for a builder image's build (relative to the
  # top source directory, the root of its context's project/).
  string(APPEND images_arguments ")\nset(FLYTE_SOURCES\n")
  foreach(source IN LISTS sources)
    file(RELATIVE_PATH source "${CMAKE_SOURCE_DIR}" "${source}")
    _flyte_tasks_bracket(source "${source}")
    string(APPEND images_arguments "  ${source}\n")
  endforeach()
  string(APPEND images_arguments ")\nset(FLYTE_EXECUTABLES\n")
  foreach(key IN LISTS keys)
    string(APPEND images_arguments "  [==[${key}=$<TARGET_FILE:${name}_${key}>]==]\n")
  endforeach()
  string(APPEND images_arguments ")\n")
  set(images_arguments_file "${state_dir}/images-arguments-$<CONFIG>.cmake")
  file(GENERATE OUTPUT "${images_arguments_file}" CONTENT "${images_arguments}")
  add_custom_target(${name}_images
    COMMAND "${CMAKE_COMMAND}" "-DFLYTE_ARGUMENTS=${images_arguments_file}"
            -P "${module_dir}/FlyteTasksImages.cmake"
    COMMENT "Building the container images of ${name}"
    VERBATIM)
  add_dependencies(${name}_images ${name}_codegen ${image_targets})
  add_custom_target(${name}_push
    COMMAND "${CMAKE_COMMAND}" "-DFLYTE_ARGUMENTS=${images_arguments_file}"
            -P "${module_dir}/FlyteTasksPush.cmake"
    COMMENT "Pushing the container images of ${name}"
    VERBATIM)
  add_dependencies(${name}_push ${name}_images)

  # 7. Pins: once the executables are linked, each is staged into its build
  #    context and task-scan writes flyte_tasks.py and the manifest again,
  #    pinning every image whose content (Dockerfile, executable) is what
  #    <name>_push pushed (images.lock.json) and falling back to the tag for
  #    the others. Runs again after a push (push.stamp) or a relink.
  set(push_stamp "${state_dir}/push.stamp")
  if(NOT EXISTS "${push_stamp}")
    file(WRITE "${push_stamp}" "")
  endif()
  add_custom_command(
    OUTPUT "${state_dir}/pins.stamp"
    COMMAND "${CMAKE_COMMAND}" "-DFLYTE_ARGUMENTS=${arguments_file}"
            "-DFLYTE_STAGE_ARGUMENTS=${images_arguments_file}"
            -P "${module_dir}/FlyteTasksCodegen.cmake"
    DEPENDS ${image_targets} "${stamp}" "${push_stamp}" "${module_dir}/FlyteTasksCodegen.cmake"
            "${state_dir}/shared-libraries-$<CONFIG>.cmake"
            "${module_dir}/FlyteTasksSharedLibraries.cmake"
    WORKING_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}"
    COMMENT "Staging the executables of ${name} and pinning pushed images"
    VERBATIM)
  add_custom_target(${name}_pins ALL DEPENDS "${state_dir}/pins.stamp")

  set(${name}_IMAGE_KEYS "${keys}" PARENT_SCOPE)
  set(${name}_IMAGE_TARGETS "${image_targets}" PARENT_SCOPE)
  set(${name}_DOCKERFILES "${dockerfiles}" PARENT_SCOPE)
  set(${name}_MANIFEST "${manifest}" PARENT_SCOPE)
  set(${name}_OUTPUT_DIR "${output_dir}" PARENT_SCOPE)
endfunction()

cmake_policy(POP)
