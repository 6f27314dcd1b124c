// The verifier's view of each opcode: its inputs and its role.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>

#include "pyasm/code.hpp"
#include "pyasm/diagnostics.hpp"
#include "pyasm/opcodes.hpp"

namespace pyasm::verifier {

// What a stack slot may hold, in src/verifier.cpp's walk: a union of these.
enum Kind : uint32_t {
  kVal = 1,             // an object
  kNull = 2,            // NULL (3.7+: LOAD_METHOD, PUSH_NULL, NULL bits, ...)
  kIter = 4,            // an iterator (GET_ITER)
  kExc = 8,             // exception state pushed by the interpreter
  kPhantom = 16,        // 3.8: a slot the compiler counts that holds nothing
  kCode = 32,           // a code object constant (extra: its index)
  kLasti = 64,          // 3.11+: the offset a handler with lasti gets
  kCellObj = 128,       // a cell (LOAD_CLOSURE, or a cell slot read)
  kTuple = 256,         // a tuple (extra: its constant index, or -1)
  kDict = 512,          // a dict
  kStr = 1024,          // a str constant
  kFunc = 2048,         // a function ready to call
  kClosure = 4096,      // a tuple of cells (extra: how many)
  kFuncPending = 8192,  // 3.13: a function whose closure is not set
  // (kFunc and kFuncPending: extra is the index of the code object constant)
  // The exception state a handler saved (what POP_EXCEPT restores): ≤3.10 the
  // three slots under the exception, of which the traceback and value may be
  // NULL; 3.11+ the slot PUSH_EXC_INFO pushes under it, which may be None.
  kExcSaved = 16384,
  // ≤3.7's finally protocol: what entering a finally block pushes.
  kNone = 1u << 15,      // the None constant (LOAD_CONST None)
  kWhy = 1u << 16,       // a why code (extra: WHY_RETURN, WHY_BREAK, ...)
  kJumpAddr = 1u << 17,  // CONTINUE_LOOP's target (extra: its instruction)
  // With kFunc or kFuncPending: the code has trusted parameters (`.0`, ...),
  // so the function may only be called at once, with what they trust.
  kFuncTrusted = 1u << 18,
  // An awaitable's iterator or a coroutine (GET_AWAITABLE, GET_YIELD_FROM_ITER,
  // GET_ANEXT): what YIELD_FROM may send to, but not FOR_ITER's operand.
  kAwaitIter = 1u << 19,
  kList = 1u << 20,  // a list (BUILD_LIST)
  kSet = 1u << 21,   // a set (BUILD_SET)
};

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
    // Const is Linear with k = 0 (build() makes sure): one branch for both.
    if (form <= PopForm::Linear)
      return static_cast<int>(std::min<int64_t>(c + k * static_cast<int64_t>(a), 1 << 20));
    switch (form) {
      case PopForm::Const:
      case PopForm::Linear:
        break;
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

// The common instruction, which the walk does without step(): it jumps
// nowhere, checks little more than that its inputs are values, and its
// results have kinds known from the opcode alone (or from one local).
enum class Plain : uint8_t {
  No,     // step() does it
  Fresh,  // the results: the kept inputs, then fresh values
  // The stack shuffles, whose result counts follow from the oparg
  // (plain_step asks how <= Swap):
  Dup,    // DUP_TOP(_TWO), COPY: the inputs, then copies of the top ones (COPY: the deepest)
  Rot,    // ROT_*: the top input moved under the others
  Swap,   // SWAP: the top and the deepest input exchanged
  Push,   // the results: kinds[oparg & odd]
  Const,  // LOAD_CONST: the constant's kind
  Tuple,  // BUILD_TUPLE and its *_UNPACK forms: a tuple (`closure`: of cells, a closure)
  // Those done out of line last (plain_step asks how >= Load):
  Load,      // 3.11+ LOAD_FAST (`pair`: LOAD_FAST_LOAD_FAST) of a bound local
  Store,     // 3.11+ STORE_FAST (`pair`: STORE_FAST_STORE_FAST)
  Function,  // MAKE_FUNCTION (make_function in verifier.cpp, which may report)
};
// What else step() checks of it (it reports the failure).
enum class PlainCheck : uint8_t {
  None,
  Container,     // the deepest input is kinds[0][0] (LIST_APPEND's list, ...)
  AfterPrecall,  // 3.11 CALL n: right after PRECALL n, and no jump target
  BeforeCall,    // 3.11 PRECALL n: right before CALL n
  MinArg,        // the oparg is at least min_arg (COPY, SWAP, ROT_N)
  KwNames,       // ≤3.10 CALL_FUNCTION_KW n: a constant tuple of at most n names on top
};
struct PlainRule {
  // For every opcode: what the walk asks of each instruction.
  bool terminates = false;  // OpInfo::terminates
  Role role = Role::None;
  StackEffect fall{};  // OpInfo::fall
  // OpRule's, so that a plain instruction with `fixed` needs no OpRule.
  bool cannot_raise = false;
  uint8_t keep = 0;
  // For plain ones:
  Plain how = Plain::No;
  PlainCheck check = PlainCheck::None;
  uint8_t exempt = 0;   // 1 + the input (from the bottom) that may be NULL; kAllExempt
  bool dotted = false;  // No when the code has a parameter named `.x` (plains_for)
  uint8_t odd = 0;      // 1: an odd oparg has its own results (the oparg's mask)
  bool pair = false;
  bool closure = false;   // Tuple: BUILD_TUPLE, whose tuple of cells is a closure
  uint8_t min_arg = 0;    // PlainCheck::MinArg
  uint8_t count[2] = {};  // Push, Const, Load, Store: how many results
  // Pops and fall-through effect constant: `pops`, and `res` = pops + the
  // effect (matching `count`), without asking the oparg.
  bool fixed = false;
  uint8_t pops = 0;
  int8_t res = 0;
  uint32_t kinds[2][2] = {};
  // Fresh, Push or Const with `fixed` counts, no check, at least one result
  // (Push, Const) and not ending the flow, or Fresh with `linear` counts:
  // what the walk's fast run does.
  bool fast = false;
  // Fresh, not fixed, whose pops and fall-through effect are Const or
  // Linear: pops = pops_c + pops_k * oparg, res = res_c + res_k * oparg.
  bool linear = false;
  int16_t pops_c = 0, pops_k = 0, res_c = 0, res_k = 0;
  // Not plain, but a jump or an end of the flow the fast run does too: no
  // role, at most one input (a value), `pops` of them; the fall-through
  // effect (`res`, 0) and the jump branch's leave no results, and the
  // target follows from the jump (`jumps`: it has one). Or 3.8+ POP_BLOCK
  // (role PopBlock), which the run does and goes on; or ≤3.10 POP_EXCEPT or
  // RERAISE (role PopExcept, Reraise: `pops` 3, `res` with the fall-through).
  bool flow = false;
  bool jumps = false;
};
constexpr uint8_t kAllExempt = 255;
using Plains = std::array<PlainRule, 256>;
// `dotted`: for code with a parameter named `.x` (trusted_param in
// verifier.cpp), where loads and stores of locals are step()'s.
const Plains& plains_for(const OpcodeTable& t, bool dotted);
// What a pass over the code asks of each opcode, a byte per opcode: its
// OpFlag kJumps and kTerminates, and the roles check_flags looks for.
enum FlowBit : uint8_t { kFlowYield = 8, kFlowReturnGenerator = 16 };
using Flows = std::array<uint8_t, 256>;
const Flows& flows_for(const OpcodeTable& t);

// plains_for's table with no instruction plain: the walk then takes every
// one through step(), the reference the plain path must match (the tests).
const Plains& stepwise_plains_for(const OpcodeTable& t);

// verify() for the tests. `plain` false: every instruction through step().
// `nested` false: `code` alone, not the code objects among its constants.
bool verify(const Code& code, const SourceFile& file, Diagnostics& diags, bool plain, bool nested);

}  // namespace pyasm::verifier
