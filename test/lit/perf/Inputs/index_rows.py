# Prints whether the result cache index has many file rows, and the rows
# whose path names no file (real paths always name one).
import os
import sys

lines = open(sys.argv[1]).read().split("\n")
start = next(i for i, l in enumerate(lines) if l.startswith("files "))
count = int(lines[start].split()[1])
rows = [l.split(" ", 3) for l in lines[start + 1:start + 1 + count]]
files = [r[3] for r in rows if r[0] != "-"]
missing = [f for f in files if not os.path.isfile(f) or os.path.realpath(f) != f]
print("rows", len(files) > 50, "missing", missing)
