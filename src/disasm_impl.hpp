// The disassembler's internals, shared by its parts: the per-code-object
// view and its printing decisions (disasm.cpp), operand and constant text
// (disasm_operands.cpp), the choice of explicit tables (disasm_tables.cpp)
// and the rebuild check (disasm_verify.cpp). Internal.
#pragma once

#include <functional>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pyasm/code.hpp"
#include "pyasm/disasm.hpp"
#include "pyasm/opcodes.hpp"

namespace pyasm::disasm {

// What the rebuild check found pyasm's defaults get wrong for one code
// object: the printer then writes that part out in full.
struct Force {
  bool tables = false;       // every table listed whole
  bool flags = false;
  bool name = false;
  bool qualname = false;
  bool filename = false;
  bool firstlineno = false;
  bool counts = false;       // argument counts written, no signature
  bool stacksize = false;
  bool lines = false;        // the line table kept raw
  bool exceptions = false;   // the exception table kept raw
  bool prefixes = false;     // every EXTENDED_ARG written
  bool any() const {
    return tables || flags || name || qualname || filename || firstlineno || counts ||
           stacksize || lines || exceptions || prefixes;
  }
};
using ForceMap = std::map<const Code*, Force>;

// A value an operand, written symbolically, adds to a table when the
// resolver builds the tables in order of first use.
struct Use {
  enum Kind : uint8_t { kConst, kName, kLocal, kFree } kind;
  uint32_t index = 0;     // kConst, kName: the entry of the pyc's table (its value's first)
  std::string_view name;  // kName, kLocal, kFree: into the code object's tables
};

// An instruction's operand as printed: slices of View::operand_text.
// 16 bytes: a large module has a few hundred thousand.
struct Operand {
  uint32_t text = 0, text_size = 0;        // "" for none
  uint32_t comment = 0, comment_size = 0;  // e.g. the repr of a `$N` constant
};

// What operands and tables are looked up in, made once per code object
// (format_operands) when the printer reaches it, dropped with its operands
// once its block is written.
struct Lookups {
  bool made = false;
  std::vector<std::optional<std::string>> const_texts;  // a literal; nullopt: none
  // The first index of each entry's value in its table: an operand written
  // symbolically resolves to it.
  std::vector<int> const_first, name_first, local_first, deref_first;
  std::vector<std::string> localsplus;            // 3.11+: the localsplus names
  std::vector<std::string_view> locals, derefs;   // what Local/Free opargs index
};

// One code object being printed: the code as read, a decoded copy, and the
// printing decisions.
struct View {
  const Code* orig = nullptr;
  // The version, flags, first line and line table of `orig`, with its
  // instructions, exception entries and line information decoded; nothing
  // else of `orig` (build_view's decoding_copy).
  Code ir;
  View* parent = nullptr;
  std::string id;  // the .code block's ID ("" for the module)
  std::vector<std::unique_ptr<View>> children;  // code objects among the constants, in order
  Force force;

  bool lines_ok = false;  // the line table is printed as `.line` directives
  bool exceptions_ok = false;  // the exception table is rebuilt from `.except`
  std::vector<uint8_t> prefixes;  // EXTENDED_ARG lines written before each instruction
  Lookups lookups;
  std::vector<Operand> operands;
  std::string operand_text;  // every operand's text and comment
  std::vector<Use> uses;     // every operand's uses, in order
  // Per instruction index (size n + 1): k for label "Lk", 0 for none. A
  // number, not a string, per instruction: a large module has a few
  // hundred thousand.
  std::vector<uint32_t> labels;
  std::string label(size_t i) const { return "L" + std::to_string(labels[i]); }
  // Explicit tables: how many leading entries are written (nullopt = none).
  std::optional<size_t> consts, names, varnames, cellvars;
  bool signature = false;  // the argument counts come from `.code ID(sig)`
  std::optional<int> stacksize;  // written, with `unchecked` when below pyasm's
  int computed_stacksize = -1;
  std::string stacksize_reason;  // why CPython's differs, for the comment

  std::string_view text(const Operand& o) const {
    return std::string_view(operand_text).substr(o.text, o.text_size);
  }
  std::string_view comment(const Operand& o) const {
    return std::string_view(operand_text).substr(o.comment, o.comment_size);
  }
};

// Every instruction's operand text (View::operands) and the uses of the
// symbolic ones (View::uses), by argument kind: symbolic where the resolver
// would give the same oparg back, else `$N` (disasm_operands.cpp). Needs
// the labels and the children's IDs.
void format_operands(View& v);
// The first index of each string's value among `keys`.
std::vector<int> first_indices(const std::vector<std::string_view>& keys);
// The same for constants, by value (const_hash/const_equal: as const_key).
std::vector<int> first_const_indices(const std::vector<ObjectPtr>& consts);
// A constant as a .pyasm literal; code objects as @ID of `v`'s children.
std::string format_const(const Object& o, const View& v);
// A name as an operand: bare when it lexes as one, else quoted.
std::string format_name(const std::string& name);
// `.code` header arguments and names in a table.
std::string format_name_list(const std::vector<std::string>& names, size_t count);

// Chooses the explicit tables of `v` (disasm_tables.cpp).
void choose_tables(View& v);

// Builds the printed text of every code object (disasm.cpp).
// The text of a module. `prepare(v)` is called just before code object v's
// block is printed (its decisions: operands, labels, tables), `done(v)`
// once the block and its nested blocks are written.
using BlockHook = std::function<void(View&)>;
std::string print_module(View& module, const Pyc& pyc, DisasmStats* stats,
                         const BlockHook& prepare, const BlockHook& done);

// Assembles `text` and compares each code object with the one read; marks
// in `force` what differs. True when everything agrees (disasm_verify.cpp).
// `text` is parsed in place and given back unchanged.
bool verify(std::string& text, const View& module, ForceMap& force,
            std::vector<std::string>& problems);

}  // namespace pyasm::disasm
