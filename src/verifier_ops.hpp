// The verifier's view of each opcode: its inputs and its role.
#pragma once

#include <array>
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
  int pops(uint32_t oparg) const;
};

// The rule for an opcode of this version's table, or nullptr when the
// verifier has none (it then rejects the instruction).
const OpRule* rule_for(const OpcodeTable& t, uint8_t opcode);

// rule_for of every opcode, by opcode: one lookup per code object instead
// of one per instruction.
using Rules = std::array<const OpRule*, 256>;
const Rules& rules_for(const OpcodeTable& t);

}  // namespace pyasm::verifier
