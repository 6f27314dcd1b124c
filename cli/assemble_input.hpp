// One .pyasm input to pyc bytes, as build, check and run need it: read,
// assemble, the header py_compile would write (when asked for), the
// diagnostics rendered for the terminal.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common.hpp"
#include "pyasm/pyc_header.hpp"

namespace pyasm::cli {

struct AssembleSettings {
  std::optional<Version> version;         // --python
  bool verify = true;                     // --no-verify clears it
  std::vector<std::string> include_dirs;  // -I
  DiagOptions diag;
  // --invalidation-mode / --source: the header is made as py_compile makes
  // it, replacing the default (zeros) and any `.pyc` directive.
  bool make_header = false;
  std::optional<InvalidationMode> mode;  // else py_compile's default
  std::optional<SourceInfo> source;
};

struct Assembled {
  std::optional<std::string> pyc;         // nullopt on errors
  std::vector<std::string> dependencies;  // files read through .include
  std::string messages;                   // for standard error
};

Assembled assemble_input(const std::string& input, const AssembleSettings& settings);

// The header options, checked before anything is built: --source read,
// a hash mode refused for --python 3.6. kOk or kUsage/kInputError.
int prepare_header(AssembleSettings& settings, const std::string& mode,
                   const std::string& source);

}  // namespace pyasm::cli
