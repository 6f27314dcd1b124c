// Control-flow facts shared by the stack analysis and the verifier.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "pyasm/code.hpp"
#include "pyasm/opcodes.hpp"

namespace pyasm {

// Which instructions start a basic block (`start`, size instrs + 1, 1 for a
// start): the first, every jump target, every instruction after a jump or a
// terminator, and with `handlers` every exception-table handler. Fills the
// caller's vector, so that one reused across code objects allocates once.
void block_starts(const Code& code, const OpcodeTable& table, bool handlers,
                  std::vector<uint8_t>& start);

// 3.11+: the exception-table entries that cover each instruction, in table
// order, so that a walk does not scan the whole table at every instruction.
// Kept by the caller and rebuilt per code object, to reuse its storage.
class Coverage {
 public:
  void build(const Code& code);
  // Indices into code.exceptions of the entries covering instruction i.
  std::span<const uint32_t> of(size_t i) const {
    return {entries_.data() + first_[i], first_[i + 1] - first_[i]};
  }

 private:
  std::vector<uint32_t> first_;    // per instruction, + 1 for the end
  std::vector<uint32_t> entries_;
  std::vector<uint32_t> next_;     // build's fill position per instruction
};

}  // namespace pyasm
