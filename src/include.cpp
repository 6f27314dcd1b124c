// `.include "file"`: textual inclusion before parsing. The directive's own
// line stays in the text (the parser reads it as a directive that does
// nothing); the file's text follows it. Strings never span lines in
// .pyasm, so a line that starts with `.include` is one, wherever it is.
#include "pyasm/include.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <optional>
#include <filesystem>
#include <fstream>
#include <set>

#include "parse_context.hpp"

namespace pyasm {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kDirective = ".include";

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\f' || c == '\r'; }

bool is_ident_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}

// Where `.include` starts in `line`, or npos.
size_t directive_at(std::string_view line) {
  size_t i = 0;
  while (i < line.size() && is_space(line[i])) ++i;
  if (line.substr(i, kDirective.size()) != kDirective) return std::string_view::npos;
  size_t after = i + kDirective.size();
  if (after < line.size() && is_ident_char(line[after])) return std::string_view::npos;
  return i;
}

class Expander {
 public:
  Expander(const IncludeOptions& options, Diagnostics& diags, SourceFile& out)
      : opt_(options), diags_(diags), out_(out) {}

  // The file being expanded at the top, so that including it is a cycle.
  void enter(const fs::path& path) {
    std::error_code ec;
    fs::path canonical = fs::weakly_canonical(path, ec);
    stack_.push_back(ec ? path : canonical);
  }

  // Appends `text` (the whole of origin's text), expanding its includes.
  void expand(int origin, std::string_view text, const fs::path& dir, int depth) {
    size_t pos = 0, copied = 0;
    while (pos < text.size() && !failed_) {
      size_t eol = text.find('\n', pos);
      size_t line_end = eol == std::string_view::npos ? text.size() : eol;
      size_t next = eol == std::string_view::npos ? text.size() : eol + 1;
      std::string_view line = text.substr(pos, line_end - pos);
      size_t at = directive_at(line);
      if (at != std::string_view::npos) {
        append(origin, text.substr(copied, next - copied), static_cast<uint32_t>(copied));
        if (eol == std::string_view::npos) out_.text += '\n';
        copied = next;
        // The directive's offset in the expanded text, for diagnostics.
        uint32_t line_out = static_cast<uint32_t>(out_.text.size() - (next - pos) -
                                                  (eol == std::string_view::npos ? 1 : 0));
        // A line that could not be expanded is blanked, so the parser does
        // not report it a second time.
        if (!include_one(origin, line, at, line_out, static_cast<uint32_t>(pos + at), dir, depth))
          std::fill_n(out_.text.begin() + line_out, line.size(), ' ');
      }
      pos = next;
    }
    append(origin, text.substr(std::min(copied, text.size())), static_cast<uint32_t>(copied));
  }

 private:
  void append(int origin, std::string_view text, uint32_t origin_offset) {
    if (text.empty()) return;
    out_.pieces.push_back({static_cast<uint32_t>(out_.text.size()), origin, origin_offset});
    out_.text.append(text);
  }

  void error(uint32_t at, std::string message) { diags_.error(out_, at, std::move(message)); }

  // The file name a directive line gives, or nullopt after an error.
  std::optional<std::string> file_name(std::string_view line, size_t at, uint32_t line_out) {
    size_t i = at + kDirective.size();
    while (i < line.size() && is_space(line[i])) ++i;
    uint32_t arg_out = line_out + static_cast<uint32_t>(i);
    if (i >= line.size() || (line[i] != '"' && line[i] != '\'')) {
      error(arg_out, "expected a file name in quotes after .include");
      return std::nullopt;
    }
    char quote = line[i];
    size_t j = i + 1;
    while (j < line.size() && line[j] != quote) j += line[j] == '\\' ? 2 : 1;
    if (j >= line.size()) {
      error(arg_out, "unterminated string literal");
      return std::nullopt;
    }
    size_t k = j + 1;
    while (k < line.size() && is_space(line[k])) ++k;
    if (k < line.size() && line[k] != '#') {
      error(line_out + static_cast<uint32_t>(k), ".include takes one file name");
      return std::nullopt;
    }
    bool is_bytes = false;
    std::string value, err;
    size_t err_at = 0;
    if (!decode_string_literal(line.substr(i, j + 1 - i), is_bytes, value, err, err_at)) {
      error(arg_out + static_cast<uint32_t>(err_at), err);
      return std::nullopt;
    }
    if (value.empty() || value.find('\0') != std::string::npos) {
      error(arg_out, "expected a file name in quotes after .include");
      return std::nullopt;
    }
    return value;
  }

  bool include_one(int origin, std::string_view line, size_t at, uint32_t line_out,
                   uint32_t origin_at, const fs::path& dir, int depth) {
    uint32_t directive_out = line_out + static_cast<uint32_t>(at);
    auto name = file_name(line, at, line_out);
    if (!name) return false;
    if (!opt_.allowed) {
      error(directive_out, ".include is turned off here");
      return false;
    }
    fs::path wanted(*name);
    std::vector<fs::path> candidates;
    if (wanted.is_absolute()) {
      candidates.push_back(wanted);
    } else {
      candidates.push_back(dir / wanted);
      for (const std::string& d : opt_.dirs) candidates.push_back(fs::path(d) / wanted);
    }
    std::error_code ec;
    const fs::path* found = nullptr;
    const fs::path* odd = nullptr;  // exists, but a folder, device or pipe
    for (const fs::path& c : candidates) {
      if (fs::is_regular_file(c, ec)) {
        found = &c;
        break;
      }
      if (!odd && fs::exists(c, ec)) odd = &c;
    }
    if (!found && odd) {
      error(directive_out,
            "cannot include '" + odd->lexically_normal().string() + "': not a regular file");
      return false;
    }
    if (!found) {
      std::string searched;
      for (const fs::path& c : candidates)
        searched += (searched.empty() ? "" : ", ") + c.parent_path().lexically_normal().string();
      error(directive_out, "cannot find include file '" + *name + "' (searched: " + searched +
                               (opt_.dirs.empty() ? "; add folders with -I DIR" : "") + ")");
      return false;
    }
    fs::path path = found->lexically_normal();
    fs::path canonical = fs::weakly_canonical(path, ec);
    if (ec) canonical = path;
    if (std::find(stack_.begin(), stack_.end(), canonical) != stack_.end()) {
      error(directive_out, "'" + path.string() + "' includes itself (an include cycle)");
      return false;
    }
    if (depth + 1 > opt_.max_depth) {
      error(directive_out,
            "includes nested more than " + std::to_string(opt_.max_depth) + " deep");
      failed_ = true;
      return false;
    }
    uintmax_t size = fs::file_size(path, ec);
    if (ec || out_.text.size() + size > opt_.max_bytes) {
      error(directive_out, ec ? "cannot read '" + path.string() + "': " + ec.message()
                              : "the included files come to more than " +
                                    std::to_string(opt_.max_bytes >> 20) + " MiB of text");
      failed_ = true;
      return false;
    }
    std::ifstream in(path, std::ios::binary);
    std::string content(static_cast<size_t>(size), '\0');
    if (!in.read(content.data(), static_cast<std::streamsize>(size))) {
      error(directive_out, "cannot read '" + path.string() + "'");
      return false;
    }
    if (opt_.dependencies && seen_.insert(path.string()).second)
      opt_.dependencies->push_back(path.string());
    int index = static_cast<int>(out_.origins.size());
    out_.origins.push_back({path.string(), {}, origin, origin_at});
    stack_.push_back(canonical);
    expand(index, content, path.parent_path(), depth + 1);
    stack_.pop_back();
    if (!content.empty() && content.back() != '\n') out_.text += '\n';
    out_.origins[static_cast<size_t>(index)].text = std::move(content);
    return true;
  }

  const IncludeOptions& opt_;
  Diagnostics& diags_;
  SourceFile& out_;
  std::vector<fs::path> stack_;  // files being expanded, canonical
  std::set<std::string> seen_;   // dependencies listed
  bool failed_ = false;          // a bound was hit: stop reading
};

// The next `.include` at or after `from`: found by its 'u', the rarest of
// its bytes in a disassembly (a sixth as common as '.', at which
// string_view::find would stop), with memchr. Every build scans its text.
size_t find_directive(std::string_view text, size_t from) {
  constexpr size_t kU = 5;
  static_assert(kDirective[kU] == 'u');
  for (size_t p = from + kU; p < text.size(); ++p) {
    const void* hit = std::memchr(text.data() + p, 'u', text.size() - p);
    if (!hit) break;
    p = static_cast<size_t>(static_cast<const char*>(hit) - text.data());
    // Eight bytes, compared as one word (memcmp of a constant size inlines).
    if (p - kU + kDirective.size() <= text.size() &&
        std::memcmp(text.data() + p - kU, kDirective.data(), kDirective.size()) == 0)
      return p - kU;
  }
  return std::string_view::npos;
}

}  // namespace

bool has_includes(std::string_view text) {
  for (size_t pos = find_directive(text, 0); pos != std::string_view::npos;
       pos = find_directive(text, pos + 1)) {
    size_t start = text.rfind('\n', pos);
    start = start == std::string_view::npos ? 0 : start + 1;
    size_t end = text.find('\n', pos);
    std::string_view line =
        text.substr(start, (end == std::string_view::npos ? text.size() : end) - start);
    if (directive_at(line) != std::string_view::npos) return true;
  }
  return false;
}

std::shared_ptr<SourceFile> expand_includes(const SourceFile& file, const IncludeOptions& options,
                                            Diagnostics& diags) {
  auto out = std::make_shared<SourceFile>(file.name, std::string());
  out->own_text = file.text;
  // Standard input's includes are found from the current folder.
  fs::path dir = file.name == "<stdin>" ? fs::path(".") : fs::path(file.name).parent_path();
  if (dir.empty()) dir = ".";
  Expander expander(options, diags, *out);
  if (file.name != "<stdin>") expander.enter(file.name);
  expander.expand(-1, out->own_text, dir, 0);
  if (out->pieces.empty()) out->pieces.push_back({0, -1, 0});
  return out;
}

}  // namespace pyasm
