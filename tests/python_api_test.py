#!/usr/bin/env python3
"""pyasm's Python module (python/pyasm.py) under one CPython version.

    python_api_test.py --version 3.X --module-dir DIR

Any python3 may start it: it runs itself again under that version's pyenv
interpreter (tools/interpreters.py), which imports pyasm from DIR; the
library is $PYASM_LIBRARY (CTest sets it: tests/api.cmake). There it
assembles functions written by hand and calls them, checks PyasmError's
diagnostics, and disassembles a code object compiled from real source and
assembles the text back into an equal code object. docs/api.md copies its
examples from here.

Exit status: 0 passed, 1 failed, 77 that interpreter is not installed (CTest:
skipped), 2 usage errors. Standard library only; runs on 3.6 to 3.13.
"""
import argparse
import importlib.util
import marshal
import os
import subprocess
import sys
import tempfile
import threading
import unittest
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
RUNNING = '%d.%d' % sys.version_info[:2]
MINOR = sys.version_info[1]
pyasm = None  # imported by main() from --module-dir


def functions_text():
    """A module defining add(a, b) and double_len(s), as this version's
    compiler would write them (by hand: no .python, the default is ours)."""
    resume = '    RESUME 0\n' if MINOR >= 11 else ''
    if MINOR <= 10:
        add = 'BINARY_ADD'
        call_len = '    LOAD_GLOBAL len\n    LOAD_FAST s\n    CALL_FUNCTION 1\n'
        multiply = 'BINARY_MULTIPLY'
    else:
        add = 'BINARY_OP +'
        precall = '    PRECALL 1\n' if MINOR == 11 else ''
        call_len = '    LOAD_GLOBAL NULL + len\n    LOAD_FAST s\n' + precall + '    CALL 1\n'
        multiply = 'BINARY_OP *'
    if MINOR <= 10:
        make = lambda name: '    LOAD_CONST @%s\n    LOAD_CONST "%s"\n    MAKE_FUNCTION 0\n' % (
            name, name)
    elif MINOR <= 12:
        make = lambda name: '    LOAD_CONST @%s\n    MAKE_FUNCTION 0\n' % name
    else:
        make = lambda name: '    LOAD_CONST @%s\n    MAKE_FUNCTION\n' % name
    return ('.code add(a, b)\n' + resume +
            '    LOAD_FAST a\n    LOAD_FAST b\n    %s\n    RETURN_VALUE\n.end\n' % add +
            '.code double_len(s)\n' + resume + call_len +
            '    LOAD_CONST 2\n    %s\n    RETURN_VALUE\n.end\n' % multiply +
            resume + make('add') + '    STORE_NAME add\n' +
            make('double_len') + '    STORE_NAME double_len\n' +
            '    LOAD_CONST None\n    RETURN_VALUE\n')


# Line 3, column 5: an opcode no version has.
BAD_TEXT = 'LOAD_CONST None\nNOP\n    NOT_AN_OPCODE\nRETURN_VALUE\n'

# A real program: closures, a class, a loop with try/except, a
# comprehension, a generator, keyword defaults.
SOURCE = '''
def counter(start):
    count = start
    def step(by=1):
        nonlocal count
        count += by
        return count
    return step

class Shape:
    sides = 0
    def __init__(self, name):
        self.name = name
    def describe(self):
        return "%s has %d sides" % (self.name, self.sides)

def classify(values):
    out = {}
    for v in values:
        try:
            key = "even" if int(v) % 2 == 0 else "odd"
        except ValueError:
            key = "bad"
        out.setdefault(key, []).append(v)
    return {k: sorted(vs) for k, vs in out.items()}

def squares(n):
    yield from (i * i for i in range(n))

result = classify(["1", "2", "x", "4"])
step = counter(10)
step()
total = step(5) + sum(squares(4))
'''

# 3.8: POP_BLOCK with no block, which the verifier rejects.
UNVERIFIABLE_38 = '.python 3.8\n    POP_BLOCK\n    LOAD_CONST None\n    RETURN_VALUE\n'
MAGIC_38 = b'\x55\x0d\x0d\x0a'


class AssembleTest(unittest.TestCase):
    def test_function_by_hand(self):
        code = pyasm.assemble(functions_text(), name='functions.pyasm')
        self.assertEqual(code.co_filename, 'functions.pyasm')
        namespace = {}
        exec(code, namespace)
        self.assertEqual(namespace['add'](2, 3), 5)
        self.assertEqual(namespace['add']('py', 'asm'), 'pyasm')
        self.assertEqual(namespace['double_len']('abc'), 6)

    def test_directive_must_name_this_version(self):
        other = '3.8' if RUNNING != '3.8' else '3.9'
        with self.assertRaises(pyasm.PyasmError) as caught:
            pyasm.assemble('.python %s\n' % other + functions_text())
        self.assertEqual(caught.exception.diagnostics[0].severity, 'error')
        with self.assertRaises(ValueError):
            pyasm.assemble(functions_text(), python=other)
        # Naming this version is allowed.
        self.assertIsNotNone(pyasm.assemble(functions_text(), python=RUNNING))

    def test_errors_as_data(self):
        with self.assertRaises(pyasm.PyasmError) as caught:
            pyasm.assemble(BAD_TEXT, name='bad.pyasm')
        e = caught.exception
        d = e.diagnostics[0]
        self.assertEqual((d.severity, d.file, d.line, d.column), ('error', 'bad.pyasm', 3, 5))
        self.assertIn('NOT_AN_OPCODE', d.message)
        self.assertEqual(d.offset, BAD_TEXT.index('NOT_AN'))
        self.assertTrue(str(e).startswith('bad.pyasm:3:5: error: '), str(e))
        self.assertIn('\n    NOT_AN_OPCODE\n    ^', str(e))
        self.assertTrue(e.rendered.startswith(d.rendered))

    def test_pyc_for_any_version(self):
        pyc = pyasm.assemble_pyc('.python 3.8\n    LOAD_CONST None\n    RETURN_VALUE\n')
        self.assertEqual(pyc[:4], MAGIC_38)
        pyc = pyasm.assemble_pyc('LOAD_CONST None\nRETURN_VALUE\n', python='3.8')
        self.assertEqual(pyc[:4], MAGIC_38)
        # No directive, no python: the running interpreter's.
        pyc = pyasm.assemble_pyc(functions_text())
        self.assertEqual(pyc[:4], importlib.util.MAGIC_NUMBER)

    def test_verify_off(self):
        with self.assertRaises(pyasm.PyasmError) as caught:
            pyasm.assemble_pyc(UNVERIFIABLE_38)
        self.assertEqual(caught.exception.diagnostics[0].line, 2)
        self.assertEqual(pyasm.assemble_pyc(UNVERIFIABLE_38, verify=False)[:4], MAGIC_38)

    def test_include(self):
        with tempfile.TemporaryDirectory() as folder:
            with open(os.path.join(folder, 'body.pyasm'), 'w') as f:
                f.write(functions_text())
            text = '.include "body.pyasm"\n'
            code = pyasm.assemble(text, include_dirs=[folder])
            namespace = {}
            exec(code, namespace)
            self.assertEqual(namespace['add'](1, 2), 3)
            with self.assertRaises(pyasm.PyasmError):
                pyasm.assemble(text, include_dirs=[folder], includes=False)

    def test_threads(self):
        want = pyasm.assemble_pyc(functions_text())
        got = []

        def work():
            for _ in range(10):
                got.append(pyasm.assemble_pyc(functions_text()) == want)
        threads = [threading.Thread(target=work) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(got, [True] * 40)


class DisassembleTest(unittest.TestCase):
    def test_code_object_round_trip(self):
        code = compile(SOURCE, 'shapes.py', 'exec')
        text = pyasm.disassemble(code)
        self.assertIn('.python ' + RUNNING, text)
        again = pyasm.assemble(text)
        self.assertEqual(again, code)
        # Byte for byte, as a pyc. marshal.dumps sets FLAG_REF by reference
        # count, so `again` changed what it writes for `code`: dump once.
        pyc = pyasm._pyc_header() + marshal.dumps(code)
        self.assertEqual(pyasm.assemble_pyc(pyasm.disassemble(pyc)), pyc)
        namespace = {}
        exec(again, namespace)
        self.assertEqual(namespace['result'], {'odd': ['1'], 'even': ['2', '4'], 'bad': ['x']})
        self.assertEqual(namespace['total'], 16 + 14)
        self.assertEqual(namespace['Shape']('square').describe(), 'square has 0 sides')

    def test_pyc_bytes(self):
        pyc = pyasm.assemble_pyc('LOAD_CONST "hi"\nRETURN_VALUE\n', python='3.8')
        text = pyasm.disassemble(pyc)
        self.assertIn('.python 3.8', text)
        self.assertEqual(pyasm.assemble_pyc(text), pyc)

    def test_bad_pyc(self):
        with self.assertRaises(pyasm.PyasmError) as caught:
            pyasm.disassemble(b'not a pyc', name='junk.pyc')
        d = caught.exception.diagnostics[0]
        self.assertEqual((d.severity, d.file, d.line, d.column, d.offset),
                         ('error', 'junk.pyc', 0, 0, 0))
        self.assertTrue(str(caught.exception).startswith('junk.pyc:0x0: error: '))
        with self.assertRaises(TypeError):
            pyasm.disassemble('text is not a pyc')


class LibraryTest(unittest.TestCase):
    def test_versions(self):
        self.assertRegex(pyasm.library_version(), r'^\d+\.\d+\.\d+')
        self.assertIn(RUNNING, pyasm.supported_versions())
        self.assertEqual(pyasm.supported_versions()[0], '3.6')


def main():
    global pyasm
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--version', required=True, help='3.X')
    parser.add_argument('--module-dir', required=True, help='the folder of pyasm.py')
    args, rest = parser.parse_known_args()
    if args.version != RUNNING:
        sys.path.insert(0, os.path.join(os.path.dirname(HERE), 'tools'))
        from interpreters import find_interpreter
        exe = find_interpreter(args.version)
        if exe is None:
            print('python%s is not installed: skipped' % args.version)
            return 77
        return subprocess.call([exe, os.path.abspath(__file__)] + sys.argv[1:])
    sys.path.insert(0, os.path.abspath(args.module_dir))
    import pyasm as module
    pyasm = module
    print('%s: pyasm %s from %s' % (sys.executable, pyasm.library_version(), pyasm.__file__))
    warnings.simplefilter('error', pyasm.PyasmWarning)
    program = unittest.main(argv=[sys.argv[0], '-v'] + rest, exit=False)
    return 0 if program.result.wasSuccessful() else 1


if __name__ == '__main__':
    sys.exit(main())
