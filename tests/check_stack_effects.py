#!/usr/bin/env python3
"""Check pyasm's stack effects against dis.stack_effect of the real interpreters.

Usage: tests/check_stack_effects.py DUMP_EFFECTS [VERSION ...]

DUMP_EFFECTS is the tests/tools/dump_effects program: it prints, for a version,
every op in pyasm's table with the fall-through and jump effects that the C++
code (StackEffect::eval) gives at each oparg asked for.  For every CPython
3.6-3.13 found under $(pyenv root)/versions this compares them, at opargs 0..300
and a set of packed-flag values, with what that interpreter's dis says:

  3.8+  dis.stack_effect(op, arg, jump=False) == fall, jump=True == jump, and
        the default (jump=None) == max(fall, jump).
  3.7   dis.stack_effect(op, arg) is compile.c's maximum over the two branches:
        == max(fall, jump); an op without a jump target has fall == jump.
  3.6   dis.stack_effect(op, arg) is compile.c's single table value, which
        stackdepth_walk adds after every instruction and then adjusts for the
        branch it is not on (see ADJUST_3_6): fall, jump == dis + adjustment.

Where dis raises ValueError there is no expectation; those cases are counted and
reported.  Exit status: 0 when everything agrees, 1 on any mismatch, 77 when no
interpreter is installed.  Standard library only.
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'tools'))
from interpreters import find_interpreter  # noqa: E402

VERSIONS = ["3.6", "3.7", "3.8", "3.9", "3.10", "3.11", "3.12", "3.13"]

# A dense range (MAKE_FUNCTION 0..15, FORMAT_VALUE 0..7, BUILD_SLICE 2/3, small
# counts and indexes) plus packed values: EXTENDED_ARG high bytes, UNPACK_EX's
# (after << 8) | before, and the flag bits in the low bits of 3.11+ LOAD_GLOBAL
# ((name << 1) | null), 3.12+ LOAD_ATTR ((name << 1) | method) and LOAD_SUPER_ATTR
# ((name << 2) | two_arg << 1 | method) with large name indexes.
OPARGS = sorted(set(
    list(range(0, 301))
    + [0x100, 0x101, 0x102, 0x103, 0x1FF, 0x200, 0x201, 0x2FF, 0x301, 0x3FF]
    + [0x0A05, 0x1234, 0xFF00, 0xFF01, 0xFFFF, 0x10000, 0x10203]
    + [(n << 1) | b for n in (300, 1000, 40000) for b in (0, 1)]
    + [(n << 2) | b for n in (300, 1000, 40000) for b in range(4)]))

# 3.6 Python/compile.c stackdepth_walk: after depth += effect (the dis value), a
# jump's target gets depth - 2 for FOR_ITER and depth + 3 for SETUP_EXCEPT /
# SETUP_FINALLY, and JUMP_IF_*_OR_POP continue on the fall-through side from
# depth - 1.  (fall, jump) offsets from the dis value:
ADJUST_3_6 = {
    "FOR_ITER": (0, -2),
    "SETUP_EXCEPT": (0, 3),
    "SETUP_FINALLY": (0, 3),
    "JUMP_IF_TRUE_OR_POP": (-1, 0),
    "JUMP_IF_FALSE_OR_POP": (-1, 0),
}

MAX_SHOWN = 10

PROBE = r'''
import dis, json, opcode, sys
args = json.loads(sys.stdin.read())
has_jump_kw = sys.version_info >= (3, 8)
hasarg = set(getattr(opcode, "hasarg",
                     [o for o in opcode.opmap.values() if o >= opcode.HAVE_ARGUMENT]))
instrumented = getattr(opcode, "MIN_INSTRUMENTED_OPCODE", 1000)
def effect(op, arg, jump):
    try:
        if jump is None:
            return dis.stack_effect(op, arg)
        return dis.stack_effect(op, arg, jump=jump)
    except ValueError:
        return None
ops = {}
for name, code in opcode.opmap.items():
    if code >= 256:  # 3.12+ pseudo-ops: never in a pyc, not in pyasm's tables
        continue
    takes = code in hasarg
    xs = args if takes else [None]  # 3.6-3.12 raise unless argless ops get None
    rec = {"code": code, "has_arg": takes, "instrumented": code >= instrumented,
           "max": [effect(code, a, None) for a in xs]}
    if has_jump_kw:
        rec["fall"] = [effect(code, a, False) for a in xs]
        rec["jump"] = [effect(code, a, True) for a in xs]
    ops[name] = rec
print(json.dumps(ops))
'''



def expectations(version, name, jumps, dis_rec, i):
    """[(rule, expected value or None where dis raises, pyasm value picker)] for sample i."""
    minor = int(version.split(".")[1])
    d = dis_rec["max"][i]
    if minor >= 8:
        return [("fall = dis(jump=False)", dis_rec["fall"][i], lambda f, j: f),
                ("jump = dis(jump=True)", dis_rec["jump"][i], lambda f, j: j),
                ("max(fall, jump) = dis(jump=None)", d, lambda f, j: max(f, j))]
    if minor == 7:
        if jumps:
            return [("max(fall, jump) = dis", d, lambda f, j: max(f, j))]
        return [("fall = dis", d, lambda f, j: f), ("jump = dis", d, lambda f, j: j)]
    df, dj = ADJUST_3_6.get(name, (0, 0))
    rule = lambda side, k: "%s = dis%s" % (side, " %+d" % k if k else "")
    return [(rule("fall", df), None if d is None else d + df, lambda f, j: f),
            (rule("jump", dj), None if d is None else d + dj, lambda f, j: j)]


def check_version(version, exe, dump):
    """Returns (opcodes checked, [(what, mismatch)], {op: opargs where dis raises})."""
    probe = subprocess.run([exe, "-I", "-c", PROBE], input=json.dumps(OPARGS),
                           capture_output=True, text=True, check=True)
    real = json.loads(probe.stdout)
    out = subprocess.run([dump, version] + [str(a) for a in OPARGS],
                         capture_output=True, text=True)
    if out.returncode != 0:
        return 0, [("dump_effects", "%s failed: %s" % (version, out.stderr.strip()))], {}
    ours = {op["name"]: op for op in json.loads(out.stdout)["ops"]}

    bad, raises, checked = [], {}, 0
    for name in sorted(set(real) - set(ours)):
        if not real[name]["instrumented"]:  # instrumented ops never appear in a pyc
            bad.append((name, "code %d is in dis but not in pyasm's table" % real[name]["code"]))
    for name, op in sorted(ours.items(), key=lambda kv: kv[1]["code"]):
        rec = real.get(name)
        if rec is None or rec["code"] != op["code"] or rec["has_arg"] != op["has_arg"]:
            bad.append((name, "pyasm has code %d, has_arg %s; dis has %s" % (
                op["code"], op["has_arg"],
                "nothing" if rec is None else "code %d, has_arg %s" % (rec["code"],
                                                                       rec["has_arg"]))))
            continue
        checked += 1
        xs = OPARGS if op["has_arg"] else [None]
        for i, a in enumerate(xs):
            f, j = op["fall"][i], op["jump"][i]
            for what, want, pick in expectations(version, name, op["jumps"], rec, i):
                if want is None:
                    raises.setdefault(name, set()).add(a)
                elif pick(f, j) != want:
                    bad.append(("%s %s" % (name, what), "oparg=%s: pyasm %d (fall %d, jump %d), "
                                "expected %d" % (a, pick(f, j), f, j, want)))
    return checked, bad, raises


def summarize(bad):
    """One line per op and check: how many opargs differ, and the first of them."""
    groups = {}
    for key, detail in bad:
        groups.setdefault(key, []).append(detail)
    return ["%s: %s" % (key, ds[0] if len(ds) == 1 else "%d opargs differ, first %s"
                        % (len(ds), ds[0]))
            for key, ds in groups.items()]


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__.split("\n\n")[1])
    dump, versions = sys.argv[1], sys.argv[2:] or VERSIONS
    passed = failed = 0
    for v in versions:
        exe = find_interpreter(v)
        if exe is None:
            print("%s: skipped (no interpreter)" % v)
            continue
        checked, bad, raises = check_version(v, exe, dump)
        print("%s: %d opcodes x %d opargs checked, %d mismatches" % (
            v, checked, len(OPARGS), len(bad)))
        if raises:
            print("  dis raises (no expectation) in %d op/oparg cases: %s" % (
                sum(len(s) for s in raises.values()),
                ", ".join("%s (%d)" % (n, len(s)) for n, s in sorted(raises.items()))))
        lines = summarize(bad)
        for line in lines[:MAX_SHOWN]:
            print("  " + line)
        if len(lines) > MAX_SHOWN:
            print("  ... and %d more" % (len(lines) - MAX_SHOWN))
        if bad:
            failed += 1
        else:
            passed += 1
    print("%d passed, %d failed" % (passed, failed))
    if passed + failed == 0:
        return 77
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
