// Line and location tables read back into the IR the encoder consumes, the
// inverse of encoder.cpp's emitters (CPYTHON-NOTES §4). Internal.
#pragma once

#include <vector>

#include "pyasm/code.hpp"

namespace pyasm {

// The code unit where each instruction starts (its EXTENDED_ARG prefixes
// included, caches after it); one more entry for the end of the code.
std::vector<int> instruction_starts(const Code& code);

// Fills `code`'s line information from `code.linetable` (its decoded
// instructions must be in place): Code::line_events up to 3.9 (one per
// logical co_lnotab entry, same-line and past-the-end ones included),
// Instr::line_start and Instr::loc.line on 3.10 (one range per start),
// Instr::loc on 3.11+ (the position of the instruction's first code unit).
// False when the table says something `.line` directives cannot (an entry
// inside an instruction, a malformed table): keep the table raw then.
// Whether the directives rebuild the exact bytes is for the caller to check
// by encoding.
bool decode_line_info(Code& code);

}  // namespace pyasm
