// The disassembler: a pyc's code objects as .pyasm text that reads like
// `dis` output (labels, symbolic operands, line directives, nested code
// objects in place) and that `pyasm build` turns back into the same bytes.
#pragma once

#include <optional>
#include <string>

#include "pyasm/diagnostics.hpp"
#include "pyasm/pyc_reader.hpp"

namespace pyasm {

struct DisasmOptions {
  // Reserved for printer choices (none yet change the bytes a rebuild gives).
};

// The .pyasm text of `pyc` (as read_pyc returned it). nullopt, with a
// `NAME:0xOFFSET: error:` diagnostic, when its code cannot be decoded.
std::optional<std::string> disassemble(const Pyc& pyc, const std::string& name,
                                       Diagnostics& diags, const DisasmOptions& options = {});

}  // namespace pyasm
