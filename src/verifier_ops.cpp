// What each instruction takes from the stack, for the verifier: how many
// values it pops (as a closed form of the oparg), how many of the bottom
// ones it leaves in place, and the role that gives it special treatment in
// src/verifier.cpp. The pushes follow from the net stack effect in the
// opcode tables. Read from CPython's ceval.c (3.8-3.11) and bytecodes.c /
// generated metadata (3.12-3.13); docs/verifier.md says what is checked.
#include "verifier_ops.hpp"

#include <algorithm>
#include <array>
#include <initializer_list>
#include <utility>
#include <string_view>

namespace pyasm::verifier {

namespace {

struct Row {
  std::string_view name;
  int lo, hi;  // minor versions
  OpRule rule;
};

constexpr OpRule K(int n, int keep = 0, Role r = Role::None) {
  return {PopForm::Const, static_cast<int16_t>(n), 0, static_cast<uint8_t>(keep), r};
}
constexpr OpRule A(int c, int k, int keep = 0, Role r = Role::None) {
  return {PopForm::Linear, static_cast<int16_t>(c), static_cast<int16_t>(k),
          static_cast<uint8_t>(keep), r};
}
constexpr OpRule R(Role r, int n = 0, PopForm f = PopForm::Const, int k = 0) {
  return {f, static_cast<int16_t>(n), static_cast<int16_t>(k), 0, r};
}

// Oldest version first; a later row for the same name wins for its range.
constexpr Row kRows[] = {
    {"NOP", 6, 13, K(0)},
    {"RESUME", 11, 13, K(0)},
    {"EXTENDED_ARG", 6, 13, K(0)},
    {"CACHE", 11, 13, R(Role::Never)},
    {"RESERVED", 12, 13, R(Role::Never)},
    {"INTERPRETER_EXIT", 12, 13, R(Role::Never)},
    {"ENTER_EXECUTOR", 13, 13, R(Role::Never)},
    {"POP_TOP", 6, 13, K(1)},
    {"ROT_TWO", 6, 10, R(Role::Rot, 2)},
    {"ROT_THREE", 6, 10, R(Role::Rot, 3)},
    {"ROT_FOUR", 8, 10, R(Role::Rot, 4)},
    {"ROT_N", 10, 10, R(Role::RotN, 0, PopForm::Linear, 1)},
    {"DUP_TOP", 6, 10, R(Role::Dup, 1)},
    {"DUP_TOP_TWO", 6, 10, R(Role::Dup, 2)},
    {"COPY", 11, 13, R(Role::Copy, 0, PopForm::Linear, 1)},
    {"SWAP", 11, 13, R(Role::Swap, 0, PopForm::Linear, 1)},
    {"UNARY_POSITIVE", 6, 11, K(1)},
    {"UNARY_NEGATIVE", 6, 13, K(1)},
    {"UNARY_NOT", 6, 13, K(1)},
    {"UNARY_INVERT", 6, 13, K(1)},
    {"TO_BOOL", 13, 13, K(1)},
    {"BINARY_OP", 11, 13, K(2)},
    {"BINARY_ADD", 6, 10, K(2)},
    {"INPLACE_ADD", 6, 10, K(2)},
    {"BINARY_AND", 6, 10, K(2)},
    {"INPLACE_AND", 6, 10, K(2)},
    {"BINARY_FLOOR_DIVIDE", 6, 10, K(2)},
    {"INPLACE_FLOOR_DIVIDE", 6, 10, K(2)},
    {"BINARY_LSHIFT", 6, 10, K(2)},
    {"INPLACE_LSHIFT", 6, 10, K(2)},
    {"BINARY_MATRIX_MULTIPLY", 6, 10, K(2)},
    {"INPLACE_MATRIX_MULTIPLY", 6, 10, K(2)},
    {"BINARY_MODULO", 6, 10, K(2)},
    {"INPLACE_MODULO", 6, 10, K(2)},
    {"BINARY_MULTIPLY", 6, 10, K(2)},
    {"INPLACE_MULTIPLY", 6, 10, K(2)},
    {"BINARY_OR", 6, 10, K(2)},
    {"INPLACE_OR", 6, 10, K(2)},
    {"BINARY_POWER", 6, 10, K(2)},
    {"INPLACE_POWER", 6, 10, K(2)},
    {"BINARY_RSHIFT", 6, 10, K(2)},
    {"INPLACE_RSHIFT", 6, 10, K(2)},
    {"BINARY_SUBTRACT", 6, 10, K(2)},
    {"INPLACE_SUBTRACT", 6, 10, K(2)},
    {"BINARY_TRUE_DIVIDE", 6, 10, K(2)},
    {"INPLACE_TRUE_DIVIDE", 6, 10, K(2)},
    {"BINARY_XOR", 6, 10, K(2)},
    {"INPLACE_XOR", 6, 10, K(2)},
    {"BINARY_SUBSCR", 6, 13, K(2)},
    {"BINARY_SLICE", 12, 13, K(3)},
    {"STORE_SLICE", 12, 13, K(4)},
    {"STORE_SUBSCR", 6, 13, K(3)},
    {"DELETE_SUBSCR", 6, 13, K(2)},
    {"GET_ITER", 6, 13, R(Role::GetIter, 1)},
    // What YIELD_FROM may take as its receiver (an iterator or a coroutine).
    {"GET_YIELD_FROM_ITER", 6, 13, R(Role::AwaitIter, 1)},
    {"GET_AITER", 6, 6, R(Role::AwaitIter, 1)},  // 3.6 awaits __aiter__'s result
    {"GET_AITER", 7, 13, K(1)},
    {"GET_ANEXT", 6, 13, K(1, 1, Role::AwaitIter)},
    {"GET_AWAITABLE", 6, 13, R(Role::AwaitIter, 1)},
    {"GET_LEN", 10, 13, K(1, 1)},
    {"MATCH_MAPPING", 10, 13, K(1, 1)},
    {"MATCH_SEQUENCE", 10, 13, K(1, 1)},
    {"MATCH_KEYS", 10, 13, K(2, 2)},
    {"MATCH_CLASS", 10, 13, K(3)},
    {"COPY_DICT_WITHOUT_KEYS", 10, 10, K(2, 1)},
    {"PRINT_EXPR", 6, 11, K(1)},
    {"LOAD_BUILD_CLASS", 6, 13, K(0)},
    {"LOAD_ASSERTION_ERROR", 9, 13, K(0)},
    {"LOAD_LOCALS", 12, 13, K(0)},
    {"SETUP_ANNOTATIONS", 6, 13, K(0)},
    {"IMPORT_STAR", 6, 11, K(1)},
    {"IMPORT_NAME", 6, 13, K(2)},
    {"IMPORT_FROM", 6, 13, K(1, 1)},
    {"YIELD_VALUE", 6, 13, R(Role::Yield, 1)},
    {"YIELD_FROM", 6, 10, R(Role::Yield, 2)},
    {"GEN_START", 10, 10, R(Role::Yield, 1)},
    {"RETURN_VALUE", 6, 13, K(1)},
    {"RETURN_CONST", 12, 13, K(0)},
    {"RETURN_GENERATOR", 11, 13, R(Role::ReturnGenerator)},
    {"STORE_NAME", 6, 13, K(1)},
    {"DELETE_NAME", 6, 13, K(0)},
    {"UNPACK_SEQUENCE", 6, 13, K(1)},
    {"UNPACK_EX", 6, 13, K(1)},
    {"FOR_ITER", 6, 13, R(Role::ForIter, 1)},
    {"STORE_ATTR", 6, 13, K(2)},
    {"DELETE_ATTR", 6, 13, K(1)},
    {"STORE_GLOBAL", 6, 13, K(1)},
    {"DELETE_GLOBAL", 6, 13, K(0)},
    {"LOAD_CONST", 6, 13, R(Role::LoadConst)},
    {"LOAD_NAME", 6, 13, K(0)},
    {"LOAD_GLOBAL", 6, 13, R(Role::LoadGlobal)},
    {"LOAD_FROM_DICT_OR_GLOBALS", 12, 13, K(1)},
    {"LOAD_ATTR", 6, 13, R(Role::LoadAttr, 1)},
    {"LOAD_METHOD", 7, 11, R(Role::LoadMethod, 1)},
    {"LOAD_SUPER_ATTR", 12, 13, R(Role::LoadAttr, 3)},
    {"BUILD_TUPLE", 6, 13, R(Role::BuildTuple, 0, PopForm::Linear, 1)},
    {"BUILD_LIST", 6, 13, R(Role::BuildList, 0, PopForm::Linear, 1)},
    {"BUILD_SET", 6, 13, R(Role::BuildSet, 0, PopForm::Linear, 1)},
    {"BUILD_STRING", 6, 13, A(0, 1)},
    {"BUILD_MAP", 6, 13, R(Role::BuildDict, 0, PopForm::Linear, 2)},
    {"BUILD_CONST_KEY_MAP", 6, 13, R(Role::BuildDict, 1, PopForm::Linear, 1)},
    {"BUILD_TUPLE_UNPACK", 6, 8, R(Role::BuildTuple, 0, PopForm::Linear, 1)},
    {"BUILD_TUPLE_UNPACK_WITH_CALL", 6, 8, R(Role::BuildTuple, 0, PopForm::Linear, 1)},
    {"BUILD_LIST_UNPACK", 6, 8, R(Role::BuildList, 0, PopForm::Linear, 1)},
    {"BUILD_SET_UNPACK", 6, 8, R(Role::BuildSet, 0, PopForm::Linear, 1)},
    {"BUILD_MAP_UNPACK", 6, 8, R(Role::BuildDict, 0, PopForm::Linear, 1)},
    {"BUILD_MAP_UNPACK_WITH_CALL", 6, 8, R(Role::BuildDict, 0, PopForm::Linear, 1)},
    {"BUILD_SLICE", 6, 13, {PopForm::Slice, 2, 0, 0, Role::None}},
    {"LIST_TO_TUPLE", 9, 11, R(Role::ToTuple, 1)},
    // Containers below the operand: they stay, so the pops reach them; the
    // deepest input must be the list, set or dict (CPython casts it unchecked).
    {"LIST_APPEND", 6, 13, A(1, 1, 255, Role::Container)},
    {"SET_ADD", 6, 13, A(1, 1, 255, Role::Container)},
    {"MAP_ADD", 6, 13, A(2, 1, 255, Role::Container)},
    {"LIST_EXTEND", 9, 13, A(1, 1, 255, Role::Container)},
    {"SET_UPDATE", 9, 13, A(1, 1, 255, Role::Container)},
    {"DICT_UPDATE", 9, 13, A(1, 1, 255, Role::Container)},
    {"DICT_MERGE", 9, 13, A(1, 1, 255, Role::Container)},
    {"COMPARE_OP", 6, 13, K(2)},
    {"IS_OP", 9, 13, K(2)},
    {"CONTAINS_OP", 9, 13, K(2)},
    {"JUMP_FORWARD", 6, 13, K(0)},
    {"JUMP_ABSOLUTE", 6, 10, K(0)},
    {"JUMP_BACKWARD", 11, 13, K(0)},
    {"JUMP_BACKWARD_NO_INTERRUPT", 11, 13, K(0)},
    {"POP_JUMP_IF_FALSE", 6, 13, K(1)},
    {"POP_JUMP_IF_TRUE", 6, 13, K(1)},
    {"POP_JUMP_IF_NONE", 12, 13, K(1)},
    {"POP_JUMP_IF_NOT_NONE", 12, 13, K(1)},
    {"POP_JUMP_FORWARD_IF_FALSE", 11, 11, K(1)},
    {"POP_JUMP_FORWARD_IF_TRUE", 11, 11, K(1)},
    {"POP_JUMP_FORWARD_IF_NONE", 11, 11, K(1)},
    {"POP_JUMP_FORWARD_IF_NOT_NONE", 11, 11, K(1)},
    {"POP_JUMP_BACKWARD_IF_FALSE", 11, 11, K(1)},
    {"POP_JUMP_BACKWARD_IF_TRUE", 11, 11, K(1)},
    {"POP_JUMP_BACKWARD_IF_NONE", 11, 11, K(1)},
    {"POP_JUMP_BACKWARD_IF_NOT_NONE", 11, 11, K(1)},
    {"JUMP_IF_FALSE_OR_POP", 6, 11, K(1, 1)},
    {"JUMP_IF_TRUE_OR_POP", 6, 11, K(1, 1)},
    {"JUMP_IF_NOT_EXC_MATCH", 9, 10, K(2)},
    {"LOAD_FAST", 6, 13, R(Role::LoadFast)},
    {"LOAD_FAST_CHECK", 12, 13, R(Role::LoadFast)},
    {"LOAD_FAST_AND_CLEAR", 12, 13, R(Role::LoadFast)},
    {"LOAD_FAST_LOAD_FAST", 13, 13, R(Role::LoadFast)},
    {"STORE_FAST", 6, 13, R(Role::StoreFast, 1)},
    {"STORE_FAST_LOAD_FAST", 13, 13, R(Role::StoreFast, 1)},
    {"STORE_FAST_STORE_FAST", 13, 13, R(Role::StoreFast, 2)},
    {"DELETE_FAST", 6, 13, R(Role::StoreFast)},
    {"MAKE_CELL", 11, 13, R(Role::Cell)},
    {"COPY_FREE_VARS", 11, 13, R(Role::Cell)},
    {"LOAD_CLOSURE", 6, 12, R(Role::Cell)},
    {"LOAD_DEREF", 6, 13, R(Role::Cell)},
    {"LOAD_CLASSDEREF", 6, 11, R(Role::Cell)},
    {"LOAD_FROM_DICT_OR_DEREF", 12, 13, R(Role::Cell, 1)},
    {"STORE_DEREF", 6, 13, R(Role::Cell, 1)},
    {"DELETE_DEREF", 6, 13, R(Role::Cell)},
    {"RAISE_VARARGS", 6, 13, A(0, 1)},
    {"CALL_FUNCTION", 6, 10, A(1, 1)},
    {"CALL_FUNCTION_KW", 6, 10, R(Role::CallKw, 2, PopForm::Linear, 1)},
    {"CALL_FUNCTION_EX", 6, 10, {PopForm::Bit, 2, 1, 0, Role::None}},
    {"CALL_FUNCTION_EX", 11, 13, {PopForm::Bit, 3, 1, 0, Role::CallEx}},
    {"CALL_METHOD", 7, 10, R(Role::Call, 2, PopForm::Linear, 1)},
    {"PRECALL", 11, 11, R(Role::Precall, 0, PopForm::Linear, 1)},
    {"CALL", 11, 11, R(Role::Call, 2)},
    {"CALL", 12, 13, R(Role::Call, 2, PopForm::Linear, 1)},
    {"CALL_KW", 13, 13, R(Role::Call, 3, PopForm::Linear, 1)},
    {"KW_NAMES", 11, 12, R(Role::KwNames)},
    {"PUSH_NULL", 11, 13, R(Role::PushNull)},
    {"CALL_INTRINSIC_1", 12, 13, R(Role::Intrinsic, 1)},
    {"CALL_INTRINSIC_2", 12, 13, R(Role::Intrinsic, 2)},
    {"MAKE_FUNCTION", 6, 10, R(Role::MakeFunction, 2, PopForm::PopCount, 1)},
    {"MAKE_FUNCTION", 11, 12, R(Role::MakeFunction, 1, PopForm::PopCount, 1)},
    {"MAKE_FUNCTION", 13, 13, R(Role::MakeFunction, 1)},
    {"SET_FUNCTION_ATTRIBUTE", 13, 13, R(Role::SetFunctionAttribute, 2)},
    {"FORMAT_VALUE", 6, 12, {PopForm::FormatSpec, 1, 0, 0, Role::None}},
    {"CONVERT_VALUE", 13, 13, K(1)},
    {"FORMAT_SIMPLE", 13, 13, K(1)},
    {"FORMAT_WITH_SPEC", 13, 13, K(2)},
    {"EXIT_INIT_CHECK", 13, 13, K(1)},
    {"BEFORE_WITH", 11, 13, K(1)},
    {"BEFORE_ASYNC_WITH", 6, 13, K(1)},
    {"END_FOR", 12, 12, K(2)},
    {"END_FOR", 13, 13, K(1)},
    {"END_SEND", 12, 13, K(2)},
    {"SEND", 11, 13, R(Role::Send, 2)},
    {"ASYNC_GEN_WRAP", 11, 11, K(1)},
    // Exception handling, 3.8-3.10 (block stack).
    {"SETUP_FINALLY", 6, 10, R(Role::Setup, 0)},
    {"SETUP_WITH", 6, 10, R(Role::Setup, 1)},
    {"SETUP_ASYNC_WITH", 6, 10, R(Role::Setup, 1)},
    {"POP_BLOCK", 6, 10, R(Role::PopBlock)},
    {"POP_EXCEPT", 8, 10, R(Role::PopExcept, 3)},
    {"RERAISE", 9, 10, R(Role::Reraise, 3)},
    {"WITH_EXCEPT_START", 9, 10, K(7, 7, Role::WithExceptStart)},
    {"END_ASYNC_FOR", 8, 10, R(Role::EndAsyncFor, 7)},
    // 3.6-3.7: run as ceval runs the block stack (step_old in verifier.cpp);
    // the pops are the least each needs.
    {"SETUP_LOOP", 6, 7, R(Role::Setup, 0)},
    {"SETUP_EXCEPT", 6, 7, R(Role::Setup, 0)},
    {"POP_EXCEPT", 6, 7, R(Role::PopExcept, 0)},
    {"RETURN_VALUE", 6, 7, R(Role::Unwind, 1)},
    {"BREAK_LOOP", 6, 7, R(Role::Unwind, 0)},
    {"CONTINUE_LOOP", 6, 7, R(Role::Unwind, 0)},
    {"END_FINALLY", 6, 7, R(Role::EndFinally, 1)},
    {"WITH_CLEANUP_START", 6, 7, R(Role::WithCleanupStart, 1)},
    {"WITH_CLEANUP_FINISH", 6, 7, R(Role::WithCleanupFinish, 2)},
    {"STORE_ANNOTATION", 6, 6, K(1)},
    {"BEGIN_FINALLY", 8, 8, R(Role::BeginFinally)},
    {"CALL_FINALLY", 8, 8, R(Role::CallFinally)},
    {"END_FINALLY", 8, 8, R(Role::EndFinally, 6)},
    {"POP_FINALLY", 8, 8, R(Role::EndFinally, 6)},
    {"WITH_CLEANUP_START", 8, 8, R(Role::WithCleanupStart, 7)},
    {"WITH_CLEANUP_FINISH", 8, 8, R(Role::WithCleanupFinish, 3)},
    // Exception handling, 3.11+ (exception table).
    {"PUSH_EXC_INFO", 11, 13, R(Role::PushExcInfo, 1)},
    {"POP_EXCEPT", 11, 13, R(Role::PopExcept, 1)},
    {"RERAISE", 11, 13, {PopForm::Linear, 1, 1, 255, Role::Reraise}},
    {"CHECK_EXC_MATCH", 11, 13, K(2, 1)},
    {"CHECK_EG_MATCH", 11, 13, R(Role::ExcResult, 2)},
    {"PREP_RERAISE_STAR", 11, 11, R(Role::ExcResult, 2)},
    {"WITH_EXCEPT_START", 11, 13, K(4, 4, Role::WithExceptStart)},
    {"END_ASYNC_FOR", 11, 13, R(Role::EndAsyncFor, 2)},
    {"CLEANUP_THROW", 12, 13, R(Role::CleanupThrow, 3)},
};

// Instructions that cannot raise (stack shuffles, loads of constants,
// PUSH_EXC_INFO, ...): they get no exception edge. 3.11+ POP_EXCEPT too; up
// to 3.10 it raises SystemError outside a handler.
constexpr std::string_view kCannotRaise[] = {
    "NOP", "EXTENDED_ARG", "PUSH_EXC_INFO", "SWAP", "COPY", "POP_TOP", "PUSH_NULL",
    "LOAD_CONST", "STORE_FAST", "JUMP_FORWARD", "END_FOR", "END_SEND", "RETURN_CONST",
    "ROT_TWO", "ROT_THREE", "ROT_FOUR", "ROT_N", "DUP_TOP", "DUP_TOP_TWO", "POP_BLOCK",
    "SETUP_FINALLY", "SETUP_ASYNC_WITH", "BEGIN_FINALLY"};

struct Table {
  std::array<OpRule, 256> rules{};
  std::array<bool, 256> known{};
};

Table build(const OpcodeTable& t) {
  Table out;
  int minor = t.version.minor;
  for (const Row& row : kRows) {
    if (minor < row.lo || minor > row.hi) continue;
    const OpInfo* op = t.find(row.name);
    if (!op) continue;
    OpRule& rule = out.rules[op->code] = row.rule;
    if (rule.form == PopForm::Const) rule.k = 0;  // OpRule::pops takes it for Linear
    out.known[op->code] = true;
    for (std::string_view n : kCannotRaise) rule.cannot_raise |= n == row.name;
    if (row.name == "POP_EXCEPT") rule.cannot_raise = minor >= 11 || minor <= 7;
    // ≤3.7: the block instructions unwind by themselves (step_old); only
    // SETUP_WITH (__enter__) and the WITH_CLEANUP pair (__exit__) raise.
    if (minor <= 7 && (row.rule.role == Role::Setup || row.rule.role == Role::PopBlock ||
                       row.rule.role == Role::Unwind || row.rule.role == Role::EndFinally))
      rule.cannot_raise = row.name != "SETUP_WITH";
  }
  return out;
}

constexpr std::pair<Name, std::string_view> kNames[] = {
    {Name::Nop, "NOP"},
    {Name::YieldValue, "YIELD_VALUE"},
    {Name::YieldFrom, "YIELD_FROM"},
    {Name::ReturnGenerator, "RETURN_GENERATOR"},
    {Name::MakeCell, "MAKE_CELL"},
    {Name::CopyFreeVars, "COPY_FREE_VARS"},
    {Name::LoadClosure, "LOAD_CLOSURE"},
    {Name::JumpAbsolute, "JUMP_ABSOLUTE"},
    {Name::JumpBackward, "JUMP_BACKWARD"},
    {Name::JumpBackwardNoInterrupt, "JUMP_BACKWARD_NO_INTERRUPT"},
    {Name::Call, "CALL"},
    {Name::CallMethod, "CALL_METHOD"},
    {Name::CallKw, "CALL_KW"},
    {Name::CallFunction, "CALL_FUNCTION"},
    {Name::Precall, "PRECALL"},
    {Name::LoadFast, "LOAD_FAST"},
    {Name::LoadFastCheck, "LOAD_FAST_CHECK"},
    {Name::LoadFastAndClear, "LOAD_FAST_AND_CLEAR"},
    {Name::LoadFastLoadFast, "LOAD_FAST_LOAD_FAST"},
    {Name::StoreFastStoreFast, "STORE_FAST_STORE_FAST"},
    {Name::StoreFastLoadFast, "STORE_FAST_LOAD_FAST"},
    {Name::DeleteFast, "DELETE_FAST"},
    {Name::BuildTuple, "BUILD_TUPLE"},
    {Name::ForIter, "FOR_ITER"},
    {Name::EndFor, "END_FOR"},
    {Name::PopTop, "POP_TOP"},
    {Name::PopFinally, "POP_FINALLY"},
    {Name::SetupFinally, "SETUP_FINALLY"},
};

// The walk's shortcut for an opcode: what step() in verifier.cpp does for
// the roles it covers (the results its role switch pushes, the input its
// check_inputs lets be NULL), which must stay in step with it.
PlainRule plain(const OpInfo& op, const OpRule& r, Name name, int minor) {
  PlainRule p;
  if (op.jumps()) return p;
  auto push = [&p](std::initializer_list<uint32_t> even, std::initializer_list<uint32_t> odd) {
    p.how = Plain::Push;
    p.odd = odd.size() != 0 ? 1 : 0;
    p.count[0] = static_cast<uint8_t>(even.size());
    p.count[1] = static_cast<uint8_t>(odd.size());
    std::copy(even.begin(), even.end(), p.kinds[0]);
    std::copy(odd.begin(), odd.end(), p.kinds[1]);
  };
  // Roles whose one result has a kind of its own.
  constexpr std::pair<Role, uint32_t> kOne[] = {{Role::GetIter, kIter},   {Role::BuildDict, kDict},
                                                {Role::BuildList, kList}, {Role::BuildSet, kSet},
                                                {Role::ToTuple, kTuple},  {Role::PushNull, kNull}};
  for (const auto& [role, kind] : kOne)
    if (r.role == role) push({kind}, {});
  switch (r.role) {
    case Role::None:
      p.how = Plain::Fresh;
      break;
    case Role::LoadConst:
      p.how = Plain::Const;
      p.count[0] = 1;
      break;
    case Role::LoadGlobal:  // 3.11+: an odd oparg pushes NULL too
      if (minor <= 10)
        push({kVal}, {});
      else if (minor <= 12)
        push({kVal}, {kNull, kVal});
      else
        push({kVal}, {kVal, kNull});
      break;
    case Role::LoadAttr:  // 3.12+: an odd oparg loads a method
      if (minor <= 11)
        push({kVal}, {});
      else if (minor == 12)
        push({kVal}, {kVal | kNull, kVal});
      else
        push({kVal}, {kVal, kVal | kNull});
      break;
    case Role::LoadMethod:
      push({kVal | kNull, kVal}, {});
      break;
    case Role::Container:
      p.how = Plain::Fresh;
      p.check = PlainCheck::Container;
      p.kinds[0][0] = op.name.starts_with("LIST_")  ? kList
                      : op.name.starts_with("SET_") ? kSet
                                                    : kDict;
      break;
    case Role::Call:  // CALL_KW's names are step()'s
      if (name == Name::CallKw) break;
      p.how = Plain::Fresh;
      p.exempt = name == Name::CallMethod || minor <= 12 ? 1 : 2;  // self or NULL
      if (minor == 11) p.check = PlainCheck::AfterPrecall;
      break;
    case Role::CallKw:  // CALL_FUNCTION_KW: a fresh result, once its names pass
      p.how = Plain::Fresh;
      p.check = PlainCheck::KwNames;
      break;
    case Role::Precall:
      p.how = Plain::Fresh;
      p.check = PlainCheck::BeforeCall;
      break;
    case Role::LoadFast:
      p.dotted = true;
      if (minor <= 10) {  // no locals state
        push({kVal}, {});
      } else if (name != Name::LoadFastAndClear) {
        p.how = Plain::Load;
        p.pair = name == Name::LoadFastLoadFast;
        p.count[0] = p.pair ? 2 : 1;
      }
      break;
    case Role::StoreFast:
      p.dotted = true;
      p.exempt = kAllExempt;
      if (minor <= 10) {
        p.how = Plain::Fresh;
      } else if (name == Name::Other || name == Name::StoreFastStoreFast) {  // STORE_FAST
        p.how = Plain::Store;
        p.pair = name == Name::StoreFastStoreFast;
      }
      break;
    case Role::Dup:
    case Role::Copy:
      p.how = Plain::Dup;
      if (r.role == Role::Copy) p.check = PlainCheck::MinArg, p.min_arg = 1;
      break;
    case Role::Rot:
    case Role::RotN:
      p.how = Plain::Rot;
      if (r.role == Role::RotN) p.check = PlainCheck::MinArg, p.min_arg = 1;
      break;
    case Role::Swap:
      p.how = Plain::Swap;
      p.check = PlainCheck::MinArg, p.min_arg = 2;
      break;
    case Role::BuildTuple:
      p.how = Plain::Tuple;
      p.count[0] = 1;
      p.closure = name == Name::BuildTuple;
      break;
    case Role::MakeFunction:
      p.how = Plain::Function;
      p.count[0] = 1;
      break;
    case Role::Cell:
      if (minor <= 10 && name == Name::LoadClosure)
        push({kCellObj}, {});
      else if (minor <= 10)
        p.how = Plain::Fresh;
      break;
    default:
      break;
  }
  return p;
}

// One version's rules and names, built the first time that version is
// verified (a run usually needs one of the eight).
struct Built {
  Table table;
  Rules rules{};
  Names names{};
  Plains plains[2]{};  // [dotted]
  Plains stepwise{};   // no instruction plain (stepwise_plains_for)
  Flows flows{};
  explicit Built(const OpcodeTable& t) : table(build(t)) {
    for (size_t op = 0; op < 256; ++op)
      if (table.known[op]) rules[op] = &table.rules[op];
    for (const OpInfo& op : t.ops) {
      Name& n = names[op.code];
      if (op.name.starts_with("POP_JUMP_IF_")) n = Name::PopJumpIf;
      if (op.name.starts_with("POP_JUMP_BACKWARD_IF_")) n = Name::PopJumpBackwardIf;
      for (const auto& [id, text] : kNames)
        if (op.name == text) n = id;
    }
    for (const OpInfo& op : t.ops) {
      PlainRule& p = plains[0][op.code];
      if (const OpRule* r = rules[op.code]) {
        p = plain(op, *r, names[op.code], t.version.minor);
        p.role = r->role;
        p.cannot_raise = r->cannot_raise;
        p.keep = r->keep;
        const int res = r->c + op.fall.c;
        if (p.how != Plain::No && !p.odd && r->form == PopForm::Const &&
            op.fall.form == EffectForm::Const && r->c >= 0 && r->c <= 255 && res >= -128 &&
            res <= 127 && (p.how <= Plain::Swap || res == p.count[0])) {
          p.fixed = true;
          p.pops = static_cast<uint8_t>(r->c);
          p.res = static_cast<int8_t>(res);
        } else if (p.how == Plain::Fresh && r->form <= PopForm::Linear &&
                   op.fall.form <= EffectForm::Linear) {
          const int fall_k = op.fall.form == EffectForm::Const ? 0 : op.fall.k;
          p.linear = true;
          p.pops_c = r->c;
          p.pops_k = r->form == PopForm::Const ? 0 : r->k;
          p.res_c = static_cast<int16_t>(r->c + op.fall.c);
          p.res_k = static_cast<int16_t>(p.pops_k + fall_k);
        }
      }
      p.terminates = op.terminates();
      p.fall = op.fall;
      if (const OpRule* r = rules[op.code]; r && p.how == Plain::No && r->role == Role::None &&
                                            r->form == PopForm::Const && r->c >= 0 && r->c <= 1 &&
                                            op.fall.form == EffectForm::Const &&
                                            r->c + op.fall.c == 0) {
        if (op.jumps() ? op.follows_target() && op.jump.form == EffectForm::Const &&
                             r->c + op.jump.c == 0
                       : op.terminates()) {
          p.flow = true;
          p.jumps = op.jumps();
          p.pops = static_cast<uint8_t>(r->c);
          p.res = 0;
        }
      }
      // 3.8+ POP_BLOCK (≤3.7's runs the block stack): no stack effect.
      if (const OpRule* r = rules[op.code];
          r && r->role == Role::PopBlock && r->cannot_raise && t.version.minor >= 8 &&
          r->form == PopForm::Const && r->c == 0 && op.fall.form == EffectForm::Const &&
          op.fall.c == 0 && !op.jumps() && !op.terminates())
        p.flow = true;
      // 3.8-3.10 POP_EXCEPT (3 saved slots popped) and 3.9-3.10 RERAISE
      // (3 exception slots, the flow ends), whose checks the run makes too.
      if (const OpRule* r = rules[op.code];
          r && t.version.minor >= 8 && t.version.minor <= 10 && r->form == PopForm::Const &&
          r->c == 3 && op.fall.form == EffectForm::Const && !op.jumps() &&
          ((r->role == Role::PopExcept && !op.terminates() && op.fall.c == -3) ||
           (r->role == Role::Reraise && op.terminates()))) {
        p.flow = true;
        p.pops = 3;
        p.res = static_cast<int8_t>(3 + op.fall.c);
      }
      flows[op.code] = static_cast<uint8_t>(
          (op.flags & (kJumps | kTerminates)) | (p.role == Role::Yield ? kFlowYield : 0) |
          (p.role == Role::ReturnGenerator ? kFlowReturnGenerator : 0));
    }
    plains[1] = plains[0];
    for (PlainRule& p : plains[1])
      if (p.dotted) p.how = Plain::No;
    stepwise = plains[0];
    for (PlainRule& p : stepwise) p.how = Plain::No, p.flow = false;
    for (Plains* ps : {&plains[0], &plains[1], &stepwise})
      for (PlainRule& p : *ps)
        p.fast = p.check == PlainCheck::None && !p.terminates &&
                 ((p.fixed && (p.how == Plain::Fresh ||
                               ((p.how == Plain::Push || p.how == Plain::Const) && p.res >= 1))) ||
                  (p.linear && p.how == Plain::Fresh));
  }
};

// A function-local static per version: built once, safely across threads.
template <int Minor>
const Built& built(const OpcodeTable& t) {
  static const Built b(t);
  return b;
}

const Built* built_for(const OpcodeTable& t) {
  switch (t.version.minor) {
    case 6: return &built<6>(t);
    case 7: return &built<7>(t);
    case 8: return &built<8>(t);
    case 9: return &built<9>(t);
    case 10: return &built<10>(t);
    case 11: return &built<11>(t);
    case 12: return &built<12>(t);
    case 13: return &built<13>(t);
    default: return nullptr;
  }
}

// A field of this version's Built, or an empty one for a version without.
template <class T>
const T& built_field(const OpcodeTable& t, T Built::*field) {
  static const T none{};
  const Built* b = built_for(t);
  return b ? b->*field : none;
}

}  // namespace

const Rules& rules_for(const OpcodeTable& t) {
  return built_field(t, &Built::rules);
}

const Names& names_for(const OpcodeTable& t) {
  return built_field(t, &Built::names);
}

const Plains& plains_for(const OpcodeTable& t, bool dotted) {
  static const Plains none{};
  const Built* b = built_for(t);
  return b ? b->plains[dotted] : none;
}

const Flows& flows_for(const OpcodeTable& t) {
  return built_field(t, &Built::flows);
}

const Plains& stepwise_plains_for(const OpcodeTable& t) {
  return built_field(t, &Built::stepwise);
}

const OpRule* rule_for(const OpcodeTable& t, uint8_t opcode) { return rules_for(t)[opcode]; }

}  // namespace pyasm::verifier
