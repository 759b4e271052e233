# cpack -G DEB: a Debian package of the installed files (the task-scan tool,
# the runtime headers and the FlyteTasks CMake package), installed under
# /usr:
#
#   cmake --preset default && ninja -C build && (cd build && cpack -G DEB)
#   apt-get install ./build/task-scan_<version>_amd64.deb
#
# Dependencies: the shared libraries the tool links (dpkg-shlibdeps reads
# them from the binary: the C and C++ runtimes, zlib, zstd; LLVM and Clang
# are linked in statically), clang's builtin headers (stddef.h, ...), whose
# path the tool has built in, and a C++ standard library's headers, without
# which no task signature (std::string, std::vector) can be parsed.
# (lintian refuses a made-up mail host such as .local: set your own.)
set(TASK_SCAN_PACKAGE_MAINTAINER "task-scan developers <task-scan@example.org>"
    CACHE STRING "The Maintainer field of the Debian package")

# Debian's documentation files: the copyright and a changelog (compressed
# as Debian's policy wants), for lintian.
set(_doc_dir "${CMAKE_INSTALL_DATAROOTDIR}/doc/task-scan")
string(TIMESTAMP TASK_SCAN_PACKAGE_DATE "%a, %d %b %Y %H:%M:%S +0000" UTC)
configure_file("${PROJECT_SOURCE_DIR}/packaging/debian/changelog.in"
               "${PROJECT_BINARY_DIR}/packaging/changelog" @ONLY)
find_program(TASK_SCAN_GZIP gzip)
if(TASK_SCAN_GZIP)
  add_custom_command(
    OUTPUT "${PROJECT_BINARY_DIR}/packaging/changelog.gz"
    COMMAND "${TASK_SCAN_GZIP}" -9 -n -c "${PROJECT_BINARY_DIR}/packaging/changelog"
            > "${PROJECT_BINARY_DIR}/packaging/changelog.gz"
    DEPENDS "${PROJECT_BINARY_DIR}/packaging/changelog"
    COMMENT "Compressing the Debian changelog")
  add_custom_target(task-scan-package-docs ALL
                    DEPENDS "${PROJECT_BINARY_DIR}/packaging/changelog.gz")
  # `cmake --build --target task-scan` then `cmake --install` (what
  # scripts/run-example.sh does) must find what the install rule names.
  add_dependencies(task-scan task-scan-package-docs)
  install(FILES "${PROJECT_BINARY_DIR}/packaging/changelog.gz" DESTINATION "${_doc_dir}")
endif()
install(FILES "${PROJECT_SOURCE_DIR}/packaging/debian/copyright" DESTINATION "${_doc_dir}")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME task-scan)
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_CONTACT "${TASK_SCAN_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "C++ tasks for Flyte, each in its own container image")
# The synopsis is CPACK_PACKAGE_DESCRIPTION_SUMMARY; this is the rest.
string(CONCAT CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "task-scan finds the C++ functions annotated FLYTE_TASK, resolves their\n"
    "container images as flytekit does, and generates one executable,\n"
    "Dockerfile and Flyte task definition per image. The package holds the\n"
    "task-scan tool, the runtime headers (flyte/task.hpp, flyte/runtime.hpp)\n"
    "and the CMake package FlyteTasks (add_flyte_tasks).")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT) # task-scan_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libclang-common-19-dev, libstdc++-12-dev | libstdc++-dev")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "git")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "cmake, pre-commit, podman | docker.io")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_STRIP_FILES ON)
# Only what `cmake --install` installs; the tests are not installed.
include(CPack)
