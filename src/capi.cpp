// The C API (include/pyasm/pyasm.h): the CLI's chain of library calls
// (cli/main.cpp), with two differences. The diagnostics are copied into the
// result, rendered, while the SourceFile they point into is still alive.
// And nothing escapes: every C++ exception becomes an error in the result.
#include <exception>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pyasm/assembler.hpp"
#include "pyasm/disasm.hpp"
#include "pyasm/pyasm.h"
#include "pyasm/pyc_reader.hpp"

struct pyasm_result {
  // The strings a pyasm_diagnostic points into.
  struct Strings {
    pyasm_severity severity;
    std::string file;
    int line = 0;
    int column = 0;
    int64_t offset = -1;
    std::string message;
    std::string rendered;
  };

  bool ok = false;
  std::string data;
  std::string python;
  std::string rendered;
  std::vector<Strings> strings;
  std::vector<pyasm_diagnostic> diags;  // made by seal() once strings is complete
};

namespace {

pyasm_severity severity_of(pyasm::Severity s) {
  switch (s) {
    case pyasm::Severity::kError:
      return PYASM_SEVERITY_ERROR;
    case pyasm::Severity::kWarning:
      return PYASM_SEVERITY_WARNING;
    case pyasm::Severity::kNote:
      return PYASM_SEVERITY_NOTE;
  }
  return PYASM_SEVERITY_ERROR;
}

pyasm_result::Strings to_strings(const pyasm::Diagnostic& d) {
  pyasm_result::Strings s{severity_of(d.severity), {}, 0, 0, -1, d.message, pyasm::render(d)};
  if (d.file) {
    s.file = d.file->name;
    if (d.has_position) {
      auto lc = d.file->line_col(d.offset);
      s.line = lc.line;
      s.column = lc.column;
      // After `.include`: the file the offset came from, and the offset in it.
      pyasm::SourceFile::Where w = d.file->where(d.offset);
      s.file = w.name;
      s.offset = w.offset;
    }
  } else if (!d.binary_name.empty()) {
    s.file = d.binary_name;
    if (d.has_position) s.offset = d.offset;
  }
  return s;
}

// Copies (and renders) every diagnostic; `diags` may point into a
// SourceFile that dies when the caller returns.
void take(pyasm_result& r, const pyasm::Diagnostics& diags) {
  for (const pyasm::Diagnostic& d : diags.all()) r.strings.push_back(to_strings(d));
  r.rendered += diags.render();
}

// An error that belongs to no position, rendered as the CLI would.
void fail(pyasm_result& r, const std::string& message) {
  pyasm::Diagnostics diags;
  diags.error(message);
  take(r, diags);
  r.ok = false;
  r.data.clear();
}

void seal(pyasm_result& r) {
  r.diags.clear();
  for (const auto& s : r.strings)
    r.diags.push_back({s.severity, s.file.c_str(), s.line, s.column, s.offset, s.message.c_str(),
                       s.rendered.c_str()});
}

// After an exception: the result becomes that error, whatever else fails.
void fail_safely(pyasm_result& r, const char* message, const char* detail) noexcept {
  r.ok = false;
  try {
    fail(r, std::string(message) + detail);
    seal(r);
  } catch (...) {
    r.diags.clear();
  }
}

// Runs `body` on a new result; whatever it throws becomes an error in it.
template <class Body>
pyasm_result* guarded(Body body) {
  auto* r = new (std::nothrow) pyasm_result;
  if (!r) return nullptr;
  try {
    body(*r);
    seal(*r);
  } catch (const std::bad_alloc&) {
    fail_safely(*r, "out of memory", "");
  } catch (const std::exception& e) {
    fail_safely(*r, "internal error: ", e.what());
  } catch (...) {
    fail_safely(*r, "internal error", "");
  }
  return r;
}

pyasm_options defaults(const pyasm_options* options) {
  if (options) return *options;
  pyasm_options o;
  pyasm_options_init(&o);
  return o;
}

// A "3.X" option; an error in `r` when it is not a version pyasm targets.
std::optional<pyasm::Version> version_option(pyasm_result& r, const char* what, const char* text) {
  auto v = pyasm::parse_version(text);
  if (!v || !pyasm::is_supported(*v)) {
    fail(r, std::string(what) + " \"" + text + "\": expected one of " +
                pyasm::supported_versions_text());
    return std::nullopt;
  }
  return v;
}

void assemble_into(pyasm_result& r, const char* text, size_t size, const pyasm_options* options,
                   bool code_only) {
  pyasm_options o = defaults(options);
  pyasm::AssembleOptions opts;
  opts.verify = o.verify != 0;
  opts.includes = o.includes != 0;
  for (const char* const* dir = o.include_dirs; dir && *dir; ++dir)
    opts.include_dirs.emplace_back(*dir);
  if (o.python) {
    opts.version = version_option(r, "python", o.python);
    if (!opts.version) return;
  }
  if (o.default_python) {
    auto v = version_option(r, "default_python", o.default_python);
    if (!v) return;
    opts.default_version = [v] { return v; };
  }
  if (!text && size) return fail(r, "text is NULL");
  pyasm::SourceFile file{o.name ? o.name : "<string>", text ? std::string(text, size) : ""};
  pyasm::Diagnostics diags;
  std::optional<std::string> pyc = pyasm::assemble(file, opts, diags);
  take(r, diags);
  if (!pyc) return;
  // The header's magic number says which version the text targeted.
  auto magic =
      static_cast<uint16_t>(static_cast<uint8_t>((*pyc)[0]) | static_cast<uint8_t>((*pyc)[1]) << 8);
  std::optional<pyasm::Version> v = pyasm::version_from_magic(magic);
  if (!v) return fail(r, "internal error: the pyc written has an unknown magic number");
  r.python = v->str();
  size_t header = v->at_least(7) ? 16 : 12;
  r.data = code_only ? pyc->substr(header) : std::move(*pyc);
  r.ok = true;
}

void disassemble_into(pyasm_result& r, const void* data, size_t size,
                      const pyasm_options* options) {
  pyasm_options o = defaults(options);
  if (!data && size) return fail(r, "pyc is NULL");
  std::string name = o.name ? o.name : "<pyc>";
  std::string_view bytes(data ? static_cast<const char*>(data) : "", size);
  pyasm::Diagnostics diags;
  std::optional<pyasm::Pyc> pyc = pyasm::read_pyc(bytes, name, diags);
  pyasm::DisasmStats stats;
  pyasm::DisasmOptions opts;
  opts.stats = &stats;
  std::optional<std::string> text;
  if (pyc) text = pyasm::disassemble(*pyc, name, diags, opts);
  take(r, diags);
  if (pyc) r.python = pyc->version.str();
  if (!text) return;
  // As the CLI: the text is given even then, with a warning.
  if (!stats.verified) {
    std::string list, indented;
    for (const std::string& p : stats.problems) {
      list += (list.empty() ? "" : "; ") + p;
      indented += "  " + p + "\n";
    }
    std::string message = "the disassembly does not rebuild every code object exactly";
    std::string rendered = "pyasm: warning: " + name + ": " + message + ":\n" + indented;
    r.strings.push_back({PYASM_SEVERITY_WARNING, name, 0, 0, -1, message + ": " + list, rendered});
    r.rendered += rendered;
  }
  r.data = std::move(*text);
  r.ok = true;
}

}  // namespace

extern "C" {

void pyasm_options_init(pyasm_options* options) {
  if (options) *options = {nullptr, nullptr, 1, nullptr, nullptr, 1};
}

pyasm_result* pyasm_assemble(const char* text, size_t size, const pyasm_options* options) {
  return guarded([&](pyasm_result& r) { assemble_into(r, text, size, options, false); });
}

pyasm_result* pyasm_assemble_code(const char* text, size_t size, const pyasm_options* options) {
  return guarded([&](pyasm_result& r) { assemble_into(r, text, size, options, true); });
}

pyasm_result* pyasm_disassemble(const void* pyc, size_t size, const pyasm_options* options) {
  return guarded([&](pyasm_result& r) { disassemble_into(r, pyc, size, options); });
}

int pyasm_result_ok(const pyasm_result* result) {
  return result && result->ok ? 1 : 0;
}

const char* pyasm_result_data(const pyasm_result* result, size_t* size) {
  bool ok = result && result->ok;
  if (size) *size = ok ? result->data.size() : 0;
  return ok ? result->data.c_str() : nullptr;
}

const char* pyasm_result_python(const pyasm_result* result) {
  return result ? result->python.c_str() : "";
}

size_t pyasm_result_diagnostic_count(const pyasm_result* result) {
  return result ? result->diags.size() : 0;
}

const pyasm_diagnostic* pyasm_result_diagnostic(const pyasm_result* result, size_t index) {
  return result && index < result->diags.size() ? &result->diags[index] : nullptr;
}

const char* pyasm_result_rendered(const pyasm_result* result) {
  return result ? result->rendered.c_str() : "";
}

void pyasm_result_free(pyasm_result* result) {
  delete result;
}

const char* pyasm_version(void) {
  return PYASM_VERSION_STRING;
}

int pyasm_abi_version(void) {
  return PYASM_ABI_VERSION;
}

const char* pyasm_supported_versions(void) {
  // Computed once (thread-safe), never changed: not global state.
  static const std::string text = pyasm::supported_versions_text();
  return text.c_str();
}

}  // extern "C"
