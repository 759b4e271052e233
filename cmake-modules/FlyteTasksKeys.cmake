# The key file of add_flyte_tasks: the image keys, one per line, in a file
# CMake watches (CMAKE_CONFIGURE_DEPENDS). Shared by FlyteTasks.cmake (at
# configure time) and FlyteTasksCodegen.cmake (at build time), with the
# quoting of values in the CMake code they generate (also used by
# FlyteTasksBuilderContext.cmake).

# A value as a bracket argument of generated CMake code: no escaping needed.
function(_flyte_tasks_bracket out_var value)
  set(equals "=")
  while(value MATCHES "]${equals}]")
    string(APPEND equals "=")
  endwhile()
  set(${out_var} "[${equals}[${value}]${equals}]" PARENT_SCOPE)
endfunction()

# Writes the list <keys> to <file> unless it already holds exactly that, so
# that an unchanged set never makes the build re-run CMake. Sets <changed_var>
# to TRUE or FALSE and <previous_var> to the keys the file held (a list).
function(_flyte_tasks_update_keys file keys changed_var previous_var)
  string(REPLACE ";" "\n" text "${keys}")
  if(NOT text STREQUAL "")
    string(APPEND text "\n")
  endif()
  set(old_text "")
  if(EXISTS "${file}")
    file(READ "${file}" old_text)
  endif()
  string(STRIP "${old_text}" previous)
  string(REGEX REPLACE "[\r\n]+" ";" previous "${previous}")
  set(${previous_var} "${previous}" PARENT_SCOPE)
  if(old_text STREQUAL text)
    set(${changed_var} FALSE PARENT_SCOPE)
  else()
    file(WRITE "${file}" "${text}")
    set(${changed_var} TRUE PARENT_SCOPE)
  endif()
endfunction()
