"""pyasm from Python: .pyasm text to code objects and pyc files, and back.

    import pyasm
    code = pyasm.assemble(text)        # a code object for this interpreter
    pyc = pyasm.assemble_pyc(text)     # a pyc file's bytes (any of 3.6-3.13)
    text = pyasm.disassemble(code)     # a code object or a pyc's bytes

Errors in the input raise PyasmError: str() is what `pyasm build` would
print, .diagnostics the same as data. Warnings go to the warnings module
(PyasmWarning).

A ctypes binding of libpyasm.so (include/pyasm/pyasm.h, docs/api.md):
standard library only, CPython 3.6-3.13. The library is $PYASM_LIBRARY when
set; else libpyasm.so beside this file; else in the library folder two levels
up (the installed layout, <prefix>/lib/pyasm/python/pyasm.py); else wherever
ctypes.util.find_library('pyasm') finds it.
"""
import collections
import ctypes
import ctypes.util
import importlib.util
import marshal
import os
import sys
import threading
import types
import warnings

__all__ = ['assemble', 'assemble_pyc', 'disassemble', 'Diagnostic', 'PyasmError',
           'PyasmWarning', 'library_version', 'supported_versions']

# The PYASM_ABI_VERSION this module was written for (pyasm.h).
_ABI_VERSION = 1
_SEVERITIES = ('error', 'warning', 'note')

# One diagnostic. severity: 'error', 'warning' or 'note'; file: the input's
# name ('' when none); line, column: 1-based (0 for pyc input or no
# position); message: the message alone; offset: the byte offset in the
# input (-1: none); rendered: as pyasm prints it, source line and caret too.
Diagnostic = collections.namedtuple(
    'Diagnostic', ['severity', 'file', 'line', 'column', 'message', 'offset', 'rendered'])


class PyasmError(Exception):
    """The input had errors. str(): the diagnostics as pyasm prints them."""

    def __init__(self, rendered, diagnostics):
        Exception.__init__(self, rendered.rstrip('\n') or 'pyasm: error')
        self.rendered = rendered
        self.diagnostics = diagnostics


class PyasmWarning(UserWarning):
    """A warning about input that still gave an output."""


class _Options(ctypes.Structure):
    _fields_ = [('python', ctypes.c_char_p),
                ('default_python', ctypes.c_char_p),
                ('verify', ctypes.c_int),
                ('name', ctypes.c_char_p),
                ('include_dirs', ctypes.POINTER(ctypes.c_char_p)),
                ('includes', ctypes.c_int)]


class _Diagnostic(ctypes.Structure):
    _fields_ = [('severity', ctypes.c_int),
                ('file', ctypes.c_char_p),
                ('line', ctypes.c_int),
                ('column', ctypes.c_int),
                ('offset', ctypes.c_int64),
                ('message', ctypes.c_char_p),
                ('rendered', ctypes.c_char_p)]


_lock = threading.Lock()
_lib = None


def _candidates():
    env = os.environ.get('PYASM_LIBRARY')
    if env:
        return [env]
    here = os.path.dirname(os.path.abspath(__file__))
    paths = [os.path.join(here, 'libpyasm.so'),
             os.path.normpath(os.path.join(here, os.pardir, os.pardir, 'libpyasm.so'))]
    found = ctypes.util.find_library('pyasm')
    if found:
        paths.append(found)
    return paths


def _declare(lib):
    result = ctypes.c_void_p
    options = ctypes.POINTER(_Options)
    for name in ('pyasm_assemble', 'pyasm_assemble_code', 'pyasm_disassemble'):
        getattr(lib, name).argtypes = [ctypes.c_char_p, ctypes.c_size_t, options]
        getattr(lib, name).restype = result
    signatures = {
        'pyasm_result_ok': ([result], ctypes.c_int),
        'pyasm_result_data': ([result, ctypes.POINTER(ctypes.c_size_t)], ctypes.c_void_p),
        'pyasm_result_python': ([result], ctypes.c_char_p),
        'pyasm_result_diagnostic_count': ([result], ctypes.c_size_t),
        'pyasm_result_diagnostic': ([result, ctypes.c_size_t], ctypes.POINTER(_Diagnostic)),
        'pyasm_result_rendered': ([result], ctypes.c_char_p),
        'pyasm_result_free': ([result], None),
        'pyasm_version': ([], ctypes.c_char_p),
        'pyasm_abi_version': ([], ctypes.c_int),
        'pyasm_supported_versions': ([], ctypes.c_char_p),
    }
    for name, (args, res) in signatures.items():
        getattr(lib, name).argtypes = args
        getattr(lib, name).restype = res


def _library():
    global _lib
    with _lock:
        if _lib is None:
            tried = []
            for path in _candidates():
                if os.sep in path and not os.path.exists(path):
                    tried.append(path + ' (missing)')
                    continue
                try:
                    lib = ctypes.CDLL(path)
                except OSError as e:
                    tried.append('%s (%s)' % (path, e))
                    continue
                _declare(lib)
                abi = lib.pyasm_abi_version()
                if abi != _ABI_VERSION:
                    raise OSError('pyasm: %s has ABI version %d, this module needs %d'
                                  % (path, abi, _ABI_VERSION))
                _lib = lib
                break
            else:
                raise OSError('pyasm: libpyasm.so not found (set PYASM_LIBRARY); tried: '
                              + '; '.join(tried or ['nothing']))
        return _lib


def _encode(text):
    return None if text is None else str(text).encode('utf-8', 'surrogateescape')


def _decode(raw):
    return (raw or b'').decode('utf-8', 'surrogateescape')


def _diagnostics(lib, result):
    out = []
    for i in range(lib.pyasm_result_diagnostic_count(result)):
        d = lib.pyasm_result_diagnostic(result, i).contents
        out.append(Diagnostic(_SEVERITIES[d.severity], _decode(d.file), d.line, d.column,
                              _decode(d.message), d.offset, _decode(d.rendered)))
    return out


def _call(function, data, python=None, default_python=None, verify=True, name=None,
          include_dirs=(), includes=True):
    """Runs one pyasm_* call; its output bytes, or PyasmError."""
    lib = _library()
    dirs = [_encode(os.fspath(d)) for d in include_dirs] + [None]
    options = _Options(_encode(python), _encode(default_python), 1 if verify else 0,
                       _encode(name), (ctypes.c_char_p * len(dirs))(*dirs),
                       1 if includes else 0)
    result = getattr(lib, function)(data, len(data), ctypes.byref(options))
    if not result:
        raise MemoryError('pyasm: out of memory')
    try:
        diagnostics = _diagnostics(lib, result)
        rendered = _decode(lib.pyasm_result_rendered(result))
        if not lib.pyasm_result_ok(result):
            raise PyasmError(rendered, diagnostics)
        size = ctypes.c_size_t()
        pointer = lib.pyasm_result_data(result, ctypes.byref(size))
        output = ctypes.string_at(pointer, size.value)
    finally:
        lib.pyasm_result_free(result)
    if any(d.severity == 'warning' for d in diagnostics):
        warnings.warn(rendered.rstrip('\n'), PyasmWarning, stacklevel=3)
    return output


def _running():
    return '%d.%d' % sys.version_info[:2]


def _text(text):
    if isinstance(text, str):
        return text.encode('utf-8', 'surrogateescape')
    return bytes(text)


def assemble(text, *, python=None, verify=True, name='<string>', include_dirs=(),
             includes=True):
    """The module code object of `text` (str or UTF-8 bytes) for the running
    interpreter. A `.python` directive in the text must name this version
    (so may `python`, if given). verify=False skips the bytecode verifier:
    the code may crash the interpreter. `name` is the text's name in
    diagnostics and the module's default co_filename; `.include` looks in
    its folder, then in `include_dirs`; includes=False makes every
    `.include` an error (no file is read)."""
    if python is not None and '.'.join(str(python).split('.')[:2]) != _running():
        raise ValueError('pyasm.assemble makes code for this interpreter (%s), not %s; '
                         'use assemble_pyc' % (_running(), python))
    code = _call('pyasm_assemble_code', _text(text), _running(), None, verify, name,
                 include_dirs, includes)
    return marshal.loads(code)


def assemble_pyc(text, *, python=None, verify=True, name='<string>', include_dirs=(),
                 includes=True):
    """The bytes of the pyc file `text` assembles to. The version is the
    text's `.python` directive; else `python` ("3.X"; a directive must agree
    with it); else the running interpreter's. The other arguments are
    assemble()'s."""
    if python is not None:
        return _call('pyasm_assemble', _text(text), str(python), None, verify, name,
                     include_dirs, includes)
    return _call('pyasm_assemble', _text(text), None, _running(), verify, name,
                 include_dirs, includes)


def _pyc_header():
    """A pyc header of the running interpreter: magic, flags (3.7+), then the
    source's mtime and size (0)."""
    flags = b'\0\0\0\0' if sys.version_info >= (3, 7) else b''
    return importlib.util.MAGIC_NUMBER + flags + b'\0' * 8


def disassemble(code_or_pyc, *, name=None):
    """The .pyasm text of a code object (of this interpreter) or of a pyc
    file's bytes (any of 3.6-3.13). assemble_pyc of the text gives back the
    same pyc bytes; assemble of it, for a code object, an equal code object."""
    if isinstance(code_or_pyc, types.CodeType):
        data = _pyc_header() + marshal.dumps(code_or_pyc)
        name = name or '<code %s>' % code_or_pyc.co_name
    elif isinstance(code_or_pyc, (bytes, bytearray, memoryview)):
        data = bytes(code_or_pyc)
    else:
        raise TypeError('pyasm.disassemble takes a code object or bytes, not %s'
                        % type(code_or_pyc).__name__)
    return _decode(_call('pyasm_disassemble', data, name=name))


def library_version():
    """The version of libpyasm.so, e.g. '0.1.0'."""
    return _decode(_library().pyasm_version())


def supported_versions():
    """The CPython versions pyasm targets: ['3.6', ..., '3.13']."""
    return _decode(_library().pyasm_supported_versions()).split(', ')
