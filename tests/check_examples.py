"""examples/package and the manual's shell sessions, run for real.

  check_examples.py --pyasm PYASM package
      Copies examples/package to a temporary folder and drives its Makefile:
      the first `make` builds every module and the program prints what it
      should, importing the package from pycs alone; a second `make` builds
      nothing; after common.pyasm changes, exactly the modules that include
      it are rebuilt; after one module changes, that module alone; and
      `make -j4 clean all` builds everything again.

  check_examples.py --pyasm PYASM [--library LIBPYASM] session DOC.md
      Runs the shell sessions of DOC.md (docs/cookbook.md,
      docs/getting-started.md), which tests/check_docs.py cannot run. In the
      Markdown:

        <!-- check_examples: file NAME -->   the next fenced block is written
                                             to NAME before what follows runs
        <!-- check_examples: excerpt FILE -->  the lines of the next fenced
                                             block are lines of FILE (a path in
                                             the repository), in that order; a
                                             line `...` stands for any lines
        <!-- check_examples: session -->    the next fenced block is a session
        <!-- check_examples: session needs PROG -->
                                             ... skipped when PROG is not on PATH

      A session is `$ COMMAND` lines (a line ending in a backslash goes on
      to the next), each followed by the output it must print (standard
      output and error together). `...` in an output line matches any text;
      a line that is only `...` matches any number of lines; `[exit N]`
      after an output says the command must exit with N (else it must exit
      with 0). The commands of one session run in one bash, so `cd` and
      variables carry from one command to the next, not to the next session;
      each session starts in the same folder, which holds a copy of
      examples/, build/pyasm and build/libpyasm.so (links to the ones
      tested) and python/, as the repository's root does
      after a build. PATH starts with build/ and with python3.11.
      (examples/ and python/ are copies, so nothing is written into the
      repository.)

  check_examples.py --pyasm PYASM index docs/README.md
      The manual's index names every page of docs/, and each of its
      relative links leads to a file that exists.

Exit status 77 (CTest: skipped) when make or CPython 3.11, the examples'
version, is not installed. The sessions that use the Python module
(PYASM_LIBRARY in a command) are skipped, with a message, without --library.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, 'tools'))
from interpreters import find_interpreter  # noqa: E402

VERSION = '3.11'  # every file of examples/package says `.python 3.11`
PACKAGE_OUTPUT = '''\
pkg 1.0
Circle(1.00)       3.14 cm\u00b2
Rect(2.00 x 3.00)  6.00 cm\u00b2
Circle(0.50)       0.79 cm\u00b2
total 9.93
error: height must be positive, got -2.00
'''


def clean_env(path_dirs=()):
    """The environment without what would change a make or a Python run:
    an outer make's jobserver (CTest may run under make -j), PYTHON* and
    PYASM* variables, SOURCE_DATE_EPOCH (pyc headers)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(('PYTHON', 'PYASM', 'MAKE', 'MFLAGS'))
           and k not in ('SOURCE_DATE_EPOCH', 'NO_COLOR')}
    env['PATH'] = os.pathsep.join(list(path_dirs) + [env.get('PATH', '/usr/bin:/bin')])
    env['LC_ALL'] = 'C.UTF-8'
    return env


class Failures:
    def __init__(self):
        self.count = 0

    def check(self, ok, what, detail=''):
        print(('ok   ' if ok else 'FAIL ') + what)
        if not ok:
            self.count += 1
            if detail:
                print('     ' + detail.rstrip('\n').replace('\n', '\n     '))
        return ok


# --- examples/package ---------------------------------------------------------

def make(folder, args, pyasm, python):
    """Runs make; returns (exit status, output, the pycs it rebuilt)."""
    run = subprocess.run(['make', 'PYASM=' + pyasm, 'PYTHON=' + python] + args,
                         cwd=folder, env=clean_env(), capture_output=True, text=True,
                         timeout=120)
    out = run.stdout + run.stderr
    # The recipe echoes `PYASM build -I . SOURCE -o build/X.pyc -MD -MP`.
    rebuilt = sorted(re.findall(r' build .* -o (\S+\.pyc)\b', out))
    return run.returncode, out, rebuilt


def pyc_times(folder):
    times = {}
    for dirpath, _, names in os.walk(os.path.join(folder, 'build')):
        for n in names:
            if n.endswith('.pyc'):
                path = os.path.join(dirpath, n)
                times[os.path.relpath(path, folder)] = os.stat(path).st_mtime_ns
    return times


def touch_newer(folder, name):
    """Gives `name` an mtime later than every pyc's, even on a file system
    whose clock is coarse (make compares mtimes)."""
    newest = max(pyc_times(folder).values())
    while True:
        os.utime(os.path.join(folder, name))
        if os.stat(os.path.join(folder, name)).st_mtime_ns > newest:
            return
        time.sleep(0.05)


def check_rebuild(f, folder, pyasm, python, what, want, args=()):
    """make ARGS must rebuild exactly `want` (by its output and by mtimes)."""
    before = pyc_times(folder)
    status, out, rebuilt = make(folder, list(args), pyasm, python)
    after = pyc_times(folder)
    changed = sorted(p for p in after if before.get(p) != after[p])
    f.check(status == 0 and rebuilt == sorted(want) and changed == sorted(want), what,
            'make said it rebuilt %s; the pycs that changed: %s; expected %s\n%s'
            % (rebuilt, changed, sorted(want), out))


def package(f, pyasm, python, tmp):
    folder = os.path.join(tmp, 'package')
    shutil.copytree(os.path.join(ROOT, 'examples', 'package'), folder,
                    ignore=shutil.ignore_patterns('build', '*.pyc'))
    sources = sorted(os.path.relpath(os.path.join(d, n), folder)
                     for d, _, names in os.walk(folder) for n in names
                     if n.endswith('.pyasm') and n != 'common.pyasm')
    every = ['build/' + s[:-len('.pyasm')] + '.pyc' for s in sources]
    includers = [p for s, p in zip(sources, every)
                 if '.include "common.pyasm"' in open(os.path.join(folder, s)).read()]
    f.check(0 < len(includers) < len(every), 'some modules include common.pyasm, not all',
            'includers: %s of %s' % (includers, every))

    status, out, rebuilt = make(folder, [], pyasm, python)
    f.check(status == 0 and rebuilt == sorted(every), 'make builds every module', out)
    run = subprocess.run(['make', '-s', 'PYASM=' + pyasm, 'PYTHON=' + python, 'run'],
                         cwd=folder, env=clean_env(), capture_output=True, text=True,
                         timeout=60)
    f.check(run.returncode == 0 and run.stdout == PACKAGE_OUTPUT, 'make run prints the report',
            'printed %r\nexpected %r\n%s' % (run.stdout, PACKAGE_OUTPUT, run.stderr))
    # Imported from the pycs alone: nothing in build/ but pycs and .d files.
    loader = subprocess.run([python, '-c', 'import pkg.shapes, pkg.util; print('
                             'type(pkg.shapes.__loader__).__name__, pkg.util.fmt(2))'],
                            cwd=os.path.join(folder, 'build'), env=clean_env(),
                            capture_output=True, text=True, timeout=60)
    others = [n for _, _, names in os.walk(os.path.join(folder, 'build')) for n in names
              if not n.endswith(('.pyc', '.d'))]
    f.check(loader.stdout == 'SourcelessFileLoader 2.00\n' and not others,
            'the package imports sourceless from build/',
            loader.stdout + loader.stderr + ' other files: %s' % others)

    check_rebuild(f, folder, pyasm, python, 'a second make builds nothing', [])
    touch_newer(folder, 'common.pyasm')
    check_rebuild(f, folder, pyasm, python,
                  'touching common.pyasm rebuilds %s' % ', '.join(includers), includers)
    touch_newer(folder, 'pkg/__init__.pyasm')
    check_rebuild(f, folder, pyasm, python, 'touching pkg/__init__.pyasm rebuilds it alone',
                  ['build/pkg/__init__.pyc'])
    status, out, rebuilt = make(folder, ['-j4', 'clean', 'all'], pyasm, python)
    f.check(status == 0 and rebuilt == sorted(every)
            and sorted(pyc_times(folder)) == sorted(every), 'make -j4 clean all', out)
    run = subprocess.run([python, 'build/main.pyc'], cwd=folder, env=clean_env(),
                         capture_output=True, text=True, timeout=60)
    f.check(run.stdout == PACKAGE_OUTPUT, 'and the program still runs', run.stdout + run.stderr)


# --- Shell sessions in the manual ----------------------------------------------

MARK = re.compile(r'^<!-- check_examples: (file (\S+)|excerpt (\S+)|session(?: needs (\S+))?) -->\n'
                  r'(?:<!--[^\n]*-->\n)*```[^\n]*\n(.*?)^```$', re.M | re.S)


def parse_session(body):
    """[(command, [expected output lines])]"""
    steps, lines = [], body.split('\n')
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line.startswith('$ '):
            if steps:
                steps[-1][1].append(line)
            continue
        command = line[2:]
        while command.endswith('\\') and i < len(lines):
            command += '\n' + lines[i]
            i += 1
        steps.append((command, []))
    for _, out in steps:
        while out and out[-1] == '':
            out.pop()
    return steps


def line_matches(pattern, line):
    parts = [re.escape(p) for p in pattern.split('...')]
    return re.fullmatch('.*'.join(parts), line, re.S) is not None


def output_matches(expected, got):
    """`...` alone on a line matches any number of lines."""
    if not expected:
        return not got
    if expected[0] == '...':
        return any(output_matches(expected[1:], got[k:]) for k in range(len(got) + 1))
    return bool(got) and line_matches(expected[0], got[0]) and \
        output_matches(expected[1:], got[1:])


def is_excerpt(body, path):
    lines = open(path, encoding='utf-8').read().split('\n')
    at = 0
    for want in body.rstrip('\n').split('\n'):
        if want == '...':
            continue
        if want not in lines[at:]:
            return False
        at = lines.index(want, at) + 1
    return True


def run_session(steps, cwd, env):
    """Runs the commands in one bash; returns [(exit status, output)], one
    per command that ran."""
    script = ''.join('%s\nprintf "\\036%%d\\n" $?\n' % command for command, _ in steps)
    run = subprocess.run(['bash', '-c', 'exec 2>&1\n' + script], cwd=cwd, env=env,
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, text=True,
                         timeout=120)
    # Each piece after the first starts with the status of the command
    # before it, then holds the next command's output.
    pieces = run.stdout.split('\x1e')
    outputs, statuses = [pieces[0]], []
    for piece in pieces[1:]:
        status, _, rest = piece.partition('\n')
        statuses.append(int(status) if status.isdigit() else -1)
        outputs.append(rest)
    return list(zip(statuses, outputs))


def session_root(tmp, pyasm, library):
    """A folder laid out like the repository's root after a build."""
    root = os.path.join(tmp, 'root')
    os.makedirs(os.path.join(root, 'build'))
    shutil.copytree(os.path.join(ROOT, 'examples'), os.path.join(root, 'examples'),
                    ignore=shutil.ignore_patterns('build', '*.pyc'))
    os.symlink(os.path.abspath(pyasm), os.path.join(root, 'build', 'pyasm'))
    if library:
        os.symlink(os.path.abspath(library), os.path.join(root, 'build', 'libpyasm.so'))
    if os.path.isdir(os.path.join(ROOT, 'python')):  # copied: imports write __pycache__
        shutil.copytree(os.path.join(ROOT, 'python'), os.path.join(root, 'python'),
                        ignore=shutil.ignore_patterns('__pycache__'))
    return root


def sessions(f, doc, pyasm, library, python, tmp):
    root = session_root(tmp, pyasm, library)
    bindir = os.path.join(tmp, 'bin')
    os.makedirs(bindir)
    os.symlink(python, os.path.join(bindir, 'python' + VERSION))
    env = clean_env([os.path.join(root, 'build'), bindir])
    text = open(doc, encoding='utf-8').read()
    count = 0
    for m in MARK.finditer(text):
        line = text.count('\n', 0, m.start()) + 1
        name, excerpt, needs, body = m.group(2), m.group(3), m.group(4), m.group(5)
        if excerpt:
            f.check(is_excerpt(body, os.path.join(ROOT, excerpt)),
                    '%s:%d: an excerpt of %s' % (os.path.basename(doc), line, excerpt),
                    body)
            continue
        if name:
            with open(os.path.join(root, name), 'w', encoding='utf-8') as out:
                out.write(body)
            continue
        count += 1
        steps = parse_session(body)
        what = '%s:%d: session %d (%s)' % (os.path.basename(doc), line, count,
                                           steps[0][0] if steps else 'empty')
        if not library and 'PYASM_LIBRARY' in body:
            print('skip %s: no --library (libpyasm.so) given' % what)
            continue
        if needs and not shutil.which(needs):
            print('skip %s: %s is not installed' % (what, needs))
            continue
        results = run_session(steps, root, env)
        bad = []
        for k, (command, expected) in enumerate(steps):
            want_status = 0
            if expected and re.fullmatch(r'\[exit \d+\]', expected[-1]):
                want_status = int(expected.pop()[6:-1])
            if k >= len(results):
                bad.append('$ %s\n  did not run' % command)
                continue
            status, out = results[k]
            got = out.split('\n')
            while got and got[-1] == '':  # as in the expected output
                got.pop()
            if status != want_status or not output_matches(expected, got):
                bad.append('$ %s\n  exit %d (expected %d); printed:\n%s\n  expected:\n%s' % (
                    command, status, want_status, '\n'.join(got), '\n'.join(expected)))
        f.check(steps and not bad, what, '\n'.join(bad))
    f.check(count > 0, '%s has sessions' % os.path.basename(doc))


# --- The manual's index ----------------------------------------------------------

def index(f, doc):
    folder = os.path.dirname(doc)
    text = open(doc, encoding='utf-8').read()
    links = re.findall(r'\]\(([^)#:]+)(?:#[^)]*)?\)', text)
    missing = [l for l in links if not os.path.exists(os.path.join(folder, l))]
    name = os.path.relpath(doc, ROOT)
    f.check(links and not missing, '%s: every link leads somewhere' % name,
            'missing: %s' % missing)
    pages = sorted(n for n in os.listdir(folder) if n.endswith(('.md', '.1'))
                   and os.path.join(folder, n) != doc)
    unlisted = [p for p in pages if p not in links]
    f.check(not unlisted, '%s names every page beside it' % name,
            'not named: %s' % unlisted)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--pyasm', help='the pyasm to test (package, session)')
    ap.add_argument('--library', help='libpyasm.so, for the sessions that use python/pyasm.py')
    ap.add_argument('what', choices=['package', 'session', 'index'])
    ap.add_argument('doc', nargs='?', help='DOC.md (session, index)')
    args = ap.parse_args()
    if args.what != 'package' and not args.doc:
        ap.error('%s needs DOC.md' % args.what)
    if args.what != 'index' and not args.pyasm:
        ap.error('%s needs --pyasm' % args.what)
    f = Failures()
    if args.what == 'index':
        index(f, os.path.abspath(args.doc))
    else:
        python = find_interpreter(VERSION)
        if not shutil.which('make') or not shutil.which('bash') or not python:
            print('skip: needs make, bash and python%s' % VERSION)
            return 77
        with tempfile.TemporaryDirectory() as tmp:
            if args.what == 'package':
                package(f, os.path.abspath(args.pyasm), python, tmp)
            else:
                sessions(f, os.path.abspath(args.doc), os.path.abspath(args.pyasm),
                         args.library, python, tmp)
    print('%d failed' % f.count)
    return 1 if f.count else 0


if __name__ == '__main__':
    sys.exit(main())
