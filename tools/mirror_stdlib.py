#!/usr/bin/env python3
"""Mirror a standard library through pyasm and compare with CPython.

For each module of a version's standard library: tools/py2pyasm.py (run by
that interpreter) writes its .pyasm twin, pyasm assembles it, and every field
of every code object is compared with compile() of the source
(tests/run_programs.py's comparison). Prints one line per module and a
summary of which fields differed how often.

Usage: tools/mirror_stdlib.py --pyasm build/pyasm --version 3.12 [--limit N] [--all]
  By default the top-level modules of Lib/ (not packages, not tests);
  --all takes every .py file under Lib/ except site-packages (slow).
Standard library only.
"""
import argparse
import collections
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests"))
import run_programs  # noqa: E402  (COMPARE_SCRIPT, find_interpreter)


def modules(libdir, everything):
    if not everything:
        return sorted(os.path.join(libdir, f) for f in os.listdir(libdir)
                      if f.endswith(".py") and not f.startswith("_"))
    out = []
    for root, dirs, files in os.walk(libdir):
        dirs[:] = [d for d in dirs if d != "site-packages"]
        out += [os.path.join(root, f) for f in files if f.endswith(".py")]
    return sorted(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pyasm", required=True)
    ap.add_argument("--version", required=True)
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--all", action="store_true")
    opts = ap.parse_args()
    exe = run_programs.find_interpreter(opts.version)
    if not exe:
        print("%s: skipped (no interpreter)" % opts.version)
        return 77
    libdir = subprocess.run([exe, "-I", "-c", "import os; print(os.path.dirname(os.__file__))"],
                            capture_output=True, text=True, check=True).stdout.strip()
    files = modules(libdir, opts.all)[: opts.limit or None]
    fields = collections.Counter()
    counts = collections.Counter()
    with tempfile.TemporaryDirectory() as tmp:
        compare = os.path.join(tmp, "_compare.py")
        with open(compare, "w") as f:
            f.write(run_programs.COMPARE_SCRIPT)
        for path in files:
            name = os.path.relpath(path, libdir).replace(os.sep, "_")[:-3]
            src = os.path.join(tmp, name + ".py")
            with open(path, "rb") as fi, open(src, "wb") as fo:
                fo.write(fi.read())
            asm, pyc = src[:-3] + ".pyasm", src[:-3] + ".pyc"
            gen = subprocess.run([exe, os.path.join(HERE, "py2pyasm.py"), src],
                                 capture_output=True, text=True, cwd=tmp)
            if gen.returncode != 0:
                counts["not compiled by CPython or not written"] += 1
                print("skip %s: %s" % (name, (gen.stderr.strip().splitlines() or ["?"])[-1]))
                continue
            with open(asm, "w") as f:
                f.write(gen.stdout)
            build = subprocess.run([opts.pyasm, "build", asm, "-o", pyc], capture_output=True,
                                   text=True)
            if build.returncode != 0:
                counts["rejected by pyasm"] += 1
                print("FAIL %s: %s" % (name, build.stderr.splitlines()[0]))
                continue
            cmp = subprocess.run([exe, "-I", compare, pyc, src], capture_output=True, text=True,
                                 cwd=tmp)
            if cmp.returncode == 0:
                counts["identical"] += 1
                print("ok   %s" % name)
                continue
            counts["differ"] += 1
            for line in cmp.stdout.splitlines():
                if "differs" in line:
                    fields[line.split(":")[-1].strip()] += 1
            print("DIFF %s: %s" % (name, " ".join(cmp.stdout.split())[:200]))
    print("%s: %d modules: %s" % (opts.version, len(files),
                                   ", ".join("%d %s" % (n, k) for k, n in counts.items())))
    for field, n in fields.most_common():
        print("  %4d x %s" % (n, field))
    return 0


if __name__ == "__main__":
    sys.exit(main())
