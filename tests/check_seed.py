"""The seed program under the real CPython 3.8: `dis.dis` of the assembled
function shows the same listing as that of the Python function it mirrors.

Usage: check_seed.py PYASM TESTDATA_DIR.  Exit 77 when python3.8 is absent.
"""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'tools'))
from interpreters import find_interpreter  # noqa: E402

CHECK = r'''
import dis, io, marshal, sys
with open(sys.argv[1], "rb") as f:
    data = f.read()
ns = {}
exec(marshal.loads(data[16:]), ns)
ref = {}
exec(compile("def code(): a = 1; b = 2; c = a + b; return c\n", "seed.py", "exec"), ref)
code = ref["code"]
def listing(fn):
    out = io.StringIO()
    dis.dis(fn, file=out)
    return out.getvalue()
got, want = listing(ns["code"]), listing(code)
c = ns["code"].__code__
print(list(c.co_code), c.co_consts, c.co_varnames, c.co_stacksize, c.co_flags)
print(got)
if got != want:
    print("dis listings differ; CPython's is:\n" + want)
    sys.exit(1)
assert list(c.co_code) == [100,1,125,0,100,2,125,1,124,0,124,1,23,0,125,2,124,2,83,0]
assert c.co_consts == (None, 1, 2) and c.co_varnames == ("a", "b", "c")
assert c.co_stacksize == 2 and c.co_flags == 67
assert c.co_lnotab == code.__code__.co_lnotab
assert ns["code"]() == 3
print("seed program: dis listing identical to CPython 3.8's")
'''



def main():
    pyasm, testdata = sys.argv[1], sys.argv[2]
    exe = find_interpreter("3.8")
    if not exe:
        print("python3.8 not installed: skipped")
        return 77
    with tempfile.TemporaryDirectory() as tmp:
        pyc = os.path.join(tmp, "seed.pyc")
        subprocess.run([pyasm, "build", os.path.join(testdata, "seed", "seed-3.8.pyasm"),
                        "-o", pyc], check=True)
        return subprocess.run([exe, "-I", "-c", CHECK, pyc]).returncode


if __name__ == "__main__":
    sys.exit(main())
