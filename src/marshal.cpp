// marshal version 4 writer, laid out as each CPython version writes it, and
// the .pyc container around it.
//
// FLAG_REF: CPython flags an object when its refcount says it may be shared.
// pyasm has no refcounts, so it flags what is visibly shared: an object
// reached twice (same pointer), every interned string (shared by value, as
// interning makes equal strings one object), and the few non-interned
// strings that CPython's compiler keeps as one object per value: the
// module's filename and, on some versions, the compiler's "<...>" names.
#include "pyasm/marshal.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <string_view>
#include <unordered_map>

#include "pyasm/opcodes.hpp"

namespace pyasm {
namespace {

constexpr uint8_t kFlagRef = 0x80;

// How a string field (one with no Object behind it) is written.
enum class StrMode {
  kPlain,     // its own unflagged object
  kInterned,  // Z/A/t, flagged, one object per value
  kShared,    // z/a/u, flagged, one object per value (not interned)
};

bool is_ascii(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

// co_name as CPython writes it [notes §2.7, checked on 3.6-3.13]. The
// names the compiler makes up ("<module>", "<lambda>", "<listcomp>",
// "<generic parameters of f>", ...) are not interned on 3.11/3.12, nor the
// comprehension names on 3.6/3.7; they are one flagged object per value.
// Every other co_name comes from an identifier, which is interned.
StrMode name_mode(Version v, std::string_view name) {
  static constexpr std::array<std::string_view, 4> kComprehensions = {"<listcomp>", "<genexpr>",
                                                                      "<dictcomp>", "<setcomp>"};
  bool comprehension =
      std::find(kComprehensions.begin(), kComprehensions.end(), name) != kComprehensions.end();
  if (v.minor <= 7 && comprehension) return StrMode::kShared;
  if ((v.minor == 11 || v.minor == 12) && name.starts_with('<')) return StrMode::kShared;
  return StrMode::kInterned;
}

class Writer {
 public:
  explicit Writer(Version v) : v_(v) {}

  // Pre-pass: counts how often each object is reached, so that the first
  // write of a shared object already carries FLAG_REF. A repeat is not
  // descended into, as the writer will emit it as a reference.
  void scan(const Object& o) {
    if (is_singleton(o)) return;
    if (o.kind == ObjKind::Code) {
      if (o.code) scan_code(*o.code);
      return;
    }
    if (++visits_[&o] > 1) return;
    for (const ObjectPtr& item : o.items) scan(*item);
  }

  void scan_code(const Code& c) {
    if (++visits_[&c] > 1) return;
    for (const ObjectPtr& item : c.consts) scan(*item);
  }

  void object(const Object& o);
  void code(const Code& c);
  std::string take() { return std::move(out_); }

 private:
  static bool is_singleton(const Object& o) {
    switch (o.kind) {
      case ObjKind::None:
      case ObjKind::True:
      case ObjKind::False:
      case ObjKind::Ellipsis:
      case ObjKind::StopIteration:
        return true;
      default:
        return false;
    }
  }

  void u8(uint8_t b) { out_.push_back(static_cast<char>(b)); }
  void u32(uint32_t v) {
    for (int i = 0; i < 4; ++i) u8(static_cast<uint8_t>(v >> (8 * i)));
  }
  void i32(int32_t v) { u32(static_cast<uint32_t>(v)); }
  void u64(uint64_t v) {
    u32(static_cast<uint32_t>(v));
    u32(static_cast<uint32_t>(v >> 32));
  }
  void type(char code, bool flag) { u8(static_cast<uint8_t>(code) | (flag ? kFlagRef : 0)); }

  // Writes 'r' and returns true when `key` already has a slot; otherwise
  // reserves one if `flag`.
  bool ref_or_reserve(const void* key, bool flag) {
    if (auto it = refs_.find(key); it != refs_.end()) {
      u8('r');
      u32(it->second);
      return true;
    }
    if (flag) refs_[key] = next_ref_++;
    return false;
  }
  bool shared(const void* key) const {
    auto it = visits_.find(key);
    return it != visits_.end() && it->second > 1;
  }

  void int_body(const BigInt& v, bool flag);
  void str_body(std::string_view s, bool interned, bool flag);
  void bytes(std::string_view s, bool flag = false) {
    type('s', flag);
    u32(static_cast<uint32_t>(s.size()));
    out_ += s;
  }
  void string(std::string_view s, StrMode mode);
  void string_tuple(const std::vector<std::string>& names) {
    tuple_header(names.size(), false);
    for (const std::string& n : names) string(n, StrMode::kInterned);
  }
  void tuple_header(size_t n, bool flag);
  void code_fields(const Code& c);

  Version v_;
  std::string out_;
  std::unordered_map<const void*, int> visits_;
  std::unordered_map<const void*, uint32_t> refs_;
  std::unordered_map<std::string, uint32_t> interned_;  // interned strings by value
  std::unordered_map<std::string, uint32_t> statics_;   // kShared strings by value
  uint32_t next_ref_ = 0;
};

void Writer::int_body(const BigInt& v, bool flag) {
  std::optional<int64_t> small = v.to_int64();
  if (small && *small >= INT32_MIN && *small <= INT32_MAX) {
    type('i', flag);
    i32(static_cast<int32_t>(*small));
    return;
  }
  // 'l': signed digit count, then 15-bit digits, least significant first.
  const std::vector<uint16_t>& digits = v.digits15();
  type('l', flag);
  int32_t n = static_cast<int32_t>(digits.size());
  i32(v.is_negative() ? -n : n);
  for (uint16_t d : digits) {
    u8(static_cast<uint8_t>(d));
    u8(static_cast<uint8_t>(d >> 8));
  }
}

// The writer's choice of string type [notes §2.1]: short ASCII z/Z, long
// ASCII a/A, anything else UTF-8 u/t.
void Writer::str_body(std::string_view s, bool interned, bool flag) {
  if (is_ascii(s) && s.size() < 256) {
    type(interned ? 'Z' : 'z', flag);
    u8(static_cast<uint8_t>(s.size()));
  } else {
    type(is_ascii(s) ? (interned ? 'A' : 'a') : (interned ? 't' : 'u'), flag);
    u32(static_cast<uint32_t>(s.size()));
  }
  out_ += s;
}

void Writer::string(std::string_view s, StrMode mode) {
  if (mode == StrMode::kPlain) return str_body(s, false, false);
  auto& table = mode == StrMode::kInterned ? interned_ : statics_;
  auto [it, inserted] = table.try_emplace(std::string(s), next_ref_);
  if (!inserted) {
    u8('r');
    u32(it->second);
    return;
  }
  ++next_ref_;
  str_body(s, mode == StrMode::kInterned, true);
}

void Writer::tuple_header(size_t n, bool flag) {
  if (n < 256) {
    type(')', flag);
    u8(static_cast<uint8_t>(n));
  } else {
    type('(', flag);
    u32(static_cast<uint32_t>(n));
  }
}

void Writer::object(const Object& o) {
  switch (o.kind) {
    case ObjKind::None:
      return u8('N');
    case ObjKind::True:
      return u8('T');
    case ObjKind::False:
      return u8('F');
    case ObjKind::Ellipsis:
      return u8('.');
    case ObjKind::StopIteration:
      return u8('S');
    case ObjKind::Code:
      if (o.code) return code(*o.code);
      return u8('N');  // an unresolved code constant; keeps the stream valid
    case ObjKind::Str:
      if (o.interned) return string(o.data, StrMode::kInterned);
      break;
    default:
      break;
  }
  bool flag = shared(&o);
  if (ref_or_reserve(&o, flag)) return;
  switch (o.kind) {
    case ObjKind::Int:
      return int_body(o.int_value, flag);
    case ObjKind::Float:
      type('g', flag);
      return u64(std::bit_cast<uint64_t>(o.real));
    case ObjKind::Complex:
      type('y', flag);
      u64(std::bit_cast<uint64_t>(o.real));
      return u64(std::bit_cast<uint64_t>(o.imag));
    case ObjKind::Bytes:
      return bytes(o.data, flag);
    case ObjKind::Str:
      return str_body(o.data, false, flag);
    case ObjKind::Tuple:
      tuple_header(o.items.size(), flag);
      break;
    case ObjKind::FrozenSet:
      type('>', flag);
      u32(static_cast<uint32_t>(o.items.size()));
      break;
    default:
      return;
  }
  for (const ObjectPtr& item : o.items) object(*item);
}

void Writer::code(const Code& c) {
  bool flag = shared(&c);
  if (ref_or_reserve(&c, flag)) return;
  type('c', flag);
  i32(c.argcount);
  if (v_.at_least(8)) i32(c.posonlyargcount);
  i32(c.kwonlyargcount);
  if (!v_.at_least(11)) i32(static_cast<int32_t>(c.varnames.size()));  // co_nlocals
  i32(c.stacksize);
  i32(static_cast<int32_t>(c.flags));
  code_fields(c);
}

// Everything after the code object's leading i32 fields [notes §3].
void Writer::code_fields(const Code& c) {
  bytes(c.code_bytes);
  tuple_header(c.consts.size(), false);
  for (const ObjectPtr& k : c.consts) object(*k);
  string_tuple(c.names);
  if (v_.at_least(11)) {
    LocalsPlus lp = localsplus(c);
    string_tuple(lp.names);
    bytes(lp.kinds);
  } else {
    string_tuple(c.varnames);
    string_tuple(c.freevars);
    string_tuple(c.cellvars);
  }
  bool v313 = v_.at_least(13);  // 3.13 interns co_filename and co_qualname too
  string(c.filename, v313 ? StrMode::kInterned : StrMode::kShared);
  StrMode name = name_mode(v_, c.name);
  string(c.name, name);
  if (v_.at_least(11)) {
    // 3.11/3.12: a qualname equal to the name is the same object.
    if (v313)
      string(c.qualname, StrMode::kInterned);
    else
      string(c.qualname, c.qualname == c.name ? name : StrMode::kPlain);
  }
  i32(c.firstlineno);
  bytes(c.linetable);
  if (v_.at_least(11)) bytes(c.exceptiontable);
}

void put_u32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
}

}  // namespace

std::string marshal_dumps(const Object& obj, Version version) {
  Writer w(version);
  w.scan(obj);
  w.object(obj);
  return w.take();
}

std::string marshal_dumps_code(const std::shared_ptr<const Code>& code) {
  Writer w(code->version);
  w.scan_code(*code);
  w.code(*code);
  return w.take();
}

std::string write_pyc(const std::shared_ptr<const Code>& module, const PycHeader& header,
                      std::vector<std::string>* unused) {
  (void)unused;
  const OpcodeTable* table = opcode_table(module->version);
  uint16_t magic = table ? table->magic : 0;
  std::string out = {static_cast<char>(magic & 0xff), static_cast<char>(magic >> 8), '\r', '\n'};
  // 3.6 has no flags word (PEP 552 came with 3.7).
  if (module->version.at_least(7)) put_u32(out, header.flags);
  if (module->version.at_least(7) && (header.flags & 1)) {
    put_u32(out, static_cast<uint32_t>(header.source_hash));
    put_u32(out, static_cast<uint32_t>(header.source_hash >> 32));
  } else {
    put_u32(out, header.mtime);
    put_u32(out, header.source_size);
  }
  return out + marshal_dumps_code(module);
}

}  // namespace pyasm
