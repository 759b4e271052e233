#!/usr/bin/env python3
"""Differential tester: a warm task-scan run must give exactly what a cold one gives.

It builds a small random project (task files, plain files, project headers
with wrapper macros and image constants, several include directories, a
symlinked vendor directory, a flyte.yaml, flags or a compile database), then
applies random steps to it. After each step it runs

    task-scan --cache-dir cache ARGS --output-dir out-warm --depfile warm.d
    task-scan --no-cache --no-shared-prefixes ARGS --output-dir out-cold --depfile cold.d

and compares stdout, stderr, exit status, the depfile and every generated
file byte for byte. A divergence is shrunk (delta debugging) to a minimal
sequence of steps and written as a lit test (test/lit/cache/<name>.test by
default) holding the inputs and the exact commands.

    run.py --steps N --seed S [--task-scan PATH] [--time-limit SECONDS] [--jobs J]

The project includes a lookup lab: include directories whose meaning a
symbolic link decides (`-Iln/../inc_l` with ln re-pointed between trees that
hold different headers, a link to a link, relative and absolute targets, a
directory replaced by a link and back), a -I directory that appears and goes
away, an -isystem directory, and `#include "../team.hpp"`; headers are
created and removed behind each name. At the end the run prints how often a
step changed the answer of each kind of lookup (plain, through a link, ".."
after a link, ".." out of a directory, system; found or missing before): a
kind at zero is a shape the run never tested.

--jobs J runs J streams of projects side by side (stream K takes projects K,
K + J, ...) and counts their steps together: on a machine with J cores a long
run (--steps 100000) takes about 1/J of the time.

Exit status: 0 all steps clean, 1 a divergence (shrunk and written), 2 usage.
Only the Python 3 standard library is needed.
"""
import argparse
import fnmatch
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_ROOT = os.path.dirname(os.path.dirname(HERE))

# ---------------------------------------------------------------------------
# The random project. Every generated file ends with a revision comment, so a
# same-size edit always has something to change.

TASK_FILES = ["src/t%d.cpp" % i for i in range(6)]
PLAIN_FILES = ["src/p%d.cpp" % i for i in range(3)]
EXTRA_SOURCES = ["src/t6.cpp", "src/t7.cpp", "src/p3.cpp"]  # rename targets
INCLUDE_DIRS = ["inc/a", "inc/b", "inc/c", "vendor"]
# Known divergence (path identity, being fixed): "dl" is a symlink to a
# directory, so "dl/../pinc" is deep/pinc for the kernel but ./pinc lexically.
DOTDOT_DIR = "dl/../pinc"
HEADERS = ["macros.hpp", "images.hpp", "common.hpp"]

# The lookup lab: include directories whose meaning a link decides, and
# headers created and removed behind them (issue 20's shape and its kin).
#   ln   -> real/x/y | real/w/z (relative or absolute); "ln/../inc_l" is
#           real/x/inc_l or real/w/inc_l, each holding its own header set
#   ln2  -> ln | real/w/z        a link to a link
#   lk      a directory, or a link to lk_a | lk_b (different header sets)
#   new/dir does not exist at first; appears and goes away
#   sys     an -isystem directory (misses there are not recorded: only
#           its found files decide, see ResultCache.h)
LAB_DIRS = ["ln/../inc_l", "ln2/../inc_l", "lk", "new/dir"]
SYSTEM_DIR = "sys"
LAB_HEADERS = ["team.hpp", "opt.hpp"]
LAB_REAL_DIRS = ["real/x/inc_l", "real/w/inc_l", "lk_a", "lk_b", "lk", "new/dir", SYSTEM_DIR,
                 ".", "inc", "real/x", "real/w"]  # the last four: "../team.hpp"
LINK_TARGETS = {"ln": ["real/x/y", "real/w/z", "@ROOT@/real/x/y", "@ROOT@/real/w/z"],
                "ln2": ["ln", "real/w/z", "@ROOT@/ln"],
                "lk": ["lk_a", "lk_b", "@ROOT@/lk_b"]}

IMAGE_EXPRS = ['"{{.image.gpu}}"', '"{{.image.cpu}}"', "kGpu", "kCpu",
               '"reg.io/x/y:3"', '"{{.image.nope}}"']
IMAGE_TEXTS = ["{{.image.gpu}}", "{{.image.cpu}}", "{{.image.vend}}",
               "reg.io/acme/z:7", "{{.image.gone}}"]


class Generator:
    def __init__(self, rng, dotdot, lab=True):
        self.rng = rng
        self.dotdot = dotdot
        self.lab = lab
        self.revision = 0
        # Include blocks of earlier task files: a new one often repeats one,
        # as files of one project do, so that parses share it (SharedPrefix.h).
        self.blocks = []

    def rev(self):
        self.revision += 1
        return "// rev %04d\n" % (self.revision % 10000)

    def include_block(self):
        """A task file's leading #include lines: (all of them, the lab's)."""
        r = self.rng
        lines = []
        if r.random() < 0.8:
            lines.append(r.choice(['#include "macros.hpp"', "#include <macros.hpp>"]))
        if r.random() < 0.5:
            lines.append(r.choice(['#include "images.hpp"', "#include <images.hpp>"]))
        if r.random() < 0.3:
            lines.append("#include <vend.hpp>")
        if r.random() < 0.3:
            lines.append("#include <flyte/task.hpp>")
        if r.random() < 0.3:
            lines.append('#include "common.hpp"')
        lab = []
        if self.lab and r.random() < 0.35:
            # "../team.hpp": beside the includer (./team.hpp for src/), then
            # through every include directory (inc/a/.. is inc, ln/../inc_l/..).
            lab.append(r.choice(['#include "team.hpp"', "#include <team.hpp>",
                                 '#include "../team.hpp"', '#include "../team.hpp"']))
        if self.lab and r.random() < 0.25:
            lab.append(r.choice(['#include "opt.hpp"', "#include <opt.hpp>"]))
        return lines + lab, lab

    def task_file(self, path):
        r = self.rng
        stem = os.path.splitext(os.path.basename(path))[0]
        if self.blocks and r.random() < 0.4:
            lines, lab = (list(x) for x in r.choice(self.blocks))
        else:
            lines, lab = self.include_block()
            self.blocks.append((list(lines), list(lab)))
        for k in range(r.randint(1, 3)):
            name = "%s_%d%s" % (stem, k, r.choice("abc"))
            kind = r.randrange(7)
            if kind == 0:
                lines.append("GPU_TASK(retries = %d) int %s(int x) { return x; }" % (r.randint(0, 3), name))
            elif kind == 1:
                lines.append("CPU_TASK() double %s(double y) { return y; }" % name)
            elif kind == 2:
                lines.append("FLYTE_TASK(container_image = %s) bool %s(bool b) { return b; }"
                             % (r.choice(["kGpu", "kCpu"]), name))
            elif kind == 3:
                lines.append("FLYTE_TASK() void %s() {}" % name)
            elif kind == 4:
                lines.append("VEND_TASK() int %s(int a, int b) { return a + b; }" % name)
            elif kind == 5:
                lines.append("#ifdef FEATURE\nFLYTE_TASK(container_image = \"%s\") int %s(int v) "
                             "{ return v; }\n#endif" % (r.choice(IMAGE_TEXTS), name))
            else:
                lines.append("MAYBE_TASK() int %s(int v) { return v; }" % name)
        for k, include in enumerate(lab):
            macro = "TEAM_TASK" if "team" in include else "OPT_TASK"
            lines.append("%s() int %s_lab%d(int v) { return v; }" % (macro, stem, k))
        return "\n".join(lines) + "\n" + self.rev()

    def plain_file(self, path):
        r = self.rng
        stem = os.path.splitext(os.path.basename(path))[0]
        lines = []
        if r.random() < 0.6:
            lines.append(r.choice(['#include "macros.hpp"', "#include <macros.hpp>",
                                   '#include "common.hpp"', "#include <vend.hpp>"]))
        lines.append("int %s_plain() { return %d; }" % (stem, r.randint(0, 9)))
        if r.random() < 0.3:
            lines.append("#ifdef OTHER\nMAYBE_TASK() int %s_maybe(int v) { return v; }\n#endif" % stem)
        return "\n".join(lines) + "\n" + self.rev()

    def header(self, name):
        r = self.rng
        lines = ["#pragma once"]
        if name == "macros.hpp":
            lines.append("#include <flyte/task.hpp>")
            if r.random() < 0.6:
                lines.append('#include "images.hpp"')
            lines.append("#define GPU_TASK(...) FLYTE_TASK(container_image = %s, __VA_ARGS__)"
                         % r.choice(IMAGE_EXPRS))
            if r.random() < 0.85:
                lines.append("#define CPU_TASK(...) FLYTE_TASK(container_image = %s, __VA_ARGS__)"
                             % r.choice(IMAGE_EXPRS))
            lines.append("#define MAYBE_TASK(...) %s" % r.choice(["FLYTE_TASK(__VA_ARGS__)", ""]))
        elif name == "images.hpp":
            for const in ("kGpu", "kCpu"):
                if r.random() < 0.9:
                    lines.append('constexpr const char* %s = "%s";' % (const, r.choice(IMAGE_TEXTS)))
        elif name == "vend.hpp":
            lines.append("#include <flyte/task.hpp>")
            lines.append("#define VEND_TASK(...) %s" % r.choice(
                ['FLYTE_TASK(container_image = "{{.image.vend}}", __VA_ARGS__)',
                 'FLYTE_TASK(container_image = "{{.image.gpu}}", __VA_ARGS__)', ""]))
        elif name == "team.hpp":
            lines.append("#include <flyte/task.hpp>")
            lines.append("#define TEAM_TASK(...) FLYTE_TASK(container_image = %s, __VA_ARGS__)"
                         % r.choice(['"{{.image.gpu}}"', '"{{.image.cpu}}"', '"{{.image.vend}}"',
                                     '"reg.io/team/t:%d"' % r.randint(1, 9)]))
        elif name == "opt.hpp":
            lines.append("#include <flyte/task.hpp>")
            lines.append("#define OPT_TASK(...) %s" % r.choice(
                ['FLYTE_TASK(container_image = "{{.image.cpu}}", __VA_ARGS__)',
                 'FLYTE_TASK(__VA_ARGS__)', ""]))
        else:  # common.hpp
            if r.random() < 0.5:
                lines.append('#include "macros.hpp"')
            lines.append("inline int common_%d() { return 1; }" % r.randint(0, 9))
        return "\n".join(lines) + "\n" + self.rev()

    def config(self):
        r = self.rng
        refs = ["ghcr.io/acme/base:1", "ghcr.io/acme/gpu:2", "ghcr.io/acme/cpu:3",
                "ghcr.io/acme/vend:4", "ghcr.io/acme/gpu@sha256:" + "ab" * 32, "not a ref"]
        lines = ["images:"]
        for key in ("default", "gpu", "cpu", "vend"):
            if r.random() < 0.85:
                lines.append("  %s: %s" % (key, r.choice(refs[:5]) if r.random() < 0.95 else refs[5]))
        return "\n".join(lines) + "\n# " + self.rev()

    def args(self, mode):
        """The invocation after the cache options: ("flags"|"db", arguments)."""
        r = self.rng
        dirs = INCLUDE_DIRS[:]
        if self.dotdot and r.random() < 0.5:
            dirs.append(DOTDOT_DIR)
        if self.lab:
            dirs += [d for d in LAB_DIRS if r.random() < 0.7]
        r.shuffle(dirs)
        dirs = [d for d in dirs if d not in ("inc/b", "inc/c") and r.random() < 0.8
                or d in ("inc/b", "inc/c") and r.random() < 0.95]
        flags = ["-std=c++17"] + ["-I" + d for d in dirs]
        if self.lab and r.random() < 0.7:
            flags += ["-isystem", SYSTEM_DIR]
        if r.random() < 0.3:
            flags.append("-DFEATURE")
        if r.random() < 0.2:
            flags.append("-DOTHER=1")
        front = ["--list", "--config", "flyte.yaml", "-j", str(r.choice([1, 2]))]
        if r.random() < 0.2:
            front.append("--scan-all")
        # The prefilter shares a block only among many files: these projects
        # have a few, so most runs lower the bar to reach that path.
        if r.random() < 0.7:
            front.append("--prefilter-share-min=2")
        if r.random() < 0.2:
            front += ["--format", "json"]
        if r.random() < 0.1:
            front += ["--image", "gpu=reg.io/cli/gpu:9"]
        if mode == "db":
            return front + ["-p", "build"], flags
        return front + ["@SOURCES@", "--"] + flags, flags

    def database(self, flags, files):
        entries = []
        for f in files:
            extra = ["-DFEATURE"] if self.rng.random() < 0.15 else []
            entries.append({"directory": "@DIR@", "file": f,
                            "arguments": ["clang++"] + flags + extra + ["-c", f]})
        return json.dumps(entries, indent=1) + "\n"


# ---------------------------------------------------------------------------
# Steps are concrete operations, so any subsequence can be replayed (and
# written as shell commands): an operation whose precondition no longer
# holds in a subsequence does nothing.

def lexists(root, p):
    return os.path.lexists(os.path.join(root, p))


class Runner:
    """Applies operations in one project directory and checks warm = cold."""

    def __init__(self, root, task_scan, record=None, timeout=120):
        self.root = root
        self.task_scan = task_scan
        self.args = None  # set by an "args" operation
        self.checks = 0
        self.prefix_parses = 0  # parses that used a shared include block (probe)
        self.prefix_checks = 0  # prefilter checks that used one (probe)
        self.record = record  # list of lit RUN lines, or None
        self.versions = []  # contents written, for lit's split-file
        self.timeout = timeout

    def p(self, path):
        return os.path.join(self.root, path)

    def rec(self, line):
        if self.record is not None:
            self.record.append(line)

    def version(self, content):
        self.versions.append(content)
        return "v/%d" % (len(self.versions) - 1)

    def mkparent(self, path):
        parent = os.path.dirname(path)
        if parent and not os.path.isdir(self.p(parent)):
            if os.path.lexists(self.p(parent)):
                return False
            # One component at a time, as `mkdir -p` does: a ".." is the
            # file system's (os.makedirs would make a missing "ln" a folder
            # to climb out of), so a path through a missing link fails.
            path = self.root
            for part in parent.split("/"):
                path = os.path.join(path, part)
                if part != ".." and not os.path.isdir(path):
                    try:
                        os.mkdir(path)
                    except OSError:
                        return False
                elif part == ".." and not os.path.isdir(path):
                    return False
            # lit's own mkdir removes ".." from the text first: not here.
            self.rec(("sh -c 'mkdir -p %s'" if ".." in parent.split("/") else "mkdir -p %s")
                     % parent)
        return True

    def write(self, path, content):
        full = self.p(path)
        if os.path.isdir(full) or not self.mkparent(path):
            return False
        if os.path.islink(full) and not os.path.exists(full):
            return False  # dangling: shells and Python disagree on what to do
        with open(full, "w") as f:
            f.write(content)
        self.rec("cat %s > %s" % (self.version(content), path))
        return True

    def apply(self, op):
        kind = op[0]
        if kind == "write":
            self.write(op[1], op[2])
        elif kind == "rm":
            if lexists(self.root, op[1]) and not os.path.isdir(self.p(op[1])) or \
                    os.path.islink(self.p(op[1])):
                os.remove(self.p(op[1]))
                self.rec("unlink %s" % op[1])  # lit's rm removes a link's target
        elif kind == "mv":
            src, dst = op[1], op[2]
            if lexists(self.root, src) and not os.path.isdir(self.p(dst)) and \
                    not (os.path.isdir(self.p(src)) and not os.path.islink(self.p(src))) and \
                    self.mkparent(dst):
                os.rename(self.p(src), self.p(dst))
                self.rec("mv %s %s" % (src, dst))
        elif kind == "link":
            # "@ROOT@/x": an absolute target, inside the project wherever it is.
            target, path = op[1], op[2]
            full = self.p(path)
            if os.path.isdir(full) and not os.path.islink(full):
                return
            if not self.mkparent(path):
                return
            if os.path.lexists(full):
                os.remove(full)
            os.symlink(target.replace("@ROOT@", self.root), full)
            self.rec("ln -sfn %s %s" % (target.replace("@ROOT@", "%t"), path))
        elif kind == "rmtree":
            full = self.p(op[1])
            if os.path.isdir(full) and not os.path.islink(full):
                shutil.rmtree(full)
                self.rec("rm -rf %s" % op[1])
        elif kind == "touch":
            if os.path.isfile(self.p(op[1])):
                os.utime(self.p(op[1]))
                self.rec("touch %s" % op[1])
        elif kind == "keepstat-write":
            # Same size (the generator keeps it) and the old mtime put back.
            full = self.p(op[1])
            if not os.path.isfile(full):
                return
            st = os.stat(full)
            self.rec("touch -r %s stamp" % op[1])
            if self.write(op[1], op[2]):
                os.utime(full, ns=(st.st_atime_ns, st.st_mtime_ns))
                self.rec("touch -r stamp %s" % op[1])
        elif kind == "coarse-write":
            # As on a file system with one-second timestamps.
            if self.write(op[1], op[2]):
                now = int(time.time())
                os.utime(self.p(op[1]), (now, now))
                self.rec("sh -c 'touch -d @$(date +%%%%s) %s'" % op[1])  # lit: %% is %
        elif kind == "args":
            self.args = op[1]
        elif kind == "db":
            if self.mkparent("build/x"):
                with open(self.p("build/compile_commands.json"), "w") as f:
                    f.write(op[1].replace("@DIR@", self.root))
                self.rec("sed -e 's|@DIR@|%%t|g' %s > build/compile_commands.json"
                         % self.version(op[1]))
        elif kind == "check":
            return self.check(race=False)
        elif kind == "race":
            return self.check(race=True)
        else:
            raise ValueError("unknown operation %r" % (op,))
        return None

    # -- running task-scan -------------------------------------------------
    def sources(self):
        src = self.p("src")
        if not os.path.isdir(src):
            return []
        return sorted("src/" + n for n in os.listdir(src) if fnmatch.fnmatch(n, "*.cpp"))

    def command(self, cache, tag):
        args = []
        for a in self.args:
            args += self.sources() if a == "@SOURCES@" else [a]
        # The reference parses every file plainly: the warm run's parses
        # share their include blocks (SharedPrefix.h) where two or more can.
        cache_args = ["--cache-dir", "cache"] if cache else ["--no-cache", "--no-shared-prefixes"]
        return cache_args + args[:args.index("--") if "--" in args else len(args)] + \
            ["--output-dir", "out-" + tag, "--depfile", tag + ".d", "--depfile-target", "scan"] + \
            (args[args.index("--"):] if "--" in args else [])

    def run(self, argv, tag):
        for stale in (tag + ".d",):
            if os.path.exists(self.p(stale)):
                os.remove(self.p(stale))
        proc = subprocess.Popen([self.task_scan] + argv, cwd=self.root,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        return proc

    @staticmethod
    def finish(proc, timeout):
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
            return out, err + b"\n[differential: timed out]", -999
        return out, err, proc.returncode

    def snapshot(self, tag, result):
        out, err, rc = result
        files = {}
        base = self.p("out-" + tag)
        for dirpath, _, names in os.walk(base):
            for n in names:
                full = os.path.join(dirpath, n)
                with open(full, "rb") as f:
                    files[os.path.relpath(full, base)] = f.read()
        dep = None
        if os.path.exists(self.p(tag + ".d")):
            with open(self.p(tag + ".d"), "rb") as f:
                dep = f.read()
        return {"stdout": out, "stderr": err, "exit": rc, "depfile": dep, "files": files}

    def shell(self, argv):
        return " ".join(quote(a) for a in argv)

    def check(self, race):
        if self.args is None:
            return None
        warm_argv = self.command(True, "warm")
        cold_argv = self.command(False, "cold")
        if race:
            w1 = self.command(True, "race1")
            w2 = self.command(True, "race2")
            p1, p2 = self.run(w1, "race1"), self.run(w2, "race2")
            r1, r2 = self.finish(p1, self.timeout), self.finish(p2, self.timeout)
            # A cold run of its own: output folders keep what earlier runs
            # wrote, so each compared folder must have seen the same runs.
            cold_argv = self.command(False, "coldrace")
            cold = self.finish(self.run(cold_argv, "coldrace"), self.timeout)
            c = self.snapshot("coldrace", cold)
            self.rec("sh -c '%s > race1.out 2> race1.err & %s > race2.out 2> race2.err & wait'"
                     % (self.shell(["%{task-scan-bin}"] + w1), self.shell(["%{task-scan-bin}"] + w2)))
            self.rec_cold(cold_argv, race=True)
            for tag, r in (("race1", r1), ("race2", r2)):
                diff = compare(self.snapshot(tag, r), c, exit_status=False)
                self.rec("diff %s.out cold.stdout" % tag)
                self.rec("diff %s.err cold.stderr" % tag)
                if os.path.isdir(self.p("out-coldrace")):
                    self.rec("diff -r out-%s out-coldrace" % tag)
                if diff:
                    return "two warm runs at once: " + diff
            return None
        self.rec("rm -f warm.d cold.d")
        # The two runs are independent (own output folder and depfile; the
        # cold run never touches the cache), so they run side by side.
        warm_proc, cold_proc = self.run(warm_argv, "warm"), self.run(cold_argv, "cold")
        warm = self.finish(warm_proc, self.timeout)
        cold = self.finish(cold_proc, self.timeout)
        self.rec("%%exit-status %s > warm.out 2> warm.err" % self.shell(["%{task-scan-bin}"] + warm_argv))
        self.rec_cold(cold_argv)
        self.rec("diff warm.out cold.out")
        self.rec("diff warm.err cold.err")
        if os.path.exists(self.p("cold.d")):
            self.rec("diff warm.d cold.d")
        if os.path.isdir(self.p("out-cold")):
            self.rec("diff -r out-warm out-cold")
        diff = compare(self.snapshot("warm", warm), self.snapshot("cold", cold))
        self.checks += 1
        if diff is None and self.checks % 10 == 1:
            self.probe_prefixes()
        return diff

    def probe_prefixes(self):
        """Counts the parses of a cache-less run that used a shared include
        block (its --verbose line), for the coverage table: the warm runs'
        parses share blocks as this run's do."""
        argv = ["--verbose"] + [a for a in self.command(False, "probe") if a != "--no-shared-prefixes"]
        _, err, _ = self.finish(self.run(argv, "probe"), self.timeout)
        m = re.search(rb"shared include blocks? read once for (\d+) of \d+ prefilter checks "
                      rb"and (\d+) of", err)
        if m:
            self.prefix_checks += int(m.group(1))
            self.prefix_parses += int(m.group(2))

    def rec_cold(self, cold_argv, race=False):
        if not race:
            self.rec("%%exit-status %s > cold.out 2> cold.err" % self.shell(["%{task-scan-bin}"] + cold_argv))
            return
        # Without the exit status line, for the race runs (sh -c has none).
        self.rec("%s > cold.stdout 2> cold.stderr || true" % self.shell(["%{task-scan-bin}"] + cold_argv))


def quote(a):
    if a and all(c.isalnum() or c in "-_./=+:@%{}" for c in a):
        return a
    return "'" + a.replace("'", "'\\''") + "'"


def compare(warm, cold, exit_status=True):
    for what in ("exit", "stdout", "stderr", "depfile"):
        if what == "exit" and not exit_status:
            continue
        if warm[what] != cold[what]:
            return "%s differs:\n--- warm\n%s\n--- cold\n%s" % (
                what, show(warm[what]), show(cold[what]))
    names = sorted(set(warm["files"]) | set(cold["files"]))
    for n in names:
        if warm["files"].get(n) != cold["files"].get(n):
            return "generated file %s differs:\n--- warm\n%s\n--- cold\n%s" % (
                n, show(warm["files"].get(n)), show(cold["files"].get(n)))
    return None


def show(v):
    if isinstance(v, bytes):
        return v.decode("utf-8", "replace")[:3000]
    return repr(v)


# ---------------------------------------------------------------------------
# Random steps. Generation applies each operation as it goes (to see what
# exists), so the recorded sequence is exactly what ran.

LOOKUP_KINDS = ["plain", "link", "dotdot", "up", "system"]


def coverage_table(counts):
    """How often a step changed a lookup's answer, by kind of lookup and by
    its answer before the step: a row at zero is a shape the run never
    tested."""
    lines = ["differential: lookups whose answer a step changed",
             "  %-8s %12s %12s" % ("lookup", "was found", "was missing")]
    for kind in LOOKUP_KINDS:
        lines.append("  %-8s %12d %12d" % (kind, counts.get(kind + "/found", 0),
                                           counts.get(kind + "/not found", 0)))
    lines.append("  shared include blocks (probed every 10th check): %d parses, %d prefilter checks"
                 % (counts.get("shared prefix", 0), counts.get("shared prefilter", 0)))
    blind = [k + "/" + a for k in LOOKUP_KINDS for a in ("found", "not found")
             if not counts.get(k + "/" + a)]
    blind += [k for k in ("shared prefix", "shared prefilter") if not counts.get(k)]
    lines.append("  blind spots: " + (", ".join(blind) if blind else "none"))
    return "\n".join(lines)


class Session:
    def __init__(self, rng, runner, gen, skip=(), coverage=None):
        self.coverage = coverage if coverage is not None else {}
        self.skip = set(skip)
        self.rng = rng
        self.runner = runner
        self.gen = gen
        self.ops = []
        self.mode = "flags"
        self.flags = None

    def do(self, op):
        self.ops.append(op)
        return self.runner.apply(op)

    def exists(self, path):
        return lexists(self.runner.root, path)

    def read(self, path):
        try:
            with open(self.runner.p(path)) as f:
                return f.read()
        except (OSError, UnicodeDecodeError):
            return None

    def init_project(self):
        g = self.gen
        for f in TASK_FILES:
            self.do(("write", f, g.task_file(f)))
        for f in PLAIN_FILES:
            self.do(("write", f, g.plain_file(f)))
        self.do(("write", "inc/b/macros.hpp", g.header("macros.hpp")))
        self.do(("write", "inc/c/images.hpp", g.header("images.hpp")))
        self.do(("write", "inc/a/common.hpp", g.header("common.hpp")))
        self.do(("write", "vendor_1/vend.hpp", g.header("vend.hpp")))
        self.do(("write", "vendor_2/vend.hpp", g.header("vend.hpp")))
        self.do(("link", "vendor_1", "vendor"))
        if g.lab:
            self.init_lab()
        if g.dotdot:
            self.do(("write", "deep/pinc/images.hpp", g.header("images.hpp")))
            self.do(("write", "pinc/images.hpp", g.header("images.hpp")))
            self.do(("write", "deep/one/.keep", ""))
            self.do(("link", "deep/one", "dl"))
        self.do(("write", "flyte.yaml", g.config()))
        self.new_args()

    def init_lab(self):
        g, r = self.gen, self.rng
        self.do(("write", "inc/a/team.hpp", g.header("team.hpp")))  # the fallback
        # Where "../team.hpp" leads: src/.. first, inc/a/.. as a fallback.
        self.do(("write", "inc/team.hpp", g.header("team.hpp")))
        if r.random() < 0.3:
            self.do(("write", "team.hpp", g.header("team.hpp")))
        self.do(("write", "real/x/y/.keep", ""))
        self.do(("write", "real/w/z/.keep", ""))
        for d in ["real/x/inc_l", "lk_a", "lk_b", SYSTEM_DIR]:
            for h in LAB_HEADERS:
                if r.random() < 0.6:
                    self.do(("write", d + "/" + h, g.header(h)))
        if r.random() < 0.5:
            self.do(("write", "real/w/inc_l/opt.hpp", g.header("opt.hpp")))
        self.do(("link", r.choice(LINK_TARGETS["ln"]), "ln"))
        self.do(("link", r.choice(LINK_TARGETS["ln2"]), "ln2"))
        if r.random() < 0.5:
            self.do(("link", r.choice(LINK_TARGETS["lk"]), "lk"))
        else:
            self.do(("write", "lk/team.hpp", g.header("team.hpp")))

    def lookup_answers(self):
        """What each lookup the flags allow answers now: for every include
        directory as named and every header name, the real path of the file
        it finds, or None."""
        if not self.flags:
            return {}
        named, system = [], False
        for i, f in enumerate(self.flags):
            if f.startswith("-I"):
                named.append(f[2:])
            elif f == "-isystem" and i + 1 < len(self.flags):
                named.append(self.flags[i + 1])
        answers = {}
        for d in named:
            for h in HEADERS + ["vend.hpp"] + LAB_HEADERS:
                full = self.runner.p(d + "/" + h)
                answers[(d, h)] = os.path.realpath(full) if os.path.isfile(full) else None
        # "../team.hpp": beside a source in src/, then from every directory.
        for d in ["src"] + named:
            full = self.runner.p(d + "/../team.hpp")
            answers[(d + "/..", "team.hpp")] = \
                os.path.realpath(full) if os.path.isfile(full) else None
        return answers

    def lookup_kind(self, named):
        """plain, link (a component is a symbolic link), dotdot (a ".." after
        one), up (a ".." after none: out of an includer's or include
        directory), or system."""
        if named == SYSTEM_DIR:
            return "system"
        path, after_link = self.runner.root, False
        for part in named.split("/"):
            if part == ".." and after_link:
                return "dotdot"
            path = os.path.join(path, part)
            if os.path.islink(path):
                after_link = True
        if ".." in named.split("/"):
            return "up"
        return "link" if after_link else "plain"

    def new_args(self):
        if self.rng.random() < 0.3:
            self.mode = "db" if self.mode == "flags" else "flags"
        args, self.flags = self.gen.args(self.mode)
        self.do(("args", args))
        if self.mode == "db":
            self.new_database()

    def new_database(self):
        files = [f for f in TASK_FILES + PLAIN_FILES + EXTRA_SOURCES
                 if self.exists(f) and self.rng.random() < 0.85 or self.rng.random() < 0.03]
        self.do(("db", self.gen.database(self.flags, files)))

    def header_paths(self):
        """Every copy of a project header, shadows included."""
        found = []
        for d in ["inc/a", "inc/b", "inc/c", "src", "vendor_1", "vendor_2", "pinc", "deep/pinc"] + \
                (LAB_REAL_DIRS if self.gen.lab else []):
            if os.path.islink(self.runner.p(d)):
                continue
            for h in HEADERS + ["vend.hpp"] + LAB_HEADERS:
                if self.exists(d + "/" + h):
                    found.append(d + "/" + h)
        return found

    def content_for(self, path):
        base = os.path.basename(path)
        if base.endswith(".hpp"):
            return self.gen.header(base)
        if base.startswith("t"):
            return self.gen.task_file(path)
        return self.gen.plain_file(path)

    def same_size_edit(self, text):
        subs = [("gpu", "cpu"), ("cpu", "gpu"), ("GPU_", "CPU_"), ("CPU_", "GPU_"),
                ("kGpu", "kCpu"), ("kCpu", "kGpu"), ("FEATURE", "FEATURX"), ("1", "2"),
                ("2", "3"), ("0", "1"), ("_a", "_b")]
        self.rng.shuffle(subs)
        for old, new in subs:
            at = text.find(old)
            if at >= 0:
                return text[:at] + new + text[at + len(old):]
        return text

    def step(self):
        before = self.lookup_answers()
        kinds = {d: self.lookup_kind(d) for d, _ in before}
        result = self.random_step()
        after = self.lookup_answers()
        for key, old in before.items():
            if key in after and after[key] != old:
                row = "%s/%s" % (kinds[key[0]], "found" if old else "not found")
                self.coverage[row] = self.coverage.get(row, 0) + 1
        return result

    def random_step(self):
        r = self.rng
        g = self.gen
        sources = [f for f in TASK_FILES + PLAIN_FILES + EXTRA_SOURCES if self.exists(f)]
        headers = self.header_paths()
        kind = r.choices(
            ["edit-source", "edit-header", "edit-config", "shadow", "unshadow", "delete",
             "recreate", "rename", "symlink", "unsymlink", "swap-vendor", "touch",
             "coarse", "keepstat", "args", "db", "race", "dotdot",
             "lab-create", "lab-remove", "lab-retarget", "lab-dir-link", "lab-newdir"],
            weights=[12, 10, 3, 5, 3, 3, 3, 4, 3, 3, 3, 4, 4, 6, 5, 3, 2, 2 if g.dotdot else 0]
            + ([6, 4, 6, 2, 2] if g.lab else [0] * 5))[0]
        if kind in self.skip:
            return self.do(("check",))
        if kind == "edit-source" and sources:
            f = r.choice(sources)
            self.do(("write", f, self.content_for(f)))
        elif kind == "edit-header" and headers:
            h = r.choice(headers)
            self.do(("write", h, self.content_for(h)))
        elif kind == "edit-config":
            self.do(("write", "flyte.yaml", g.config()))
        elif kind == "shadow":
            h = r.choice(HEADERS)
            d = r.choice(["inc/a", "inc/b", "src", "inc/c"])
            self.do(("write", d + "/" + h, g.header(h)))
        elif kind == "unshadow" and headers:
            self.do(("rm", r.choice(headers)))
        elif kind == "delete" and (sources or headers):
            self.do(("rm", r.choice(sources + headers)))
        elif kind == "recreate":
            f = r.choice(TASK_FILES + PLAIN_FILES + headers)
            text = self.read(f)
            if text is not None and r.random() < 0.5:
                self.do(("rm", f))  # a new inode, the same bytes
                self.do(("write", f, text))
            else:
                self.do(("write", f, self.content_for(f)))
        elif kind == "rename" and (sources or headers):
            if r.random() < 0.6 and sources:
                src = r.choice(sources)
                dst = r.choice(TASK_FILES + PLAIN_FILES + EXTRA_SOURCES)
            elif headers:
                src = r.choice(headers)
                dst = r.choice(["inc/a", "inc/b", "inc/c", "src"]) + "/" + os.path.basename(src)
            else:
                return
            self.do(("mv", src, dst))
        elif kind == "symlink":
            f = r.choice(TASK_FILES + PLAIN_FILES + ["inc/b/macros.hpp", "inc/c/images.hpp"])
            alt = "alt/" + f.replace("/", "_")
            self.do(("write", alt, self.content_for(f)))
            depth = f.count("/")
            self.do(("link", "../" * depth + alt, f))
        elif kind == "unsymlink":
            links = [f for f in TASK_FILES + PLAIN_FILES + headers
                     if os.path.islink(self.runner.p(f))]
            if links:
                f = r.choice(links)
                text = self.read(f)
                self.do(("rm", f))
                self.do(("write", f, text if text is not None and r.random() < 0.5
                         else self.content_for(f)))
        elif kind == "swap-vendor":
            target = os.readlink(self.runner.p("vendor")) if os.path.islink(self.runner.p("vendor")) else ""
            self.do(("link", "vendor_2" if target == "vendor_1" else "vendor_1", "vendor"))
        elif kind == "touch" and (sources or headers):
            self.do(("touch", r.choice(sources + headers + ["flyte.yaml"])))
        elif kind == "coarse" and (sources or headers):
            f = r.choice(sources + headers)
            text = self.read(f)
            self.do(("coarse-write", f, self.same_size_edit(text) if text and r.random() < 0.5
                     else self.content_for(f)))
        elif kind == "keepstat" and (sources or headers):
            f = r.choice(sources + headers)
            text = self.read(f)
            if text:
                self.do(("keepstat-write", f, self.same_size_edit(text)))
        elif kind == "args":
            self.new_args()
        elif kind == "db" and self.mode == "db":
            self.new_database()
        elif kind == "race":
            return self.do(("race",))
        elif kind == "dotdot":
            self.do(("link", r.choice(["deep/one", "pinc"]), "dl"))
        elif kind == "lab-create":
            # Through the name the flags use: behind a link, a ".." after
            # one, a directory not there yet (created on the way).
            d = r.choice(LAB_DIRS + INCLUDE_DIRS + [SYSTEM_DIR, "real/w/inc_l", "real/x/inc_l"]
                         + [".", "inc", "ln/..", "new"] * 2)
            h = r.choice(["team.hpp"] * 2 + LAB_HEADERS + HEADERS)
            self.do(("write", d + "/" + h, g.header(h)))
        elif kind == "lab-remove":
            d = r.choice(LAB_DIRS + INCLUDE_DIRS + [SYSTEM_DIR, ".", "inc", "ln/.."])
            present = [h for h in LAB_HEADERS + HEADERS if os.path.isfile(self.runner.p(d + "/" + h))]
            if present:
                self.do(("rm", d + "/" + r.choice(present)))
        elif kind == "lab-retarget":
            link = r.choice(sorted(LINK_TARGETS))
            if link != "lk" or os.path.islink(self.runner.p("lk")) or not self.exists("lk"):
                self.do(("link", r.choice(LINK_TARGETS[link]), link))
        elif kind == "lab-dir-link":
            # A directory replaced by a link, and back.
            if os.path.islink(self.runner.p("lk")):
                self.do(("rm", "lk"))
                for h in LAB_HEADERS:
                    if r.random() < 0.6:
                        self.do(("write", "lk/" + h, g.header(h)))
            else:
                self.do(("rmtree", "lk"))
                self.do(("link", r.choice(LINK_TARGETS["lk"]), "lk"))
        elif kind == "lab-newdir":
            if os.path.isdir(self.runner.p("new/dir")) and r.random() < 0.6:
                self.do(("rmtree", "new"))
            else:
                h = r.choice(LAB_HEADERS + HEADERS)
                self.do(("write", "new/dir/" + h, g.header(h)))
        return self.do(("check",))


# ---------------------------------------------------------------------------
# Replay and delta debugging.

def replay(ops, task_scan, workdir, record=None, timeout=120):
    root = tempfile.mkdtemp(prefix="replay-", dir=workdir)
    runner = Runner(root, task_scan, record=record, timeout=timeout)
    try:
        for op in ops:
            diff = runner.apply(op)
            if diff:
                return diff, runner
        return None, runner
    finally:
        shutil.rmtree(root, ignore_errors=True)


def ddmin(ops, fails, deadline):
    """Zeller's ddmin: a 1-minimal subsequence for which fails() holds."""
    n = 2
    while len(ops) >= 2 and time.time() < deadline:
        chunk = max(1, len(ops) // n)
        subsets = [ops[i:i + chunk] for i in range(0, len(ops), chunk)]
        reduced = False
        for i in range(len(subsets)):
            complement = [op for j, s in enumerate(subsets) if j != i for op in s]
            if time.time() < deadline and fails(complement):
                ops, n, reduced = complement, max(n - 1, 2), True
                break
        if not reduced:
            if n >= len(ops):
                break
            n = min(len(ops), n * 2)
    return ops


def write_lit_test(path, ops, task_scan, workdir, seed, step, diff):
    record = []
    _, runner = replay(ops, task_scan, workdir, record=record)
    with open(path, "w") as f:
        f.write("# Found by test/differential/run.py --seed %d (step %d), shrunk to %d operations.\n"
                % (seed, step, len(ops)))
        first = diff.splitlines()[0] if diff else "warm and cold runs differ"
        f.write("# A warm run must give what a cold run gives; here: %s\n" % first)
        f.write("# RUN: rm -rf %t && split-file %s %t && cd %t\n")
        for line in record:
            f.write("# RUN: %s\n" % line)
        for i, content in enumerate(runner.versions):
            f.write("\n//--- v/%d\n" % i)
            f.write(content if content.endswith("\n") or not content else content + "\n")


def run_streams(opts):
    """--jobs N: N copies of this script, stream K of N each, with their own
    work folders; their progress is summed. One divergence stops the others
    (its stream shrinks it and writes the lit test)."""
    seed = opts.seed if opts.seed is not None else random.randrange(1 << 30)
    workdir = opts.workdir or tempfile.mkdtemp(prefix="task-scan-differential-")
    start = time.time()
    print("differential: seed %d, %d steps in %d streams" % (seed, opts.steps, opts.jobs),
          flush=True)
    procs = []
    for k in range(opts.jobs):
        steps = opts.steps // opts.jobs + (1 if k < opts.steps % opts.jobs else 0)
        # The options as given, then the stream's own: argparse keeps the last.
        argv = [sys.executable, "-u", os.path.abspath(__file__)] + sys.argv[1:] + [
            "--jobs", "1", "--seed", str(seed), "--steps", str(steps),
            "--stream", "%d/%d" % (k, opts.jobs),
            "--workdir", os.path.join(workdir, "stream-%d" % k), "--progress", "100"]
        procs.append(subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                      text=True))
    done = [0] * opts.jobs
    coverage = {}
    lines = {k: [] for k in range(opts.jobs)}
    lock = threading.Lock()
    reported = [0]

    def follow(k):
        for line in procs[k].stdout:
            with lock:
                lines[k].append(line)
                m = re.match(r"differential: (\d+) steps clean", line)
                if line.startswith("differential: coverage "):
                    for row, n in json.loads(line[len("differential: coverage "):]).items():
                        coverage[row] = coverage.get(row, 0) + n
                elif m:
                    done[k] = int(m.group(1))
                    total = sum(done)
                    if opts.progress and total // opts.progress > reported[0] // opts.progress:
                        print("differential: %d steps clean (%.0f s)" % (total, time.time() - start),
                              flush=True)
                    reported[0] = total
                elif "DIVERGENCE" in line or "shrunk" in line or "written to" in line:
                    print("[stream %d] %s" % (k, line), end="", flush=True)
                    if "DIVERGENCE" in line:
                        for other in procs:
                            if other is not procs[k] and other.poll() is None:
                                other.terminate()

    threads = [threading.Thread(target=follow, args=(k,)) for k in range(opts.jobs)]
    for t in threads:
        t.start()
    codes = [p.wait() for p in procs]
    for t in threads:
        t.join()
    if any(c == 1 for c in codes):
        for k, c in enumerate(codes):
            if c == 1:
                sys.stdout.write("".join(lines[k][-20:]))
        return 1
    if any(c not in (0, -15) for c in codes):
        for k, c in enumerate(codes):
            if c != 0:
                print("differential: stream %d ended with %d:\n%s" % (k, c, "".join(lines[k][-20:])))
        return 2
    print(coverage_table(coverage))
    print("differential: %d steps clean, seed %d, %d streams (%.0f s)"
          % (sum(done), seed, opts.jobs, time.time() - start))
    if not opts.keep and not opts.workdir:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=200)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--task-scan", default=None, help="the binary (default: build*/tool/task-scan)")
    ap.add_argument("--time-limit", type=float, default=0, help="stop after this many seconds (clean)")
    ap.add_argument("--shrink-time", type=float, default=900)
    ap.add_argument("--lit-dir", default=os.path.join(SOURCE_ROOT, "test", "lit", "cache"))
    ap.add_argument("--name", default=None, help="lit test name for a divergence")
    ap.add_argument("--no-dotdot", action="store_true",
                    help="leave out the symlinked -Ilink/../dir include path")
    ap.add_argument("--no-lab", action="store_true",
                    help="leave out the lookup lab (links, .. after links, new and system "
                         "include directories)")
    ap.add_argument("--skip", default="",
                    help="step kinds to leave out, comma-separated (e.g. swap-vendor)")
    ap.add_argument("--restart-every", type=int, default=300,
                    help="start a new project after this many steps")
    ap.add_argument("--workdir", default=None)
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--progress", type=int, default=100)
    ap.add_argument("--jobs", type=int, default=1,
                    help="run this many streams of projects side by side (one machine core "
                         "each, roughly); --steps counts all of them")
    ap.add_argument("--stream", default=None, help=argparse.SUPPRESS)  # K/N, for --jobs
    opts = ap.parse_args()
    if opts.jobs > 1:
        return run_streams(opts)

    task_scan = opts.task_scan or os.environ.get("TASK_SCAN")
    if not task_scan:
        for cand in ("build/tool/task-scan",):
            if os.path.exists(os.path.join(SOURCE_ROOT, cand)):
                task_scan = os.path.join(SOURCE_ROOT, cand)
    if not task_scan or not os.access(task_scan, os.X_OK):
        print("differential: no task-scan binary (use --task-scan)", file=sys.stderr)
        return 2
    task_scan = os.path.abspath(task_scan)
    seed = opts.seed if opts.seed is not None else random.randrange(1 << 30)
    workdir = opts.workdir or tempfile.mkdtemp(prefix="task-scan-differential-")
    os.makedirs(workdir, exist_ok=True)
    start = time.time()
    print("differential: seed %d, %d steps, %s" % (seed, opts.steps, task_scan), flush=True)

    done = 0
    # Stream K of N takes projects K, K + N, ...: streams never share one.
    stream, streams = (int(x) for x in opts.stream.split("/")) if opts.stream else (0, 1)
    project = stream
    failure = None
    coverage = {}
    while done < opts.steps and failure is None:
        rng = random.Random("%d/%d" % (seed, project))
        gen = Generator(rng, dotdot=not opts.no_dotdot, lab=not opts.no_lab)
        root = os.path.join(workdir, "project-%d" % project)
        shutil.rmtree(root, ignore_errors=True)
        os.makedirs(root)
        runner = Runner(root, task_scan)
        session = Session(rng, runner, gen,
                          skip=[k for k in opts.skip.split(",") if k], coverage=coverage)
        session.init_project()
        diff = session.do(("check",))
        steps_here = 0
        while diff is None and done < opts.steps and steps_here < opts.restart_every:
            if opts.time_limit and time.time() - start > opts.time_limit:
                break
            diff = session.step()
            done += 1
            steps_here += 1
            if opts.progress and done % opts.progress == 0:
                print("differential: %d steps clean (%.0f s)" % (done, time.time() - start), flush=True)
        coverage["shared prefix"] = coverage.get("shared prefix", 0) + runner.prefix_parses
        coverage["shared prefilter"] = coverage.get("shared prefilter", 0) + runner.prefix_checks
        if diff is not None:
            failure = (session.ops, diff, project)
        if not opts.keep:
            shutil.rmtree(root, ignore_errors=True)
        project += streams
        if opts.time_limit and time.time() - start > opts.time_limit:
            break

    if opts.stream:  # for run_streams, which adds the streams' counts up
        print("differential: coverage %s" % json.dumps(coverage), flush=True)
    else:
        print(coverage_table(coverage), flush=True)
    if failure is None:
        print("differential: %d steps clean, seed %d (%.0f s)" % (done, seed, time.time() - start))
        if not opts.keep and not opts.workdir:
            shutil.rmtree(workdir, ignore_errors=True)
        return 0

    ops, diff, project = failure
    print("differential: DIVERGENCE after %d steps (seed %d, project %d):\n%s"
          % (done, seed, project, diff), flush=True)
    # Shrink: only what precedes the failing check matters.
    deadline = time.time() + opts.shrink_time

    def fails(candidate):
        d, _ = replay(candidate, task_scan, workdir)
        return d is not None

    if not fails(ops):
        print("differential: the full sequence does not reproduce on replay (timing?); "
              "not shrunk", flush=True)
        minimal = ops
    else:
        minimal = ddmin(ops, fails, deadline)
    final_diff, _ = replay(minimal, task_scan, workdir)
    name = opts.name or "divergence-seed%d" % seed + ("-stream%d" % stream if streams > 1 else "")
    os.makedirs(opts.lit_dir, exist_ok=True)
    path = os.path.join(opts.lit_dir, name + ".test")
    write_lit_test(path, minimal, task_scan, workdir, seed, done, final_diff or diff)
    print("differential: shrunk to %d operations, written to %s\n%s"
          % (len(minimal), path, final_diff or diff), flush=True)
    with open(os.path.join(workdir, "ops.json"), "w") as f:
        json.dump(minimal, f, indent=1)
    return 1


if __name__ == "__main__":
    sys.exit(main())
