// Per-version opcode tables. The data is generated from each interpreter by
// tools/gen_opcodes.py into src/opcodes/opcodes_3_X.inc; this header gives the
// typed view the resolver, encoder, stack analysis and disassembler share.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>
#include <vector>

#include "pyasm/version.hpp"

namespace pyasm {

// How an instruction's operand is written and turned into an oparg.
enum class ArgKind : uint8_t {
  None,           // no argument
  Number,         // plain integer
  Const,          // index into co_consts
  Name,           // index into co_names
  Local,          // local variable (co_varnames; 3.11+: localsplus)
  Free,           // cell or free variable
  JumpRel,        // forward relative jump
  JumpBack,       // backward relative jump (3.11+)
  JumpAbs,        // absolute jump
  Compare,        // COMPARE_OP operator
  GlobalNull,     // LOAD_GLOBAL 3.11+: (name << 1) | push NULL
  AttrMethod,     // LOAD_ATTR 3.12+: (name << 1) | method
  SuperAttr,      // LOAD_SUPER_ATTR: (name << 2) | two-arg << 1 | method
  BinaryOp,       // BINARY_OP operator
  Intrinsic1,     // CALL_INTRINSIC_1 function
  Intrinsic2,     // CALL_INTRINSIC_2 function
  FunctionFlags,  // MAKE_FUNCTION / SET_FUNCTION_ATTRIBUTE flags
  FormatValue,    // FORMAT_VALUE conversion | with-spec bit
  ConvertValue,   // CONVERT_VALUE conversion
  FastPair,       // 3.13 LOAD_FAST_LOAD_FAST etc.: (local1 << 4) | local2
};

// Closed forms of a stack effect as a function of the oparg `a`:
//   Const c | Linear c + k*a | Bit c + k*((a >> b) & 1) | LowByte c + k*(a & 0xff)
//   UnpackEx c + (a & 0xff) + (a >> 8) | Slice c - (a == 3) | PopCount c + k*popcount(a & 0xf)
// Invalid: dis.stack_effect rejects every oparg.
enum class EffectForm : uint8_t { Const, Linear, Bit, LowByte, UnpackEx, Slice, PopCount, Invalid };

struct StackEffect {
  EffectForm form;
  int16_t c;
  int16_t k;
  uint8_t b;
  // The constant case inline: the stack analysis and the verifier ask for
  // every instruction they walk.
  int eval(uint32_t oparg) const { return form == EffectForm::Const ? c : eval_form(oparg); }
  int eval_form(uint32_t oparg) const;
};

enum OpFlag : uint8_t {
  kTerminates = 1,  // control never falls through to the next instruction
  kJumps = 2,       // has a jump target operand
  kTargetNotFollowed = 4,  // stack analysis does not enter the target from here
};

struct OpInfo {
  std::string_view name;
  uint8_t code;
  ArgKind kind;
  uint8_t caches;  // inline CACHE code units after the instruction (3.11+)
  uint8_t flags;
  StackEffect fall;  // effect when falling through (or not jumping)
  StackEffect jump;  // effect on the jump branch (same as fall without a target)

  bool has_arg() const { return kind != ArgKind::None; }
  bool terminates() const { return flags & kTerminates; }
  bool jumps() const { return flags & kJumps; }
  bool follows_target() const { return !(flags & kTargetNotFollowed); }
};

// An opcode name of this CPython that never appears in a pyc, and why.
enum class NotInPycKind : uint8_t {
  Specialized,   // created at run time by the adaptive interpreter (3.11+)
  Instrumented,  // created at run time by sys.monitoring (3.12+)
  Pseudo,        // the compiler's own, replaced before the pyc is written (3.12+)
};

struct NotInPyc {
  std::string_view name;
  NotInPycKind kind;
  std::string_view instead;  // what a pyc holds instead ("nothing" for NOP-like)
};

class OpcodeTable {
 public:
  Version version;
  uint16_t magic;        // pyc magic number (little-endian u16 before "\r\n")
  uint8_t extended_arg;  // EXTENDED_ARG opcode number
  std::span<const OpInfo> ops;
  std::span<const std::string_view> cmp_ops;     // COMPARE_OP operators, by index
  std::span<const std::string_view> nb_ops;      // BINARY_OP operators (3.11+)
  std::span<const std::string_view> intrinsic1;  // CALL_INTRINSIC_1 (3.12+)
  std::span<const std::string_view> intrinsic2;  // CALL_INTRINSIC_2 (3.12+)
  std::span<const NotInPyc> not_in_pyc;          // specialized, instrumented, pseudo

  // By mnemonic: a hash probe of by_name_ (defined below).
  const OpInfo* find(std::string_view name) const;
  const OpInfo* find(uint8_t code) const { return by_code_[code]; }
  const NotInPyc* find_not_in_pyc(std::string_view name) const;

  const OpInfo* by_code_[256] = {};
  // Open addressing over the names (linear probing), filled by the table's
  // builder (opcodes.cpp). A slot holds its name's first and last eight
  // bytes and length, which tell a name of up to 16 bytes from every other
  // without reading it, and 1 + the op's index in `ops` (0: empty).
  struct NameSlot {
    uint64_t head = 0, tail = 0;
    uint16_t op = 0;
    uint16_t size = 0;
  };
  static constexpr size_t kNameSlots = 512;
  NameSlot by_name_[kNameSlots] = {};
};

namespace opcode_names {

// A mnemonic's bytes in two words, which with its length determine it when
// it has at most 16: the first and last eight bytes, or for a shorter one
// overlapping pieces of it (zero-extended).
struct Words {
  uint64_t head = 0, tail = 0;
};

inline Words words(std::string_view name) {
  const char* d = name.data();
  const size_t n = name.size();
  Words w;
  if (n >= 8) {
    std::memcpy(&w.head, d, 8);
    std::memcpy(&w.tail, d + n - 8, 8);
  } else if (n >= 4) {
    uint32_t a, b;
    std::memcpy(&a, d, 4);
    std::memcpy(&b, d + n - 4, 4);
    w.head = a;
    w.tail = b;
  } else if (n) {
    w.head = static_cast<unsigned char>(d[0]) | static_cast<unsigned char>(d[n / 2]) << 8 |
             static_cast<unsigned char>(d[n - 1]) << 16;
  }
  return w;
}

// The first by_name_ slot to probe: the words and the length multiplied
// through. Mnemonics differ early (LOAD_, STORE_, CALL) or late (_FAST,
// _ATTR), so this spreads them well, and costs the same for every name.
inline size_t first_slot(const Words& w, size_t n) {
  uint64_t h = (w.head ^ std::rotl(w.tail, 29) ^ n) * 0x9E3779B97F4A7C15ull;
  return static_cast<size_t>(h >> 40) & (OpcodeTable::kNameSlots - 1);
}

}  // namespace opcode_names

// Inline: the resolver looks up every instruction it reads.
inline const OpInfo* OpcodeTable::find(std::string_view name) const {
  const opcode_names::Words w = opcode_names::words(name);
  const size_t n = name.size();
  for (size_t s = opcode_names::first_slot(w, n);; s = (s + 1) & (kNameSlots - 1)) {
    const NameSlot& e = by_name_[s];
    if (!e.op) return nullptr;
    if (e.size == n && e.head == w.head && e.tail == w.tail &&
        (n <= 16 || ops[e.op - 1].name == name))
      return &ops[e.op - 1];
  }
}

// The table for a version, or nullptr when pyasm does not support it.
const OpcodeTable* opcode_table(Version v);
// Every supported version's table, oldest first.
std::span<const OpcodeTable* const> all_opcode_tables();

}  // namespace pyasm
