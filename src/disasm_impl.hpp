// The disassembler's internals, shared by its parts: the per-code-object
// view and its printing decisions (disasm.cpp), operand and constant text
// (disasm_operands.cpp), the choice of explicit tables (disasm_tables.cpp)
// and the rebuild check (disasm_verify.cpp). Internal.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
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
  ObjectPtr obj;     // kConst
  std::string name;  // the others
};

// An instruction's operand as printed.
struct Operand {
  std::string text;     // "" for none
  std::string comment;  // e.g. the repr of a `$N` constant
  std::vector<Use> uses;
};

// One code object being printed: the code as read, a decoded copy, and the
// printing decisions.
struct View {
  const Code* orig = nullptr;
  Code ir;  // instructions, exception entries and line information decoded
  View* parent = nullptr;
  std::string id;  // the .code block's ID ("" for the module)
  std::vector<std::unique_ptr<View>> children;  // code objects among the constants, in order
  Force force;

  bool lines_ok = false;  // the line table is printed as `.line` directives
  bool exceptions_ok = false;  // the exception table is rebuilt from `.except`
  std::vector<uint8_t> prefixes;  // EXTENDED_ARG lines written before each instruction
  std::vector<Operand> operands;
  std::vector<std::string> labels;  // per instruction index (size n + 1), "" = none
  // Explicit tables: how many leading entries are written (nullopt = none).
  std::optional<size_t> consts, names, varnames, cellvars;
  bool signature = false;  // the argument counts come from `.code ID(sig)`
  std::optional<int> stacksize;  // written, with `unchecked` when below pyasm's
  int computed_stacksize = -1;
  std::string stacksize_reason;  // why CPython's differs, for the comment
};

// Every instruction's operand text (View::operands), by argument kind:
// symbolic where the resolver would give the same oparg back, else `$N`
// (disasm_operands.cpp). Needs the labels and the children's IDs.
void format_operands(View& v);
// A constant as a .pyasm literal; code objects as @ID of `v`'s children.
std::string format_const(const Object& o, const View& v);
// A name as an operand: bare when it lexes as one, else quoted.
std::string format_name(const std::string& name);
// `.code` header arguments and names in a table.
std::string format_name_list(const std::vector<std::string>& names, size_t count);

// Chooses the explicit tables of `v` (disasm_tables.cpp).
void choose_tables(View& v);

// Builds the printed text of every code object (disasm.cpp).
std::string print_module(View& module, const Pyc& pyc, DisasmStats* stats);

// Assembles `text` and compares each code object with the one read; marks
// in `force` what differs. True when everything agrees (disasm_verify.cpp).
// `text` is parsed in place and given back unchanged.
bool verify(std::string& text, const View& module, ForceMap& force,
            std::vector<std::string>& problems);

}  // namespace pyasm::disasm
