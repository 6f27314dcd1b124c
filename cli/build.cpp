// pyasm build and pyasm check: one or many .pyasm inputs.
#include <algorithm>
#include <memory>
#include <set>

#include "assemble_input.hpp"
#include "common.hpp"
#include "jobs.hpp"
#include "paths.hpp"
#include "pyasm/io.hpp"

namespace pyasm::cli {

namespace {

struct BuildArgs {
  std::vector<std::string> inputs;
  std::string output, dir, python, mode, source, depfile;
  std::vector<std::string> include_dirs;
  unsigned jobs = 1;
  bool no_verify = false, md = false, mp = false;
  DiagOptions diag;
};

// Where each input's pyc (and dependency file) goes.
struct Plan {
  std::vector<std::string> outputs;
  std::vector<std::string> depfiles;  // empty without -MD/-MF
};

void add_inputs(CLI::App* cmd, BuildArgs& a) {
  cmd->add_option("inputs", a.inputs, "Input .pyasm files ('-' for standard input)")
      ->required()
      ->type_name("FILE");
}

void add_assembler_options(CLI::App* cmd, BuildArgs& a) {
  cmd->add_option("--python", a.python, "Target CPython version, e.g. 3.11")->type_name("3.X");
  cmd->add_option("-I,--include-dir", a.include_dirs,
                  "Search DIR for .include files (after the including file's folder)")
      ->type_name("DIR")
      ->allow_extra_args(false);
  cmd->add_option("-j,--jobs", a.jobs, "Work on N inputs at a time (0: one per CPU)")
      ->type_name("N");
}

// Checks the command line's combinations; fills the plan. kOk or kUsage.
int plan_outputs(const BuildArgs& a, Plan& plan) {
  bool color = a.diag.use_color();
  size_t n = a.inputs.size();
  if (std::count(a.inputs.begin(), a.inputs.end(), "-") > 1)
    return usage_error("standard input ('-') can be read only once", color);
  if (!a.output.empty() && !a.dir.empty()) return usage_error("give -o or -d, not both", color);
  if (!a.output.empty() && n > 1)
    return usage_error("-o names one output: for several inputs use -d DIR", color);
  if (!a.source.empty() && n > 1) return usage_error("--source goes with one input", color);
  if (a.mp && !a.md && a.depfile.empty()) return usage_error("-MP needs -MD or -MF", color);
  if (!a.depfile.empty() && n > 1)
    return usage_error("-MF names one dependency file: for several inputs use -MD", color);
  std::string err;
  for (const std::string& in : a.inputs) {
    std::string out = a.output;
    if (!a.dir.empty()) {
      auto o = output_in_dir(in, a.dir, ".pyasm", ".pyc", err);
      if (!o) return usage_error(err, color);
      out = *o;
    } else if (out.empty()) {
      out = with_extension(in, ".pyasm", ".pyc");
    }
    plan.outputs.push_back(out);
  }
  std::set<std::string> seen;
  for (const std::string& out : plan.outputs)
    if (out != "-" && !seen.insert(out).second)
      return usage_error("two inputs would both be built into " + out, color);
  if (a.md || !a.depfile.empty()) {
    if (a.depfile.empty() && plan.outputs[0] == "-")
      return usage_error("-MD with the pyc on standard output needs -MF FILE", color);
    if (a.depfile == "-" && plan.outputs[0] == "-")
      return usage_error("the pyc and the dependencies cannot both go to standard output", color);
    for (const std::string& out : plan.outputs)
      plan.depfiles.push_back(a.depfile.empty() ? dependency_file_for(out) : a.depfile);
  }
  return kOk;
}

bool write_file(const std::string& path, const std::string& data, bool mkdirs, JobResult& r,
                bool color) {
  std::string err;
  if ((mkdirs && path != "-" && !make_parent_dirs(path, err)) ||
      !write_output(path, data, err)) {
    r.messages += message(Severity::kError, err, color);
    r.status = kInputError;
    return false;
  }
  return true;
}

int build(const BuildArgs& a, bool check_only) {
  auto v = parse_python_option(a.python, a.diag.use_color());
  if (!v.ok) return kUsage;
  Plan plan;
  if (!check_only)
    if (int s = plan_outputs(a, plan); s != kOk) return s;
  if (check_only && std::count(a.inputs.begin(), a.inputs.end(), "-") > 1)
    return usage_error("standard input ('-') can be read only once", a.diag.use_color());
  AssembleSettings settings;
  settings.version = v.version;
  settings.verify = check_only || !a.no_verify;
  settings.include_dirs = a.include_dirs;
  settings.diag = a.diag;
  if (int s = prepare_header(settings, a.mode, a.source); s != kOk) return s;
  bool color = a.diag.use_color();
  return run_jobs(a.inputs.size(), a.jobs, [&](size_t i) {
    const std::string& in = a.inputs[i];
    Assembled built = assemble_input(in, settings);
    JobResult r{built.pyc ? kOk : kInputError, std::move(built.messages)};
    if (!built.pyc || check_only) return r;
    // Outputs get their folder made, whichever option named them (-o, -d,
    // -MF), so a Makefile rule into a fresh build/ tree needs no mkdir.
    bool mkdirs = true;
    if (!write_file(plan.outputs[i], *built.pyc, mkdirs, r, color)) return r;
    if (!plan.depfiles.empty())
      write_file(plan.depfiles[i],
                 make_rule(plan.outputs[i], in == "-" ? "" : in, built.dependencies, a.mp), mkdirs,
                 r, color);
    return r;
  });
}

}  // namespace

Command add_build_command(CLI::App& app) {
  auto a = std::make_shared<BuildArgs>();
  CLI::App* b = app.add_subcommand("build", "Assemble .pyasm files into .pyc files");
  add_inputs(b, *a);
  b->add_option("-o,--output", a->output,
                "Output .pyc file ('-' for standard output; default: beside the input)")
      ->type_name("FILE");
  b->add_option("-d,--output-dir", a->dir,
                "Write each input's pyc under DIR at the input's path (pkg/m.pyasm -> "
                "DIR/pkg/m.pyc)")
      ->type_name("DIR");
  add_assembler_options(b, *a);
  b->add_flag("--no-verify", a->no_verify,
              "Skip the bytecode verifier (docs/verifier.md): the pyc may crash CPython");
  b->add_option("--invalidation-mode", a->mode,
                "Header as py_compile writes it: timestamp, checked-hash or unchecked-hash "
                "(3.7+); replaces a .pyc directive")
      ->type_name("MODE")
      ->check(CLI::IsMember({"timestamp", "checked-hash", "unchecked-hash"}));
  b->add_option("--source", a->source,
                "The .py the pyc stands for: the header gets its mtime and size, or its hash")
      ->type_name("FILE.py");
  b->add_flag("--MD", a->md, "Also write a Make dependency file: the output with .d for its "
                             "extension");
  b->add_option("--MF", a->depfile, "Write the dependency file to FILE ('-': standard output)")
      ->type_name("FILE");
  b->add_flag("--MP", a->mp, "Add an empty rule for each dependency (no error once it is gone)");
  add_diag_options(b, a->diag);
  b->footer(kExamples);
  return {b, [a] { return build(*a, false); }};
}

Command add_check_command(CLI::App& app) {
  auto a = std::make_shared<BuildArgs>();
  CLI::App* c = app.add_subcommand(
      "check", "Assemble and verify .pyasm files without writing anything (exit 1 on errors)");
  add_inputs(c, *a);
  add_assembler_options(c, *a);
  add_diag_options(c, a->diag);
  c->footer(kExamples);
  return {c, [a] { return build(*a, true); }};
}

}  // namespace pyasm::cli
