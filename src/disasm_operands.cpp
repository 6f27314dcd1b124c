// Operand and constant text for the disassembler. An operand is written
// symbolically (a constant, a name, a label, an operator) only when the
// resolver would turn that text back into the same oparg; otherwise it is
// the raw `$N`, with what it stands for in a comment.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <unordered_map>

#include "disasm_impl.hpp"

namespace pyasm::disasm {

namespace {

bool ident_start(unsigned char c) { return std::isalpha(c) || c == '_' || c >= 0x80; }
bool ident_char(unsigned char c) { return std::isalnum(c) || c == '_' || c >= 0x80; }

bool plain_ident(const std::string& s) {
  if (s.empty() || !ident_start(static_cast<unsigned char>(s[0]))) return false;
  for (unsigned char c : s)
    if (!ident_char(c)) return false;
  return true;
}

// What the lexer reads as one name: an identifier, `<listcomp>`, `.0`.
bool lexes_as_name(const std::string& s) {
  if (plain_ident(s)) return true;
  if (s.size() > 2 && s.front() == '<' && s.back() == '>') {
    std::string inner = s.substr(1, s.size() - 2);
    return std::isalpha(static_cast<unsigned char>(inner[0])) || inner[0] == '_'
               ? std::all_of(inner.begin(), inner.end(),
                             [](unsigned char c) { return std::isalnum(c) || c == '_'; })
               : false;
  }
  return s.size() > 1 && s[0] == '.' &&
         std::all_of(s.begin() + 1, s.end(), [](unsigned char c) { return std::isdigit(c); });
}

// A float as the lexer and eval_const read it back, sign of NaN included.
std::string float_text(double d) {
  if (std::isnan(d)) return std::signbit(d) ? "-nan" : "nan";
  return repr(*Object::floating(d));
}

// A complex part without the ".0" Python's complex repr leaves out.
std::string part_text(double d) {
  std::string s = float_text(d);
  if (s.size() > 2 && s.ends_with(".0")) s.resize(s.size() - 2);
  return s;
}

std::optional<std::string> const_text(const Object& o, const View& v);

std::optional<std::string> items_text(const std::vector<ObjectPtr>& items, const View& v) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    auto t = const_text(*items[i], v);
    if (!t) return std::nullopt;
    out += (i ? ", " : "") + *t;
  }
  return out;
}

std::optional<std::string> const_text(const Object& o, const View& v) {
  switch (o.kind) {
    case ObjKind::Float:
      return float_text(o.real);
    case ObjKind::Complex: {
      // eval_const reads `2j` as complex(0.0, 2.0) and `(a+bj)` part by
      // part; anything else (a negative or non-finite imaginary part with a
      // +0.0 real part, say) is written with the constructor.
      bool plain_imag = std::isfinite(o.imag);
      if (plain_imag && o.real == 0 && !std::signbit(o.real) && !std::signbit(o.imag))
        return part_text(o.imag) + "j";
      if (plain_imag && !std::isnan(o.imag))
        return "(" + part_text(o.real) + (std::signbit(o.imag) ? "-" : "+") +
               part_text(std::fabs(o.imag)) + "j)";
      return "complex(" + float_text(o.real) + ", " + float_text(o.imag) + ")";
    }
    case ObjKind::Tuple: {
      auto t = items_text(o.items, v);
      if (!t) return std::nullopt;
      return "(" + *t + (o.items.size() == 1 ? ",)" : ")");
    }
    case ObjKind::FrozenSet: {
      if (o.items.empty()) return "frozenset()";
      auto t = items_text(o.items, v);
      if (!t) return std::nullopt;
      return "frozenset({" + *t + "})";
    }
    case ObjKind::Code:
      for (const auto& c : v.children)
        if (c->orig == o.code.get()) return "@" + c->id;
      return std::nullopt;
    case ObjKind::StopIteration:
      return std::nullopt;  // no literal for it
    default:
      return repr(o);
  }
}

// The first index of each entry's value in a table: an operand written
// symbolically resolves to it.
std::vector<int> first_indices(const std::vector<std::string>& keys) {
  std::unordered_map<std::string_view, int> seen;
  seen.reserve(keys.size());
  std::vector<int> out;
  out.reserve(keys.size());
  for (size_t i = 0; i < keys.size(); ++i)
    out.push_back(seen.emplace(keys[i], static_cast<int>(i)).first->second);
  return out;
}

std::string raw(uint32_t arg) { return "$" + std::to_string(arg); }

// Lookups shared by every operand of one code object.
struct Tables {
  const OpcodeTable& t;
  const Code& c;
  std::vector<std::optional<std::string>> const_texts;
  std::vector<int> const_first, name_first, local_first, deref_first;
  std::vector<std::string> locals, derefs;  // what Local/Free opargs index

  Tables(const View& v) : t(*opcode_table(v.orig->version)), c(*v.orig) {
    for (const ObjectPtr& k : c.consts) const_texts.push_back(const_text(*k, v));
    std::vector<std::string> const_keys;
    const_keys.reserve(c.consts.size());
    for (const ObjectPtr& k : c.consts) const_keys.push_back(const_key(*k));
    const_first = first_indices(const_keys);
    name_first = first_indices(c.names);
    if (c.version.at_least(11)) {
      locals = derefs = localsplus(c).names;
      local_first = deref_first = first_indices(locals);
    } else {
      locals = c.varnames;
      local_first = first_indices(locals);
      derefs = c.cellvars;
      derefs.insert(derefs.end(), c.freevars.begin(), c.freevars.end());
      // deref_index: a cell by its first occurrence, else ncell + the free's.
      std::vector<int> ff = first_indices(c.freevars);
      for (size_t i = 0; i < derefs.size(); ++i) {
        auto cell = std::find(c.cellvars.begin(), c.cellvars.end(), derefs[i]);
        deref_first.push_back(cell != c.cellvars.end()
                                  ? static_cast<int>(cell - c.cellvars.begin())
                                  : static_cast<int>(c.cellvars.size()) + ff[i - c.cellvars.size()]);
      }
    }
  }

  bool is_cell_or_free(const std::string& n) const {
    return std::find(c.cellvars.begin(), c.cellvars.end(), n) != c.cellvars.end() ||
           std::find(c.freevars.begin(), c.freevars.end(), n) != c.freevars.end();
  }
};

std::optional<std::string> name_operand(const Tables& tb, uint32_t index, Operand& out) {
  if (index >= tb.c.names.size() || tb.name_first[index] != static_cast<int>(index))
    return std::nullopt;
  out.uses.push_back({Use::kName, nullptr, tb.c.names[index]});
  return format_name(tb.c.names[index]);
}

std::optional<std::string> local_operand(const Tables& tb, uint32_t index, Operand& out) {
  if (index >= tb.locals.size() || tb.local_first[index] != static_cast<int>(index))
    return std::nullopt;
  out.uses.push_back({Use::kLocal, nullptr, tb.locals[index]});
  return format_name(tb.locals[index]);
}

std::optional<std::string> deref_operand(const Tables& tb, uint32_t index, Operand& out) {
  if (index >= tb.derefs.size() || tb.deref_first[index] != static_cast<int>(index))
    return std::nullopt;
  // 3.11+: a name that is neither cell nor free would be made a new cell.
  if (!tb.is_cell_or_free(tb.derefs[index])) return std::nullopt;
  out.uses.push_back({Use::kFree, nullptr, tb.derefs[index]});
  return format_name(tb.derefs[index]);
}

std::optional<std::string> compare_operand(const Tables& tb, uint32_t arg) {
  Version v = tb.c.version;
  if (!v.at_least(12)) {
    if (arg < tb.t.cmp_ops.size()) return std::string(tb.t.cmp_ops[arg]);
    return std::nullopt;
  }
  static const uint32_t kMask[] = {2, 10, 8, 7, 4, 12};  // < <= == != > >=
  uint32_t idx = arg >> (v.at_least(13) ? 5 : 4);
  bool to_bool = v.at_least(13) && (arg & 16);
  if (idx >= 6 || idx >= tb.t.cmp_ops.size() || (arg & 15) != kMask[idx]) return std::nullopt;
  std::string op(tb.t.cmp_ops[idx]);
  return to_bool ? "bool(" + op + ")" : op;
}

std::optional<std::string> flags_operand(uint32_t arg, bool format_value, bool convert) {
  if (convert) {
    static const char* kConv[] = {"0", "str", "repr", "ascii"};
    return arg < 4 ? std::optional<std::string>(kConv[arg]) : std::nullopt;
  }
  std::vector<std::string> parts;
  if (format_value) {
    if (arg > 7) return std::nullopt;
    static const char* kConv[] = {"", "str", "repr", "ascii"};
    if (arg & 3) parts.push_back(kConv[arg & 3]);
    if (arg & 4) parts.push_back("with format");
  } else {
    if (arg > 15) return std::to_string(arg);
    static const char* kFlags[] = {"defaults", "kwdefaults", "annotations", "closure"};
    for (int b = 0; b < 4; ++b)
      if (arg & (1u << b)) parts.push_back(kFlags[b]);
  }
  if (parts.empty()) return "0";
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : ", ") + p;
  return out;
}

std::optional<std::string> symbolic(const Tables& tb, const View& v, size_t i, Operand& out) {
  const Instr& in = v.ir.instrs[i];
  const OpInfo& op = *tb.t.find(in.opcode);
  uint32_t a = in.arg;
  switch (op.kind) {
    case ArgKind::None: return a == 0 ? std::optional<std::string>("") : std::nullopt;
    case ArgKind::Number: return std::to_string(a);
    case ArgKind::Const:
      if (a >= tb.c.consts.size() || !tb.const_texts[a] || tb.const_first[a] != static_cast<int>(a))
        return std::nullopt;
      out.uses.push_back({Use::kConst, tb.c.consts[a], {}});
      return tb.const_texts[a];
    case ArgKind::Name: return name_operand(tb, a, out);
    case ArgKind::Local: return local_operand(tb, a, out);
    case ArgKind::Free: return deref_operand(tb, a, out);
    case ArgKind::JumpRel:
    case ArgKind::JumpBack:
    case ArgKind::JumpAbs: return v.labels[in.target];
    case ArgKind::Compare: return compare_operand(tb, a);
    case ArgKind::GlobalNull:
    case ArgKind::AttrMethod: {
      auto n = name_operand(tb, a >> 1, out);
      if (!n || !(a & 1)) return n;
      return std::string(op.kind == ArgKind::GlobalNull ? "NULL + " : "NULL|self + ") + *n;
    }
    case ArgKind::SuperAttr: {
      auto n = name_operand(tb, a >> 2, out);
      if (!n) return n;
      return (a & 1 ? "NULL|self + " : "") + *n + (a & 2 ? ", two_arg" : "");
    }
    case ArgKind::BinaryOp:
      if (a < tb.t.nb_ops.size()) return std::string(tb.t.nb_ops[a]);
      return std::nullopt;
    case ArgKind::Intrinsic1:
    case ArgKind::Intrinsic2: {
      auto list = op.kind == ArgKind::Intrinsic1 ? tb.t.intrinsic1 : tb.t.intrinsic2;
      if (a < list.size()) return std::string(list[a]);
      return std::nullopt;
    }
    case ArgKind::FunctionFlags: return flags_operand(a, false, false);
    case ArgKind::FormatValue: return flags_operand(a, true, false);
    case ArgKind::ConvertValue: return flags_operand(a, false, true);
    case ArgKind::FastPair: {
      if (a > 255) return std::nullopt;
      Operand pair;
      auto x = local_operand(tb, a >> 4, pair), y = local_operand(tb, a & 15, pair);
      if (!x || !y) return std::nullopt;
      out.uses = pair.uses;
      return *x + ", " + *y;
    }
  }
  return std::nullopt;
}

// What a raw oparg stands for, as a reading aid.
std::string raw_comment(const Tables& tb, const Instr& in) {
  const OpInfo& op = *tb.t.find(in.opcode);
  uint32_t a = in.arg;
  auto at = [](const auto& table, size_t i, auto show) -> std::string {
    return i < table.size() ? show(table[i]) : "past the end of its table";
  };
  switch (op.kind) {
    case ArgKind::None: return "an oparg on an instruction that takes none";
    case ArgKind::Const:
      return at(tb.c.consts, a, [&](const ObjectPtr& o) {
        return tb.const_texts[a] ? *tb.const_texts[a] : repr(*o);
      });
    case ArgKind::Name: return at(tb.c.names, a, format_name);
    case ArgKind::GlobalNull:
    case ArgKind::AttrMethod: return at(tb.c.names, a >> 1, format_name);
    case ArgKind::SuperAttr: return at(tb.c.names, a >> 2, format_name);
    case ArgKind::Local: return at(tb.locals, a, format_name);
    case ArgKind::Free: return at(tb.derefs, a, format_name);
    default: return "";
  }
}

}  // namespace

std::string format_name(const std::string& name) {
  return lexes_as_name(name) ? name : repr(*Object::str(name));
}

std::string format_name_list(const std::vector<std::string>& names, size_t count) {
  std::string out;
  for (size_t i = 0; i < count && i < names.size(); ++i)
    out += (i ? ", " : "") + format_name(names[i]);
  return out;
}

std::string format_const(const Object& o, const View& v) {
  auto t = const_text(o, v);
  return t ? *t : repr(o);
}

void format_operands(View& v) {
  Tables tb(v);
  v.operands.clear();
  v.operands.reserve(v.ir.instrs.size());
  for (size_t i = 0; i < v.ir.instrs.size(); ++i) {
    Operand out;
    auto text = symbolic(tb, v, i, out);
    if (text) {
      out.text = *text;
    } else {
      out.uses.clear();
      out.text = raw(v.ir.instrs[i].arg);
      out.comment = raw_comment(tb, v.ir.instrs[i]);
    }
    v.operands.push_back(std::move(out));
  }
}

}  // namespace pyasm::disasm
