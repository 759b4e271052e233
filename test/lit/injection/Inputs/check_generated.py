"""check_generated.py <output-dir> [--expect TEXT ...]

Reads every file task-scan generated into <output-dir> the way its consumer
does and fails (exit 1, one line per problem) when any of them could run
something it should not:

- Dockerfile, Dockerfile.fragment: after joining continuation lines, only
  FROM, LABEL, COPY and RUN instructions (case-insensitive, as Docker reads
  them); every word reads back without a `$` expansion (Docker's word
  processing, the default escape character); COPY in the JSON form; RUN
  only in the exec (JSON) form as the executable's `--check-tasks`.
- flyte_tasks.py: compiles, and its AST holds only imports of flytekit,
  datetime and typing, assignments of CppContainerTask(...) calls whose
  arguments are literals, ContainerTask.MetadataFormat.PROTO or calls of
  kwtypes, Resources, TaskMetadata, datetime.timedelta, FlyteFile and
  typing.List, `__all__`, comments and the class CppContainerTask (fixed
  code: EmitterTest checks that it is emitted verbatim, and here no
  --expect TEXT may appear in it): no os.system, no exec, no other
  statement.
- manifest.json, docker-bake.json: parse as JSON.
- entrypoint.cpp: every preprocessor directive is an #include of the
  runtime, a standard header or a quoted relative header; no call of
  system/popen/exec*.

--expect TEXT: TEXT must appear, as a value, in manifest.json (so a test
shows that a hostile value was kept and escaped, not dropped).
"""
import ast
import json
import os
import re
import sys

problems = []


def problem(path, message):
    problems.append(f"{path}: {message}")


def docker_words(text):
    """Docker's word processing of one instruction's arguments."""
    words, cur, i, have = [], [], 0, False
    while i < len(text):
        c = text[i]
        if c in " \t":
            if have:
                words.append("".join(cur))
                cur, have = [], False
            i += 1
            continue
        have = True
        if c == "$":
            raise ValueError("unescaped '$' (a variable expansion)")
        if c == "\\":
            if i + 1 == len(text):
                raise ValueError("trailing backslash")
            cur.append(text[i + 1])
            i += 2
            continue
        if c == "'":
            end = text.find("'", i + 1)
            if end < 0:
                raise ValueError("unterminated single quote")
            cur.append(text[i + 1:end])
            i = end + 1
            continue
        if c == '"':
            i += 1
            while True:
                if i >= len(text):
                    raise ValueError("unterminated double quote")
                d = text[i]
                if d == '"':
                    i += 1
                    break
                if d == "$":
                    raise ValueError("unescaped '$' in double quotes")
                if d == "\\" and i + 1 < len(text) and text[i + 1] in '"$\\':
                    cur.append(text[i + 1])
                    i += 2
                    continue
                cur.append(d)
                i += 1
            continue
        cur.append(c)
        i += 1
    if have:
        words.append("".join(cur))
    return words


def read_utf8(path):
    """The file's text; a problem (and the text with replacements) if not UTF-8."""
    with open(path, "rb") as f:
        data = f.read()
    try:
        return data.decode("utf-8"), True
    except UnicodeDecodeError:
        problem(path, "not UTF-8")
        return data.decode("utf-8", "replace"), False


def check_dockerfile(path):
    text, ok = read_utf8(path)
    if not ok:
        return
    if "\r" in text:
        problem(path, "carriage return")
    # Join continuation lines (a trailing backslash), skip comments.
    instructions, pending = [], ""
    for line in text.split("\n"):
        if not pending and line.lstrip().startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1]
            continue
        full = pending + line
        pending = ""
        if full.strip():
            instructions.append(full.strip())
    if pending:
        problem(path, "ends inside a continued line")
    for ins in instructions:
        keyword, _, rest = ins.partition(" ")
        keyword = keyword.upper()
        if keyword not in ("FROM", "LABEL", "COPY", "RUN"):
            problem(path, f"unexpected instruction: {ins!r}")
            continue
        if keyword in ("COPY", "RUN"):
            # RUN: the self-check, exec form only (no shell ever reads it).
            if not rest.startswith("["):
                problem(path, f"{keyword} not in the JSON form: {ins!r}")
                continue
            try:
                args = json.loads(rest)
            except ValueError as e:
                problem(path, f"{keyword} arguments are not JSON ({e}): {ins!r}")
                continue
            if keyword == "RUN":
                if not (isinstance(args, list) and len(args) >= 2 and args[1] == "--check-tasks"):
                    problem(path, f"RUN is not the executable's --check-tasks: {ins!r}")
                continue
            if not (isinstance(args, list) and len(args) == 2):
                problem(path, f"COPY takes a source and a destination: {ins!r}")
                continue
            for a in args:
                try:
                    if len(docker_words(a)) != 1:
                        problem(path, f"COPY argument splits: {a!r}")
                except ValueError as e:
                    problem(path, f"COPY argument {a!r}: {e}")
            continue
        try:
            words = docker_words(rest)
        except ValueError as e:
            problem(path, f"{e}: {ins!r}")
            continue
        if keyword == "FROM" and len(words) != 1:
            problem(path, f"FROM takes one image: {ins!r}")
        if keyword == "LABEL":
            for w in words:
                if "=" not in w:
                    problem(path, f"LABEL word without '=': {w!r}")


ALLOWED_CALLS = {"CppContainerTask", "kwtypes", "Resources", "TaskMetadata",
                 "datetime.timedelta", "FlyteFile", "typing.List", "List"}
ALLOWED_MODULES = {"flytekit", "flytekit.types.file", "datetime", "typing"}


def call_name(node):
    f = node.func
    if isinstance(f, ast.Name):
        return f.id
    if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name):
        return f"{f.value.id}.{f.attr}"
    return ast.dump(f)


def check_python_value(path, node):
    for sub in ast.walk(node):
        if isinstance(sub, ast.Call) and call_name(sub) not in ALLOWED_CALLS:
            problem(path, f"line {sub.lineno}: call of {call_name(sub)}")
        if isinstance(sub, (ast.Lambda, ast.NamedExpr, ast.Await, ast.Yield,
                            ast.JoinedStr, ast.ListComp, ast.GeneratorExp)):
            problem(path, f"line {sub.lineno}: unexpected {type(sub).__name__}")


def check_python(path, expected_texts=()):
    with open(path, "rb") as f:
        source = f.read()
    try:
        tree = ast.parse(source, filename=path)
        compile(tree, path, "exec")
    except (SyntaxError, ValueError) as e:
        problem(path, f"does not compile: {e}")
        return
    for stmt in tree.body:
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
            continue  # the docstring
        if isinstance(stmt, ast.Import):
            for a in stmt.names:
                if a.name not in ALLOWED_MODULES:
                    problem(path, f"line {stmt.lineno}: import {a.name}")
            continue
        if isinstance(stmt, ast.ImportFrom):
            if stmt.module not in ALLOWED_MODULES:
                problem(path, f"line {stmt.lineno}: from {stmt.module} import")
            continue
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and \
                isinstance(stmt.targets[0], ast.Name):
            name = stmt.targets[0].id
            if name == "__all__":
                if not (isinstance(stmt.value, ast.List) and
                        all(isinstance(e, ast.Constant) for e in stmt.value.elts)):
                    problem(path, f"line {stmt.lineno}: __all__ is not a list of names")
                continue
            if isinstance(stmt.value, ast.Call) and call_name(stmt.value) == "CppContainerTask":
                check_python_value(path, stmt.value)
                continue
        if isinstance(stmt, ast.ClassDef) and stmt.name == "CppContainerTask" and \
                [ast.unparse(b) for b in stmt.bases] == ["ContainerTask"]:
            text = ast.get_source_segment(source.decode("utf-8"), stmt)
            for expected in expected_texts:
                if expected in text:
                    problem(path, f"line {stmt.lineno}: {expected!r} reached the class CppContainerTask")
            continue
        problem(path, f"line {stmt.lineno}: unexpected statement {ast.dump(stmt)[:120]}")


INCLUDE = re.compile(r'^#include (<flyte/runtime\.hpp>|<[a-z_]+>|"[^"\n]*")$')


def check_entrypoint(path):
    text, _ = read_utf8(path)
    for n, line in enumerate(text.split("\n"), 1):
        stripped = line.strip()
        if stripped.startswith("#") and not INCLUDE.match(stripped):
            problem(path, f"line {n}: unexpected directive {line!r}")
        if stripped.startswith("//") and stripped.endswith("\\"):
            problem(path, f"line {n}: comment continues on the next line")
        if re.search(r"\b(system|popen|exec[lv]p?e?|fork)\s*\(", line) and \
                not stripped.startswith("//"):
            problem(path, f"line {n}: call of a process function: {line!r}")


def check_json(path):
    try:
        with open(path, "rb") as f:
            return json.loads(f.read().decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as e:
        problem(path, f"not JSON: {e}")
        return None


def values(node):
    if isinstance(node, dict):
        for k, v in node.items():
            yield k
            yield from values(v)
    elif isinstance(node, list):
        for v in node:
            yield from values(v)
    else:
        yield node


def main(argv):
    if len(argv) < 2:
        print(__doc__)
        return 2
    out, expects = argv[1], []
    rest = argv[2:]
    while rest:
        if rest[0] == "--expect" and len(rest) > 1:
            expects.append(rest[1])
            rest = rest[2:]
        else:
            print(f"unknown argument {rest[0]!r}")
            return 2
    seen = set()
    for root, _, files in os.walk(out):
        for name in files:
            path = os.path.join(root, name)
            rel = os.path.relpath(path, out)
            if name in ("Dockerfile", "Dockerfile.fragment"):
                check_dockerfile(path)
            elif name == "flyte_tasks.py":
                check_python(path, expects)
            elif name == "entrypoint.cpp":
                check_entrypoint(path)
            elif name.endswith(".json"):
                check_json(path)
            else:
                continue
            seen.add(rel if not rel.startswith("images") else name)
    for required in ("manifest.json", "entrypoint.cpp"):
        if required not in seen:
            problem(out, f"no {required} generated")
    manifest = os.path.join(out, "manifest.json")
    if expects and os.path.exists(manifest):
        data = check_json(manifest)
        found = set(str(v) for v in values(data)) if data is not None else set()
        for e in expects:
            if not any(e in v for v in found):
                problem(manifest, f"does not hold {e!r}")
    for p in problems:
        print(p)
    if not problems:
        print(f"generated files are safe: {', '.join(sorted(seen))}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
