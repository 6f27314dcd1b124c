// The resolver: statements to code objects. Walks the flat statement list,
// opening a code block at `.code` and closing it at `.end`; a block is
// finalised (tables, opargs, encoding) when it closes, so every nested code
// object it references is complete by then.
#include <algorithm>
#include <functional>
#include <set>

#include "operands.hpp"
#include "pyasm/assembler.hpp"

namespace pyasm {

namespace {

struct PendingInstr {
  const Statement* stmt;
  const OpInfo* op;
  Location loc;
  bool line_start;
  std::vector<const Statement*> prefixes;  // EXTENDED_ARG lines written before it
};

// Where an exception goes: `HANDLER [depth N] [lasti]`.
struct HandlerSpec {
  std::string label;
  uint32_t at = 0;
  int depth = 0;
  bool lasti = false;
};

// `.except START END HANDLER ...`: an explicit exception-table entry.
struct PendingExcept {
  uint32_t src;
  std::string start, end;
  uint32_t start_at, end_at;
  HandlerSpec handler;
};

// `.try HANDLER ...` ... `.endtry`: a protected region.
struct TryRegion {
  uint32_t src;
  HandlerSpec handler;
};

struct Block {
  std::string id;
  uint32_t offset = 0;
  Block* parent = nullptr;
  std::shared_ptr<Code> code = std::make_shared<Code>();
  bool is_module = false;
  bool saw_instruction = false;  // even one that failed to resolve
  bool flags_set = false, firstline_set = false, name_set = false, qualname_set = false;
  bool argcount_set = false, kwonly_set = false, posonly_set = false;
  bool consts_fixed = false, names_fixed = false, varnames_fixed = false, cellvars_fixed = false;
  std::vector<const Expr*> explicit_consts;
  std::vector<std::string> signature;  // argument names from `.code f(...)`
  uint32_t sig_flags = 0;              // VARARGS / VARKEYWORDS from the signature
  std::vector<PendingInstr> instrs;
  std::map<std::string, LabelDef> labels;
  std::vector<std::string> pending_labels;
  std::vector<const Statement*> pending_prefixes;  // EXTENDED_ARG lines so far
  size_t labels_before_prefixes = 0;
  Location loc;
  bool line_pending = false;
  std::optional<int> first_line;
  std::vector<LineEvent> line_events;
  std::vector<PendingExcept> excepts;
  std::vector<TryRegion> regions;   // every .try of the block
  std::vector<int> open_regions;    // indices into regions, innermost last
  std::vector<int> instr_region;    // per instruction: innermost region or -1
  CodeRefs children;
};

std::vector<std::string_view> directive_names();

class Resolver {
 public:
  Resolver(const SourceFile& file, Version v, Diagnostics& diags)
      : sink_{file, diags}, table_(*opcode_table(v)), version_(v) {}

  std::shared_ptr<const Code> run(const Module& m);

 private:
  void statement(const Statement& st);
  void instruction(const Statement& st);
  void directive(const Statement& st);
  void open_block(const Statement& st);
  void close_block(uint32_t at);
  std::shared_ptr<Code> finalize(Block& b);
  void resolve_instrs(Block& b, Tables& tables, bool collect, bool& ok);
  void set_defaults(Block& b);
  bool check_signature(Block& b);
  void unknown_opcode(const Statement& st);

  // Directive helpers.
  std::optional<int> int_arg(const Statement& st, int min = 0);
  std::optional<std::string> str_arg(const Statement& st);
  std::optional<std::vector<std::string>> name_list(const Statement& st);
  void line_directive(const Statement& st);
  void flags_directive(const Statement& st);
  void except_directive(const Statement& st);
  void try_directive(const Statement& st);
  bool handler_tail(const std::vector<const Expr*>& words, size_t i, HandlerSpec& spec,
                    const char* usage);
  void build_exception_table(Block& b);
  bool check_prefixes(Block& b);
  std::optional<ExceptionEntry> entry_for(Block& b, int start, int end, const HandlerSpec& h,
                                          uint32_t src);
  void table_directive(const Statement& st);

  Block& cur() { return *stack_.back(); }
  void error(uint32_t at, std::string msg) { sink_.error(at, std::move(msg)); }

  Sink sink_;
  const OpcodeTable& table_;
  Version version_;
  std::vector<std::unique_ptr<Block>> stack_;
};

std::shared_ptr<const Code> Resolver::run(const Module& m) {
  auto module = std::make_unique<Block>();
  module->is_module = true;
  module->id = "<module>";
  stack_.push_back(std::move(module));
  for (const Statement& st : m.statements) statement(st);
  while (stack_.size() > 1) {
    error(cur().offset, "code block '" + cur().id + "' has no .end");
    stack_.pop_back();
  }
  std::shared_ptr<Code> code = finalize(cur());
  if (sink_.diags.has_errors()) return nullptr;
  return code;
}

void Resolver::statement(const Statement& st) {
  switch (st.kind) {
    case Statement::kLabel: {
      Block& b = cur();
      auto it = b.labels.find(st.name);
      bool pending = std::find(b.pending_labels.begin(), b.pending_labels.end(), st.name) !=
                     b.pending_labels.end();
      if (it != b.labels.end() || pending) {
        error(st.offset, "duplicate label '" + st.name + "'");
        if (it != b.labels.end()) sink_.diags.note(sink_.file, it->second.src, "first defined here");
        return;
      }
      b.labels[st.name] = LabelDef{-1, st.offset};
      b.pending_labels.push_back(st.name);
      return;
    }
    case Statement::kInstruction: return instruction(st);
    case Statement::kDirective: return directive(st);
  }
}

void Resolver::unknown_opcode(const Statement& st) {
  if (const NotInPyc* n = table_.find_not_in_pyc(st.name)) {
    std::string instead(n->instead);
    switch (n->kind) {
      case NotInPycKind::Specialized:
        return error(st.offset, st.name + " is a specialized form of " + instead +
                                    " that CPython " + version_.str() +
                                    " creates at run time; a pyc holds " + instead);
      case NotInPycKind::Instrumented:
        return error(st.offset, st.name + " is created at run time by sys.monitoring; a pyc "
                                          "holds " + instead);
      case NotInPycKind::Pseudo:
        return error(st.offset, st.name + " is a pseudo-instruction of CPython " +
                                    version_.str() + "'s compiler, gone before the pyc is " +
                                    "written" +
                                    (instead == "nothing"
                                         ? "; protected regions are written with .try or .except"
                                         : "; write " + instead));
    }
  }
  std::string msg = "unknown opcode '" + st.name + "' for CPython " + version_.str();
  std::string elsewhere = versions_with_opcode(st.name);
  if (!elsewhere.empty()) msg += " (it exists in " + elsewhere + ")";
  std::vector<std::string_view> names;
  for (const OpInfo& op : table_.ops) names.push_back(op.name);
  std::string near = nearest(st.name, names);
  if (!near.empty() && near != st.name) msg += "; did you mean '" + near + "'?";
  error(st.offset, msg);
}

void Resolver::instruction(const Statement& st) {
  cur().saw_instruction = true;
  const OpInfo* op = table_.find(st.name);
  if (!op) return unknown_opcode(st);
  if (op->name == "CACHE" && version_.at_least(11))
    return error(st.offset, "CACHE entries are inserted by the assembler; do not write them");
  Block& b = cur();
  if (op->code == table_.extended_arg) {
    // Normally inserted by the encoder; written out, they fix how many
    // prefixes the next instruction gets (CPython keeps redundant ones).
    // A label before them names the whole instruction.
    if (b.pending_prefixes.empty()) b.labels_before_prefixes = b.pending_labels.size();
    b.pending_prefixes.push_back(&st);
    return;
  }
  if (!b.pending_prefixes.empty() && b.pending_labels.size() > b.labels_before_prefixes)
    error(st.offset, "a label cannot stand between EXTENDED_ARG and the instruction it "
                     "extends; put it before the EXTENDED_ARG lines");
  int index = static_cast<int>(b.instrs.size());
  for (const std::string& l : b.pending_labels) b.labels[l].index = index;
  b.pending_labels.clear();
  b.instrs.push_back({&st, op, b.loc, b.line_pending, std::move(b.pending_prefixes)});
  b.pending_prefixes.clear();
  b.instr_region.push_back(b.open_regions.empty() ? -1 : b.open_regions.back());
  b.line_pending = false;
}

// --- Directives -----------------------------------------------------------------

std::optional<int> Resolver::int_arg(const Statement& st, int min) {
  if (st.args.size() == 1 && st.args[0]->kind == Expr::kInt) {
    auto v = BigInt::parse(st.args[0]->value);
    auto i = v ? v->to_int64() : std::nullopt;
    if (i && *i >= min && *i <= 0x7FFFFFFF) return static_cast<int>(*i);
    error(st.args[0]->offset, "." + st.name + " value out of range");
    return std::nullopt;
  }
  error(st.args.empty() ? st.offset : st.args[0]->offset, "." + st.name + " takes one integer");
  return std::nullopt;
}

std::optional<std::string> Resolver::str_arg(const Statement& st) {
  if (st.args.size() == 1 &&
      (st.args[0]->kind == Expr::kStr || st.args[0]->kind == Expr::kIdent))
    return st.args[0]->value;
  error(st.args.empty() ? st.offset : st.args[0]->offset,
        "." + st.name + " takes one name or string");
  return std::nullopt;
}

// Names written with commas, spaces or both: `.varnames a, b c`.
std::optional<std::vector<std::string>> Resolver::name_list(const Statement& st) {
  std::vector<std::string> out;
  std::function<bool(const Expr&)> add = [&](const Expr& e) {
    if (e.kind == Expr::kWords) {
      for (const ExprPtr& k : e.kids)
        if (!add(*k)) return false;
      return true;
    }
    bool dotted = e.kind == Expr::kFloat && !e.value.empty() && e.value[0] == '.';
    if (e.kind != Expr::kIdent && e.kind != Expr::kStr && !dotted) {
      error(e.offset, "expected a name, got " + describe(e));
      return false;
    }
    out.push_back(e.value);
    return true;
  };
  for (const ExprPtr& a : st.args)
    if (!add(*a)) return std::nullopt;
  return out;
}

void Resolver::line_directive(const Statement& st) {
  Block& b = cur();
  if (st.args.size() != 1) return error(st.offset, ".line takes a line number, a span or none");
  const Expr& a = *st.args[0];
  Location loc;
  if (a.kind == Expr::kIdent && (a.value == "none" || a.value == "None")) {
    if (!version_.at_least(10))
      return error(a.offset, "instructions without a line number need CPython 3.10 or later");
  } else if (a.kind == Expr::kInt) {
    auto v = int_arg(st, 0);
    if (!v) return;
    loc = {*v, *v, -1, -1};
  } else if (a.kind == Expr::kSpan) {
    // L:C-EC or L:C-EL:EC
    int n[4] = {0, 0, 0, 0};
    int count = sscanf(a.value.c_str(), "%d:%d-%d:%d", &n[0], &n[1], &n[2], &n[3]);
    if (count == 3) loc = {n[0], n[0], n[1], n[2]};
    else loc = {n[0], n[2], n[1], n[3]};
    if (!version_.at_least(11))
      return error(a.offset, "column spans need CPython 3.11 or later; write .line " +
                                 std::to_string(n[0]));
    if (loc.end_line < loc.line) return error(a.offset, "span ends before it starts");
  } else {
    return error(a.offset, ".line takes a line number, a span such as 5:4-12, or none");
  }
  b.loc = loc;
  b.line_pending = true;
  if (loc.line >= 0) b.line_events.push_back({static_cast<int>(b.instrs.size()), loc.line});
  if (!b.first_line && loc.line >= 0) b.first_line = loc.line;
}

void Resolver::flags_directive(const Statement& st) {
  static const std::pair<std::string_view, uint32_t> kNames[] = {
      {"OPTIMIZED", kOptimized}, {"NEWLOCALS", kNewLocals}, {"VARARGS", kVarArgs},
      {"VARKEYWORDS", kVarKeywords}, {"NESTED", kNested}, {"GENERATOR", kGenerator},
      {"NOFREE", kNoFree}, {"COROUTINE", kCoroutine}, {"ITERABLE_COROUTINE", kIterableCoroutine},
      {"ASYNC_GENERATOR", kAsyncGenerator}};
  uint32_t flags = 0;
  std::function<bool(const Expr&)> add = [&](const Expr& e) {
    if (e.kind == Expr::kWords || (e.kind == Expr::kBinary && e.value == "|")) {
      for (const ExprPtr& k : e.kids)
        if (!add(*k)) return false;
      return true;
    }
    if (e.kind == Expr::kInt) {
      auto v = BigInt::parse(e.value);
      auto i = v ? v->to_int64() : std::nullopt;
      if (i && *i >= 0 && *i <= 0xFFFFFFFFLL) {
        flags |= static_cast<uint32_t>(*i);
        return true;
      }
    }
    for (auto [name, bit] : kNames)
      if (e.kind == Expr::kIdent && e.value == name) {
        flags |= bit;
        return true;
      }
    std::vector<std::string_view> names;
    for (auto [name, bit] : kNames) names.push_back(name);
    std::string near = e.kind == Expr::kIdent ? nearest(e.value, names) : "";
    error(e.offset, "unknown code flag " + describe(e) +
                        (near.empty() ? "" : "; did you mean '" + near + "'?"));
    return false;
  };
  for (const ExprPtr& a : st.args)
    if (!add(*a)) return;
  cur().code->flags = flags;
  cur().flags_set = true;
}

namespace {

// A directive's arguments as one list of words: `a b, c` -> a b c.
std::vector<const Expr*> flat_words(const Statement& st) {
  std::vector<const Expr*> words;
  for (const ExprPtr& a : st.args) {
    if (a->kind == Expr::kWords)
      for (const ExprPtr& k : a->kids) words.push_back(k.get());
    else
      words.push_back(a.get());
  }
  return words;
}

}  // namespace

// Parses `HANDLER [depth N] [lasti]` from words[i].
bool Resolver::handler_tail(const std::vector<const Expr*>& words, size_t i, HandlerSpec& spec,
                            const char* usage) {
  if (i >= words.size() || words[i]->kind != Expr::kIdent) {
    error(i < words.size() ? words[i]->offset : words.empty() ? 0 : words.back()->offset, usage);
    return false;
  }
  spec.label = words[i]->value;
  spec.at = words[i]->offset;
  for (++i; i < words.size(); ++i) {
    const Expr& w = *words[i];
    if (w.kind == Expr::kIdent && w.value == "lasti") {
      spec.lasti = true;
    } else if (w.kind == Expr::kIdent && w.value == "depth") {
      const Expr* n = i + 1 < words.size() ? words[i + 1] : nullptr;
      if (!n || n->kind != Expr::kInt || n->value.size() > 5 ||
          !std::all_of(n->value.begin(), n->value.end(), ::isdigit)) {
        error(n ? n->offset : w.offset, "depth needs a stack depth (an integer)" +
                                            (n ? ", got " + describe(*n) : std::string()));
        return false;
      }
      spec.depth = std::stoi(n->value);
      ++i;
    } else {
      error(w.offset, "unexpected " + describe(w) + "; expected depth N or lasti");
      return false;
    }
  }
  return true;
}

// .except START END HANDLER [depth N] [lasti]
void Resolver::except_directive(const Statement& st) {
  if (!version_.at_least(11))
    return error(st.offset, "exception tables exist from CPython 3.11; before that, use "
                            "SETUP_FINALLY and friends");
  const char* usage = ".except expects: START END HANDLER [depth N] [lasti]";
  std::vector<const Expr*> words = flat_words(st);
  PendingExcept ex{st.offset, {}, {}, 0, 0, {}};
  for (size_t k = 0; k < 2; ++k) {
    if (k >= words.size() || words[k]->kind != Expr::kIdent)
      return error(k < words.size() ? words[k]->offset : st.offset, usage);
    (k == 0 ? ex.start : ex.end) = words[k]->value;
    (k == 0 ? ex.start_at : ex.end_at) = words[k]->offset;
  }
  if (!handler_tail(words, 2, ex.handler, usage)) return;
  cur().excepts.push_back(std::move(ex));
}

// .try HANDLER [depth N] [lasti]  ...  .endtry
void Resolver::try_directive(const Statement& st) {
  Block& b = cur();
  if (!version_.at_least(11)) {
    if (st.name == "try")
      error(st.offset, ".try regions need CPython 3.11 or later; before that, use "
                       "SETUP_FINALLY and friends");
    return;
  }
  if (st.name == "endtry") {
    if (b.open_regions.empty()) return error(st.offset, ".endtry without a matching .try");
    b.open_regions.pop_back();
    return;
  }
  TryRegion r{st.offset, {}};
  if (!handler_tail(flat_words(st), 0, r.handler, ".try expects: HANDLER [depth N] [lasti]"))
    return;
  b.open_regions.push_back(static_cast<int>(b.regions.size()));
  b.regions.push_back(std::move(r));
}

void Resolver::table_directive(const Statement& st) {
  Block& b = cur();
  if (st.name == "consts") {
    if (b.consts_fixed) return error(st.offset, "duplicate .consts");
    b.consts_fixed = true;
    for (const ExprPtr& a : st.args) b.explicit_consts.push_back(a.get());
    return;
  }
  auto names = name_list(st);
  if (!names) return;
  Code& c = *b.code;
  auto set = [&](bool& fixed, std::vector<std::string>& dst) {
    if (fixed) return error(st.offset, "duplicate ." + st.name);
    fixed = true;
    dst = *names;
  };
  if (st.name == "names") set(b.names_fixed, c.names);
  else if (st.name == "varnames") set(b.varnames_fixed, c.varnames);
  else if (st.name == "cellvars") set(b.cellvars_fixed, c.cellvars);
  else if (st.name == "freevars") c.freevars = *names;
  else if (st.name == "hidden") {
    if (!version_.at_least(12))
      return error(st.offset, "hidden locals (inlined comprehensions) exist from CPython 3.12");
    c.hidden = *names;
  }
}

void Resolver::directive(const Statement& st) {
  Block& b = cur();
  Code& c = *b.code;
  const std::string& d = st.name;
  if (d == "python") {
    if (!b.is_module || stack_.size() > 1) error(st.offset, ".python belongs at the top of the file");
    return;  // read by target_version()
  }
  if (d == "code") return open_block(st);
  if (d == "end") return close_block(st.offset);
  if (d == "line") return line_directive(st);
  if (d == "flags") return flags_directive(st);
  if (d == "except") return except_directive(st);
  if (d == "try" || d == "endtry") return try_directive(st);
  if (d == "consts" || d == "names" || d == "varnames" || d == "cellvars" || d == "freevars" ||
      d == "hidden")
    return table_directive(st);
  if (d == "name" || d == "qualname" || d == "filename") {
    auto s = str_arg(st);
    if (!s) return;
    if (d == "name") c.name = *s, b.name_set = true;
    else if (d == "qualname") c.qualname = *s, b.qualname_set = true;
    else c.filename = *s;
    if (d == "qualname" && !version_.at_least(11))
      error(st.offset, "co_qualname exists from CPython 3.11");
    return;
  }
  if (d == "firstlineno") {
    if (auto v = int_arg(st)) c.firstlineno = *v, b.firstline_set = true;
    return;
  }
  if (d == "argcount") {
    if (auto v = int_arg(st)) c.argcount = *v, b.argcount_set = true;
    return;
  }
  if (d == "posonlyargcount") {
    if (!version_.at_least(8)) return error(st.offset, "positional-only arguments exist from 3.8");
    if (auto v = int_arg(st)) c.posonlyargcount = *v, b.posonly_set = true;
    return;
  }
  if (d == "kwonlyargcount") {
    if (auto v = int_arg(st)) c.kwonlyargcount = *v, b.kwonly_set = true;
    return;
  }
  if (d == "stacksize") {
    if (auto v = int_arg(st)) c.stacksize_override = *v;
    return;
  }
  std::string near = nearest(d, directive_names());
  error(st.offset, "unknown directive '." + d + "'" +
                       (near.empty() ? "" : "; did you mean '." + near + "'?"));
}

std::vector<std::string_view> directive_names() {
  return {"python", "code", "end", "line", "flags", "except", "try", "endtry", "consts",
          "names", "varnames", "hidden",
          "cellvars", "freevars", "name", "qualname", "filename", "firstlineno", "argcount",
          "posonlyargcount", "kwonlyargcount", "stacksize"};
}

// .code ID  or  .code ID(a, b, /, c, *args, d, **kw)
void Resolver::open_block(const Statement& st) {
  auto b = std::make_unique<Block>();
  b->offset = st.offset;
  b->parent = &cur();
  if (st.args.size() != 1 ||
      (st.args[0]->kind != Expr::kIdent && st.args[0]->kind != Expr::kCall)) {
    error(st.offset, ".code takes a name and an optional signature: .code NAME(a, b)");
    b->id = "?";
  } else {
    const Expr& h = *st.args[0];
    b->id = h.value;
    bool kwonly = false, posonly_seen = false;
    int positional = 0, kwonly_count = 0;
    std::vector<std::string> pos, kw;
    std::string star, dstar;
    for (const ExprPtr& a : h.kids) {
      bool dotted = a->kind == Expr::kFloat && a->value.size() > 1 && a->value[0] == '.';
      if (a->kind == Expr::kIdent || a->kind == Expr::kStr || dotted) {
        (kwonly ? kw : pos).push_back(a->value);
        (kwonly ? kwonly_count : positional)++;
      } else if (a->kind == Expr::kSymbol && a->value == "/" && !posonly_seen && !kwonly) {
        posonly_seen = true;
        b->code->posonlyargcount = positional;
      } else if (a->kind == Expr::kSymbol && a->value == "*" && !kwonly) {
        kwonly = true;
      } else if (a->kind == Expr::kPrefix && a->kids[0]->kind == Expr::kIdent &&
                 ((a->value == "*" && !kwonly) || (a->value == "**" && dstar.empty()))) {
        if (a->value == "*") star = a->kids[0]->value, kwonly = true;
        else dstar = a->kids[0]->value;
      } else {
        error(a->offset, "unexpected " + describe(*a) + " in signature");
      }
    }
    if (posonly_seen && !version_.at_least(8))
      error(st.offset, "positional-only arguments exist from CPython 3.8");
    b->code->argcount = positional;
    b->code->kwonlyargcount = kwonly_count;
    b->signature = pos;
    b->signature.insert(b->signature.end(), kw.begin(), kw.end());
    if (!star.empty()) b->signature.push_back(star), b->sig_flags |= kVarArgs;
    if (!dstar.empty()) b->signature.push_back(dstar), b->sig_flags |= kVarKeywords;
  }
  if (cur().children.count(b->id)) error(st.offset, "duplicate code block '" + b->id + "'");
  stack_.push_back(std::move(b));
}

void Resolver::close_block(uint32_t at) {
  if (stack_.size() == 1) return error(at, ".end without a matching .code");
  std::unique_ptr<Block> b = std::move(stack_.back());
  stack_.pop_back();
  // A block that failed is still registered (as null), so that references
  // to it do not report a second, consequential error.
  cur().children[b->id] = finalize(*b);
}

// --- Finalisation ---------------------------------------------------------------

// Fills the attributes a block left unsaid the way CPython's compiler would.
// Attribute values as they stand, with CPython's defaults for what the
// block has not said. A child block is finalised before its parent, so its
// defaults must come from these rather than from the parent's final Code.
namespace {

std::string name_of(const Block& b) {
  return b.name_set ? b.code->name : b.is_module ? "<module>" : b.id;
}

bool is_function(const Block& b) {
  return b.flags_set ? (b.code->flags & kOptimized) != 0 : !b.is_module;
}

// CPython's compiler adds `.<locals>` after a function or lambda scope, but
// not after a class or comprehension scope; pyasm tells a comprehension by
// its name.
bool has_locals_in_qualname(const Block& b) {
  std::string n = name_of(b);
  bool comprehension = n == "<listcomp>" || n == "<setcomp>" || n == "<dictcomp>" ||
                       n == "<genexpr>";
  return is_function(b) && !comprehension;
}

std::string qualname_of(const Block& b) {
  if (b.qualname_set) return b.code->qualname;
  const Block* p = b.parent;
  if (!p || p->is_module) return name_of(b);
  return qualname_of(*p) + (has_locals_in_qualname(*p) ? ".<locals>." : ".") + name_of(b);
}

std::string filename_of(const Block& b, const std::string& input_name) {
  if (!b.code->filename.empty()) return b.code->filename;
  return b.parent ? filename_of(*b.parent, input_name) : input_name;
}

}  // namespace

void Resolver::set_defaults(Block& b) {
  Code& c = *b.code;
  Block* parent = b.parent;
  c.name = name_of(b);
  c.qualname = qualname_of(b);
  c.filename = filename_of(b, sink_.file.name);
  // A function starts at its first line (where CPython puts the `def`), and
  // so does a module up to 3.9; from 3.10 a module always starts at line 1.
  bool module_at_1 = b.is_module && version_.at_least(10);
  if (!b.firstline_set && !module_at_1)
    c.firstlineno = b.first_line ? *b.first_line
                                 : (parent && parent->loc.line > 0 ? parent->loc.line : 1);
  if (!b.flags_set) {
    uint32_t f = b.is_module ? 0 : kOptimized | kNewLocals;
    f |= b.sig_flags;
    // CPython marks a function nested when any enclosing scope is a function.
    for (Block* p = parent; p && !b.is_module; p = p->parent)
      if (!p->is_module && is_function(*p)) f |= kNested;
    for (const PendingInstr& pi : b.instrs)
      if (pi.op->name == "YIELD_VALUE" || pi.op->name == "YIELD_FROM" ||
          pi.op->name == "RETURN_GENERATOR")
        f |= kGenerator;
    c.flags = f;
  }
}

bool Resolver::check_signature(Block& b) {
  Code& c = *b.code;
  if (!b.varnames_fixed) {
    c.varnames = b.signature;
    return true;
  }
  for (size_t i = 0; i < b.signature.size(); ++i)
    if (i >= c.varnames.size() || c.varnames[i] != b.signature[i]) {
      error(b.offset, "the signature's arguments must be the first names in .varnames");
      return false;
    }
  return true;
}

void Resolver::resolve_instrs(Block& b, Tables& tables, bool collect, bool& ok) {
  Code& c = *b.code;
  c.instrs.clear();
  OperandContext ctx{table_, tables, b.children, b.labels, sink_,
                     static_cast<int>(b.instrs.size()), collect};
  for (const PendingInstr& pi : b.instrs) {
    ResolvedOperand r = resolve_operand(*pi.op, *pi.stmt, ctx);
    if (!r.ok) ok = false;
    Instr in;
    in.opcode = pi.op->code;
    in.arg = r.arg;
    in.target = r.target;
    in.loc = pi.loc;
    in.line_start = pi.line_start;
    in.src = pi.stmt->offset;
    in.prefixes = static_cast<uint8_t>(std::min<size_t>(pi.prefixes.size(), 3));
    if (collect && pi.prefixes.size() > 3) {
      error(pi.prefixes[3]->offset, "at most 3 EXTENDED_ARG prefixes fit a 32-bit oparg");
      ok = false;
    }
    c.instrs.push_back(in);
  }
}

// Written EXTENDED_ARG values must be the bytes the final oparg puts there,
// and there must be enough of them for it.
bool Resolver::check_prefixes(Block& b) {
  bool ok = true;
  for (size_t i = 0; i < b.instrs.size(); ++i) {
    const auto& prefixes = b.instrs[i].prefixes;
    uint32_t arg = b.code->instrs[i].arg;
    size_t k = prefixes.size();
    if (k && k < 3 && (arg >> (8 * (k + 1))) != 0) {
      error(prefixes[0]->offset, "the oparg " + std::to_string(arg) + " needs more than the " +
                                     std::to_string(k) + " EXTENDED_ARG prefixes written");
      ok = false;
      continue;
    }
    for (size_t j = 0; j < k; ++j) {
      const Statement& st = *prefixes[j];
      if (st.args.empty()) continue;
      uint32_t byte = (arg >> (8 * (k - j))) & 0xFF;
      const Expr& e = *st.args[0];
      auto v = e.kind == Expr::kInt ? BigInt::parse(e.value) : std::nullopt;
      auto n = v ? v->to_int64() : std::nullopt;
      if (st.args.size() != 1 || !n || *n != byte) {
        error(e.offset, "EXTENDED_ARG here carries " + std::to_string(byte) +
                            " (the high byte of the oparg " + std::to_string(arg) + ")");
        ok = false;
      }
    }
  }
  if (!b.pending_prefixes.empty()) {
    error(b.pending_prefixes[0]->offset, "EXTENDED_ARG at the end of the code extends nothing");
    ok = false;
  }
  return ok;
}

std::optional<ExceptionEntry> Resolver::entry_for(Block& b, int start, int end,
                                                  const HandlerSpec& h, uint32_t src) {
  auto it = b.labels.find(h.label);
  if (it == b.labels.end()) {
    error(h.at, "undefined label '" + h.label + "'");
    return std::nullopt;
  }
  if (it->second.index >= static_cast<int>(b.instrs.size())) {
    error(h.at, "handler label '" + h.label + "' marks the end of the code");
    return std::nullopt;
  }
  return ExceptionEntry{start, end, it->second.index, h.depth, h.lasti, src};
}

// The exception table: explicit `.except` entries, and `.try` regions turned
// into entries the way CPython's assembler does it: each instruction is
// handled by its innermost region, and runs of instructions with the same
// handler, depth and lasti become one entry.
void Resolver::build_exception_table(Block& b) {
  Code& c = *b.code;
  for (int r : b.open_regions) error(b.regions[r].src, ".try without a matching .endtry");
  const int n = static_cast<int>(b.instrs.size());
  for (int i = 0; i < n;) {
    int r = b.instr_region[i];
    if (r < 0) {
      ++i;
      continue;
    }
    const HandlerSpec& h = b.regions[r].handler;
    int j = i + 1;
    auto same = [&](int k) {
      int rk = b.instr_region[k];
      if (rk < 0) return false;
      const HandlerSpec& o = b.regions[rk].handler;
      return o.label == h.label && o.depth == h.depth && o.lasti == h.lasti;
    };
    while (j < n && same(j)) ++j;
    if (auto e = entry_for(b, i, j, h, b.regions[r].src)) c.exceptions.push_back(*e);
    i = j;
  }
  for (const PendingExcept& ex : b.excepts) {
    auto start = b.labels.find(ex.start), end = b.labels.find(ex.end);
    if (start == b.labels.end()) error(ex.start_at, "undefined label '" + ex.start + "'");
    if (end == b.labels.end()) error(ex.end_at, "undefined label '" + ex.end + "'");
    if (start == b.labels.end() || end == b.labels.end()) continue;
    if (end->second.index <= start->second.index) {
      error(ex.src, "exception range is empty or reversed");
      continue;
    }
    if (auto e = entry_for(b, start->second.index, end->second.index, ex.handler, ex.src))
      c.exceptions.push_back(*e);
  }
  // CPython looks a handler up in a table sorted by start, with no overlaps.
  std::stable_sort(c.exceptions.begin(), c.exceptions.end(),
                   [](const auto& x, const auto& y) { return x.start < y.start; });
  for (size_t k = 1; k < c.exceptions.size(); ++k)
    if (c.exceptions[k].start < c.exceptions[k - 1].end)
      error(c.exceptions[k].src,
            "exception table entries overlap: this one and the one from line " +
                std::to_string(sink_.file.line_col(c.exceptions[k - 1].src).line) +
                " cover the same instructions");
}

std::shared_ptr<Code> Resolver::finalize(Block& b) {
  Code& c = *b.code;
  c.version = version_;
  int errors_before = sink_.diags.error_count();
  for (const std::string& l : b.pending_labels) b.labels[l].index = static_cast<int>(b.instrs.size());
  if (!b.saw_instruction) error(b.offset, "code block '" + b.id + "' has no instructions");

  Tables tables{c, false, false, false, false, {}, {}, {}, {}, {}, {}, 0};
  tables.names_fixed = b.names_fixed;
  tables.varnames_fixed = b.varnames_fixed;
  tables.cellvars_fixed = b.cellvars_fixed;
  if (b.consts_fixed) {
    tables.consts_fixed = true;
    for (const Expr* e : b.explicit_consts) {
      ObjectPtr o = eval_const(*e, b.children, sink_);
      if (!o) continue;
      tables.const_index.emplace(const_key(*o), static_cast<int>(c.consts.size()));
      c.consts.push_back(o);
    }
  }
  bool ok = check_signature(b);
  set_defaults(b);
  // Pass 1 grows the tables in first-use order; pass 2 computes the opargs
  // against the final tables (3.11 localsplus indices depend on all of them).
  resolve_instrs(b, tables, true, ok);
  if (ok) {
    tables.names_fixed = tables.varnames_fixed = tables.cellvars_fixed = tables.consts_fixed = true;
    resolve_instrs(b, tables, false, ok);
  }
  if (!b.flags_set && !version_.at_least(10) && c.cellvars.empty() && c.freevars.empty())
    c.flags |= kNoFree;
  build_exception_table(b);
  c.line_events = b.line_events;
  for (const std::string& h : c.hidden)
    if (std::find(c.varnames.begin(), c.varnames.end(), h) == c.varnames.end() &&
        std::find(c.cellvars.begin(), c.cellvars.end(), h) == c.cellvars.end())
      error(b.offset, "hidden local '" + h + "' is not a local or cell variable of '" + b.id + "'");
  // Encoding and stack analysis of a file with errors would mostly report
  // their consequences (an underflow where an instruction was dropped).
  if (sink_.diags.error_count() != errors_before || sink_.diags.has_errors()) return nullptr;
  if (!encode(c, sink_.file, sink_.diags)) return nullptr;
  if (!check_prefixes(b)) return nullptr;
  return b.code;
}

}  // namespace

std::optional<Version> target_version(const Module& module, const SourceFile& file,
                                      std::optional<Version> requested, Diagnostics& diags) {
  const Statement* found = nullptr;
  for (const Statement& st : module.statements) {
    if (st.kind != Statement::kDirective || st.name != "python") continue;
    if (found) {
      diags.error(file, st.offset, "duplicate .python directive");
      return std::nullopt;
    }
    found = &st;
  }
  if (!found) {
    if (!requested) {
      diags.error(file, 0, "no target version: add `.python 3.X` at the top of the file, or pass "
                           "--python 3.X");
      return std::nullopt;
    }
    return requested;
  }
  std::optional<Version> v;
  if (found->args.size() == 1 &&
      (found->args[0]->kind == Expr::kFloat || found->args[0]->kind == Expr::kIdent))
    v = parse_version(found->args[0]->value);
  uint32_t at = found->args.empty() ? found->offset : found->args[0]->offset;
  if (!v) {
    diags.error(file, at, ".python takes a version such as 3.11");
    return std::nullopt;
  }
  if (!is_supported(*v)) {
    diags.error(file, at, "CPython " + v->str() + " is not supported; pyasm targets " +
                              supported_versions_text());
    return std::nullopt;
  }
  if (requested && *requested != *v) {
    diags.error(file, at, "the file targets CPython " + v->str() + " but --python " +
                              requested->str() + " was given");
    return std::nullopt;
  }
  return v;
}

std::shared_ptr<const Code> resolve(const Module& module, const SourceFile& file, Version version,
                                    Diagnostics& diags) {
  return Resolver(file, version, diags).run(module);
}

}  // namespace pyasm
