#!/usr/bin/env python3
"""Assemble the .pyasm programs of a directory, run them with a real CPython, compare.

    run_programs.py --pyasm PATH --version 3.X DIR

For every DIR/NAME.pyasm (sorted by name):
  1. `pyasm build NAME.pyasm -o TMP/NAME.pyc`; a non-zero exit is a failure.
  2. `python3.X -I TMP/NAME.pyc` (timeout 30 s); its stdout must equal NAME.expected
     byte for byte (a diff is shown otherwise) and its exit status must be 0.
  3. If NAME.py exists (a "mirrored" program), a script run by python3.X loads the
     pyc's code object and compares it, recursively, with compile(NAME.py source,
     <the pyc's co_filename>, 'exec'): co_code, co_consts (nested code objects
     compared the same way), co_names, co_varnames, co_cellvars, co_freevars,
     co_nlocals, co_stacksize, co_flags, co_argcount, co_posonlyargcount (3.8+),
     co_kwonlyargcount, co_firstlineno, co_name, co_filename, co_qualname (3.11+),
     co_lnotab (up to 3.9) or co_linetable (3.10+), co_exceptiontable (3.11+).
     The pyc header is 12 bytes on 3.6 and 16 from 3.7 (PEP 552).
     A mirrored .pyasm must not hold a `.stacksize` directive (the stack size
     must be computed by pyasm).

Versions 3.6 to 3.13 are supported. The interpreter is $PYENV_ROOT (or `pyenv root`,
or ~/.pyenv) /versions/3.X.*/bin/python3.X.
Exit status: 0 all passed, 1 some failed, 77 interpreter not installed (CTest: skipped),
2 usage errors. Standard library only; runs under any python3 >= 3.8.
"""
import argparse
import difflib
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'tools'))
from interpreters import find_interpreter  # noqa: E402

TIMEOUT = 30

# Runs inside the target interpreter (3.6+): argv = PYC PY. Prints one line per
# difference and exits 1 if there is any, 0 otherwise.
COMPARE_SCRIPT = r'''
import marshal, struct, sys, types

HEADER = 12 if sys.version_info < (3, 7) else 16   # 3.6: magic, mtime, size
pyc_path, py_path = sys.argv[1], sys.argv[2]
try:
    with open(pyc_path, 'rb') as f:
        got = marshal.loads(f.read()[HEADER:])
    with open(py_path, 'rb') as f:
        want = compile(f.read(), got.co_filename, 'exec', dont_inherit=True)
except Exception as exc:
    print('  cannot compare: %s: %s' % (type(exc).__name__, exc))
    sys.exit(2)

ATTRS = ['co_name', 'co_filename', 'co_firstlineno', 'co_argcount', 'co_kwonlyargcount',
         'co_nlocals', 'co_flags', 'co_stacksize', 'co_code', 'co_consts', 'co_names',
         'co_varnames', 'co_cellvars', 'co_freevars']
if sys.version_info >= (3, 8):
    ATTRS.insert(4, 'co_posonlyargcount')
if sys.version_info >= (3, 11):
    ATTRS += ['co_qualname', 'co_linetable', 'co_exceptiontable']
elif sys.version_info >= (3, 10):
    ATTRS += ['co_linetable']
else:
    ATTRS += ['co_lnotab']

diffs = []
code_diffs = []


def key(c):
    """A strict, comparable form of a constant: types matter (1, 1.0, True), so do
    the bits of floats; code objects are compared separately."""
    if isinstance(c, types.CodeType):
        return ('code', c.co_name)
    if isinstance(c, (tuple, frozenset)):
        items = [key(x) for x in c]
        if isinstance(c, frozenset):
            items.sort(key=repr)
        return (type(c).__name__, tuple(items))
    if isinstance(c, float):
        return ('float', struct.pack('<d', c))  # tells -0.0 and the NaNs apart
    if isinstance(c, complex):
        return ('complex', key(c.real), key(c.imag))
    return (type(c).__name__, repr(c))


def walk_codes(c):
    """The code objects inside a constant, in order."""
    if isinstance(c, types.CodeType):
        yield c
    elif isinstance(c, (tuple, frozenset)):
        for x in c:
            for y in walk_codes(x):
                yield y


def compare(a, b, path):
    for attr in ATTRS:
        x, y = getattr(a, attr), getattr(b, attr)
        if attr == 'co_consts':
            if [key(c) for c in x] != [key(c) for c in y]:
                diffs.append((path, attr, x, y))
            subs_a = [c for k in x for c in walk_codes(k)]
            subs_b = [c for k in y for c in walk_codes(k)]
            if len(subs_a) != len(subs_b):
                diffs.append((path, 'nested code objects', [c.co_name for c in subs_a],
                              [c.co_name for c in subs_b]))
            for sa, sb in zip(subs_a, subs_b):
                qual = getattr(sb, 'co_qualname', None)
                if qual is None:
                    qual = sb.co_name if a is got else path.split(' ')[0] + '.' + sb.co_name
                compare(sa, sb, '%s (line %d)' % (qual, sb.co_firstlineno))
        elif x != y or type(x) is not type(y):
            diffs.append((path, attr, x, y))
            if attr == 'co_code':
                code_diffs.append((path, a, b))
            if attr in ('co_linetable', 'co_lnotab'):
                where = first_location_difference(a, b)
                if where:
                    diffs.append((path, 'first different location', where[0], where[1]))


def locations(c):
    """(offset, location) per instruction: co_positions() on 3.11+, else the line."""
    if hasattr(c, 'co_positions'):
        return [(2 * i, p) for i, p in enumerate(c.co_positions())]
    import dis
    starts, out, line = dict(dis.findlinestarts(c)), [], None
    for off in range(0, len(c.co_code), 2):
        line = starts.get(off, line)
        out.append((off, line))
    return out


def table_entries(c):
    """Up to 3.10, the line table's own entries: (offset, line) after each co_lnotab
    pair, or (start, end, line) for each co_linetable pair (None: no line)."""
    if sys.version_info >= (3, 10):
        tab, out, off, line = c.co_linetable, [], 0, c.co_firstlineno
        for i in range(0, len(tab), 2):
            d = tab[i + 1] - 256 if tab[i + 1] >= 128 else tab[i + 1]
            if d != -128:
                line += d
            out.append((off, off + tab[i], None if d == -128 else line))
            off += tab[i]
        return list(enumerate(out))
    tab, out, off, line = c.co_lnotab, [], 0, c.co_firstlineno
    for i in range(0, len(tab), 2):
        off += tab[i]
        line += tab[i + 1] - 256 if tab[i + 1] >= 128 else tab[i + 1]
        out.append((off, line))
    return list(enumerate(out))


def first_location_difference(a, b):
    where = first_difference(locations(a), locations(b), 'offset')
    if where is None and not hasattr(a, 'co_positions'):
        where = first_difference(table_entries(a), table_entries(b), 'table entry')
    return where


def first_difference(la, lb, what):
    for n in range(max(len(la), len(lb))):
        x = la[n] if n < len(la) else None
        y = lb[n] if n < len(lb) else None
        if x != y:
            return ('%s %s: %r' % (what, x[0], x[1]) if x else 'none',
                    '%s %s: %r' % (what, y[0], y[1]) if y else 'none')
    return None


compare(got, want, '<module>')
for path, attr, x, y in diffs:
    if attr == 'first different location':
        print('      first different location: pyasm %s; CPython %s' % (x, y))
        continue
    print('  %s: %s differs' % (path, attr))
    print('      pyasm:   %r' % (x,))
    print('      CPython: %r' % (y,))
for path, a, b in code_diffs:
    import dis, re
    def listing(c):
        text = dis.Bytecode(c).dis()  # this code object only, not the nested ones
        return re.sub(r' at 0x[0-9a-f]+', '', text).splitlines()
    print('  %s: disassembly diff (pyasm vs CPython):' % path)
    diff = list(__import__('difflib').unified_diff(listing(a), listing(b), 'pyasm', 'CPython',
                                                  lineterm='', n=2))
    for line in diff[:60]:
        print('      ' + line)
    if len(diff) > 60:
        print('      ...')
sys.exit(1 if diffs else 0)
'''



def has_stacksize_directive(path):
    with open(path, encoding='utf-8') as f:
        for line in f:
            if re.match(r'\s*\.stacksize\b', line):
                return True
    return False


def text(b):
    return b.decode('utf-8', 'replace')


def run_one(name, src_dir, work, pyasm, python):
    """Returns (ok, reason, details)."""
    src = os.path.join(src_dir, name + '.pyasm')
    pyc = os.path.join(work, name + '.pyc')
    expected_path = os.path.join(src_dir, name + '.expected')
    py_path = os.path.join(src_dir, name + '.py')
    mirrored = os.path.exists(py_path)

    if not os.path.exists(expected_path):
        return False, 'no %s.expected' % name, ''
    if mirrored and has_stacksize_directive(src):
        return False, 'mirrored program holds a .stacksize directive', ''

    try:
        r = subprocess.run([pyasm, 'build', src, '-o', pyc], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return False, 'pyasm timed out', ''
    if r.returncode != 0:
        return False, 'pyasm exited with %d' % r.returncode, text(r.stdout + r.stderr)

    try:
        r = subprocess.run([python, '-I', pyc], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           cwd=work, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return False, 'timed out after %d s' % TIMEOUT, ''
    with open(expected_path, 'rb') as f:
        expected = f.read()
    problems, details = [], []
    if r.returncode != 0:
        problems.append('exit status %d' % r.returncode)
        details.append('stderr:\n' + text(r.stderr))
    if r.stdout != expected:
        problems.append('stdout differs from %s.expected' % name)
        diff = difflib.unified_diff(text(expected).splitlines(True), text(r.stdout).splitlines(True),
                                    name + '.expected', 'stdout')
        details.append(''.join(line if line.endswith('\n') else line + '\n\\ no newline\n'
                               for line in diff))
        if r.stderr and r.returncode == 0:
            details.append('stderr:\n' + text(r.stderr))

    if mirrored:
        script = os.path.join(work, '_compare.py')
        with open(script, 'w') as f:
            f.write(COMPARE_SCRIPT)
        try:
            c = subprocess.run([python, '-I', script, pyc, py_path], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, timeout=TIMEOUT)
            if c.returncode == 1:
                problems.append('code objects differ from compile(%s.py)' % name)
                details.append(text(c.stdout))
            elif c.returncode != 0:
                problems.append('the code comparison failed (exit status %d)' % c.returncode)
                details.append(text(c.stdout))
        except subprocess.TimeoutExpired:
            problems.append('code comparison timed out')

    if problems:
        return False, '; '.join(problems), '\n'.join(details)
    return True, 'mirrors %s.py' % name if mirrored else '', ''


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--pyasm', required=True, help='the pyasm executable')
    ap.add_argument('--version', required=True, help='target CPython, e.g. 3.11')
    ap.add_argument('dir', help='directory holding NAME.pyasm, NAME.expected and optional NAME.py')
    args = ap.parse_args()

    if not re.match(r'^3\.\d+$', args.version):
        ap.error('--version must look like 3.X')
    python = find_interpreter(args.version)
    if python is None:
        print('python%s not found under the pyenv versions: skipped' % args.version)
        return 77
    if not os.access(args.pyasm, os.X_OK):
        ap.error('not an executable: %s' % args.pyasm)
    names = sorted(os.path.basename(p)[:-len('.pyasm')]
                   for p in glob.glob(os.path.join(args.dir, '*.pyasm')))
    print('pyasm: %s\npython: %s\nprograms: %s (%d)' % (args.pyasm, python, args.dir, len(names)))

    passed = failed = 0
    work = tempfile.mkdtemp(prefix='pyasm-programs-')
    try:
        for name in names:
            ok, reason, details = run_one(name, args.dir, work, os.path.abspath(args.pyasm), python)
            if ok:
                passed += 1
                print('ok    %s%s' % (name, ' (%s)' % reason if reason else ''))
            else:
                failed += 1
                print('FAIL  %s: %s' % (name, reason))
                if details:
                    print('\n'.join('      ' + l for l in details.rstrip('\n').splitlines()))
            sys.stdout.flush()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if not names:
        print('no .pyasm programs in %s' % args.dir)
        failed += 1
    print('%d passed, %d failed' % (passed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
