# The project's shared libraries in the images of add_flyte_tasks.
#
# An executable of add_flyte_tasks that links a SHARED library of the
# project (add_library(x SHARED), or any add_library under
# BUILD_SHARED_LIBS=ON), directly or through another library, needs that
# library at run time; so does every library it needs in turn. The base
# image has none of them. So:
#
#  - at configure time, _flyte_tasks_shared_libraries() walks the link
#    closure of the tasks' LINK_LIBRARIES (again at the end of the top
#    directory, when every target and link is known) for the targets that
#    are SHARED libraries of this build, not imported; an image linked
#    `static` cannot load one, and says so naming the target (a configure
#    error for STATIC and LINK_MODES; the build's codegen says the same for
#    the configuration's build.link). It writes <state dir>/shared-libraries-
#    <config>.cmake: FLYTE_SHARED_LIBRARY_TARGETS, _FILES (the built files)
#    and _NAMES (their sonames, the names the loader looks for), read by the
#    codegen, images, pins and push steps, with the imported libraries that
#    IMAGE_LIBRARIES asks for (FLYTE_PROJECT_LIBRARY_TARGETS: the project's
#    own; FLYTE_IMPORTED_LIBRARY_*: the imported ones not carried);
#  - task-scan is given the names (--shared-library): each Dockerfile copies
#    them from lib/ of its build context to lib/<name> beside the install
#    folder, in a COPY of their own (a layer), before the executable;
#  - _flyte_tasks_stage_image() stages the executable and the libraries into
#    the build context, the executable's RUNPATH set to
#    $ORIGIN/../lib/<name> and each library's to $ORIGIN (a library finds
#    the libraries it needs beside itself): found at run time with no
#    wrapper and no LD_LIBRARY_PATH, and the self-check proves it. The
#    executables in the build tree keep their build RUNPATH (local runs);
#    each is linked with $ORIGIN/../lib/<name> as its last RUNPATH entry, so
#    the staged copy's RUNPATH always has room for it (CMake edits it in
#    place);
#  - when an image may be linked static-runtime, the libraries get the C++
#    runtime linked into each too (-static-libstdc++ -static-libgcc): the
#    image then needs the base's C library only. Decided when CMake runs
#    (the libraries link before the codegen step, which waits for the
#    sources to compile): LINK_MODES names static-runtime, or the image
#    configuration does (its text: a key of build.link), which CMake then
#    watches.
#
# Used by FlyteTasks.cmake at configure time and, for the staging helpers,
# by the cmake -P scripts of the build (FlyteTasksCodegen, FlyteTasksImages).

# An item of a LINK_LIBRARIES or INTERFACE_LINK_LIBRARIES property as the
# target or file it names: $<LINK_ONLY:x> and $<BUILD_INTERFACE:x> give x;
# other generator expressions, link flags and ::@ markers give "".
function(_flyte_tasks_link_item out_var item)
  if(item MATCHES "^\\$<(LINK_ONLY|BUILD_INTERFACE|BUILD_LOCAL_INTERFACE):([^$<>]*)>$")
    set(item "${CMAKE_MATCH_2}")
  elseif(item MATCHES "^\\$<|^::@|^-")
    set(item "")
  endif()
  set(${out_var} "${item}" PARENT_SCOPE)
endfunction()

# Appends the LINK_LIBRARIES and INTERFACE_LINK_LIBRARIES of <target> to the
# list <list_var>: the next step of a walk over a link closure.
function(_flyte_tasks_append_links list_var target)
  set(items ${${list_var}})
  foreach(property LINK_LIBRARIES INTERFACE_LINK_LIBRARIES)
    get_target_property(values "${target}" ${property})
    if(values)
      list(APPEND items ${values})
    endif()
  endforeach()
  set(${list_var} "${items}" PARENT_SCOPE)
endfunction()

# The SHARED library targets of this build (not imported) in the link
# closure of <item>...: their LINK_LIBRARIES and INTERFACE_LINK_LIBRARIES,
# transitively ($<LINK_ONLY:x> included: a private dependency of a shared
# library is loaded with it), in <out_var>; the imported SHARED and UNKNOWN
# library targets met on the way in <imported_var>. Sorted.
function(_flyte_tasks_shared_library_closure out_var imported_var)
  set(pending ${ARGN})
  set(seen "")
  set(shared "")
  set(imported_libraries "")
  while(pending)
    list(POP_FRONT pending item)
    _flyte_tasks_link_item(item "${item}")
    if(item STREQUAL "" OR NOT TARGET "${item}" OR item IN_LIST seen)
      continue()
    endif()
    list(APPEND seen "${item}")
    get_target_property(aliased "${item}" ALIASED_TARGET)
    if(aliased)
      list(APPEND pending "${aliased}")
      continue()
    endif()
    get_target_property(imported "${item}" IMPORTED)
    get_target_property(type "${item}" TYPE)
    if(imported)
      if(type MATCHES "^(SHARED|UNKNOWN)_LIBRARY$")
        list(APPEND imported_libraries "${item}")
      endif()
      continue()
    endif()
    if(type STREQUAL "SHARED_LIBRARY")
      list(APPEND shared "${item}")
    endif()
    _flyte_tasks_append_links(pending "${item}")
  endwhile()
  list(SORT shared)
  list(SORT imported_libraries)
  set(${out_var} "${shared}" PARENT_SCOPE)
  set(${imported_var} "${imported_libraries}" PARENT_SCOPE)
endfunction()

# The file and soname of the imported library target <target>, as known at
# configure time: IMPORTED_LOCATION and IMPORTED_SONAME (of the build type,
# else of its first configuration), the soname else read from the file
# (objdump -p), else its real file name. Empty when it has no location.
function(_flyte_tasks_imported_library target file_var soname_var)
  set(suffixes "")
  if(CMAKE_BUILD_TYPE)
    string(TOUPPER "_${CMAKE_BUILD_TYPE}" suffix)
    list(APPEND suffixes "${suffix}")
  endif()
  get_target_property(configurations "${target}" IMPORTED_CONFIGURATIONS)
  foreach(configuration IN LISTS configurations)
    string(TOUPPER "_${configuration}" suffix)
    list(APPEND suffixes "${suffix}")
  endforeach()
  list(APPEND suffixes "")
  set(location "")
  set(soname "")
  foreach(suffix IN LISTS suffixes)
    get_target_property(value "${target}" IMPORTED_LOCATION${suffix})
    if(value AND NOT location)
      set(location "${value}")
      get_target_property(value "${target}" IMPORTED_SONAME${suffix})
      if(value)
        get_filename_component(soname "${value}" NAME)
      endif()
    endif()
  endforeach()
  if(location AND NOT soname AND EXISTS "${location}")
    find_program(objdump NAMES objdump llvm-objdump NO_CACHE)
    if(objdump)
      execute_process(COMMAND "${objdump}" -p "${location}" OUTPUT_VARIABLE headers ERROR_QUIET)
      if(headers MATCHES "\n *SONAME +([^ \n]+)")
        set(soname "${CMAKE_MATCH_1}")
      endif()
    endif()
    if(NOT soname)
      get_filename_component(real "${location}" REALPATH)
      get_filename_component(soname "${real}" NAME)
    endif()
  endif()
  set(${file_var} "${location}" PARENT_SCOPE)
  set(${soname_var} "${soname}" PARENT_SCOPE)
endfunction()

# The message for an image linked static whose executable links the shared
# libraries <shared> of the project; <how> says where the mode was set.
# Shared with FlyteTasksCodegen.cmake (build.link).
function(_flyte_tasks_static_with_shared_message out_var fn key how shared)
  list(LENGTH shared count)
  string(REPLACE ";" ", " shared "${shared}")
  if(count EQUAL 1)
    set(what "the shared library ${shared}")
    set(instead "build ${shared} as a STATIC library")
  else()
    set(what "the shared libraries ${shared}")
    set(instead "build them as STATIC libraries")
  endif()
  string(CONCAT text
      "${fn}: image '${key}' is linked static (${how}), but its tasks link ${what} of this "
      "project, which a static executable cannot load. Link image '${key}' static-runtime or "
      "dynamic (the image then carries the project's shared libraries), or ${instead}.")
  set(${out_var} "${text}" PARENT_SCOPE)
endfunction()

# Fails when an image key of <keys> is linked static by STATIC or LINK_MODES
# while <shared> (the closure's shared libraries) is not empty.
function(_flyte_tasks_check_static_modes fn keys static link_modes shared)
  if(NOT shared)
    return()
  endif()
  foreach(key IN LISTS keys)
    set(mode "")
    set(how "")
    if(static)
      set(mode static)
      set(how "STATIC")
    endif()
    foreach(override IN LISTS link_modes)
      if(override MATCHES "^${key}=(.*)$")
        set(mode "${CMAKE_MATCH_1}")
        set(how "LINK_MODES ${override}")
      endif()
    endforeach()
    if(mode STREQUAL "static")
      _flyte_tasks_static_with_shared_message(text "${fn}" "${key}" "${how}" "${shared}")
      message(FATAL_ERROR "${text}")
    endif()
  endforeach()
endfunction()

# Called by add_flyte_tasks once the image executables exist: checks the
# link modes against the closure known now, and at the end of the top
# directory (when every target and link is known) finishes the job.
function(_flyte_tasks_shared_libraries fn name objects state_dir keys static link_modes asked config)
  get_target_property(links ${objects} LINK_LIBRARIES)
  _flyte_tasks_shared_library_closure(shared imported ${links})
  _flyte_tasks_check_static_modes("${fn}" "${keys}" "${static}" "${link_modes}" "${shared}")
  string(REPLACE ";" "," keys "${keys}")
  string(REPLACE ";" "," link_modes "${link_modes}")
  string(REPLACE ";" "," asked "${asked}")
  # A deferred call reads its arguments when it runs: pass the values now.
  set(arguments "")
  foreach(value IN ITEMS "${fn}" "${name}" "${objects}" "${state_dir}" "${keys}" "${static}"
                         "${link_modes}" "${asked}" "${config}")
    set(equals "=")
    while(value MATCHES "]${equals}]")
      string(APPEND equals "=")
    endwhile()
    string(APPEND arguments " [${equals}[${value}]${equals}]")
  endforeach()
  cmake_language(EVAL CODE
    "cmake_language(DEFER DIRECTORY [[${CMAKE_SOURCE_DIR}]] CALL _flyte_tasks_shared_libraries_at_end${arguments})")
endfunction()

function(_flyte_tasks_shared_libraries_at_end fn name objects state_dir keys static link_modes asked
                                              config)
  string(REPLACE "," ";" keys "${keys}")
  string(REPLACE "," ";" link_modes "${link_modes}")
  string(REPLACE "," ";" asked "${asked}")
  get_target_property(links ${objects} LINK_LIBRARIES)
  _flyte_tasks_shared_library_closure(shared imported ${links})
  # IMAGE_LIBRARIES: imported libraries the base lacks, carried like the
  # project's own (but their link options are not this build's to change).
  set(carried_imported "")
  foreach(target IN LISTS asked)
    set(type "")
    set(is_imported FALSE)
    if(TARGET "${target}")
      get_target_property(aliased "${target}" ALIASED_TARGET)
      if(aliased)
        set(target "${aliased}")
      endif()
      get_target_property(type "${target}" TYPE)
      get_target_property(is_imported "${target}" IMPORTED)
    endif()
    if(NOT is_imported OR NOT type MATCHES "^(SHARED|UNKNOWN)_LIBRARY$")
      message(FATAL_ERROR "${fn}: IMAGE_LIBRARIES takes imported shared library targets "
                          "(from find_package), not '${target}'; the project's own SHARED "
                          "libraries go into the images by themselves.")
    endif()
    _flyte_tasks_imported_library("${target}" file soname)
    if(NOT file)
      message(FATAL_ERROR "${fn}: IMAGE_LIBRARIES: the imported target '${target}' names no "
                          "library file (IMPORTED_LOCATION).")
    endif()
    list(APPEND carried_imported "${target}")
  endforeach()
  _flyte_tasks_check_static_modes("${fn}" "${keys}" "${static}" "${link_modes}" "${shared}")
  set(content "# Generated by add_flyte_tasks(${name}): the shared libraries its images carry.\n")
  foreach(list_name TARGETS FILES NAMES)
    string(APPEND content "set(FLYTE_SHARED_LIBRARY_${list_name}")
    foreach(library IN LISTS shared)
      if(list_name STREQUAL "TARGETS")
        string(APPEND content " [==[${library}]==]")
      elseif(list_name STREQUAL "FILES")
        string(APPEND content " [==[$<TARGET_FILE:${library}>]==]")
      else()
        string(APPEND content " [==[$<TARGET_SONAME_FILE_NAME:${library}>]==]")
      endif()
    endforeach()
    foreach(library IN LISTS carried_imported)
      _flyte_tasks_imported_library("${library}" file soname)
      if(list_name STREQUAL "TARGETS")
        string(APPEND content " [==[${library}]==]")
      elseif(list_name STREQUAL "FILES")
        string(APPEND content " [==[${file}]==]")
      else()
        string(APPEND content " [==[${soname}]==]")
      endif()
    endforeach()
    string(APPEND content ")\n")
  endforeach()
  # The project's own, for the link-mode checks and messages.
  string(APPEND content "set(FLYTE_PROJECT_LIBRARY_TARGETS")
  foreach(library IN LISTS shared)
    string(APPEND content " [==[${library}]==]")
  endforeach()
  string(APPEND content ")\n")
  # Imported libraries of the closure not carried: the base must have them;
  # when it does not, the images step offers IMAGE_LIBRARIES (by soname).
  string(APPEND content "set(FLYTE_IMPORTED_LIBRARY_TARGETS")
  set(names "")
  foreach(library IN LISTS imported)
    if(NOT library IN_LIST carried_imported)
      _flyte_tasks_imported_library("${library}" file soname)
      if(soname)
        string(APPEND content " [==[${library}]==]")
        list(APPEND names "${soname}")
      endif()
    endif()
  endforeach()
  string(APPEND content ")\nset(FLYTE_IMPORTED_LIBRARY_NAMES")
  foreach(soname IN LISTS names)
    string(APPEND content " [==[${soname}]==]")
  endforeach()
  string(APPEND content ")\n")
  file(GENERATE OUTPUT "${state_dir}/shared-libraries-$<CONFIG>.cmake" CONTENT "${content}")
  if(NOT shared AND NOT carried_imported)
    return()
  endif()
  # The build tree's own directories first (local runs), the image's last:
  # the staged copy's RUNPATH is edited in place and needs its room.
  set(rpath "")
  foreach(library IN LISTS shared)
    list(APPEND rpath "$<TARGET_FILE_DIR:${library}>")
  endforeach()
  list(APPEND rpath "$ORIGIN/../lib/${name}")
  foreach(key IN LISTS keys)
    set_property(TARGET ${name}_${key} APPEND PROPERTY BUILD_RPATH "${rpath}")
  endforeach()
  # An image linked static-runtime must not need the base's C++ runtime:
  # neither may its libraries. They link before the codegen step knows the
  # modes exactly, so any mention of static-runtime decides.
  file(READ "${config}" config_text)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${config}")
  if(link_modes MATCHES "=static-runtime" OR config_text MATCHES "static-runtime")
    foreach(library IN LISTS shared)
      set_property(TARGET ${library} APPEND PROPERTY LINK_OPTIONS -static-libstdc++ -static-libgcc)
    endforeach()
  endif()
endfunction()

# --- In the build's cmake -P steps --------------------------------------------

# Reads <file> (shared-libraries-<config>.cmake) into FLYTE_SHARED_LIBRARY_*
# of the caller and appends --shared-library=<name> for each to <args_var>.
macro(_flyte_tasks_read_shared_libraries file args_var)
  set(FLYTE_SHARED_LIBRARY_TARGETS "")
  set(FLYTE_SHARED_LIBRARY_FILES "")
  set(FLYTE_SHARED_LIBRARY_NAMES "")
  set(FLYTE_PROJECT_LIBRARY_TARGETS "")
  set(FLYTE_IMPORTED_LIBRARY_TARGETS "")
  set(FLYTE_IMPORTED_LIBRARY_NAMES "")
  if(NOT "${file}" STREQUAL "" AND EXISTS "${file}")
    include("${file}")
  endif()
  foreach(_flyte_library IN LISTS FLYTE_SHARED_LIBRARY_NAMES)
    list(APPEND ${args_var} "--shared-library=${_flyte_library}")
  endforeach()
endmacro()

# Copies <from> to <to> with its RUNPATH (or RPATH) set to <rpath>, touching
# <to> only when its content changes. A file without one is copied as it is
# unless <required> (the executable: it must find the libraries).
function(_flyte_tasks_stage_file from to rpath required fn)
  set(temporary "${to}.staging")
  file(COPY_FILE "${from}" "${temporary}")
  unset(runpath)
  unset(old_rpath)
  file(READ_ELF "${temporary}" RUNPATH runpath RPATH old_rpath CAPTURE_ERROR error)
  if(DEFINED runpath OR DEFINED old_rpath)
    file(RPATH_SET FILE "${temporary}" NEW_RPATH "${rpath}")
  elseif(required)
    file(REMOVE "${temporary}")
    message(FATAL_ERROR "${fn}: ${from} has no RUNPATH, so the staged copy cannot be given "
                        "${rpath} to find the project's shared libraries in its image; do not set "
                        "CMAKE_SKIP_RPATH, CMAKE_SKIP_BUILD_RPATH or SKIP_BUILD_RPATH for it.")
  endif()
  if(EXISTS "${to}")
    file(SHA256 "${to}" old)
    file(SHA256 "${temporary}" new)
    if(old STREQUAL new)
      file(REMOVE "${temporary}")
      return()
    endif()
  endif()
  file(RENAME "${temporary}" "${to}")
endfunction()

# Stages the executable <executable> of image <key> into its build context
# <context> as <staged_name>, with the project's shared libraries
# (FLYTE_SHARED_LIBRARY_FILES, _NAMES) in <context>/lib/; libraries staged
# there before and no longer in the list are removed.
function(_flyte_tasks_stage_image context executable staged_name project fn)
  if(FLYTE_SHARED_LIBRARY_NAMES)
    _flyte_tasks_stage_file("${executable}" "${context}/${staged_name}"
                            "$ORIGIN/../lib/${project}" TRUE "${fn}")
  else()
    file(COPY_FILE "${executable}" "${context}/${staged_name}" ONLY_IF_DIFFERENT)
  endif()
  set(staged "")
  foreach(file name IN ZIP_LISTS FLYTE_SHARED_LIBRARY_FILES FLYTE_SHARED_LIBRARY_NAMES)
    if(NOT EXISTS "${file}")
      message(FATAL_ERROR "${fn}: the shared library ${file} is not built; build the project first.")
    endif()
    file(MAKE_DIRECTORY "${context}/lib")
    _flyte_tasks_stage_file("${file}" "${context}/lib/${name}" "$ORIGIN" FALSE "${fn}")
    list(APPEND staged "${name}")
  endforeach()
  file(GLOB old RELATIVE "${context}/lib" "${context}/lib/*")
  foreach(name IN LISTS old)
    if(NOT name IN_LIST staged)
      file(REMOVE "${context}/lib/${name}")
    endif()
  endforeach()
  if(IS_DIRECTORY "${context}/lib" AND NOT staged)
    file(REMOVE_RECURSE "${context}/lib")
  endif()
endfunction()

# The content of the libraries staged in <lib_dir>, as task-scan's image
# lock computes it (librariesSha256): the SHA-256 of the lines
# `<sha256 of the file> <name>`, names sorted; empty without libraries.
function(_flyte_tasks_libraries_sha256 out_var lib_dir)
  set(names ${FLYTE_SHARED_LIBRARY_NAMES})
  list(REMOVE_DUPLICATES names)
  list(SORT names)
  set(lines "")
  foreach(name IN LISTS names)
    file(SHA256 "${lib_dir}/${name}" hash)
    string(APPEND lines "${hash} ${name}\n")
  endforeach()
  set(result "")
  if(names)
    string(SHA256 result "${lines}")
  endif()
  set(${out_var} "${result}" PARENT_SCOPE)
endfunction()
