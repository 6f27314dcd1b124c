"""The yardstick: this interpreter's own C marshal over the same pyc files.

Run by bench/run.py under each installed interpreter (so it must run on
Python 3.6): reads every pyc of the list into memory, then times
marshal.loads of each file's marshalled part and marshal.dumps of each
code object it gave, `repeats` times, and prints one JSON object with the
median seconds of each. Standard library only.

  python3.X bench/marshal_ref.py LIST REPEATS
"""
import json
import marshal
import resource
import statistics
import sys
import time


def header_size():
    # 3.7+ has a flags word (PEP 552): 16 bytes; 3.6: 12.
    return 16 if sys.version_info >= (3, 7) else 12


def main():
    paths = [line.strip() for line in open(sys.argv[1]) if line.strip()]
    repeats = int(sys.argv[2])
    skip = header_size()
    blobs = []
    for p in paths:
        with open(p, 'rb') as f:
            blobs.append(f.read()[skip:])
    loads, dumps = [], []
    codes = []
    for _ in range(repeats):
        start = time.perf_counter()
        codes = [marshal.loads(b) for b in blobs]
        loads.append(time.perf_counter() - start)
        start = time.perf_counter()
        out = [marshal.dumps(c) for c in codes]
        dumps.append(time.perf_counter() - start)
    print(json.dumps({
        'files': len(blobs),
        'in_bytes': sum(len(b) + skip for b in blobs),
        'dumps_bytes': sum(len(o) for o in out),
        'loads_s': statistics.median(loads),
        'dumps_s': statistics.median(dumps),
        'maxrss_kib': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }))


if __name__ == '__main__':
    main()
