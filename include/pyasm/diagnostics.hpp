// One diagnostic format for the whole toolchain:
//   file:line:col: error: message        (text input, with source line and caret)
//   file.pyc:0x1a2b: error: message      (binary input, byte offset)
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace pyasm {

// A source text with its name. Positions elsewhere are byte offsets into
// `text`; line and column are computed only when a message is rendered.
//
// After `.include` (expand_includes, include.hpp) `text` is the expanded text
// and `pieces` say which file each stretch of it came from, so a position
// still renders as that file's line and column.
struct SourceFile {
  SourceFile() = default;
  SourceFile(std::string name_, std::string text_)
      : name(std::move(name_)), text(std::move(text_)) {}

  std::string name;
  std::string text;

  // A file `.include` read, and where it was included from.
  struct Origin {
    std::string name;
    std::string text;          // as read
    int parent = -1;           // the including origin (-1: this SourceFile itself)
    uint32_t include_at = 0;   // offset of the `.include` in the parent's text
  };
  // text[start, next piece's start) is origin's text from `origin_offset`
  // (origin -1: `name`'s own text as read, kept in `own_text`).
  struct Piece {
    uint32_t start;
    int origin;
    uint32_t origin_offset;
  };
  std::vector<Origin> origins;
  std::vector<Piece> pieces;  // empty: nothing was included
  std::string own_text;       // `name`'s text as read, when `pieces` is not empty

  struct LineCol {
    int line;    // 1-based
    int column;  // 1-based, counted in code points
  };
  // Line and column in the file the offset came from.
  LineCol line_col(uint32_t offset) const;
  std::string_view line_text(uint32_t offset) const;

  // Where an offset of `text` came from: the file's name and text, the offset
  // in it, and the origin index (-1: this file), for "included from" lines.
  struct Where {
    std::string_view name;
    std::string_view text;
    uint32_t offset;
    int origin;
  };
  Where where(uint32_t offset) const;
  // The start of the line holding `offset` in `text` (one line = one statement).
  uint32_t line_start(uint32_t offset) const;
};

enum class Severity { kError, kWarning, kNote };

struct Diagnostic {
  Severity severity = Severity::kError;
  const SourceFile* file = nullptr;  // text input: position is an offset
  std::string binary_name;           // binary input: position is a byte offset
  uint32_t offset = 0;
  bool has_position = true;
  std::string message;
};

// Collects diagnostics from every stage. Stages report and carry on where
// they can, so one run shows several errors.
class Diagnostics {
 public:
  void error(const SourceFile& file, uint32_t offset, std::string message);
  void warning(const SourceFile& file, uint32_t offset, std::string message);
  void note(const SourceFile& file, uint32_t offset, std::string message);
  void binary_error(std::string name, uint64_t offset, std::string message);
  // An error that belongs to no position (e.g. a missing file).
  void error(std::string message);

  // Keeps `file` alive as long as these diagnostics (they point into it):
  // for a text made inside a stage, like the expansion of `.include`.
  void keep(std::shared_ptr<const SourceFile> file) { kept_.push_back(std::move(file)); }

  bool has_errors() const { return errors_ > 0; }
  int error_count() const { return errors_; }
  const std::vector<Diagnostic>& all() const { return diags_; }
  // Stop collecting after this many errors (the rest is usually noise).
  static constexpr int kMaxErrors = 50;
  // `--error-limit`: 0 collects every error.
  void set_error_limit(int limit) { limit_ = limit; }
  bool at_limit() const { return limit_ > 0 && errors_ >= limit_; }

  // Orders the diagnostics of each file by position, keeping every note
  // right after the diagnostic it belongs to. Stages run one after the
  // other; the reader wants the file's order.
  void sort_by_position();

  // Renders every diagnostic in order, each ending with a newline.
  struct RenderOptions {
    bool color = false;     // ANSI colours, as clang and gcc use them
    bool warnings = true;   // false: --quiet, errors (and their notes) only
  };
  std::string render() const { return render(RenderOptions{}); }
  std::string render(const RenderOptions& options) const;

 private:
  void add(Diagnostic d);
  std::vector<Diagnostic> diags_;
  std::vector<std::shared_ptr<const SourceFile>> kept_;
  int errors_ = 0;
  int limit_ = kMaxErrors;
};

std::string render(const Diagnostic& d, bool color = false);

}  // namespace pyasm
