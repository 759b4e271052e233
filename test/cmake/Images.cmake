# <name>_images: builds each image from its generated Dockerfile with podman
# (the default) and with buildah, offline, on a local busybox base image:
#
#  - linked dynamically (the default), the first image fails to build: its
#    Dockerfile's self-check cannot start the executable on busybox (no
#    dynamic loader), and demo_images says so and names the remedy;
#  - with STATIC, every executable has no dynamic section (readelf -d), each
#    image builds, and its executable is run INSIDE the image (podman run):
#    it lists exactly its tasks;
#  - the 'spark' image is pinned by digest in the configuration: it is
#    built under its tag (the digest never reaches `-t`), and pushing skips it;
#  - LINK_MODES spark=dynamic overrides STATIC for that image alone.
# A base image that is not present is pulled by default and never with
# FLYTE_CONTAINER_PULL=never (each failure says which); without any container
# tool the target must say what to install.
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
# podman on this kind of VM: runc (crun fails) and explicit ulimits; buildah
# without a runtime of its own: chroot isolation.
file(WRITE "${WORK_DIR}/containers.conf" "[containers]\ndefault_ulimits = [\"nofile=1024:1024\", \"nproc=1024:1024\"]\n[engine]\nruntime = \"runc\"\n")
set(ENV{CONTAINERS_CONF} "${WORK_DIR}/containers.conf")
set(ENV{BUILDAH_ISOLATION} chroot)
set(src "${WORK_DIR}/src")
set(bin "${WORK_DIR}/build")
flyte_test_fresh_copy("${TEST_SOURCE_DIR}/project" "${src}")
# Tags of this run's own, so that concurrent runs share no image.
set(tag "${FLYTE_TEST_RUN}")
flyte_test_replace("${src}/flyte.yaml" ":1.0" ":${tag}")
# 'spark' pinned by digest: an image built elsewhere; built here as its tag.
set(digest "sha256:5f0c2e4a9b7d1c3e8f6a0b2d4c6e8a1b3d5f7e9c0a2b4d6f8e1c3a5b7d9f0e2c")
flyte_test_replace("${src}/flyte.yaml" "spark:${tag}" "spark:${tag}@${digest}")
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

find_program(READELF NAMES readelf llvm-readelf REQUIRED)
# Whether the executable of image <key> is static: no dynamic section.
function(expect_static key expected)
  flyte_test_run("readelf -d demo_${key}" OUTPUT dynamic COMMAND "${READELF}" -d "${bin}/demo_${key}")
  if(dynamic MATCHES "There is no dynamic section")
    set(static TRUE)
  else()
    set(static FALSE)
  endif()
  if(NOT static STREQUAL expected)
    message(FATAL_ERROR "demo_${key}: static is ${static}, expected ${expected}:\n${dynamic}")
  endif()
endfunction()

# 1. The default link (dynamic) on a base without a dynamic loader: the
#    image build fails in its self-check step, and says what to do.
flyte_test_run("configure (dynamic)" COMMAND "${CMAKE_COMMAND}" -S "${src}" -B "${bin}" -G Ninja
  "-DCMAKE_PREFIX_PATH=${PREFIX}")
flyte_test_run("build (dynamic)" COMMAND "${CMAKE_COMMAND}" --build "${bin}")
expect_static(default FALSE)
flyte_test_run("demo_images on busybox, dynamic" EXPECT_FAILURE OUTPUT log
  COMMAND "${CMAKE_COMMAND}" --build "${bin}" --target demo_images)
string(REGEX REPLACE "[\n ]+" " " log "${log}")
flyte_test_expect("demo_images (dynamic)" "${log}" MATCHES
  "image 'default' does not build: its executable demo_default does not start in the base image")
flyte_test_expect("demo_images (dynamic)" "${log}" MATCHES "no dynamic loader")
flyte_test_expect("demo_images (dynamic)" "${log}" MATCHES "Link it static: build: link: default: static")
flyte_test_run("no image tagged" EXPECT_FAILURE
  COMMAND "${PODMAN}" image exists "localhost/flyte-cmake-test/default:${tag}")

# 2. STATIC (and LINK_MODES overriding it for one image): a relink, no
#    dynamic section.
flyte_test_run("configure (STATIC, LINK_MODES spark=dynamic)" COMMAND "${CMAKE_COMMAND}" "${bin}"
  -DFLYTE_TEST_STATIC=ON "-DFLYTE_TEST_LINK_MODES=spark=dynamic")
flyte_test_run("build" COMMAND "${CMAKE_COMMAND}" --build "${bin}")
expect_static(default TRUE)
expect_static(gpu TRUE)
expect_static(spark FALSE)
flyte_test_run("configure (STATIC)" COMMAND "${CMAKE_COMMAND}" "${bin}" -DFLYTE_TEST_LINK_MODES=)
flyte_test_run("build" COMMAND "${CMAKE_COMMAND}" --build "${bin}")
expect_static(spark TRUE)

# The digest never becomes a build tag.
file(READ "${bin}/demo_flyte/docker-bake.json" bake)
flyte_test_expect("docker-bake.json" "${bake}" NOT_MATCHES "@sha256")
flyte_test_expect("docker-bake.json" "${bake}" MATCHES "\"localhost/flyte-cmake-test/spark:${tag}\"")
file(READ "${bin}/demo_flyte/flyte_tasks.py" tasks_py)
flyte_test_expect("flyte_tasks.py" "${tasks_py}" MATCHES "localhost/flyte-cmake-test/spark:${tag}@${digest}")

# Each image holds its executable where the Dockerfile puts it; run INSIDE
# the image, it lists exactly the image's tasks.
function(check_images tool)
  foreach(pair "default;demo.add demo.scale" "gpu;demo.train" "spark;demo.count_words")
    list(GET pair 0 key)
    list(GET pair 1 tasks)
    set(reference "localhost/flyte-cmake-test/${key}:${tag}")
    flyte_test_run("${tool}: image ${reference} exists" COMMAND "${PODMAN}" image exists "${reference}")
    if(NOT EXISTS "${bin}/demo_flyte/images/${key}/demo_${key}")
      message(FATAL_ERROR "demo_${key} was not staged into its build context ${bin}/demo_flyte/images/${key}")
    endif()
    flyte_test_run("run demo_${key} --list in ${reference}" OUTPUT listed
      COMMAND "${PODMAN}" run --rm --pull=never --network=none "${reference}" /usr/local/bin/demo_${key} --list)
    string(STRIP "${listed}" listed)
    string(REGEX REPLACE "[\r\n]+" ";" listed "${listed}")
    string(REPLACE " " ";" tasks "${tasks}")
    flyte_test_expect_equal("${tool}: /usr/local/bin/demo_${key} --list in ${reference}" "${listed}" "${tasks}")
  endforeach()
endfunction()

flyte_test_run("build demo_images (podman)" OUTPUT log
  COMMAND "${CMAKE_COMMAND}" --build "${bin}" --target demo_images)
flyte_test_expect("demo_images" "${log}" MATCHES "building image 'gpu' as localhost/flyte-cmake-test/gpu:${tag} with podman")
flyte_test_expect("demo_images" "${log}" MATCHES "image 'spark' is pinned by digest in the configuration")
flyte_test_expect("demo_images" "${log}" MATCHES "building image 'spark' as localhost/flyte-cmake-test/spark:${tag} with podman")
flyte_test_expect("demo_images" "${log}" MATCHES "image 'default' runs: /usr/local/bin/demo_default --list gives its 2 task")
check_images(podman)

if(BUILDAH)
  execute_process(COMMAND "${PODMAN}" rmi -f ${references} OUTPUT_QUIET ERROR_QUIET)
  flyte_test_run("build demo_images (buildah)" OUTPUT log ENV FLYTE_CONTAINER_TOOL=buildah
    COMMAND "${CMAKE_COMMAND}" --build "${bin}" --target demo_images)
  flyte_test_expect("demo_images" "${log}" MATCHES "building image 'spark' as localhost/flyte-cmake-test/spark:${tag} with buildah")
  check_images(buildah)
endif()

# A base image that is not present: pulled by default (FLYTE_CONTAINER_PULL
# missing; here the pull from the registry 'localhost' is refused), never
# pulled when the build is told to stay offline; each failure says which.
execute_process(COMMAND "${PODMAN}" rmi -f ${references} "${base}" OUTPUT_QUIET ERROR_QUIET)
flyte_test_run("demo_images, base absent, FLYTE_CONTAINER_PULL=never" EXPECT_FAILURE OUTPUT log
  ENV FLYTE_CONTAINER_PULL=never COMMAND "${CMAKE_COMMAND}" --build "${bin}" --target demo_images)
string(REGEX REPLACE "\n  " " " log "${log}")
flyte_test_expect("base absent, never" "${log}" MATCHES
  "its base image ${base} is not present, FLYTE_CONTAINER_PULL is 'never', so it is not pulled")
flyte_test_run("demo_images, base absent, pull missing (the default)" EXPECT_FAILURE OUTPUT log
  COMMAND "${CMAKE_COMMAND}" --build "${bin}" --target demo_images)
string(REGEX REPLACE "\n  " " " log "${log}")
flyte_test_expect("base absent, missing" "${log}" MATCHES "pinging container registry localhost")
flyte_test_expect("base absent, missing" "${log}" MATCHES
  "its base image ${base} is not present, and it could not be pulled")
flyte_test_run("demo_images, FLYTE_CONTAINER_PULL=sometimes" EXPECT_FAILURE OUTPUT log
  ENV FLYTE_CONTAINER_PULL=sometimes COMMAND "${CMAKE_COMMAND}" --build "${bin}" --target demo_images)
flyte_test_expect("FLYTE_CONTAINER_PULL=sometimes" "${log}" MATCHES "FLYTE_CONTAINER_PULL is 'sometimes'")

# No container tool on PATH: the target fails and says what to install.
flyte_test_run("build demo_images without a container tool" EXPECT_FAILURE OUTPUT log
  ENV PATH=/nonexistent COMMAND "${CMAKE_COMMAND}" --build "${bin}" --target demo_images)
string(REGEX REPLACE "\n  " " " log "${log}")
flyte_test_expect("demo_images without a tool" "${log}" MATCHES
  "no container tool was found to build the images: install podman, buildah or docker")

execute_process(COMMAND "${PODMAN}" rmi -f ${references} "${base}" OUTPUT_QUIET ERROR_QUIET)
flyte_test_end()
