// flyte/runtime.hpp - the runtime of the task executables that task-scan generates.
//
// A generated entrypoint defines one `run_N(TaskIO&)` function per task, which reads the
// task's inputs, calls the C++ function and stores its outputs, and hands a table of `Task`s to
// `flyte::runtime::main`:
//
//   void run_0(flyte::runtime::TaskIO& io) {
//     auto a0 = io.input<long>("epochs");
//     auto a1 = io.input<std::vector<double>>("xs");
//     io.output("o0", ::ml::train(a0, a1));
//   }
//   const flyte::runtime::Task kTasks[] = {{"ml.train", {"epochs", "xs"}, {"o0"}, &run_0}};
//   int main(int argc, char** argv) { return flyte::runtime::main(argc, argv, kTasks); }
//
// Everything else lives here: the command line, Flyte CoPilot's raw-container data format
// (each input a text file `<inputs>/<name>`, a list a folder `<name>/0`, `<name>/1`, ...; each
// output written the same way; a failure reported in `<outputs>/_ERROR`), and a local mode that
// takes inputs as `--arg name=value` and prints the outputs.
//
// How a failure reaches Flyte (flyteorg/flyte, flytecopilot/data/upload.go RecursiveUpload and
// flyteplugins/go/tasks/pluginmachinery/flytek8s/pod_helper.go DemystifyFailure): for a task
// with outputs, CoPilot's uploader waits for the task container to exit and turns `_ERROR` into
// an error document, so the executable writes `_ERROR` and exits 0 (a non-zero exit fails the
// pod, a system error from Flyte 1.15.1 on). On the v1 releases up to 1.16.8 the document is
// written where propeller does not read it (errors.pb against error.pb): Flyte reports
// "OutputsNotFound" and the reason is only in the pod's log. A task without outputs has no
// uploader and no outputs folder: its exit status is all Flyte sees, so it exits 1, and Flyte
// shows the log's tail (FallbackToLogsOnError). So in every failure the reason is the last line
// on stderr, the line a reader of the log (or of that tail) finds first; test/copilot/copilot.py
// has the rules per release.
//
// Only the C++17 standard library is used, so task images stay small.
//
// The parts, each including the one before it: runtime/core.hpp (the Task descriptor, limits,
// errors), types.hpp (the supported types), text.hpp (parsing CoPilot's text), format.hpp
// (Go-compatible output text), files.hpp (files, atomic writes), values.hpp (inputs and outputs
// as values), task_io.hpp (TaskIO), command_line.hpp and runner.hpp (running a task, main()).
#ifndef FLYTE_RUNTIME_HPP
#define FLYTE_RUNTIME_HPP

#include "flyte/runtime/runner.hpp"

#undef FLYTE_RUNTIME_SUPPORTED_TYPES

#endif  // FLYTE_RUNTIME_HPP
