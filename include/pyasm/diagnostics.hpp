// One diagnostic format for the whole toolchain:
//   file:line:col: error: message        (text input, with source line and caret)
//   file.pyc:0x1a2b: error: message      (binary input, byte offset)
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace pyasm {

// A source text with its name. Positions elsewhere are byte offsets into
// `text`; line and column are computed only when a message is rendered.
struct SourceFile {
  std::string name;
  std::string text;

  struct LineCol {
    int line;    // 1-based
    int column;  // 1-based, counted in code points
  };
  LineCol line_col(uint32_t offset) const;
  std::string_view line_text(uint32_t offset) const;
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

  bool has_errors() const { return errors_ > 0; }
  int error_count() const { return errors_; }
  const std::vector<Diagnostic>& all() const { return diags_; }
  // Stop collecting after this many errors (the rest is usually noise).
  static constexpr int kMaxErrors = 50;

  // Orders the diagnostics of each file by position, keeping every note
  // right after the diagnostic it belongs to. Stages run one after the
  // other; the reader wants the file's order.
  void sort_by_position();

  // Renders every diagnostic in order, each ending with a newline.
  std::string render() const;

 private:
  void add(Diagnostic d);
  std::vector<Diagnostic> diags_;
  int errors_ = 0;
};

std::string render(const Diagnostic& d);

}  // namespace pyasm
