/* pyasm's C API: assemble .pyasm text into a CPython 3.6-3.13 pyc (or the
 * marshalled code object alone), and disassemble a pyc back into text, from
 * any language that can call C (docs/api.md).
 *
 * Link with -lpyasm (libpyasm.so; `find_package(pyasm)` gives pyasm::pyasm,
 * `pkg-config --cflags --libs pyasm` the flags).
 *
 * Every call returns a pyasm_result the caller frees with pyasm_result_free:
 * the output when there is one, and the diagnostics as data and as the text
 * `pyasm build` would print. No global state: calls on different threads
 * are independent. Bad input never aborts: it is an error in the result.
 *
 *     pyasm_options opts;
 *     pyasm_options_init(&opts);
 *     opts.name = "hello.pyasm";
 *     pyasm_result* r = pyasm_assemble(text, strlen(text), &opts);
 *     size_t size;
 *     const char* pyc = pyasm_result_data(r, &size);
 *     if (pyc) fwrite(pyc, 1, size, out);
 *     else fputs(pyasm_result_rendered(r), stderr);
 *     pyasm_result_free(r);
 */
#ifndef PYASM_PYASM_H
#define PYASM_PYASM_H

#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__)
#define PYASM_API __attribute__((visibility("default")))
#else
#define PYASM_API
#endif

/* Bumped whenever a declaration below changes incompatibly (the SONAME
 * changes with it); pyasm_abi_version() gives the library's. */
#define PYASM_ABI_VERSION 1

#ifdef __cplusplus
extern "C" {
#endif

typedef enum pyasm_severity {
  PYASM_SEVERITY_ERROR = 0,
  PYASM_SEVERITY_WARNING = 1,
  PYASM_SEVERITY_NOTE = 2
} pyasm_severity;

typedef struct pyasm_options {
  /* "3.X": the target version; the text's `.python` directive, if any,
   * must agree (`pyasm build --python`). NULL: the directive says. */
  const char* python;
  /* "3.X": the version of a text with no `.python` directive when `python`
   * is NULL (the CLI uses the python3 on PATH). NULL: such a text is an
   * error. */
  const char* default_python;
  /* Nonzero: run the bytecode verifier (docs/verifier.md). 0 is
   * `pyasm build --no-verify`: the code may crash CPython. */
  int verify;
  /* The input's name in diagnostics (and a module's default co_filename);
   * `.include` looks in its folder first. NULL: "<string>" for text (the
   * current folder), "<pyc>" for pyc bytes. */
  const char* name;
  /* Folders searched for `.include` files after the including file's own
   * (`pyasm build -I`): a NULL-terminated array; NULL for none. */
  const char* const* include_dirs;
  /* 0: every `.include` is an error and no file is read (for text from
   * untrusted sources). */
  int includes;
} pyasm_options;

/* One diagnostic. Strings are NUL-terminated, UTF-8 when the input is, and
 * owned by the result. */
typedef struct pyasm_diagnostic {
  pyasm_severity severity;
  /* The file it is about (the name given, or an included file); "" when it
   * belongs to no input. */
  const char* file;
  /* 1-based line and column (in code points) of a text position; 0 for pyc
   * input or no position. */
  int line;
  int column;
  /* Byte offset in the input (pyc input: the byte the message is about);
   * -1 when there is no position. */
  int64_t offset;
  const char* message; /* the message alone, e.g. "unknown opcode 'FOO'" */
  /* As pyasm prints it: "file:line:col: error: message", the source line and
   * a caret under the column, each line ending with '\n'. */
  const char* rendered;
} pyasm_diagnostic;

/* What a call returns. Opaque: read it with the pyasm_result_* functions.
 * A call returns NULL only when there is no memory even for the result;
 * every pyasm_result_* function takes NULL as a failed result with no
 * diagnostics. */
typedef struct pyasm_result pyasm_result;

/* Defaults: python, default_python, name and include_dirs NULL, verify and
 * includes 1. A NULL options pointer anywhere below means these. */
PYASM_API void pyasm_options_init(pyasm_options* options);

/* `size` bytes of .pyasm text (no NUL needed) to a whole pyc file. */
PYASM_API pyasm_result* pyasm_assemble(const char* text, size_t size, const pyasm_options* options);
/* Same, without the pyc header: the marshalled module code object, what
 * marshal.loads takes (the header is 16 bytes for 3.7+, 12 for 3.6). */
PYASM_API pyasm_result* pyasm_assemble_code(const char* text, size_t size,
                                            const pyasm_options* options);
/* A pyc file's bytes to .pyasm text that pyasm_assemble turns back into the
 * same bytes. Only `name` of the options is used. */
PYASM_API pyasm_result* pyasm_disassemble(const void* pyc, size_t size,
                                          const pyasm_options* options);

/* Nonzero when the call produced its output. */
PYASM_API int pyasm_result_ok(const pyasm_result* result);
/* The output (pyc bytes, code bytes or text), always followed by a NUL byte
 * not counted in *size; NULL (and *size 0) on failure. `size` may be NULL. */
PYASM_API const char* pyasm_result_data(const pyasm_result* result, size_t* size);
/* The version the text targeted or the pyc was written for, "3.X"; "" when
 * it was not known. */
PYASM_API const char* pyasm_result_python(const pyasm_result* result);
/* Errors, warnings and notes, in the order pyasm prints them. A successful
 * call may have warnings. */
PYASM_API size_t pyasm_result_diagnostic_count(const pyasm_result* result);
/* NULL when index >= the count. Valid until the result is freed. */
PYASM_API const pyasm_diagnostic* pyasm_result_diagnostic(const pyasm_result* result, size_t index);
/* Every diagnostic rendered, exactly what `pyasm build` or `pyasm disasm`
 * writes to standard error; "" when there are none. */
PYASM_API const char* pyasm_result_rendered(const pyasm_result* result);
/* Frees a result and everything it returned; NULL is allowed. */
PYASM_API void pyasm_result_free(pyasm_result* result);

/* The library's version, e.g. "0.1.0". */
PYASM_API const char* pyasm_version(void);
/* PYASM_ABI_VERSION of the library. */
PYASM_API int pyasm_abi_version(void);
/* The versions pyasm targets, "3.6, 3.7, ..., 3.13". */
PYASM_API const char* pyasm_supported_versions(void);

#ifdef __cplusplus
}
#endif

#endif /* PYASM_PYASM_H */
