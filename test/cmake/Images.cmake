# <name>_images: builds each image from its generated Dockerfile with podman
# (the default) and with buildah, offline, on a local busybox base image, and
# checks that each image holds its executable, which runs and lists just its
# tasks. Without any container tool the target must say what to install.
#
# -DPREFIX -DWORK_DIR -DTEST_SOURCE_DIR
cmake_minimum_required(VERSION 3.21)
include("${TEST_SOURCE_DIR}/FlyteTest.cmake")

find_program(PODMAN podman)
find_program(BUILDAH buildah)
if(NOT PODMAN)
  message(STATUS "FLYTE-TEST-SKIPPED: podman is not installed")
  return()
endif()

flyte_test_begin()
# Storage of this run's own (vfs): works where overlay cannot (inside a
# container) and is removed with the run's folder.
file(WRITE "${WORK_DIR}/storage.conf" "[storage]\ndriver = \"vfs\"\nrunroot = \"${WORK_DIR}/storage/run\"\ngraphroot = \"${WORK_DIR}/storage/graph\"\n")
set(ENV{CONTAINERS_STORAGE_CONF} "${WORK_DIR}/storage.conf")
set(src "${WORK_DIR}/src")
set(bin "${WORK_DIR}/build")
flyte_test_fresh_copy("${TEST_SOURCE_DIR}/project" "${src}")
# Tags of this run's own, so that concurrent runs share no image.
set(tag "${FLYTE_TEST_RUN}")
flyte_test_replace("${src}/flyte.yaml" ":1.0" ":${tag}")
set(base localhost/flyte-cmake-test-base:${tag})
set(references localhost/flyte-cmake-test/default:${tag} localhost/flyte-cmake-test/gpu:${tag}
               localhost/flyte-cmake-test/spark:${tag})

# A base image from nothing but busybox (or nothing at all): no registry.
file(MAKE_DIRECTORY "${WORK_DIR}/rootfs/bin" "${WORK_DIR}/rootfs/usr/local/bin" "${WORK_DIR}/rootfs/tmp")
if(EXISTS /bin/busybox)
  file(COPY /bin/busybox DESTINATION "${WORK_DIR}/rootfs/bin")
endif()
flyte_test_run("tar the base image" WORKING_DIRECTORY "${WORK_DIR}/rootfs"
  COMMAND "${CMAKE_COMMAND}" -E tar cf "${WORK_DIR}/rootfs.tar" --format=gnutar .)
execute_process(COMMAND "${PODMAN}" rmi -f ${references} "${base}" OUTPUT_QUIET ERROR_QUIET)
flyte_test_run("podman import ${base}" COMMAND "${PODMAN}" import "${WORK_DIR}/rootfs.tar" "${base}")

flyte_test_run("configure (STATIC)" COMMAND "${CMAKE_COMMAND}" -S "${src}" -B "${bin}" -G Ninja
  "-DCMAKE_PREFIX_PATH=${PREFIX}" -DFLYTE_TEST_STATIC=ON)
flyte_test_run("build" COMMAND "${CMAKE_COMMAND}" --build "${bin}")

# Each image holds its executable where the Dockerfile puts it; run from
# the image's own file system (mounted), it lists the image's tasks.
function(check_images tool)
  foreach(pair "default;demo.add demo.scale" "gpu;demo.train" "spark;demo.count_words")
    list(GET pair 0 key)
    list(GET pair 1 tasks)
    set(reference "localhost/flyte-cmake-test/${key}:${tag}")
    flyte_test_run("${tool}: image ${reference} exists" COMMAND "${PODMAN}" image exists "${reference}")
    if(NOT EXISTS "${bin}/demo_flyte/images/${key}/demo_${key}")
      message(FATAL_ERROR "demo_${key} was not staged into its build context ${bin}/demo_flyte/images/${key}")
    endif()
    flyte_test_run("mount ${reference}" OUTPUT root COMMAND "${PODMAN}" image mount "${reference}")
    string(STRIP "${root}" root)
    flyte_test_task_list(listed "${root}/usr/local/bin/demo_${key}")
    execute_process(COMMAND "${PODMAN}" image unmount "${reference}" OUTPUT_QUIET ERROR_QUIET)
    string(REPLACE " " ";" tasks "${tasks}")
    flyte_test_expect_equal("${tool}: /usr/local/bin/demo_${key} --list in ${reference}" "${listed}" "${tasks}")
  endforeach()
endfunction()

flyte_test_run("build demo_images (podman)" OUTPUT log
  COMMAND "${CMAKE_COMMAND}" --build "${bin}" --target demo_images)
flyte_test_expect("demo_images" "${log}" MATCHES "building image 'gpu' as localhost/flyte-cmake-test/gpu:${tag} with podman")
check_images(podman)

if(BUILDAH)
  execute_process(COMMAND "${PODMAN}" rmi -f ${references} OUTPUT_QUIET ERROR_QUIET)
  flyte_test_run("build demo_images (buildah)" OUTPUT log ENV FLYTE_CONTAINER_TOOL=buildah
    COMMAND "${CMAKE_COMMAND}" --build "${bin}" --target demo_images)
  flyte_test_expect("demo_images" "${log}" MATCHES "building image 'spark' as localhost/flyte-cmake-test/spark:${tag} with buildah")
  check_images(buildah)
endif()

# No container tool on PATH: the target fails and says what to install.
flyte_test_run("build demo_images without a container tool" EXPECT_FAILURE OUTPUT log
  ENV PATH=/nonexistent COMMAND "${CMAKE_COMMAND}" --build "${bin}" --target demo_images)
string(REGEX REPLACE "\n  " " " log "${log}")
flyte_test_expect("demo_images without a tool" "${log}" MATCHES
  "no container tool was found to build the images: install podman, buildah or docker")

execute_process(COMMAND "${PODMAN}" rmi -f ${references} "${base}" OUTPUT_QUIET ERROR_QUIET)
flyte_test_end()
