#!/usr/bin/env python3
"""The pyasm command against every installed interpreter (3.6-3.13).

For each version found under $(pyenv root)/versions:
  - headers: `pyasm build --source mod.py --invalidation-mode M` gives the
    bytes py_compile.compile(mod.py, invalidation_mode=M) gives (each mode;
    3.6: timestamp only), and so does SOURCE_DATE_EPOCH without a mode;
    the pyc put in __pycache__ is the one `import mod` uses, until mod.py
    changes;
  - opcodes: every (code, name) `pyasm opcodes` prints is dis.opmap's, and
    what it leaves out exists only at run time or in the compiler;
  - run: `pyasm run` passes the arguments and returns the program's status,
    with --interpreter and with python3.X found on PATH.
Then, once: colours on a terminal (a pty), NO_COLOR and TERM=dumb.

Usage: check_cli_pipeline.py PYASM. Exit 77 when no interpreter is installed.
"""
import json
import os
import pty
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'tools'))
from interpreters import find_interpreter  # noqa: E402

VERSIONS = ['3.6', '3.7', '3.8', '3.9', '3.10', '3.11', '3.12', '3.13']
MODES = ['TIMESTAMP', 'CHECKED_HASH', 'UNCHECKED_HASH']
SOURCE = 'print("from source")\n'
# A source mtime with nanoseconds that the float st_mtime rounds up.
MTIME_NS = 1700000000 * 10**9 + 999999999

failures = []


def check(name, ok, detail=''):
    print(('ok   ' if ok else 'FAIL ') + name + ('' if ok else ': ' + detail))
    if not ok:
        failures.append(name)


def run(argv, env=None, cwd=None):
    return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, env=env, cwd=cwd, timeout=60)


def env_with(**kw):
    env = dict(os.environ)
    env.pop('SOURCE_DATE_EPOCH', None)
    env.update(kw)
    return env


def py_compile(python, src, cfile, mode=None, env=None):
    arg = '' if mode is None else ', invalidation_mode=py_compile.PycInvalidationMode.' + mode
    code = 'import py_compile, sys; py_compile.compile(sys.argv[1], cfile=sys.argv[2], doraise=True%s)' % arg
    r = run([python, '-c', code, src, cfile], env=env or env_with())
    if r.returncode:
        raise RuntimeError(r.stderr)
    with open(cfile, 'rb') as f:
        return f.read()


def read(path):
    with open(path, 'rb') as f:
        return f.read()


def check_headers(pyasm, ver, python, d):
    mod = os.path.join(d, 'mod.py')
    with open(mod, 'w') as f:
        f.write(SOURCE)
    os.utime(mod, ns=(MTIME_NS, MTIME_NS))
    ref = py_compile(python, mod, os.path.join(d, 'ref.pyc'), None if ver == '3.6' else 'TIMESTAMP')
    text = os.path.join(d, 'mod.pyasm')
    run([pyasm, 'disasm', os.path.join(d, 'ref.pyc'), '-o', text])
    for mode in MODES if ver != '3.6' else MODES[:1]:
        want = py_compile(python, mod, os.path.join(d, 'ref-%s.pyc' % mode),
                          None if ver == '3.6' else mode)
        out = os.path.join(d, 'out-%s.pyc' % mode)
        r = run([pyasm, 'build', text, '--source', mod, '--invalidation-mode',
                 mode.lower().replace('_', '-'), '-o', out])
        got = read(out) if r.returncode == 0 else b''
        check('%s: --invalidation-mode %s: py_compile\'s bytes' % (ver, mode.lower()),
              got == want, r.stderr or 'header %s, py_compile %s' % (got[:16].hex(), want[:16].hex()))
    sde = env_with(SOURCE_DATE_EPOCH='1600000000')
    want = py_compile(python, mod, os.path.join(d, 'ref-sde.pyc'), env=sde)
    out = os.path.join(d, 'out-sde.pyc')
    r = run([pyasm, 'build', text, '--source', mod, '-o', out], env=sde)
    got = read(out) if r.returncode == 0 else b''
    check('%s: SOURCE_DATE_EPOCH as py_compile' % ver, got == want,
          r.stderr or 'header %s, py_compile %s' % (got[:16].hex(), want[:16].hex()))
    check_import(pyasm, ver, python, d)


def pyasm_of(pyasm, python, d, name, source):
    """The .pyasm of `source` as `python` compiles it (d/NAME.py -> .pyc -> .pyasm)."""
    path = os.path.join(d, name + '.py')
    with open(path, 'w') as f:
        f.write(source)
    py_compile(python, path, os.path.join(d, name + '.pyc'))
    text = os.path.join(d, name + '.pyasm')
    run([pyasm, 'disasm', os.path.join(d, name + '.pyc'), '-o', text])
    return text


def check_import(pyasm, ver, python, d):
    """A pyc in __pycache__ built from other code than mod.py is the one
    imported while its header matches mod.py, and not once mod.py changes."""
    text = pyasm_of(pyasm, python, d, 'marker', 'print("from pyasm")\n')
    tag = run([python, '-c', 'import sys; print(sys.implementation.cache_tag)']).stdout.strip()
    cached = os.path.join(d, '__pycache__', 'mod.%s.pyc' % tag)
    os.makedirs(os.path.dirname(cached), exist_ok=True)
    env = env_with(PYTHONDONTWRITEBYTECODE='1')
    for mode in ['timestamp', 'checked-hash'] if ver != '3.6' else ['timestamp']:
        r = run([pyasm, 'build', text, '--source', os.path.join(d, 'mod.py'),
                 '--invalidation-mode', mode, '-o', cached])
        imported = run([python, '-c', 'import mod'], env=env, cwd=d).stdout.strip()
        check('%s: import mod uses the %s pyc beside mod.py' % (ver, mode),
              r.returncode == 0 and imported == 'from pyasm', r.stderr + imported)
    with open(os.path.join(d, 'mod.py'), 'a') as f:
        f.write('# changed\n')
    imported = run([python, '-c', 'import mod'], env=env, cwd=d).stdout.strip()
    check('%s: ... and the source once it changes' % ver, imported == 'from source', imported)


def check_opcodes(pyasm, ver, python):
    r = run([pyasm, 'opcodes', '--python', ver])
    table = {}
    for line in r.stdout.splitlines():
        m = re.match(r'^\s*(\d+)\s+([A-Z_0-9]+)\s', line)
        if m:
            table[m.group(2)] = int(m.group(1))
    m = re.search(r'\((\d+) more names', r.stdout)
    more = int(m.group(1)) if m else 0
    code = 'import dis, json, sys; json.dump(dis.opmap, sys.stdout)'
    opmap = json.loads(run([python, '-c', code]).stdout)
    wrong = sorted(n for n, c in table.items() if opmap.get(n) != c)
    check('%s: opcodes: %d numbers and names as dis.opmap' % (ver, len(table)),
          r.returncode == 0 and table and not wrong, r.stderr + ' '.join(wrong))
    # Left out: sys.monitoring's INSTRUMENTED_* and the compiler's pseudo-
    # instructions (numbered from 256), never in a pyc.
    left = sorted(n for n in opmap if n not in table)
    odd = [n for n in left if not (n.startswith('INSTRUMENTED_') or opmap[n] >= 256)]
    check('%s: opcodes: the %d left out never appear in a pyc' % (ver, len(left)),
          not odd and len(left) <= more, ' '.join(odd))


def check_run(pyasm, ver, python, d):
    text = pyasm_of(pyasm, python, d, 'prog',
                    'import sys\nprint(sys.argv[1:])\nsys.exit(int(sys.argv[1]))\n')
    r = run([pyasm, 'run', text, '--interpreter', python, '--', '7', 'a b', '--x'])
    check('%s: run --interpreter: status and arguments' % ver,
          r.returncode == 7 and r.stdout == "['7', 'a b', '--x']\n", '%d %r %s' % (r.returncode, r.stdout, r.stderr))
    env = env_with(PATH=os.path.dirname(python) + os.pathsep + os.environ.get('PATH', ''))
    r = run([pyasm, 'run', text, '--', '0'], env=env)
    check('%s: run finds python%s on PATH' % (ver, ver), r.returncode == 0 and r.stdout == "['0']\n",
          '%d %r %s' % (r.returncode, r.stdout, r.stderr))


def on_terminal(argv, env):
    """Runs argv with its standard error on a pty; what it wrote there."""
    master, slave = pty.openpty()
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=slave, env=env)
    os.close(slave)
    out = b''
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    p.wait(timeout=60)
    os.close(master)
    return out


def check_colour(pyasm, d):
    bad = os.path.join(d, 'bad.pyasm')
    with open(bad, 'w') as f:
        f.write('.python 3.11\nRESUME 0\nLOAD_CONS 1\n')
    argv = [pyasm, 'check', bad]
    base = env_with(TERM='xterm')
    base.pop('NO_COLOR', None)
    check('colour on a terminal', b'\033[' in on_terminal(argv, base))
    check('NO_COLOR=1: no colour on a terminal', b'\033' not in on_terminal(argv, dict(base, NO_COLOR='1')))
    check('NO_COLOR empty: colour', b'\033[' in on_terminal(argv, dict(base, NO_COLOR='')))
    check('TERM=dumb: no colour', b'\033' not in on_terminal(argv, dict(base, TERM='dumb')))
    check('--color=never on a terminal', b'\033' not in on_terminal(argv + ['--color=never'], base))


def main():
    pyasm = os.path.abspath(sys.argv[1])
    found = 0
    d = tempfile.mkdtemp(prefix='pyasm-cli-')
    try:
        for ver in VERSIONS:
            python = find_interpreter(ver)
            if not python:
                print('skip %s: not installed' % ver)
                continue
            found += 1
            vd = os.path.join(d, ver)
            os.makedirs(vd)
            check_headers(pyasm, ver, python, vd)
            check_opcodes(pyasm, ver, python)
            check_run(pyasm, ver, python, vd)
        check_colour(pyasm, d)
    finally:
        shutil.rmtree(d)
    if not found:
        print('no interpreter 3.6-3.13 installed: skipped')
        return 77
    print('%d failed' % len(failures))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
