//===- DockerfileEmitter.cpp - images/<key>/Dockerfile(.fragment) ---------===//
//
// The Dockerfile of one image: FROM its base image (`build.base_images`),
// OCI labels naming the executable and its tasks, and the COPY of the
// executable into the install directory. The build context is the folder
// images/<key>/ itself, where the build stages the executable
// `<project>_<key>` next to this Dockerfile.
//
// There is no ENTRYPOINT and no CMD: Flyte runs each task with the full
// command of its ContainerTask (`<install_dir>/<exe> run <task> --inputs ...`)
// as the pod's Kubernetes `command`, which replaces both, the base image's
// own ENTRYPOINT included: a base's entrypoint script (nvidia/cuda's,
// apache/spark's) never runs on a cluster, so the executable must not need
// it, and task-scan runs images the same way (`--entrypoint`).
//
// After the COPY a RUN step (exec form: no shell needed in the base) runs
// the executable's self-check, `<exe> --check-tasks <its tasks>`, inside the
// base: an executable that cannot start there (a base whose C library or C++
// runtime is older than the build machine's: "version `GLIBC_2.34' not
// found"; a base without the dynamic loader: "no such file or directory")
// or that holds other tasks fails the image build, whichever tool builds it
// (docker, podman, buildah, `docker buildx bake`), instead of the pod
// failing when Flyte starts it. The comment above the step says what to do.
//
// A project that links shared libraries of its own (`--shared-library`,
// given by add_flyte_tasks for the link closure's SHARED targets) has them
// staged in lib/ of the build context; one COPY, before the executable's so
// that they are a layer of their own, puts them in `lib/<project>` beside
// the install folder, which the staged executable's RUNPATH
// (`$ORIGIN/../lib/<project>`) names: no wrapper, no LD_LIBRARY_PATH. The
// self-check then proves they load.
//
// The fragment is the COPY steps and the RUN step, for users who write their
// own Dockerfile: they stage the executable at the root of their build
// context and its libraries in lib/.
//
// An image key with a builder image (`build.builder_images`) gets a
// multi-stage Dockerfile instead: a stage `flyte-build` FROM the builder
// compiles the executable from the project's sources with the project's own
// CMake file, and the final stage FROM the base copies it from there. Its
// build context (images/<key>/, staged by add_flyte_tasks) holds project/
// (the project's sources: no build tree, no .git), flyte/ (the runtime
// headers and the add_flyte_tasks of the builder, which reads what the scan
// found instead of scanning: the builder needs a C++17 compiler and CMake,
// not task-scan or LLVM) and entrypoint.cpp. The build step checks the
// builder first and says, naming the image key, what is missing (cmake, a
// C++ compiler) and which step failed (configure, compile), with the remedy.
//
// Every value goes through dockerfileWord/dockerfileQuotedWord, and the
// arguments of COPY use the JSON form, so that no name or reference can
// expand a variable or start another instruction. No `# syntax=` line (it
// makes BuildKit pull a frontend) and no heredocs (buildah 1.28 lacks them).
//
//===----------------------------------------------------------------------===//
#include "taskscan/Emitters.h"
#include "taskscan/Escaping.h"

#include "llvm/ADT/StringExtras.h"

#include <fmt/format.h>

namespace taskscan {

namespace {

std::string installedPath(const ProjectModel &Model, const ModelImage &Image) {
  return Model.InstallDir == "/" ? "/" + Image.Executable
                                 : Model.InstallDir + "/" + Image.Executable;
}

/// The self-check step. RUN is not among the instructions whose arguments
/// Docker (and buildah's imagebuilder) put through variable substitution,
/// and its exec form reaches no shell: each word is a plain JSON string,
/// passed to the executable as it is.
std::string selfCheckStep(const ProjectModel &Model, const ModelImage &Image) {
  std::string Out = "RUN [" + jsonStringLiteral(installedPath(Model, Image)) +
                    ", \"--check-tasks\"";
  for (const std::string &Task : Image.TaskNames)
    Out += ", " + jsonStringLiteral(Task);
  return Out + "]\n";
}

/// The COPY of the project's shared libraries, or nothing. The JSON form
/// needs the destination to end with '/' when several sources are copied.
std::string sharedLibrariesStep(const ProjectModel &Model) {
  if (Model.SharedLibraries.empty())
    return "";
  std::vector<std::string> Words;
  for (const std::string &Library : Model.SharedLibraries)
    Words.push_back("lib/" + Library);
  Words.push_back(imageLibraryDir(Model) + "/");
  return fmt::format("COPY {}\n", dockerfileJsonForm(Words));
}

/// Where the builder stage works (the paths are fixed: the build context's
/// layout is, and FlyteTasksBuilder.cmake reads them).
constexpr const char *BuildStage = "flyte-build";
constexpr const char *BuildRoot = "/flyte-build";

/// The builder stage: FROM the builder, the context copied in, and one RUN
/// that checks the builder and builds the executable with CMake, each
/// failure a `task-scan: image '<key>': ...` line on stderr.
std::string builderStage(const ModelImage &Image) {
  std::string Builder = shellQuoted(Image.BuilderImage);
  std::string Target = shellQuoted(Image.Executable);
  std::string Root = BuildRoot;
  // Every message: `task-scan: image '<key>' ...`, one line, with its remedy.
  auto Fail = [&](llvm::StringRef Text) {
    // (Keys are [a-z0-9_-]: nothing in them is special inside "...".)
    return fmt::format("{{ echo \"task-scan: image '{}' {}\" >&2; exit 1; }}",
                       Image.Key, Text.str());
  };
  std::string Script = fmt::format(
      "builder={0}; "
      "command -v cmake >/dev/null 2>&1 || {1}; "
      "command -v \"${{CXX:-c++}}\" >/dev/null 2>&1 || command -v g++ >/dev/null 2>&1 || "
      "command -v clang++ >/dev/null 2>&1 || {2}; "
      "cmake -S {3}/project -B {3}/build -DCMAKE_BUILD_TYPE=Release "
      "-DFLYTE_TASKS_BUILDER={3}/flyte -DFlyteTasks_DIR={3}/flyte/cmake || {4}; "
      "cmake --build {3}/build --target {5} || {6}",
      Builder,
      Fail("cannot be built: its builder image $builder has no cmake. Use a builder "
           "image with CMake and a C++17 compiler (install cmake in an image FROM "
           "$builder and name that one in build: builder_images)"),
      Fail("cannot be built: its builder image $builder has no C++ compiler (c++, "
           "g++ or clang++). Use a builder image with a C++17 compiler and CMake "
           "(build: builder_images)"),
      Root,
      Fail("cannot be built: configuring the project with CMake in its builder "
           "image $builder failed (see CMake's messages above)"),
      Target,
      Fail(fmt::format("cannot be built: {} does not compile in its builder image "
                       "$builder (the compiler's messages are above). Make the "
                       "code build with the builder's compiler, or name another "
                       "builder image in build: builder_images",
                       Image.Executable)));
  return fmt::format("FROM {} AS {}\n"
                     "COPY {}\n"
                     "COPY {}\n"
                     "COPY {}\n"
                     "RUN [\"/bin/sh\", \"-c\", {}]\n",
                     dockerfileWord(Image.BuilderImage), BuildStage,
                     dockerfileJsonForm({"project", Root + "/project"}),
                     dockerfileJsonForm({"flyte", Root + "/flyte"}),
                     dockerfileJsonForm({"entrypoint.cpp", Root + "/flyte/entrypoint.cpp"}),
                     jsonStringLiteral(Script));
}

/// The COPY of the executable into the final stage: from the build
/// context, or from the builder stage.
std::string executableStep(const ProjectModel &Model, const ModelImage &Image) {
  if (Image.BuilderImage.empty())
    return fmt::format("COPY {}\n",
                       dockerfileJsonForm({Image.Executable, installedPath(Model, Image)}));
  return fmt::format("COPY --from={} {}\n", BuildStage,
                     dockerfileJsonForm({std::string(BuildRoot) + "/out/" + Image.Executable,
                                         installedPath(Model, Image)}));
}

} // namespace

std::string emitDockerfileFragment(const ProjectModel &Model,
                                   const ModelImage &Image) {
  // With a builder: its stage goes before the user's own FROM, a blank line,
  // then the lines of the user's final stage.
  std::string Stage = Image.BuilderImage.empty() ? "" : builderStage(Image) + "\n";
  return fmt::format("{}{}{}{}", Stage, sharedLibrariesStep(Model),
                     executableStep(Model, Image), selfCheckStep(Model, Image));
}

std::string emitDockerfile(const ProjectModel &Model, const ModelImage &Image) {
  std::string Exe = installedPath(Model, Image);
  std::string Tasks = llvm::join(Image.TaskNames, ",");
  // The first line must not read as a parser directive (`# name=value`).
  std::string Out = fmt::format(
      "# Generated by task-scan: the image '{}' ({}). Do not edit.\n"
      "{}"
      "# No ENTRYPOINT or CMD: each Flyte task runs\n"
      "#   {} run <task> --inputs /var/inputs --outputs /var/outputs\n",
      commentText(Image.Key), commentText(Image.Reference),
      Image.BuilderImage.empty()
          ? fmt::format("# Build context: this folder, holding the executable {}.\n",
                        commentText(Image.Executable))
          : fmt::format(
                "# Build context: this folder, as add_flyte_tasks stages it: project/\n"
                "# (the project's sources), flyte/ (runtime headers, CMake module) and\n"
                "# entrypoint.cpp. {} is compiled in the builder image\n"
                "# {} by the project's own CMake file.\n",
                commentText(Image.Executable), commentText(Image.BuilderImage)),
      commentText(Exe));
  if (!Image.BuildTag.empty() && Image.BuildTag != Image.Reference)
    Out += fmt::format("# Pinned by digest in the configuration (built elsewhere); a local\n"
                       "# build of this file is tagged {}.\n",
                       commentText(Image.BuildTag));
  if (!Image.BuilderImage.empty())
    Out += builderStage(Image);
  Out += fmt::format("FROM {}\n", dockerfileWord(Image.BaseImage));
  const std::pair<const char *, std::string> Labels[] = {
      {"org.opencontainers.image.title", Image.Executable},
      {"org.opencontainers.image.description",
       fmt::format("C++ Flyte tasks of {}, generated by task-scan",
                   Model.ProjectName)},
      {"org.opencontainers.image.base.name", Image.BaseImage},
      {"org.flyte.tasks", Tasks},
      {"org.flyte.executable", Exe},
  };
  Out += "LABEL";
  for (size_t I = 0; I < std::size(Labels); ++I)
    Out += fmt::format("{}{}={}", I ? " \\\n      " : " ", Labels[I].first,
                       dockerfileQuotedWord(Labels[I].second));
  Out += "\n";
  if (!Model.SharedLibraries.empty())
    Out += fmt::format("# The project's shared libraries (staged in lib/), found by the executable\n"
                       "# through its RUNPATH $ORIGIN/../lib/{}.\n{}",
                       commentText(Model.ProjectName), sharedLibrariesStep(Model));
  Out += executableStep(Model, Image);
  Out += "# Self-check: the executable starts on this base and holds this image's tasks.\n"
         "# \"version `GLIBC_2.34' not found\" (or GLIBCXX_...) here: the base's C library\n"
         "# or C++ runtime is older than the build machine's; \"no such file or\n"
         "# directory\": the base has no dynamic loader. Remedy: ";
  if (!Image.BuilderImage.empty())
    Out += fmt::format(
        "name a builder\n"
        "# image whose C library and C++ runtime are no newer than the base's\n"
        "# (task-scan config `build: builder_images: {{{}: <image>}}`), see the README.\n",
        commentText(Image.Key));
  else if (Model.SharedLibraries.empty())
    Out += fmt::format(
        "link this image's\n"
        "# executable static, task-scan config `build: link: {{{}: static}}` (or\n"
        "# static-runtime when only GLIBCXX_ versions are missing), see task-scan's\n"
        "# docs/images.md.\n",
        commentText(Image.Key));
  else // It links shared libraries of the project: never static.
    Out += fmt::format(
        "a base with the\n"
        "# build machine's C library or newer; when only GLIBCXX_ versions are\n"
        "# missing, config `build: link: {{{}: static-runtime}}`. See task-scan's\n"
        "# docs/images.md.\n",
        commentText(Image.Key));
  Out += selfCheckStep(Model, Image);
  return Out;
}

} // namespace taskscan
