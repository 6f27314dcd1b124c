// pyasm command line: a thin chain of library calls.
#include <CLI/CLI.hpp>
#include <iostream>

#include "pyasm/assembler.hpp"
#include "pyasm/io.hpp"

namespace {

constexpr const char* kExamples = R"(
Examples:
  pyasm build hello.pyasm -o hello.pyc    assemble; then: python3 hello.pyc
  pyasm build hello.pyasm                 writes hello.pyc beside the input
  pyasm build --python 3.8 - -o out.pyc < prog.pyasm
                                          read standard input; target 3.8
  pyasm build prog.pyasm -o - | xxd       write the pyc to standard output

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

int build(const std::string& input, std::string output, const std::string& python) {
  pyasm::AssembleOptions opts;
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
  if (output.empty()) output = default_output(input);
  if (!pyasm::write_output(output, *pyc, err)) {
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
  b->footer(kExamples);

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
  if (b->parsed()) return build(input, output, python);
  return 2;
}
