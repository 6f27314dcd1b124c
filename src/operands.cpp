// Operand resolution by argument kind (see ArgKind in opcodes.hpp).
#include "operands.hpp"

#include <algorithm>
#include <cctype>

#include "pyasm/bigint.hpp"

namespace pyasm {

namespace {

using Result = ResolvedOperand;

bool raw_index_in_range(const OpInfo& op, uint32_t v, const OperandContext& ctx, uint32_t at);

// COMPARE_OP's operators. 3.6-3.8 list a last "BAD" entry, which 3.7/3.8
// abort on ("Unreachable C code path reached"): not an operator.
std::span<const std::string_view> compare_ops(const OpcodeTable& t) {
  std::span<const std::string_view> ops = t.cmp_ops;
  if (!ops.empty() && ops.back() == "BAD") ops = ops.first(ops.size() - 1);
  return ops;
}

Result fail() { return Result{0, -1, false}; }

// An operand's error. The final pass runs only when the collect pass found
// none, so what it finds is new: an oparg that only the final tables give
// (LOAD_FAST_LOAD_FAST's 3.11+ indices are 0 while collecting). It used to
// be dropped there, and the instruction encoded with the placeholder.
void report(const OperandContext& ctx, uint32_t offset, std::string msg) {
  ctx.sink.error(offset, std::move(msg));
}

const char* kind_wants(ArgKind k) {
  switch (k) {
    case ArgKind::None: return "no operand";
    case ArgKind::Number: return "an integer";
    case ArgKind::Const: return "a constant";
    case ArgKind::Name: return "a name";
    case ArgKind::Local: return "a local variable name";
    case ArgKind::Free: return "a cell or free variable name";
    case ArgKind::JumpRel:
    case ArgKind::JumpBack:
    case ArgKind::JumpAbs: return "a label";
    case ArgKind::Compare: return "a comparison operator such as < or ==";
    case ArgKind::GlobalNull: return "a global name, or NULL + name";
    case ArgKind::AttrMethod: return "an attribute name, or NULL|self + name";
    case ArgKind::SuperAttr: return "an attribute name, or NULL|self + name";
    case ArgKind::BinaryOp: return "a binary operator such as + or +=";
    case ArgKind::Intrinsic1:
    case ArgKind::Intrinsic2: return "an intrinsic function name";
    case ArgKind::FunctionFlags: return "function flags (defaults, kwdefaults, annotations, closure)";
    case ArgKind::FormatValue: return "a conversion (str, repr, ascii) and/or 'with format'";
    case ArgKind::ConvertValue: return "a conversion (str, repr, ascii)";
    case ArgKind::FastPair: return "two local variable names";
  }
  return "an operand";
}

std::optional<uint32_t> parse_u32(std::string_view text) {
  if (auto v = plain_decimal(text)) return static_cast<uint32_t>(*v);
  auto v = BigInt::parse(text);
  if (!v) return std::nullopt;
  auto i = v->to_int64();
  if (!i || *i < 0 || *i > 0xFFFFFFFFLL) return std::nullopt;
  return static_cast<uint32_t>(*i);
}

// A name operand: identifier, string literal, or a dotted compiler name
// such as `.0` (which lexes as a float).
std::optional<std::string_view> as_name(const Expr& e) {
  if (e.kind == Expr::kIdent || e.kind == Expr::kStr) return e.value;
  if (e.kind == Expr::kFloat && e.value.size() > 1 && e.value[0] == '.' &&
      std::all_of(e.value.begin() + 1, e.value.end(), ::isdigit))
    return e.value;
  return std::nullopt;
}

// A name not in co_names yet: appended, unless the table is fixed.
[[gnu::noinline]] std::optional<uint32_t> new_name(OperandContext& ctx, std::string_view name,
                                                   uint32_t at) {
  auto& names = ctx.names;
  if (ctx.tables.names_fixed) {
    report(ctx, at, "name '" + std::string(name) + "' is not listed in .names");
    return std::nullopt;
  }
  // From the range: GCC inlines that constructor, and calls the (pointer,
  // size) one that emplace_back(name) would use.
  names.emplace_back(name.begin(), name.end());
  return static_cast<uint32_t>(names.size() - 1);
}

// Index of `name` in co_names, appending it when the table is not fixed.
std::optional<uint32_t> name_index(OperandContext& ctx, std::string_view name, uint32_t at) {
  int i = ctx.tables.names_ix.find(ctx.names, name);
  if (i >= 0) return i;
  return new_name(ctx, name, at);
}

bool uses_localsplus(const OperandContext& ctx) { return ctx.table.version.at_least(11); }

// 3.11+: the localsplus index of `name`, as the first of its occurrences
// in localsplus(code) (varnames, then the cells that are not also locals,
// then the frees), but through the tables' own indexes rather than a copy
// of every name. While the tables still grow (the collect pass) indices are
// not final and not needed: 0 stands in for a known name. Only a varnames
// entry's is final already (localsplus starts with co_varnames, which only
// grows at its end): with `final_local`, that one is returned and flagged.
std::optional<uint32_t> localsplus_index(OperandContext& ctx, std::string_view name,
                                         bool* final_local = nullptr) {
  Tables& t = ctx.tables;
  const Code& code = ctx.code;
  int v = t.varnames_ix.find(ctx.varnames, name);
  if (v >= 0) {
    if (final_local) *final_local = true;
    return ctx.collect && !final_local ? 0 : v;
  }
  int cell = t.cellvars_ix.find(code.cellvars, name);
  int free = cell >= 0 ? -1 : t.freevars_ix.find(code.freevars, name);
  if (cell < 0 && free < 0) return std::nullopt;
  if (ctx.collect) return 0;
  if (!t.localsplus_built) {
    int next = static_cast<int>(ctx.varnames.size());
    t.cell_localsplus.clear();
    for (const std::string& c : code.cellvars) {
      int as_local = t.varnames_ix.find(ctx.varnames, c);
      t.cell_localsplus.push_back(as_local >= 0 ? as_local : next++);
    }
    t.free_localsplus.clear();
    for (size_t f = 0; f < code.freevars.size(); ++f) t.free_localsplus.push_back(next++);
    t.localsplus_built = true;
  }
  return static_cast<uint32_t>(cell >= 0 ? t.cell_localsplus[cell] : t.free_localsplus[free]);
}

// Local (LOAD_FAST) index: co_varnames, or localsplus from 3.11. With
// `final_local`, says whether the index is final already (see
// localsplus_index); without, 3.11+ gives 0 while collecting.
std::optional<uint32_t> local_index(OperandContext& ctx, std::string_view name, uint32_t at,
                                    bool* final_local = nullptr) {
  Tables& t = ctx.tables;
  std::vector<std::string>& varnames = ctx.varnames;
  if (uses_localsplus(ctx)) {
    if (auto i = localsplus_index(ctx, name, final_local)) return i;
  } else if (int i = t.varnames_ix.find(varnames, name); i >= 0) {
    if (final_local) *final_local = true;
    return static_cast<uint32_t>(i);
  }
  if (t.varnames_fixed) {
    report(ctx, at, "local variable '" + std::string(name) + "' is not listed in .varnames");
    return std::nullopt;
  }
  // Only the collect pass appends (the tables are fixed for the other).
  varnames.emplace_back(name.begin(), name.end());
  if (uses_localsplus(ctx) && !final_local) return 0;
  if (final_local) *final_local = true;
  return static_cast<uint32_t>(varnames.size() - 1);
}

// Cell/free (LOAD_DEREF) index: cellvars then freevars up to 3.10,
// localsplus from 3.11. An undeclared name becomes a cell variable.
std::optional<uint32_t> deref_index(OperandContext& ctx, std::string_view name, uint32_t at) {
  Tables& t = ctx.tables;
  Code& code = ctx.code;
  int cell = t.cellvars_ix.find(code.cellvars, name);
  int free = t.freevars_ix.find(code.freevars, name);
  if (cell < 0 && free < 0) {
    if (t.cellvars_fixed) {
      report(ctx, at, "'" + std::string(name) + "' is not listed in .cellvars or .freevars");
      return std::nullopt;
    }
    code.cellvars.emplace_back(name);
    cell = static_cast<int>(code.cellvars.size() - 1);
  }
  if (uses_localsplus(ctx)) return localsplus_index(ctx, name);
  return static_cast<uint32_t>(cell >= 0 ? cell : static_cast<int>(code.cellvars.size()) + free);
}

// The co_consts index of the constant `e`, a literal not in the literal
// index if `literal`: evaluated, and appended unless an equal one is in.
std::optional<uint32_t> new_const(OperandContext& ctx, const Expr& e, bool literal) {
  Tables& t = ctx.tables;
  ObjectPtr obj = eval_const(e, ctx.children, ctx.sink);
  if (!obj) return std::nullopt;
  auto& consts = ctx.consts;
  uint64_t hash;
  int index = t.const_index.find(consts, *obj, hash);
  if (index < 0) {
    if (t.consts_fixed) {
      report(ctx, e.offset, "constant " + repr(*obj) + " is not listed in .consts");
      return std::nullopt;
    }
    consts.push_back(std::move(obj));
    index = static_cast<int>(consts.size() - 1);
    t.const_index.add_new(index, hash);
  }
  if (literal) t.literal_index.add(e, index);
  return index;
}

// The symbol text of an operator operand: `<`, `not in`, `+=`.
std::optional<std::string> as_symbol(const Expr& e) {
  if (e.kind == Expr::kSymbol || e.kind == Expr::kIdent) return std::string(e.value);
  if (e.kind == Expr::kWords) {
    std::string s;
    for (const Expr* w : e.kids) (s.empty() ? s : s += ' ') += w->value;
    return s;
  }
  return std::nullopt;
}

std::optional<uint32_t> index_in(std::span<const std::string_view> list, std::string_view s) {
  for (size_t i = 0; i < list.size(); ++i)
    if (list[i] == s) return static_cast<uint32_t>(i);
  return std::nullopt;
}

std::string joined(std::span<const std::string_view> list) {
  std::string out;
  for (auto s : list) (out.empty() ? out : out += ' ') += s;
  return out;
}

// COMPARE_OP: index into cmp_op, packed with a mask from 3.12 and a
// to-bool bit (`bool(==)`) in 3.13.
[[gnu::noinline]] Result compare(OperandContext& ctx, const Expr& e) {
  const Expr* inner = &e;
  bool to_bool = false;
  if (e.kind == Expr::kCall && e.value == "bool" && e.kids.size() == 1) {
    to_bool = true;
    inner = e.kids[0];
  }
  auto sym = as_symbol(*inner);
  auto idx = sym ? index_in(compare_ops(ctx.table), *sym) : std::nullopt;
  Version v = ctx.table.version;
  if (!idx || (to_bool && !v.at_least(13))) {
    report(ctx, e.offset, "unknown comparison " + describe(e) + " for CPython " + v.str() +
                              "; expected one of: " + joined(compare_ops(ctx.table)) +
                              (v.at_least(13) ? " (or bool(op))" : ""));
    return fail();
  }
  if (!v.at_least(12)) return {*idx};
  static const uint32_t kMask[] = {2, 10, 8, 7, 4, 12};  // < <= == != > >=
  uint32_t mask = *idx < 6 ? kMask[*idx] : 0;
  if (v.at_least(13)) return {(*idx << 5) | (to_bool ? 16u : 0u) | mask};
  return {(*idx << 4) | mask};
}

[[gnu::noinline]] Result flag_expected(OperandContext& ctx, const Expr& e,
                                       std::string_view flag_text) {
  report(ctx, e.offset,
         "expected '" + std::string(flag_text) + " + name' or 'name + " + std::string(flag_text) +
             "'");
  return fail();
}

// Is `e` the flag text `NULL` or `NULL|self`?
bool is_flag(const Expr& e, std::string_view flag) {
  if (e.kind == Expr::kIdent) return equal_text(e.value, flag);
  return e.kind == Expr::kBinary && equal_text(e.value, "|") &&
         equal_text(e.kids[0]->value, "NULL") && equal_text(e.kids[1]->value, "self") &&
         equal_text(flag, "NULL|self");
}

bool named(const Expr& e) {
  return e.kind == Expr::kIdent || e.kind == Expr::kStr;
}

// The name of a flagged operand (see name_with_flag): (index << 1) | bit.
[[gnu::noinline]] Result flagged_name(OperandContext& ctx, const Expr& name, uint32_t bit) {
  auto n = as_name(name);
  if (!n) {
    report(ctx, name.offset, "expected a name, got " + describe(name));
    return fail();
  }
  auto i = name_index(ctx, *n, name.offset);
  if (!i) return fail();
  return {(*i << 1) | bit};
}

// flagged_name of a name or string not in co_names yet.
[[gnu::noinline]] Result new_flagged_name(OperandContext& ctx, const Expr& name, uint32_t bit) {
  auto i = new_name(ctx, name.value, name.offset);
  if (!i) return fail();
  return {(*i << 1) | bit};
}

// `NULL + name` (LOAD_GLOBAL) or `NULL|self + name` (LOAD_ATTR and
// LOAD_SUPER_ATTR): (name << 1) | bit. 3.13's dis writes the flag after the
// name (`print + NULL`); both orders are accepted in every version. A name
// in a short co_names is found here; the rest is a tail call.
[[gnu::noinline]] Result name_with_flag(OperandContext& ctx, const Expr& e,
                                        std::string_view flag_text) {
  const Expr* name = &e;
  uint32_t bit = 0;
  if (e.kind == Expr::kBinary && equal_text(e.value, "+")) {
    bool before = is_flag(*e.kids[0], flag_text);
    if (!before && !is_flag(*e.kids[1], flag_text)) return flag_expected(ctx, e, flag_text);
    bit = 1;
    name = e.kids[before ? 1 : 0];
  }
  if (!named(*name) || !NameIndex::scanned(ctx.names)) return flagged_name(ctx, *name, bit);
  if (int i = NameIndex::scan(ctx.names, name->value); i >= 0)
    return {(static_cast<uint32_t>(i) << 1) | bit};
  return new_flagged_name(ctx, *name, bit);
}

// LOAD_SUPER_ATTR: (name << 2) | (two-argument super(C, self) << 1) | method.
// dis does not show the two-argument bit; pyasm spells it `two_arg`.
Result super_attr(OperandContext& ctx, std::span<const Expr* const> args) {
  bool two_arg = args.size() == 2 && args[1]->kind == Expr::kIdent && args[1]->value == "two_arg";
  if (args.size() > 2 || (args.size() == 2 && !two_arg)) {
    report(ctx, args.back()->offset, "LOAD_SUPER_ATTR takes a name, optionally with NULL|self "
                                     "and then `, two_arg` for super(C, self)");
    return fail();
  }
  Result r = name_with_flag(ctx, *args[0], "NULL|self");
  if (!r.ok) return r;
  return {((r.arg >> 1) << 2) | (two_arg ? 2u : 0u) | (r.arg & 1)};
}

// Flag words for MAKE_FUNCTION / SET_FUNCTION_ATTRIBUTE, also `a|b` and lists.
bool function_flags(OperandContext& ctx, const Expr& e, uint32_t& out) {
  static const std::pair<std::string_view, uint32_t> kFlags[] = {
      {"defaults", 1}, {"kwdefaults", 2}, {"annotations", 4}, {"closure", 8}};
  if (e.kind == Expr::kWords || (e.kind == Expr::kBinary && e.value == "|")) {
    for (const Expr* k : e.kids)
      if (!function_flags(ctx, *k, out)) return false;
    return true;
  }
  if (e.kind == Expr::kInt) {
    auto v = parse_u32(e.value);
    if (v) out |= *v;
    return v.has_value();
  }
  for (auto [name, bit] : kFlags)
    if (e.kind == Expr::kIdent && e.value == name) {
      out |= bit;
      return true;
    }
  report(ctx, e.offset, "unknown function flag " + describe(e) +
                            "; expected defaults, kwdefaults, annotations or closure");
  return false;
}

// FORMAT_VALUE: str/repr/ascii in the low bits, 4 = a format spec is on the stack.
bool format_flags(OperandContext& ctx, const Expr& e, uint32_t& out, bool allow_spec) {
  if (e.kind == Expr::kWords && e.kids.size() == 2 && e.kids[0]->value == "with" &&
      e.kids[1]->value == "format" && allow_spec) {
    out |= 4;
    return true;
  }
  if (e.kind == Expr::kInt) {  // as dis prints it: FORMAT_VALUE 0
    auto v = parse_u32(e.value);
    if (v && *v < (allow_spec ? 8u : 4u)) {
      out |= *v;
      return true;
    }
  }
  static const std::pair<std::string_view, uint32_t> kConv[] = {
      {"str", 1}, {"repr", 2}, {"ascii", 3}};
  for (auto [name, v] : kConv)
    if (e.kind == Expr::kIdent && e.value == name) {
      out |= v;
      return true;
    }
  report(ctx, e.offset, std::string("expected ") +
                            (allow_spec ? "str, repr, ascii or 'with format'" : "str, repr or ascii") +
                            ", got " + describe(e));
  return false;
}

[[gnu::noinline]] Result jump(OperandContext& ctx, const Expr& e) {
  if (e.kind != Expr::kIdent) {
    report(ctx, e.offset, "jump target must be a label, got " + describe(e));
    return fail();
  }
  const LabelDef* l = ctx.labels.find(e.value);
  if (!l) {
    report(ctx, e.offset, "undefined label '" + std::string(e.value) + "'");
    return fail();
  }
  if (l->index >= ctx.instr_count) {
    report(ctx, e.offset, "label '" + std::string(e.value) + "' marks the end of the code; a jump needs an " +
                              "instruction after its label");
    return fail();
  }
  return {0, l->index};
}

// single()'s less common cases and its errors, out of line: inlined, they
// gave it (and resolve_operand) a large frame that every operand paid for.
[[gnu::noinline]] Result out_of_range(OperandContext& ctx, const Expr& e) {
  report(ctx, e.offset, "oparg " + std::string(e.value) + " is out of range (0..4294967295)");
  return fail();
}

[[gnu::noinline]] Result binary_op(OperandContext& ctx, const Expr& e) {
  auto sym = as_symbol(e);
  auto i = sym ? index_in(ctx.table.nb_ops, *sym) : std::nullopt;
  if (i) return {*i};
  report(
      ctx, e.offset,
      "unknown binary operator " + describe(e) + "; expected one of: " + joined(ctx.table.nb_ops));
  return fail();
}

[[gnu::noinline]] Result intrinsic(const OpInfo& op, OperandContext& ctx, const Expr& e) {
  auto list = op.kind == ArgKind::Intrinsic1 ? ctx.table.intrinsic1 : ctx.table.intrinsic2;
  auto i = e.kind == Expr::kIdent ? index_in(list, e.value) : std::nullopt;
  if (i) return {*i};
  report(ctx, e.offset, "unknown intrinsic " + describe(e) + "; expected one of: " + joined(list));
  return fail();
}

[[gnu::noinline]] Result flags_operand(const OpInfo& op, OperandContext& ctx, const Expr& e) {
  uint32_t v = 0;
  bool ok = op.kind == ArgKind::FunctionFlags
                ? function_flags(ctx, e, v)
                : format_flags(ctx, e, v, op.kind == ArgKind::FormatValue);
  return ok ? Result{v} : fail();
}

[[gnu::noinline]] Result wrong_operand(const OpInfo& op, OperandContext& ctx, const Expr& e) {
  report(ctx, e.offset,
         std::string(op.name) + " expects " + kind_wants(op.kind) + ", got " + describe(e));
  return fail();
}

Result to_result(std::optional<uint32_t> i) {
  return i ? Result{*i} : fail();
}

// single()'s general cases by kind (with their errors), out of line.
[[gnu::noinline]] Result number_operand(const OpInfo& op, OperandContext& ctx, const Expr& e) {
  if (e.kind != Expr::kInt) return wrong_operand(op, ctx, e);
  auto v = parse_u32(e.value);
  return v ? Result{*v} : out_of_range(ctx, e);
}

[[gnu::noinline]] Result const_operand(OperandContext& ctx, const Expr& e, bool literal) {
  return to_result(new_const(ctx, e, literal));
}

[[gnu::noinline]] Result new_name_operand(OperandContext& ctx, const Expr& e) {
  return to_result(new_name(ctx, e.value, e.offset));
}

[[gnu::noinline]] Result name_operand(const OpInfo& op, OperandContext& ctx, const Expr& e) {
  auto n = as_name(e);
  if (!n) return wrong_operand(op, ctx, e);
  return to_result(name_index(ctx, *n, e.offset));
}

[[gnu::noinline]] Result variable_operand(const OpInfo& op, OperandContext& ctx, const Expr& e) {
  auto n = as_name(e);
  if (!n) return wrong_operand(op, ctx, e);
  bool final_local = false;
  auto i = op.kind == ArgKind::Local ? local_index(ctx, *n, e.offset, &final_local)
                                     : deref_index(ctx, *n, e.offset);
  if (!i) return fail();
  Result r{*i};
  r.again = !final_local;
  return r;
}

// single()'s common cases, which it jumps to: an oparg found in the tables
// as they stand, in a function with no frame to set up. Anything else goes
// on (a tail call) to the kind's general case above, with the frame and
// the error messages, which each operand paid for when they were inlined.
[[gnu::noinline]] Result number_hot(const OpInfo& op, OperandContext& ctx, const Expr& e) {
  if (e.kind == Expr::kInt)
    if (auto v = plain_decimal(e.value)) return {static_cast<uint32_t>(*v)};
  return number_operand(op, ctx, e);
}

[[gnu::noinline]] Result const_hot(OperandContext& ctx, const Expr& e) {
  bool literal = LiteralIndex::holds(e);
  if (literal)
    if (int i = ctx.tables.literal_index.find(e); i >= 0) return {static_cast<uint32_t>(i)};
  return const_operand(ctx, e, literal);
}

[[gnu::noinline]] Result name_hot(const OpInfo& op, OperandContext& ctx, const Expr& e) {
  if (!named(e) || !NameIndex::scanned(ctx.names)) return name_operand(op, ctx, e);
  if (int i = NameIndex::scan(ctx.names, e.value); i >= 0) return {static_cast<uint32_t>(i)};
  return new_name_operand(ctx, e);
}

// A co_varnames entry's index is final in every version (see localsplus_index).
[[gnu::noinline]] Result local_hot(const OpInfo& op, OperandContext& ctx, const Expr& e) {
  if (named(e) && NameIndex::scanned(ctx.varnames))
    if (int i = NameIndex::scan(ctx.varnames, e.value); i >= 0) return {static_cast<uint32_t>(i)};
  return variable_operand(op, ctx, e);
}

Result single(const OpInfo& op, const Expr& e, OperandContext& ctx) {
  switch (op.kind) {
    case ArgKind::None: return fail();
    case ArgKind::Number:
      return number_hot(op, ctx, e);
    case ArgKind::Const:
      return const_hot(ctx, e);
    case ArgKind::Name:
      return name_hot(op, ctx, e);
    case ArgKind::Local:
      return local_hot(op, ctx, e);
    case ArgKind::Free:
      return variable_operand(op, ctx, e);
    case ArgKind::JumpRel:
    case ArgKind::JumpBack:
    case ArgKind::JumpAbs: return jump(ctx, e);
    case ArgKind::Compare: return compare(ctx, e);
    case ArgKind::GlobalNull: return name_with_flag(ctx, e, "NULL");
    case ArgKind::AttrMethod: return name_with_flag(ctx, e, "NULL|self");
    case ArgKind::BinaryOp:
      return binary_op(ctx, e);
    case ArgKind::Intrinsic1:
    case ArgKind::Intrinsic2:
      return intrinsic(op, ctx, e);
    case ArgKind::FunctionFlags:
    case ArgKind::FormatValue:
    case ArgKind::ConvertValue:
      return flags_operand(op, ctx, e);
    case ArgKind::SuperAttr:  // handled with its operand list
    case ArgKind::FastPair: break;
  }
  return wrong_operand(op, ctx, e);
}

// A raw oparg that indexes a table must stay inside it: CPython does not
// check, and reads past the end. Checked once the tables are final.
bool raw_index_in_range(const OpInfo& op, uint32_t v, const OperandContext& ctx, uint32_t at) {
  const Code& c = ctx.code;
  size_t size = 0;
  uint32_t index = v;
  const char* table = nullptr;
  switch (op.kind) {
    case ArgKind::Const: size = c.consts.size(), table = "co_consts"; break;
    case ArgKind::Name: size = c.names.size(), table = "co_names"; break;
    case ArgKind::GlobalNull:
    case ArgKind::AttrMethod: size = c.names.size(), index = v >> 1, table = "co_names"; break;
    case ArgKind::SuperAttr: size = c.names.size(), index = v >> 2, table = "co_names"; break;
    case ArgKind::Local:
      size = uses_localsplus(ctx) ? localsplus(c).names.size() : c.varnames.size();  // rare: raw
      table = "the local variables";
      break;
    case ArgKind::Free:
      size = uses_localsplus(ctx) ? localsplus(c).names.size()
                                  : c.cellvars.size() + c.freevars.size();
      table = "the cell and free variables";
      break;
    case ArgKind::BinaryOp:
    case ArgKind::Intrinsic1:
    case ArgKind::Intrinsic2:
    case ArgKind::Compare: {
      // Operators index a table of the interpreter's: past its end CPython
      // calls through garbage (BINARY_OP $256 is a segfault on 3.12).
      const OpcodeTable& t = *opcode_table(c.version);
      std::span<const std::string_view> ops =
          op.kind == ArgKind::BinaryOp     ? t.nb_ops
          : op.kind == ArgKind::Intrinsic1 ? t.intrinsic1
          : op.kind == ArgKind::Intrinsic2 ? t.intrinsic2
                                           : compare_ops(t);
      // 3.12 packs the operator as (index << 4) | mask, 3.13 as (index << 5) | bits.
      int shift = op.kind != ArgKind::Compare ? 0 : c.version.at_least(13) ? 5
                                                  : c.version.at_least(12) ? 4 : 0;
      if (ops.empty() || (v >> shift) < ops.size()) return true;
      ctx.sink.error(at, "raw oparg $" + std::to_string(v) + " of " + std::string(op.name) +
                             " names no operator: CPython " + c.version.str() + " has " +
                             std::to_string(ops.size()) + " (0-" +
                             std::to_string(ops.size() - 1) + ")" +
                             (shift ? ", in the bits above the low " + std::to_string(shift)
                                    : std::string()));
      return false;
    }
    default: return true;
  }
  if (index < size) return true;
  ctx.sink.error(at, "raw oparg $" + std::to_string(v) + " of " + std::string(op.name) +
                         " indexes past the end of " + table + " (" + std::to_string(size) +
                         " entries)");
  return false;
}

// resolve_operand for the shapes other than the two common ones.
[[gnu::noinline]] Result other_operands(const OpInfo& op, std::span<const Expr* const> args,
                                        uint32_t at, OperandContext& ctx) {
  if (!op.has_arg()) {
    // CPython sometimes leaves an oparg on an argument-less instruction
    // (3.10's ROT_TWO 2, a NOP that replaced something); `$N` keeps it.
    if (args.size() == 1 && args[0]->kind == Expr::kRaw) {
      auto v = parse_u32(args[0]->value);
      if (!v) report(ctx, args[0]->offset, "raw oparg $" + std::string(args[0]->value) + " is out of range");
      Result r = v ? Result{*v} : fail();
      r.again = true;
      return r;
    }
    if (!args.empty()) {
      report(ctx, args[0]->offset, std::string(op.name) + " takes no operand (a leftover oparg " +
                                       "byte is written $N)");
      return fail();
    }
    return {};
  }
  if (args.empty()) {
    report(ctx, at, std::string(op.name) + " needs an operand: " + kind_wants(op.kind));
    return fail();
  }
  // $N: the oparg as a number, for anything the symbolic forms do not say.
  if (args.size() == 1 && args[0]->kind == Expr::kRaw) {
    if (op.jumps()) {
      report(ctx, args[0]->offset, "jump targets are written as labels, not raw opargs");
      return fail();
    }
    auto v = parse_u32(args[0]->value);
    if (!v) report(ctx, args[0]->offset, "raw oparg $" + std::string(args[0]->value) + " is out of range");
    if (v && !ctx.collect && !raw_index_in_range(op, *v, ctx, args[0]->offset)) return fail();
    Result r = v ? Result{*v} : fail();
    r.again = true;  // range-checked once the tables are final
    return r;
  }
  if (op.kind == ArgKind::SuperAttr) return super_attr(ctx, args);
  bool lists = op.kind == ArgKind::FunctionFlags || op.kind == ArgKind::FormatValue ||
               op.kind == ArgKind::FastPair;
  if (args.size() > 1 && !lists) {
    report(ctx, args[1]->offset, std::string(op.name) + " takes one operand");
    return fail();
  }
  if (op.kind == ArgKind::FastPair) {
    if (args.size() != 2) {
      report(ctx, at, std::string(op.name) + " needs two local variable names: a, b");
      return fail();
    }
    auto a = as_name(*args[0]), b = as_name(*args[1]);
    if (!a || !b) {
      const Expr& bad = a ? *args[1] : *args[0];
      report(ctx, bad.offset, "expected a local variable name, got " + describe(bad));
      return fail();
    }
    std::optional<uint32_t> ia = local_index(ctx, *a, args[0]->offset);
    std::optional<uint32_t> ib = local_index(ctx, *b, args[1]->offset);
    if (!ia.has_value() || !ib.has_value()) return fail();
    if (*ia > 15 || *ib > 15) {
      report(ctx, at, "both locals of " + std::string(op.name) + " must have an index below 16");
      return fail();
    }
    Result r{(*ia << 4) | *ib};
    r.again = true;  // 0 stands in for both while collecting
    return r;
  }
  if (lists) {
    uint32_t v = 0;
    for (const Expr* a : args) {
      bool ok = op.kind == ArgKind::FunctionFlags ? function_flags(ctx, *a, v)
                                                   : format_flags(ctx, *a, v, true);
      if (!ok) return fail();
    }
    return {v};
  }
  return single(op, *args[0], ctx);
}

}  // namespace

ResolvedOperand resolve_operand(const OpInfo& op, std::span<const Expr* const> args, uint32_t at,
                                OperandContext& ctx) {
  // The common shapes: nothing where no operand is taken, and one operand
  // (not a raw `$N`) for a kind that takes one; the same as other_operands
  // gives them.
  if (args.empty() && !op.has_arg()) return {};
  if (args.size() == 1 && args[0]->kind != Expr::kRaw && op.has_arg() &&
      op.kind != ArgKind::SuperAttr && op.kind != ArgKind::FastPair)
    return single(op, *args[0], ctx);
  return other_operands(op, args, at, ctx);
}

std::string versions_with_opcode(std::string_view name) {
  std::string out;
  int run_start = -1, prev = -1;
  auto flush = [&]() {
    if (run_start < 0) return;
    if (!out.empty()) out += ", ";
    out += "3." + std::to_string(run_start);
    if (prev != run_start) out += "\u2013" + std::string("3.") + std::to_string(prev);
  };
  for (const OpcodeTable* t : all_opcode_tables()) {
    if (!t->find(name)) continue;
    int mi = t->version.minor;
    if (run_start >= 0 && mi == prev + 1) {
      prev = mi;
      continue;
    }
    flush();
    run_start = prev = mi;
  }
  flush();
  return out;
}

std::string nearest(std::string_view name, const std::vector<std::string_view>& candidates) {
  auto lower = [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); };
  std::string best;
  size_t best_d = std::max<size_t>(2, name.size() / 3) + 1;
  for (std::string_view c : candidates) {
    // Levenshtein distance, one row at a time.
    std::vector<size_t> row(c.size() + 1);
    for (size_t j = 0; j <= c.size(); ++j) row[j] = j;
    for (size_t i = 1; i <= name.size(); ++i) {
      size_t diag = row[0];
      row[0] = i;
      for (size_t j = 1; j <= c.size(); ++j) {
        size_t up = row[j];
        size_t cost = lower(name[i - 1]) == lower(c[j - 1]) ? 0 : 1;
        row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + cost});
        diag = up;
      }
    }
    if (row[c.size()] < best_d) {
      best_d = row[c.size()];
      best = std::string(c);
    }
  }
  return best;
}

}  // namespace pyasm
