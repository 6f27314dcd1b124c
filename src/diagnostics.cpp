#include "pyasm/diagnostics.hpp"

#include <algorithm>
#include <cstdio>

namespace pyasm {

namespace {

bool is_continuation_byte(unsigned char c) {
  return (c & 0xC0) == 0x80;
}

uint32_t line_start(std::string_view text, uint32_t offset) {
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

SourceFile::Where SourceFile::where(uint32_t offset) const {
  offset = std::min<uint32_t>(offset, text.size());
  if (pieces.empty()) return {name, text, offset, -1};
  auto it = std::upper_bound(pieces.begin(), pieces.end(), offset,
                             [](uint32_t o, const Piece& p) { return o < p.start; });
  const Piece& p = it == pieces.begin() ? pieces.front() : *(it - 1);
  uint32_t in_origin = p.origin_offset + (offset - std::min(offset, p.start));
  if (p.origin < 0) return {name, own_text, std::min<uint32_t>(in_origin, own_text.size()), -1};
  const Origin& o = origins[static_cast<size_t>(p.origin)];
  return {o.name, o.text, std::min<uint32_t>(in_origin, o.text.size()), p.origin};
}

uint32_t SourceFile::line_start(uint32_t offset) const { return pyasm::line_start(text, offset); }

namespace {

SourceFile::LineCol line_col_in(std::string_view text, uint32_t offset) {
  int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + offset, '\n'));
  int col = 1;
  for (uint32_t i = line_start(text, offset); i < offset; ++i)
    if (!is_continuation_byte(text[i])) ++col;
  return {line, col};
}

std::string_view line_text_in(std::string_view text, uint32_t offset) {
  uint32_t start = line_start(text, offset);
  size_t end = text.find('\n', start);
  if (end == std::string::npos) end = text.size();
  std::string_view line(text.data() + start, end - start);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

// ANSI colours in clang's and gcc's scheme.
constexpr const char* kBold = "\033[1m";
constexpr const char* kReset = "\033[0m";
const char* severity_color(Severity s) {
  switch (s) {
    case Severity::kError:
      return "\033[1;31m";
    case Severity::kWarning:
      return "\033[1;35m";
    case Severity::kNote:
      return "\033[1;36m";
  }
  return "";
}

}  // namespace

SourceFile::LineCol SourceFile::line_col(uint32_t offset) const {
  Where w = where(offset);
  return line_col_in(w.text, w.offset);
}

std::string_view SourceFile::line_text(uint32_t offset) const {
  Where w = where(offset);
  return line_text_in(w.text, w.offset);
}

std::string render(const Diagnostic& d, bool color) {
  auto paint = [&](const char* c, std::string_view s) {
    return color ? std::string(c) + std::string(s) + kReset : std::string(s);
  };
  std::string head = std::string(severity_name(d.severity)) + ":";
  std::string out;
  if (d.file) {
    SourceFile::Where w = d.file->where(d.offset);
    // "In file included from a.pyasm:3:", innermost first, like cc.
    for (int o = w.origin; o >= 0;) {
      const SourceFile::Origin& org = d.file->origins[static_cast<size_t>(o)];
      std::string_view parent_name = d.file->name, parent_text = d.file->own_text;
      if (org.parent >= 0) {
        parent_name = d.file->origins[static_cast<size_t>(org.parent)].name;
        parent_text = d.file->origins[static_cast<size_t>(org.parent)].text;
      }
      out += std::string(o == w.origin ? "In file included from " : "                 from ") +
             std::string(parent_name) + ":" +
             std::to_string(line_col_in(parent_text, org.include_at).line) + ":\n";
      o = org.parent;
    }
    auto lc = line_col_in(w.text, w.offset);
    out += paint(kBold, std::string(w.name) + ":" + std::to_string(lc.line) + ":" +
                            std::to_string(lc.column) + ":") +
           " " + paint(severity_color(d.severity), head) + " " + paint(kBold, d.message) + "\n";
    // The source line, then a caret under the column. Tabs are kept in the
    // caret line so it lines up in any tab width.
    std::string_view line = line_text_in(w.text, w.offset);
    out.append(line);
    out += "\n";
    std::string pad;
    int col = 1;
    for (size_t i = 0; i < line.size() && col < lc.column; ++i) {
      if (is_continuation_byte(line[i])) continue;
      pad += line[i] == '\t' ? '\t' : ' ';
      ++col;
    }
    out += pad + paint("\033[1;32m", "^") + "\n";
  } else if (!d.binary_name.empty()) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "0x%x", d.offset);
    out = paint(kBold, d.binary_name + ":" + buf + ":") + " " +
          paint(severity_color(d.severity), head) + " " + paint(kBold, d.message) + "\n";
  } else {
    out = paint(kBold, "pyasm:") + " " + paint(severity_color(d.severity), head) + " " +
          paint(kBold, d.message) + "\n";
  }
  return out;
}

void Diagnostics::add(Diagnostic d) {
  if (at_limit()) return;
  if (d.severity == Severity::kError) ++errors_;
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

std::string Diagnostics::render(const RenderOptions& options) const {
  std::string out;
  bool shown = true;  // a note goes with the diagnostic before it
  for (const Diagnostic& d : diags_) {
    if (d.severity != Severity::kNote) shown = options.warnings || d.severity == Severity::kError;
    if (shown) out += pyasm::render(d, options.color);
  }
  if (at_limit())
    out += "pyasm: note: too many errors (" + std::to_string(limit_) +
           "), stopping; --error-limit 0 shows every error\n";
  return out;
}

}  // namespace pyasm
