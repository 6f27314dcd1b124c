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

// Fills by_name_ from ops. A repeated name keeps its first op, as a search
// from the start would find. In place: a table is 14 KiB, and every copy
// at start-up costs each pyasm process its time.
void add_name_index(OpcodeTable& t) {
  static_assert(std::has_single_bit(OpcodeTable::kNameSlots));
  // At most half full, so that every probe ends at an empty slot quickly.
  if (t.ops.size() * 2 > OpcodeTable::kNameSlots) throw std::logic_error("opcode table too large");
  for (size_t i = 0; i < t.ops.size(); ++i) {
    if (t.find(t.ops[i].name)) continue;
    std::string_view name = t.ops[i].name;
    const opcode_names::Words w = opcode_names::words(name);
    size_t s = opcode_names::first_slot(w, name.size());
    while (t.by_name_[s].op) s = (s + 1) & (OpcodeTable::kNameSlots - 1);
    t.by_name_[s] = {w.head, w.tail, static_cast<uint16_t>(i + 1),
                     static_cast<uint16_t>(name.size())};
  }
}

}  // namespace

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

const std::array<OpcodeTable, 8> kTables = [] {
  std::array<OpcodeTable, 8> t = {v3_6::make(),  v3_7::make(),  v3_8::make(),  v3_9::make(),
                                  v3_10::make(), v3_11::make(), v3_12::make(), v3_13::make()};
  for (OpcodeTable& one : t) add_name_index(one);
  return t;
}();

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
