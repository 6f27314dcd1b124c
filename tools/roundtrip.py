#!/usr/bin/env python3
"""Round-trip every installed CPython's standard library through pyasm.

For each installed interpreter 3.6-3.13, compiles its standard library
(lib/python3.X with its tests, without site-packages) into a corpus folder
with that interpreter's own compileall, then runs build/roundtrip over every
pyc: read, rebuild in process (--mode text: disassemble and assemble;
--mode marshal: the IR and its marshal notes only), compare the bytes.
A sample (every 10th module) is compiled again with -O, -OO and, on 3.7+,
the checked-hash and unchecked-hash invalidation modes.

  tools/roundtrip.py                        the CI subset, text mode, all versions
  tools/roundtrip.py --full --mode marshal  every module of every version
  tools/roundtrip.py --versions 3.8,3.11 --keep /tmp/corpus --report out.jsonl

Prints per version: files, byte-identical, failed (first differing byte and
its field), errors, and the code objects whose co_stacksize pyasm computes
differently. Exit status: 0 when every file is identical, 1 otherwise (0 with
--allow-failures), 2 on usage errors, 77 when no interpreter is installed.
See docs/roundtrip.md. Standard library only.
"""
import argparse
import collections
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from interpreters import find_interpreter  # noqa: E402

VERSIONS = ["3.6", "3.7", "3.8", "3.9", "3.10", "3.11", "3.12", "3.13"]
# Bump when the selection or the compile commands change: cached corpora
# made by an older rule are then rebuilt.
CORPUS_FORMAT = 1
SUBSET_SIZE = 300     # modules per version in --subset ...
SUBSET_LARGEST = 20   # ... of which the largest pycs
SAMPLE_EVERY = 10     # every Nth selected module also gets the variants below

# (name, interpreter options, compileall options, first minor version)
VARIANTS = [
    ("plain", [], [], 6),
    ("opt1", ["-O"], [], 6),
    ("opt2", ["-OO"], [], 6),
    ("checked-hash", [], ["--invalidation-mode", "checked-hash"], 7),
    ("unchecked-hash", [], ["--invalidation-mode", "unchecked-hash"], 7),
]


# ---- the corpus ------------------------------------------------------------------

def interpreter_env():
    """Environment for the interpreters: SOURCE_DATE_EPOCH would turn every
    pyc into a checked-hash one (-E drops the PYTHON* variables)."""
    env = dict(os.environ)
    env.pop("SOURCE_DATE_EPOCH", None)
    return env


def stdlib_dir(exe):
    return subprocess.run([exe, "-E", "-c", "import os; print(os.path.dirname(os.__file__))"],
                          stdout=subprocess.PIPE, universal_newlines=True, check=True,
                          env=interpreter_env()).stdout.strip()


def stdlib_modules(lib):
    """Every .py under lib except site-packages, as sorted relative paths."""
    out = []
    for root, dirs, files in os.walk(lib):
        dirs[:] = sorted(d for d in dirs if d not in ("site-packages", "__pycache__"))
        out += [os.path.relpath(os.path.join(root, f), lib) for f in files if f.endswith(".py")]
    return sorted(out)


def installed_pyc_size(lib, rel, version):
    """Size of the installation's own pyc of `rel` (written by make install),
    else of the source: how the largest modules are picked without compiling."""
    d, f = os.path.split(os.path.join(lib, rel))
    tag = "cpython-%s" % version.replace(".", "")
    pyc = os.path.join(d, "__pycache__", "%s.%s.pyc" % (f[:-3], tag))
    try:
        return os.path.getsize(pyc)
    except OSError:
        return os.path.getsize(os.path.join(lib, rel))


def select(lib, modules, version, full):
    """The modules of a run: all, or the fixed subset (the SUBSET_LARGEST
    largest, then evenly spaced ones in path order up to SUBSET_SIZE)."""
    if full or len(modules) <= SUBSET_SIZE:
        return list(modules)
    by_size = sorted(modules, key=lambda m: (-installed_pyc_size(lib, m, version), m))
    chosen = set(by_size[:SUBSET_LARGEST])
    rest = [m for m in modules if m not in chosen]
    need = SUBSET_SIZE - len(chosen)
    chosen.update(rest[i * len(rest) // need] for i in range(need))
    return sorted(chosen)


def corpus_key(exe, version, full):
    st = os.stat(os.path.realpath(exe))
    text = "%s|%s|%d|%s|%d" % (os.path.realpath(exe), version, st.st_mtime_ns,
                               "full" if full else "subset", CORPUS_FORMAT)
    return hashlib.sha1(text.encode()).hexdigest()[:12]


def compile_variant(exe, lib, modules, dest, interp_opts, compile_opts):
    """Copies `modules` under dest/ and compiles them there with the
    interpreter's compileall; co_filename names the installed file (-d)."""
    for rel in modules:
        os.makedirs(os.path.dirname(os.path.join(dest, rel)), exist_ok=True)
        shutil.copy2(os.path.join(lib, rel), os.path.join(dest, rel))
    cmd = [exe, "-E"] + interp_opts + ["-m", "compileall", "-q", "-j0", "-d", lib] + \
        compile_opts + [dest]
    # Exit status 1 is normal: Lib/ holds deliberately invalid sources.
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env=interpreter_env())


def pycs_under(folder):
    out = []
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        out += [os.path.join(root, f) for f in files if f.endswith(".pyc")]
    return sorted(out)


def build_corpus(exe, version, full, root):
    """The corpus folder for one version (reused when its marker matches):
    one subfolder per variant. Returns (folder, info dict)."""
    key = corpus_key(exe, version, full)
    folder = os.path.join(root, "%s-%s-%s" % (version, "full" if full else "subset", key))
    marker = os.path.join(folder, "corpus.json")
    if os.path.exists(marker):
        with open(marker) as f:
            info = json.load(f)
        info["cached"] = True
        return folder, info
    shutil.rmtree(folder, ignore_errors=True)
    start = time.time()
    lib = stdlib_dir(exe)
    modules = stdlib_modules(lib)
    chosen = select(lib, modules, version, full)
    sample = chosen[::SAMPLE_EVERY]
    info = {"interpreter": exe, "stdlib": lib, "modules": len(modules), "variants": {}}
    for name, interp_opts, compile_opts, minor in VARIANTS:
        if int(version.split(".")[1]) < minor:
            continue
        todo = chosen if name == "plain" else sample
        dest = os.path.join(folder, name)
        compile_variant(exe, lib, todo, dest, interp_opts, compile_opts)
        info["variants"][name] = {"sources": len(todo), "pycs": len(pycs_under(dest))}
    info["compile_seconds"] = round(time.time() - start, 1)
    with open(marker, "w") as f:
        json.dump(info, f, indent=1)
    info["cached"] = False
    return folder, info


# ---- running build/roundtrip ---------------------------------------------------------

CRASHES = []  # files on which the binary died: an error even with --allow-failures


def run_roundtrip(binary, mode, jobs, files, tmp, extra=()):
    """JSON results of build/roundtrip for `files`. A crash (a signal) is
    not allowed to hide the rest: the files without a result are run again
    one at a time, and the one that crashes is reported as an error."""
    results = {}
    todo = list(files)
    while todo:
        listfile = os.path.join(tmp, "files.txt")
        with open(listfile, "w") as f:
            f.write("".join(p + "\n" for p in todo))
        j = jobs if len(todo) == len(files) else 1
        proc = subprocess.run([binary, "--" + mode, "--json", "-j", str(j)] + list(extra) +
                              ["@" + listfile],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for line in proc.stdout.decode("utf-8", "replace").splitlines():
            try:
                r = json.loads(line)
            except ValueError:
                continue
            results[r["file"]] = r
        todo = [p for p in todo if p not in results]
        if todo and proc.returncode in (0, 1):
            break  # finished without a line for these: should not happen
        if todo and j == 1:  # the first missing one is the one that crashed
            CRASHES.append(todo[0])
            results[todo[0]] = {"file": todo[0], "result": "error", "version": "",
                                "detail": "roundtrip crashed (exit status %d)" % proc.returncode}
            todo = todo[1:]
    for p in files:
        results.setdefault(p, {"file": p, "result": "error", "version": "",
                               "detail": "no result from roundtrip"})
    return [results[p] for p in files]


# ---- the report ----------------------------------------------------------------------

def field_kind(field):
    """A failure's field without indices and names, to count alike ones."""
    field = re.sub(r"\[\d+\]", "[]", field or "(no field)")
    return re.sub(r" of \S+", "", field)


# What CPython's co_stacksize above pyasm's computation is expected to mean in
# each version (docs/roundtrip.md); in text mode the printer's own reason for
# each `.stacksize` is counted instead.
def lower_reason(version):
    minor = int(version.split(".")[1])
    if minor <= 9:
        return "expected: CPython measured before its peephole pass"
    if minor >= 11:
        return "expected: CPython counted unreachable code or handlers"
    return "not expected on 3.10"


def reason_counts(results):
    counts = collections.Counter()
    for r in results:
        counts.update(r.get("stack_reasons", {}))
    return counts


def stack_totals(results):
    total = collections.Counter()
    for r in results:
        for k in ("code_objects", "stack_lower", "stack_higher", "stack_unknown",
                  "explicit_stacksize", "marshal_notes", "raw_linetables", "raw_exctables",
                  "prefixes", "forced", "unverified"):
            total[k] += r.get(k, 0)
        total["files_with_notes"] += r.get("marshal_notes", 0) > 0
    return total


def print_failures(results, corpus, show):
    bad = [r for r in results if r["result"] != "identical"]
    for r in bad[:show]:
        where = "" if r["result"] == "error" else "0x%x %s: " % (r["offset"], r.get("field", ""))
        print("    %-6s %s: %s%s" % (r["result"], os.path.relpath(r["file"], corpus), where,
                                    r.get("detail", "")))
    if len(bad) > show:
        print("    ... and %d more" % (len(bad) - show))
    kinds = collections.Counter(field_kind(r.get("field")) for r in bad if r["result"] == "failed")
    for kind, n in kinds.most_common(8):
        print("    %6d failed at %s" % (n, kind))


def print_stack(version, results, corpus, mode, show):
    """co_stacksize: over every pyc, and over the plain variant alone (each
    module once); every 'higher' and 'not computed' code object is listed."""
    total = stack_totals(results)
    plain = stack_totals(r for r in results if r.get("variant") == "plain")
    print("  co_stacksize: %d code objects (%d in plain); pyasm lower %d (plain %d%s), "
          "higher %d, not computed %d" % (
              total["code_objects"], plain["code_objects"], total["stack_lower"],
              plain["stack_lower"], "" if mode == "text" else ": " + lower_reason(version),
              total["stack_higher"], total["stack_unknown"]))
    if mode == "text":
        differ = total["stack_lower"] + total["stack_higher"]
        print("  .stacksize written in the text: %d code objects%s" % (
            total["explicit_stacksize"],
            "" if total["explicit_stacksize"] == differ else
            " (but %d differ from pyasm's computation)" % differ))
        print("  the text also spelled out: raw line tables %d, raw exception tables %d, "
              "EXTENDED_ARG prefixes %d, forced by the printer's check %d; check failed in "
              "%d files" % (total["raw_linetables"], total["raw_exctables"], total["prefixes"],
                            total["forced"], total["unverified"]))
        plain_reasons = reason_counts(r for r in results if r.get("variant") == "plain")
        for reason, n in sorted(reason_counts(results).items(), key=lambda kv: -kv[1]):
            print("    .stacksize %d (plain %d): %s" % (n, plain_reasons[reason], reason))
    odd = [(r, d) for r in results for d in r.get("stack_diffs", []) if d[2] < 0 or d[2] > d[1]]
    for r, (qualname, cpython, mine) in odd[:show]:
        print("    stack %s %s: CPython %d, pyasm %s" % (
            os.path.relpath(r["file"], corpus), qualname, cpython,
            "not computed" if mine < 0 else mine))
    if len(odd) > show:
        print("    ... and %d more" % (len(odd) - show))
    return total


def report_version(version, exe, info, results, corpus, seconds, mode, show):
    counts = collections.Counter(r["result"] for r in results)
    variants = ", ".join("%s %d/%d" % (n, v["pycs"], v["sources"])
                         for n, v in info["variants"].items())
    print("%s  %s" % (version, exe))
    print("  corpus: %d pycs (%s; pycs/sources) of %d modules; compiled in %.1f s%s" % (
        len(results), variants, info["modules"], info["compile_seconds"],
        " (cached)" if info.get("cached") else ""))
    print("  roundtrip: %.1f s; identical %d, failed %d, errors %d" % (
        seconds, counts["identical"], counts["failed"], counts["error"]))
    print_failures(results, corpus, show)
    total = print_stack(version, results, corpus, mode, show)
    print("  marshal notes (where the pyc departs from the writer's rule): %d in %d of %d files"
          % (total["marshal_notes"], total["files_with_notes"], len(results)))
    return counts, total


def print_table(rows):
    head = ("version", "files", "identical", "failed", "errors", "code objs", "stack <",
            "stack >", "stack ?", ".stacksize", "notes", "compile s", "roundtrip s")
    print()
    print(" ".join("%10s" % h for h in head))
    for row in rows:
        print(" ".join("%10s" % c for c in row))


# ---- main ------------------------------------------------------------------------------

def parse_args():
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    which = ap.add_mutually_exclusive_group()
    which.add_argument("--subset", action="store_true",
                       help="the fixed CI subset (default): %d modules per version including "
                            "the %d largest" % (SUBSET_SIZE, SUBSET_LARGEST))
    which.add_argument("--full", action="store_true", help="every module of every version")
    ap.add_argument("--versions", help="comma-separated, e.g. 3.8,3.11 (default: all installed)")
    ap.add_argument("--mode", choices=("text", "marshal"), default="text")
    ap.add_argument("--roundtrip", default=os.path.join(REPO, "build", "roundtrip"),
                    help="the roundtrip binary (default: build/roundtrip)")
    ap.add_argument("--cache", default=os.path.join(REPO, "build", "roundtrip-cache"),
                    help="where compiled corpora are kept between runs "
                         "(default: build/roundtrip-cache)")
    ap.add_argument("--no-cache", action="store_true",
                    help="compile into a temporary folder and delete it")
    ap.add_argument("--keep", metavar="DIR", help="compile into (or reuse) DIR/<version>-...")
    ap.add_argument("--no-verify", action="store_true",
                    help="text mode: the printer does not check its own text (its defaults "
                         "alone: shows where they are wrong)")
    ap.add_argument("-j", "--jobs", type=int, default=0, help="roundtrip threads (0: all cores)")
    ap.add_argument("--show", type=int, default=5, help="failures listed per version")
    ap.add_argument("--report", metavar="FILE", help="write every file's JSON result to FILE")
    ap.add_argument("--allow-failures", action="store_true", help="exit 0 even when not identical")
    opts = ap.parse_args()
    opts.versions = opts.versions.split(",") if opts.versions else VERSIONS
    for v in opts.versions:
        if v not in VERSIONS:
            ap.error("--versions: %s is not one of %s" % (v, ",".join(VERSIONS)))
    return opts


def run_version(version, exe, opts, root, tmp, report):
    corpus, info = build_corpus(exe, version, opts.full, root)
    files = pycs_under(corpus)
    start = time.time()
    extra = ["--no-verify"] if opts.no_verify else []
    results = run_roundtrip(opts.roundtrip, opts.mode, opts.jobs, files, tmp, extra)
    seconds = time.time() - start
    for r in results:
        r["variant"] = os.path.relpath(r["file"], corpus).split(os.sep)[0]
        if report:
            report.write(json.dumps(r) + "\n")
    counts, stack = report_version(version, exe, info, results, corpus, seconds, opts.mode,
                                   opts.show)
    return (version, len(results), counts["identical"], counts["failed"], counts["error"],
            stack["code_objects"], stack["stack_lower"], stack["stack_higher"],
            stack["stack_unknown"], stack["explicit_stacksize"], stack["marshal_notes"],
            "%.1f" % info["compile_seconds"] if not info.get("cached") else "cached",
            "%.1f" % seconds)


def main():
    opts = parse_args()
    if not os.access(opts.roundtrip, os.X_OK):
        print("roundtrip.py: error: no roundtrip binary at %s (cmake --build build)"
              % opts.roundtrip, file=sys.stderr)
        return 2
    found = [(v, find_interpreter(v)) for v in opts.versions]
    for v, exe in found:
        if not exe:
            print("%s  skipped: not installed" % v)
    found = [(v, exe) for v, exe in found if exe]
    if not found:
        return 77
    tmp = tempfile.mkdtemp(prefix="pyasm-roundtrip-")
    root = opts.keep or (os.path.join(tmp, "corpus") if opts.no_cache else opts.cache)
    report = open(opts.report, "w") if opts.report else None
    print("roundtrip: %s mode, %s corpus\n" % (opts.mode, "full" if opts.full else "subset"))
    try:
        rows = [run_version(v, exe, opts, root, tmp, report) for v, exe in found]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if report:
            report.close()
    print_table(rows)
    if CRASHES:
        print("\nroundtrip crashed on %d files (never allowed):" % len(CRASHES))
        for path in CRASHES:
            print("  " + path)
        return 1
    clean = all(row[1] == row[2] for row in rows)
    return 0 if clean or opts.allow_failures else 1


if __name__ == "__main__":
    sys.exit(main())
