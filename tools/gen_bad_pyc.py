#!/usr/bin/env python3
"""Writes the hostile pyc files of testdata/bad-pyc/ (tests/check_bad_pyc.py
runs `pyasm disasm` on each and compares its diagnostics with FILE.expected).

    tools/gen_bad_pyc.py --pyasm build/pyasm [--out testdata/bad-pyc]

Two kinds:
- truncated-*: a small real pyc (built by pyasm from BASE_TEXT below, for
  3.8 and 3.12) cut at every offset; of the cuts that give the same message
  (numbers aside) only the first is kept, so each file stands for one field
  being read when the bytes ran out (header, type byte, length, code fields).
- hand-made: lengths of 2**31 and -1, nesting 100,000 deep, references out of
  range or to an object still being read (a code object inside itself),
  a list (never in a pyc), unknown type codes, unknown magic numbers (2.7, 3.14, garbage).

Then refresh the expectations with
    PYASM_UPDATE_GOLDEN=1 python3 tests/check_bad_pyc.py build/pyasm testdata/bad-pyc
and review the diff.
"""
import argparse
import os
import re
import struct
import subprocess
import tempfile

BASE_TEXT = """\
.python 3.{minor}
.filename "m.py"
.code f(a, *, b)
{resume}.line 2
    LOAD_FAST a
    LOAD_CONST 1.5
    BINARY_{add}
    LOAD_FAST b
    BUILD_TUPLE 2
    RETURN_VALUE
.end
{resume}    LOAD_CONST @f
    LOAD_CONST (1, 'x', b'y', None, 100000000000000000000)
    BUILD_TUPLE 2
    RETURN_VALUE
"""

MAGIC = {8: 3413, 11: 3495, 12: 3531}


def header(minor):
    return struct.pack("<HBB", MAGIC[minor], 13, 10) + b"\0" * 12


def i32(n):
    return struct.pack("<i", n) if n < 2**31 else struct.pack("<I", n)


def base_pyc(pyasm, minor):
    resume = "    RESUME 0\n" if minor >= 11 else ""
    add = "OP +" if minor >= 11 else "ADD"
    text = BASE_TEXT.format(minor=minor, resume=resume, add=add)
    return subprocess.run([pyasm, "build", "-", "-o", "-"], input=text.encode(),
                          stdout=subprocess.PIPE, check=True).stdout


def disasm_error(pyasm, data):
    with tempfile.NamedTemporaryFile(suffix=".pyc") as f:
        f.write(data)
        f.flush()
        r = subprocess.run([pyasm, "disasm", f.name], stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, text=True)
    return r.returncode, r.stderr.split(": error: ", 1)[-1]


def truncations(pyasm, minor):
    """The first cut of the pyc for each distinct message."""
    pyc = base_pyc(pyasm, minor)
    seen, out = set(), {}
    for cut in range(len(pyc)):
        code, msg = disasm_error(pyasm, pyc[:cut])
        assert code == 1, (minor, cut, code, msg)
        key = re.sub(r"\d+", "N", msg)
        if key not in seen:
            seen.add(key)
            out["truncated-3.%d-at-0x%x" % (minor, cut)] = pyc[:cut]
    return out


def hand_made():
    h = header(11)
    code_311 = b"\xe3"  # TYPE_CODE with FLAG_REF: it is reference 0
    code_311 += i32(0) * 3 + i32(1) + i32(0)  # argcounts, stacksize, flags
    deep = b"".join(b")\x01" for _ in range(100000)) + b"N"
    return {
        "magic-2.7": struct.pack("<HBB", 62211, 13, 10) + b"\0" * 12 + b"N",
        "magic-3.14": struct.pack("<HBB", 3627, 13, 10) + b"\0" * 12 + b"N",
        "magic-garbage": b"\x7fELF\x02\x01\x01\0" + b"\0" * 8,
        "magic-no-crlf": struct.pack("<HBB", 3495, 0, 0) + b"\0" * 12,
        "length-2gb-string": h + b"s" + i32(2**31) + b"abc",
        "length-2gb-tuple": h + b"(" + i32(2**31),
        "length-2gb-co-code": h + code_311 + b"s" + i32(2**31),
        "length-negative-string": h + b"s" + i32(-1),
        "length-2gb-long": h + b"l" + i32(2**31) + b"\1\0",
        "length-2gb-frozenset": h + b"<" + i32(2**31) + b"N",
        "nesting-100000-tuples": h + deep,
        "ref-out-of-range": h + b"r" + i32(5),
        "ref-2gb": h + b"\xa9\x01" + b"r" + i32(2**31),
        "ref-to-container": h + b"\xa9\x01r" + i32(0),
        "ref-code-inside-itself": h + code_311 + b"s" + i32(2) + b"\x97\0" + b")\x01r" + i32(0),
        "unknown-type-code": h + b"Q",
        "unknown-type-code-nested": h + b")\x02N!",
        "unknown-type-code-null": h + b")\x010",
        "list-in-pyc": h + b"[" + i32(1) + b"N",
        "stop-code": h + b"S",
        "not-code-object": h + b"N",
        "trailing-data": h + b"NN",
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pyasm", required=True)
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "testdata",
                                                  "bad-pyc"))
    args = ap.parse_args()
    files = hand_made()
    for minor in (8, 12):
        files.update(truncations(args.pyasm, minor))
    for name, data in sorted(files.items()):
        with open(os.path.join(args.out, name + ".pyc"), "wb") as f:
            f.write(data)
    print("%d files in %s" % (len(files), args.out))


if __name__ == "__main__":
    main()
