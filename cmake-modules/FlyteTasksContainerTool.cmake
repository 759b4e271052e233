# The container tool of <name>_images and <name>_push (cmake -P scripts):
# FLYTE_CONTAINER_TOOL from the environment, then from the cache (the
# arguments file), then the first of podman, buildah and docker on PATH.

# _flyte_tasks_container_tool(<path_var> <kind_var>): the tool's path and
# its kind (podman, buildah or docker; another name is used like docker).
function(_flyte_tasks_container_tool path_var kind_var)
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
  if(NOT kind MATCHES "^(podman|buildah)$")
    set(kind docker)
  endif()
  set(${path_var} "${found}" PARENT_SCOPE)
  set(${kind_var} "${kind}" PARENT_SCOPE)
endfunction()
