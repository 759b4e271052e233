#!/usr/bin/env python3
"""SARIF output validated by the real SARIF validator, on a diagnostic of every check.

    all_checks.py --task-scan EXE --validator SARIF_MULTITOOL --source-dir DIR [--keep DIR]

Runs task-scan --format sarif on projects made here that hold, between them, a
diagnostic of every check task-scan has (the rules its SARIF lists), and for
each log:
  - `sarif-multitool validate` (Microsoft's validator, npm
    @microsoft/sarif-multitool) reports no error, and no warning except the
    missing informationUri when the build set none;
  - every result's ruleId is a rule of the run, with its index; its location
    is the file and line task-scan's text output names; notes are related
    locations; the tool's name and version are task-scan --version's.
Without the validator (npm or its registry missing) the rest is checked
and the exit status is 77 (skipped). Then every rule must have been the ruleId of some result: a new check
without a scenario here fails this test; and the rules must be exactly the
check names the sources under lib/ report (a check missing from the
catalogue, lib/Support/Checks.cpp, fails it too).
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

FAILURES = []


def fail(message):
    FAILURES.append(message)
    print("FAIL: " + message)


def write(path, text):
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


ALL_CPP = r'''#include <flyte/task.hpp>
#include <map>
#include <string>
#include <tuple>
#include <vector>
#include "helpers.hpp"

namespace demo {
FLYTE_TASK(retries = 1 + 1) void annotation() {}
FLYTE_TASK(retries = "two") void argument_type() {}
FLYTE_TASK(retries = -1) void argument_value() {}
namespace images { const char *kMutable = "x:1"; }
FLYTE_TASK(container_image = images::kMutable) void constant() {}
FLYTE_TASK() consteval int consteval_task() { return 1; }
FLYTE_TASK(container_image = "{{.image.gpu}}") long default_argument(long x = 3) { return x; }
FLYTE_TASK(retries = 1, retries = 2) void duplicate_key() {}
FLYTE_TASK(container_image = "{{.image.gpu}}", name = "twice") void first() {}
FLYTE_TASK(container_image = "{{.image.gpu}}", name = "twice") void second() {}
FLYTE_TASK(container_image = "{{.image.gpu}}") static void internal_linkage() {}
FLYTE_TASK(container_image = "{{.image.gpu}}") std::vector<long> list_output() { return {}; }
struct Model {
  FLYTE_TASK(container_image = "{{.image.gpu}}") double member_function() { return 0; }
};
FLYTE_TASK(container_image = "{{.image.gpu}}") int not_a_function = 0;
FLYTE_TASK(container_image = "{{.image.gpu}}") int parameter_type(std::map<int, int> m) { return 0; }
FLYTE_TASK(container_image = "{{.image.gpu}}") std::map<int, int> return_type() { return {}; }
FLYTE_TASK(container_image = "{{.image.gpu}}", name = "9 lives") void task_name() {}
template <class T> FLYTE_TASK(container_image = "{{.image.gpu}}") T template_task(T x) { return x; }
template int template_task<int>(int);
FLYTE_TASK(contaner_image = "{{.image.gpu}}") void unknown_key() {}
FLYTE_TASK(container_image = "{{.image.gpux}}") void unknown_image() {}
FLYTE_TASK(container_image = "{{.image.gpu}}") long unnamed_parameter(long) { return 0; }
FLYTE_TASK(container_image = "{{.image.gpu}}") void variadic(int n, ...) {}
FLYTE_TASK(container_image = "{{.image.plain}}") void image_untagged() {}
FLYTE_TASK(container_image = "{{.image.gpu.tag}}") void image_attribute() {}
FLYTE_TASK(container_image = "{{image.gpu}}") void unresolved_template() {}
FLYTE_TASK(container_image = "Not A Reference") void image_reference() {}
FLYTE_TASK(container_image = "ghcr.io/acme/gpu:{{.image.gpu.version}}x") void version_suffix() {}
FLYTE_TASK() void no_default_image() {}
FLYTE_TASK(container_image = "{{.image.gpu}}") inline void inline_in_source() {}
struct Local {
  FLYTE_TASK(container_image = "{{.image.gpu}}") static void member_in_source() {}
};
FLYTE_TASK(container_image = "{{.image.gpu}}") void undefined_task();
} // namespace demo

FLYTE_TASK(container_image = "{{.image.gpu}}")
auto square = [](int x) { return x * x; };
FLYTE_TASK(container_image = "{{.image.gpu}}", requests_mem = "4 GB") void resource_quantity() {}
'''

HELPERS_HPP = r'''#pragma once
#include <flyte/task.hpp>
namespace helpers {
FLYTE_TASK(container_image = "{{.image.gpu}}") void header_definition() {}
}
'''


def scenario_scan(root):
    """One scan of a compile database: the checks of sources, annotations,
    signatures, images, the database and the files it names."""
    write(f"{root}/flyte.yaml", "images:\n  gpu: ghcr.io/acme/gpu:1.4.2\n  plain: ghcr.io/acme/plain\n")
    write(f"{root}/src/all.cpp", ALL_CPP)
    write(f"{root}/include/helpers.hpp", HELPERS_HPP)
    # A header whose path the entrypoint could not #include (a quote).
    write(f"{root}/include/we\"ird.hpp",
          '#pragma once\n#include <flyte/task.hpp>\n'
          'FLYTE_TASK(container_image = "{{.image.gpu}}") inline void weird() {}\n')
    write(f"{root}/src/weird.cpp", '#include <we"ird.hpp>\n')
    write(f"{root}/src/broken.cpp",
          '#include <flyte/task.hpp>\nFLYTE_TASK(container_image = "{{.image.gpu}}") int broken( {\n')
    write(f"{root}/src/generated.cpp",
          '#include "point.pb.h"\n#include <flyte/task.hpp>\n'
          'FLYTE_TASK(container_image = "{{.image.gpu}}") void uses_generated() {}\n')
    write(f"{root}/src/tasky.cu", "#include <flyte/task.hpp>\nFLYTE_TASK() void in_cuda() {}\n")
    flags = ["c++", "-std=c++20", "-Iinclude", "-c"]
    entries = [{"directory": root, "file": f"src/{n}", "arguments": flags + [f"src/{n}"]}
               for n in ("all.cpp", "weird.cpp", "broken.cpp", "generated.cpp", "gone.cpp")]
    entries.append({"directory": root, "file": "src/tasky.cu",
                    "command": "/usr/local/cuda/bin/nvcc -c src/tasky.cu -o tasky.o"})
    entries.append({"directory": f"{root}/no-such-dir", "file": f"{root}/src/all.cpp",
                    "arguments": flags + [f"{root}/src/all.cpp"]})
    write(f"{root}/build/compile_commands.json", json.dumps(entries))
    return [["--check", "--config", "flyte.yaml", "-p", "build"]]


def scenario_config(root):
    """A configuration with an image named twice (an error with a note)."""
    write(f"{root}/dup.yaml", "images:\n  gpu: ghcr.io/acme/gpu:1\n  gpu: ghcr.io/acme/gpu:2\n")
    write(f"{root}/t.cpp", '#include <flyte/task.hpp>\nFLYTE_TASK(container_image = "{{.image.gpu}}") void t() {}\n')
    return [["--check", "--config", "dup.yaml", "t.cpp", "--", "-std=c++17"]]


def scenario_outputs(root, task_scan, env):
    """The checks of the output folder: a kept cache_version, an image lock
    and an index that are not valid, then generated files out of date."""
    v1 = ('#include <flyte/task.hpp>\n'
          'FLYTE_TASK(cache = true, cache_version = "1") long kept(long x) { return x + 1; }\n')
    write(f"{root}/t.cpp", v1)
    gen = [task_scan, "--output-dir", "out", "--image", "base:1", "--no-cache", "t.cpp", "--", "-std=c++17"]
    subprocess.run(gen, cwd=root, env=env, check=True, capture_output=True)
    write(f"{root}/t.cpp", v1.replace("x + 1", "x + 2"))
    write(f"{root}/out/images.lock.json", "{ not json")
    with open(f"{root}/out/.task-scan-files", "a") as f:
        f.write("../outside\n")
    return [["--output-dir", "out", "--image", "base:1", "t.cpp", "--", "-std=c++17"],
            ["--check", "--output-dir", "out", "--image", "other:2", "t.cpp", "--", "-std=c++17"]]


def text_positions(task_scan, args, cwd, env):
    """(file, line, check) of each diagnostic in task-scan's text output, in
    a copy of the project (a run with --output-dir changes the folder)."""
    copy = cwd + ".text" if "--output-dir" in args else cwd
    if copy != cwd:
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(cwd, copy, symlinks=True)
    out = subprocess.run([task_scan, "--no-cache"] + args, cwd=copy, env=env, capture_output=True,
                         text=True, errors="replace").stderr
    if copy != cwd:
        shutil.rmtree(copy, ignore_errors=True)
    found = []
    for line in out.splitlines():
        if ": error: " not in line and ": warning: " not in line or not line.endswith("]"):
            continue
        check = line[line.rindex("[") + 1:-1]
        where = line.split(": ", 1)[0].split(":")
        # A whole file (no line) is line 1 in SARIF.
        found.append((where[0], int(where[1]) if len(where) > 1 else 1, check))
    return found


def validate(validator, log, work):
    if not os.path.exists(validator):
        return
    report = os.path.join(work, os.path.basename(log) + ".validation.sarif")
    # .NET without ICU: the validator needs no culture data.
    env = dict(os.environ, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT="1")
    run = subprocess.run([validator, "validate", log, "--output", report, "--log", "ForceOverwrite"],
                         capture_output=True, text=True, env=env)
    if run.returncode != 0 or not os.path.exists(report):
        fail(f"{log}: the validator did not run ({run.returncode}): {run.stdout[-2000:]} {run.stderr[-2000:]}")
        return
    with open(report) as f:
        results = [r for run_ in json.load(f)["runs"] for r in run_.get("results", [])]
    for r in results:
        level = r.get("level", "warning")
        text = r.get("message", {}).get("text", "") or json.dumps(r.get("message"))
        if level == "error" or (level == "warning" and not
                                (r.get("ruleId") == "SARIF2005" and "nformationUri" in json.dumps(r))):
            fail(f"{os.path.basename(log)}: validator {level} {r.get('ruleId')}: {text[:300]}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--task-scan", required=True)
    ap.add_argument("--validator", required=True)
    ap.add_argument("--source-dir", required=True)
    ap.add_argument("--keep")
    a = ap.parse_args()
    task_scan = os.path.abspath(a.task_scan)
    work = a.keep or tempfile.mkdtemp(prefix="task-scan-sarif.")
    os.makedirs(work, exist_ok=True)
    env = dict(os.environ, NO_COLOR="1")
    env.pop("FLYTE_INTERNAL_IMAGE", None)
    version = subprocess.run([task_scan, "--version"], capture_output=True, text=True).stdout.split()[1]

    runs = []
    for name, make in (("scan", lambda r: scenario_scan(r)), ("config", lambda r: scenario_config(r)),
                       ("outputs", lambda r: scenario_outputs(r, task_scan, env))):
        root = os.path.realpath(os.path.join(work, name))
        shutil.rmtree(root, ignore_errors=True)
        os.makedirs(root)
        for i, args in enumerate(make(root)):
            runs.append((f"{name}{i}", root, args))

    seen = set()
    rules = None
    for label, root, args in runs:
        log = os.path.join(work, label + ".sarif")
        expected = text_positions(task_scan, args, root, env)
        subprocess.run([task_scan, "--no-cache", "--format", "sarif", "--output-file", log] + args,
                       cwd=root, env=env, capture_output=True)
        with open(log) as f:
            doc = json.load(f)
        validate(a.validator, log, work)
        if doc.get("version") != "2.1.0":
            fail(f"{label}: version {doc.get('version')}")
        run = doc["runs"][0]
        driver = run["tool"]["driver"]
        if driver.get("name") != "task-scan" or driver.get("version") != version:
            fail(f"{label}: tool {driver.get('name')} {driver.get('version')}, not task-scan {version}")
        ids = [r["id"] for r in driver["rules"]]
        rules = rules or ids
        for r in driver["rules"]:
            if not r.get("shortDescription", {}).get("text") or not r.get("help", {}).get("text"):
                fail(f"{label}: rule {r['id']} lacks a short description or help text")
        got = set()
        for res in run.get("results", []):
            rid = res.get("ruleId")
            if rid not in ids or ids[res.get("ruleIndex", -1)] != rid:
                fail(f"{label}: result of {rid} does not point at its rule")
            loc = res["locations"][0]["physicalLocation"]
            uri = loc["artifactLocation"]["uri"]
            line = loc.get("region", {}).get("startLine", 0)
            got.add((uri, line, rid))
            seen.add(rid)
        # The same diagnostics as the text output, at the same places
        # (URIs of plain relative paths are the paths themselves).
        plain = {(f, l, c) for f, l, c in expected if all(ch.isalnum() or ch in "-._/" for ch in f)}
        missing = {p for p in plain if p not in got}
        if missing:
            fail(f"{label}: SARIF lacks diagnostics of the text output: {sorted(missing)[:5]}")
        if len(run.get("results", [])) != len(expected):
            fail(f"{label}: {len(run.get('results', []))} results, the text output has {len(expected)}")
        noted = [r for r in run.get("results", []) if r.get("relatedLocations")]
        print(f"{label}: {len(run.get('results', []))} results ({len(noted)} with related locations), "
              f"checks: {', '.join(sorted({r['ruleId'] for r in run.get('results', [])}))}")
    if not any(r.get("relatedLocations") for label, _, _ in runs
               for r in json.load(open(os.path.join(work, label + ".sarif")))["runs"][0]["results"]):
        fail("no result has related locations (notes)")
    # The check names the sources report (string literals under lib/, the
    # catalogue itself aside; "task-scan-git" names temporary files).
    in_sources = set()
    for folder, _, files in os.walk(os.path.join(a.source_dir, "lib")):
        for name in files:
            path = os.path.join(folder, name)
            if name.endswith((".cpp", ".h")) and not path.endswith(os.path.join("Support", "Checks.cpp")):
                with open(path, errors="replace") as f:
                    in_sources |= set(re.findall(r'"((?:task-scan|clang-diagnostic)-[a-z0-9-]*[a-z0-9])"', f.read()))
    in_sources -= {"task-scan-git"}
    # The catalogue: the rules of a run without diagnostics (a run with one
    # of a check the catalogue lacks gets a rule made up for it).
    clean = os.path.join(work, "clean")
    os.makedirs(clean, exist_ok=True)
    write(f"{clean}/ok.cpp", "#include <flyte/task.hpp>\nFLYTE_TASK() void ok() {}\n")
    out = subprocess.run([task_scan, "--no-cache", "--check", "--format", "sarif", "--image", "base:1",
                          "ok.cpp", "--", "-std=c++17"], cwd=clean, env=env, capture_output=True, text=True)
    catalogue = {r["id"] for r in json.loads(out.stdout)["runs"][0]["tool"]["driver"]["rules"]}
    if in_sources != catalogue or set(rules or []) != catalogue:
        fail(f"the catalogue and the sources' checks differ: only in the sources "
             f"{sorted(in_sources - catalogue)}, only in the catalogue {sorted(catalogue - in_sources)}")
    never = [r for r in rules or [] if r not in seen]
    if never:
        fail(f"{len(never)} of {len(rules)} checks had no diagnostic in any scenario: {', '.join(never)}")
    else:
        print(f"every one of the {len(rules)} checks was reported"
              + (" and validated" if os.path.exists(a.validator) else ""))
    if not a.keep:
        shutil.rmtree(work, ignore_errors=True)
    if FAILURES:
        print(f"{len(FAILURES)} failure(s)")
        return 1
    if not os.path.exists(a.validator):
        # ctest's "skipped": the layout was checked, the validator did not run.
        print(f"SKIPPED: no SARIF validator at {a.validator} (scripts/install-sarif-validator.sh "
              f"could not install it); every check but the validator's passed")
        return 77
    print("all SARIF checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
