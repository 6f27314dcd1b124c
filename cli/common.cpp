#include "common.hpp"

#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <mutex>

#include "pyasm/io.hpp"

namespace pyasm::cli {

const char* const kExamples = R"(
Examples:
  pyasm build hello.pyasm -o hello.pyc    assemble; then: python3 hello.pyc
  pyasm build hello.pyasm                 writes hello.pyc beside the input
  pyasm build --python 3.8 - -o out.pyc < prog.pyasm
                                          read standard input; target 3.8
  pyasm build prog.pyasm -o - | xxd       write the pyc to standard output
  pyasm build -j2 -d out pkg/*.pyasm      pkg/m.pyasm -> out/pkg/m.pyc, two at a time
  pyasm build m.pyasm -o m.pyc -MD -MP    also write m.d for make (.include files)
  pyasm build m.pyasm --source m.py -o __pycache__/m.cpython-311.pyc
                                          a header that m.py validates (py_compile's)
  pyasm disasm hello.pyc                  print the .pyasm of a pyc (3.6-3.13)
  pyasm disasm hello.pyc -o hello.pyasm   ... into a file; `pyasm build` of it
                                          gives back hello.pyc byte for byte
  pyasm check prog.pyasm                  report errors only; writes nothing
  pyasm run prog.pyasm -- a b             assemble, run with python3.X, pass a b
  pyasm opcodes --python 3.12 LOAD_ATTR   one opcode of 3.12's table

`build` and `check` run the bytecode verifier: code that would crash CPython
(NULL used as a value, FOR_ITER on a non-iterator, a wrong closure, ...) is
an error. docs/verifier.md says what is checked.

The target version comes from the file's `.python 3.X` directive, else from
--python, else from the python3 on PATH. Exit status: 0 success, 1 errors in
the input (nothing is written), 2 usage errors.
Language reference: docs/language.md; command line: docs/cli.md
)";

bool DiagOptions::use_color() const {
  if (color == "always") return true;
  if (color == "never") return false;
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color && *no_color) return false;
  const char* term = std::getenv("TERM");
  if (term && std::string(term) == "dumb") return false;
  return ::isatty(STDERR_FILENO) == 1;
}

void add_diag_options(CLI::App* cmd, DiagOptions& opts) {
  cmd->add_flag("-q,--quiet", opts.quiet, "Show errors only, no warnings");
  cmd->add_option("--color", opts.color,
                  "Colour diagnostics: auto (when standard error is a terminal and NO_COLOR "
                  "is not set), always, never")
      ->type_name("WHEN")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  cmd->add_option("--error-limit", opts.error_limit,
                  "Stop after N errors in a file (default 50; 0: no limit)")
      ->type_name("N")
      ->check(CLI::NonNegativeNumber);
}

std::string message(Severity severity, const std::string& text, bool color) {
  return render(Diagnostic{severity, nullptr, {}, 0, false, text}, color);
}

int usage_error(const std::string& text, bool color) {
  std::cerr << message(Severity::kError, text, color)
            << "Run with --help for more information.\n";
  return kUsage;
}

VersionArg parse_python_option(const std::string& text, bool color) {
  if (text.empty()) return {};
  auto v = parse_version(text);
  if (!v || !is_supported(*v)) {
    usage_error("--python " + text + ": expected one of " + supported_versions_text(), color);
    return {std::nullopt, false};
  }
  return {v, true};
}

std::optional<Version> host_python_once() {
  static std::once_flag once;
  static std::optional<Version> host;
  std::call_once(once, [] { host = host_python_version(); });
  return host;
}

}  // namespace pyasm::cli
