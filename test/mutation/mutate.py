#!/usr/bin/env python3
"""The standing mutation check: plants each bug of the catalogue in a scratch
copy of the repository, rebuilds, runs the tests the entry names and reports
whether they noticed. See test/mutation/README.md; run it as test/mutation/run.sh.

A catalogue entry (test/mutation/catalogue/*.mut) is text, not a patch, so
that it survives unrelated edits around it:

    what: depfile escaping of '#' and '$' removed
    file: lib/Emit/Escaping.cpp
    test: ctest ^unit\\.EscapingTest\\.DepfilePath
    test: lit cli/depfile-escaping
    <<< original
        if (C == ' ' || C == '#')
    === replacement
        if (C == ' ')
    >>>

`what:` says which bug is planted. Each `<<< original` / `=== replacement` /
`>>>` block replaces text in the `file:` named last before it; the original
must occur exactly once in that file, else the entry "does not apply" (a
failure, never a pass). `test:` lines name what must notice: `ctest REGEX`
(ctest -R) or `lit REGEX` (lit --filter, matched against paths under
test/lit). `build:` names the targets the tests need (default: everything),
so that a mutation rebuilds only those. Lines starting with '#' are comments.
"""

import argparse
import io
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SOURCE = os.path.normpath(os.path.join(HERE, "..", ".."))
LIT = "/usr/lib/llvm-19/build/utils/lit/lit.py"


class CatalogueError(Exception):
    pass


class Edit:
    def __init__(self, path, original, replacement, line):
        self.path, self.original, self.replacement, self.line = path, original, replacement, line


class Mutation:
    def __init__(self, name, path):
        self.name, self.path = name, path
        self.what = None
        self.edits = []
        self.tests = []  # (kind, regex)
        self.targets = []  # what to build; empty: everything


def parse_entry(path):
    name = os.path.splitext(os.path.basename(path))[0]
    m = Mutation(name, path)
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    current_file = None
    i = 0

    def fail(msg, line=None):
        where = f"{path}:{(line if line is not None else i) + 1}"
        raise CatalogueError(f"{where}: {msg}")

    while i < len(lines):
        line = lines[i]
        if line.startswith("#") or not line.strip():
            i += 1
            continue
        if line.startswith("what:"):
            if m.what is not None:
                fail("a second 'what:'")
            m.what = line[5:].strip()
        elif line.startswith("file:"):
            current_file = line[5:].strip()
            if not current_file or os.path.isabs(current_file) or ".." in current_file.split("/"):
                fail(f"'file:' must be a path inside the repository, got '{current_file}'")
        elif line.startswith("build:"):
            m.targets += line[6:].split()
            if not line[6:].split():
                fail("'build:' takes one or more target names")
        elif line.startswith("test:"):
            words = line[5:].strip().split(None, 1)
            if len(words) != 2 or words[0] not in ("ctest", "lit"):
                fail("'test:' takes 'ctest REGEX' or 'lit REGEX'")
            try:
                re.compile(words[1])
            except re.error as e:
                fail(f"bad regular expression '{words[1]}': {e}")
            m.tests.append((words[0], words[1]))
        elif line == "<<< original":
            if current_file is None:
                fail("'<<< original' before any 'file:'")
            start = i
            original, replacement = [], None
            i += 1
            while i < len(lines) and lines[i] != "=== replacement":
                if lines[i] in ("<<< original", ">>>"):
                    fail("expected '=== replacement'")
                original.append(lines[i])
                i += 1
            if i == len(lines):
                fail("'<<< original' without '=== replacement'", start)
            replacement = []
            i += 1
            while i < len(lines) and lines[i] != ">>>":
                if lines[i] in ("<<< original", "=== replacement"):
                    fail("expected '>>>'")
                replacement.append(lines[i])
                i += 1
            if i == len(lines):
                fail("'=== replacement' without '>>>'", start)
            orig, repl = "\n".join(original), "\n".join(replacement)
            if not orig.strip():
                fail("empty original text", start)
            if orig == repl:
                fail("the replacement equals the original", start)
            m.edits.append(Edit(current_file, orig, repl, start + 1))
        else:
            fail(f"unexpected line '{line[:60]}'")
        i += 1
    if not m.what:
        raise CatalogueError(f"{path}: no 'what:' line")
    if not m.edits:
        raise CatalogueError(f"{path}: no '<<< original' block")
    if not m.tests:
        raise CatalogueError(f"{path}: no 'test:' line")
    return m


def load_catalogue(catalogue_dir, only=None, skip=None):
    entries = sorted(f for f in os.listdir(catalogue_dir) if f.endswith(".mut"))
    mutations, errors = [], []
    for f in entries:
        try:
            m = parse_entry(os.path.join(catalogue_dir, f))
        except CatalogueError as e:
            errors.append(str(e))
            continue
        if (only and not re.search(only, m.name)) or (skip and re.search(skip, m.name)):
            continue
        mutations.append(m)
    names = [m.name for m in mutations]
    if len(set(names)) != len(names):
        errors.append("two entries share a name")
    return mutations, errors


def applied_text(root, mutation):
    """{path: mutated content} for the tree at root, or raises CatalogueError."""
    out = {}
    for e in mutation.edits:
        full = os.path.join(root, e.path)
        if e.path not in out:
            try:
                with open(full, encoding="utf-8", newline="") as f:
                    out[e.path] = f.read()
            except OSError as err:
                raise CatalogueError(f"does not apply: {e.path}: {err.strerror}")
        text = out[e.path]
        n = text.count(e.original)
        if n != 1:
            raise CatalogueError(
                f"does not apply: the original text of the block at line {e.line} occurs "
                f"{n} times in {e.path} (must be exactly once)")
        out[e.path] = text.replace(e.original, e.replacement)
    return out


def lit_tests(root):
    base = os.path.join(root, "test", "lit")
    found = []
    for dirpath, dirnames, filenames in os.walk(base):
        dirnames[:] = [d for d in dirnames if d != "Inputs"]
        for f in filenames:
            if f.endswith((".cpp", ".test")):
                found.append(os.path.relpath(os.path.join(dirpath, f), base))
    return found


_ctest_cache = {}


def ctest_names(build_dir, regex, cached=False):
    if cached and (build_dir, regex) in _ctest_cache:
        return _ctest_cache[(build_dir, regex)]
    r = subprocess.run(["ctest", "--test-dir", build_dir, "-N", "-R", regex],
                       capture_output=True, text=True)
    names = [l for l in r.stdout.splitlines() if re.match(r"\s*Test\s+#\d+:", l)]
    _ctest_cache[(build_dir, regex)] = names
    return names


def check_tests_exist(root, build_dir, mutation):
    problems = []
    lits = None
    for kind, regex in mutation.tests:
        if kind == "lit":
            lits = lits if lits is not None else lit_tests(root)
            if not any(re.search(regex, t) for t in lits):
                problems.append(f"'test: lit {regex}' names no lit test")
        elif build_dir and not ctest_names(build_dir, regex, cached=True):
            problems.append(f"'test: ctest {regex}' names no ctest test in {build_dir}")
    return problems


def check(args):
    """Cheap: every entry is well-formed, applies to the source tree and names existing tests."""
    catalogue = args.catalogue or os.path.join(args.source_dir, "test", "mutation", "catalogue")
    mutations, errors = load_catalogue(catalogue, args.only, args.skip)
    failures = list(errors)
    for m in mutations:
        try:
            applied_text(args.source_dir, m)
        except CatalogueError as e:
            failures.append(f"{m.name}: {e}")
        for p in check_tests_exist(args.source_dir, args.build_dir, m):
            failures.append(f"{m.name}: {p}")
    for f in failures:
        print(f"error: {f}")
    print(f"{len(mutations)} mutations checked, {len(failures)} problems")
    return 1 if failures else 0


# --- The full run ------------------------------------------------------------------------------

def log(msg):
    print(msg, flush=True)


def tree_files(source, rev):
    """{relative path: (bytes, mode)} of the tree to copy."""
    files = {}
    if rev:
        data = subprocess.run(["git", "-C", source, "archive", "--format=tar", rev],
                              check=True, capture_output=True).stdout
        with tarfile.open(fileobj=io.BytesIO(data)) as tar:
            for member in tar:
                if member.isfile():
                    files[member.name] = (tar.extractfile(member).read(), member.mode)
                elif member.issym():
                    files[member.name] = (("symlink:" + member.linkname).encode(), -1)
    else:
        listed = subprocess.run(["git", "-C", source, "ls-files", "-z", "-c", "-o",
                                 "--exclude-standard"], check=True, capture_output=True).stdout
        for rel in listed.decode().split("\0"):
            full = os.path.join(source, rel)
            if not rel or not os.path.lexists(full):
                continue
            if os.path.islink(full):
                files[rel] = (("symlink:" + os.readlink(full)).encode(), -1)
            elif os.path.isfile(full):
                with open(full, "rb") as f:
                    files[rel] = (f.read(), os.stat(full).st_mode & 0o777)
    return files


def sync_tree(files, dest):
    """Makes dest hold exactly files, rewriting only what differs (keeps the build incremental)."""
    os.makedirs(dest, exist_ok=True)
    changed = 0
    for rel, (data, mode) in files.items():
        full = os.path.join(dest, rel)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        if mode == -1:
            target = data.decode()[len("symlink:"):]
            if os.path.islink(full) and os.readlink(full) == target:
                continue
            if os.path.lexists(full):
                os.remove(full)
            os.symlink(target, full)
            changed += 1
            continue
        try:
            with open(full, "rb") as f:
                same = f.read() == data
        except OSError:
            same = False
        if not same:
            if os.path.islink(full):
                os.remove(full)
            with open(full, "wb") as f:
                f.write(data)
            changed += 1
        os.chmod(full, mode)
    for dirpath, dirnames, filenames in os.walk(dest, topdown=False):
        for f in filenames:
            rel = os.path.relpath(os.path.join(dirpath, f), dest)
            if rel not in files:
                os.remove(os.path.join(dirpath, f))
        for d in dirnames:
            full = os.path.join(dirpath, d)
            if os.path.isdir(full) and not os.path.islink(full) and not os.listdir(full):
                os.rmdir(full)
    return changed


def run_quiet(cmd, logfile, timeout, cwd=None, env=None):
    """Runs cmd with its output appended to logfile; returns 'ok', 'failed' or 'timeout'."""
    with open(logfile, "a") as out:
        out.write(f"\n$ {' '.join(cmd)}\n")
        out.flush()
        try:
            r = subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT, timeout=timeout, cwd=cwd,
                               env=env, start_new_session=True)
        except subprocess.TimeoutExpired:
            return "timeout"
    return "ok" if r.returncode == 0 else "failed"


def configure(src, build, args, logfile):
    if os.path.exists(os.path.join(build, "CMakeCache.txt")):
        return run_quiet(["cmake", build], logfile, 1800)
    cmd = ["cmake", "-S", src, "-B", build, "-G", "Ninja", "-DCMAKE_BUILD_TYPE=Release",
           f"-DCMAKE_PREFIX_PATH={args.prefix_path}", "-DTASK_SCAN_STATIC_LLVM=OFF"]
    if shutil.which("ccache"):
        cmd += ["-DCMAKE_CXX_COMPILER_LAUNCHER=ccache", "-DCMAKE_C_COMPILER_LAUNCHER=ccache"]
    cmd += args.cmake_arg
    return run_quiet(cmd, logfile, 1800)


def build(build_dir, args, logfile, targets=()):
    cmd = ["cmake", "--build", build_dir, "-j", str(args.jobs)]
    if targets:
        cmd += ["--target"] + list(targets)
    return run_quiet(cmd, logfile, 3600)


def run_test(kind, regex, src, build_dir, args, logfile):
    if kind == "ctest":
        if not ctest_names(build_dir, regex):
            return "no such test"
        cmd = ["ctest", "--test-dir", build_dir, "-R", regex, "--output-on-failure",
               "--timeout", str(args.timeout)]
    else:
        cmd = [sys.executable, args.lit, "-q", os.path.join(build_dir, "test", "lit"),
               "--filter", regex]
    return run_quiet(cmd, logfile, args.timeout + 60)


def write_files(root, contents):
    for rel, text in contents.items():
        with open(os.path.join(root, rel), "w", encoding="utf-8", newline="") as f:
            f.write(text)


def run_all(args):
    scratch = os.path.abspath(args.scratch)
    src, build_dir = os.path.join(scratch, "src"), os.path.join(scratch, "build")
    logs = os.path.join(scratch, "logs")
    shutil.rmtree(logs, ignore_errors=True)
    os.makedirs(logs)
    changed = sync_tree(tree_files(args.source_dir, args.rev), src)
    # The catalogue of the copied tree: the entries and the code they mutate come together.
    catalogue = args.catalogue or os.path.join(src, "test", "mutation", "catalogue")
    mutations, errors = load_catalogue(catalogue, args.only, args.skip)
    if errors:
        for e in errors:
            log(f"error: {e}")
        return 2
    what = f"commit {args.rev}" if args.rev else "the work tree"
    log(f"mutation check: {len(mutations)} mutations of {what} of {args.source_dir}")
    log(f"scratch copy {src} ({changed} files changed since the last run), build {build_dir}, "
        f"logs {logs}")

    setup_log = os.path.join(logs, "00-setup.log")
    t0 = time.time()
    # What the selected entries need; everything when one of them names no target.
    targets = [] if any(not m.targets for m in mutations) else \
        list(dict.fromkeys(t for m in mutations for t in m.targets))
    if configure(src, build_dir, args, setup_log) != "ok" or \
            build(build_dir, args, setup_log, targets) != "ok":
        log(f"error: the unmutated copy does not configure or build; see {setup_log}")
        return 2
    log(f"built the unmutated copy in {time.time() - t0:.0f} s")

    rows = []
    credited = {}  # test -> indexes of the rows it caught
    for index, m in enumerate(mutations, 1):
        mlog = os.path.join(logs, f"{m.name}.log")
        t0 = time.time()
        with open(mlog, "w") as f:
            f.write(f"{m.name}: {m.what}\n")
        result, detail = None, ""
        try:
            mutated = applied_text(src, m)
        except CatalogueError as e:
            result, detail = "DOES NOT APPLY", str(e)
        if result is None:
            originals = {rel: open(os.path.join(src, rel), encoding="utf-8", newline="").read()
                         for rel in mutated}
            try:
                write_files(src, mutated)
                status = build(build_dir, args, mlog, m.targets)
                if status != "ok":
                    result, detail = "DOES NOT BUILD", "the mutated copy does not build (see log)"
                else:
                    noticed = []
                    for kind, regex in m.tests:
                        s = run_test(kind, regex, src, build_dir, args, mlog)
                        if s == "no such test":
                            result, detail = "NO SUCH TEST", f"{kind} {regex}"
                            break
                        if s != "ok":
                            noticed.append(f"{kind} {regex}" + (" (timeout)" if s == "timeout" else ""))
                            credited.setdefault((kind, regex), []).append(index - 1)
                            if not args.all_tests:
                                break
                    if result is None:
                        result = "caught" if noticed else "SURVIVED"
                        detail = ("by " + ", ".join(noticed)) if noticed else "every named test passed"
            finally:
                write_files(src, originals)
        rows.append((index, m, result, detail, time.time() - t0))
        log(f"[{index}/{len(mutations)}] {m.name}: {result} ({time.time() - t0:.0f} s) {detail}")

    # Unmutated again: every test that caught a mutation must pass here, else the catch
    # proves nothing (it is run after the mutations, only for the tests that were credited).
    build(build_dir, args, setup_log, targets)
    if not args.no_baseline:
        for (kind, regex), indexes in credited.items():
            t0 = time.time()
            status = run_test(kind, regex, src, build_dir, args, setup_log)
            log(f"without mutation: {kind} {regex}: {status} ({time.time() - t0:.0f} s)")
            if status != "ok":
                for i in indexes:
                    index, m, _, _, seconds = rows[i]
                    rows[i] = (index, m, "NOT JUDGED",
                               f"{kind} {regex} fails without the mutation too", seconds)

    width = max(len(m.name) for m in mutations) if mutations else 10
    table = [f"{'#':>3}  {'mutation':<{width}}  {'result':<14}  {'time':>6}  detail"]
    for index, m, result, detail, seconds in rows:
        table.append(f"{index:>3}  {m.name:<{width}}  {result:<14}  {seconds:>5.0f}s  {detail}")
    survivors = [m.name for _, m, result, _, _ in rows if result != "caught"]
    table.append("")
    if survivors:
        table.append(f"{len(rows) - len(survivors)} of {len(rows)} caught; not caught: "
                     + ", ".join(survivors))
    else:
        table.append(f"all caught ({len(rows)} of {len(rows)})")
    text = "\n".join(table)
    log("")
    log(text)
    with open(os.path.join(scratch, "results.txt"), "w") as f:
        f.write(text + "\n")
    return 1 if survivors else 0


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--check", action="store_true",
                   help="only check that every entry is well-formed, applies to --source-dir and "
                        "names tests that exist (in --build-dir for ctest names); no build")
    p.add_argument("--source-dir", default=DEFAULT_SOURCE, help="the repository (default: this one)")
    p.add_argument("--build-dir", help="with --check: a build of --source-dir to look ctest names up in")
    p.add_argument("--catalogue",
                   help="the folder of entries (default: test/mutation/catalogue of the tree checked)")
    p.add_argument("--only", help="run only the entries whose name matches this regular expression")
    p.add_argument("--skip", help="leave out the entries whose name matches this regular expression")
    p.add_argument("--rev", default="HEAD",
                   help="the commit to copy (default HEAD); see --work-tree")
    p.add_argument("--work-tree", action="store_true",
                   help="copy the work tree as it is (uncommitted edits included) instead of --rev")
    p.add_argument("--scratch", default=os.environ.get("TASK_SCAN_MUTATION_DIR",
                                                       os.path.join("/tmp", "task-scan-mutation")),
                   help="folder for the copy, its build and the logs; kept between runs so "
                        "that the next run builds incrementally (default $TASK_SCAN_MUTATION_DIR "
                        "or /tmp/task-scan-mutation)")
    p.add_argument("-j", "--jobs", type=int, default=2, help="build jobs (default 2)")
    p.add_argument("--timeout", type=int, default=900, help="seconds for one test command")
    p.add_argument("--prefix-path", default="/usr/lib/llvm-19", help="CMAKE_PREFIX_PATH for LLVM")
    p.add_argument("--cmake-arg", action="append", default=[], help="extra configure argument")
    p.add_argument("--lit", default=LIT, help="lit.py")
    p.add_argument("--no-baseline", action="store_true",
                   help="skip running each test that caught a mutation once more without it")
    p.add_argument("--all-tests", action="store_true",
                   help="run every named test of a mutation even after one noticed it")
    args = p.parse_args()
    args.source_dir = os.path.abspath(args.source_dir)
    if args.work_tree:
        args.rev = None
    if args.check:
        return check(args)
    return run_all(args)


if __name__ == "__main__":
    sys.exit(main())
