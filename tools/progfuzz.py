#!/usr/bin/env python3
"""Random .pyasm programs, assembled by pyasm and run by the real CPython.

    progfuzz.py [--versions 3.8,3.11,3.12,3.13] [--count N] [--seed S]
                [--mutate | --no-mutate | --both] [--pyasm build/pyasm] [--compiled]
                [--keep-crashes DIR] [--jobs 2] [--timeout 5] [--strict]
    progfuzz.py --emit --version 3.X --seed S [--mutate]    # print one program
    progfuzz.py --minimize FILE.pyasm --version 3.X          # shrink a crasher

The generator writes well-formed programs for 3.8, 3.11, 3.12 and 3.13: module
code that defines functions (some with a nested closure over a cell) and runs
straight code, if/else, for and while loops, calls and try/except regions
(SETUP_FINALLY/POP_BLOCK on 3.8, `.try` regions and `.except` entries on
3.11+), printing what it computes. Values stay small ints (every assignment is
taken modulo 10007) and loops are short, so a program runs in milliseconds.

Compiled mode (--compiled, and always for 3.6, 3.7, 3.9 and 3.10, which the
generator does not write) starts instead from the programs in
tools/progfuzz_programs/: loops, try/except/finally, `with`, break, continue
and return through finally blocks, generators, closures and coroutines. Each
is compiled by that version's own CPython and disassembled by pyasm, so the
mutations start from real compiler output; program i is file i modulo their
number.

The mutator breaks a program with 1-3 edits of its text: delete, duplicate,
move or swap instructions, change an integer oparg, write a raw `$N` oparg,
retarget a jump, change a constant index, drop an `.except` entry or a `.try`
region, change the depth or lasti of an exception entry.

Each program goes through `pyasm build`: exit 0 is accepted, 1 rejected,
anything else (another code, a signal, a timeout) is a pyasm crash. Each
accepted pyc is run by `python3.X FILE.pyc` with a timeout and classified:
  clean      exit 0
  exception  exit 1 with a Python traceback (SystemError counted apart)
  crashed    killed by a signal, "Fatal Python error", or any other exit
  endless-loop  timeout, and SIGINT then gives a KeyboardInterrupt traceback
             (a mutated loop that never ends: Python code, not a crash)
  hang       timeout, and no answer to SIGINT
With --strict (what CTest runs) the exit status is 1 when anything crashed or
hung, pyasm crashed, or (unmutated programs) a program was rejected or did not
exit 0: a well-formed program must be accepted and run cleanly.

Exit status: 0 fine, 1 failures (--strict), 2 usage, 77 no interpreter found.
Standard library only.
"""
import argparse
import multiprocessing
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from interpreters import find_interpreter  # noqa: E402

VERSIONS = ['3.8', '3.11', '3.12', '3.13']  # what the generator writes
ALL_VERSIONS = ['3.6', '3.7', '3.8', '3.9', '3.10', '3.11', '3.12', '3.13']
PROGRAMS = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'progfuzz_programs')
MOD = 10007
BINOPS = ['+', '-', '*', '^', '&', '|']
BINOP_38 = {'+': 'BINARY_ADD', '-': 'BINARY_SUBTRACT', '*': 'BINARY_MULTIPLY',
            '^': 'BINARY_XOR', '&': 'BINARY_AND', '|': 'BINARY_OR',
            '%': 'BINARY_MODULO', '//': 'BINARY_FLOOR_DIVIDE'}
CMPOPS = ['<', '<=', '==', '!=', '>', '>=']


# ---------------------------------------------------------------- generator

class Scope:
    """One code object being written: its kind, variables and output lines."""

    def __init__(self, kind, name, params=(), cells=(), frees=()):
        self.kind = kind            # 'module' or 'function'
        self.name = name
        self.params = list(params)
        self.cells = list(cells)
        self.frees = list(frees)
        self.vars = list(params) + list(cells) + list(frees)
        self.lines = []
        self.labels = 0
        self.depth = 0              # values on the stack at statement boundaries
        self.loops = 0              # enclosing loops (prints are kept out of them)
        self.regions = 0            # .try regions written so far
        self.open = 0               # .try regions open at this point
        self.closures = []          # local names bound to a nested closure, with arity

    def label(self, stem):
        self.labels += 1
        return '%s%d' % (stem, self.labels)


class Generator:
    """Writes one well-formed program for one version from a seeded RNG."""

    def __init__(self, version, rng):
        self.v = version
        self.minor = int(version.split('.')[1])
        self.rng = rng
        self.funcs = []             # (name, arity) of module functions, callable later
        self.line = 1

    # -- per-version instruction spellings

    def emit(self, s, text):
        s.lines.append('    ' + text)

    def put_label(self, s, name):
        s.lines.append(name + ':')

    def newline(self, s):
        self.line += 1
        s.lines.append('.line %d' % self.line)

    def load(self, s, name):
        if name in s.cells or name in s.frees:
            self.emit(s, 'LOAD_DEREF      ' + name)
        elif s.kind == 'function':
            self.emit(s, 'LOAD_FAST       ' + name)
        else:
            self.emit(s, 'LOAD_NAME       ' + name)

    def store(self, s, name):
        if name in s.cells:
            self.emit(s, 'STORE_DEREF     ' + name)
        elif s.kind == 'function':
            self.emit(s, 'STORE_FAST      ' + name)
        else:
            self.emit(s, 'STORE_NAME      ' + name)

    def const(self, s, value):
        self.emit(s, 'LOAD_CONST      %r' % (value,))

    def binop(self, s, op):
        if self.minor < 11:
            self.emit(s, BINOP_38[op])
        else:
            self.emit(s, 'BINARY_OP       ' + op)

    def load_callable(self, s, name, kind):
        """Push what CALL needs below the arguments: a global/builtin or a local closure."""
        if self.minor < 11:
            if kind == 'local':
                self.emit(s, 'LOAD_FAST       ' + name)
            else:
                self.emit(s, ('LOAD_GLOBAL     ' if s.kind == 'function' else 'LOAD_NAME       ') + name)
            return
        if kind == 'global' and s.kind == 'function':
            self.emit(s, 'LOAD_GLOBAL     NULL + ' + name)
            return
        op = 'LOAD_FAST       ' if kind == 'local' else 'LOAD_NAME       '
        if self.minor >= 13:
            self.emit(s, op + name)
            self.emit(s, 'PUSH_NULL')
        else:
            self.emit(s, 'PUSH_NULL')
            self.emit(s, op + name)

    def call(self, s, nargs):
        if self.minor < 11:
            self.emit(s, 'CALL_FUNCTION   %d' % nargs)
            return
        if self.minor == 11:
            self.emit(s, 'PRECALL         %d' % nargs)
        self.emit(s, 'CALL            %d' % nargs)

    def jump_if_false(self, s, target):
        op = 'POP_JUMP_FORWARD_IF_FALSE' if self.minor == 11 else 'POP_JUMP_IF_FALSE'
        self.emit(s, '%-15s %s' % (op, target))

    def jump_back(self, s, target):
        op = 'JUMP_ABSOLUTE' if self.minor < 11 else 'JUMP_BACKWARD'
        self.emit(s, '%-15s %s' % (op, target))

    def jump_forward(self, s, target):
        self.emit(s, 'JUMP_FORWARD    ' + target)

    def make_function(self, s, block, qualname, closure):
        self.emit(s, 'LOAD_CONST      @' + block)
        if self.minor < 11:
            self.emit(s, 'LOAD_CONST      %r' % qualname)
        if self.minor >= 13:
            self.emit(s, 'MAKE_FUNCTION')
            if closure:
                self.emit(s, 'SET_FUNCTION_ATTRIBUTE closure')
        else:
            self.emit(s, 'MAKE_FUNCTION   ' + ('closure' if closure else '0'))

    # -- expressions: each pushes one int

    def expr(self, s, depth=0):
        r = self.rng.random()
        if depth >= 2 or r < 0.3:
            if s.vars and self.rng.random() < 0.7:
                self.load(s, self.rng.choice(s.vars))
            else:
                self.const(s, self.rng.randint(-5, 99))
            return
        if r < 0.8:
            self.expr(s, depth + 1)
            self.expr(s, depth + 1)
            self.binop(s, self.rng.choice(BINOPS))
            return
        self.call_expr(s, depth)

    def call_expr(self, s, depth):
        callees = [(n, a, 'global') for n, a in self.funcs] + \
                  [(n, a, 'local') for n, a in s.closures]
        if not callees:
            self.const(s, self.rng.randint(0, 9))
            return
        name, arity, kind = self.rng.choice(callees)
        self.load_callable(s, name, kind)
        for _ in range(arity):
            self.expr(s, depth + 1)
        self.call(s, arity)

    def condition(self, s):
        self.expr(s, 1)
        if self.rng.random() < 0.2:
            if self.minor >= 13:
                self.emit(s, 'TO_BOOL')
            return
        self.expr(s, 1)
        op = self.rng.choice(CMPOPS)
        self.emit(s, 'COMPARE_OP      ' + ('bool(%s)' % op if self.minor >= 13 else op))

    # -- statements

    def block(self, s, n, nest):
        for _ in range(n):
            self.statement(s, nest)

    def statement(self, s, nest):
        kinds = ['assign', 'assign', 'print', 'call']
        if nest < 3:
            kinds += ['if', 'for', 'while', 'try']
        kind = self.rng.choice(kinds)
        if kind == 'print' and s.loops:
            kind = 'assign'
        self.newline(s)
        getattr(self, 'st_' + kind)(s, nest)

    def assignable(self, s):
        # loop counters stay out: rebinding one in its loop could make it endless
        return [v for v in s.vars if v not in s.frees and v[0] not in 'iw']

    def st_assign(self, s, nest):
        self.expr(s)
        self.const(s, MOD)
        self.binop(s, '%')
        self.store(s, self.rng.choice(self.assignable(s)))

    def st_print(self, s, nest):
        self.load_callable(s, 'print', 'global')
        n = self.rng.randint(1, 3)
        for _ in range(n):
            self.expr(s, 1)
        self.call(s, n)
        self.emit(s, 'POP_TOP')

    def st_call(self, s, nest):
        self.call_expr(s, 0)
        self.emit(s, 'POP_TOP')

    def st_if(self, s, nest):
        els, end = s.label('else'), s.label('endif')
        self.condition(s)
        self.jump_if_false(s, els)
        self.block(s, self.rng.randint(1, 3), nest + 1)
        self.jump_forward(s, end)
        self.put_label(s, els)
        self.block(s, self.rng.randint(1, 2), nest + 1)
        self.put_label(s, end)

    def st_for(self, s, nest):
        var = 'i%d' % nest
        if var not in s.vars:
            self.init_var(s, var)
        top, end = s.label('for'), s.label('endfor')
        self.load_callable(s, 'range', 'global')
        self.const(s, self.rng.randint(0, 3))
        self.call(s, 1)
        self.emit(s, 'GET_ITER')
        self.put_label(s, top)
        self.emit(s, 'FOR_ITER        ' + end)
        self.store(s, var)
        s.depth += 1
        s.loops += 1
        self.block(s, self.rng.randint(1, 3), nest + 1)
        s.loops -= 1
        s.depth -= 1
        self.jump_back(s, top)
        self.put_label(s, end)
        if self.minor >= 12:
            self.emit(s, 'END_FOR')
        if self.minor >= 13:
            self.emit(s, 'POP_TOP')

    def st_while(self, s, nest):
        var = 'w%d' % nest
        if var not in s.vars:
            self.init_var(s, var)
        top, end = s.label('while'), s.label('endwhile')
        self.const(s, 0)
        self.store(s, var)
        self.put_label(s, top)
        self.load(s, var)
        self.const(s, self.rng.randint(0, 3))
        self.emit(s, 'COMPARE_OP      ' + ('bool(<)' if self.minor >= 13 else '<'))
        self.jump_if_false(s, end)
        s.loops += 1
        self.block(s, self.rng.randint(1, 3), nest + 1)
        s.loops -= 1
        self.load(s, var)
        self.const(s, 1)
        self.binop(s, '+')
        self.store(s, var)
        self.jump_back(s, top)
        self.put_label(s, end)

    def risky(self, s):
        """A statement that may raise: a division by a difference, or a raise."""
        self.newline(s)
        if self.rng.random() < 0.5:
            self.expr(s, 1)
            v = self.rng.choice(s.vars) if s.vars else None
            if v:
                self.load(s, v)
                self.load(s, v)
            else:
                self.const(s, 1)
                self.const(s, 1)
            self.binop(s, '-')
            self.binop(s, '//')
            self.emit(s, 'POP_TOP')
        else:
            self.load_callable(s, self.rng.choice(['ValueError', 'KeyError']), 'global')
            self.expr(s, 1)
            self.call(s, 1)
            self.emit(s, 'RAISE_VARARGS   1')

    def exc_name(self, s):
        return ('LOAD_GLOBAL     ' if s.kind == 'function' else 'LOAD_NAME       ') + 'Exception'

    def st_try(self, s, nest):
        if self.minor < 11:
            return self.try_38(s, nest)
        return self.try_311(s, nest)

    def try_body(self, s, nest):
        self.block(s, self.rng.randint(0, 2), nest + 1)
        if self.rng.random() < 0.6:
            self.risky(s)
        self.block(s, self.rng.randint(0, 1), nest + 1)

    def try_38(self, s, nest):
        handler, nomatch, end = s.label('handler'), s.label('reraise'), s.label('endtry')
        self.emit(s, 'SETUP_FINALLY   ' + handler)
        self.try_body(s, nest)
        self.emit(s, 'POP_BLOCK')
        self.jump_forward(s, end)
        self.put_label(s, handler)
        self.emit(s, 'DUP_TOP')
        self.emit(s, self.exc_name(s))
        self.emit(s, 'COMPARE_OP      exception match')
        self.emit(s, 'POP_JUMP_IF_FALSE ' + nomatch)
        for _ in range(3):
            self.emit(s, 'POP_TOP')
        s.depth += 3
        self.block(s, self.rng.randint(0, 2), nest + 1)
        s.depth -= 3
        self.emit(s, 'POP_EXCEPT')
        self.jump_forward(s, end)
        self.put_label(s, nomatch)
        self.emit(s, 'END_FINALLY')
        self.put_label(s, end)

    def try_311(self, s, nest):
        handler, nomatch = s.label('handler'), s.label('reraise')
        cleanup, end = s.label('cleanup'), s.label('endtry')
        d = s.depth
        # A try with no region inside it may use an .except entry instead of a
        # region (the two may be mixed as long as they do not overlap).
        start_lines = len(s.lines)
        regions_before = s.regions
        s.lines.append('.try %s depth %d' % (handler, d))
        s.regions += 1
        s.open += 1
        self.emit(s, 'NOP')
        self.try_body(s, nest)
        s.lines.append('.endtry')
        s.open -= 1
        if s.regions == regions_before + 1 and not s.open and self.rng.random() < 0.5:
            start, stop = s.label('try'), s.label('tryend')
            s.lines[start_lines] = start + ':'
            s.lines[-1] = stop + ':'
            s.lines.append('.except %s %s %s depth %d' % (start, stop, handler, d))
        self.jump_forward(s, end)
        self.put_label(s, handler)
        s.lines.append('.try %s depth %d lasti' % (cleanup, d + 1))
        s.regions += 1
        s.open += 1
        self.emit(s, 'PUSH_EXC_INFO')
        self.emit(s, self.exc_name(s))
        self.emit(s, 'CHECK_EXC_MATCH')
        self.jump_if_false(s, nomatch)
        self.emit(s, 'POP_TOP')
        s.depth += 1
        self.block(s, self.rng.randint(0, 2), nest + 1)
        s.depth -= 1
        s.lines.append('.endtry')
        s.open -= 1
        self.emit(s, 'POP_EXCEPT')
        self.jump_forward(s, end)
        self.put_label(s, nomatch)
        s.lines.append('.try %s depth %d lasti' % (cleanup, d + 1))
        self.emit(s, 'RERAISE         0')
        s.lines.append('.endtry')
        self.put_label(s, cleanup)
        self.emit(s, 'COPY            3')
        self.emit(s, 'POP_EXCEPT')
        self.emit(s, 'RERAISE         1')
        self.put_label(s, end)

    # -- code objects

    def init_var(self, s, var):
        """Bind a new variable before anything can read it (at the top of the code)."""
        s.vars.append(var)
        s.prologue.append((var, self.rng.randint(0, 9)))

    def function(self, name, arity, closure):
        params = ['p%d' % k for k in range(arity)]
        s = Scope('function', name, params, cells=['c'] if closure else ())
        s.prologue = []
        for k in range(self.rng.randint(1, 3)):
            self.init_var(s, 'v%d' % k)
        inner_text = []
        if closure:
            inner_name = 'g_' + name
            inner = Scope('function', inner_name, ['x'], frees=['c'])
            inner.prologue = []
            self.block(inner, self.rng.randint(0, 2), 2)
            self.newline(inner)
            self.expr(inner)
            self.const(inner, MOD)
            self.binop(inner, '%')
            self.emit(inner, 'RETURN_VALUE')
            inner_text = self.finish(inner, '%s(x)' % inner_name, indent='    ')
            s.closures.append(('g', 1))
        self.block(s, self.rng.randint(1, 4), 0)
        self.newline(s)
        self.expr(s)
        self.const(s, MOD)
        self.binop(s, '%')
        self.emit(s, 'RETURN_VALUE')
        if closure:
            # c = <int>; g = <closure over c>, at the top after the prologue
            top = []
            t = Scope('function', name, params, cells=['c'])
            self.const(t, self.rng.randint(0, 9))
            self.store(t, 'c')
            if self.minor >= 13:
                self.emit(t, 'LOAD_FAST       c')
            else:
                self.emit(t, 'LOAD_CLOSURE    c')
            self.emit(t, 'BUILD_TUPLE     1')
            self.make_function(t, inner_name, '%s.<locals>.%s' % (name, inner_name), True)
            self.emit(t, 'STORE_FAST      g')
            top = t.lines
            s.lines = inner_text + top + s.lines
        return self.finish(s, '%s(%s)' % (name, ', '.join(params)))

    def finish(self, s, signature, indent=''):
        head = []
        if s.kind == 'function':
            if self.minor >= 11:
                for c in s.cells:
                    head.append('    MAKE_CELL       ' + c)
                if s.frees:
                    head.append('    COPY_FREE_VARS  %d' % len(s.frees))
            if self.minor >= 11:
                head.append('    RESUME          0')
            body = Scope(s.kind, s.name, s.params, s.cells, s.frees)
            for var, value in s.prologue:
                self.const(body, value)
                self.store(body, var)
            head += body.lines
        out = ['.code ' + signature]
        if s.frees:
            out.append('    .freevars ' + ', '.join(s.frees))
        out.append('    .line %d' % self.line)
        out += ['    ' + l if not l.startswith('    ') else l for l in head + s.lines]
        out.append('.end')
        return [indent + l for l in out]

    def program(self):
        out = ['.python ' + self.v, '.filename "fuzz.py"', '']
        for k in range(self.rng.randint(1, 3)):
            name = 'f%d' % k
            arity = self.rng.randint(0, 2)
            out += self.function(name, arity, self.rng.random() < 0.4)
            out.append('')
            self.funcs.append((name, arity))
        m = Scope('module', '<module>')
        m.prologue = []
        for k in range(self.rng.randint(1, 3)):
            self.init_var(m, 'n%d' % k)
        self.block(m, self.rng.randint(2, 5), 0)
        for var in m.vars:
            self.newline(m)
            self.load_callable(m, 'print', 'global')
            self.const(m, var)
            self.load(m, var)
            self.call(m, 2)
            self.emit(m, 'POP_TOP')
        self.const(m, None)
        self.emit(m, 'RETURN_VALUE')
        head = Scope('module', '<module>')
        head.lines.append('.line 1')
        if self.minor >= 11:
            self.emit(head, 'RESUME          0')
        for name, _ in self.funcs:
            self.make_function(head, name, name, False)
            self.store(head, name)
        for var, value in m.prologue:
            self.const(head, value)
            self.store(head, var)
        return '\n'.join(out + head.lines + m.lines) + '\n'


def generate(version, seed):
    return Generator(version, random.Random('%s/%s' % (version, seed))).program()



# ---------------------------------------------------------------- mutator

INSN = re.compile(r'^(\s*)([A-Z][A-Z0-9_]*)\b\s*(.*)$')
LABEL = re.compile(r'^\s*([A-Za-z_]\w*):\s*$')
JUMPS = re.compile(r'JUMP|FOR_ITER|SETUP_|CONTINUE_LOOP')
INT_ARG = re.compile(r'^-?\d+$')
EXC_DEPTH = re.compile(r'\bdepth (\d+)')


def blocks_of(lines):
    """The block (an index per .code block, 0 for the module) of every line."""
    stack, ids, next_id = [0], [], 1
    for line in lines:
        word = line.strip().split(' ', 1)[0]
        if word == '.code':
            stack.append(next_id)
            next_id += 1
            ids.append(stack[-1])
        elif word == '.end':
            ids.append(stack.pop())
        else:
            ids.append(stack[-1])
    return ids


def mutate_once(lines, rng):
    """Apply one random edit to `lines` in place; returns its description."""
    blocks = blocks_of(lines)
    insns = [i for i, l in enumerate(lines) if INSN.match(l)]
    jumps = [i for i in insns if JUMPS.search(INSN.match(lines[i]).group(2))]
    # counts and other numbers; LOAD_CONST's integers are values, not opargs
    ints = [i for i in insns if INSN.match(lines[i]).group(2) != 'LOAD_CONST' and
            INT_ARG.match(INSN.match(lines[i]).group(3).split('#')[0].strip() or 'x')]
    consts = [i for i in insns if INSN.match(lines[i]).group(2) == 'LOAD_CONST']
    excs = [i for i, l in enumerate(lines) if l.strip().startswith(('.except ', '.try '))]
    kinds = ['delete', 'duplicate', 'swap', 'move', 'raw', 'int', 'jump', 'const', 'exc', 'exc']
    kind = rng.choice(kinds)
    if kind == 'delete':
        i = rng.choice(insns)
        desc = 'delete line %d: %s' % (i + 1, lines[i].strip())
        del lines[i]
        return desc
    if kind == 'duplicate':
        i = rng.choice(insns)
        lines.insert(i, lines[i])
        return 'duplicate line %d: %s' % (i + 1, lines[i].strip())
    if kind in ('swap', 'move'):
        i = rng.choice(insns)
        same = [j for j in insns if blocks[j] == blocks[i] and j != i]
        if not same:
            return mutate_once(lines, rng)
        if kind == 'swap':
            near = [j for j in same if abs(j - i) <= 3] or same
            j = rng.choice(near)
            lines[i], lines[j] = lines[j], lines[i]
            return 'swap lines %d and %d' % (i + 1, j + 1)
        j = rng.choice(same)
        lines.insert(j, lines[i])
        return 'copy line %d (%s) before line %d' % (i + 1, lines[i + (j <= i)].strip(), j + 1)
    if kind == 'raw':
        i = rng.choice(insns)
        m = INSN.match(lines[i])
        n = rng.choice([0, 1, 2, 3, 4, 7, 8, 15, 16, 31, 255, 256, 1000])
        lines[i] = '%s%-15s $%d' % (m.group(1), m.group(2), n)
        return 'raw oparg line %d: %s' % (i + 1, lines[i].strip())
    if kind == 'int' and ints:
        i = rng.choice(ints)
        m = INSN.match(lines[i])
        old = int(m.group(3).split('#')[0])
        n = rng.choice([0, 1, 2, 3, 5, 9, 100, old + 1, max(old - 1, 0)])
        lines[i] = '%s%-15s %d' % (m.group(1), m.group(2), n)
        return 'int oparg line %d: %s -> %d' % (i + 1, m.group(2), n)
    if kind == 'jump' and jumps:
        i = rng.choice(jumps)
        labels = [LABEL.match(l).group(1) for j, l in enumerate(lines)
                  if LABEL.match(l) and blocks[j] == blocks[i]]
        if labels:
            m = INSN.match(lines[i])
            new = rng.choice(labels)
            lines[i] = '%s%-15s %s' % (m.group(1), m.group(2), new)
            return 'retarget line %d: %s -> %s' % (i + 1, m.group(2), new)
    if kind == 'const' and consts:
        i = rng.choice(consts)
        m = INSN.match(lines[i])
        n = rng.choice([0, 1, 2, 5, 10, 20, 50, 200])
        lines[i] = '%sLOAD_CONST      $%d' % (m.group(1), n)
        return 'const index line %d: $%d' % (i + 1, n)
    if kind == 'exc' and excs:
        return mutate_exc(lines, rng, rng.choice(excs))
    return mutate_once(lines, rng)


def mutate_exc(lines, rng, i):
    line = lines[i]
    what = rng.choice(['drop', 'depth', 'depth', 'lasti', 'handler'])
    if what == 'drop':
        if line.strip().startswith('.try'):
            # the region's .endtry goes with it (the next one at the same nesting)
            level = 0
            for j in range(i + 1, len(lines)):
                w = lines[j].strip()
                if w.startswith('.try '):
                    level += 1
                elif w == '.endtry':
                    if level == 0:
                        del lines[j]
                        break
                    level -= 1
        del lines[i]
        return 'drop line %d: %s' % (i + 1, line.strip())
    if what == 'depth':
        old = int(EXC_DEPTH.search(line).group(1))
        new = rng.choice([d for d in (0, 1, 2, 3, 5, old + 1) if d != old])
        lines[i] = EXC_DEPTH.sub('depth %d' % new, line)
        return 'depth line %d: %d -> %d' % (i + 1, old, new)
    if what == 'lasti':
        lines[i] = line.replace(' lasti', '') if line.endswith(' lasti') else line + ' lasti'
        return 'toggle lasti line %d' % (i + 1)
    labels = [LABEL.match(l).group(1) for l in lines if LABEL.match(l)]
    words = line.split()
    slot = 1 if words[0] == '.try' else 3
    old = words[slot]
    blocks = blocks_of(lines)
    same = [LABEL.match(l).group(1) for j, l in enumerate(lines)
            if LABEL.match(l) and blocks[j] == blocks[i]]
    words[slot] = rng.choice(same or labels)
    lines[i] = line[:len(line) - len(line.lstrip())] + ' '.join(words)
    return 'handler line %d: %s -> %s' % (i + 1, old, words[slot])


def mutate(text, rng, max_edits=3):
    lines = text.split('\n')
    edits = [mutate_once(lines, rng) for _ in range(rng.randint(1, max_edits))]
    return '\n'.join(lines), edits


# ---------------------------------------------------------------- runner

def compiled_texts(version, python, pyasm):
    """tools/progfuzz_programs/*.py compiled by `python` and disassembled by pyasm."""
    texts = []
    work = tempfile.mkdtemp(prefix='progfuzz-compile-')
    try:
        for name in sorted(os.listdir(PROGRAMS)):
            if not name.endswith('.py'):
                continue
            pyc = os.path.join(work, name + 'c')
            subprocess.run([python, '-c', 'import py_compile, sys; '
                            'py_compile.compile(sys.argv[1], cfile=sys.argv[2], doraise=True)',
                            os.path.join(PROGRAMS, name), pyc], check=True)
            r = subprocess.run([pyasm, 'disasm', pyc], stdout=subprocess.PIPE, check=True,
                               universal_newlines=True)
            texts.append(r.stdout)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if not texts:
        raise SystemExit('progfuzz: no programs in %s' % PROGRAMS)
    return texts


def program_for(version, seed, index, mutated, max_edits=3, base=None):
    """The text of program `index` (and its edits): the same for the same arguments.
    `base`: compiled mode's texts, of which program `index` mutates one."""
    if base:
        text = base[index % len(base)]
    else:
        text = generate(version, '%s/%d' % (seed, index))
    if not mutated:
        return text, []
    return mutate(text, random.Random('%s/%s/%d/mutate' % (version, seed, index)), max_edits)


def run_one(job):
    """Assemble and run one program; returns (version, index, mutated, outcome, detail, text)."""
    version, seed, index, mutated, pyasm, python, timeout, max_edits, base = job
    text, edits = program_for(version, seed, index, mutated, max_edits, base)
    work = tempfile.mkdtemp(prefix='progfuzz-')
    try:
        outcome, detail = classify(text, version, pyasm, python, timeout, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return version, index, mutated, outcome, detail, text, edits


def classify(text, version, pyasm, python, timeout, work):
    src, pyc = os.path.join(work, 'fuzz.pyasm'), os.path.join(work, 'fuzz.pyc')
    with open(src, 'w') as f:
        f.write(text)
    try:
        r = subprocess.run([pyasm, 'build', src, '-o', pyc], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=30, universal_newlines=True)
    except subprocess.TimeoutExpired:
        return 'pyasm-crash', 'pyasm: timeout'
    if r.returncode == 1:
        return 'rejected', r.stderr
    if r.returncode != 0:
        return 'pyasm-crash', 'pyasm exit %d\n%s' % (r.returncode, r.stderr)
    # SIGINT back to its default in the child: a shell's background job ignores it,
    # and a Python started with it ignored never raises KeyboardInterrupt.
    p = subprocess.Popen([python, pyc], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                         cwd=work, stdin=subprocess.DEVNULL,
                         preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        _, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        # An endless loop in Python code (a mutated loop counter) answers SIGINT with
        # a KeyboardInterrupt traceback; an interpreter stuck in C does not.
        p.send_signal(signal.SIGINT)
        try:
            _, err = p.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.communicate()
            return 'hang', 'timeout after %s s; no answer to SIGINT' % timeout
        err = err.decode('utf-8', 'replace')
        if 'KeyboardInterrupt' in err and 'Fatal Python error' not in err:
            return 'endless-loop', 'timeout after %s s; KeyboardInterrupt' % timeout
        return 'hang', 'timeout after %s s\n%s' % (timeout, err[-4000:])
    err = err.decode('utf-8', 'replace')
    if p.returncode < 0 or 'Fatal Python error' in err:
        return 'crashed', 'exit %d\n%s' % (p.returncode, err[-4000:])
    if p.returncode == 0:
        return 'clean', ''
    last = err.strip().splitlines()[-1] if err.strip() else ''
    # An exception raised before RESUME (3.11+: the frame is not complete
    # yet) is printed without a traceback: only its `Name: message` line.
    bare = re.match(r'[A-Za-z_][\w.]*(: |$)', last) is not None
    if p.returncode == 1 and ('Traceback' in err or bare):
        if last.startswith('SystemError'):
            return 'system-error', err[-4000:]
        return 'exception', last
    return 'crashed', 'exit %d\n%s' % (p.returncode, err[-4000:])


OUTCOMES = ['accepted', 'rejected', 'clean', 'exception', 'system-error', 'endless-loop',
            'crashed', 'hang', 'pyasm-crash']


def keep(dirname, version, index, mutated, outcome, detail, text, edits):
    os.makedirs(dirname, exist_ok=True)
    stem = os.path.join(dirname, '%s-%s-%d%s' % (outcome, version, index, '-mut' if mutated else ''))
    with open(stem + '.pyasm', 'w') as f:
        f.write(''.join('# edit: %s\n' % e for e in edits) + text)
    with open(stem + '.stderr', 'w') as f:
        f.write(detail)


def run(args, versions):
    pythons = {v: find_interpreter(v) for v in versions}
    missing = [v for v in versions if not pythons[v]]
    for v in missing:
        print('progfuzz: no CPython %s installed: skipped' % v)
    versions = [v for v in versions if pythons[v]]
    if not versions:
        return 77
    modes = {'mutate': [True], 'no-mutate': [False], 'both': [False, True]}[args.mode]
    bases = {v: compiled_texts(v, pythons[v], args.pyasm)
             if args.compiled or v not in VERSIONS else None for v in versions}
    jobs = [(v, args.seed, i, m, args.pyasm, pythons[v], args.timeout, args.max_edits, bases[v])
            for v in versions for m in modes for i in range(args.count)]
    counts = {(v, m): dict.fromkeys(OUTCOMES, 0) for v in versions for m in modes}
    failures = 0
    with multiprocessing.Pool(args.jobs) as pool:
        for version, index, mutated, outcome, detail, text, edits in \
                pool.imap_unordered(run_one, jobs, chunksize=4):
            c = counts[(version, mutated)]
            c[outcome] += 1
            if outcome not in ('rejected', 'pyasm-crash'):
                c['accepted'] += 1
            bad = outcome in ('crashed', 'hang', 'pyasm-crash') or \
                (not mutated and outcome != 'clean')
            if bad:
                failures += 1
                if args.verbose or not mutated:
                    print('FAIL %s #%d%s: %s: %s' % (version, index, ' (mutated)' if mutated else '',
                                                      outcome, detail.strip()[:300]))
            if args.keep_crashes and (bad or outcome == 'system-error'):
                keep(args.keep_crashes, version, index, mutated, outcome, detail, text, edits)
    report(counts, args.seed)
    return 1 if failures and args.strict else 0


def report(counts, seed):
    cols = ['generated'] + OUTCOMES
    print('seed %s' % seed)
    print('%-16s' % 'version' + ''.join('%13s' % c for c in cols))
    for (v, m), c in sorted(counts.items()):
        total = sum(c[o] for o in OUTCOMES if o != 'accepted')
        name = '%s %s' % (v, 'mutated' if m else 'well-formed')
        print('%-16s' % name + '%13d' % total + ''.join('%13d' % c[o] for o in OUTCOMES))


# ---------------------------------------------------------------- minimizer

def minimize(path, version, pyasm, timeout):
    """Delete lines while the program still crashes the same way; print the result."""
    python = find_interpreter(version)
    with open(path) as f:
        lines = [l for l in f.read().split('\n') if not l.startswith('# edit:')]
    work = tempfile.mkdtemp(prefix='progfuzz-min-')

    def signature(ls):
        outcome, detail = classify('\n'.join(ls), version, pyasm, python, timeout, work)
        if outcome not in ('crashed', 'hang', 'pyasm-crash'):
            return None
        return outcome, detail.split('\n', 1)[0]

    want = signature(lines)
    if want is None:
        print('progfuzz: %s does not crash' % path, file=sys.stderr)
        return 1
    chunk = max(len(lines) // 4, 1)
    while chunk >= 1:
        i = 0
        while i < len(lines):
            trial = lines[:i] + lines[i + chunk:]
            if signature(trial) == want:
                lines = trial
            else:
                i += chunk
        chunk //= 2
    shutil.rmtree(work, ignore_errors=True)
    print('# %s: %s' % want)
    print('\n'.join(lines))
    return 0


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--versions', default=','.join(VERSIONS))
    ap.add_argument('--version', help='with --emit or --minimize')
    ap.add_argument('--count', type=int, default=100, help='programs per version and mode')
    ap.add_argument('--seed', default='1')
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument('--mutate', dest='mode', action='store_const', const='mutate')
    mode.add_argument('--no-mutate', dest='mode', action='store_const', const='no-mutate')
    mode.add_argument('--both', dest='mode', action='store_const', const='both')
    ap.set_defaults(mode='both')
    ap.add_argument('--pyasm', default=os.path.join(root, 'build', 'pyasm'))
    ap.add_argument('--keep-crashes', metavar='DIR')
    ap.add_argument('--jobs', type=int, default=2)
    ap.add_argument('--timeout', type=float, default=5)
    ap.add_argument('--max-edits', type=int, default=3,
                    help='a mutated program gets 1 to this many edits (1: one cause per crash)')
    ap.add_argument('--strict', action='store_true')
    ap.add_argument('--verbose', action='store_true')
    ap.add_argument('--emit', action='store_true', help='print program --seed of --version')
    ap.add_argument('--index', type=int, default=0, help='with --emit: the program number')
    ap.add_argument('--minimize', metavar='FILE')
    ap.add_argument('--compiled', action='store_true',
                    help='mutate tools/progfuzz_programs/ as compiled by each CPython (always '
                         'for versions the generator does not write)')
    args = ap.parse_args()
    if args.emit:
        version = args.version or VERSIONS[0]
        base = None
        if args.compiled or version not in VERSIONS:
            base = compiled_texts(version, find_interpreter(version), args.pyasm)
        text, edits = program_for(version, args.seed, args.index,
                                  args.mode == 'mutate', args.max_edits, base)
        print(''.join('# edit: %s\n' % e for e in edits) + text, end='')
        return 0
    if args.minimize:
        return minimize(args.minimize, args.version, args.pyasm, args.timeout)
    versions = [v.strip() for v in args.versions.split(',') if v.strip()]
    for v in versions:
        if v not in ALL_VERSIONS:
            ap.error('version %s: pyasm supports %s' % (v, ', '.join(ALL_VERSIONS)))
    return run(args, versions)


if __name__ == '__main__':
    sys.exit(main())
