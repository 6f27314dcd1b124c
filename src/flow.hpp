// Control-flow facts shared by the stack analysis and the verifier.
#pragma once

#include <vector>

#include "pyasm/code.hpp"
#include "pyasm/opcodes.hpp"

namespace pyasm {

// Which instructions start a basic block (size instrs + 1): the first, every
// jump target, every instruction after a jump or a terminator, and with
// `handlers` every exception-table handler.
std::vector<bool> block_starts(const Code& code, const OpcodeTable& table, bool handlers);

}  // namespace pyasm
