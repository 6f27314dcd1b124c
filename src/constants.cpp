// Constant expressions: Python literals to Objects.
#include <array>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "operands.hpp"
#include "resolve.hpp"

namespace pyasm {

bool all_name_chars(std::string_view s) {
  // ASCII letters, digits and '_' (std::isalnum would ask the locale), by
  // table: one load per character rather than four ranges.
  static constexpr auto kNameChar = [] {
    std::array<bool, 256> t{};
    for (int c = 0; c < 256; ++c)
      t[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    return t;
  }();
  for (unsigned char c : s)
    if (!kNameChar[c]) return false;
  return true;
}

std::string describe(const Expr& e) {
  switch (e.kind) {
    case Expr::kInt: return "integer " + std::string(e.value);
    case Expr::kFloat: return "float " + std::string(e.value);
    case Expr::kImag: return "complex " + std::string(e.value);
    case Expr::kStr: return "a string";
    case Expr::kBytes: return "a bytes literal";
    case Expr::kIdent: return "'" + std::string(e.value) + "'";
    case Expr::kSpan: return "span " + std::string(e.value);
    case Expr::kCodeRef: return "code reference @" + std::string(e.value);
    case Expr::kRaw: return "raw oparg $" + std::string(e.value);
    case Expr::kSymbol: return "'" + std::string(e.value) + "'";
    case Expr::kWords: {
      std::string out;
      for (const Expr* k : e.kids) out += (out.empty() ? "" : " ") + std::string(k->value);
      return "'" + out + "' (separate items with commas)";
    }
    case Expr::kTuple: return "a tuple";
    case Expr::kSet: return "a set";
    case Expr::kParen: return "a parenthesised expression";
    case Expr::kCall: return std::string(e.value) + "(...)";
    case Expr::kBinary: return "an expression";
    case Expr::kNeg: return "a negated expression";
    case Expr::kPrefix: return "'" + std::string(e.value) + "...'";
  }
  return "an operand";
}

namespace {

std::string strip_underscores(std::string s) {
  std::erase(s, '_');
  return s;
}

double parse_float(std::string_view text) {
  std::string s = strip_underscores(std::string(text));
  if (!s.empty() && (s.back() == 'j' || s.back() == 'J')) s.pop_back();
  errno = 0;
  return std::strtod(s.c_str(), nullptr);  // overflow gives inf, as in Python
}

// A real number: int, float, or a negated one; used for complex parts.
std::optional<double> eval_real(const Expr& e) {
  if (e.kind == Expr::kInt) {
    auto v = BigInt::parse(e.value);
    if (!v) return std::nullopt;
    return parse_float(v->to_string());
  }
  if (e.kind == Expr::kFloat) return parse_float(e.value);
  if (e.kind == Expr::kIdent && e.value == "inf") return std::numeric_limits<double>::infinity();
  if (e.kind == Expr::kIdent && e.value == "nan") return std::numeric_limits<double>::quiet_NaN();
  if (e.kind == Expr::kNeg) {
    auto v = eval_real(*e.kids[0]);
    if (v) return -*v;
  }
  return std::nullopt;
}

ObjectPtr negate(const ObjectPtr& o) {
  switch (o->kind) {
    case ObjKind::Int: return Object::integer(-o->int_value);
    case ObjKind::Float: return Object::floating(-o->real);
    case ObjKind::Complex: return Object::complex(-o->real, -o->imag);
    default: return nullptr;
  }
}

ObjectPtr eval_items(const Expr& e, const CodeRefs& children, const Sink& sink, bool as_set) {
  std::vector<ObjectPtr> items;
  items.reserve(e.kids.size());
  for (const Expr* k : e.kids) {
    ObjectPtr o = eval_const(*k, children, sink);
    if (!o) return nullptr;
    items.push_back(std::move(o));
  }
  return as_set ? Object::frozenset(std::move(items)) : Object::tuple(std::move(items));
}

ObjectPtr eval_call(const Expr& e, const CodeRefs& children, const Sink& sink) {
  if (e.value == "frozenset") {
    if (e.kids.empty()) return Object::frozenset({});
    const Expr& arg = *e.kids[0];
    if (e.kids.size() == 1 && (arg.kind == Expr::kSet || arg.kind == Expr::kTuple))
      return eval_items(arg, children, sink, true);
    sink.error(e.offset, "frozenset(...) takes one set or tuple of constants");
    return nullptr;
  }
  if (e.value == "float" && e.kids.size() == 1 && e.kids[0]->kind == Expr::kStr) {
    std::string s(e.kids[0]->value);
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    char* end = nullptr;
    double v = std::strtod(s.c_str(), &end);
    if (!s.empty() && end == s.c_str() + s.size()) return Object::floating(v);
    sink.error(e.kids[0]->offset, "float() argument is not a number");
    return nullptr;
  }
  if (e.value == "complex" && e.kids.size() == 2) {
    auto re = eval_real(*e.kids[0]), im = eval_real(*e.kids[1]);
    if (re && im) return Object::complex(*re, *im);
    sink.error(e.offset, "complex(re, im) takes two real numbers");
    return nullptr;
  }
  sink.error(e.offset, "unknown constant constructor '" + std::string(e.value) +
                           "(...)'; expected frozenset(...), float('...') or complex(re, im)");
  return nullptr;
}

// real + imag / real - imag, as repr() prints complex numbers: (1+2j).
ObjectPtr eval_complex_sum(const Expr& e, const Sink& sink) {
  auto re = eval_real(*e.kids[0]);
  const Expr& rhs = *e.kids[1];
  if (re && rhs.kind == Expr::kImag && (e.value == "+" || e.value == "-")) {
    double im = parse_float(rhs.value);
    return Object::complex(*re, e.value == "-" ? -im : im);
  }
  sink.error(e.offset, "a constant cannot be an expression except a complex number such as 1+2j");
  return nullptr;
}

}  // namespace

ObjectPtr eval_const(const Expr& e, const CodeRefs& children, const Sink& sink) {
  switch (e.kind) {
    case Expr::kInt: {
      // Most are small decimals: no BigInt parse (the value is the same).
      if (auto small = plain_decimal(e.value)) {
        auto o = std::make_shared<Object>(ObjKind::Int);
        o->int_value = BigInt(*small);
        return o;
      }
      auto v = BigInt::parse(e.value);
      if (!v) {
        sink.error(e.offset, "invalid integer literal '" + std::string(e.value) + "'");
        return nullptr;
      }
      return Object::integer(*v);
    }
    case Expr::kFloat: return Object::floating(parse_float(e.value));
    case Expr::kImag: return Object::complex(0.0, parse_float(e.value));
    // Built here, as Object::str and Object::bytes would, but with the text
    // copied straight in (not into a string passed by value, then moved).
    case Expr::kStr: {
      auto o = std::make_shared<Object>(ObjKind::Str);
      o->data.assign(e.value.data(), e.value.size());
      o->interned = all_name_chars(e.value);
      return o;
    }
    case Expr::kBytes: {
      auto o = std::make_shared<Object>(ObjKind::Bytes);
      o->data.assign(e.value.data(), e.value.size());
      return o;
    }
    case Expr::kIdent:
      if (e.value == "None") return Object::none();
      if (e.value == "True") return Object::boolean(true);
      if (e.value == "False") return Object::boolean(false);
      if (e.value == "Ellipsis" || e.value == "...") return Object::ellipsis();
      if (e.value == "inf") return Object::floating(std::numeric_limits<double>::infinity());
      if (e.value == "nan") return Object::floating(std::numeric_limits<double>::quiet_NaN());
      sink.error(e.offset, "unknown constant '" + std::string(e.value) + "' (strings need quotes: \"" +
                               std::string(e.value) + "\")");
      return nullptr;
    case Expr::kCodeRef: {
      auto it = children.find(e.value);
      if (it == children.end()) {
        sink.error(e.offset, "no code block '" + std::string(e.value) + "' inside this one");
        return nullptr;
      }
      if (!it->second) return nullptr;  // it failed, and said why
      return Object::code_object(it->second);
    }
    case Expr::kNeg: {
      ObjectPtr inner = eval_const(*e.kids[0], children, sink);
      if (!inner) return nullptr;
      ObjectPtr out = negate(inner);
      if (!out) sink.error(e.offset, "only numbers can be negated");
      return out;
    }
    case Expr::kParen: return eval_const(*e.kids[0], children, sink);
    case Expr::kTuple: return eval_items(e, children, sink, false);
    case Expr::kSet: return eval_items(e, children, sink, true);
    case Expr::kCall: return eval_call(e, children, sink);
    case Expr::kBinary: return eval_complex_sum(e, sink);
    default:
      sink.error(e.offset, "expected a constant, got " + describe(e));
      return nullptr;
  }
}

}  // namespace pyasm
