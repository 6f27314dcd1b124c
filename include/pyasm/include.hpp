// `.include "file.pyasm"`: a line that is replaced by the text of the file
// it names, before the text is parsed (docs/language.md, "Including files").
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>
#include <string>
#include <vector>

#include "pyasm/diagnostics.hpp"

namespace pyasm {

struct IncludeOptions {
  // Searched in order after the including file's own folder (`-I DIR`).
  std::vector<std::string> dirs;
  // Filled with every file read, as opened, in order of first inclusion,
  // each once (for `-MD`). May be null.
  std::vector<std::string>* dependencies = nullptr;
  // Bounds, so that no input can make pyasm read without end: nesting
  // depth, and the size of the whole expanded text.
  int max_depth = 64;
  size_t max_bytes = size_t{256} << 20;
  // false: every `.include` is an error and no file is read (fuzzing).
  bool allowed = true;
};

// True when a line of `text` starts with `.include`.
bool has_includes(std::string_view text);

// `file` with every `.include` line replaced by the named file's text,
// recursively. Errors (a file that cannot be read, a cycle, a line that
// names no file) are reported at the `.include` line, whose text is then
// left out, so parsing goes on and reports more. The result's offsets map
// back to each file's own lines (SourceFile::where).
std::shared_ptr<SourceFile> expand_includes(const SourceFile& file, const IncludeOptions& options,
                                            Diagnostics& diags);

}  // namespace pyasm
