// The resolver: statements to code objects. Walks the flat statement list,
// opening a code block at `.code` and closing it at `.end`; a block is
// finalised (tables, opargs, encoding) when it closes, so every nested code
// object it references is complete by then.
#include <algorithm>
#include <functional>
#include <set>

#include "pyasm/parser.hpp"
#include "resolver_impl.hpp"

namespace pyasm {

namespace detail {

std::shared_ptr<const Code> Resolver::run(const Module& m) {
  begin();
  for (const Statement& st : m.statements) {
    if (aborted_) return nullptr;
    statement(st);
  }
  return finish();
}

void Resolver::begin() {
  auto module = std::make_unique<Block>();
  module->is_module = true;
  module->id = "<module>";
  stack_.push_back(std::move(module));
}

void Resolver::feed(const Statement& st) {
  if (aborted_) return;
  statement(st);
}

std::shared_ptr<const Code> Resolver::finish() {
  if (aborted_) return nullptr;
  while (stack_.size() > 1) {
    error(cur().offset, "code block '" + cur().id + "' has no .end");
    line_events_.resize(cur().line_events_begin);
    stack_.pop_back();
  }
  std::shared_ptr<Code> code = finalize(cur());
  if (sink_.diags.has_errors()) return nullptr;
  return code;
}

// Inlined into feed() and run(): called once per statement, as its own
// function it was a call and a frame more for every line.
[[gnu::always_inline]] inline void Resolver::statement(const Statement& st) {
  switch (st.kind) {
    case Statement::kLabel:
      return label(st);
    case Statement::kInstruction:
      return instruction(st);
    case Statement::kDirective:
      return directive(st);
  }
}

void Resolver::label(const Statement& st) {
  Block& b = cur();
  // Every label, pending or not, is in the map from where it is written.
  if (const LabelDef* first = b.labels.find(st.name)) {
    error(st.offset, "duplicate label '" + std::string(st.name) + "'");
    sink_.diags.note(sink_.file, first->src, "first defined here");
    return;
  }
  b.labels.add(st.name, st.offset);
}

void Resolver::unknown_opcode(const Statement& st) {
  if (const NotInPyc* n = table_.find_not_in_pyc(st.name)) {
    std::string instead(n->instead);
    switch (n->kind) {
      case NotInPycKind::Specialized:
        return error(st.offset, std::string(st.name) + " is a specialized form of " + instead +
                                    " that CPython " + version_.str() +
                                    " creates at run time; a pyc holds " + instead);
      case NotInPycKind::Instrumented:
        return error(st.offset, std::string(st.name) +
                                    " is created at run time by sys.monitoring; a pyc "
                                    "holds " +
                                    instead);
      case NotInPycKind::Pseudo:
        return error(st.offset, std::string(st.name) + " is a pseudo-instruction of CPython " + version_.str() +
                                    "'s compiler, gone before the pyc is " + "written" +
                                    (instead == "nothing"
                                         ? "; protected regions are written with .try or .except"
                                         : "; write " + instead));
    }
  }
  std::string msg = "unknown opcode '" + std::string(st.name) + "' for CPython " + version_.str();
  std::string elsewhere = versions_with_opcode(st.name);
  if (!elsewhere.empty()) msg += " (it exists in " + elsewhere + ")";
  std::vector<std::string_view> names;
  for (const OpInfo& op : table_.ops) names.push_back(op.name);
  std::string near = nearest(st.name, names);
  if (!near.empty() && near != st.name) msg += "; did you mean '" + near + "'?";
  error(st.offset, msg);
}

// Flattened: with the Instr prototype built here GCC stopped inlining
// table_.find, whose call then gave this function a frame (+2 M Ir).
[[gnu::flatten]] void Resolver::instruction(const Statement& st) {
  Block& b = cur();
  b.saw_instruction = true;
  // A mnemonic of more than 16 bytes is told from others by a call to
  // compare its middle bytes, which would give this function a frame.
  if (st.name.size() > 16) return long_instruction(st);
  const OpInfo* op = table_.find(st.name);
  // The common case here, where it makes no call (and so needs no frame):
  // a known opcode other than CACHE and EXTENDED_ARG, with no EXTENDED_ARG
  // line or label before it, and room in the list. The rest is a tail call.
  if (!op || op == cache_op_ || op->code == table_.extended_arg ||
      b.prefixes.size() != b.prefixes_taken || b.labels.pending() ||
      b.instrs.size() == b.instrs.capacity())
    return other_instruction(st, op);
  if (b.instrs.size() == b.instrs.capacity()) __builtin_unreachable();  // no growing code
  b.yields |= generator_op_[op->code];
  b.instrs.push_back({st.args.data(), op, {op->code, 0, b.line_pending, 0, -1, b.loc, st.offset},
                      static_cast<uint32_t>(b.prefixes_taken), 0,
                      b.open_regions.empty() ? -1 : b.open_regions.back(),
                      static_cast<uint32_t>(st.args.size())});
  b.line_pending = false;
}

void Resolver::long_instruction(const Statement& st) {
  other_instruction(st, table_.find(st.name));
}

void Resolver::other_instruction(const Statement& st, const OpInfo* op) {
  Block& b = cur();
  if (!op) return unknown_opcode(st);
  if (op == cache_op_)
    return error(st.offset, "CACHE entries are inserted by the assembler; do not write them");
  if (op->code == table_.extended_arg) {
    // Normally inserted by the encoder; written out, they fix how many
    // prefixes the next instruction gets (CPython keeps redundant ones).
    // A label before them names the whole instruction.
    // Kept (by pointer) until the block is finalised; the parser's copy is
    // gone after this call.
    if (b.prefixes.size() == b.prefixes_taken) b.labels_before_prefixes = b.labels.pending();
    b.prefixes.push_back(arena_.make<Statement>(st));
    return;
  }
  size_t prefix_count = b.prefixes.size() - b.prefixes_taken;
  if (prefix_count && b.labels.pending() > b.labels_before_prefixes)
    error(st.offset,
          "a label cannot stand between EXTENDED_ARG and the instruction it "
          "extends; put it before the EXTENDED_ARG lines");
  int index = static_cast<int>(b.instrs.size());
  b.labels.place_pending(index);
  b.yields |= generator_op_[op->code];
  b.instrs.push_back({st.args.data(), op,
                      {op->code, static_cast<uint8_t>(std::min<size_t>(prefix_count, 3)),
                       b.line_pending, 0, -1, b.loc, st.offset},
                      static_cast<uint32_t>(b.prefixes_taken), static_cast<uint32_t>(prefix_count),
                      b.open_regions.empty() ? -1 : b.open_regions.back(),
                      static_cast<uint32_t>(st.args.size())});
  b.prefixes_taken = b.prefixes.size();
  b.line_pending = false;
}

// --- Directives -----------------------------------------------------------------

// .code ID  or  .code ID(a, b, /, c, *args, d, **kw)
void Resolver::open_block(const Statement& st) {
  // CPython's marshal reads objects nested at most 2000 deep, and each code
  // object costs two levels (itself and its constants), so deeper code could
  // never load; refusing it also keeps pyasm's own recursion bounded.
  constexpr size_t kMaxNesting = 990;
  if (stack_.size() == kMaxNesting) {
    error(st.offset, "code blocks nested more than " + std::to_string(kMaxNesting) +
                         " deep: CPython cannot load a pyc with objects nested this deep");
    aborted_ = true;  // the rest would only be more of the same
    return;
  }
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
    // Positional names go straight into the signature, keyword-only ones
    // after them at the end.
    std::vector<std::string> kw;
    std::string star, dstar;
    // Every name of the signature ends up in it: one allocation, not one
    // per doubling.
    if (!h.kids.empty()) b->signature.reserve(h.kids.size());
    for (const Expr* a : h.kids) {
      bool dotted = a->kind == Expr::kFloat && a->value.size() > 1 && a->value[0] == '.';
      if (a->kind == Expr::kIdent || a->kind == Expr::kStr || dotted) {
        (kwonly ? kw : b->signature).emplace_back(a->value);
        (kwonly ? kwonly_count : positional)++;
      } else if (a->kind == Expr::kSymbol && a->value == "/" && !posonly_seen && !kwonly) {
        posonly_seen = true;
        b->code->posonlyargcount = positional;
      } else if (a->kind == Expr::kSymbol && a->value == "*" && !kwonly) {
        kwonly = true;
      } else if (a->kind == Expr::kPrefix && a->kids[0]->kind == Expr::kIdent &&
                 ((a->value == "*" && !kwonly) || (a->value == "**" && dstar.empty()))) {
        if (a->value == "*")
          star = a->kids[0]->value, kwonly = true;
        else
          dstar = a->kids[0]->value;
      } else {
        error(a->offset, "unexpected " + describe(*a) + " in signature");
      }
    }
    if (posonly_seen && !version_.at_least(8))
      error(st.offset, "positional-only arguments exist from CPython 3.8");
    b->code->argcount = positional;
    b->code->kwonlyargcount = kwonly_count;
    b->signature.insert(b->signature.end(), kw.begin(), kw.end());
    if (!star.empty()) b->signature.push_back(star), b->sig_flags |= kVarArgs;
    if (!dstar.empty()) b->signature.push_back(dstar), b->sig_flags |= kVarKeywords;
  }
  if (cur().children.count(b->id)) error(st.offset, "duplicate code block '" + b->id + "'");
  b->code->block_id = b->id;
  b->mark = arena_.mark();
  b->line_events_begin = line_events_.size();
  if (!spare_instrs_.empty()) {
    b->instrs.swap(spare_instrs_.back());
    spare_instrs_.pop_back();
  }
  stack_.push_back(std::move(b));
}

void Resolver::close_block(uint32_t at) {
  if (stack_.size() == 1) return error(at, ".end without a matching .code");
  std::unique_ptr<Block> b = std::move(stack_.back());
  stack_.pop_back();
  // A block that failed is still registered (as null), so that references
  // to it do not report a second, consequential error.
  // The id is moved in (the block is dropped next), not copied.
  std::shared_ptr<const Code> code = finalize(*b);
  cur().children.insert_or_assign(std::move(b->id), std::move(code));
  arena_.release(b->mark);  // nothing refers to the block's nodes any more
  if (b->instrs.capacity() <= kSpareInstrs && spare_instrs_.size() < kSpares) {
    b->instrs.clear();
    spare_instrs_.push_back(std::move(b->instrs));
  }
}

// --- Finalisation ---------------------------------------------------------------

// Fills the attributes a block left unsaid the way CPython's compiler would.
// Attribute values as they stand, with CPython's defaults for what the
// block has not said. A child block is finalised before its parent, so its
// defaults must come from these rather than from the parent's final Code.
namespace {

std::string_view name_of(const Block& b) {
  if (b.name_set) return b.code->name;
  if (b.is_module) return "<module>";
  return b.id;
}

bool is_function(const Block& b) {
  return b.flags_set ? (b.code->flags & kOptimized) != 0 : !b.is_module;
}

// CPython's compiler adds `.<locals>` after a function or lambda scope, but
// not after a class or comprehension scope; pyasm tells a comprehension by
// its name.
bool has_locals_in_qualname(const Block& b) {
  std::string_view n = name_of(b);
  bool comprehension =
      n == "<listcomp>" || n == "<setcomp>" || n == "<dictcomp>" || n == "<genexpr>";
  return is_function(b) && !comprehension;
}

// Appends b's qualname to `out` (built in place, enclosing scopes first).
void append_qualname(const Block& b, std::string& out) {
  if (b.qualname_set) {
    out += b.code->qualname;
    return;
  }
  const Block* p = b.parent;
  if (p && !p->is_module) {
    append_qualname(*p, out);
    out += has_locals_in_qualname(*p) ? ".<locals>." : ".";
  }
  out += name_of(b);
}

const std::string& filename_of(const Block& b, const std::string& input_name) {
  if (!b.code->filename.empty()) return b.code->filename;
  return b.parent ? filename_of(*b.parent, input_name) : input_name;
}

}  // namespace

void Resolver::set_defaults(Block& b) {
  Code& c = *b.code;
  Block* parent = b.parent;
  if (!b.name_set) c.name = name_of(b);
  if (!b.qualname_set) {
    // Built in a string reused from block to block, then copied at its
    // size: appended to in place, it was reallocated as it grew.
    qualname_.clear();
    append_qualname(b, qualname_);
    c.qualname = qualname_;
  }
  if (c.filename.empty()) c.filename = filename_of(b, sink_.file.name);
  // A function starts at its first line (where CPython puts the `def`), and
  // so does a module up to 3.9; from 3.10 a module always starts at line 1.
  bool module_at_1 = b.is_module && version_.at_least(10);
  if (!b.firstline_set && !module_at_1)
    c.firstlineno =
        b.first_line ? *b.first_line : (parent && parent->loc.line > 0 ? parent->loc.line : 1);
  if (!b.flags_set) {
    uint32_t f = b.is_module ? 0 : kOptimized | kNewLocals;
    f |= b.sig_flags;
    // CPython marks a function nested when any enclosing scope is a function.
    for (Block* p = parent; p && !b.is_module; p = p->parent)
      if (!p->is_module && is_function(*p)) f |= kNested;
    if (b.yields) f |= kGenerator;
    c.flags = f;
  }
}

bool Resolver::check_signature(Block& b) {
  Code& c = *b.code;
  if (!b.varnames_fixed) {
    // co_varnames grows from it (the signature is not read again).
    tables_.varnames.assign(std::make_move_iterator(b.signature.begin()),
                            std::make_move_iterator(b.signature.end()));
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
  OperandContext ctx{table_,
                     c,
                     tables,
                     tables.consts_of(c),
                     tables.names_of(c),
                     tables.varnames_of(c),
                     b.children,
                     b.labels,
                     sink_,
                     static_cast<int>(b.instrs.size()),
                     collect};
  if (!collect) {
    // The second pass: only what the first could not know yet.
    for (uint32_t i : again_) {
      const PendingInstr& pi = b.instrs[i];
      ResolvedOperand r = resolve_operand(*pi.op, pi.args(), pi.proto.src, ctx);
      if (!r.ok) ok = false;
      c.instrs[i].arg = r.arg;
      c.instrs[i].target = r.target;
    }
    return;
  }
  c.instrs.clear();
  c.instrs.resize(b.instrs.size());  // every field is written below
  Instr* out = c.instrs.data();
  again_.clear();
  for (const PendingInstr& pi : b.instrs) {
    ResolvedOperand r = resolve_operand(*pi.op, pi.args(), pi.proto.src, ctx);
    if (!r.ok) ok = false;
    if (r.again) again_.push_back(static_cast<uint32_t>(out - c.instrs.data()));
    Instr& in = *out++;
    in = pi.proto;
    in.arg = r.arg;
    in.target = r.target;
    if (pi.prefix_count > 3) {
      error(prefixes_of(b, pi)[3]->offset, "at most 3 EXTENDED_ARG prefixes fit a 32-bit oparg");
      ok = false;
    }
  }
}

// Written EXTENDED_ARG values must be the bytes the final oparg puts there,
// and there must be enough of them for it.
bool Resolver::check_prefixes(Block& b) {
  bool ok = true;
  // Most blocks have no EXTENDED_ARG line at all.
  for (size_t i = 0; !b.prefixes.empty() && i < b.instrs.size(); ++i) {
    size_t k = b.instrs[i].prefix_count;
    if (!k) continue;
    auto prefixes = prefixes_of(b, b.instrs[i]);
    uint32_t arg = b.code->instrs[i].arg;
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
  if (b.prefixes.size() > b.prefixes_taken) {
    error(b.prefixes[b.prefixes_taken]->offset,
          "EXTENDED_ARG at the end of the code extends nothing");
    ok = false;
  }
  return ok;
}

std::optional<ExceptionEntry> Resolver::entry_for(Block& b, int start, int end,
                                                  const HandlerSpec& h, uint32_t src) {
  const LabelDef* l = b.labels.find(h.label);
  if (!l) {
    error(h.at, "undefined label '" + h.label + "'");
    return std::nullopt;
  }
  if (l->index >= static_cast<int>(b.instrs.size())) {
    error(h.at, "handler label '" + h.label + "' marks the end of the code");
    return std::nullopt;
  }
  return ExceptionEntry{start, end, l->index, h.depth, h.lasti, src};
}

// The exception table: explicit `.except` entries, and `.try` regions turned
// into entries the way CPython's assembler does it: each instruction is
// handled by its innermost region, and runs of instructions with the same
// handler, depth and lasti become one entry.
void Resolver::build_exception_table(Block& b) {
  Code& c = *b.code;
  for (int r : b.open_regions) error(b.regions[r].src, ".try without a matching .endtry");
  // Without a .try region (always before 3.11) no instruction has one.
  const int n = b.regions.empty() ? 0 : static_cast<int>(b.instrs.size());
  for (int i = 0; i < n;) {
    int r = b.instrs[i].region;
    if (r < 0) {
      ++i;
      continue;
    }
    const HandlerSpec& h = b.regions[r].handler;
    int j = i + 1;
    auto same = [&](int k) {
      int rk = b.instrs[k].region;
      if (rk < 0) return false;
      const HandlerSpec& o = b.regions[rk].handler;
      return o.label == h.label && o.depth == h.depth && o.lasti == h.lasti;
    };
    while (j < n && same(j)) ++j;
    if (auto e = entry_for(b, i, j, h, b.regions[r].src)) c.exceptions.push_back(*e);
    i = j;
  }
  for (const PendingExcept& ex : b.excepts) {
    const LabelDef *start = b.labels.find(ex.start), *end = b.labels.find(ex.end);
    if (!start) error(ex.start_at, "undefined label '" + ex.start + "'");
    if (!end) error(ex.end_at, "undefined label '" + ex.end + "'");
    if (!start || !end) continue;
    if (end->index <= start->index) {
      error(ex.src, "exception range is empty or reversed");
      continue;
    }
    if (auto e = entry_for(b, start->index, end->index, ex.handler, ex.src))
      c.exceptions.push_back(*e);
  }
  // CPython looks a handler up in a table sorted by start, with no overlaps.
  // With a raw `.exceptiontable` the entries only feed the stack analysis,
  // and the bytes, as read from a pyc, are whatever they are.
  std::stable_sort(c.exceptions.begin(), c.exceptions.end(),
                   [](const auto& x, const auto& y) { return x.start < y.start; });
  for (size_t k = 1; k < c.exceptions.size() && !c.raw_exceptiontable; ++k)
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
  b.labels.place_pending(static_cast<int>(b.instrs.size()));
  if (!b.saw_instruction) error(b.offset, "code block '" + b.id + "' has no instructions");

  // Explicit tables give the first entries; operands not listed in them
  // are appended in order of first use, so a hand edit that adds a name or
  // a constant to disassembled code still builds.
  Tables& tables = tables_;
  tables.reset();
  if (b.consts_fixed) {
    for (const Expr* e : b.explicit_consts) {
      ObjectPtr o = eval_const(*e, b.children, sink_);
      if (!o) continue;
      tables.consts.push_back(std::move(o));
      tables.const_index.add(tables.consts, static_cast<int>(tables.consts.size() - 1));
    }
  }
  bool ok = check_signature(b);
  tables.take(c);
  set_defaults(b);
  // Pass 1 grows the tables in first-use order; pass 2 computes the opargs
  // that depend on the final tables (3.11 localsplus indices depend on all
  // of them; see ResolvedOperand::again).
  resolve_instrs(b, tables, true, ok);
  tables.adopt(c);
  if (ok) {
    tables.names_fixed = tables.varnames_fixed = tables.cellvars_fixed = tables.consts_fixed = true;
    resolve_instrs(b, tables, false, ok);
  }
  // Up to 3.10 the code constructor adds NOFREE, and the pyc keeps it.
  if (!b.flags_set && !version_.at_least(11) && c.cellvars.empty() && c.freevars.empty())
    c.flags |= kNoFree;
  build_exception_table(b);
  // The block's events are the last (its children's are gone).
  c.line_events.assign(line_events_.begin() + static_cast<ptrdiff_t>(b.line_events_begin),
                       line_events_.end());
  line_events_.resize(b.line_events_begin);
  for (const std::string& h : c.hidden)
    if (std::find(c.varnames.begin(), c.varnames.end(), h) == c.varnames.end() &&
        std::find(c.cellvars.begin(), c.cellvars.end(), h) == c.cellvars.end())
      error(b.offset, "hidden local '" + h + "' is not a local or cell variable of '" + b.id + "'");
  // Encoding and stack analysis of a file with errors would mostly report
  // their consequences (an underflow where an instruction was dropped).
  if (!check_raw_tables(b)) return nullptr;
  if (sink_.diags.error_count() != errors_before || sink_.diags.has_errors()) return nullptr;
  // `.stacksize N unchecked` is written as given, even below what the
  // analysis finds (CPython 3.6 sometimes counted less than its code needs).
  std::optional<int> unchecked;
  if (b.stacksize_unchecked) std::swap(unchecked, c.stacksize_override);
  if (!encode(c, sink_.file, sink_.diags)) return nullptr;
  if (unchecked) c.stacksize = *unchecked, c.stacksize_override = unchecked;
  if (!check_prefixes(b)) return nullptr;
  if (done_ && *done_) {
    std::vector<std::string_view> ids;
    for (const Block* p = &b; p && !p->is_module; p = p->parent) ids.push_back(p->id);
    std::reverse(ids.begin(), ids.end());
    (*done_)(ids, c);
  }
  return b.code;
}

}  // namespace detail

namespace {

bool is_version_directive(const Statement& st) {
  return st.kind == Statement::kDirective && st.name == "python";
}

// The version one `.python` directive names, checked against `requested`.
std::optional<Version> version_of(const Statement& found, const SourceFile& file,
                                  std::optional<Version> requested, Diagnostics& diags) {
  std::optional<Version> v;
  if (found.args.size() == 1 &&
      (found.args[0]->kind == Expr::kFloat || found.args[0]->kind == Expr::kIdent))
    v = parse_version(found.args[0]->value);
  uint32_t at = found.args.empty() ? found.offset : found.args[0]->offset;
  if (!v) {
    diags.error(file, at, ".python takes a version such as 3.11");
    return std::nullopt;
  }
  if (!is_supported(*v)) {
    diags.error(
        file, at,
        "CPython " + v->str() + " is not supported; pyasm targets " + supported_versions_text());
    return std::nullopt;
  }
  if (requested && *requested != *v) {
    diags.error(file, at,
                "the file targets CPython " + v->str() + " but --python " + requested->str() +
                    " was given");
    return std::nullopt;
  }
  return v;
}

void duplicate_version(const Statement& st, const SourceFile& file, Diagnostics& diags) {
  diags.error(file, st.offset, "duplicate .python directive");
}

}  // namespace

std::optional<Version> target_version(const Module& module, const SourceFile& file,
                                      std::optional<Version> requested, Diagnostics& diags) {
  const Statement* found = nullptr;
  for (const Statement& st : module.statements) {
    if (!is_version_directive(st)) continue;
    if (found) {
      duplicate_version(st, file, diags);
      return std::nullopt;
    }
    found = &st;
  }
  if (!found) {
    if (!requested) {
      diags.error(file, 0,
                  "no target version: add `.python 3.X` at the top of the file, or pass "
                  "--python 3.X");
      return std::nullopt;
    }
    return requested;
  }
  return version_of(*found, file, requested, diags);
}

std::shared_ptr<const Code> resolve(const Module& module, const SourceFile& file, Version version,
                                    Diagnostics& diags) {
  return detail::Resolver(file, version, diags).run(module);
}

namespace {

// parse_and_resolve's consumer of the parser. A file that starts with its
// `.python` directive (as every disassembly does) is resolved as it is
// parsed: a code block's statements and nodes lie above its mark in the
// resolver's stack-like arena and are released when the block is
// finalised, so memory holds the blocks open at one time rather than the
// whole tree. Any other file is
// collected whole first: its version may be named anywhere, or nowhere.
class Front final : public StatementSink {
 public:
  Front(const SourceFile& file, std::optional<Version> requested, Diagnostics& diags,
        const BlockDone& done)
      : file_(file), requested_(requested), diags_(diags), done_(done) {}

  Arena& arena() override { return resolver_ ? resolver_->arena() : whole_.arena; }

  void statement(const Statement& st) override {
    // The common case first: a statement streamed to the resolver.
    // (Only a name of six bytes can be `python`: most directives make no call.)
    if (resolver_ && !failed_ &&
        (st.kind != Statement::kDirective || st.name.size() != 6 || !is_version_directive(st)))
      return resolver_->feed(st);
    other_statement(st);
  }

  std::shared_ptr<const Code> finish(const std::function<std::optional<Version>()>& fallback) {
    if (failed_) return nullptr;
    if (resolver_) return resolver_->finish();
    std::optional<Version> requested = requested_;
    bool has_directive = std::any_of(whole_.statements.begin(), whole_.statements.end(),
                                     is_version_directive);
    if (!requested && !has_directive && fallback) requested = fallback();
    std::optional<Version> v = target_version(whole_, file_, requested, diags_);
    if (!v) return nullptr;
    return detail::Resolver(file_, *v, diags_, &done_).run(whole_);
  }

 private:
  const SourceFile& file_;
  std::optional<Version> requested_;
  Diagnostics& diags_;
  const BlockDone& done_;
  bool started_ = false, failed_ = false;
  std::optional<detail::Resolver> resolver_;
  Module whole_;

  // The rest of statement(), out of line: inlined, its frame cost every
  // statement of the common case.
  [[gnu::noinline]] void other_statement(const Statement& st) {
    bool first = !started_;
    started_ = true;
    if (first && is_version_directive(st)) {
      if (auto v = version_of(st, file_, requested_, diags_)) {
        resolver_.emplace(file_, *v, diags_, &done_);
        resolver_->begin();
      } else {
        failed_ = true;
      }
      return;
    }
    if (!resolver_ && !failed_) return whole_.statements.push_back(st);
    if (!is_version_directive(st)) {
      if (!failed_) resolver_->feed(st);
      return;
    }
    duplicate_version(st, file_, diags_);
    failed_ = true;
  }
};

}  // namespace

std::shared_ptr<const Code> parse_and_resolve(
    const SourceFile& file, std::optional<Version> requested,
    const std::function<std::optional<Version>()>& fallback, Diagnostics& diags,
    const BlockDone& done) {
  Front front(file, requested, diags, done);
  parse(file, diags, front);
  return front.finish(fallback);
}

}  // namespace pyasm
