// The disassembler's rebuild check: the printed text is assembled again and
// each resulting code object compared, field by field, with the one read
// from the pyc. What differs is marked for the next round to write out in
// full, so that a default pyasm derives differently from CPython costs
// readability, never correctness.
#include <bit>

#include "disasm_impl.hpp"
#include "pyasm/assembler.hpp"
#include "pyasm/marshal.hpp"

namespace pyasm::disasm {

namespace {

std::string chain(const View& v) {
  if (!v.parent) return "<module>";
  return v.parent->parent ? chain(*v.parent) + "." + v.id : v.id;
}

// Equal values, kinds and float bits included; code objects pair up for
// the caller to compare.
bool same_value(const Object& a, const Object& b,
                std::vector<std::pair<const Code*, const Code*>>& codes) {
  if (a.kind != b.kind) return false;
  auto bits = [](double d) { return std::bit_cast<uint64_t>(d); };
  switch (a.kind) {
    case ObjKind::Int: return a.int_value == b.int_value;
    case ObjKind::Float: return bits(a.real) == bits(b.real);
    case ObjKind::Complex: return bits(a.real) == bits(b.real) && bits(a.imag) == bits(b.imag);
    case ObjKind::Bytes:
    case ObjKind::Str: return a.data == b.data;
    case ObjKind::Tuple:
    case ObjKind::FrozenSet:
      if (a.items.size() != b.items.size()) return false;
      for (size_t i = 0; i < a.items.size(); ++i)
        if (!same_value(*a.items[i], *b.items[i], codes)) return false;
      return true;
    case ObjKind::Code:
      if (!a.code || !b.code) return false;
      codes.emplace_back(a.code.get(), b.code.get());
      return true;
    default: return true;
  }
}

class Comparer {
 public:
  Comparer(ForceMap& forces, std::vector<std::string>& problems)
      : forces_(forces), problems_(problems) {}

  void code(const View& v, const Code& built) {
    const Code& c = *v.orig;
    Force& f = forces_[v.orig];
    auto check = [&](bool same, bool& force, const char* field) {
      if (same) return;
      force = true;
      problems_.push_back(chain(v) + ": " + field + " differs");
    };
    bool unused = false;
    check(c.name == built.name, f.name, "co_name");
    check(!c.version.at_least(11) || c.qualname == built.qualname, f.qualname, "co_qualname");
    check(c.filename == built.filename, f.filename, "co_filename");
    check(c.firstlineno == built.firstlineno, f.firstlineno, "co_firstlineno");
    check(c.flags == built.flags, f.flags, "co_flags");
    check(c.argcount == built.argcount && c.posonlyargcount == built.posonlyargcount &&
              c.kwonlyargcount == built.kwonlyargcount,
          f.counts, "an argument count");
    check(c.stacksize == built.stacksize, f.stacksize, "co_stacksize");
    check(c.code_bytes == built.code_bytes, f.prefixes, "co_code");
    check(c.linetable == built.linetable, f.lines, "the line table");
    check(c.exceptiontable == built.exceptiontable, f.exceptions, "co_exceptiontable");
    check(c.names == built.names && c.varnames == built.varnames &&
              c.cellvars == built.cellvars && c.freevars == built.freevars &&
              c.hidden == built.hidden,
          f.tables, "a name table");
    check(c.nlocals_override.value_or(static_cast<int>(c.varnames.size())) ==
              built.nlocals_override.value_or(static_cast<int>(built.varnames.size())),
          unused, "co_nlocals");
    check(format_marshal_notes(c.marshal_notes) == format_marshal_notes(built.marshal_notes),
          unused, "the marshal notes");
    std::vector<std::pair<const Code*, const Code*>> codes;
    bool consts = c.consts.size() == built.consts.size();
    for (size_t i = 0; consts && i < c.consts.size(); ++i)
      consts = same_value(*c.consts[i], *built.consts[i], codes);
    check(consts, f.tables, "co_consts");
    if (!consts) return;  // the nested code objects do not pair up
    for (auto [orig, rebuilt] : codes)
      for (const auto& child : v.children)
        if (child->orig == orig) code(*child, *rebuilt);
  }

 private:
  ForceMap& forces_;
  std::vector<std::string>& problems_;
};

void force_all(const View& v, ForceMap& forces) {
  Force& f = forces[v.orig];
  f.tables = f.flags = f.name = f.qualname = f.filename = f.firstlineno = f.counts = true;
  f.stacksize = f.lines = f.exceptions = f.prefixes = true;
  for (const auto& c : v.children) force_all(*c, forces);
}

}  // namespace

bool verify(std::string& text, const View& module, ForceMap& forces,
            std::vector<std::string>& problems) {
  // The text moves in and back out: a copy would be the largest single
  // allocation of a large file's disassembly.
  SourceFile file{"<disassembly>", std::move(text)};
  struct GiveBack {
    std::string& to;
    SourceFile& from;
    ~GiveBack() { to = std::move(from.text); }
  } give_back{text, file};
  Diagnostics diags;
  // Block by block as the text is parsed: the syntax tree is never whole,
  // and each code object keeps only the fields compared below.
  std::shared_ptr<const Code> code =
      parse_and_resolve(file, std::nullopt, {}, diags, /*keep_instructions=*/false);
  if (!code || diags.has_errors()) {
    // Text that does not assemble: write everything out next time.
    problems.push_back("the text does not assemble:\n" + diags.render());
    force_all(module, forces);
    return false;
  }
  Comparer(forces, problems).code(module, *code);
  return problems.empty();
}

}  // namespace pyasm::disasm
