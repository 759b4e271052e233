#!/usr/bin/env python3
"""Keeps the user documentation true to the code.

  check_docs.py <source dir> <task-scan executable>

- every check of the catalogue (lib/Support/Checks.cpp, which test/sarif
  holds to the names the sources report) has its entry in docs/checks.md (a
  "### name" heading), and every entry there names a check it still has;
- every option `task-scan --help` lists appears in docs/command-line.md;
- the release README.md tells users to pin is this version's tag;
- every relative link in README.md, CONTRIBUTING.md, ARCHITECTURE.md and
  docs/*.md names a file that exists (and a heading that exists, for
  "file.md#anchor").

Prints each problem and exits 1 when there is one.
"""
import pathlib
import re
import subprocess
import sys

CHECK_LITERAL = re.compile(r'"(task-scan-[a-z0-9-]*[a-z0-9]|clang-diagnostic-error)"')


def checks_in_code(root):
    """The catalogue of checks (lib/Support/Checks.cpp), which the SARIF rules
    come from and test/sarif holds to the check names the sources report."""
    text = (root / "lib" / "Support" / "Checks.cpp").read_text()
    return set(re.findall(r'^\s*\{' + CHECK_LITERAL.pattern + ',', text, re.M))


def checks_documented(root):
    text = (root / "docs" / "checks.md").read_text()
    return set(re.findall(r"^### ([a-z0-9-]+)\s*$", text, re.M))


def help_options(executable):
    out = subprocess.run([executable, "--help"], capture_output=True, text=True, check=True).stdout
    # "  --name=<value>   - description" or "  -p <dir>  - ...": the option's spelling.
    return sorted(set(re.findall(r"^\s{2,}(--?[A-Za-z][A-Za-z0-9-]*)", out, re.M)))


def anchor(heading):
    # GitHub's: lower case, punctuation dropped, spaces to '-'.
    text = heading.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def broken_links(root):
    pages = [root / "README.md", root / "CONTRIBUTING.md", root / "ARCHITECTURE.md"]
    pages += sorted((root / "docs").glob("*.md"))
    problems = []
    for page in pages:
        if not page.exists():
            problems.append(f"{page.relative_to(root)} does not exist")
            continue
        text = page.read_text()
        text = re.sub(r"```.*?```", "", text, flags=re.S)  # links in code are not links
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if re.match(r"^[a-z]+://", target) or target.startswith("mailto:"):
                continue
            file_part, _, fragment = target.partition("#")
            linked = (page.parent / file_part).resolve() if file_part else page
            where = f"{page.relative_to(root)}: link '{target}'"
            if not linked.exists():
                problems.append(f"{where}: no such file")
            elif fragment and linked.suffix == ".md":
                headings = re.findall(r"^#+\s+(.*)$", linked.read_text(), re.M)
                if fragment not in {anchor(h) for h in headings}:
                    problems.append(f"{where}: no heading with anchor '#{fragment}'")
    return problems


def release_references(root):
    """The README names the release users pin (pre-commit's `rev:`, FetchContent's
    GIT_TAG): it must be this version's tag, and the tag must exist where the
    repository's tags are known."""
    version = re.search(r"project\(task-scan VERSION ([0-9.]+)", (root / "CMakeLists.txt").read_text())
    if not version:
        return ["CMakeLists.txt: no project(task-scan VERSION ...)"]
    tag = "v" + version.group(1)
    readme = (root / "README.md").read_text()
    named = re.findall(r"(?:rev:|GIT_TAG)\s+([\w.+-]+)", readme)
    problems = [f"README.md: names release '{n}', but this is {tag}" for n in named if n != tag]
    if not named:
        problems.append("README.md: names no release (rev: / GIT_TAG)")
    tags = subprocess.run(["git", "-C", str(root), "tag", "--list"], capture_output=True, text=True)
    if tags.returncode == 0 and tags.stdout.strip() and tag not in tags.stdout.split():
        problems.append(f"README.md: names release {tag}, which is not a tag of this repository")
    return problems


def main():
    root = pathlib.Path(sys.argv[1]).resolve()
    executable = sys.argv[2]
    problems = []
    code, documented = checks_in_code(root), checks_documented(root)
    for name in sorted(code - documented):
        problems.append(f"docs/checks.md: no entry for check '{name}' (the code reports it)")
    for name in sorted(documented - code):
        problems.append(f"docs/checks.md: entry for '{name}', a check the code no longer has")
    command_line = (root / "docs" / "command-line.md").read_text()
    for option in help_options(executable):
        if not re.search(r"(?<![\w-])" + re.escape(option) + r"(?![\w-])", command_line):
            problems.append(f"docs/command-line.md: option '{option}' of task-scan --help is not described")
    problems += broken_links(root)
    problems += release_references(root)
    for p in problems:
        print(f"check_docs: {p}")
    print(f"check_docs: {len(code)} checks, {len(help_options(executable))} options, "
          f"{len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
