// What every pyasm subcommand shares: how diagnostics are shown (colour,
// --quiet, --error-limit), the target version, and the subcommand table.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <optional>
#include <string>

#include "pyasm/diagnostics.hpp"
#include "pyasm/version.hpp"

namespace pyasm::cli {

// Exit statuses, as cc and as use them.
constexpr int kOk = 0;
constexpr int kInputError = 1;  // errors in the input; nothing written
constexpr int kUsage = 2;       // bad command line

// --quiet, --color, --error-limit.
struct DiagOptions {
  bool quiet = false;
  std::string color = "auto";
  int error_limit = Diagnostics::kMaxErrors;

  // --color=auto: colours when standard error is a terminal, unless
  // NO_COLOR is set and not empty (no-color.org) or TERM is "dumb".
  bool use_color() const;
  Diagnostics::RenderOptions render_options() const { return {use_color(), !quiet}; }
};
void add_diag_options(CLI::App* cmd, DiagOptions& opts);

// "pyasm: error: TEXT\n" (or warning) as the library renders a diagnostic
// without a position, in colour when `color`.
std::string message(Severity severity, const std::string& text, bool color);
// Prints an error of the command line itself and returns kUsage.
int usage_error(const std::string& text, bool color = DiagOptions{}.use_color());

// --python: nullopt when not given; kUsage (after a message) when the text
// is not a supported version.
struct VersionArg {
  std::optional<Version> version;
  bool ok = true;
};
VersionArg parse_python_option(const std::string& text, bool color);
// The version of the python3 on PATH, asked once per process (jobs share it).
std::optional<Version> host_python_once();

// A subcommand: its CLI11 app and what runs once it is parsed.
struct Command {
  CLI::App* app;
  std::function<int()> run;
};
Command add_build_command(CLI::App& app);
Command add_check_command(CLI::App& app);
Command add_disasm_command(CLI::App& app);
Command add_run_command(CLI::App& app);
Command add_opcodes_command(CLI::App& app);
Command add_version_command(CLI::App& app);

// The examples every --help ends with.
extern const char* const kExamples;

}  // namespace pyasm::cli
