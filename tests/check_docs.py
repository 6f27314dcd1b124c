"""The examples in docs/language.md are real: every fenced block that starts
with `.python` assembles, and a block preceded by
  <!-- check: output "TEXT" -->   prints TEXT when run by that CPython;
  <!-- check: mirror "SOURCE" -->  equals what that CPython compiles from SOURCE
                                   (code, tables, stack size, flags, line and
                                   exception tables).
  <!-- check: disasm "SOURCE" -->  is what `pyasm disasm` prints for SOURCE
                                   compiled by that CPython (into a file named
                                   as the block's .filename), apart from the
                                   .pyc line (the mtime changes).
Usage: check_docs.py PYASM DOC.md
"""
import ast
import difflib
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'tools'))
from interpreters import find_interpreter  # noqa: E402

COMPARE = r'''
import marshal, sys
pyc, name, source = sys.argv[1], sys.argv[2], sys.argv[3]
with open(pyc, "rb") as f:
    got = marshal.loads(f.read()[16:])
want = compile(source, name, "exec")
attrs = ["co_code", "co_consts", "co_names", "co_varnames", "co_stacksize", "co_flags",
         "co_firstlineno", "co_linetable" if sys.version_info >= (3, 10) else "co_lnotab"]
if sys.version_info >= (3, 11):
    attrs.append("co_exceptiontable")
bad = [a for a in attrs if getattr(got, a) != getattr(want, a)]
for a in bad:
    print("  %s: pyasm %r, CPython %r" % (a, getattr(got, a), getattr(want, a)))
sys.exit(1 if bad else 0)
'''



def check_disasm(pyasm, exe, body, source, tmp):
    name = re.search(r'^\.filename \'(.*)\'$', body, re.M).group(1)
    py, pyc = os.path.join(tmp, name), os.path.join(tmp, "disasm.pyc")
    with open(py, "w", encoding="utf-8") as f:
        f.write(source)
    subprocess.run([exe, "-c", "import py_compile, sys; py_compile.compile(sys.argv[1], "
                    "cfile=sys.argv[2], dfile=sys.argv[3], doraise=True)", py, pyc, name],
                   check=True, timeout=30)
    run = subprocess.run([pyasm, "disasm", pyc], capture_output=True, text=True)
    strip = lambda t: [l for l in t.splitlines() if not l.startswith(".pyc ")]
    if run.returncode == 0 and strip(run.stdout) == strip(body):
        return True, ""
    return False, run.stderr + "\n".join(
        difflib.unified_diff(strip(body), strip(run.stdout), "doc", "pyasm disasm", lineterm=""))


def main():
    pyasm, doc = sys.argv[1], sys.argv[2]
    text = open(doc, encoding="utf-8").read()
    blocks = re.findall(r'(?:<!-- check: (\w+) ("(?:[^"\\]|\\.)*") -->\n)?```\n(\.python (3\.\d+)\n.*?)```',
                        text, re.S)
    passed = failed = skipped = 0
    with tempfile.TemporaryDirectory() as tmp:
        for i, (kind, arg, body, version) in enumerate(blocks):
            src = os.path.join(tmp, "example%d.pyasm" % i)
            pyc = os.path.join(tmp, "example%d.pyc" % i)
            with open(src, "w", encoding="utf-8") as f:
                f.write(body)
            label = "example %d (%s)" % (i + 1, body.splitlines()[0])
            build = subprocess.run([pyasm, "build", src, "-o", pyc],
                                   capture_output=True, text=True)
            ok = build.returncode == 0
            detail = build.stderr
            exe = find_interpreter(version)
            if ok and kind and exe:
                want = ast.literal_eval(arg)
                if kind == "output":
                    run = subprocess.run([exe, "-I", pyc], capture_output=True, text=True,
                                         timeout=30)
                    ok = run.stdout == want and run.returncode == 0
                    detail = "printed %r, expected %r\n%s" % (run.stdout, want, run.stderr)
                elif kind == "disasm":
                    ok, detail = check_disasm(pyasm, exe, body, want, tmp)
                elif kind == "mirror":
                    run = subprocess.run([exe, "-I", "-c", COMPARE, pyc, src, want],
                                         capture_output=True, text=True, timeout=30)
                    ok = run.returncode == 0
                    detail = run.stdout + run.stderr
            if ok and kind and not exe:
                # Assembled, but nothing here can run it: say so, by name.
                print("skip %s: python%s is not installed, not run" % (label, version))
                skipped += 1
                continue
            print(("ok   " if ok else "FAIL ") + label)
            if not ok:
                print(detail)
            passed, failed = passed + ok, failed + (not ok)
    print("%d passed, %d failed, %d skipped" % (passed, failed, skipped))
    if failed or not blocks:
        return 1
    return 77 if skipped and not passed else 0  # 77: CTest reports it skipped


if __name__ == "__main__":
    sys.exit(main())
