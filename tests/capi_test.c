/* The C API (include/pyasm/pyasm.h), compiled as C and linked against
 * libpyasm.so: assemble, assemble the code object alone, disassemble, the
 * round trip, diagnostics as data on bad input, hostile arguments, and
 * several threads at once. docs/api.md copies its example from here.
 * Exit status 0 when every check passed. */
#define _POSIX_C_SOURCE 200809L /* mkdtemp */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pyasm/pyasm.h"

static int failures = 0;

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
      ++failures;                                                              \
    }                                                                          \
  } while (0)

static int starts_with(const char* s, const char* prefix) {
  return s && strncmp(s, prefix, strlen(prefix)) == 0;
}

/* docs/language.md's first example: def add(a, b); print(add(2, 3)). */
static const char kAdd38[] =
    ".python 3.8\n"
    ".filename \"add.py\"\n"
    "\n"
    ".code add(a, b)\n"
    "    .line 1\n"
    "    LOAD_FAST       a\n"
    "    LOAD_FAST       b\n"
    "    BINARY_ADD\n"
    "    RETURN_VALUE\n"
    ".end\n"
    "\n"
    "    .line 1\n"
    "    LOAD_CONST      @add\n"
    "    LOAD_CONST      \"add\"\n"
    "    MAKE_FUNCTION   0\n"
    "    STORE_NAME      add\n"
    "    LOAD_NAME       print\n"
    "    LOAD_NAME       add\n"
    "    LOAD_CONST      2\n"
    "    LOAD_CONST      3\n"
    "    CALL_FUNCTION   2\n"
    "    CALL_FUNCTION   1\n"
    "    POP_TOP\n"
    "    LOAD_CONST      None\n"
    "    RETURN_VALUE\n";

/* No .python directive: the options say. */
static const char kNoDirective[] = "LOAD_CONST None\nRETURN_VALUE\n";

/* Line 3, column 5: an opcode no version has. */
static const char kBad[] =
    ".python 3.8\n"
    "    LOAD_CONST None\n"
    "    NOT_AN_OPCODE\n"
    "    RETURN_VALUE\n";

/* POP_BLOCK with no block: the verifier's error, assembled without it. */
static const char kUnverifiable[] =
    ".python 3.8\n"
    "    POP_BLOCK\n"
    "    LOAD_CONST None\n"
    "    RETURN_VALUE\n";

static void test_version(void) {
  CHECK(pyasm_abi_version() == PYASM_ABI_VERSION);
  CHECK(strlen(pyasm_version()) > 0);
  CHECK(starts_with(pyasm_supported_versions(), "3.6, 3.7"));
}

/* The example of docs/api.md: text in, pyc bytes out or diagnostics. */
static int assemble_to_file(const char* text, const char* name, FILE* out) {
  pyasm_options opts;
  pyasm_options_init(&opts);
  opts.name = name;
  pyasm_result* r = pyasm_assemble(text, strlen(text), &opts);
  size_t size;
  const char* pyc = pyasm_result_data(r, &size);
  if (pyc)
    fwrite(pyc, 1, size, out);
  else
    fputs(pyasm_result_rendered(r), stderr);
  pyasm_result_free(r);
  return pyc != NULL;
}

static void test_assemble_and_round_trip(void) {
  pyasm_result* pyc = pyasm_assemble(kAdd38, strlen(kAdd38), NULL);
  size_t pyc_size = 0;
  const char* bytes = pyasm_result_data(pyc, &pyc_size);
  CHECK(pyasm_result_ok(pyc));
  CHECK(pyasm_result_diagnostic_count(pyc) == 0);
  CHECK(strcmp(pyasm_result_rendered(pyc), "") == 0);
  CHECK(strcmp(pyasm_result_python(pyc), "3.8") == 0);
  /* 3.8's magic number, 3413, then \r\n; a 16-byte header. */
  CHECK(bytes && pyc_size > 16 && memcmp(bytes, "\x55\x0d\x0d\x0a", 4) == 0);

  /* The code object alone is the pyc without its header. */
  pyasm_result* code = pyasm_assemble_code(kAdd38, strlen(kAdd38), NULL);
  size_t code_size = 0;
  const char* code_bytes = pyasm_result_data(code, &code_size);
  CHECK(code_bytes && code_size + 16 == pyc_size);
  CHECK(code_bytes && bytes && memcmp(code_bytes, bytes + 16, code_size) == 0);
  CHECK(code_bytes && code_bytes[0] == (char)0xe3); /* TYPE_CODE | FLAG_REF */
  pyasm_result_free(code);

  /* Disassembled, then assembled again: the same bytes. */
  pyasm_options opts;
  pyasm_options_init(&opts);
  opts.name = "add.pyc";
  pyasm_result* text = pyasm_disassemble(bytes, pyc_size, &opts);
  size_t text_size = 0;
  const char* t = pyasm_result_data(text, &text_size);
  CHECK(pyasm_result_ok(text));
  CHECK(strcmp(pyasm_result_python(text), "3.8") == 0);
  CHECK(t && strstr(t, ".python 3.8") && strstr(t, "BINARY_ADD"));
  CHECK(t && strlen(t) == text_size);
  pyasm_result* again = pyasm_assemble(t, text_size, NULL);
  size_t again_size = 0;
  const char* again_bytes = pyasm_result_data(again, &again_size);
  CHECK(again_bytes && again_size == pyc_size && memcmp(again_bytes, bytes, pyc_size) == 0);
  pyasm_result_free(again);
  pyasm_result_free(text);
  pyasm_result_free(pyc);

  FILE* sink = tmpfile();
  CHECK(sink && assemble_to_file(kAdd38, "add.pyasm", sink));
  if (sink) fclose(sink);
}

static void test_header_sizes(void) {
  /* 3.6's header is 12 bytes: the code object follows at once. */
  pyasm_options opts;
  pyasm_options_init(&opts);
  opts.python = "3.6";
  pyasm_result* pyc = pyasm_assemble(kNoDirective, strlen(kNoDirective), &opts);
  pyasm_result* code = pyasm_assemble_code(kNoDirective, strlen(kNoDirective), &opts);
  size_t pyc_size = 0, code_size = 0;
  const char* p = pyasm_result_data(pyc, &pyc_size);
  const char* c = pyasm_result_data(code, &code_size);
  CHECK(p && c && code_size + 12 == pyc_size && memcmp(c, p + 12, code_size) == 0);
  CHECK(strcmp(pyasm_result_python(code), "3.6") == 0);
  pyasm_result_free(pyc);
  pyasm_result_free(code);
}

static void test_version_options(void) {
  pyasm_options opts;
  pyasm_options_init(&opts);
  /* Neither a directive nor an option: an error. */
  pyasm_result* r = pyasm_assemble(kNoDirective, strlen(kNoDirective), &opts);
  CHECK(!pyasm_result_ok(r));
  CHECK(pyasm_result_diagnostic_count(r) >= 1);
  pyasm_result_free(r);

  /* default_python: for a text without the directive. */
  opts.default_python = "3.12";
  r = pyasm_assemble(kNoDirective, strlen(kNoDirective), &opts);
  CHECK(pyasm_result_ok(r) && strcmp(pyasm_result_python(r), "3.12") == 0);
  pyasm_result_free(r);
  /* ... and the directive wins over it. */
  r = pyasm_assemble(kAdd38, strlen(kAdd38), &opts);
  CHECK(pyasm_result_ok(r) && strcmp(pyasm_result_python(r), "3.8") == 0);
  pyasm_result_free(r);

  /* python: the directive must agree. */
  opts.python = "3.9";
  r = pyasm_assemble(kAdd38, strlen(kAdd38), &opts);
  CHECK(!pyasm_result_ok(r));
  CHECK(pyasm_result_diagnostic_count(r) >= 1);
  pyasm_result_free(r);

  /* Not a version pyasm targets. */
  opts.python = "3.99";
  r = pyasm_assemble(kAdd38, strlen(kAdd38), &opts);
  const pyasm_diagnostic* d = pyasm_result_diagnostic(r, 0);
  CHECK(!pyasm_result_ok(r) && pyasm_result_diagnostic_count(r) == 1);
  CHECK(d && d->severity == PYASM_SEVERITY_ERROR && d->line == 0 && d->offset == -1);
  CHECK(d && strcmp(d->file, "") == 0 && strstr(d->message, "3.99"));
  CHECK(strcmp(pyasm_result_rendered(r),
               "pyasm: error: python \"3.99\": expected one of "
               "3.6, 3.7, 3.8, 3.9, 3.10, 3.11, 3.12, 3.13\n") == 0);
  pyasm_result_free(r);
}

static void test_diagnostics(void) {
  pyasm_options opts;
  pyasm_options_init(&opts);
  opts.name = "bad.pyasm";
  pyasm_result* r = pyasm_assemble(kBad, strlen(kBad), &opts);
  size_t size = 123;
  CHECK(!pyasm_result_ok(r));
  CHECK(pyasm_result_data(r, &size) == NULL && size == 0);
  CHECK(pyasm_result_diagnostic_count(r) >= 1);
  const pyasm_diagnostic* d = pyasm_result_diagnostic(r, 0);
  CHECK(d && d->severity == PYASM_SEVERITY_ERROR);
  CHECK(d && strcmp(d->file, "bad.pyasm") == 0);
  CHECK(d && d->line == 3 && d->column == 5);
  CHECK(d && d->offset == (int64_t)(strstr(kBad, "NOT_AN") - kBad));
  CHECK(d && strstr(d->message, "NOT_AN_OPCODE") && !strchr(d->message, '\n'));
  CHECK(d && starts_with(d->rendered, "bad.pyasm:3:5: error: "));
  CHECK(d && strstr(d->rendered, "\n    NOT_AN_OPCODE\n    ^\n"));
  CHECK(d && starts_with(pyasm_result_rendered(r), d->rendered));
  CHECK(pyasm_result_diagnostic(r, pyasm_result_diagnostic_count(r)) == NULL);
  pyasm_result_free(r);
}

static void test_verify_option(void) {
  pyasm_options opts;
  pyasm_options_init(&opts);
  pyasm_result* r = pyasm_assemble(kUnverifiable, strlen(kUnverifiable), &opts);
  const pyasm_diagnostic* d = pyasm_result_diagnostic(r, 0);
  CHECK(!pyasm_result_ok(r) && d && d->line == 2 && strstr(d->message, "POP_BLOCK"));
  pyasm_result_free(r);
  opts.verify = 0;
  r = pyasm_assemble(kUnverifiable, strlen(kUnverifiable), &opts);
  CHECK(pyasm_result_ok(r));
  pyasm_result_free(r);
}

static void test_bad_pyc(void) {
  static const char garbage[] = "this is not a pyc file at all";
  pyasm_options opts;
  pyasm_options_init(&opts);
  opts.name = "garbage.pyc";
  pyasm_result* r = pyasm_disassemble(garbage, sizeof garbage - 1, &opts);
  const pyasm_diagnostic* d = pyasm_result_diagnostic(r, 0);
  CHECK(!pyasm_result_ok(r));
  CHECK(d && d->severity == PYASM_SEVERITY_ERROR && strcmp(d->file, "garbage.pyc") == 0);
  CHECK(d && d->line == 0 && d->column == 0 && d->offset == 0);
  CHECK(d && starts_with(d->rendered, "garbage.pyc:0x0: error: "));
  pyasm_result_free(r);

  /* A valid pyc cut short: an error at some offset, never a crash. */
  pyasm_result* pyc = pyasm_assemble(kAdd38, strlen(kAdd38), NULL);
  size_t size = 0;
  const char* bytes = pyasm_result_data(pyc, &size);
  for (size_t cut = 0; bytes && cut < size; cut += 7) {
    r = pyasm_disassemble(bytes, cut, NULL);
    CHECK(!pyasm_result_ok(r) && pyasm_result_diagnostic_count(r) >= 1);
    pyasm_result_free(r);
  }
  pyasm_result_free(pyc);
}

static void test_hostile_arguments(void) {
  pyasm_result* r = pyasm_assemble(NULL, 5, NULL);
  CHECK(r && !pyasm_result_ok(r) && pyasm_result_diagnostic_count(r) == 1);
  pyasm_result_free(r);
  r = pyasm_disassemble(NULL, 5, NULL);
  CHECK(r && !pyasm_result_ok(r) && pyasm_result_diagnostic_count(r) == 1);
  pyasm_result_free(r);
  /* Empty input. */
  r = pyasm_assemble("", 0, NULL);
  CHECK(r && !pyasm_result_ok(r));
  pyasm_result_free(r);
  r = pyasm_disassemble("", 0, NULL);
  CHECK(r && !pyasm_result_ok(r));
  pyasm_result_free(r);
  /* Text with a NUL byte inside: its size, not strlen, counts. */
  static const char nul[] = ".python 3.8\nLOAD_CONST None\0\nRETURN_VALUE\n";
  r = pyasm_assemble(nul, sizeof nul - 1, NULL);
  CHECK(r && !pyasm_result_ok(r));
  pyasm_result_free(r);
  /* NULL results read as failures. */
  size_t size = 9;
  CHECK(pyasm_result_ok(NULL) == 0 && pyasm_result_data(NULL, &size) == NULL && size == 0);
  CHECK(pyasm_result_diagnostic_count(NULL) == 0 && pyasm_result_diagnostic(NULL, 0) == NULL);
  CHECK(strcmp(pyasm_result_rendered(NULL), "") == 0);
  CHECK(strcmp(pyasm_result_python(NULL), "") == 0);
  pyasm_result_free(NULL);
  pyasm_options_init(NULL);
}

/* `.include`: the file is found in include_dirs; a diagnostic inside it
 * names it, at its own line; includes = 0 reads no file. */
static void test_includes(void) {
  char dir[] = "/tmp/pyasm-capi-XXXXXX";
  CHECK(mkdtemp(dir) != NULL);
  char part[64], bad[64];
  snprintf(part, sizeof part, "%s/part.pyasm", dir);
  snprintf(bad, sizeof bad, "%s/bad.pyasm", dir);
  FILE* f = fopen(part, "w");
  CHECK(f && fputs("    LOAD_CONST None\n    RETURN_VALUE\n", f) >= 0);
  if (f) fclose(f);
  f = fopen(bad, "w");
  CHECK(f && fputs("\n    NOT_AN_OPCODE\n", f) >= 0);
  if (f) fclose(f);

  static const char text[] = ".python 3.8\n.include \"part.pyasm\"\n";
  const char* dirs[] = {dir, NULL};
  pyasm_options opts;
  pyasm_options_init(&opts);
  opts.include_dirs = dirs;
  pyasm_result* r = pyasm_assemble(text, strlen(text), &opts);
  CHECK(pyasm_result_ok(r));
  pyasm_result_free(r);

  static const char text_bad[] = ".python 3.8\n.include \"bad.pyasm\"\n";
  r = pyasm_assemble(text_bad, strlen(text_bad), &opts);
  const pyasm_diagnostic* d = pyasm_result_diagnostic(r, 0);
  CHECK(!pyasm_result_ok(r));
  CHECK(d && strcmp(d->file, bad) == 0 && d->line == 2 && d->column == 5 && d->offset == 5);
  CHECK(d && strstr(d->rendered, "In file included from <string>:2:"));
  pyasm_result_free(r);

  opts.includes = 0;
  r = pyasm_assemble(text, strlen(text), &opts);
  CHECK(!pyasm_result_ok(r) && pyasm_result_diagnostic_count(r) >= 1);
  pyasm_result_free(r);
  remove(part);
  remove(bad);
  rmdir(dir);
}

/* Threads assembling and disassembling at once get what one thread gets. */
static void* worker(void* expected) {
  const pyasm_result* want = expected;
  size_t want_size = 0;
  const char* want_bytes = pyasm_result_data(want, &want_size);
  long bad = 0;
  for (int i = 0; i < 20; ++i) {
    pyasm_result* pyc = pyasm_assemble(kAdd38, strlen(kAdd38), NULL);
    size_t size = 0;
    const char* bytes = pyasm_result_data(pyc, &size);
    bad += !bytes || size != want_size || memcmp(bytes, want_bytes, size) != 0;
    pyasm_result* text = pyasm_disassemble(bytes, size, NULL);
    bad += !pyasm_result_ok(text);
    pyasm_result* err = pyasm_assemble(kBad, strlen(kBad), NULL);
    const pyasm_diagnostic* d = pyasm_result_diagnostic(err, 0);
    bad += pyasm_result_ok(err) || !d || d->line != 3;
    pyasm_result_free(err);
    pyasm_result_free(text);
    pyasm_result_free(pyc);
  }
  return (void*)bad;
}

static void test_threads(void) {
  pyasm_result* want = pyasm_assemble(kAdd38, strlen(kAdd38), NULL);
  pthread_t threads[4];
  for (int i = 0; i < 4; ++i) CHECK(pthread_create(&threads[i], NULL, worker, want) == 0);
  for (int i = 0; i < 4; ++i) {
    void* bad = NULL;
    pthread_join(threads[i], &bad);
    CHECK(bad == NULL);
  }
  pyasm_result_free(want);
}

int main(void) {
  test_version();
  test_assemble_and_round_trip();
  test_header_sizes();
  test_version_options();
  test_diagnostics();
  test_verify_option();
  test_bad_pyc();
  test_hostile_arguments();
  test_includes();
  test_threads();
  if (failures) {
    fprintf(stderr, "capi_test: %d check(s) failed\n", failures);
    return 1;
  }
  printf("capi_test: all checks passed (libpyasm %s)\n", pyasm_version());
  return 0;
}
