// pyasm command line: each subcommand is a thin chain of library calls
// (build.cpp, disasm.cpp, run.cpp, opcodes.cpp); this file only parses.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <memory>

#include "common.hpp"
#include "pyasm/opcodes.hpp"

namespace pyasm::cli {

namespace {

// cc's dependency options are one dash and two letters (-MD, -MF FILE,
// -MP), which CLI11 cannot name: they are registered as --MD, --MF and
// --MP, spelled here as cc spells them, and shown so in --help.
std::vector<std::string> cc_style_args(int argc, char** argv) {
  std::vector<std::string> out;
  bool rest = false;  // after "--" everything is the program's
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (!rest && (a == "-MD" || a == "-MP" || a == "-MF")) {
      a = "-" + a;
    } else if (!rest && a.starts_with("-MF") && a.size() > 3) {  // -MFfile
      out.push_back("--MF");
      a = a.substr(3);
    }
    rest |= a == "--";
    out.push_back(a);
  }
  return out;
}

class Formatter : public CLI::Formatter {
 public:
  std::string make_option_name(const CLI::Option* opt, bool positional) const override {
    std::string name = CLI::Formatter::make_option_name(opt, positional);
    return name == "--MD" || name == "--MF" || name == "--MP" ? name.substr(1) : name;
  }
};

std::string version_text() {
  std::string out = std::string("pyasm ") + PYASM_VERSION_STRING + "\nCPython " +
                    supported_versions_text() + "\npyc magic numbers:";
  for (const OpcodeTable* t : all_opcode_tables())
    out += " " + t->version.str() + "=" + std::to_string(t->magic);
  auto host = host_python_once();
  return out + "\npython3 on PATH: " + (host ? host->str() : "none") +
         " (the target of a file without .python or --python)\n";
}

int parse(CLI::App& app, int argc, char** argv) {
  std::vector<std::string> args = cc_style_args(argc, argv);
  std::reverse(args.begin(), args.end());  // CLI11 takes them last first
  try {
    app.parse(args);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kUsage;
  }
  return -1;
}

}  // namespace

Command add_version_command(CLI::App& app) {
  CLI::App* v = app.add_subcommand("version", "Print pyasm's version and the CPython versions it supports");
  return {v, [] {
            std::fputs(version_text().c_str(), stdout);
            return kOk;
          }};
}

}  // namespace pyasm::cli

int main(int argc, char** argv) {
  using namespace pyasm::cli;
  CLI::App app{"pyasm: assembler for CPython bytecode (CPython " +
               pyasm::supported_versions_text() + ")"};
  app.name("pyasm");
  app.formatter(std::make_shared<Formatter>());
  app.footer(kExamples);
  app.set_version_flag("--version", std::string("pyasm ") + PYASM_VERSION_STRING);
  app.require_subcommand(1);
  std::vector<Command> commands = {add_build_command(app),   add_check_command(app),
                                   add_disasm_command(app),  add_run_command(app),
                                   add_opcodes_command(app), add_version_command(app)};
  if (int status = parse(app, argc, argv); status >= 0) return status;
  for (const Command& c : commands)
    if (c.app->parsed()) return c.run();
  return kUsage;
}
