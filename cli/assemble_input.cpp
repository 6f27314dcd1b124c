#include "assemble_input.hpp"

#include <cstdlib>
#include <iostream>

#include "pyasm/assembler.hpp"
#include "pyasm/io.hpp"

namespace pyasm::cli {

namespace {

// The header py_compile would give the pyc for its version.
bool apply_header(std::string& pyc, const AssembleSettings& s, std::string& error) {
  auto v = pyc_version(pyc);
  if (!v) {
    error = "internal error: the assembled pyc has no known magic number";
    return false;
  }
  InvalidationMode mode =
      s.mode.value_or(default_invalidation_mode(*v, std::getenv("SOURCE_DATE_EPOCH")));
  auto header = make_pyc_header(*v, mode, s.source ? &*s.source : nullptr, error);
  return header && replace_pyc_header(pyc, *header);
}

}  // namespace

Assembled assemble_input(const std::string& input, const AssembleSettings& s) {
  Assembled out;
  bool color = s.diag.use_color();
  std::string err;
  auto text = read_input(input, err);
  if (!text) {
    out.messages = message(Severity::kError, err, color);
    return out;
  }
  SourceFile file;
  file.name = input == "-" ? "<stdin>" : input;
  file.text = std::move(*text);
  AssembleOptions opts;
  opts.version = s.version;
  opts.default_version = host_python_once;
  opts.verify = s.verify;
  opts.include_dirs = s.include_dirs;
  opts.dependencies = &out.dependencies;
  Diagnostics diags;
  diags.set_error_limit(s.diag.error_limit);
  auto pyc = assemble(file, opts, diags);
  out.messages = diags.render(s.diag.render_options());
  if (pyc && s.make_header && !apply_header(*pyc, s, err)) {
    out.messages += message(Severity::kError, file.name + ": " + err, color);
    pyc.reset();
  }
  out.pyc = std::move(pyc);
  return out;
}

int prepare_header(AssembleSettings& s, const std::string& mode, const std::string& source) {
  bool color = s.diag.use_color();
  if (!mode.empty()) {
    s.mode = parse_invalidation_mode(mode);  // CLI11 checked the name
    if (s.version && *s.mode != InvalidationMode::kTimestamp && !s.version->at_least(7))
      return usage_error("--invalidation-mode " + mode + ": CPython " + s.version->str() +
                             " pycs have only timestamp headers (hash-based pycs came with 3.7)",
                         color);
  }
  if (!source.empty()) {
    std::string err;
    s.source = read_source_info(source, err);
    if (!s.source) {
      std::cerr << message(Severity::kError, "--source " + err, color);
      return kInputError;
    }
  }
  s.make_header = !mode.empty() || !source.empty();
  return kOk;
}

}  // namespace pyasm::cli
