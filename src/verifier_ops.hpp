// The verifier's view of each opcode: its inputs and its role.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>

#include "pyasm/opcodes.hpp"

namespace pyasm::verifier {

enum class PopForm : uint8_t { Const, Linear, Bit, PopCount, Slice, FormatSpec };

// What needs more than "pops N values, pushes fresh ones".
enum class Role : uint8_t {
  None,
  Never,  // never valid in a pyc (CACHE, RESERVED, INTERPRETER_EXIT, ...)
  Rot, RotN, Dup, Copy, Swap,
  GetIter, AwaitIter, ForIter, LoadConst, LoadGlobal, LoadAttr, LoadMethod,
  BuildTuple, BuildDict, BuildList, BuildSet, Container, ToTuple,
  LoadFast, StoreFast, Cell,
  Call, CallKw, CallEx, Precall, KwNames, PushNull, Intrinsic,
  MakeFunction, SetFunctionAttribute,
  Yield, ReturnGenerator, Send,
  Setup, PopBlock, PopExcept, Reraise, EndAsyncFor,
  BeginFinally, CallFinally, EndFinally, WithCleanupStart, WithCleanupFinish,
  Unwind,  // ≤3.7: RETURN_VALUE, BREAK_LOOP, CONTINUE_LOOP run the block stack
  PushExcInfo, ExcResult, WithExceptStart, CleanupThrow,
};

struct OpRule {
  PopForm form;
  int16_t c;
  int16_t k;
  uint8_t keep;  // bottom inputs left in place (255: all but the popped top)
  Role role;
  bool cannot_raise = false;  // no exception edge: the interpreter never unwinds here
  // Inline: the walk asks once per instruction.
  int pops(uint32_t a) const {
    switch (form) {
      case PopForm::Const:
        return c;
      case PopForm::Linear:
        return static_cast<int>(std::min<int64_t>(c + k * static_cast<int64_t>(a), 1 << 20));
      case PopForm::Bit:
        return c + k * static_cast<int>(a & 1);
      case PopForm::PopCount:
        return c + k * std::popcount(a & 0xfu);
      case PopForm::Slice:
        return c + (a == 3 ? 1 : 0);
      case PopForm::FormatSpec:
        return c + ((a & 4) ? 1 : 0);
    }
    return 0;
  }
};

// The rule for an opcode of this version's table, or nullptr when the
// verifier has none (it then rejects the instruction).
const OpRule* rule_for(const OpcodeTable& t, uint8_t opcode);

// rule_for of every opcode, by opcode: one lookup per code object instead
// of one per instruction.
using Rules = std::array<const OpRule*, 256>;
const Rules& rules_for(const OpcodeTable& t);

// The opcodes the verifier tells apart by name, as small numbers looked up
// once per version, so that no instruction costs a string comparison.
// PopJumpIf is every POP_JUMP_IF_*, PopJumpBackwardIf every
// POP_JUMP_BACKWARD_IF_*.
enum class Name : uint8_t {
  Other,
  Nop, YieldValue, YieldFrom, ReturnGenerator, MakeCell, CopyFreeVars, LoadClosure,
  JumpAbsolute, PopJumpIf, JumpBackward, JumpBackwardNoInterrupt, PopJumpBackwardIf,
  Call, CallMethod, CallKw, CallFunction, Precall,
  LoadFast, LoadFastCheck, LoadFastAndClear, LoadFastLoadFast,
  StoreFastStoreFast, StoreFastLoadFast, DeleteFast,
  BuildTuple, ForIter, EndFor, PopTop, PopFinally, SetupFinally,
};
using Names = std::array<Name, 256>;
const Names& names_for(const OpcodeTable& t);

}  // namespace pyasm::verifier
