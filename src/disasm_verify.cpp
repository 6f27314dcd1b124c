// The disassembler's rebuild check: the printed text is assembled again and
// each resulting code object compared, field by field, with the one read
// from the pyc. What differs is marked for the next round to write out in
// full, so that a default pyasm derives differently from CPython costs
// readability, never correctness.
#include <bit>
#include <functional>
#include <unordered_map>

#include "disasm_impl.hpp"
#include "pyasm/assembler.hpp"
#include "pyasm/marshal.hpp"

namespace pyasm::disasm {

namespace {

std::string chain(const View& v) {
  if (!v.parent) return "<module>";
  return v.parent->parent ? chain(*v.parent) + "." + v.id : v.id;
}

// Equal values, kinds and float bits included; `same_code` says whether a
// code object built from the text stands for one read from the pyc.
bool same_value(const Object& a, const Object& b,
                const std::function<bool(const Code*, const Code*)>& same_code) {
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
        if (!same_value(*a.items[i], *b.items[i], same_code)) return false;
      return true;
    case ObjKind::Code: return a.code && b.code && same_code(a.code.get(), b.code.get());
    default: return true;
  }
}

// Compares each code object built from the text as soon as the resolver
// has it (a nested block before its parent), with the View of the same
// `.code` ID path, then empties it: the check never holds the rebuilt tree.
class Comparer {
 public:
  Comparer(const View& module, ForceMap& forces, std::vector<std::string>& problems)
      : module_(module), forces_(forces), problems_(problems) {}

  void block(const std::vector<std::string_view>& ids, Code& built) {
    const View* v = &module_;
    for (size_t i = 0; v && i < ids.size(); ++i) v = child(*v, ids[i]);
    if (!v) {
      std::string path;
      for (std::string_view id : ids) path += (path.empty() ? "" : ".") + std::string(id);
      problems_.push_back("code block '" + path + "' of the text is not one of the pyc's");
      return;
    }
    code(*v, built);
    // Its nested code objects have been paired with their parent's
    // constants now; only this one can still be asked for.
    for (const ObjectPtr& k : built.consts)
      if (k->kind == ObjKind::Code) view_of_.erase(k->code.get());
    view_of_[&built] = v;
    built = Code();  // the block that holds it needs only its identity
  }

 private:
  // The nested code object of `parent` with that block ID. (A missing or
  // unplaced block shows as its parent's constants differing.)
  const View* child(const View& parent, std::string_view id) {
    auto& index = children_[&parent];
    if (index.empty())
      for (const auto& c : parent.children) index.emplace(c->id, c.get());
    auto it = index.find(id);
    return it == index.end() ? nullptr : it->second;
  }

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
    // A nested code object pairs with the pyc's when its block was the
    // View of that very code object.
    auto same_code = [&](const Code* orig, const Code* rebuilt) {
      auto it = view_of_.find(rebuilt);
      return it != view_of_.end() && it->second->orig == orig;
    };
    bool consts = c.consts.size() == built.consts.size();
    for (size_t i = 0; consts && i < c.consts.size(); ++i)
      consts = same_value(*c.consts[i], *built.consts[i], same_code);
    check(consts, f.tables, "co_consts");
  }

  const View& module_;
  ForceMap& forces_;
  std::vector<std::string>& problems_;
  std::unordered_map<const Code*, const View*> view_of_;  // rebuilt, not yet paired
  std::unordered_map<const View*, std::unordered_map<std::string_view, const View*>> children_;
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
  // and each code object is compared as soon as it is built, then dropped.
  Comparer compare(module, forces, problems);
  std::shared_ptr<const Code> code = parse_and_resolve(
      file, std::nullopt, {}, diags,
      [&](const std::vector<std::string_view>& ids, Code& built) { compare.block(ids, built); });
  if (!code || diags.has_errors()) {
    // Text that does not assemble: write everything out next time.
    problems.push_back("the text does not assemble:\n" + diags.render());
    force_all(module, forces);
    return false;
  }
  return problems.empty();
}

}  // namespace pyasm::disasm
