# The FlyteTasks package inside a builder image: staged by add_flyte_tasks
# into flyte/cmake/FlyteTasksConfig.cmake of an image's build context, so
# that the project's own `find_package(FlyteTasks CONFIG REQUIRED)` finds
# the add_flyte_tasks of FlyteTasksBuilder.cmake (no task-scan needed).
get_filename_component(FLYTE_TASKS_BUILDER "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)
set(FLYTE_TASKS_INCLUDE_DIR "${FLYTE_TASKS_BUILDER}/include")
include("${CMAKE_CURRENT_LIST_DIR}/FlyteTasksBuilder.cmake")
set(FlyteTasks_FOUND TRUE)
