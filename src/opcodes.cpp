// Builds the typed opcode tables from the generated per-version data files
// (src/opcodes/opcodes_3_X.inc, written by tools/gen_opcodes.py).
#include "pyasm/opcodes.hpp"

#include <array>
#include <bit>
#include <cstring>
#include <stdexcept>

namespace pyasm {

int StackEffect::eval_form(uint32_t a) const {
  switch (form) {
    case EffectForm::Const:
      return c;
    case EffectForm::Linear:
      return static_cast<int>(c + k * static_cast<int64_t>(a));
    case EffectForm::Bit:
      return c + k * static_cast<int>((a >> b) & 1);
    case EffectForm::LowByte:
      return c + k * static_cast<int>(a & 0xff);
    case EffectForm::UnpackEx:
      return c + static_cast<int>(a & 0xff) + static_cast<int>(a >> 8);
    case EffectForm::Slice:
      return c - (a == 3 ? 1 : 0);
    case EffectForm::PopCount:
      return c + k * std::popcount(a & 0xfu);
    case EffectForm::Invalid:
      return 0;
  }
  return 0;
}

namespace {

// A mnemonic's bytes in two words, which with its length determine it when
// it has at most 16: the first and last eight bytes, or for a shorter one
// overlapping pieces of it (zero-extended).
struct NameWords {
  uint64_t head = 0, tail = 0;
  bool operator==(const NameWords&) const = default;
};

NameWords name_words(std::string_view name) {
  const char* d = name.data();
  const size_t n = name.size();
  NameWords w;
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
size_t name_slot(const NameWords& w, size_t n) {
  uint64_t h = (w.head ^ std::rotl(w.tail, 29) ^ n) * 0x9E3779B97F4A7C15ull;
  return static_cast<size_t>(h >> 40) & (OpcodeTable::kNameSlots - 1);
}

// Fills by_name_ from ops. A repeated name keeps its first op, as a search
// from the start would find.
OpcodeTable with_name_index(OpcodeTable t) {
  static_assert(std::has_single_bit(OpcodeTable::kNameSlots));
  // At most half full, so that every probe ends at an empty slot quickly.
  if (t.ops.size() * 2 > OpcodeTable::kNameSlots) throw std::logic_error("opcode table too large");
  for (size_t i = 0; i < t.ops.size(); ++i) {
    if (t.find(t.ops[i].name)) continue;
    std::string_view name = t.ops[i].name;
    size_t s = name_slot(name_words(name), name.size());
    while (t.by_name_[s]) s = (s + 1) & (OpcodeTable::kNameSlots - 1);
    t.by_name_[s] = static_cast<uint16_t>(i + 1);
  }
  return t;
}

}  // namespace

const OpInfo* OpcodeTable::find(std::string_view name) const {
  const NameWords w = name_words(name);
  const size_t n = name.size();
  for (size_t s = name_slot(w, n);; s = (s + 1) & (kNameSlots - 1)) {
    uint16_t e = by_name_[s];
    if (!e) return nullptr;
    std::string_view candidate = ops[e - 1].name;
    if (candidate.size() == n && (n > 16 ? candidate == name : name_words(candidate) == w))
      return &ops[e - 1];
  }
}

const NotInPyc* OpcodeTable::find_not_in_pyc(std::string_view name) const {
  for (const NotInPyc& n : not_in_pyc)
    if (n.name == name) return &n;
  return nullptr;
}

namespace {

#define PYASM_TABLE_NS v3_6
#define PYASM_TABLE_FILE "opcodes/opcodes_3_6.inc"
#include "opcodes/define_table.inc"
#define PYASM_TABLE_NS v3_7
#define PYASM_TABLE_FILE "opcodes/opcodes_3_7.inc"
#include "opcodes/define_table.inc"
#define PYASM_TABLE_NS v3_8
#define PYASM_TABLE_FILE "opcodes/opcodes_3_8.inc"
#include "opcodes/define_table.inc"
#define PYASM_TABLE_NS v3_9
#define PYASM_TABLE_FILE "opcodes/opcodes_3_9.inc"
#include "opcodes/define_table.inc"
#define PYASM_TABLE_NS v3_10
#define PYASM_TABLE_FILE "opcodes/opcodes_3_10.inc"
#include "opcodes/define_table.inc"
#define PYASM_TABLE_NS v3_11
#define PYASM_TABLE_FILE "opcodes/opcodes_3_11.inc"
#include "opcodes/define_table.inc"
#define PYASM_TABLE_NS v3_12
#define PYASM_TABLE_FILE "opcodes/opcodes_3_12.inc"
#include "opcodes/define_table.inc"
#define PYASM_TABLE_NS v3_13
#define PYASM_TABLE_FILE "opcodes/opcodes_3_13.inc"
#include "opcodes/define_table.inc"

const std::array<OpcodeTable, 8> kTables = {
    with_name_index(v3_6::make()),  with_name_index(v3_7::make()),  with_name_index(v3_8::make()),
    with_name_index(v3_9::make()),  with_name_index(v3_10::make()), with_name_index(v3_11::make()),
    with_name_index(v3_12::make()), with_name_index(v3_13::make())};

std::array<const OpcodeTable*, 8> table_pointers() {
  std::array<const OpcodeTable*, 8> out{};
  for (size_t i = 0; i < kTables.size(); ++i) out[i] = &kTables[i];
  return out;
}
const std::array<const OpcodeTable*, 8> kTablePointers = table_pointers();

}  // namespace

const OpcodeTable* opcode_table(Version v) {
  for (const OpcodeTable& t : kTables)
    if (t.version == v) return &t;
  return nullptr;
}

std::span<const OpcodeTable* const> all_opcode_tables() {
  return kTablePointers;
}

}  // namespace pyasm
