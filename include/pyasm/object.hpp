// The Python values a code object holds (constants, names, nested code),
// as the assembler builds them and the marshal writer/reader sees them.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
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
  BigInt int_value;               // Int
  double real = 0, imag = 0;      // Float (real), Complex
  std::string data;               // Bytes: raw bytes; Str: UTF-8 (lone surrogates
                                  // encoded as CPython's surrogatepass does)
  bool interned = false;          // Str: written as an interned string
  std::vector<ObjectPtr> items;   // Tuple, FrozenSet (in write order)
  std::shared_ptr<const pyasm::Code> code;  // Code

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
  Form form = kStr;
  const void* ptr = nullptr;  // Object, vector<ObjectPtr>, vector<string>
  std::string_view text;      // kStr

  static ConstRef of(const Object& o) { return {kObject, &o, {}}; }
  static ConstRef of_tuple(const std::vector<ObjectPtr>& items) { return {kItems, &items, {}}; }
  static ConstRef of_names(const std::vector<std::string>& names) { return {kNames, &names, {}}; }
  static ConstRef of_str(std::string_view s) { return {kStr, nullptr, s}; }
};
uint64_t const_hash(const ConstRef& c);
bool const_equal(const ConstRef& a, const ConstRef& b);

// Python repr() of a constant, as dis shows it (for messages and the
// disassembler). Code objects print as <code NAME>.
std::string repr(const Object& o);

}  // namespace pyasm
