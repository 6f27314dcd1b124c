// pyasm disasm: pyc files to .pyasm text.
#include <algorithm>
#include <memory>

#include "common.hpp"
#include "jobs.hpp"
#include "paths.hpp"
#include "pyasm/disasm.hpp"
#include "pyasm/io.hpp"
#include "pyasm/pyc_reader.hpp"

namespace pyasm::cli {

namespace {

struct DisasmArgs {
  std::vector<std::string> inputs;
  std::string output, dir;
  unsigned jobs = 1;
  bool stats = false;
  DiagOptions diag;
};

// What the disassembly had to spell out (for reports).
std::string stats_text(const DisasmStats& s) {
  std::string out = "code objects: " + std::to_string(s.code_objects) +
                    ", raw line tables: " + std::to_string(s.raw_linetables) +
                    ", raw exception tables: " + std::to_string(s.raw_exceptiontables) +
                    ", instructions with EXTENDED_ARG written: " +
                    std::to_string(s.written_prefixes) +
                    ", made explicit by the rebuild check: " + std::to_string(s.forced) + "\n";
  for (const auto& st : s.stacksizes)
    out += "stacksize written: " + st.qualname + ": pyc " + std::to_string(st.actual) +
           ", pyasm " + std::to_string(st.computed) + " (" + st.reason + ")\n";
  out += s.verified ? "rebuild check: every code object equal\n"
                    : "rebuild check: DIFFERENCES\n";
  return out;
}

JobResult disasm_one(const std::string& input, const std::string& output, const DisasmArgs& a) {
  bool color = a.diag.use_color();
  std::string err;
  auto data = read_input(input, err);
  if (!data) return {kInputError, message(Severity::kError, err, color)};
  std::string name = input == "-" ? "<stdin>" : input;
  Diagnostics diags;
  diags.set_error_limit(a.diag.error_limit);
  auto pyc = read_pyc(*data, name, diags);
  DisasmStats st;
  DisasmOptions opts;
  opts.stats = &st;
  std::optional<std::string> text;
  if (pyc) text = disassemble(*pyc, name, diags, opts);
  JobResult r{kOk, diags.render(a.diag.render_options())};
  if (!text) return {kInputError, r.messages};
  if (a.stats) r.messages += stats_text(st);
  // The text is written even then: it shows the code; the warning says it
  // will not rebuild the same file.
  if (!st.verified && !a.diag.quiet) {
    r.messages += message(Severity::kWarning,
                          name + ": the disassembly does not rebuild every code object exactly:",
                          color);
    for (const std::string& p : st.problems) r.messages += "  " + p + "\n";
  }
  if ((output != "-" && !make_parent_dirs(output, err)) || !write_output(output, *text, err))
    return {kInputError, r.messages + message(Severity::kError, err, color)};
  return r;
}

int disasm(const DisasmArgs& a) {
  bool color = a.diag.use_color();
  size_t n = a.inputs.size();
  if (std::count(a.inputs.begin(), a.inputs.end(), "-") > 1)
    return usage_error("standard input ('-') can be read only once", color);
  if (!a.output.empty() && !a.dir.empty()) return usage_error("give -o or -d, not both", color);
  if (n > 1 && a.dir.empty())
    return usage_error("several inputs need -d DIR (one text per pyc)", color);
  std::vector<std::string> outputs;
  std::string err;
  for (const std::string& in : a.inputs) {
    if (a.dir.empty()) {
      outputs.push_back(a.output.empty() ? "-" : a.output);
      continue;
    }
    auto o = output_in_dir(in, a.dir, ".pyc", ".pyasm", err);
    if (!o) return usage_error(err, color);
    outputs.push_back(*o);
  }
  return run_jobs(n, a.jobs, [&](size_t i) { return disasm_one(a.inputs[i], outputs[i], a); });
}

}  // namespace

Command add_disasm_command(CLI::App& app) {
  auto a = std::make_shared<DisasmArgs>();
  CLI::App* d = app.add_subcommand("disasm", "Disassemble .pyc files (CPython 3.6-3.13) into .pyasm");
  d->add_option("inputs", a->inputs, "Input .pyc files ('-' for standard input)")
      ->required()
      ->type_name("FILE");
  d->add_option("-o,--output", a->output, "Output .pyasm file (default: standard output)")
      ->type_name("FILE");
  d->add_option("-d,--output-dir", a->dir,
                "Write each input's text under DIR at the input's path (pkg/m.pyc -> "
                "DIR/pkg/m.pyasm)")
      ->type_name("DIR");
  d->add_option("-j,--jobs", a->jobs, "Work on N inputs at a time (0: one per CPU)")
      ->type_name("N");
  d->add_flag("--stats", a->stats, "Report on standard error what had to be written out");
  add_diag_options(d, a->diag);
  d->footer(kExamples);
  return {d, [a] { return disasm(*a); }};
}

}  // namespace pyasm::cli
