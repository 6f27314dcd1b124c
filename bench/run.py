#!/usr/bin/env python3
"""pyasm's speed benchmark: disassembly and assembly against CPython's marshal.

For each installed CPython 3.6-3.13 the corpus is its whole standard
library's pycs (lib/python3.X, site-packages excluded; -O/-OO ones too).
In one run, on one core, per version:

  marshal     that interpreter's marshal.loads of every file and
              marshal.dumps of every code object (bench/marshal_ref.py)
  batch       bench_driver (bench/bench_driver.cpp): `pyasm disasm` then
              `pyasm build` of the text, every file in one process; run in
              turns with marshal (each --repeats times), and each side's
              median taken
  -j N        the batch again on N threads (all cores allowed)
  per file    the real `pyasm disasm F -o T` and `pyasm build T -o P`, one
              process each, as Make runs them (a sample: --ppf-every)
  start-up    `pyasm --version` against /bin/true, spawned the same way
  floors      bench_driver --floors: read_pyc alone, disasm without its
              rebuild check, and the text through the lexer and parser alone
              (no resolver), against the same marshal times
              (docs/performance.md, "Floors")

Prints MB/s, the ratios pyasm/marshal, files/s and peak memory; the
median of --repeats runs. The machine is noisy: the ratios measured side by
side count, not the seconds. docs/performance.md has the targets.

  bench/run.py                              every version, 3 runs
  bench/run.py --versions 3.12 --sample 5   every 5th pyc of 3.12 only
  bench/run.py --json results.json          also keep the figures

Keeps its own Release build (build-bench/), rebuilt when out of date. Standard library
only; needs Python 3.8+ (the interpreters it measures can be 3.6+).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO, 'tools'))
from interpreters import find_interpreter  # noqa: E402

VERSIONS = ['3.6', '3.7', '3.8', '3.9', '3.10', '3.11', '3.12', '3.13']
MIB = 1024 * 1024


# ---- setup ----------------------------------------------------------------------

def ensure_build(build_dir):
    """The Release build's pyasm and bench_driver: configured if missing, and always
    brought up to date (a no-op when it is), so a pull never measures an old binary."""
    pyasm = os.path.join(build_dir, 'pyasm')
    driver = os.path.join(build_dir, 'bench', 'bench_driver')
    if not os.path.exists(os.path.join(build_dir, 'CMakeCache.txt')):
        print('configuring %s (Release) ...' % build_dir, flush=True)
        subprocess.run(['cmake', '-S', REPO, '-B', build_dir, '-DCMAKE_BUILD_TYPE=Release',
                        '-DPYASM_BUILD_TESTS=OFF'], check=True, stdout=subprocess.DEVNULL)
    print('building %s (-j1, if out of date) ...' % build_dir, flush=True)
    # The compiler's output is shown only when the build fails: GCC 12 at -O3
    # prints -Wrestrict false positives from libstdc++'s string code.
    build = subprocess.run(['cmake', '--build', build_dir, '-j1', '--target', 'pyasm',
                            'bench_driver'], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           universal_newlines=True)
    if build.returncode != 0:
        sys.stderr.write(build.stdout)
        sys.exit('bench/run.py: building %s failed' % build_dir)
    return pyasm, driver


def corpus(python, version, sample):
    """Every stdlib pyc of `python` (sorted), every `sample`-th one kept."""
    lib = subprocess.run([python, '-c', 'import sysconfig; print(sysconfig.get_paths()["stdlib"])'],
                         stdout=subprocess.PIPE, universal_newlines=True, check=True).stdout.strip()
    found = []
    for root, dirs, files in os.walk(lib):
        dirs[:] = [d for d in dirs if d != 'site-packages']
        found += [os.path.join(root, f) for f in files if f.endswith('.pyc')]
    found.sort()
    return found[::sample]


def pin_to_one_core():
    """Pins this process (and so every child) to one core; returns all cores."""
    cores = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {max(cores)})
    return cores


# ---- measurements ---------------------------------------------------------------

def run_json(cmd, cores=None):
    pre = (lambda: os.sched_setaffinity(0, cores)) if cores else None
    out = subprocess.run(cmd, stdout=subprocess.PIPE, universal_newlines=True, preexec_fn=pre)
    result = json.loads(out.stdout)
    if out.returncode != 0:
        sys.exit('bench: %s failed: %s' % (cmd[0], result.get('first_problem', out.returncode)))
    return result


def median_of(runs, key):
    return statistics.median(r[key] for r in runs)


def spawn(driver, argv, times=1):
    """Runs argv `times` times through `bench_driver --exec` (which weighs the
    process without the harness's own memory, see bench_driver.cpp):
    (median wall seconds, peak RSS KiB, failed runs)."""
    out = subprocess.run([driver, '--exec', str(times)] + argv, stdout=subprocess.PIPE,
                         universal_newlines=True)
    r = json.loads(out.stdout)
    return r['wall_s'], r['maxrss_kib'], r['failed']


def startup(driver, pyasm, n=300):
    """Median wall of `pyasm --version` minus that of /bin/true, in ms."""
    true = min((p for p in ('/bin/true', '/usr/bin/true') if os.path.exists(p)), key=len)
    base = spawn(driver, [true], n)[0]
    own = spawn(driver, [pyasm, '--version'], n)[0]
    return {'startup_ms': (own - base) * 1e3, 'true_ms': base * 1e3, 'version_ms': own * 1e3}


def per_file(driver, pyasm, files, every, tmp):
    """Process per file, as Make runs pyasm: a sample of `files` (every
    `every`-th and the three largest). Also each process's peak memory
    against the bound 3 x (input + output) + 8 MiB."""
    chosen = set(files[::every]) | set(sorted(files, key=os.path.getsize)[-3:])
    text, rebuilt = os.path.join(tmp, 'f.pyasm'), os.path.join(tmp, 'f.pyc')
    walls, worst, largest = [], None, None
    for path in sorted(chosen):
        w1, rss1, rc1 = spawn(driver, [pyasm, 'disasm', path, '-o', text])
        w2, rss2, rc2 = spawn(driver, [pyasm, 'build', text, '-o', rebuilt])
        if rc1 or rc2:
            sys.exit('bench: pyasm failed on %s' % path)
        walls.append((w1, w2))
        size, tsize = os.path.getsize(path), os.path.getsize(text)
        bound = 3 * (size + tsize) * 1.0 / 1024 + 8 * 1024
        row = {'file': path, 'pyc': size, 'text': tsize, 'disasm_kib': rss1, 'build_kib': rss2,
               'bound_kib': bound, 'over': max(rss1, rss2) / bound}
        if worst is None or row['over'] > worst['over']:
            worst = row
        if largest is None or size > largest['pyc']:
            largest = row
    n = len(walls)
    return {'ppf_files': n, 'ppf_disasm_fps': n / sum(w[0] for w in walls),
            'ppf_build_fps': n / sum(w[1] for w in walls), 'mem_worst': worst,
            'mem_largest': largest}


def measure(version, python, pyasm, driver, args, cores):
    files = corpus(python, version, args.sample)
    with tempfile.TemporaryDirectory(prefix='pyasm-bench-') as tmp:
        listing = os.path.join(tmp, 'files.txt')
        with open(listing, 'w') as f:
            f.write('\n'.join(files) + '\n')
        # The reference and the batch in turns, so that a disturbance of the
        # machine (load left over at the start, another process) falls on
        # both sides of the ratio rather than on one.
        refs, batch = [], []
        for _ in range(args.repeats):
            refs.append(run_json([python, '-E', os.path.join(HERE, 'marshal_ref.py'), listing,
                                  str(args.repeats)]))
            batch.append(run_json([driver, '-j', '1', '@' + listing]))
        scaled = [run_json([driver, '-j', str(args.jobs), '@' + listing], cores)
                  for _ in range(args.repeats)]
        floors = [run_json([driver, '--floors', '-j', '1', '@' + listing])
                  for _ in range(args.repeats)]
        ppf = per_file(driver, pyasm, files, args.ppf_every, tmp)
    b = batch[0]
    r = {
        'version': version, 'files': b['files'], 'pyc_bytes': b['in_bytes'],
        'text_bytes': b['text_bytes'],
        'loads_s': median_of(refs, 'loads_s'), 'dumps_s': median_of(refs, 'dumps_s'),
        'disasm_s': median_of(batch, 'disasm_s'), 'build_s': median_of(batch, 'build_s'),
        'wall1_s': median_of(batch, 'wall_s'), 'wallN_s': median_of(scaled, 'wall_s'),
        'batch_kib': max(x['maxrss_kib'] for x in batch), 'jobs': args.jobs,
    }
    r['disasm_ratio'] = r['disasm_s'] / r['loads_s']
    r['build_ratio'] = r['build_s'] / r['dumps_s']
    r['speedup'] = r['wall1_s'] / r['wallN_s']
    r['parse_s'] = median_of(floors, 'parse_s')
    r['unchecked_s'] = median_of(floors, 'unchecked_s')
    r['read_s'] = median_of(floors, 'read_s')
    r.update(ppf)
    return r


# ---- report ----------------------------------------------------------------------

def mbps(nbytes, seconds):
    return nbytes / 1e6 / seconds if seconds else float('inf')


def report(results, start):
    print()
    print('pyc MB/s, single core, batch mode (median); ratio = pyasm time / marshal time')
    head = ('version', 'files', 'pyc MB', 'loads', 'disasm', 'ratio', 'dumps', 'build', 'ratio',
            'files/s', 'ppf d/s', 'ppf b/s', 'batch MiB', '-j%d' % results[0]['jobs'])
    print('%-7s %6s %7s | %7s %7s %6s | %7s %7s %6s | %7s %7s %7s | %9s %5s' % head)
    for r in results:
        n = r['pyc_bytes']
        print('%-7s %6d %7.1f | %7.1f %7.1f %5.1fx | %7.1f %7.1f %5.1fx | %7.0f %7.0f %7.0f | '
              '%9.1f %4.2fx' % (
                  r['version'], r['files'], n / 1e6, mbps(n, r['loads_s']),
                  mbps(n, r['disasm_s']), r['disasm_ratio'], mbps(n, r['dumps_s']),
                  mbps(n, r['build_s']), r['build_ratio'],
                  r['files'] / (r['disasm_s'] + r['build_s']), r['ppf_disasm_fps'],
                  r['ppf_build_fps'], r['batch_kib'] / 1024, r['speedup']))
    print()
    print('floors, same run, as ratios to the marshal time of the target: parse = the text')
    print('through the re2c lexer and the Lemon parser alone (every build does it); read =')
    print('read_pyc alone; a checked disasm does read + parse at least; unchecked = disasm')
    print('without its rebuild check')
    print('%-7s | %11s %11s | %10s %11s %12s %15s %12s' % (
        'version', 'parse/dumps', 'build/dumps', 'read/loads', 'parse/loads', '(read+parse)',
        'unchecked/loads', 'disasm/loads'))
    for r in results:
        print('%-7s | %10.1fx %10.1fx | %9.1fx %10.1fx %11.1fx %14.1fx %11.1fx' % (
            r['version'], r['parse_s'] / r['dumps_s'], r['build_ratio'],
            r['read_s'] / r['loads_s'], r['parse_s'] / r['loads_s'],
            (r['read_s'] + r['parse_s']) / r['loads_s'], r['unchecked_s'] / r['loads_s'],
            r['disasm_ratio']))
    print()
    print('peak memory of one process per file, against 3 x (pyc + text) + 8 MiB:')
    for r in results:
        for what in ('mem_largest', 'mem_worst'):
            m = r[what]
            print('  %-5s %-8s %7.1f MiB disasm, %7.1f MiB build, bound %7.1f MiB (%3.0f%%)  %s' % (
                r['version'], what[4:], m['disasm_kib'] / 1024, m['build_kib'] / 1024,
                m['bound_kib'] / 1024, 100 * m['over'], os.path.basename(m['file'])))
    print('\n%.0f s in all' % (time.time() - start))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog=__doc__.split('\n', 1)[1])
    ap.add_argument('--versions', help='e.g. 3.8,3.12 (default: every installed one)')
    ap.add_argument('--repeats', type=int, default=3, help='runs of each measurement (median)')
    ap.add_argument('--sample', type=int, default=1, help='keep every Nth pyc (default: all)')
    ap.add_argument('--ppf-every', type=int, default=20,
                    help='process per file: every Nth pyc of the corpus, and the 3 largest')
    ap.add_argument('--jobs', type=int, default=2, help='threads of the scaling run')
    ap.add_argument('--build-dir', default=os.path.join(REPO, 'build-bench'))
    ap.add_argument('--json', help='write the figures here')
    args = ap.parse_args()
    start = time.time()
    pyasm, driver = ensure_build(args.build_dir)
    cores = pin_to_one_core()
    wanted = args.versions.split(',') if args.versions else VERSIONS
    results = []
    for version in wanted:
        python = find_interpreter(version)
        if not python:
            print('%s: not installed, skipped' % version)
            continue
        print('%s: measuring ...' % version, flush=True)
        results.append(measure(version, python, pyasm, driver, args, cores))
    if not results:
        sys.exit('bench: no interpreter found')
    results[0]['startup'] = startup(driver, pyasm)
    report(results, start)
    s = results[0]['startup']
    print('start-up: pyasm --version %.2f ms, /bin/true %.2f ms: pyasm\'s own %.2f ms' % (
        s['version_ms'], s['true_ms'], s['startup_ms']))
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(results, f, indent=1)


if __name__ == '__main__':
    main()
