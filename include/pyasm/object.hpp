// The Python values a code object holds (constants, names, nested code),
// as the assembler builds them and the marshal writer/reader sees them.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "pyasm/bigint.hpp"

namespace pyasm {

struct Code;
struct Object;
using ObjectPtr = std::shared_ptr<const Object>;

enum class ObjKind : uint8_t {
  None, True, False, Ellipsis, StopIteration,
  Int, Float, Complex, Bytes, Str, Tuple, FrozenSet, Code,
};

// A value. Sharing is by pointer identity: the marshal writer emits a second
// use of the same ObjectPtr as a back-reference, never two equal values.
struct Object {
  ObjKind kind = ObjKind::None;
  bool interned = false;          // Str: written as an interned string (here, not
                                  // after data: an Object of 128 bytes, not 136)
  BigInt int_value;               // Int
  double real = 0, imag = 0;      // Float (real), Complex
  std::string data;               // Bytes: raw bytes; Str: UTF-8 (lone surrogates
                                  // encoded as CPython's surrogatepass does)
  std::vector<ObjectPtr> items;   // Tuple, FrozenSet (in write order)
  std::shared_ptr<const pyasm::Code> code;  // Code

  Object() = default;
  // make_shared<Object>(kind) builds the members alone, where
  // make_shared<Object>() zeroes the whole object first (value-initialising).
  explicit Object(ObjKind k) : kind(k) {}

  static ObjectPtr none();
  static ObjectPtr boolean(bool v);
  static ObjectPtr ellipsis();
  static ObjectPtr integer(BigInt v);
  static ObjectPtr floating(double v);
  static ObjectPtr complex(double re, double im);
  static ObjectPtr bytes(std::string raw);
  static ObjectPtr str(std::string utf8, bool interned = false);
  static ObjectPtr tuple(std::vector<ObjectPtr> items);
  static ObjectPtr frozenset(std::vector<ObjectPtr> items);
  static ObjectPtr code_object(std::shared_ptr<const pyasm::Code> c);

  bool is_ascii_str() const;  // Str whose data is all ASCII
};

// A key equal for two constants exactly when CPython's compiler would merge
// them into one co_consts entry: same type and same value, where 0.0 and
// -0.0 differ, NaNs with equal bits are equal, and 1, 1.0 and True differ.
// Code objects are keyed by identity.
std::string const_key(const Object& o);
// The const_key of a tuple of `items`, of a tuple of strings, of a string,
// without building the object.
std::string const_key_of_tuple(const std::vector<ObjectPtr>& items);
std::string const_key_of_names(const std::vector<std::string>& names);
std::string const_key_of_str(std::string_view text);

// A constant's value seen without building an Object: an Object, a tuple
// of `items`, a tuple of strings, or a string. const_hash and const_equal
// agree with const_key (equal exactly when the const_keys are equal) and
// allocate nothing: the marshal writer keys every object it writes by them.
struct ConstRef {
  enum Form : uint8_t { kObject, kItems, kNames, kStr };
  const void* ptr = nullptr;  // Object, vector<ObjectPtr>, vector<string>; kStr: the text
  size_t size = 0;            // kStr: the text's length (24 bytes in all: keys copy it)
  Form form = kStr;

  std::string_view text() const { return {static_cast<const char*>(ptr), size}; }  // kStr
  static ConstRef of(const Object& o) { return {&o, 0, kObject}; }
  static ConstRef of_tuple(const std::vector<ObjectPtr>& items) { return {&items, 0, kItems}; }
  static ConstRef of_names(const std::vector<std::string>& names) { return {&names, 0, kNames}; }
  static ConstRef of_str(std::string_view s) { return {s.data(), s.size(), kStr}; }
};
uint64_t const_hash(const ConstRef& c);
bool const_equal(const ConstRef& a, const ConstRef& b);

namespace detail {
constexpr uint64_t kHashMul = 0x9e3779b97f4a7c15ull;
constexpr uint64_t hash_mix(uint64_t h, uint64_t v) {
  h = (h ^ v) * kHashMul;
  return h ^ (h >> 29);
}
// N (4 or 8) bytes from p, little-endian whatever the machine, so that a
// table hashed at compile time agrees with the hashes made at run time.
template <int N>
constexpr uint64_t load_le(const char* p) {
  if (!std::is_constant_evaluated() && std::endian::native == std::endian::little) {
    std::conditional_t<N == 8, uint64_t, uint32_t> w;
    std::memcpy(&w, p, N);
    return w;
  }
  uint64_t w = 0;
  for (int i = 0; i < N; ++i) w |= static_cast<uint64_t>(static_cast<uint8_t>(p[i])) << (8 * i);
  return w;
}
constexpr uint64_t hash_seed(ObjKind k) {
  return hash_mix(0x243f6a8885a308d3ull, static_cast<uint64_t>(k));
}
// Eight bytes a time; the length last, so that "a" and "a\0" differ. The
// last bytes are read in at most two loads, overlapping (most strings
// hashed are short names: a byte loop cost them more than the rest).
constexpr uint64_t hash_bytes(uint64_t h, std::string_view s) {
  const char* p = s.data();
  const size_t n = s.size();
  uint64_t tail = 0;
  if (n > 8) {
    for (size_t i = 0; i + 8 < n; i += 8) h = hash_mix(h, load_le<8>(p + i));
    tail = load_le<8>(p + n - 8);  // the last 8
  } else if (n >= 4) {
    tail = load_le<4>(p) | load_le<4>(p + n - 4) << 32;  // the first 4, the last 4
  } else if (n > 0) {
    tail = static_cast<uint64_t>(static_cast<uint8_t>(p[0])) |
           static_cast<uint64_t>(static_cast<uint8_t>(p[n / 2])) << 8 |
           static_cast<uint64_t>(static_cast<uint8_t>(p[n - 1])) << 16;
  }
  return hash_mix(hash_mix(h, tail), n);
}
}  // namespace detail

// a == b without a call (to memcmp), which would make the resolver's table
// scans and the writer's key compares save registers and set up a frame on
// every call: eight bytes a time, the last eight overlapping, and a short
// text in two overlapping loads (most names are short).
inline bool equal_text(std::string_view a, std::string_view b) {
  const size_t n = a.size();
  if (n != b.size()) return false;
  const char* p = a.data();
  const char* q = b.data();
  if (n >= 8) {
    for (size_t i = 8; i < n; i += 8)
      if (detail::load_le<8>(p + i - 8) != detail::load_le<8>(q + i - 8)) return false;
    return detail::load_le<8>(p + n - 8) == detail::load_le<8>(q + n - 8);
  }
  if (n >= 4)
    return detail::load_le<4>(p) == detail::load_le<4>(q) &&
           detail::load_le<4>(p + n - 4) == detail::load_le<4>(q + n - 4);
  // 0 to 3 bytes: the first, the middle and the last cover them.
  return n == 0 || (p[0] == q[0] && p[n / 2] == q[n / 2] && p[n - 1] == q[n - 1]);
}

// const_hash of a string, at compile time too (for tables of strings).
constexpr uint64_t const_hash_of_str(std::string_view s) {
  return detail::hash_bytes(detail::hash_seed(ObjKind::Str), s);
}
// const_hash of a tuple built up from its items' const_hash values, in
// order, for a caller that hashes the items anyway: start with
// const_hash_tuple_start(count), then fold each item in with
// const_hash_tuple_item.
constexpr uint64_t const_hash_tuple_start(size_t count) {
  return detail::hash_mix(detail::hash_seed(ObjKind::Tuple), count);
}
constexpr uint64_t const_hash_tuple_item(uint64_t h, uint64_t item_hash) {
  return detail::hash_mix(h, item_hash);
}

// Python repr() of a constant, as dis shows it (for messages and the
// disassembler). Code objects print as <code NAME>.
std::string repr(const Object& o);

}  // namespace pyasm
