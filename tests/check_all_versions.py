#!/usr/bin/env python3
"""One program, every version: greet.pyasm for CPython 3.6 to 3.13.

    check_all_versions.py --pyasm PATH TESTDATA_PROGRAMS_DIR

TESTDATA_PROGRAMS_DIR holds 3.6/ ... 3.13/, each with greet.py, greet.expected and
greet.pyasm (the .pyasm twin of greet.py that the version's own interpreter wrote with
tools/py2pyasm.py). Checks, one output line each:
  - every 3.X/greet.py is the same file, and so is every 3.X/greet.expected;
  - for each version: 3.X/greet.pyasm exists and says `.python 3.X`, `pyasm build`
    assembles it, and python3.X runs the pyc (-I, timeout 30 s) with exit status 0
    and stdout equal to greet.expected byte for byte. A version whose interpreter
    is not installed is printed as `3.X: skipped (no interpreter)`.
The last line is `N passed, M failed` (the two identity checks and the versions
that ran; skipped versions count in neither).

The interpreter is $PYENV_ROOT (or `pyenv root`, or ~/.pyenv) /versions/3.X.*/bin/python3.X,
as in run_programs.py. Exit status: 0 all passed, 1 some check failed, 77 no
interpreter at all and nothing failed (CTest: skipped), 2 usage errors.
Standard library only; runs under any python3 >= 3.6.
"""
import argparse
import difflib
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'tools'))
from interpreters import find_interpreter, pyenv_root  # noqa: E402

VERSIONS = ['3.6', '3.7', '3.8', '3.9', '3.10', '3.11', '3.12', '3.13']
NAME = 'greet'
TIMEOUT = 30



def text(b):
    return b.decode('utf-8', 'replace')


def indent(s):
    return '\n'.join('      ' + line for line in s.rstrip('\n').splitlines())


def read(path):
    try:
        with open(path, 'rb') as f:
            return f.read()
    except OSError:
        return None


def check_identical(root, filename):
    """(ok, line, details): every 3.X/filename exists and has the same bytes."""
    contents = {v: read(os.path.join(root, v, filename)) for v in VERSIONS}
    missing = [v for v in VERSIONS if contents[v] is None]
    if missing:
        return False, '%s: FAIL (missing in %s)' % (filename, ', '.join(missing)), ''
    ref = contents[VERSIONS[0]]
    differ = [v for v in VERSIONS if contents[v] != ref]
    if differ:
        v = differ[0]
        diff = ''.join(difflib.unified_diff(
            text(ref).splitlines(True), text(contents[v]).splitlines(True),
            '%s/%s' % (VERSIONS[0], filename), '%s/%s' % (v, filename)))
        return (False, '%s: FAIL (%s differ%s from %s/%s)' % (
            filename, ', '.join(differ), 's' if len(differ) == 1 else '', VERSIONS[0], filename),
            diff)
    return True, '%s: identical in all %d versions' % (filename, len(VERSIONS)), ''


def check_version(root, version, pyasm, python, work):
    """(status, line, details); status is 'ok', 'fail' or 'skip'."""
    d = os.path.join(root, version)
    src = os.path.join(d, NAME + '.pyasm')
    expected = read(os.path.join(d, NAME + '.expected'))
    source = read(src)
    if source is None:
        return 'fail', '%s: FAIL (no %s/%s.pyasm)' % (version, version, NAME), ''
    if expected is None:
        return 'fail', '%s: FAIL (no %s/%s.expected)' % (version, version, NAME), ''
    m = re.search(r'^[ \t]*\.python[ \t]+(\S+)', text(source), re.M)
    if not m or m.group(1) != version:
        return ('fail', '%s: FAIL (%s.pyasm says %s, not .python %s)'
                % (version, NAME, '.python ' + m.group(1) if m else 'no .python', version), '')
    if python is None:
        return 'skip', '%s: skipped (no interpreter)' % version, ''

    pyc = os.path.join(work, '%s-%s.pyc' % (NAME, version))
    try:
        r = subprocess.run([pyasm, 'build', src, '-o', pyc], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return 'fail', '%s: FAIL (pyasm timed out)' % version, ''
    if r.returncode != 0:
        return ('fail', '%s: FAIL (pyasm exited with %d)' % (version, r.returncode),
                text(r.stdout + r.stderr))
    try:
        r = subprocess.run([python, '-I', pyc], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           cwd=work, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return 'fail', '%s: FAIL (timed out after %d s)' % (version, TIMEOUT), ''
    problems, details = [], []
    if r.returncode != 0:
        problems.append('exit status %d' % r.returncode)
        details.append('stderr:\n' + text(r.stderr))
    if r.stdout != expected:
        problems.append('stdout differs from %s.expected' % NAME)
        details.append(''.join(difflib.unified_diff(
            text(expected).splitlines(True), text(r.stdout).splitlines(True),
            NAME + '.expected', 'stdout')))
    if problems:
        return 'fail', '%s: FAIL (%s)' % (version, '; '.join(problems)), '\n'.join(details)
    return 'ok', '%s: ok (%s)' % (version, python), ''


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--pyasm', required=True, help='the pyasm executable')
    ap.add_argument('dir', help='testdata/programs: holds 3.6/ ... 3.13/')
    args = ap.parse_args()
    if not os.access(args.pyasm, os.X_OK):
        ap.error('not an executable: %s' % args.pyasm)
    if not os.path.isdir(args.dir):
        ap.error('not a directory: %s' % args.dir)
    pyasm = os.path.abspath(args.pyasm)
    root = pyenv_root()

    passed = failed = skipped = 0
    results = [check_identical(args.dir, NAME + '.py'),
               check_identical(args.dir, NAME + '.expected')]
    for ok, line, details in results:
        print(line)
        if details:
            print(indent(details))
        if ok:
            passed += 1
        else:
            failed += 1
    work = tempfile.mkdtemp(prefix='pyasm-versions-')
    try:
        for version in VERSIONS:
            status, line, details = check_version(args.dir, version, pyasm,
                                                  find_interpreter(version, root), work)
            print(line)
            if details:
                print(indent(details))
            sys.stdout.flush()
            if status == 'ok':
                passed += 1
            elif status == 'skip':
                skipped += 1
            else:
                failed += 1
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print('%d passed, %d failed' % (passed, failed))
    if failed:
        return 1
    if skipped == len(VERSIONS):
        return 77
    return 0


if __name__ == '__main__':
    sys.exit(main())
