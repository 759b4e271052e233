# The <name>_images target of add_flyte_tasks (cmake -P), run by the build:
#
#   cmake -DFLYTE_ARGUMENTS=<file> -P FlyteTasksImages.cmake
#
# <file> (written by add_flyte_tasks at generation time) sets FLYTE_NAME,
# FLYTE_OUTPUT_DIR, FLYTE_MANIFEST, FLYTE_STATE_DIR, FLYTE_CONTAINER_TOOL,
# FLYTE_CONTAINER_BUILD_ARGS, FLYTE_CONTAINER_RUN_ARGS and FLYTE_EXECUTABLES
# (`<key>=<path>` each).
#
# For each image of the manifest: the executable is staged into the build
# context <output-dir>/images/<key>/ under the name the Dockerfile COPYs
# (`<name>_<key>`), then the image is built from that folder's Dockerfile and
# tagged with the image's build tag (never a digest). The Dockerfile's own
# self-check step runs the executable in the base; when it fails, the
# loader's message is analysed (and `objdump -T` asked which C library and
# C++ runtime versions the executable needs) to say which link mode fixes
# it. Each built image is then run and its task list compared with the
# manifest. What was built (with the image ID of its base), with which tool,
# is recorded for <name>_push in <state dir>/built-<key>.cmake.
# An image with a builder image (the manifest's builder_image) has its
# build context staged with the project's sources instead of the executable
# (FlyteTasksBuilderContext.cmake), after checking that the builder can
# build what the tasks link (FlyteTasksBuilderCheck.cmake); a failure of its
# builder stage is reported by the line the stage printed, which names the
# image key and the remedy. A base (or builder) image is pulled as
# FLYTE_CONTAINER_PULL says (the environment first): `missing` by default,
# `never` for offline builds.
cmake_minimum_required(VERSION 3.21)

if(NOT FLYTE_ARGUMENTS OR NOT EXISTS "${FLYTE_ARGUMENTS}")
  message(FATAL_ERROR "FlyteTasksImages.cmake: pass -DFLYTE_ARGUMENTS=<file> written by add_flyte_tasks.")
endif()
include("${FLYTE_ARGUMENTS}")
include("${CMAKE_CURRENT_LIST_DIR}/FlyteTasksContainerTool.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/FlyteTasksSharedLibraries.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/FlyteTasksBuilderContext.cmake")
set(fn "add_flyte_tasks(${FLYTE_NAME})")
set(unused_args "")
_flyte_tasks_read_shared_libraries("${FLYTE_SHARED_LIBRARIES_FILE}" unused_args)
_flyte_tasks_container_tool(tool kind)

set(pull_policy "${FLYTE_CONTAINER_PULL}")
if(DEFINED ENV{FLYTE_CONTAINER_PULL})
  set(pull_policy "$ENV{FLYTE_CONTAINER_PULL}")
endif()
if(pull_policy STREQUAL "")
  set(pull_policy missing)
endif()
if(NOT pull_policy MATCHES "^(missing|never|always|newer)$")
  message(FATAL_ERROR "${fn}: FLYTE_CONTAINER_PULL is '${pull_policy}': use missing (pull a base "
    "image only when it is not present), never (offline), always or newer.")
endif()
if(kind STREQUAL "podman")
  set(build_command "${tool}" build "--pull=${pull_policy}")
elseif(kind STREQUAL "buildah")
  set(build_command "${tool}" bud "--pull=${pull_policy}")
elseif(pull_policy MATCHES "^(always|newer)$")
  set(build_command "${tool}" build --pull)
elseif(pull_policy STREQUAL "never")
  message(FATAL_ERROR "${fn}: FLYTE_CONTAINER_PULL is 'never', but docker's build pulls a missing "
    "base image whatever it is told: use podman or buildah (FLYTE_CONTAINER_TOOL) to build offline.")
else()
  set(build_command "${tool}" build)
endif()

# Why an executable did not start in its base, from the build's output, and
# what fixes it. Only remedies that apply are offered: never `static` when
# the executable links shared libraries of the project
# (FLYTE_PROJECT_LIBRARY_TARGETS), which a static executable cannot load.
function(_flyte_tasks_explain out_var log key executable)
  set(needs "")
  find_program(objdump NAMES objdump llvm-objdump NO_CACHE)
  if(objdump)
    execute_process(COMMAND "${objdump}" -T "${executable}" OUTPUT_VARIABLE symbols ERROR_QUIET)
    foreach(prefix GLIBC GLIBCXX CXXABI)
      string(REGEX MATCHALL "[ (]${prefix}_[0-9.]+[ )]" versions "${symbols}")
      set(highest "")
      foreach(version IN LISTS versions)
        string(REGEX REPLACE "[^0-9.]" "" version "${version}")
        if(highest STREQUAL "" OR version VERSION_GREATER highest)
          set(highest "${version}")
        endif()
      endforeach()
      if(highest)
        list(APPEND needs "${prefix}_${highest}")
      endif()
    endforeach()
  endif()
  string(REPLACE ";" ", " needs "${needs}")
  set(shared "${FLYTE_PROJECT_LIBRARY_TARGETS}")
  string(REPLACE ";" ", " shared_text "${shared}")
  set(modes "")
  if(log MATCHES "version .GLIBC_[0-9.]+' not found")
    set(why "the base image's C library (glibc) is older than the build machine's")
    set(base "a base image with the build machine's C library (glibc) or newer")
    set(modes static)
  elseif(log MATCHES "version .(GLIBCXX|CXXABI|GCC)_[0-9.]+' not found")
    set(why "the base image's C++ runtime (libstdc++) is older than the build machine's")
    set(base "a base image with the build machine's C++ runtime (libstdc++) or newer")
    set(modes static-runtime static)
  elseif(log MATCHES "(lib[^ :]*\\.so[^ :]*): cannot open shared object file")
    set(library "${CMAKE_MATCH_1}")
    set(why "the base image lacks the shared library ${library}")
    set(base "a base image that has ${library}")
    if(library MATCHES "^lib(stdc\\+\\+|gcc_s)\\.so")
      # The C++ runtime: static-runtime links it into the executable (and
      # into the project's shared libraries).
      set(modes static-runtime static)
    elseif(library IN_LIST FLYTE_IMPORTED_LIBRARY_NAMES)
      # An imported target of the tasks' link closure names it: it can go in.
      list(FIND FLYTE_IMPORTED_LIBRARY_NAMES "${library}" at)
      list(GET FLYTE_IMPORTED_LIBRARY_TARGETS ${at} target)
      string(CONCAT text "${why}, the library of ${target}, which the tasks link. Copy it into the "
                         "image with add_flyte_tasks(${FLYTE_NAME} ... IMAGE_LIBRARIES ${target}), or "
                         "use a base image that has it (build: base_images: {${key}: <image>} in the "
                         "image configuration)")
      set(${out_var} "${text}" PARENT_SCOPE)
      return()
    elseif(library IN_LIST FLYTE_SHARED_LIBRARY_NAMES)
      # Staged with the executable: it should have been found.
      string(CONCAT text "${why}, a library of this project staged in lib/ of the build context "
                         "and copied by the Dockerfile; the staged executable's RUNPATH does not "
                         "find it there (see the build's output above)")
      set(${out_var} "${text}" PARENT_SCOPE)
      return()
    else()
      # Static linking applies only where the library comes as an archive.
      string(REGEX REPLACE "\\.so.*$" ".a" archive "${library}")
      file(GLOB archives /usr/local/lib/${archive} /usr/lib/${archive}
                         /usr/lib/*-linux-gnu/${archive} /usr/lib64/${archive})
      if(archives)
        set(modes static)
      else()
        string(CONCAT text "${why}, which is not a library of this project and has no static archive "
                           "(${archive}) on this machine: use a base image that has it (build: base_images: "
                           "{${key}: <image>} in the image configuration)")
        set(${out_var} "${text}" PARENT_SCOPE)
        return()
      endif()
    endif()
  elseif(log MATCHES "holds the tasks")
    set(${out_var} "the executable staged in the build context was not built for this image; build again" PARENT_SCOPE)
    return()
  elseif(log MATCHES "[Nn]o such file or directory|exec format error|not found")
    set(why "the base image cannot load a dynamically linked executable (no dynamic loader: scratch, busybox, distroless/static)")
    set(base "a base image with the build machine's C library (glibc) and its loader")
    set(modes static)
  else()
    set(${out_var} "see the build's output above" PARENT_SCOPE)
    return()
  endif()
  set(text "${why}")
  if(needs)
    string(APPEND text "; the executable needs ${needs} (objdump -T)")
  endif()
  if(shared)
    # static cannot apply: the executable loads shared libraries of the project.
    list(REMOVE_ITEM modes static)
  endif()
  if(modes)
    list(GET modes 0 mode)
    set(also "")
    list(LENGTH modes count)
    if(count GREATER 1)
      list(GET modes 1 other)
      set(also " (or ${other})")
    endif()
    string(APPEND text ". Link it ${mode}${also}:\nbuild:\n  link:\n    ${key}: ${mode}   "
                       "(in the image configuration)\nor add_flyte_tasks(${FLYTE_NAME} ... "
                       "LINK_MODES ${key}=${mode})")
  else()
    string(APPEND text ". It links the shared libraries ${shared_text} of this project, so it "
                       "cannot be linked static: use ${base} (build: base_images: {${key}: <image>} "
                       "in the image configuration), or build ${shared_text} as STATIC libraries "
                       "and link image '${key}' static")
  endif()
  set(${out_var} "${text}" PARENT_SCOPE)
endfunction()

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
  string(JSON tag ERROR_VARIABLE no_tag GET "${manifest}" images ${index} build_tag)
  if(no_tag)
    # A manifest of an older task-scan: the reference, without a digest.
    set(tag "${reference}")
    if(tag MATCHES "^([^@]+)@")
      set(tag "${CMAKE_MATCH_1}")
    endif()
  endif()
  if(tag MATCHES "@")
    message(FATAL_ERROR "${fn}: image '${key}' has the build tag '${tag}', which holds a digest; "
                        "no builder accepts one (task-scan writes build_tag without it).")
  endif()
  string(JSON tasks_length LENGTH "${manifest}" images ${index} tasks)
  set(tasks "")
  math(EXPR tasks_last "${tasks_length} - 1")
  foreach(task_index RANGE ${tasks_last})
    string(JSON task GET "${manifest}" images ${index} tasks ${task_index})
    list(APPEND tasks "${task}")
  endforeach()
  string(JSON executable_name GET "${manifest}" images ${index} executable)
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
  string(JSON builder ERROR_VARIABLE no_builder GET "${manifest}" images ${index} builder_image)
  if(no_builder)
    set(builder "")
  endif()
  if(builder)
    set(FLYTE_BUILDER_FOREIGN_LIBRARIES "")
    set(FLYTE_BUILDER_SHARED_LIBRARIES "")
    if(EXISTS "${FLYTE_BUILDER_CHECK_FILE}")
      include("${FLYTE_BUILDER_CHECK_FILE}")
    endif()
    if(FLYTE_BUILDER_FOREIGN_LIBRARIES)
      string(REPLACE ";" ", " foreign "${FLYTE_BUILDER_FOREIGN_LIBRARIES}")
      message(FATAL_ERROR "${fn}: image '${key}' is compiled in its builder image ${builder}, from "
                          "the project's sources (${FLYTE_PROJECT_SOURCE_DIR}), but its tasks link "
                          "${foreign}, which is not part of the project and so not in the build "
                          "context. Move that library into the project's source tree, or make it "
                          "an imported target that find_package finds in the builder image too "
                          "(install it there), or drop the builder of '${key}' (build: builder_images).")
    endif()
    if(FLYTE_BUILDER_SHARED_LIBRARIES)
      string(REPLACE ";" ", " shared "${FLYTE_BUILDER_SHARED_LIBRARIES}")
      message(FATAL_ERROR "${fn}: image '${key}' is compiled in its builder image ${builder}, and "
                          "its tasks link the SHARED libraries ${shared} of this project, which the "
                          "builder stage does not carry into the image: build them as STATIC "
                          "libraries, or drop the builder of '${key}' (build: builder_images).")
    endif()
    _flyte_tasks_stage_builder_context("${context}" "${key}")
  else()
    _flyte_tasks_unstage_builder_context("${context}")
    _flyte_tasks_stage_image("${context}" "${executable}" "${FLYTE_NAME}_${key}" "${FLYTE_NAME}" "${fn}")
  endif()

  if(NOT tag STREQUAL reference)
    message(STATUS "${fn}: image '${key}' is pinned by digest in the configuration (${reference}): "
                   "built elsewhere; this build of its Dockerfile is tagged ${tag}")
  endif()
  message(STATUS "${fn}: building image '${key}' as ${tag} with ${kind}")
  execute_process(
    COMMAND ${build_command} ${FLYTE_CONTAINER_BUILD_ARGS} -t "${tag}" -f "${context}/Dockerfile" "${context}"
    RESULT_VARIABLE result OUTPUT_VARIABLE log ERROR_VARIABLE log)
  if(NOT result EQUAL 0)
    message("${log}")
    # (At the start of a line: the tool's echo of the RUN step holds the
    # same words inside the script.)
    if(builder AND log MATCHES "(^|\n)task-scan: (image '[^'\n]*' [^\n]*)")
      # The builder stage's own message: the key, what failed, the remedy.
      message(FATAL_ERROR "${fn}: ${CMAKE_MATCH_2}")
    endif()
    if(log MATCHES "--check-tasks")
      _flyte_tasks_explain(explanation "${log}" "${key}" "${executable}")
      message(FATAL_ERROR "${fn}: image '${key}' does not build: its executable ${executable_name} "
                          "does not start in the base image (the Dockerfile's self-check failed): "
                          "${explanation}")
    endif()
    file(STRINGS "${context}/Dockerfile" from_line REGEX "^FROM " LIMIT_COUNT 1)
    string(REGEX REPLACE "^FROM +([^ ]+).*" "\\1" base "${from_line}")
    if(log MATCHES "image not known|pull policy|pinging container registry|dial tcp|no such host|manifest unknown|not found in registry")
      if(pull_policy STREQUAL "never")
        set(remedy "FLYTE_CONTAINER_PULL is 'never', so it is not pulled: make it present "
                   "(${kind} pull ${base}, or load it), or set FLYTE_CONTAINER_PULL=missing")
      else()
        set(remedy "and it could not be pulled (the registry's answer is above): check the "
                   "name and the network, or make it present (load it) and set FLYTE_CONTAINER_PULL=never")
      endif()
      message(FATAL_ERROR "${fn}: image '${key}' does not build: its base image ${base} is not "
                          "present, ${remedy}.")
    endif()
    message(FATAL_ERROR "${fn}: '${kind}' could not build image '${key}' from ${context}/Dockerfile "
                        "(exit status ${result}).")
  endif()

  # The image runs: its executable lists exactly the manifest's tasks.
  # (The COPY of the executable, not that of the project's shared libraries.)
  file(STRINGS "${context}/Dockerfile" copy_line
       REGEX "^COPY (--from=flyte-build \\[\"/flyte-build/out/|\\[\")${FLYTE_NAME}_${key}\", ")
  if(NOT copy_line MATCHES "^COPY [^[]*\\[\"[^\"]*\", \"([^\"]+)\"\\]$")
    message(FATAL_ERROR "${fn}: cannot find where ${context}/Dockerfile installs the executable.")
  endif()
  set(installed "${CMAKE_MATCH_1}")
  if(kind STREQUAL "buildah")
    execute_process(COMMAND "${tool}" from --pull-never "${tag}"
                    RESULT_VARIABLE result OUTPUT_VARIABLE container ERROR_VARIABLE error)
    string(STRIP "${container}" container)
    if(result EQUAL 0)
      execute_process(COMMAND "${tool}" run ${FLYTE_CONTAINER_RUN_ARGS} "${container}" -- "${installed}" --list
                      RESULT_VARIABLE result OUTPUT_VARIABLE listed ERROR_VARIABLE error)
      execute_process(COMMAND "${tool}" rm "${container}" OUTPUT_QUIET ERROR_QUIET)
    endif()
  else()
    set(pull "")
    if(kind STREQUAL "podman")
      set(pull --pull=never)
    endif()
    # With the base's ENTRYPOINT replaced, as Kubernetes `command` does on
    # Flyte (a base's entrypoint script would otherwise run in front).
    execute_process(COMMAND "${tool}" run --rm ${pull} --network=none ${FLYTE_CONTAINER_RUN_ARGS}
                            --entrypoint "${installed}" "${tag}" --list
                    RESULT_VARIABLE result OUTPUT_VARIABLE listed ERROR_VARIABLE error)
  endif()
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "${fn}: image '${key}' (${tag}) was built, but ${installed} --list does not "
                        "run in it (exit status ${result}): ${error}")
  endif()
  string(STRIP "${listed}" listed)
  string(REGEX REPLACE "[\r\n]+" ";" listed "${listed}")
  list(SORT listed)
  list(SORT tasks)
  if(NOT listed STREQUAL tasks)
    message(FATAL_ERROR "${fn}: image '${key}' (${tag}) lists the tasks [${listed}], "
                        "but the manifest gives it [${tasks}].")
  endif()
  message(STATUS "${fn}: image '${key}' runs: ${installed} --list gives its ${tasks_length} task(s)")

  # For <name>_push: what was built, and with what. The base is recorded by
  # its image ID as the tool has it now: a base re-pulled under the same tag
  # is new content, which the Dockerfile alone does not show.
  file(SHA256 "${context}/Dockerfile" dockerfile_sha256)
  if(builder)
    # Compiled in the builder: the image's executable is not on this machine.
    set(executable_sha256 "")
  else()
    file(SHA256 "${context}/${FLYTE_NAME}_${key}" executable_sha256)
  endif()
  _flyte_tasks_libraries_sha256(libraries_sha256 "${context}/lib")
  # The base as the builder read it: the Dockerfile's FROM.
  file(STRINGS "${context}/Dockerfile" base REGEX "^FROM ")
  list(GET base -1 base)
  string(REGEX REPLACE "^FROM +" "" base "${base}")
  if(kind STREQUAL "buildah")
    set(inspect "${tool}" images --no-trunc --format "{{.ID}}" "${base}")
  else()
    set(inspect "${tool}" image inspect --format "{{.Id}}" "${base}")
  endif()
  execute_process(COMMAND ${inspect} RESULT_VARIABLE result OUTPUT_VARIABLE base_id ERROR_QUIET)
  string(STRIP "${base_id}" base_id)
  string(REGEX REPLACE "^sha256:" "" base_id "${base_id}")
  if(result EQUAL 0 AND base_id MATCHES "^[0-9a-f]+$")
    set(base_id "sha256:${base_id}")
  else()
    message(STATUS "${fn}: '${kind}' does not give the image ID of the base ${base} of image "
                   "'${key}'; ${FLYTE_NAME}_push will not notice that base change under its tag")
    set(base_id "")
  endif()
  file(WRITE "${FLYTE_STATE_DIR}/built-${key}.cmake"
       "set(built_tool [==[${tool}]==])\nset(built_kind [==[${kind}]==])\n"
       "set(built_tag [==[${tag}]==])\nset(built_reference [==[${reference}]==])\n"
       "set(built_base [==[${base}]==])\nset(built_base_id [==[${base_id}]==])\n"
       "set(built_dockerfile_sha256 ${dockerfile_sha256})\nset(built_executable_sha256 ${executable_sha256})\n"
       "set(built_libraries_sha256 [==[${libraries_sha256}]==])\n")
endforeach()
