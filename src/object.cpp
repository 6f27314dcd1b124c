// Object factories, constant keys and Python-compatible repr().
#include "pyasm/object.hpp"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "pyasm/code.hpp"

namespace pyasm {
namespace {

std::shared_ptr<Object> make(ObjKind kind) {
  return std::make_shared<Object>(kind);
}

}  // namespace

// The singletons are shared so that every use is the same object, as in
// CPython; the marshal writer never flags them anyway.
ObjectPtr Object::none() {
  static const ObjectPtr v = make(ObjKind::None);
  return v;
}

ObjectPtr Object::boolean(bool b) {
  static const ObjectPtr t = make(ObjKind::True);
  static const ObjectPtr f = make(ObjKind::False);
  return b ? t : f;
}

ObjectPtr Object::ellipsis() {
  static const ObjectPtr v = make(ObjKind::Ellipsis);
  return v;
}

ObjectPtr Object::integer(BigInt v) {
  auto o = make(ObjKind::Int);
  o->int_value = std::move(v);
  return o;
}

ObjectPtr Object::floating(double v) {
  auto o = make(ObjKind::Float);
  o->real = v;
  return o;
}

ObjectPtr Object::complex(double re, double im) {
  auto o = make(ObjKind::Complex);
  o->real = re;
  o->imag = im;
  return o;
}

ObjectPtr Object::bytes(std::string raw) {
  auto o = make(ObjKind::Bytes);
  o->data = std::move(raw);
  return o;
}

ObjectPtr Object::str(std::string utf8, bool interned) {
  auto o = make(ObjKind::Str);
  o->data = std::move(utf8);
  o->interned = interned;
  return o;
}

ObjectPtr Object::tuple(std::vector<ObjectPtr> items) {
  auto o = make(ObjKind::Tuple);
  o->items = std::move(items);
  return o;
}

ObjectPtr Object::frozenset(std::vector<ObjectPtr> items) {
  auto o = make(ObjKind::FrozenSet);
  o->items = std::move(items);
  return o;
}

ObjectPtr Object::code_object(std::shared_ptr<const pyasm::Code> c) {
  auto o = make(ObjKind::Code);
  o->code = std::move(c);
  return o;
}

bool Object::is_ascii_str() const {
  return kind == ObjKind::Str &&
         std::all_of(data.begin(), data.end(), [](char c) { return (c & 0x80) == 0; });
}

// --- const_key ------------------------------------------------------------

namespace {

// The key is built in place, every part self-delimiting (a length or a
// count before variable data, a terminator after numbers), so that two
// different trees never give the same key and no part needs a string of
// its own. The format is internal: keys are only compared.
void append_hex(std::string& out, uint64_t v) {
  static constexpr char kDigits[] = "0123456789abcdef";
  char buf[16];
  for (int i = 15; i >= 0; --i, v >>= 4) buf[i] = kDigits[v & 15];
  out.append(buf, 16);
}

void append_count(std::string& out, size_t n) {
  char buf[24];
  auto end = std::to_chars(buf, buf + sizeof buf, n).ptr;
  out.append(buf, end);
  out += ':';
}

void append_kind(std::string& out, ObjKind kind) {
  out += static_cast<char>('A' + static_cast<int>(kind));
}

void append_str_key(std::string& out, std::string_view text) {
  append_kind(out, ObjKind::Str);
  append_count(out, text.size());
  out += text;
}

void append_key(std::string& out, const Object& o) {
  append_kind(out, o.kind);
  switch (o.kind) {
    case ObjKind::Int:
      out += o.int_value.to_string();
      out += ';';
      break;
    case ObjKind::Float:
      append_hex(out, std::bit_cast<uint64_t>(o.real));
      break;
    case ObjKind::Complex:
      append_hex(out, std::bit_cast<uint64_t>(o.real));
      append_hex(out, std::bit_cast<uint64_t>(o.imag));
      break;
    case ObjKind::Bytes:
    case ObjKind::Str:
      append_count(out, o.data.size());
      out += o.data;
      break;
    case ObjKind::Tuple:
      append_count(out, o.items.size());
      for (const ObjectPtr& item : o.items) append_key(out, *item);
      break;
    case ObjKind::FrozenSet: {
      // A set's value does not depend on the order its elements are listed.
      std::vector<std::string> keys;
      for (const ObjectPtr& item : o.items) keys.push_back(const_key(*item));
      std::sort(keys.begin(), keys.end());
      append_count(out, keys.size());
      for (const std::string& k : keys) out += k;
      break;
    }
    case ObjKind::Code:
      append_hex(out, reinterpret_cast<uintptr_t>(o.code.get()));
      break;
    default:
      break;  // singletons: the kind says it all
  }
}

}  // namespace

std::string const_key(const Object& o) {
  std::string key;
  append_key(key, o);
  return key;
}

std::string const_key_of_tuple(const std::vector<ObjectPtr>& items) {
  std::string key;
  append_kind(key, ObjKind::Tuple);
  append_count(key, items.size());
  for (const ObjectPtr& item : items) append_key(key, *item);
  return key;
}

std::string const_key_of_names(const std::vector<std::string>& names) {
  std::string key;
  append_kind(key, ObjKind::Tuple);
  append_count(key, names.size());
  for (const std::string& n : names) append_str_key(key, n);
  return key;
}

std::string const_key_of_str(std::string_view text) {
  std::string key;
  append_str_key(key, text);
  return key;
}

// --- const_hash, const_equal -----------------------------------------------

namespace {

using detail::hash_bytes;
using detail::hash_mix;
using detail::hash_seed;

uint64_t hash_object(const Object& o) {
  uint64_t h = hash_seed(o.kind);
  switch (o.kind) {
    case ObjKind::Int: {
      const std::vector<uint16_t>& d = o.int_value.digits15();
      h = hash_mix(h, o.int_value.is_negative());
      return hash_bytes(h, {reinterpret_cast<const char*>(d.data()), d.size() * 2});
    }
    case ObjKind::Float: return hash_mix(h, std::bit_cast<uint64_t>(o.real));
    case ObjKind::Complex:
      return hash_mix(hash_mix(h, std::bit_cast<uint64_t>(o.real)),
                      std::bit_cast<uint64_t>(o.imag));
    case ObjKind::Bytes:
    case ObjKind::Str: return hash_bytes(h, o.data);
    case ObjKind::Tuple:
      h = hash_mix(h, o.items.size());
      for (const ObjectPtr& item : o.items) h = hash_mix(h, hash_object(*item));
      return h;
    case ObjKind::FrozenSet: {
      // Order-independent, as the key sorts the elements' keys.
      uint64_t sum = 0;
      for (const ObjectPtr& item : o.items) sum += hash_object(*item);
      return hash_mix(hash_mix(h, o.items.size()), sum);
    }
    case ObjKind::Code: return hash_mix(h, reinterpret_cast<uintptr_t>(o.code.get()));
    default: return h;
  }
}

bool equal_objects(const Object& a, const Object& b) {
  if (&a == &b) return true;
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case ObjKind::Int: return a.int_value == b.int_value;
    case ObjKind::Float: return std::bit_cast<uint64_t>(a.real) == std::bit_cast<uint64_t>(b.real);
    case ObjKind::Complex:
      return std::bit_cast<uint64_t>(a.real) == std::bit_cast<uint64_t>(b.real) &&
             std::bit_cast<uint64_t>(a.imag) == std::bit_cast<uint64_t>(b.imag);
    case ObjKind::Bytes:
    case ObjKind::Str: return equal_text(a.data, b.data);
    case ObjKind::Tuple:
      if (a.items.size() != b.items.size()) return false;
      for (size_t i = 0; i < a.items.size(); ++i)
        if (!equal_objects(*a.items[i], *b.items[i])) return false;
      return true;
    case ObjKind::FrozenSet: return const_key(a) == const_key(b);  // rare: by definition
    case ObjKind::Code: return a.code.get() == b.code.get();
    default: return true;
  }
}

const Object& object_of(const ConstRef& c) { return *static_cast<const Object*>(c.ptr); }
const std::vector<ObjectPtr>& items_of(const ConstRef& c) {
  return *static_cast<const std::vector<ObjectPtr>*>(c.ptr);
}
const std::vector<std::string>& names_of(const ConstRef& c) {
  return *static_cast<const std::vector<std::string>*>(c.ptr);
}

ObjKind kind_of(const ConstRef& c) {
  switch (c.form) {
    case ConstRef::kObject: return object_of(c).kind;
    case ConstRef::kStr: return ObjKind::Str;
    default: return ObjKind::Tuple;
  }
}

size_t count_of(const ConstRef& c) {
  switch (c.form) {
    case ConstRef::kObject: return object_of(c).items.size();
    case ConstRef::kItems: return items_of(c).size();
    case ConstRef::kNames: return names_of(c).size();
    default: return 0;
  }
}

ConstRef item_of(const ConstRef& c, size_t i) {
  switch (c.form) {
    case ConstRef::kObject: return ConstRef::of(*object_of(c).items[i]);
    case ConstRef::kItems: return ConstRef::of(*items_of(c)[i]);
    default: return ConstRef::of_str(names_of(c)[i]);
  }
}

}  // namespace

uint64_t const_hash(const ConstRef& c) {
  uint64_t h = hash_seed(ObjKind::Tuple);
  switch (c.form) {
    case ConstRef::kObject: return hash_object(object_of(c));
    case ConstRef::kStr: return const_hash_of_str(c.text());
    case ConstRef::kItems:
      h = hash_mix(h, items_of(c).size());
      for (const ObjectPtr& item : items_of(c)) h = hash_mix(h, hash_object(*item));
      return h;
    case ConstRef::kNames:
      h = hash_mix(h, names_of(c).size());
      for (const std::string& n : names_of(c)) h = hash_mix(h, const_hash_of_str(n));
      return h;
  }
  return h;
}

bool const_equal(const ConstRef& a, const ConstRef& b) {
  if (a.form == ConstRef::kObject && b.form == ConstRef::kObject)
    return equal_objects(object_of(a), object_of(b));
  if (a.form == ConstRef::kNames && b.form == ConstRef::kNames) {
    // Two name tuples (the writer's commonest compare, from 3.8): the
    // names side by side, without a ConstRef for each.
    const std::vector<std::string>& na = names_of(a);
    const std::vector<std::string>& nb = names_of(b);
    if (na.size() != nb.size()) return false;
    for (size_t i = 0; i < na.size(); ++i)
      if (!equal_text(na[i], nb[i])) return false;
    return true;
  }
  // One side is a string or a tuple seen without its Object.
  ObjKind kind = kind_of(a);
  if (kind != kind_of(b)) return false;
  if (kind == ObjKind::Str) {
    std::string_view ta =
        a.form == ConstRef::kObject ? std::string_view(object_of(a).data) : a.text();
    std::string_view tb =
        b.form == ConstRef::kObject ? std::string_view(object_of(b).data) : b.text();
    return equal_text(ta, tb);
  }
  if (kind != ObjKind::Tuple) return false;
  size_t n = count_of(a);
  if (n != count_of(b)) return false;
  for (size_t i = 0; i < n; ++i)
    if (!const_equal(item_of(a, i), item_of(b, i))) return false;
  return true;
}

// --- repr -----------------------------------------------------------------

namespace {

// Python's float repr: the shortest digits that round-trip, positional
// when the decimal exponent is in [-4, 16), otherwise d.ddde+XX.
// `add_dot_0` gives "1.0" rather than "1" (float yes, complex parts no).
std::string format_float(double d, bool add_dot_0, bool force_sign) {
  std::string sign = std::signbit(d) ? "-" : (force_sign ? "+" : "");
  if (std::isnan(d)) return (force_sign ? "+" : "") + std::string("nan");
  if (std::isinf(d)) return sign + "inf";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, std::fabs(d), std::chars_format::scientific);
  std::string_view sci(buf, res.ptr - buf);  // e.g. "1.2345e-05"
  size_t e = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e)) {
    if (c != '.') digits += c;
  }
  int exp10 = 0;
  std::string_view exp_text = sci.substr(e + 1);
  if (exp_text[0] == '+') exp_text.remove_prefix(1);
  std::from_chars(exp_text.data(), exp_text.data() + exp_text.size(), exp10);
  int decpt = exp10 + 1;  // value = 0.DIGITS * 10**decpt
  int n = static_cast<int>(digits.size());
  if (decpt <= -4 || decpt > 16) {
    std::string out = sign + digits.substr(0, 1);
    if (n > 1) out += "." + digits.substr(1);
    char ebuf[16];
    std::snprintf(ebuf, sizeof ebuf, "e%c%02d", exp10 < 0 ? '-' : '+', std::abs(exp10));
    return out + ebuf;
  }
  if (decpt <= 0) return sign + "0." + std::string(-decpt, '0') + digits;
  if (decpt >= n) {
    return sign + digits + std::string(decpt - n, '0') + (add_dot_0 ? ".0" : "");
  }
  return sign + digits.substr(0, decpt) + "." + digits.substr(decpt);
}

std::string repr_complex(double re, double im) {
  // A positive-zero real part is left out, as Python does.
  if (re == 0 && !std::signbit(re)) return format_float(im, false, false) + "j";
  return "(" + format_float(re, false, false) + format_float(im, false, true) + "j)";
}

// Decodes one UTF-8 sequence (surrogates allowed, as surrogatepass writes
// them). Returns the code point, or -1 for a malformed byte.
int32_t decode_utf8(std::string_view s, size_t& i) {
  auto b = static_cast<unsigned char>(s[i]);
  int len = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
  if (len == 0 || i + len > s.size()) {
    ++i;
    return -1;
  }
  int32_t cp = len == 1 ? b : b & (0x7f >> len);
  for (int k = 1; k < len; ++k) {
    auto c = static_cast<unsigned char>(s[i + k]);
    if ((c & 0xc0) != 0x80) {
      ++i;
      return -1;
    }
    cp = (cp << 6) | (c & 0x3f);
  }
  i += len;
  return cp;
}

bool is_printable(int32_t cp);

void append_hex_escape(std::string& out, char kind, int32_t value, int width) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "\\%c%0*x", kind, width, static_cast<unsigned>(value));
  out += buf;
}

// The quote Python picks: ' unless the text has ' and no ".
char pick_quote(std::string_view s) {
  bool single = s.find('\'') != std::string_view::npos;
  bool dbl = s.find('"') != std::string_view::npos;
  return single && !dbl ? '"' : '\'';
}

// Escapes shared by str and bytes for code points below 0x80.
void append_ascii(std::string& out, int32_t c, char quote) {
  if (c == quote || c == '\\') {
    out += '\\';
    out += static_cast<char>(c);
  } else if (c == '\t') {
    out += "\\t";
  } else if (c == '\n') {
    out += "\\n";
  } else if (c == '\r') {
    out += "\\r";
  } else if (c < 0x20 || c == 0x7f) {
    append_hex_escape(out, 'x', c, 2);
  } else {
    out += static_cast<char>(c);
  }
}

std::string repr_str(std::string_view s) {
  char quote = pick_quote(s);
  std::string out;
  out.reserve(s.size() + 2);
  out += quote;
  for (size_t i = 0; i < s.size();) {
    // Printable ASCII other than the quote and the backslash stands for
    // itself: most of a string is, and goes in by the run.
    size_t run = i;
    while (run < s.size() && s[run] >= 0x20 && s[run] < 0x7f && s[run] != quote && s[run] != '\\')
      ++run;
    if (run > i) {
      out.append(s.data() + i, run - i);
      i = run;
      continue;
    }
    size_t start = i;
    int32_t cp = decode_utf8(s, i);
    if (cp < 0) {
      // Not valid UTF-8: show the raw byte rather than lose it.
      append_hex_escape(out, 'x', static_cast<unsigned char>(s[start]), 2);
    } else if (cp < 0x80) {
      append_ascii(out, cp, quote);
    } else if (is_printable(cp)) {
      out.append(s.substr(start, i - start));
    } else if (cp <= 0xff) {
      append_hex_escape(out, 'x', cp, 2);
    } else if (cp <= 0xffff) {
      append_hex_escape(out, 'u', cp, 4);
    } else {
      append_hex_escape(out, 'U', cp, 8);
    }
  }
  out += quote;
  return out;
}

std::string repr_bytes(std::string_view s) {
  char quote = pick_quote(s);
  std::string out = "b";
  out += quote;
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (c >= 0x80) {
      append_hex_escape(out, 'x', c, 2);
    } else {
      append_ascii(out, c, quote);
    }
  }
  return out + quote;
}

std::string join_items(const std::vector<ObjectPtr>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ", ";
    out += repr(*items[i]);
  }
  return out;
}

}  // namespace

std::string repr(const Object& o) {
  switch (o.kind) {
    case ObjKind::None:
      return "None";
    case ObjKind::True:
      return "True";
    case ObjKind::False:
      return "False";
    case ObjKind::Ellipsis:
      return "Ellipsis";
    case ObjKind::StopIteration:
      return "<class 'StopIteration'>";
    case ObjKind::Int:
      return o.int_value.to_string();
    case ObjKind::Float:
      return format_float(o.real, true, false);
    case ObjKind::Complex:
      return repr_complex(o.real, o.imag);
    case ObjKind::Bytes:
      return repr_bytes(o.data);
    case ObjKind::Str:
      return repr_str(o.data);
    case ObjKind::Tuple:
      return "(" + join_items(o.items) + (o.items.size() == 1 ? ",)" : ")");
    case ObjKind::FrozenSet:
      return o.items.empty() ? "frozenset()" : "frozenset({" + join_items(o.items) + "})";
    case ObjKind::Code:
      return "<code " + (o.code ? o.code->name : std::string("?")) + ">";
  }
  return "?";
}

// --- str.isprintable() for non-ASCII code points ---------------------------

namespace {

// Lengths of alternating runs of code points from U+0080 on: not printable,
// printable, not printable, ... Generated with CPython 3.13.0 (Unicode 15.1):
//   runs, cur, n = [], False, 0
//   for c in range(0x80, 0x110000):
//       p = chr(c).isprintable()
//       if p != cur: runs.append(n); n, cur = 0, p
//       n += 1
//   runs.append(n)
// Older interpreters use older Unicode data, so a character assigned since
// then may print as-is here but escaped by, say, 3.6.
// clang-format off
constexpr uint32_t kPrintableRuns[] = {
    33, 12, 1, 714, 2, 6, 4, 7, 1, 1, 1, 20, 1, 397, 1, 38, 2, 50, 2, 3, 1, 55, 8, 27, 4, 6, 17, 22,
    1, 192, 1, 48, 2, 59, 2, 101, 14, 59, 2, 49, 2, 15, 1, 28, 2, 1, 1, 11, 5, 31, 9, 74, 1, 161, 1,
    8, 2, 2, 2, 22, 1, 7, 1, 1, 3, 4, 2, 9, 2, 2, 2, 4, 8, 1, 4, 2, 1, 5, 2, 25, 2, 3, 1, 6, 4, 2,
    2, 22, 1, 7, 1, 2, 1, 2, 1, 2, 2, 1, 1, 5, 4, 2, 2, 3, 3, 1, 7, 4, 1, 1, 7, 17, 10, 3, 1, 9, 1,
    3, 1, 22, 1, 7, 1, 2, 1, 5, 2, 10, 1, 3, 1, 3, 2, 1, 15, 4, 2, 12, 7, 7, 1, 3, 1, 8, 2, 2, 2,
    22, 1, 7, 1, 2, 1, 5, 2, 9, 2, 2, 2, 3, 7, 3, 4, 2, 1, 5, 2, 18, 10, 2, 1, 6, 3, 3, 1, 4, 3, 2,
    1, 1, 1, 2, 3, 2, 3, 3, 3, 12, 4, 5, 3, 3, 1, 4, 2, 1, 6, 1, 14, 21, 5, 13, 1, 3, 1, 23, 1, 16,
    2, 9, 1, 3, 1, 4, 7, 2, 1, 3, 2, 1, 2, 4, 2, 10, 7, 22, 1, 3, 1, 23, 1, 10, 1, 5, 2, 9, 1, 3, 1,
    4, 7, 2, 6, 2, 1, 4, 2, 10, 1, 3, 12, 13, 1, 3, 1, 51, 1, 3, 1, 6, 4, 16, 2, 26, 1, 3, 1, 18, 3,
    24, 1, 9, 1, 1, 2, 7, 3, 1, 4, 6, 1, 1, 1, 8, 6, 10, 2, 3, 12, 58, 4, 29, 37, 2, 1, 1, 1, 5, 1,
    24, 1, 1, 1, 23, 2, 5, 1, 1, 1, 7, 1, 10, 2, 4, 32, 72, 1, 36, 4, 39, 1, 36, 1, 15, 1, 13, 37,
    198, 1, 1, 5, 1, 2, 377, 1, 4, 2, 7, 1, 1, 1, 4, 2, 41, 1, 4, 2, 33, 1, 4, 2, 7, 1, 1, 1, 4, 2,
    15, 1, 57, 1, 4, 2, 67, 2, 32, 3, 26, 6, 86, 2, 6, 2, 640, 1, 28, 3, 89, 7, 22, 9, 24, 9, 20,
    12, 13, 1, 3, 1, 2, 12, 94, 2, 10, 6, 10, 6, 14, 1, 11, 6, 89, 7, 43, 5, 70, 10, 31, 1, 12, 4,
    12, 4, 1, 3, 42, 2, 5, 11, 44, 4, 26, 6, 11, 3, 62, 2, 65, 1, 29, 2, 11, 6, 10, 6, 14, 2, 31,
    49, 77, 3, 47, 1, 116, 8, 60, 3, 15, 3, 60, 7, 43, 2, 11, 8, 43, 5, 534, 2, 6, 2, 38, 2, 6, 2,
    8, 1, 1, 1, 1, 1, 1, 1, 31, 2, 53, 1, 15, 1, 14, 2, 6, 1, 19, 2, 3, 1, 9, 17, 24, 8, 47, 17, 2,
    2, 27, 1, 13, 3, 33, 15, 33, 15, 140, 4, 663, 25, 11, 21, 1812, 2, 32, 1, 349, 5, 45, 1, 1, 5,
    1, 2, 56, 7, 2, 14, 24, 9, 7, 1, 7, 1, 7, 1, 7, 1, 7, 1, 7, 1, 7, 1, 7, 1, 126, 34, 26, 1, 89,
    12, 214, 26, 16, 1, 63, 1, 86, 2, 103, 5, 43, 1, 94, 1, 84, 11, 48, 1, 29293, 3, 55, 9, 348, 20,
    184, 8, 203, 5, 2, 1, 1, 1, 5, 24, 59, 3, 10, 6, 56, 8, 70, 8, 12, 6, 116, 11, 30, 3, 78, 1, 11,
    4, 33, 1, 55, 9, 14, 2, 10, 2, 103, 24, 28, 10, 6, 2, 6, 2, 6, 9, 7, 1, 7, 1, 60, 4, 126, 2, 10,
    6, 11172, 12, 23, 4, 49, 8452, 366, 2, 106, 38, 7, 12, 5, 5, 26, 1, 5, 1, 1, 1, 2, 1, 2, 1, 125,
    16, 445, 2, 54, 7, 1, 32, 42, 6, 51, 1, 19, 1, 4, 4, 5, 1, 135, 4, 190, 3, 6, 2, 6, 2, 6, 2, 3,
    3, 7, 1, 7, 13, 2, 2, 12, 1, 26, 1, 19, 1, 2, 1, 15, 2, 14, 34, 123, 5, 3, 4, 45, 3, 88, 1, 13,
    3, 1, 47, 46, 130, 29, 3, 49, 15, 28, 4, 36, 9, 30, 5, 43, 5, 30, 1, 37, 4, 14, 42, 158, 2, 10,
    6, 36, 4, 36, 4, 40, 8, 52, 11, 12, 1, 15, 1, 7, 1, 2, 1, 11, 1, 15, 1, 7, 1, 2, 67, 311, 9, 22,
    10, 8, 24, 6, 1, 42, 1, 9, 69, 6, 2, 1, 1, 44, 1, 2, 3, 1, 2, 23, 1, 72, 8, 9, 48, 19, 1, 2, 5,
    33, 3, 27, 5, 1, 64, 56, 4, 20, 2, 50, 1, 2, 5, 8, 1, 3, 1, 29, 2, 3, 4, 10, 7, 9, 7, 64, 32,
    39, 4, 12, 9, 54, 3, 29, 2, 27, 5, 26, 7, 4, 12, 7, 80, 73, 55, 51, 13, 51, 7, 46, 8, 10, 294,
    31, 1, 42, 1, 3, 2, 2, 75, 43, 8, 42, 22, 26, 38, 28, 20, 23, 9, 78, 4, 36, 9, 62, 1, 5, 13, 25,
    7, 10, 6, 53, 1, 18, 8, 39, 9, 96, 1, 20, 11, 18, 1, 47, 62, 7, 1, 1, 1, 4, 1, 15, 1, 11, 6, 59,
    5, 10, 6, 4, 1, 8, 2, 2, 2, 22, 1, 7, 1, 2, 1, 5, 1, 10, 2, 2, 2, 3, 2, 1, 6, 1, 5, 7, 2, 7, 3,
    5, 139, 92, 1, 5, 30, 72, 8, 10, 166, 54, 2, 38, 34, 69, 11, 10, 6, 13, 19, 58, 6, 10, 54, 27,
    2, 15, 4, 23, 185, 60, 100, 83, 12, 8, 2, 1, 2, 8, 1, 2, 1, 30, 1, 2, 2, 12, 9, 10, 70, 8, 2,
    46, 2, 11, 27, 72, 8, 83, 13, 73, 7, 10, 246, 9, 1, 45, 1, 14, 10, 29, 3, 32, 2, 22, 1, 14, 73,
    7, 1, 2, 1, 44, 3, 1, 1, 2, 1, 9, 8, 10, 6, 6, 1, 2, 1, 37, 1, 2, 1, 6, 7, 10, 310, 25, 7, 17,
    1, 41, 3, 28, 86, 1, 15, 50, 13, 923, 102, 111, 1, 5, 11, 196, 2636, 99, 13, 1072, 16, 22, 4010,
    583, 8633, 569, 7, 31, 1, 10, 4, 81, 1, 10, 6, 30, 2, 6, 10, 70, 10, 10, 1, 7, 1, 21, 5, 19,
    688, 91, 101, 75, 4, 57, 7, 17, 64, 5, 11, 2, 14, 6136, 8, 1238, 42, 9, 8935, 4, 1, 7, 1, 2, 1,
    291, 15, 1, 29, 3, 2, 1, 14, 4, 8, 396, 2308, 107, 5, 13, 3, 9, 7, 10, 2, 4, 4704, 46, 2, 23, 9,
    116, 60, 246, 10, 39, 2, 74, 8, 112, 21, 70, 122, 20, 12, 20, 12, 87, 9, 25, 135, 85, 1, 71, 1,
    2, 2, 1, 2, 2, 2, 4, 1, 12, 1, 1, 1, 7, 1, 65, 1, 4, 2, 8, 1, 7, 1, 28, 1, 4, 1, 5, 1, 1, 3, 7,
    1, 340, 2, 292, 2, 702, 15, 5, 1, 15, 1104, 31, 6, 6, 213, 7, 1, 17, 2, 7, 1, 2, 1, 5, 5, 62,
    33, 1, 112, 45, 3, 14, 2, 10, 4, 2, 320, 31, 17, 58, 5, 1, 464, 42, 742, 7, 1, 4, 1, 2, 1, 15,
    1, 197, 2, 16, 41, 76, 4, 10, 4, 2, 785, 68, 76, 61, 194, 4, 1, 27, 1, 2, 1, 1, 2, 1, 1, 10, 1,
    4, 1, 1, 1, 1, 6, 1, 4, 1, 1, 1, 1, 1, 1, 3, 1, 2, 1, 1, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 1,
    1, 2, 4, 1, 7, 1, 4, 1, 4, 1, 1, 1, 10, 1, 17, 5, 3, 1, 5, 1, 17, 52, 2, 270, 44, 4, 100, 12,
    15, 2, 15, 1, 15, 1, 37, 10, 174, 56, 29, 13, 44, 4, 9, 7, 2, 14, 6, 154, 984, 4, 17, 3, 13, 3,
    119, 4, 95, 6, 12, 4, 1, 15, 12, 4, 56, 8, 10, 6, 40, 8, 30, 2, 2, 78, 340, 12, 14, 2, 13, 3, 9,
    7, 46, 1, 7, 8, 14, 4, 9, 7, 9, 7, 147, 1, 55, 37, 10, 1030, 42720, 32, 4154, 6, 222, 2, 5762,
    14, 7473, 15, 622, 2466, 542, 1506, 4939, 5, 4192, 712016, 240, 196112,
};
// clang-format on

bool is_printable(int32_t cp) {
  if (cp > 0x10ffff) return false;
  // Run boundaries, built once; the index of the run holding `cp` tells
  // whether it is printable (odd runs are).
  static const std::vector<uint32_t> bounds = [] {
    std::vector<uint32_t> b;
    uint32_t at = 0x80;
    for (uint32_t len : kPrintableRuns) b.push_back(at += len);
    return b;
  }();
  auto it = std::upper_bound(bounds.begin(), bounds.end(), static_cast<uint32_t>(cp));
  return (it - bounds.begin()) % 2 == 1;
}

}  // namespace

}  // namespace pyasm
