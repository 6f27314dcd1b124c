#!/usr/bin/env python3
"""Hostile pyc files: `pyasm disasm FILE.pyc` on every testdata/bad-pyc/*.pyc
must exit 1, print nothing on standard output, print exactly FILE.expected on
standard error (a `FILE.pyc:0xOFFSET: error: ...` diagnostic), and stay
within bounded time and memory (the child's peak RSS, from wait4).

    check_bad_pyc.py PYASM DIR [--max-rss-mb N] [--timeout S]

PYASM_UPDATE_GOLDEN=1 rewrites the .expected files (review the diff).
tools/gen_bad_pyc.py writes the pyc files.
"""
import argparse
import os
import resource
import subprocess
import sys
import time


def run(pyasm, name, cwd, timeout):
    start = time.monotonic()
    p = subprocess.Popen([pyasm, "disasm", name], cwd=cwd, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        p.communicate()
        return None
    return p.returncode, out, err.decode("utf-8", "replace"), time.monotonic() - start


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("pyasm")
    ap.add_argument("dir")
    ap.add_argument("--max-rss-mb", type=int, default=100)
    ap.add_argument("--timeout", type=float, default=10)
    args = ap.parse_args()
    pyasm = os.path.abspath(args.pyasm)
    update = bool(os.environ.get("PYASM_UPDATE_GOLDEN"))
    names = sorted(n for n in os.listdir(args.dir) if n.endswith(".pyc"))
    if len(names) < 20:
        print("expected at least 20 pyc files in %s, found %d" % (args.dir, len(names)))
        return 1
    failures, peak = [], 0
    for name in names:
        r = run(pyasm, name, args.dir, args.timeout)
        # ru_maxrss of RUSAGE_CHILDREN is the largest of any waited-for child.
        peak = max(peak, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)
        if r is None:
            failures.append("%s: no answer within %g s" % (name, args.timeout))
            continue
        code, out, err, secs = r
        expected_path = os.path.join(args.dir, name[:-4] + ".expected")
        if update:
            with open(expected_path, "w") as f:
                f.write(err)
        expected = open(expected_path).read() if os.path.exists(expected_path) else None
        if code != 1:
            failures.append("%s: exit %d, expected 1\n%s" % (name, code, err))
        elif out:
            failures.append("%s: wrote %d bytes on standard output" % (name, len(out)))
        elif expected is None:
            failures.append("%s: no %s" % (name, os.path.basename(expected_path)))
        elif err != expected:
            failures.append("%s: diagnostics differ\n--- expected\n%s--- got\n%s" %
                            (name, expected, err))
        elif not err.startswith(name + ":0x") or ": error: " not in err:
            failures.append("%s: not a FILE.pyc:0xOFFSET: error: diagnostic: %s" % (name, err))
        if peak > args.max_rss_mb:
            failures.append("%s: peak RSS %d MB, limit %d MB" % (name, peak, args.max_rss_mb))
            break
    for f in failures:
        print("FAIL " + f)
    print("%d hostile pyc files, %d failures, peak RSS %d MB (limit %d)" %
          (len(names), len(failures), peak, args.max_rss_mb))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
