"""Where the CPython interpreters pyasm is tested against live.

find_interpreter("3.12") gives the newest $(pyenv root)/versions/3.12.N/bin/python3.12,
or None when that version is not installed. Shared by the test scripts and the
tools; standard library only, and importable by Python 3.6.
"""
import glob
import os
import re
import subprocess


def pyenv_root():
    root = os.environ.get('PYENV_ROOT')
    if not root:
        try:
            root = subprocess.run(['pyenv', 'root'], stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL, universal_newlines=True,
                                  timeout=30).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            root = ''
    return root or os.path.expanduser('~/.pyenv')


def find_interpreter(version, root=None):
    """The newest installed patch release of `version` ("3.X"), or None."""
    root = root or pyenv_root()
    candidates = []
    for d in glob.glob(os.path.join(root, 'versions', version + '.*')):
        m = re.match(re.escape(version) + r'\.(\d+)$', os.path.basename(d))
        exe = os.path.join(d, 'bin', 'python' + version)
        if m and os.access(exe, os.X_OK):
            candidates.append((int(m.group(1)), exe))
    return max(candidates)[1] if candidates else None
