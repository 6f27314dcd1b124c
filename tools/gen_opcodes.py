#!/usr/bin/env python3
"""Generate pyasm's per-version opcode tables from the real interpreters.

Usage: tools/gen_opcodes.py [--check] [VERSION ...]

For every CPython 3.6-3.13 found under $(pyenv root)/versions, this runs that
interpreter with a probe that dumps its `opcode`/`dis` facts (opcode numbers,
argument lists, inline cache counts, operator tables and dis.stack_effect over a
wide range of opargs), then fits each opcode's stack effect to one of a small set
of closed forms (the same forms src/opcodes.cpp evaluates) and writes
src/opcodes/opcodes_3_X.inc.  Each op gets two effects, falling through and
jumping; 3.6 and 3.7 cannot report the two apart, so their branches come from a
small table of what those compilers do (see BRANCHES_3_7 and ADJUST_3_6).  The
generated files are committed so the build needs no Python.  With --check, nothing is written and the exit status says
whether the committed files are up to date.

Standard library only.
"""
import argparse
import json
import os
import subprocess
import sys

from interpreters import find_interpreter

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(ROOT, "src", "opcodes")
VERSIONS = ["3.6", "3.7", "3.8", "3.9", "3.10", "3.11", "3.12", "3.13"]

# Opargs at which dis.stack_effect is sampled: a dense range plus values that
# exercise packed flag bits and the high bytes used by UNPACK_EX and friends.
SAMPLE_ARGS = sorted(set(list(range(0, 301)) + [
    0x1FF, 0x200, 0x2FF, 0x301, 0x3FF, 0x1234, 0xFFFF, 0x10000, 0x10203]))

PROBE = r'''
import dis, importlib.util, json, opcode, sys
args = %(args)r
def effect(op, arg, jump):
    try:
        if jump is None:
            return dis.stack_effect(op, arg)
        return dis.stack_effect(op, arg, jump=jump)
    except (ValueError, TypeError):
        return None
has_jump_kw = sys.version_info >= (3, 8)
hasarg = set(getattr(opcode, "hasarg", [o for o in opcode.opmap.values() if o >= opcode.HAVE_ARGUMENT]))
caches = getattr(opcode, "_inline_cache_entries", None)
out = {"version": "%%d.%%d" %% sys.version_info[:2],
       "magic": int.from_bytes(importlib.util.MAGIC_NUMBER[:2], "little"),
       "extended_arg": opcode.EXTENDED_ARG,
       "ops": [], "cmp_op": list(opcode.cmp_op),
       "nb_ops": [s for _, s in getattr(opcode, "_nb_ops", [])],
       "intrinsic1": list(getattr(opcode, "_intrinsic_1_descs", [])),
       "intrinsic2": list(getattr(opcode, "_intrinsic_2_descs", []))}
lists = {k: set(getattr(opcode, k, [])) for k in
         ("hasconst", "hasname", "haslocal", "hasfree", "hasjrel", "hasjabs", "hascompare", "hasexc")}
for name, code in sorted(opcode.opmap.items(), key=lambda kv: kv[1]):
    if code >= 256:          # pseudo-ops (3.12+) never appear in a pyc
        continue
    if code >= getattr(opcode, "MIN_INSTRUMENTED_OPCODE", 1000):
        continue
    takes = code in hasarg
    if isinstance(caches, dict):
        ncache = caches.get(name, 0)
    elif caches is not None:
        ncache = caches[code]
    else:
        ncache = 0
    rec = {"name": name, "code": code, "arg": takes, "caches": ncache,
           "lists": sorted(k for k, v in lists.items() if code in v)}
    if takes:
        rec["fall"] = [effect(code, a, False if has_jump_kw else None) for a in args]
        rec["jump"] = [effect(code, a, True) for a in args] if has_jump_kw else None
    else:
        rec["fall"] = [effect(code, None, False if has_jump_kw else None)]
        rec["jump"] = [effect(code, None, True)] if has_jump_kw else None
    out["ops"].append(rec)
# Names that are opcodes of this CPython but never appear in a pyc.
out["specialized"] = sorted((n, base) for base, names in getattr(opcode, "_specializations", {}).items()
                            for n in names if n != base)
mi = getattr(opcode, "MIN_INSTRUMENTED_OPCODE", 1000)
out["instrumented"] = sorted(n for n, c in opcode.opmap.items() if mi <= c < 256)
pseudo_targets = getattr(opcode, "_pseudo_ops", {})
out["pseudo"] = sorted((n, list(pseudo_targets.get(n, []))) for n, c in opcode.opmap.items() if c >= 256)
print(json.dumps(out))
'''



# ---------------------------------------------------------------------------
# Stack-effect forms.  Keep in sync with EffectForm in include/pyasm/opcodes.hpp
# and eval_effect() in src/opcodes.cpp: effect(a) for oparg a is
FORMS = {
    "Const":    lambda c, k, b, a: c,
    "Linear":   lambda c, k, b, a: c + k * a,
    "Bit":      lambda c, k, b, a: c + k * ((a >> b) & 1),
    "LowByte":  lambda c, k, b, a: c + k * (a & 0xFF),
    "UnpackEx": lambda c, k, b, a: c + (a & 0xFF) + (a >> 8),
    "Slice":    lambda c, k, b, a: c - (1 if a == 3 else 0),
    "PopCount": lambda c, k, b, a: c + k * bin(a & 0xF).count("1"),
}


def fit(samples, args):
    """Return (form, c, k, b) reproducing every non-None sample, or None."""
    pts = [(a, e) for a, e in zip(args, samples) if e is not None]
    if not pts:
        return ("Invalid", 0, 0, 0)
    a0, e0 = pts[0]
    candidates = [("Const", e0, 0, 0)]
    if len(pts) > 1:
        (a1, e1) = pts[1]
        if a1 != a0:
            k = (e1 - e0) // (a1 - a0)
            candidates.append(("Linear", e0 - k * a0, k, 0))
    for b in range(0, 4):
        hi = [e for a, e in pts if (a >> b) & 1]
        lo = [e for a, e in pts if not (a >> b) & 1]
        if hi and lo:
            candidates.append(("Bit", lo[0], hi[0] - lo[0], b))
    e_of = dict(pts)
    if 0 in e_of and 1 in e_of:
        candidates.append(("LowByte", e_of[0], e_of[1] - e_of[0], 0))
        candidates.append(("PopCount", e_of[0], e_of[1] - e_of[0], 0))
        candidates.append(("UnpackEx", e_of[0], 0, 0))
    if 0 in e_of:
        candidates.append(("Slice", e_of[0], 0, 0))
    for form, c, k, b in candidates:
        f = FORMS[form]
        if all(f(c, k, b, a) == e for a, e in pts):
            return (form, c, k, b)
    return None


# ---------------------------------------------------------------------------
# Branch effects.  pyasm's stack analysis (src/stackdepth.cpp) adds the `fall`
# effect after every instruction and gives a jump's target depth + `jump`.  From
# 3.8, dis.stack_effect(op, arg, jump=False/True) gives both.  On 3.6 and 3.7 it
# has no `jump` argument and returns one number, so the two branches are
# reconstructed here from what each version's own compiler does in its stack-depth
# pass; every other op keeps the dis value on both branches.
#
# 3.7 (Python/compile.c, static stack_effect(opcode, oparg, jump); stackdepth()
# calls it with jump=0 for the depth after the instruction and jump=1 for the
# target, and dis.stack_effect is stack_effect(op, arg, -1), the larger of the two).
# The ops whose two branches differ, as (fall, jump), with the source's expression:
BRANCHES_3_7 = {
    "FOR_ITER":             (1, -1),  # jump > 0 ? -1 : 1  (iterator popped at the end)
    "JUMP_IF_TRUE_OR_POP":  (-1, 0),  # jump ? 0 : -1
    "JUMP_IF_FALSE_OR_POP": (-1, 0),  # jump ? 0 : -1
    "SETUP_EXCEPT":         (0, 6),   # jump ? 6 : 0  (handler entered with 6 values pushed)
    "SETUP_FINALLY":        (0, 6),   # jump ? 6 : 0
    "SETUP_WITH":           (1, 6),   # jump ? 6 : 1
    "SETUP_ASYNC_WITH":     (0, 5),   # jump ? -1 + 6 : 0
}
# 3.6 (Python/compile.c, stackdepth_walk): depth += PyCompile_OpcodeStackEffect()
# (the single table dis.stack_effect returns), that depth counts in the maximum,
# and for an instruction with a target it then sets the target depth to that depth,
# except: FOR_ITER target depth - 2; SETUP_FINALLY/SETUP_EXCEPT target depth + 3
# (also counted in the maximum); JUMP_IF_TRUE_OR_POP/JUMP_IF_FALSE_OR_POP target
# depth unchanged but the fall-through continues from depth - 1.  As offsets from
# the dis value, (fall, jump):
ADJUST_3_6 = {
    "FOR_ITER":             (0, -2),  # 1 / -1
    "SETUP_EXCEPT":         (0, +3),  # 6 / 9
    "SETUP_FINALLY":        (0, +3),  # 6 / 9
    "JUMP_IF_TRUE_OR_POP":  (-1, 0),  # -1 / 0
    "JUMP_IF_FALSE_OR_POP": (-1, 0),  # -1 / 0
}
# Ops dis.stack_effect rejects although they can appear in code, with their real
# effect on both branches.  On 3.6 and 3.7 the compiler's table has no case for
# NOP or EXTENDED_ARG because no instruction list it measures contains them (NOPs
# appear only in the peephole pass, which runs after the stack-depth pass, and
# EXTENDED_ARG only when the instructions are written out), so dis raises for every
# oparg.  Both still run: pyasm can write them, the interpreter executes them
# without touching the value stack (EXTENDED_ARG only widens the next op's
# argument), and from 3.8 compile.c has `case NOP: case EXTENDED_ARG: return 0`
# (so dis gives 0 there).  No op is left with the Invalid form.
NO_DIS_EFFECT = {
    "3.6": {"NOP": 0, "EXTENDED_ARG": 0},
    "3.7": {"NOP": 0, "EXTENDED_ARG": 0},
}


def branch_samples(rec, xs, version):
    """The (fall, jump) effect samples over the opargs xs, None where dis raises."""
    name, fall = rec["name"], rec["fall"]
    if name in NO_DIS_EFFECT.get(version, {}):
        if any(e is not None for e in fall):
            sys.exit("gen_opcodes: %s %s: dis now gives a stack effect; drop it from "
                     "NO_DIS_EFFECT" % (version, name))
        e = NO_DIS_EFFECT[version][name]
        return [e] * len(xs), [e] * len(xs)
    if rec["jump"] is not None:                      # 3.8+: dis knows both branches
        return fall, rec["jump"]
    if version == "3.7" and name in BRANCHES_3_7:
        f, j = BRANCHES_3_7[name]
        if any(e is not None and e != max(f, j) for e in fall):
            sys.exit("gen_opcodes: 3.7 %s: dis.stack_effect %r is not max(%d, %d)"
                     % (name, sorted(set(fall) - {None}), f, j))
        return ([None if e is None else f for e in fall],
                [None if e is None else j for e in fall])
    if version == "3.6" and name in ADJUST_3_6:
        df, dj = ADJUST_3_6[name]
        return ([None if e is None else e + df for e in fall],
                [None if e is None else e + dj for e in fall])
    return fall, fall


def fit_op(rec, args, version):
    takes = rec["arg"]
    xs = args if takes else [0]
    res = []
    for key, samples in zip(("fall", "jump"), branch_samples(rec, xs, version)):
        f = fit(samples, xs)
        if f is None:
            sys.exit("gen_opcodes: %s %s: no stack-effect form fits %s samples %r"
                     % (version, rec["name"], key, samples[:12]))
        if f[0] == "Invalid":
            sys.exit("gen_opcodes: %s %s: dis.stack_effect rejects every oparg; find its "
                     "real effect in that version's compile.c/ceval.c and add it to "
                     "NO_DIS_EFFECT" % (version, rec["name"]))
        res.append(f)
    return res


# ---------------------------------------------------------------------------
# Operand kinds: how the assembler reads an operand.  Keep in sync with
# ArgKind in include/pyasm/opcodes.hpp.

def arg_kind(rec, version):
    name, lists = rec["name"], rec["lists"]
    minor = int(version.split(".")[1])
    if not rec["arg"]:
        return "None"
    special = {
        "LOAD_GLOBAL": "GlobalNull" if minor >= 11 else None,
        "LOAD_ATTR": "AttrMethod" if minor >= 12 else None,
        "LOAD_SUPER_ATTR": "SuperAttr",
        "BINARY_OP": "BinaryOp",
        "CALL_INTRINSIC_1": "Intrinsic1",
        "CALL_INTRINSIC_2": "Intrinsic2",
        "MAKE_FUNCTION": "FunctionFlags",
        "SET_FUNCTION_ATTRIBUTE": "FunctionFlags",
        "FORMAT_VALUE": "FormatValue",
        "CONVERT_VALUE": "ConvertValue",
        "LOAD_FAST_LOAD_FAST": "FastPair",
        "STORE_FAST_STORE_FAST": "FastPair",
        "STORE_FAST_LOAD_FAST": "FastPair",
    }.get(name)
    if special:
        return special
    if "hasjrel" in lists:
        return "JumpBack" if "JUMP_BACKWARD" in name else "JumpRel"
    if "hasjabs" in lists:
        return "JumpAbs"
    for lst, kind in (("hasconst", "Const"), ("hasname", "Name"), ("haslocal", "Local"),
                      ("hasfree", "Free"), ("hascompare", "Compare")):
        if lst in lists:
            return kind
    return "Number"


# Opcodes after which control never falls through to the next instruction.
TERMINATORS = {"JUMP_ABSOLUTE", "JUMP_FORWARD", "JUMP_BACKWARD", "JUMP_BACKWARD_NO_INTERRUPT",
               "RETURN_VALUE", "RETURN_CONST", "RAISE_VARARGS", "RERAISE", "BREAK_LOOP",
               "CONTINUE_LOOP"}


# Jumps whose target the stack analysis does not follow: CPython's own
# stackdepth() reaches those blocks another way (3.8 CALL_FINALLY enters a
# finally block already entered from SETUP_FINALLY; 3.6/3.7 CONTINUE_LOOP).
UNFOLLOWED = {"CALL_FINALLY", "CONTINUE_LOOP"}


def op_flags(rec, kind, version):
    flags = []
    if rec["name"] in UNFOLLOWED:
        flags.append("kTargetNotFollowed")
    if rec["name"] in TERMINATORS:
        flags.append("kTerminates")
    if kind in ("JumpRel", "JumpAbs", "JumpBack"):
        flags.append("kJumps")
    return "|".join(flags) or "0"


# 3.13's opcode module no longer lists what a pseudo-op becomes; these are
# 3.12's _pseudo_ops, plus LOAD_CLOSURE (pseudo from 3.13), which the 3.13
# compiler writes as LOAD_FAST.
PSEUDO_TARGETS_3_13 = {
    "JUMP": ["JUMP_FORWARD", "JUMP_BACKWARD"],
    "JUMP_NO_INTERRUPT": ["JUMP_FORWARD", "JUMP_BACKWARD_NO_INTERRUPT"],
    "LOAD_CLOSURE": ["LOAD_FAST"],
    "LOAD_METHOD": ["LOAD_ATTR"],
    "LOAD_SUPER_METHOD": ["LOAD_SUPER_ATTR"],
    "LOAD_ZERO_SUPER_ATTR": ["LOAD_SUPER_ATTR"],
    "LOAD_ZERO_SUPER_METHOD": ["LOAD_SUPER_ATTR"],
    "POP_BLOCK": ["NOP"],
    "SETUP_CLEANUP": ["NOP"],
    "SETUP_FINALLY": ["NOP"],
    "SETUP_WITH": ["NOP"],
    "STORE_FAST_MAYBE_NULL": ["STORE_FAST"],
}


def not_in_pyc(data):
    """(name, kind, what a pyc holds instead) for opcodes no pyc contains."""
    rows = [(n, "Specialized", base) for n, base in data["specialized"]]
    rows += [(n, "Instrumented", n[len("INSTRUMENTED_"):]) for n in data["instrumented"]]
    for n, targets in data["pseudo"]:
        if not targets and data["version"] == "3.13":
            targets = PSEUDO_TARGETS_3_13.get(n, [])
        rows.append((n, "Pseudo", " or ".join(t for t in targets if t != "NOP") or "nothing"))
    return sorted(rows)


def c_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render(data):
    v = data["version"]
    lines = ["// Generated by tools/gen_opcodes.py from CPython %s. Do not edit." % v,
             "// PYASM_VERSION(major, minor, magic, extended_arg)",
             "// PYASM_OP(name, code, kind, caches, flags, fall effect, jump effect)",
             "//   effect = PYASM_EFFECT(form, c, k, b); see EffectForm in opcodes.hpp.",
             "// PYASM_NOT_IN_PYC(name, kind, what a pyc holds instead)",
             "PYASM_VERSION(3, %s, %d, %d)" % (v.split(".")[1], data["magic"],
                                                 data["extended_arg"])]
    for rec in data["ops"]:
        kind = arg_kind(rec, v)
        fall, jump = fit_op(rec, SAMPLE_ARGS, v)
        eff = lambda f: "PYASM_EFFECT(%s, %d, %d, %d)" % f
        lines.append("PYASM_OP(%s, %d, %s, %d, %s, %s, %s)" % (
            rec["name"], rec["code"], kind, rec["caches"], op_flags(rec, kind, v),
            eff(fall), eff(jump)))
    for name, kind, instead in not_in_pyc(data):
        lines.append("PYASM_NOT_IN_PYC(%s, %s, %s)" % (name, kind, c_str(instead)))
    for key, macro in (("cmp_op", "PYASM_CMP_OP"), ("nb_ops", "PYASM_NB_OP"),
                       ("intrinsic1", "PYASM_INTRINSIC1"), ("intrinsic2", "PYASM_INTRINSIC2")):
        for s in data[key]:
            lines.append("%s(%s)" % (macro, c_str(s)))
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="compare, do not write")
    ap.add_argument("versions", nargs="*", default=VERSIONS)
    opts = ap.parse_args()
    stale = []
    checked = 0
    for v in opts.versions:
        exe = find_interpreter(v)
        if exe is None:
            if opts.check:  # a machine without that interpreter cannot judge it
                print("skipped %s: no pyenv interpreter" % v)
                continue
            sys.exit("gen_opcodes: no pyenv interpreter for %s" % v)
        checked += 1
        proc = subprocess.run([exe, "-I", "-c", PROBE % {"args": SAMPLE_ARGS}],
                              capture_output=True, text=True, check=True)
        text = render(json.loads(proc.stdout))
        path = os.path.join(OUT_DIR, "opcodes_%s.inc" % v.replace(".", "_"))
        old = open(path).read() if os.path.exists(path) else None
        if old != text:
            stale.append(path)
            if not opts.check:
                with open(path, "w") as f:
                    f.write(text)
    for p in stale:
        print(("stale: " if opts.check else "wrote: ") + os.path.relpath(p, ROOT))
    if opts.check:
        print("%d passed, %d failed" % (checked - len(stale), len(stale)))
        if checked == 0:
            return 77
    return 1 if (opts.check and stale) else 0


if __name__ == "__main__":
    sys.exit(main())
