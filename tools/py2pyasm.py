"""Write the .pyasm twin of a Python snippet, as the running interpreter compiles it.

    python3.X tools/py2pyasm.py testdata/programs/3.X/NAME.py > testdata/programs/3.X/NAME.pyasm

Used to write the mirrored programs (NAME.py + NAME.pyasm) of testdata/programs/3.X;
the result is checked by tests/run_programs.py, which compares the assembled code
objects with compile(NAME.py). Runs under every CPython from 3.6 to 3.13 and writes
for the version running it. Only NAME.py's base name goes into the output (as
.filename), so it can be run from any directory.

Everything is read from the code objects themselves (co_code, the line or location
table, co_exceptiontable), not from dis's text, which changed between versions.

The output relies on pyasm's defaults wherever they give what CPython has (first-use
tables, flags with NESTED inside functions, firstlineno, names, qualnames, the
filename of nested blocks) and spells out only the rest. Locations:
  - up to 3.9, every co_lnotab entry becomes its own `.line`, same-offset ones
    included (a statement spread over lines whose first instructions were folded
    away);
  - 3.10, every co_linetable range starts with a `.line` (`.line none` for a range
    without a line), repeats of the previous line included;
  - from 3.11, every change of position (co_positions()).

What pyasm would not choose by itself is written out: the EXTENDED_ARG prefixes
3.6-3.9 keep on jumps (sized before their peephole pass, so sometimes more than
needed, even EXTENDED_ARG 0), and the oparg 3.10 leaves on an instruction that
takes none (`ROT_TWO $2` for `a, b = b, a`).
"""
import marshal
import opcode
import re
import sys
import types

V = sys.version_info[:2]
FLAG_NAMES = [(0x1, 'OPTIMIZED'), (0x2, 'NEWLOCALS'), (0x4, 'VARARGS'), (0x8, 'VARKEYWORDS'),
              (0x10, 'NESTED'), (0x20, 'GENERATOR'), (0x40, 'NOFREE'), (0x80, 'COROUTINE'),
              (0x100, 'ITERABLE_COROUTINE'), (0x200, 'ASYNC_GENERATOR')]
FUNCTION_FLAGS = [(0x1, 'defaults'), (0x2, 'kwdefaults'), (0x4, 'annotations'), (0x8, 'closure')]
CONVERSIONS = ['', 'str', 'repr', 'ascii']
COMPARE_MASKS = [2, 10, 8, 7, 4, 12]          # 3.12+: the low bits of COMPARE_OP for < ... >=
IDENT = re.compile(r'^[A-Za-z_][A-Za-z_0-9]*$')
ARG = re.compile(r'^([A-Za-z_][A-Za-z_0-9]*|\.[0-9]+)$')   # .0: a comprehension's iterator
OPTIMIZED = 0x1
HIDDEN = 0x10                                  # localsplus kind of an inlined comprehension's local

EXTENDED_ARG = opcode.opmap['EXTENDED_ARG']    # 144, 71 on 3.13
JUMPS = set(opcode.hasjrel) | set(opcode.hasjabs) | set(getattr(opcode, 'hasjump', []))
ABSOLUTE = set(opcode.hasjabs)                 # empty from 3.11
CONST, NAME = set(opcode.hasconst), set(opcode.hasname)
LOCAL, FREE = set(opcode.haslocal), set(opcode.hasfree)
NB_OPS = [sym for _, sym in getattr(opcode, '_nb_ops', [])]
INTRINSICS = {'CALL_INTRINSIC_1': getattr(opcode, '_intrinsic_1_descs', []),
              'CALL_INTRINSIC_2': getattr(opcode, '_intrinsic_2_descs', [])}
FAST_PAIRS = ('LOAD_FAST_LOAD_FAST', 'STORE_FAST_LOAD_FAST', 'STORE_FAST_STORE_FAST')
COMPREHENSIONS = ('<listcomp>', '<setcomp>', '<dictcomp>', '<genexpr>')


def takes_arg(op):
    return op in opcode.hasarg if hasattr(opcode, 'hasarg') else op >= opcode.HAVE_ARGUMENT


def cache_units(op):
    """Inline CACHE code units after an instruction (3.11+)."""
    entries = getattr(opcode, '_inline_cache_entries', None)
    if entries is None:
        return 0
    if isinstance(entries, dict):              # 3.13: keyed by name
        return entries.get(opcode.opname[op], 0)
    return entries[op]


class Instr:
    """One instruction of co_code. start: the offset of its first EXTENDED_ARG prefix
    (or its own); offset: its opcode's; end: after its inline caches."""

    def __init__(self, start, offset, op, arg):
        self.start, self.offset, self.op, self.name = start, offset, op, opcode.opname[op]
        self.arg = arg if takes_arg(op) or arg else None
        self.end = offset + 2 + 2 * cache_units(op)

    def extra_prefixes(self):
        """EXTENDED_ARG prefixes beyond what the oparg needs: 3.6-3.9's peephole pass
        pads a jump that got shorter with EXTENDED_ARG 0."""
        needed = 0 if not self.arg else (self.arg.bit_length() - 1) // 8
        return (self.offset - self.start) // 2 - needed

    def target(self):
        """The offset a jump's oparg encodes (3.12+ FOR_ITER: its END_FOR)."""
        unit = 1 if V < (3, 10) else 2        # byte offsets up to 3.9, code units from 3.10
        if self.op in ABSOLUTE:
            return self.arg * unit
        if V >= (3, 11) and 'JUMP_BACKWARD' in self.name:
            return self.end - 2 * self.arg
        return self.end + self.arg * unit


def decode(co):
    code, out, ext, start, i = co.co_code, [], 0, None, 0
    while i < len(code):
        op, arg = code[i], code[i + 1] | ext
        start = i if start is None else start
        if op == EXTENDED_ARG:
            ext, i = arg << 8, i + 2
            continue
        ins = Instr(start, i, op, arg)
        out.append(ins)
        ext, start, i = 0, None, ins.end
    return out


def signed(b):
    return b - 256 if b >= 128 else b


def lnotab_events(co):
    """3.6-3.9: the logical (offset, line) entries of co_lnotab, same-line ones included."""
    tab = co.co_lnotab
    pairs = [(tab[i], signed(tab[i + 1])) for i in range(0, len(tab), 2)]
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


def linetable_ranges(co):
    """3.10: the (offset, line or None) ranges of co_linetable. (0, +-127) pairs only
    carry a large line step; a range longer than 254 bytes is continued by a pair
    that repeats its line, which pyasm writes by itself, so it is left out."""
    tab, line, addr, out = co.co_linetable, co.co_firstlineno, 0, []
    prev_len = None
    for i in range(0, len(tab), 2):
        length, dl = tab[i], signed(tab[i + 1])
        this = None
        if dl != -128:
            line += dl
            this = line
        if length == 0:
            continue
        continued = prev_len == 254 and (dl == -128 if out[-1][1] is None else dl == 0)
        if not continued:
            out.append((addr, this))
        addr += length
        prev_len = length
    return out


def exception_entries(co):
    """3.11+: (start, end, target, depth, lasti) of co_exceptiontable, in bytes."""
    tab, pos, out = co.co_exceptiontable, 0, []

    def varint():
        nonlocal pos
        b = tab[pos]
        v, pos = b & 63, pos + 1
        while b & 64:
            b = tab[pos]
            v, pos = (v << 6) | (b & 63), pos + 1
        return v
    while pos < len(tab):
        start, size, target, dl = varint(), varint(), varint(), varint()
        out.append((2 * start, 2 * (start + size), 2 * target, dl >> 1, dl & 1))
    return out


def localsplus(co):
    """3.11+: (co_localsplusnames, co_localspluskinds), which Python does not show:
    read from the marshalled code object (without its constants)."""
    data = marshal.dumps(co.replace(co_consts=()))
    pos, refs = 1 + 5 * 4, []                  # 'c', then argcount .. flags as i32

    def u32():
        nonlocal pos
        pos += 4
        return int.from_bytes(data[pos - 4:pos], 'little')

    def read():
        nonlocal pos
        t = data[pos]
        pos += 1
        flagged, t = t & 0x80, chr(t & 0x7f)
        slot = len(refs)
        if flagged:
            refs.append(None)
        if t == 'r':
            return refs[u32()]
        if t in ')(':
            n = data[pos] if t == ')' else u32()
            pos += 1 if t == ')' else 0
            v = tuple(read() for _ in range(n))
        elif t in 'sauAt' or t in 'zZ':
            n = data[pos] if t in 'zZ' else u32()
            pos += 1 if t in 'zZ' else 0
            v = data[pos:pos + n]
            pos += n
            v = v if t == 's' else v.decode('utf-8', 'surrogatepass')
        else:
            raise SystemExit('py2pyasm: unexpected marshal type %r in a code object' % t)
        if flagged:
            refs[slot] = v
        return v
    read(), read(), read()                     # co_code, co_consts, co_names
    return list(read()), read()


def name_operand(n):
    return n if IDENT.match(n) else '"%s"' % n


def var_operand(n):
    """A variable: `.0` can be written as it is, `.type_params` (3.12) as a string."""
    return n if ARG.match(n) else '"%s"' % n


def names_list(names):
    # pyasm reads a compiler-made name (`.0`) in a list only when commas separate them
    sep = ', ' if any(not IDENT.match(n) for n in names) else ' '
    return sep.join(var_operand(n) for n in names)


def block_id(name):
    """A .code block's name: CPython's own (`f`, `<lambda>`) when pyasm can read it,
    else made from it (`<generic parameters of f>` -> generic_parameters_of_f)."""
    if re.match(r'^(<[A-Za-z_][A-Za-z_0-9]*>|[A-Za-z_][A-Za-z_0-9]*)$', name):
        return name
    return re.sub(r'[^A-Za-z_0-9]+', '_', name.strip('<>'))


def const_key(c):
    """Constants that CPython keeps apart (1, 1.0, True) get different keys."""
    return id(c) if isinstance(c, types.CodeType) else (type(c), repr(c))


def position(p):
    line, end_line, col, end_col = p
    if line is None:
        return 'none'
    if col is None and end_col is None and end_line in (line, None):
        return '%d' % line
    if col is None or end_col is None or end_line is None:
        raise SystemExit('py2pyasm: position %r cannot be written as a .line' % (p,))
    if end_line == line:
        return '%d:%d-%d' % (line, col, end_col)
    return '%d:%d-%d:%d' % (line, col, end_line, end_col)


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
    def default_flags(co, instrs, module, in_function):
        no_cells = not co.co_cellvars and not co.co_freevars
        if module:
            return 0x40 if V < (3, 10) and no_cells else 0
        f = 0x1 | 0x2 | (co.co_flags & (0x4 | 0x8))
        if in_function:
            f |= 0x10
        if any(i.name in ('YIELD_VALUE', 'YIELD_FROM', 'RETURN_GENERATOR') for i in instrs):
            f |= 0x20
        if V < (3, 10) and no_cells:
            f |= 0x40
        return f

    @staticmethod
    def signature(co):
        vn, parts = co.co_varnames, []
        posonly = getattr(co, 'co_posonlyargcount', 0)
        for i in range(co.co_argcount):
            parts.append(vn[i])
            if posonly and i == posonly - 1:
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

    def code(self, co, depth, module, parent=None, in_function=False):
        """parent: the enclosing code object (None for the module); in_function: some
        enclosing block is a function."""
        e = lambda text: self.emit(depth, text)
        instrs = decode(co)
        # Labels go on instructions; an offset inside EXTENDED_ARG prefixes means the
        # instruction they prefix.
        index = {}
        for n, i in enumerate(instrs):
            for off in range(i.start, i.offset + 2, 2):
                index[off] = n
        end = len(co.co_code)
        at = lambda off: instrs[index[off]].offset if off in index else off

        if V >= (3, 11):
            lp_names, lp_kinds = localsplus(co)
        else:
            lp_names, lp_kinds = list(co.co_varnames), b''
        deref_names = lp_names if V >= (3, 11) else list(co.co_cellvars + co.co_freevars)

        def argval(i):
            """What the oparg indexes: a constant, a name, a local, a jump target."""
            op, arg = i.op, i.arg
            if op in JUMPS:
                return at(i.target())
            if op in CONST:
                return co.co_consts[arg]
            if op in NAME:
                if (i.name == 'LOAD_GLOBAL' and V >= (3, 11)) or \
                        (i.name == 'LOAD_ATTR' and V >= (3, 12)):
                    return co.co_names[arg >> 1]
                return co.co_names[arg >> 2 if i.name == 'LOAD_SUPER_ATTR' else arg]
            if i.name in FAST_PAIRS:
                return lp_names[arg >> 4], lp_names[arg & 15]
            if op in LOCAL:
                return lp_names[arg]
            if op in FREE:
                return deref_names[arg]
            return None

        targets = {argval(i) for i in instrs if i.op in JUMPS}
        exc = exception_entries(co) if V >= (3, 11) else []
        for ent in exc:
            targets.update(at(o) for o in ent[:3])
        labels = {off: 'L%d' % (n + 1) for n, off in enumerate(sorted(targets))}

        # attributes. Up to 3.10 the code constructor sets NOFREE by itself (and pyasm
        # leaves it out on 3.10), so that bit alone needs no .flags.
        ignored = 0x40 if V <= (3, 10) else 0
        if co.co_flags & ~ignored != self.default_flags(co, instrs, module, in_function) & ~ignored:
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
                nm, k = block_id(c.co_name), 2
                while nm in children.values():   # e.g. <listcomp> -> listcomp_2
                    nm, k = '%s_%d' % (block_id(c.co_name).strip('<>'), k), k + 1
                children[id(c)] = nm
        self.ids.update(children)

        # tables: spelled out when first-use order would not give CPython's
        nsig = (co.co_argcount + co.co_kwonlyargcount + bool(co.co_flags & 0x4)
                + bool(co.co_flags & 0x8))
        consts, names, varnames, cells, seen = [], [], list(co.co_varnames[:nsig]), [], set()
        for i in instrs:
            v = argval(i)
            if i.op in JUMPS:
                continue
            if i.op in CONST:
                if const_key(v) not in seen:
                    seen.add(const_key(v))
                    consts.append(v)
            elif i.op in NAME:
                if v not in names:
                    names.append(v)
            elif i.name in FAST_PAIRS or i.op in LOCAL:
                for n in (v if isinstance(v, tuple) else (v,)):
                    # from 3.11 LOAD_FAST also reads the cells and free variables
                    # known so far (pyasm looks a local up in localsplus)
                    if n not in varnames and (V < (3, 11) or (n not in cells and
                                                              n not in co.co_freevars)):
                        varnames.append(n)
            elif i.op in FREE and v not in co.co_freevars and v not in cells:
                cells.append(v)
        if [const_key(c) for c in co.co_consts] != [const_key(c) for c in consts]:
            e('.consts ' + ', '.join(self.const(c) for c in co.co_consts))
        if list(co.co_names) != names:
            e('.names ' + names_list(co.co_names))
        if list(co.co_varnames) != varnames:
            e('.varnames ' + names_list(co.co_varnames))
        if list(co.co_cellvars) != cells:
            e('.cellvars ' + names_list(co.co_cellvars))
        if co.co_freevars:
            e('.freevars ' + names_list(co.co_freevars))
        hidden = [n for n, k in zip(lp_names, lp_kinds) if k & HIDDEN]
        if hidden:
            e('.hidden ' + names_list(hidden))

        # locations: {offset: [.line operand, ...]}
        lines = {}
        if V < (3, 10):
            for off, line in lnotab_events(co):
                lines.setdefault(at(off), []).append(line)
            lines.setdefault(at(0), [co.co_firstlineno])
            first_line = lines[at(0)][0]
        elif V == (3, 10):
            for off, line in linetable_ranges(co):
                lines.setdefault(at(off), []).append(line)
            first_line = next((ln for off in sorted(lines) for ln in lines[off]
                               if ln is not None), None)
        else:
            positions = list(co.co_positions())
            current = None
            for i in instrs:
                p = positions[i.offset // 2]
                if p != current or i is instrs[0]:
                    lines[i.offset] = [p]
                    current = p
            first_line = next((ln for off in sorted(lines) for ln, _, _, _ in lines[off]
                               if ln is not None), None)
        if module and V >= (3, 10):
            first_line = 1   # pyasm's default for a 3.10+ module, as CPython
        if first_line != co.co_firstlineno:
            e('.firstlineno %d' % co.co_firstlineno)
        for start, stop, target, depth_, lasti in exc:
            e('.except %s %s %s depth %d%s' % (labels[at(start)], labels[at(stop)],
                                               labels[at(target)], depth_,
                                               ' lasti' if lasti else ''))

        placed, last_line = set(), None

        def line_directives(off):
            nonlocal last_line
            for loc in lines.get(off, []):
                if V >= (3, 11):
                    ln, text = loc[0], position(loc)
                else:
                    ln, text = loc, 'none' if loc is None else '%d' % loc
                comment = self.source_comment(ln) if ln != last_line or V < (3, 11) else ''
                e('.line ' + text + comment)
                last_line = ln

        for i in instrs:
            v = argval(i)
            # a nested block goes just before the LOAD_CONST that uses it
            if i.op in CONST and isinstance(v, types.CodeType) and id(v) not in placed:
                placed.add(id(v))
                self.nested(v, depth, co, in_function or self.is_function(co, module))
            if i.offset in labels:
                e('%s:' % labels[i.offset])
            line_directives(i.offset)
            if i.offset > i.start and (i.extra_prefixes() or (V < (3, 10) and i.op in JUMPS)):
                # 3.6-3.9 size jumps before their peephole pass and keep those
                # prefixes (even EXTENDED_ARG 0); pyasm's own layout could be
                # tighter, so the prefixes CPython kept are written out.
                for k in range(i.start, i.offset, 2):
                    e('    EXTENDED_ARG         %d' % co.co_code[k + 1])
            e('    ' + self.instruction(co, i, v, labels))
        if end in labels:
            e('%s:' % labels[end])
        for off in sorted(o for o in lines if o >= end):
            line_directives(off)
        for c in co.co_consts:
            if isinstance(c, types.CodeType) and id(c) not in placed:
                self.nested(c, depth, co, in_function or self.is_function(co, module))

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
        comprehension = parent.co_name in COMPREHENSIONS
        sep = '.<locals>.' if parent.co_flags & OPTIMIZED and not comprehension else '.'
        return parent.co_qualname + sep + co.co_name

    def nested(self, c, depth, parent, in_function):
        ident = self.ids[id(c)]
        sig = [a if a in ('/', '*') else a[:len(a) - len(a.lstrip('*'))] + var_operand(a.lstrip('*'))
               for a in self.signature(c)]
        self.emit(0)
        self.emit(depth, '.code ' + ident + ('(' + ', '.join(sig) + ')' if sig else ''))
        if c.co_name != ident:
            self.emit(depth + 1, '.name "%s"' % c.co_name)
        self.code(c, depth + 1, False, parent, in_function)
        self.emit(depth, '.end')
        self.emit(0)

    def instruction(self, co, i, v, labels):
        op, arg, name = i.op, i.arg, i.name
        if arg is None:
            return name
        if not takes_arg(op):
            # 3.10 leaves the oparg of an instruction it turned into a NOP, ROT_TWO ...
            return '%-20s $%d    # an oparg on an instruction without one' % (name, arg)
        if op in JUMPS:
            operand = labels[v]
        elif op in CONST:
            operand = self.const(v)            # KW_NAMES too
            keys = [const_key(c) for c in co.co_consts]
            if keys.index(keys[arg]) != arg:
                # 3.6-3.8's peephole pass leaves equal constants (folded tuples) in the
                # table: only the index tells which one is meant
                operand = '$%d' % arg + ' ' * max(1, 19 - len(str(arg))) + '# ' + operand
        elif name == 'LOAD_GLOBAL' and V >= (3, 11) and arg & 1:
            operand = 'NULL + ' + name_operand(v)
        elif name == 'LOAD_ATTR' and V >= (3, 12) and arg & 1:
            operand = 'NULL|self + ' + name_operand(v)
        elif name == 'LOAD_SUPER_ATTR':
            operand = ('NULL|self + ' if arg & 1 else '') + name_operand(v) + \
                (', two_arg' if arg & 2 else '')
        elif op in NAME:
            operand = name_operand(v)
        elif name in FAST_PAIRS:
            operand = '%s, %s' % (var_operand(v[0]), var_operand(v[1]))
        elif op in LOCAL or op in FREE:
            operand = var_operand(v)
        elif name == 'COMPARE_OP':
            operand = self.compare(arg)
        elif name == 'BINARY_OP':
            operand = NB_OPS[arg]
        elif name in INTRINSICS:
            operand = INTRINSICS[name][arg]
        elif name in ('MAKE_FUNCTION', 'SET_FUNCTION_ATTRIBUTE'):
            operand = ', '.join(nm for bit, nm in FUNCTION_FLAGS if arg & bit) or '0'
            if arg & ~0xf:
                operand = str(arg)
        elif name == 'FORMAT_VALUE':
            parts = [CONVERSIONS[arg & 3]] + (['with format'] if arg & 4 else [])
            operand = ', '.join(p for p in parts if p) or '0'
            if arg & ~7:
                operand = str(arg)
        elif name == 'CONVERT_VALUE':
            operand = CONVERSIONS[arg] if 0 < arg < 4 else '$%d' % arg
        else:
            operand = str(arg)
        return '%-20s %s' % (name, operand)

    @staticmethod
    def compare(arg):
        """COMPARE_OP: cmp_op index, packed with a mask on 3.12 and with the to-bool
        bit on 3.13. An oparg pyasm would not rebuild is written raw."""
        if V < (3, 12):
            return opcode.cmp_op[arg]
        shift = 5 if V >= (3, 13) else 4
        idx, mask = arg >> shift, arg & 15
        if idx >= len(COMPARE_MASKS) or mask != COMPARE_MASKS[idx]:
            return '$%d' % arg
        text = opcode.cmp_op[idx]
        return 'bool(%s)' % text if arg & 16 and V >= (3, 13) else text

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
