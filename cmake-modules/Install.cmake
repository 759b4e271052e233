# cmake --install: the tool, the runtime headers, the FlyteTasks package and
# the list of checks the tool's diagnostics name (share/doc/task-scan).
include(CMakePackageConfigHelpers)

install(TARGETS task-scan RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/lib/runtime/include/flyte
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(FILES ${PROJECT_SOURCE_DIR}/docs/checks.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
# Exported as flyte::runtime, the name add_subdirectory users see (an alias).
set_target_properties(flyte_runtime PROPERTIES EXPORT_NAME runtime)
install(TARGETS flyte_runtime EXPORT FlyteTasksTargets)
install(EXPORT FlyteTasksTargets NAMESPACE flyte::
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/FlyteTasks)

set(FLYTE_TASKS_PACKAGE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/FlyteTasks)
configure_package_config_file(
  ${PROJECT_SOURCE_DIR}/cmake-modules/FlyteTasksConfig.cmake.in
  ${PROJECT_BINARY_DIR}/FlyteTasksConfig.cmake
  INSTALL_DESTINATION ${FLYTE_TASKS_PACKAGE_DIR}
  PATH_VARS CMAKE_INSTALL_BINDIR CMAKE_INSTALL_INCLUDEDIR)
write_basic_package_version_file(
  ${PROJECT_BINARY_DIR}/FlyteTasksConfigVersion.cmake
  COMPATIBILITY SameMajorVersion)
install(FILES
  ${PROJECT_BINARY_DIR}/FlyteTasksConfig.cmake
  ${PROJECT_BINARY_DIR}/FlyteTasksConfigVersion.cmake
  ${PROJECT_SOURCE_DIR}/cmake-modules/FlyteTasks.cmake
  ${PROJECT_SOURCE_DIR}/cmake-modules/FlyteTasksCodegen.cmake
  ${PROJECT_SOURCE_DIR}/cmake-modules/FlyteTasksImages.cmake
  ${PROJECT_SOURCE_DIR}/cmake-modules/FlyteTasksPush.cmake
  ${PROJECT_SOURCE_DIR}/cmake-modules/FlyteTasksContainerTool.cmake
  ${PROJECT_SOURCE_DIR}/cmake-modules/FlyteTasksKeys.cmake
  ${PROJECT_SOURCE_DIR}/cmake-modules/FlyteTasksSharedLibraries.cmake
  ${PROJECT_SOURCE_DIR}/cmake-modules/FlyteTasksBuilder.cmake
  ${PROJECT_SOURCE_DIR}/cmake-modules/FlyteTasksBuilderCheck.cmake
  ${PROJECT_SOURCE_DIR}/cmake-modules/FlyteTasksBuilderConfig.cmake
  ${PROJECT_SOURCE_DIR}/cmake-modules/FlyteTasksBuilderContext.cmake
  DESTINATION ${FLYTE_TASKS_PACKAGE_DIR})
