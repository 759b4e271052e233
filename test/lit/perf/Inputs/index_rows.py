# Prints whether the result cache index has many file rows, and the rows
# whose path names no file (real paths always name one).
import os
import sys

lines = open(sys.argv[1]).read().split("\n")
start = next(i for i, l in enumerate(lines) if l.startswith("files "))
count = int(lines[start].split()[1])
rows = [l.split(" ", 3) for l in lines[start + 1:start + 1 + count]]
files = [r[3] for r in rows if r[0] != "-"]
# Rows whose path starts with "/./" name a file as the compiler opened it
# (checked so that a re-pointed symbolic link is seen): they exist; every
# other row is a real path.
lookups = [f for f in files if f.startswith("/./")]
files = [f for f in files if not f.startswith("/./")]
missing = [f for f in files if not os.path.isfile(f) or os.path.realpath(f) != f]
missing += [f for f in lookups if not os.path.isfile(f)]
print("rows", len(files) > 50, "lookups", len(lookups) > 50, "missing", missing)
