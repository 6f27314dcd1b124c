// pyasm command line: a thin chain of library calls.
#include <CLI/CLI.hpp>
#include <iostream>

#include "pyasm/assembler.hpp"
#include "pyasm/disasm.hpp"
#include "pyasm/io.hpp"
#include "pyasm/pyc_reader.hpp"

namespace {

constexpr const char* kExamples = R"(
Examples:
  pyasm build hello.pyasm -o hello.pyc    assemble; then: python3 hello.pyc
  pyasm build hello.pyasm                 writes hello.pyc beside the input
  pyasm build --python 3.8 - -o out.pyc < prog.pyasm
                                          read standard input; target 3.8
  pyasm build prog.pyasm -o - | xxd       write the pyc to standard output
  pyasm disasm hello.pyc                  print the .pyasm of a pyc (3.6-3.13)
  pyasm disasm hello.pyc -o hello.pyasm   ... into a file; `pyasm build` of it
                                          gives back hello.pyc byte for byte
  pyasm check prog.pyasm                  report errors only; writes nothing

`build` and `check` run the bytecode verifier: code that would crash CPython
(NULL used as a value, FOR_ITER on a non-iterator, a wrong closure, ...) is
an error. docs/verifier.md says what is checked.

The target version comes from the file's `.python 3.X` directive, else from
--python, else from the python3 on PATH. Exit status: 0 success, 1 errors in
the input (nothing is written), 2 usage errors.
Language reference: docs/language.md
)";

std::string default_output(const std::string& input) {
  if (input == "-") return "-";
  std::string base = input;
  if (base.size() > 6 && base.ends_with(".pyasm")) base.resize(base.size() - 6);
  return base + ".pyc";
}

// Assembles `input`; writes the pyc unless `check_only` (`pyasm check`).
int build(const std::string& input, std::string output, const std::string& python,
          bool check_only, bool verify) {
  pyasm::AssembleOptions opts;
  opts.verify = verify;
  if (!python.empty()) {
    opts.version = pyasm::parse_version(python);
    if (!opts.version || !pyasm::is_supported(*opts.version)) {
      std::cerr << "pyasm: error: --python " << python << ": expected one of "
                << pyasm::supported_versions_text() << "\n";
      return 2;
    }
  }
  opts.default_version = pyasm::host_python_version;
  std::string err;
  auto text = pyasm::read_input(input, err);
  if (!text) {
    std::cerr << "pyasm: error: " << err << "\n";
    return 1;
  }
  pyasm::SourceFile file{input == "-" ? "<stdin>" : input, std::move(*text)};
  pyasm::Diagnostics diags;
  auto pyc = pyasm::assemble(file, opts, diags);
  std::cerr << diags.render();
  if (!pyc) return 1;
  if (check_only) return 0;
  if (output.empty()) output = default_output(input);
  if (!pyasm::write_output(output, *pyc, err)) {
    std::cerr << "pyasm: error: " << err << "\n";
    return 1;
  }
  return 0;
}

// Prints what the disassembly had to spell out (for reports).
void print_stats(const pyasm::DisasmStats& s) {
  std::cerr << "code objects: " << s.code_objects << ", raw line tables: " << s.raw_linetables
            << ", raw exception tables: " << s.raw_exceptiontables
            << ", instructions with EXTENDED_ARG written: " << s.written_prefixes
            << ", made explicit by the rebuild check: " << s.forced << "\n";
  for (const auto& st : s.stacksizes)
    std::cerr << "stacksize written: " << st.qualname << ": pyc " << st.actual << ", pyasm "
              << st.computed << " (" << st.reason << ")\n";
  std::cerr << (s.verified ? "rebuild check: every code object equal\n"
                           : "rebuild check: DIFFERENCES\n");
}

int disasm(const std::string& input, const std::string& output, bool stats) {
  std::string err;
  auto data = pyasm::read_input(input, err);
  if (!data) {
    std::cerr << "pyasm: error: " << err << "\n";
    return 1;
  }
  std::string name = input == "-" ? "<stdin>" : input;
  pyasm::Diagnostics diags;
  auto pyc = pyasm::read_pyc(*data, name, diags);
  pyasm::DisasmStats st;
  pyasm::DisasmOptions opts;
  opts.stats = &st;
  std::optional<std::string> text;
  if (pyc) text = pyasm::disassemble(*pyc, name, diags, opts);
  std::cerr << diags.render();
  if (!text) return 1;
  if (stats) print_stats(st);
  // The text is written even then: it shows the code; the warning says it
  // will not rebuild the same file.
  if (!st.verified) {
    std::cerr << "pyasm: warning: " << name << ": the disassembly does not rebuild every code "
              << "object exactly:\n";
    for (const std::string& p : st.problems) std::cerr << "  " << p << "\n";
  }
  if (!pyasm::write_output(output.empty() ? "-" : output, *text, err)) {
    std::cerr << "pyasm: error: " << err << "\n";
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"pyasm: assembler for CPython bytecode (CPython " +
               pyasm::supported_versions_text() + ")"};
  app.footer(kExamples);
  app.set_version_flag("--version", std::string("pyasm ") + PYASM_VERSION_STRING);
  app.require_subcommand(1);

  std::string input, output, python;
  CLI::App* b = app.add_subcommand("build", "Assemble a .pyasm file into a .pyc");
  b->add_option("input", input, "Input .pyasm file ('-' for standard input)")->required();
  b->add_option("-o,--output", output, "Output .pyc file ('-' for standard output)");
  b->add_option("--python", python, "Target CPython version, e.g. 3.11");
  bool no_verify = false;
  b->add_flag("--no-verify", no_verify,
              "Skip the bytecode verifier (docs/verifier.md): the pyc may crash CPython");
  b->footer(kExamples);

  std::string check_input, check_python;
  CLI::App* c = app.add_subcommand(
      "check", "Assemble and verify a .pyasm file without writing anything (exit 1 on errors)");
  c->add_option("input", check_input, "Input .pyasm file ('-' for standard input)")->required();
  c->add_option("--python", check_python, "Target CPython version, e.g. 3.11");

  std::string dis_input, dis_output;
  bool stats = false;
  CLI::App* d = app.add_subcommand("disasm", "Disassemble a .pyc (CPython 3.6-3.13) into .pyasm");
  d->add_option("input", dis_input, "Input .pyc file ('-' for standard input)")->required();
  d->add_option("-o,--output", dis_output, "Output .pyasm file (default: standard output)");
  d->add_flag("--stats", stats, "Report on standard error what had to be written out");
  d->footer(kExamples);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  }
  if (b->parsed()) return build(input, output, python, false, !no_verify);
  if (c->parsed()) return build(check_input, "", check_python, true, true);
  if (d->parsed()) return disasm(dis_input, dis_output, stats);
  return 2;
}
