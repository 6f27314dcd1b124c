#include "pyasm/diagnostics.hpp"

#include <algorithm>
#include <cstdio>

namespace pyasm {

namespace {

bool is_continuation_byte(unsigned char c) {
  return (c & 0xC0) == 0x80;
}

uint32_t line_start(const std::string& text, uint32_t offset) {
  offset = std::min<uint32_t>(offset, text.size());
  size_t nl = offset == 0 ? std::string::npos : text.rfind('\n', offset - 1);
  return nl == std::string::npos ? 0 : static_cast<uint32_t>(nl + 1);
}

const char* severity_name(Severity s) {
  switch (s) {
    case Severity::kError:
      return "error";
    case Severity::kWarning:
      return "warning";
    case Severity::kNote:
      return "note";
  }
  return "error";
}

}  // namespace

SourceFile::LineCol SourceFile::line_col(uint32_t offset) const {
  offset = std::min<uint32_t>(offset, text.size());
  int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + offset, '\n'));
  int col = 1;
  for (uint32_t i = line_start(text, offset); i < offset; ++i)
    if (!is_continuation_byte(text[i])) ++col;
  return {line, col};
}

std::string_view SourceFile::line_text(uint32_t offset) const {
  uint32_t start = line_start(text, offset);
  size_t end = text.find('\n', start);
  if (end == std::string::npos) end = text.size();
  std::string_view line(text.data() + start, end - start);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

std::string render(const Diagnostic& d) {
  std::string out;
  if (d.file) {
    auto lc = d.file->line_col(d.offset);
    out = d.file->name + ":" + std::to_string(lc.line) + ":" + std::to_string(lc.column) + ": ";
    out += severity_name(d.severity);
    out += ": " + d.message + "\n";
    // The source line, then a caret under the column. Tabs are kept in the
    // caret line so it lines up in any tab width.
    std::string_view line = d.file->line_text(d.offset);
    out.append(line);
    out += "\n";
    int col = 1;
    for (size_t i = 0; i < line.size() && col < lc.column; ++i) {
      if (is_continuation_byte(line[i])) continue;
      out += line[i] == '\t' ? '\t' : ' ';
      ++col;
    }
    out += "^\n";
  } else if (!d.binary_name.empty()) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "0x%x", d.offset);
    out = d.binary_name + ":" + buf + ": " + severity_name(d.severity) + ": " + d.message + "\n";
  } else {
    out = std::string("pyasm: ") + severity_name(d.severity) + ": " + d.message + "\n";
  }
  return out;
}

void Diagnostics::add(Diagnostic d) {
  if (d.severity == Severity::kError) {
    if (errors_ >= kMaxErrors) return;
    ++errors_;
  } else if (errors_ >= kMaxErrors) {
    return;
  }
  diags_.push_back(std::move(d));
}

void Diagnostics::error(const SourceFile& file, uint32_t offset, std::string message) {
  add({Severity::kError, &file, {}, offset, true, std::move(message)});
}
void Diagnostics::warning(const SourceFile& file, uint32_t offset, std::string message) {
  add({Severity::kWarning, &file, {}, offset, true, std::move(message)});
}
void Diagnostics::note(const SourceFile& file, uint32_t offset, std::string message) {
  add({Severity::kNote, &file, {}, offset, true, std::move(message)});
}
void Diagnostics::binary_error(std::string name, uint64_t offset, std::string message) {
  add({Severity::kError, nullptr, std::move(name), static_cast<uint32_t>(offset), true,
       std::move(message)});
}
void Diagnostics::error(std::string message) {
  add({Severity::kError, nullptr, {}, 0, false, std::move(message)});
}

void Diagnostics::sort_by_position() {
  // Group each diagnostic with the notes that follow it, then sort groups.
  std::vector<std::vector<Diagnostic>> groups;
  for (Diagnostic& d : diags_) {
    if (d.severity == Severity::kNote && !groups.empty()) groups.back().push_back(std::move(d));
    else groups.push_back({std::move(d)});
  }
  std::stable_sort(groups.begin(), groups.end(), [](const auto& a, const auto& b) {
    const Diagnostic& x = a.front();
    const Diagnostic& y = b.front();
    if (x.file != y.file || !x.has_position || !y.has_position) return false;
    return x.offset < y.offset;
  });
  diags_.clear();
  for (auto& g : groups)
    for (Diagnostic& d : g) diags_.push_back(std::move(d));
}

std::string Diagnostics::render() const {
  std::string out;
  for (const Diagnostic& d : diags_) out += pyasm::render(d);
  if (errors_ >= kMaxErrors) out += "pyasm: note: too many errors, stopping\n";
  return out;
}

}  // namespace pyasm
