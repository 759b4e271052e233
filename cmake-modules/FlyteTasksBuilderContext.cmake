# The build context of an image compiled in a builder image (`build:
# builder_images`, BUILDER_IMAGES), staged by the build's cmake -P steps
# (<name>_pins, part of `all`, and <name>_images) into images/<key>/, next to
# the Dockerfile and entrypoint.cpp task-scan wrote there:
#
#   project/   the project's source tree (CMAKE_SOURCE_DIR): every file but
#              .git, build trees (a folder holding CMakeCache.txt, the build
#              folder itself) and the generated output folder
#   flyte/     include/flyte/ (the runtime headers), cmake/ (the FlyteTasks
#              package of the builder: FlyteTasksBuilder.cmake) and
#              builder.cmake (the name, the key and the link options)
#
# So the context holds what the builder's build needs and nothing more, and
# `podman build images/<key>`, `docker buildx bake` and <name>_images all
# build the same thing. Files are copied only when their content changed;
# files gone from the source tree are removed from project/.
#
# Needs from the caller (the <name>_images arguments file): FLYTE_NAME,
# FLYTE_OUTPUT_DIR, FLYTE_STATE_DIR, FLYTE_PROJECT_SOURCE_DIR,
# FLYTE_PROJECT_BINARY_DIR, FLYTE_RUNTIME_INCLUDE_DIR, FLYTE_SOURCES (the
# scanned sources, relative to FLYTE_PROJECT_SOURCE_DIR).
include_guard(GLOBAL)
include("${CMAKE_CURRENT_LIST_DIR}/FlyteTasksKeys.cmake") # _flyte_tasks_bracket
set(_FLYTE_TASKS_BUILDER_MODULE_DIR "${CMAKE_CURRENT_LIST_DIR}")

# The files of <dir> (relative to <root>) that go into project/, in <out_var>.
function(_flyte_tasks_project_files out_var root dir)
  set(files "")
  file(GLOB entries LIST_DIRECTORIES true "${dir}/*")
  foreach(entry IN LISTS entries)
    get_filename_component(entry_name "${entry}" NAME)
    if(IS_DIRECTORY "${entry}")
      if(entry_name STREQUAL ".git" OR IS_SYMLINK "${entry}" OR EXISTS "${entry}/CMakeCache.txt"
         OR entry STREQUAL FLYTE_PROJECT_BINARY_DIR OR entry STREQUAL FLYTE_OUTPUT_DIR)
        continue()
      endif()
      _flyte_tasks_project_files(below "${root}" "${entry}")
      list(APPEND files ${below})
    elseif(NOT entry_name STREQUAL ".git")
      file(RELATIVE_PATH relative "${root}" "${entry}")
      list(APPEND files "${relative}")
    endif()
  endforeach()
  set(${out_var} "${files}" PARENT_SCOPE)
endfunction()

# Copies <from> to <to> when the content differs.
function(_flyte_tasks_sync_file from to)
  get_filename_component(parent "${to}" DIRECTORY)
  file(MAKE_DIRECTORY "${parent}")
  file(COPY_FILE "${from}" "${to}" ONLY_IF_DIFFERENT)
endfunction()

# Makes <to> hold exactly the files <files> (relative) of <from>.
function(_flyte_tasks_sync_tree from to files)
  foreach(file IN LISTS files)
    _flyte_tasks_sync_file("${from}/${file}" "${to}/${file}")
  endforeach()
  file(GLOB_RECURSE staged LIST_DIRECTORIES false RELATIVE "${to}" "${to}/*")
  foreach(file IN LISTS staged)
    if(NOT file IN_LIST files)
      file(REMOVE "${to}/${file}")
    endif()
  endforeach()
endfunction()

# Stages the build context of image <key> (its builder stage's inputs) into
# <context>; a host executable staged there before is removed (the image's
# executable comes from the builder).
function(_flyte_tasks_stage_builder_context context key)
  _flyte_tasks_project_files(files "${FLYTE_PROJECT_SOURCE_DIR}" "${FLYTE_PROJECT_SOURCE_DIR}")
  _flyte_tasks_sync_tree("${FLYTE_PROJECT_SOURCE_DIR}" "${context}/project" "${files}")
  file(GLOB_RECURSE headers LIST_DIRECTORIES false RELATIVE "${FLYTE_RUNTIME_INCLUDE_DIR}"
       "${FLYTE_RUNTIME_INCLUDE_DIR}/flyte/*")
  _flyte_tasks_sync_tree("${FLYTE_RUNTIME_INCLUDE_DIR}" "${context}/flyte/include" "${headers}")
  _flyte_tasks_sync_file("${_FLYTE_TASKS_BUILDER_MODULE_DIR}/FlyteTasksBuilder.cmake"
                         "${context}/flyte/cmake/FlyteTasksBuilder.cmake")
  _flyte_tasks_sync_file("${_FLYTE_TASKS_BUILDER_MODULE_DIR}/FlyteTasksBuilderConfig.cmake"
                         "${context}/flyte/cmake/FlyteTasksConfig.cmake")
  set(link_options "")
  if(EXISTS "${FLYTE_STATE_DIR}/link-${key}.rsp")
    file(STRINGS "${FLYTE_STATE_DIR}/link-${key}.rsp" link_options)
  endif()
  string(CONCAT content
    "# Staged by add_flyte_tasks(${FLYTE_NAME}) for the builder of image '${key}'.\n"
    "set(FLYTE_BUILDER_NAME [==[${FLYTE_NAME}]==])\nset(FLYTE_BUILDER_KEY [==[${key}]==])\n"
    "set(FLYTE_BUILDER_LINK_OPTIONS")
  foreach(option IN LISTS link_options)
    _flyte_tasks_bracket(option "${option}")
    string(APPEND content " ${option}")
  endforeach()
  string(APPEND content ")\nset(FLYTE_BUILDER_SOURCES")
  foreach(source IN LISTS FLYTE_SOURCES)
    _flyte_tasks_bracket(source "${source}")
    string(APPEND content " ${source}")
  endforeach()
  string(APPEND content ")\n")
  file(WRITE "${context}/flyte/builder.cmake.tmp" "${content}")
  file(COPY_FILE "${context}/flyte/builder.cmake.tmp" "${context}/flyte/builder.cmake" ONLY_IF_DIFFERENT)
  file(REMOVE "${context}/flyte/builder.cmake.tmp" "${context}/${FLYTE_NAME}_${key}")
  file(REMOVE_RECURSE "${context}/lib")
endfunction()

# Removes what _flyte_tasks_stage_builder_context staged in <context>: the
# image has no builder (any longer), and its context holds the executable.
function(_flyte_tasks_unstage_builder_context context)
  file(REMOVE_RECURSE "${context}/project" "${context}/flyte")
endfunction()

# The manifest's builder image of <key> in <out_var> (empty: none).
function(_flyte_tasks_builder_image out_var manifest key)
  set(result "")
  string(JSON count ERROR_VARIABLE no_images LENGTH "${manifest}" images)
  if(NOT no_images AND count GREATER 0)
    math(EXPR last "${count} - 1")
    foreach(index RANGE ${last})
      string(JSON image_key GET "${manifest}" images ${index} key)
      if(image_key STREQUAL key)
        string(JSON result ERROR_VARIABLE none GET "${manifest}" images ${index} builder_image)
        if(none)
          set(result "")
        endif()
      endif()
    endforeach()
  endif()
  set(${out_var} "${result}" PARENT_SCOPE)
endfunction()
