#!/usr/bin/env python3
"""pyasm disasm against real CPython output.

    check_disasm.py --pyasm PATH --version 3.X DIR     round trip
    check_disasm.py --pyasm PATH --edit                hand edits, every version

Round trip: every DIR/*.py is compiled by python3.X (py_compile, into a temporary
folder), then `pyasm disasm` prints it and `pyasm build` assembles the text; the
result must equal the pyc byte for byte.

Hand edits: a small program is compiled by each installed interpreter, disassembled,
edited as a person would (its greeting constant changed, a print inserted at the start
of the module, which moves every jump and line entry after it), assembled and run;
the output must show both edits.

Exit status: 0 all passed, 1 some failed, 77 no interpreter for the versions asked
(CTest: skipped), 2 usage errors. Standard library only.
"""
import argparse
import glob
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'tools'))
from interpreters import find_interpreter  # noqa: E402

COMPILE = ('import py_compile, sys; '
           'py_compile.compile(sys.argv[1], cfile=sys.argv[2], dfile=sys.argv[3], doraise=True)')


def compile_py(exe, py, pyc):
    subprocess.run([exe, '-c', COMPILE, py, pyc, os.path.basename(py)], check=True, timeout=60)


def run(cmd):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60)


def round_trip(pyasm, exe, sources, tmp):
    failed = 0
    for py in sources:
        name = os.path.splitext(os.path.basename(py))[0]
        pyc, text, again = (os.path.join(tmp, name + ext) for ext in ('.pyc', '.pyasm', '.2.pyc'))
        compile_py(exe, py, pyc)
        dis = run([pyasm, 'disasm', pyc, '-o', text])
        build = run([pyasm, 'build', text, '-o', again]) if dis.returncode == 0 else dis
        ok = build.returncode == 0 and dis.stderr == ''
        detail = dis.stderr + build.stderr
        if ok:
            with open(pyc, 'rb') as a, open(again, 'rb') as b:
                want, got = a.read(), b.read()
            ok = want == got
            if not ok:
                at = next((i for i, (x, y) in enumerate(zip(want, got)) if x != y),
                          min(len(want), len(got)))
                detail = 'rebuilt pyc differs from byte 0x%x (%d vs %d bytes)' % (
                    at, len(want), len(got))
        print(('ok   ' if ok else 'FAIL ') + name)
        if not ok:
            print('  ' + detail.replace('\n', '\n  '))
            failed += 1
    return failed


EDIT_SOURCE = '''\
def greet(name):
    return "Hello, " + name

for who in ["world", "moon"]:
    print(greet(who))
'''
EDIT_EXPECTED = 'edited\nGoodbye, world\nGoodbye, moon\n'


def print_call(minor):
    """Instructions for print('edited') at module level, as each version calls."""
    if minor <= 10:
        return ['LOAD_NAME print', "LOAD_CONST 'edited'", 'CALL_FUNCTION 1', 'POP_TOP']
    if minor == 11:
        return ['PUSH_NULL', 'LOAD_NAME print', "LOAD_CONST 'edited'", 'PRECALL 1', 'CALL 1',
                'POP_TOP']
    if minor == 12:
        return ['PUSH_NULL', 'LOAD_NAME print', "LOAD_CONST 'edited'", 'CALL 1', 'POP_TOP']
    return ['LOAD_NAME print', 'PUSH_NULL', "LOAD_CONST 'edited'", 'CALL 1', 'POP_TOP']


def edit(text, minor):
    """Changes the greeting and inserts print('edited') before the module's first
    instruction (after RESUME from 3.11)."""
    if "'Hello, '" not in text:
        raise ValueError("no 'Hello, ' constant in the disassembly")
    text = text.replace("'Hello, '", "'Goodbye, '")
    lines = text.split('\n')
    module_instr = re.compile(r'^    [A-Z]')
    first = next(i for i, l in enumerate(lines) if module_instr.match(l))
    if lines[first].split()[0] == 'RESUME':
        first += 1
    lines[first:first] = ['    ' + ins for ins in print_call(minor)]
    return '\n'.join(lines)


def hand_edits(pyasm, tmp):
    failed = ran = 0
    py = os.path.join(tmp, 'greet.py')
    with open(py, 'w') as f:
        f.write(EDIT_SOURCE)
    for minor in range(6, 14):
        exe = find_interpreter('3.%d' % minor)
        if not exe:
            print('skip 3.%d: not installed' % minor)
            continue
        ran += 1
        pyc, text, edited = (os.path.join(tmp, 'greet%d%s' % (minor, ext))
                             for ext in ('.pyc', '.pyasm', '.edited.pyc'))
        compile_py(exe, py, pyc)
        dis = run([pyasm, 'disasm', pyc])
        detail, ok = dis.stderr, dis.returncode == 0
        if ok:
            with open(text, 'w') as f:
                f.write(edit(dis.stdout, minor))
            build = run([pyasm, 'build', text, '-o', edited])
            ok, detail = build.returncode == 0, build.stderr
        if ok:
            out = run([exe, '-I', edited])
            ok = out.stdout == EDIT_EXPECTED and out.returncode == 0
            detail = 'printed %r, expected %r\n%s' % (out.stdout, EDIT_EXPECTED, out.stderr)
        print(('ok   ' if ok else 'FAIL ') + '3.%d hand edit' % minor)
        if not ok:
            print('  ' + detail.replace('\n', '\n  '))
            failed += 1
    return failed, ran


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--pyasm', required=True)
    ap.add_argument('--version')
    ap.add_argument('--edit', action='store_true')
    ap.add_argument('dir', nargs='?')
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.edit:
            failed, ran = hand_edits(args.pyasm, tmp)
            if not ran:
                return 77
        else:
            if not args.version or not args.dir:
                ap.error('round trip needs --version and DIR')
            exe = find_interpreter(args.version)
            if not exe:
                print('skip: python%s is not installed' % args.version)
                return 77
            sources = sorted(glob.glob(os.path.join(args.dir, '*.py')))
            failed = round_trip(args.pyasm, exe, sources, tmp)
            print('%d passed, %d failed' % (len(sources) - failed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
