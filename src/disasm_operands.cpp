// Operand and constant text for the disassembler. An operand is written
// symbolically (a constant, a name, a label, an operator) only when the
// resolver would turn that text back into the same oparg; otherwise it is
// the raw `$N`, with what it stands for in a comment.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <functional>

#include "disasm_impl.hpp"

namespace pyasm::disasm {

namespace {

// ASCII classes, as the lexer's (and the C locale's isalpha/isdigit).
bool ascii_alpha(unsigned char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
bool ascii_digit(unsigned char c) { return c >= '0' && c <= '9'; }
bool ident_start(unsigned char c) { return ascii_alpha(c) || c == '_' || c >= 0x80; }
bool ident_char(unsigned char c) { return ident_start(c) || ascii_digit(c); }

bool plain_ident(std::string_view s) {
  if (s.empty() || !ident_start(static_cast<unsigned char>(s[0]))) return false;
  for (unsigned char c : s)
    if (!ident_char(c)) return false;
  return true;
}

// What the lexer reads as one name: an identifier, `<listcomp>`, `.0`.
bool lexes_as_name(std::string_view s) {
  if (plain_ident(s)) return true;
  if (s.size() > 2 && s.front() == '<' && s.back() == '>') {
    std::string_view inner = s.substr(1, s.size() - 2);
    return ascii_alpha(static_cast<unsigned char>(inner[0])) || inner[0] == '_'
               ? std::all_of(inner.begin(), inner.end(),
                             [](unsigned char c) {
                               return ascii_alpha(c) || ascii_digit(c) || c == '_';
                             })
               : false;
  }
  return s.size() > 1 && s[0] == '.' && std::all_of(s.begin() + 1, s.end(), ascii_digit);
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

std::optional<std::string> compare_operand(const OpcodeTable& t, Version v, uint32_t arg) {
  if (!v.at_least(12)) {
    if (arg < t.cmp_ops.size()) return std::string(t.cmp_ops[arg]);
    return std::nullopt;
  }
  static const uint32_t kMask[] = {2, 10, 8, 7, 4, 12};  // < <= == != > >=
  uint32_t idx = arg >> (v.at_least(13) ? 5 : 4);
  bool to_bool = v.at_least(13) && (arg & 16);
  if (idx >= 6 || idx >= t.cmp_ops.size() || (arg & 15) != kMask[idx]) return std::nullopt;
  std::string op(t.cmp_ops[idx]);
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

template <class Strings>
std::vector<std::string_view> views(const Strings& strings) {
  return std::vector<std::string_view>(strings.begin(), strings.end());
}

// Lookups shared by every operand of one code object, made once.
void make_lookups(const View& v, Lookups& lk) {
  const Code& c = *v.orig;
  lk.const_texts.clear();
  lk.const_texts.reserve(c.consts.size());
  for (const ObjectPtr& k : c.consts) lk.const_texts.push_back(const_text(*k, v));
  lk.const_first = first_const_indices(c.consts);
  lk.name_first = first_indices(views(c.names));
  lk.deref_first.clear();
  if (c.version.at_least(11)) {
    lk.localsplus = localsplus(c).names;
    lk.locals = lk.derefs = views(lk.localsplus);
    lk.local_first = lk.deref_first = first_indices(lk.locals);
  } else {
    lk.locals = views(c.varnames);
    lk.local_first = first_indices(lk.locals);
    lk.derefs = views(c.cellvars);
    lk.derefs.insert(lk.derefs.end(), c.freevars.begin(), c.freevars.end());
    // deref_index: a cell by its first occurrence, else ncell + the free's.
    std::vector<int> ff = first_indices(views(c.freevars));
    for (size_t i = 0; i < lk.derefs.size(); ++i) {
      auto cell = std::find(c.cellvars.begin(), c.cellvars.end(), lk.derefs[i]);
      lk.deref_first.push_back(cell != c.cellvars.end()
                                   ? static_cast<int>(cell - c.cellvars.begin())
                                   : static_cast<int>(c.cellvars.size()) +
                                         ff[i - c.cellvars.size()]);
    }
  }
  lk.made = true;
}

void append_number(std::string& out, uint32_t n) {
  char buf[16];
  auto r = std::to_chars(buf, buf + sizeof buf, n);
  out.append(buf, r.ptr);
}

// A name as an operand (format_name), appended. `plain`: whether it lexes
// as a name, once known (0 not yet, 1 yes, 2 no).
void append_name(std::string& out, std::string_view name, uint8_t& plain) {
  if (!plain) plain = lexes_as_name(name) ? 1 : 2;
  if (plain == 1) out += name;
  else out += repr(*Object::str(std::string(name)));
}

// Operands of one code object: each appends its text to `out` and its uses
// to `uses`, or returns false (having appended nothing) when the oparg must
// be written raw.
struct Formatter {
  const OpcodeTable& t;
  const Code& c;
  const View& v;
  const Lookups& lk;
  std::string& out;
  std::vector<Use>& uses;
  // Whether each entry of c.names, lk.locals, lk.derefs lexes as a name.
  std::vector<uint8_t> plain_names = std::vector<uint8_t>(c.names.size(), 0);
  std::vector<uint8_t> plain_locals = std::vector<uint8_t>(lk.locals.size(), 0);
  std::vector<uint8_t> plain_derefs = std::vector<uint8_t>(lk.derefs.size(), 0);

  bool name_ok(uint32_t index) const {
    return index < c.names.size() && lk.name_first[index] == static_cast<int>(index);
  }
  void name(uint32_t index) {
    uses.push_back({Use::kName, index, c.names[index]});
    append_name(out, c.names[index], plain_names[index]);
  }
  bool local_ok(uint32_t index) const {
    return index < lk.locals.size() && lk.local_first[index] == static_cast<int>(index);
  }
  void local(uint32_t index) {
    uses.push_back({Use::kLocal, index, lk.locals[index]});
    append_name(out, lk.locals[index], plain_locals[index]);
  }
  bool deref_ok(uint32_t index) const {
    if (index >= lk.derefs.size() || lk.deref_first[index] != static_cast<int>(index))
      return false;
    // 3.11+: a name that is neither cell nor free would be made a new cell.
    std::string_view n = lk.derefs[index];
    return std::find(c.cellvars.begin(), c.cellvars.end(), n) != c.cellvars.end() ||
           std::find(c.freevars.begin(), c.freevars.end(), n) != c.freevars.end();
  }
  void deref(uint32_t index) {
    uses.push_back({Use::kFree, index, lk.derefs[index]});
    append_name(out, lk.derefs[index], plain_derefs[index]);
  }
  bool text(const std::optional<std::string>& s) {
    if (!s) return false;
    out += *s;
    return true;
  }

  bool symbolic(size_t i) {
    const Instr& in = v.ir.instrs[i];
    const OpInfo& op = *t.find(in.opcode);
    uint32_t a = in.arg;
    switch (op.kind) {
      case ArgKind::None: return a == 0;
      case ArgKind::Number: append_number(out, a); return true;
      case ArgKind::Const:
        if (a >= c.consts.size() || !lk.const_texts[a] || lk.const_first[a] != static_cast<int>(a))
          return false;
        uses.push_back({Use::kConst, a, {}});
        out += *lk.const_texts[a];
        return true;
      case ArgKind::Name:
        if (!name_ok(a)) return false;
        name(a);
        return true;
      case ArgKind::Local:
        if (!local_ok(a)) return false;
        local(a);
        return true;
      case ArgKind::Free:
        if (!deref_ok(a)) return false;
        deref(a);
        return true;
      case ArgKind::JumpRel:
      case ArgKind::JumpBack:
      case ArgKind::JumpAbs: out += v.label(in.target); return true;
      case ArgKind::Compare: return text(compare_operand(t, c.version, a));
      case ArgKind::GlobalNull:
      case ArgKind::AttrMethod:
        if (!name_ok(a >> 1)) return false;
        if (a & 1) out += op.kind == ArgKind::GlobalNull ? "NULL + " : "NULL|self + ";
        name(a >> 1);
        return true;
      case ArgKind::SuperAttr:
        if (!name_ok(a >> 2)) return false;
        if (a & 1) out += "NULL|self + ";
        name(a >> 2);
        if (a & 2) out += ", two_arg";
        return true;
      case ArgKind::BinaryOp:
        if (a >= t.nb_ops.size()) return false;
        out += t.nb_ops[a];
        return true;
      case ArgKind::Intrinsic1:
      case ArgKind::Intrinsic2: {
        const auto& list = op.kind == ArgKind::Intrinsic1 ? t.intrinsic1 : t.intrinsic2;
        if (a >= list.size()) return false;
        out += list[a];
        return true;
      }
      case ArgKind::FunctionFlags: return text(flags_operand(a, false, false));
      case ArgKind::FormatValue: return text(flags_operand(a, true, false));
      case ArgKind::ConvertValue: return text(flags_operand(a, false, true));
      case ArgKind::FastPair:
        if (a > 255 || !local_ok(a >> 4) || !local_ok(a & 15)) return false;
        local(a >> 4);
        out += ", ";
        local(a & 15);
        return true;
    }
    return false;
  }

  // What a raw oparg stands for, as a reading aid.
  void raw_comment(const Instr& in) {
    const OpInfo& op = *t.find(in.opcode);
    uint32_t a = in.arg;
    auto at = [&](const auto& table, size_t i, auto show) {
      if (i < table.size()) show(table[i]);
      else out += "past the end of its table";
    };
    auto show_name = [&](std::string_view n) {
      uint8_t plain = 0;
      append_name(out, n, plain);
    };
    switch (op.kind) {
      case ArgKind::None: out += "an oparg on an instruction that takes none"; break;
      case ArgKind::Const:
        at(c.consts, a, [&](const ObjectPtr& o) {
          out += lk.const_texts[a] ? *lk.const_texts[a] : repr(*o);
        });
        break;
      case ArgKind::Name: at(c.names, a, show_name); break;
      case ArgKind::GlobalNull:
      case ArgKind::AttrMethod: at(c.names, a >> 1, show_name); break;
      case ArgKind::SuperAttr: at(c.names, a >> 2, show_name); break;
      case ArgKind::Local: at(lk.locals, a, show_name); break;
      case ArgKind::Free: at(lk.derefs, a, show_name); break;
      default: break;
    }
  }
};

}  // namespace

namespace {

// The first index of each of `n` values among them, values compared through
// `same(i, j)` and hashed through `hash(i)`: short tables (most) by
// comparison, long ones through an open-addressing table of first indices
// (one allocation, no nodes).
template <class Hash, class Same>
std::vector<int> first_of(size_t n, Hash hash, Same same) {
  std::vector<int> out(n);
  if (n <= 16) {
    for (size_t i = 0; i < n; ++i) {
      size_t j = 0;
      while (!same(j, i)) ++j;
      out[i] = static_cast<int>(j);
    }
    return out;
  }
  size_t mask = 31;
  while (mask < 2 * n) mask = mask * 2 + 1;
  std::vector<int> slots(mask + 1, -1);
  for (size_t i = 0; i < n; ++i) {
    size_t h = hash(i) & mask;
    while (slots[h] >= 0 && !same(static_cast<size_t>(slots[h]), i)) h = (h + 1) & mask;
    if (slots[h] < 0) slots[h] = static_cast<int>(i);
    out[i] = slots[h];
  }
  return out;
}

}  // namespace

std::vector<int> first_indices(const std::vector<std::string_view>& keys) {
  return first_of(
      keys.size(), [&](size_t i) { return std::hash<std::string_view>{}(keys[i]); },
      [&](size_t i, size_t j) { return keys[i] == keys[j]; });
}

// By const_hash/const_equal, which agree with const_key (the resolver's
// .consts lookup compares by them): no key string built per constant.
std::vector<int> first_const_indices(const std::vector<ObjectPtr>& consts) {
  return first_of(
      consts.size(), [&](size_t i) { return const_hash(ConstRef::of(*consts[i])); },
      [&](size_t i, size_t j) {
        return const_equal(ConstRef::of(*consts[i]), ConstRef::of(*consts[j]));
      });
}

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
  if (!v.lookups.made) make_lookups(v, v.lookups);
  v.operands.clear();
  v.operands.reserve(v.ir.instrs.size());
  v.operand_text.clear();
  v.operand_text.reserve(16 * v.ir.instrs.size());  // most operands are short
  v.uses.clear();
  Formatter f{*opcode_table(v.orig->version), *v.orig, v, v.lookups, v.operand_text, v.uses};
  for (size_t i = 0; i < v.ir.instrs.size(); ++i) {
    Operand o;
    o.text = v.operand_text.size();
    size_t uses = v.uses.size();
    if (!f.symbolic(i)) {
      v.operand_text.resize(o.text);
      v.uses.resize(uses);
      v.operand_text += '$';
      append_number(v.operand_text, v.ir.instrs[i].arg);
      o.comment = v.operand_text.size();
      f.raw_comment(v.ir.instrs[i]);
      o.comment_size = v.operand_text.size() - o.comment;
      o.text_size = o.comment - o.text;
    } else {
      o.text_size = v.operand_text.size() - o.text;
      o.comment = v.operand_text.size();
    }
    v.operands.push_back(o);
  }
}

}  // namespace pyasm::disasm
