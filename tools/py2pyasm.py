"""Write the .pyasm twin of a Python snippet, as the running interpreter compiles it.

    python3.X tools/py2pyasm.py testdata/programs/3.X/NAME.py > testdata/programs/3.X/NAME.pyasm

Used to write the mirrored programs (NAME.py + NAME.pyasm) of testdata/programs/3.X;
the result is checked by tests/run_programs.py, which compares the assembled code
objects with compile(NAME.py). Supports 3.8 and 3.11 (the versions tested there).
Only NAME.py's base name goes into the output (as .filename), so it can be run from
any directory.

The output relies on pyasm's defaults wherever they give what CPython has (first-use
tables, flags with NESTED inside functions, firstlineno, names, qualnames, the
filename of nested blocks) and spells out only the rest. Up to 3.9 every lnotab
entry becomes its own `.line`, same-offset ones included (a statement spread over
lines whose first instructions were folded away); from 3.11, every change of
position.
"""
import dis
import opcode
import re
import sys
import types

V = sys.version_info[:2]
FLAG_NAMES = [(0x1, 'OPTIMIZED'), (0x2, 'NEWLOCALS'), (0x4, 'VARARGS'), (0x8, 'VARKEYWORDS'),
              (0x10, 'NESTED'), (0x20, 'GENERATOR'), (0x40, 'NOFREE'), (0x80, 'COROUTINE'),
              (0x100, 'ITERABLE_COROUTINE'), (0x200, 'ASYNC_GENERATOR')]
IDENT = re.compile(r'^[A-Za-z_][A-Za-z_0-9]*$')
ARG = re.compile(r'^([A-Za-z_][A-Za-z_0-9]*|\.[0-9]+)$')   # .0: a comprehension's iterator
OPTIMIZED = 0x1


def name_operand(n):
    return n if IDENT.match(n) else '"%s"' % n


def const_key(c):
    """Constants that CPython keeps apart (1, 1.0, True) get different keys."""
    return id(c) if isinstance(c, types.CodeType) else (type(c), repr(c))


def is_jump(i):
    return i.opcode in opcode.hasjrel or i.opcode in opcode.hasjabs


class Writer:
    def __init__(self, src, filename):
        self.srclines = src.splitlines()
        self.filename = filename
        self.top = compile(src, filename, 'exec', dont_inherit=True)
        self.out = []
        self.ids = {}       # id(code) -> its .code ID

    def emit(self, depth, text=''):
        self.out.append('    ' * depth + text if text else '')

    def const(self, c):
        if isinstance(c, types.CodeType):
            return '@' + self.ids[id(c)]
        if isinstance(c, tuple):
            return '(' + ', '.join(self.const(x) for x in c) + (',)' if len(c) == 1 else ')')
        if isinstance(c, frozenset):
            return 'frozenset({' + ', '.join(self.const(x) for x in c) + '})'
        if isinstance(c, complex):
            return repr(c).strip('()')
        return repr(c)

    def source_comment(self, line):
        if line and 0 < line <= len(self.srclines):
            return '    # ' + self.srclines[line - 1].strip()
        return ''

    # What pyasm gives a block without .flags: NESTED when any enclosing block is a
    # function (as pyasm reads them: a block with OPTIMIZED in its flags).
    @staticmethod
    def default_flags(co, module, in_function):
        no_cells = not co.co_cellvars and not co.co_freevars
        if module:
            return 0x40 if V < (3, 10) and no_cells else 0
        f = 0x1 | 0x2 | (co.co_flags & (0x4 | 0x8))
        if in_function:
            f |= 0x10
        if any(i.opname in ('YIELD_VALUE', 'YIELD_FROM', 'RETURN_GENERATOR')
               for i in dis.get_instructions(co)):
            f |= 0x20
        if V < (3, 10) and no_cells:
            f |= 0x40
        return f

    @staticmethod
    def signature(co):
        vn, parts = co.co_varnames, []
        for i in range(co.co_argcount):
            parts.append(vn[i])
            if co.co_posonlyargcount and i == co.co_posonlyargcount - 1:
                parts.append('/')
        idx = co.co_argcount + co.co_kwonlyargcount
        if co.co_flags & 0x4:
            parts.append('*' + vn[idx])
            idx += 1
        elif co.co_kwonlyargcount:
            parts.append('*')
        parts += vn[co.co_argcount:co.co_argcount + co.co_kwonlyargcount]
        if co.co_flags & 0x8:
            parts.append('**' + vn[idx])
        return parts

    @staticmethod
    def lnotab_events(co):
        """3.8: the logical (offset, line) entries of co_lnotab, same-line ones included."""
        tab = co.co_lnotab
        pairs = [(tab[i], tab[i + 1] - 256 if tab[i + 1] >= 128 else tab[i + 1])
                 for i in range(0, len(tab), 2)]
        events, addr, line = [], 0, co.co_firstlineno
        for n, (da, dl) in enumerate(pairs):
            addr += da
            line += dl
            nxt = pairs[n + 1] if n + 1 < len(pairs) else None
            # (255, 0) and (x, +-127/-128) followed by (0, ...) continue one entry
            if nxt and ((da == 255 and dl == 0) or (dl in (127, -128) and nxt[0] == 0)):
                continue
            events.append((addr, line))
        return events

    def code(self, co, depth, module, parent=None, in_function=False):
        """parent: the enclosing code object (None for the module); in_function: some
        enclosing block is a function."""
        e = lambda text: self.emit(depth, text)
        every = list(dis.get_instructions(co))
        instrs = [i for i in every if i.opname not in ('EXTENDED_ARG', 'CACHE')]
        # A jump to an EXTENDED_ARG prefix is a jump to the instruction it prefixes.
        canon, pending = {}, []
        for i in every:
            if i.opname == 'EXTENDED_ARG':
                pending.append(i.offset)
            elif i.opname != 'CACHE':
                canon.update((o, i.offset) for o in pending)
                pending = []
        at = lambda off: canon.get(off, off)

        targets = {at(i.argval) for i in instrs if is_jump(i)}
        exc = dis._parse_exception_table(co) if V >= (3, 11) else []
        for ent in exc:
            targets.update([at(ent.start), at(ent.end), at(ent.target)])
        labels = {off: 'L%d' % (n + 1) for n, off in enumerate(sorted(targets))}

        # attributes
        if co.co_flags != self.default_flags(co, module, in_function):
            names = [nm for bit, nm in FLAG_NAMES if co.co_flags & bit]
            known = sum(bit for bit, _ in FLAG_NAMES)
            e('.flags ' + (' '.join(names) if names and not co.co_flags & ~known
                           else str(co.co_flags)))
        if V >= (3, 11) and not module and co.co_qualname != self.default_qualname(co, parent):
            # pyasm derives NAME's qualname from its parent's as CPython does; it
            # cannot see `global` (a function declared global in its parent gets
            # just NAME), so that case is written out
            e('.qualname "%s"' % co.co_qualname)
        children = {}
        for c in co.co_consts:
            if isinstance(c, types.CodeType):
                nm, k = c.co_name, 2
                while nm in children.values():   # e.g. <listcomp> -> listcomp_2
                    nm, k = '%s_%d' % (c.co_name.strip('<>'), k), k + 1
                children[id(c)] = nm
        self.ids.update(children)

        # tables: spelled out when first-use order would not give CPython's
        nsig = (co.co_argcount + co.co_kwonlyargcount + bool(co.co_flags & 0x4)
                + bool(co.co_flags & 0x8))
        consts, names, varnames, cells, seen = [], [], list(co.co_varnames[:nsig]), [], set()
        for i in instrs:
            if i.opcode in opcode.hasconst:
                v = co.co_consts[i.arg]
                if const_key(v) not in seen:
                    seen.add(const_key(v))
                    consts.append(v)
            elif i.opcode in opcode.hasname and i.argval not in names:
                names.append(i.argval)
            elif i.opcode in opcode.haslocal and i.argval not in varnames:
                varnames.append(i.argval)
            elif (i.opcode in opcode.hasfree and i.argval not in co.co_freevars
                  and i.argval not in cells):
                cells.append(i.argval)
        if [const_key(c) for c in co.co_consts] != [const_key(c) for c in consts]:
            e('.consts ' + ', '.join(self.const(c) for c in co.co_consts))
        if list(co.co_names) != names:
            e('.names ' + ' '.join(name_operand(n) for n in co.co_names))
        if list(co.co_varnames) != varnames:
            e('.varnames ' + ' '.join(co.co_varnames))
        if list(co.co_cellvars) != cells:
            e('.cellvars ' + ' '.join(co.co_cellvars))
        if co.co_freevars:
            e('.freevars ' + ' '.join(co.co_freevars))

        # locations
        if V < (3, 11):
            events = {}
            for off, line in self.lnotab_events(co):
                events.setdefault(at(off), []).append(line)
            events.setdefault(0, [co.co_firstlineno])
            first_line = events[0][0]
        else:
            positions = list(co.co_positions())
            first_line = positions[0][0]
        if module and V >= (3, 10):
            first_line = 1   # pyasm's default for a 3.10+ module, as CPython
        if first_line != co.co_firstlineno:
            e('.firstlineno %d' % co.co_firstlineno)
        for ent in exc:
            e('.except %s %s %s depth %d%s' % (labels[at(ent.start)], labels[at(ent.end)],
                                               labels[at(ent.target)], ent.depth,
                                               ' lasti' if ent.lasti else ''))

        placed, current, last_line = set(), None, None
        for n, i in enumerate(instrs):
            # a nested block goes just before the LOAD_CONST that uses it
            if i.opcode in opcode.hasconst and isinstance(i.argval, types.CodeType) \
                    and id(i.argval) not in placed:
                placed.add(id(i.argval))
                self.nested(i.argval, depth, co, in_function or self.is_function(co, module))
            if i.offset in labels:
                e('%s:' % labels[i.offset])
            if V < (3, 11):
                for line in events.get(i.offset, []):
                    e('.line %d%s' % (line, self.source_comment(line)))
            else:
                p = positions[i.offset // 2]
                if p != current or n == 0:
                    comment = self.source_comment(p[0]) if p[0] != last_line else ''
                    e('.line ' + self.position(p) + comment)
                    current, last_line = p, p[0]
            e('    ' + self.instruction(co, i, labels, at))
        end = len(co.co_code)
        if end in labels:
            e('%s:' % labels[end])
        if V < (3, 11):
            for off in sorted(o for o in events if o >= end):
                for line in events[off]:
                    e('.line %d' % line)
        for c in co.co_consts:
            if isinstance(c, types.CodeType) and id(c) not in placed:
                self.nested(c, depth, co, in_function or self.is_function(co, module))

    @staticmethod
    def position(p):
        line, end_line, col, end_col = p
        if line is None:
            return 'none'
        if col is None and end_line in (line, None):
            return '%d' % line
        if end_line == line:
            return '%d:%d-%d' % (line, col, end_col)
        return '%d:%d-%d:%d' % (line, col, end_line, end_col)

    @staticmethod
    def is_function(co, module):
        """Whether pyasm takes the block for a function (its children are then NESTED,
        and their qualnames get '.<locals>.')."""
        return not module and bool(co.co_flags & OPTIMIZED)

    def default_qualname(self, co, parent):
        """pyasm's (and CPython's) qualname: NAME at top level, else the parent's
        qualname + '.<locals>.' (a function) or '.' (a class body or a
        comprehension) + NAME."""
        if parent is None or parent is self.top:
            return co.co_name
        comprehension = parent.co_name in ('<listcomp>', '<setcomp>', '<dictcomp>', '<genexpr>')
        sep = '.<locals>.' if parent.co_flags & OPTIMIZED and not comprehension else '.'
        return parent.co_qualname + sep + co.co_name

    def nested(self, c, depth, parent, in_function):
        ident = self.ids[id(c)]
        sig = self.signature(c)
        for a in sig:
            if not (ARG.match(a.lstrip('*')) or a in ('/', '*')):
                raise SystemExit('%s: argument %r cannot be written in a signature' % (c.co_name, a))
        self.emit(0)
        self.emit(depth, '.code ' + ident + ('(' + ', '.join(sig) + ')' if sig else ''))
        if c.co_name != ident:
            self.emit(depth + 1, '.name "%s"' % c.co_name)
        self.code(c, depth + 1, False, parent, in_function)
        self.emit(depth, '.end')
        self.emit(0)

    def instruction(self, co, i, labels, at):
        op = i.opname
        if i.arg is None:
            return op
        if is_jump(i):
            operand = labels[at(i.argval)]
        elif i.opcode in opcode.hasconst:
            operand = self.const(co.co_consts[i.arg])   # KW_NAMES too (dis shows '<unknown>')
            keys = [const_key(c) for c in co.co_consts]
            if keys.index(keys[i.arg]) != i.arg:
                # 3.8's peephole pass leaves equal constants (folded tuples) in the table:
                # only the index tells which one is meant
                operand = '$%d' % i.arg + ' ' * max(1, 19 - len(str(i.arg))) + '# ' + operand
        elif i.opcode in opcode.hasname:
            operand = name_operand(i.argval)
            if op == 'LOAD_GLOBAL' and V >= (3, 11) and i.arg & 1:
                operand = 'NULL + ' + operand
        elif i.opcode in opcode.haslocal or i.opcode in opcode.hasfree:
            operand = i.argval
        elif op in ('COMPARE_OP', 'BINARY_OP'):
            operand = i.argrepr
        elif op == 'MAKE_FUNCTION':
            operand = i.argrepr or '0'
        elif op == 'FORMAT_VALUE':
            operand = i.argrepr or str(i.arg)   # dis prints a plain one as 0
        else:
            operand = str(i.arg)
        return '%-20s %s' % (op, operand)

    def run(self):
        for line in self.srclines:
            if not line.startswith('#'):
                break
            self.emit(0, line)
        base = self.filename[:-3]
        self.emit(0, '#')
        self.emit(0, '# Mirrors %s instruction for instruction: the code objects must equal what'
                  % self.filename)
        self.emit(0, '# CPython %d.%d compiles from it (checked by tests/run_programs.py).' % V)
        self.emit(0, '#   pyasm build %s.pyasm -o %s.pyc && python%d.%d %s.pyc'
                  % (base, base, V[0], V[1], base))
        self.emit(0)
        self.emit(0, '.python %d.%d' % V)
        self.emit(0, '.filename "%s"' % self.filename)
        self.code(self.top, 0, True)
        return '\n'.join(self.out) + '\n'


def main():
    if len(sys.argv) != 2:
        sys.exit('usage: python3.X tools/py2pyasm.py NAME.py > NAME.pyasm')
    path = sys.argv[1]
    with open(path) as f:
        src = f.read()
    sys.stdout.write(Writer(src, path.replace('\\', '/').split('/')[-1]).run())


if __name__ == '__main__':
    main()
