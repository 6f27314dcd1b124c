// Objects: factories, const_key and repr(). Every expected repr below was
// printed by CPython 3.13.0's repr() (floats and complexes also by 3.6.15,
// with identical results).
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <string>

#include "pyasm/code.hpp"
#include "pyasm/object.hpp"

using pyasm::BigInt;
using pyasm::Object;
using pyasm::ObjectPtr;

namespace {

std::string float_repr(double d) {
  return pyasm::repr(*Object::floating(d));
}
std::string complex_repr(double re, double im) {
  return pyasm::repr(*Object::complex(re, im));
}
std::string str_repr(const std::string& utf8) {
  return pyasm::repr(*Object::str(utf8));
}
ObjectPtr num(int64_t v) {
  return Object::integer(BigInt(v));
}

}  // namespace

TEST_CASE("object: factories") {
  CHECK(Object::none()->kind == pyasm::ObjKind::None);
  CHECK(Object::none() == Object::none());  // one shared singleton
  CHECK(Object::boolean(true)->kind == pyasm::ObjKind::True);
  CHECK(Object::boolean(false)->kind == pyasm::ObjKind::False);
  CHECK(Object::ellipsis()->kind == pyasm::ObjKind::Ellipsis);
  CHECK(num(5)->int_value == BigInt(5));
  CHECK(Object::str("x", true)->interned);
  CHECK_FALSE(Object::str("x")->interned);
  CHECK(Object::tuple({num(1), num(2)})->items.size() == 2);
  auto code = std::make_shared<pyasm::Code>();
  CHECK(Object::code_object(code)->code == code);
}

TEST_CASE("object: is_ascii_str") {
  CHECK(Object::str("hello")->is_ascii_str());
  CHECK(Object::str("")->is_ascii_str());
  CHECK_FALSE(Object::str("h\xc3\xa9llo")->is_ascii_str());
  CHECK_FALSE(Object::bytes("abc")->is_ascii_str());  // not a str at all
}

TEST_CASE("repr: ints") {
  CHECK(pyasm::repr(*num(0)) == "0");
  CHECK(pyasm::repr(*num(-42)) == "-42");
  CHECK(pyasm::repr(*Object::integer(*BigInt::parse("0x" + std::string(30, 'f')))) ==
        "1329227995784915872903807060280344575");
}

TEST_CASE("repr: floats use Python's shortest round-trip form") {
  CHECK(float_repr(0.1) == "0.1");
  CHECK(float_repr(1e16) == "1e+16");
  CHECK(float_repr(1e-05) == "1e-05");
  CHECK(float_repr(1e15) == "1000000000000000.0");
  CHECK(float_repr(123456789012345678.0) == "1.2345678901234568e+17");
  CHECK(float_repr(12345678901234567.0) == "1.2345678901234568e+16");
  CHECK(float_repr(1.5e300) == "1.5e+300");
  CHECK(float_repr(5e-324) == "5e-324");
  CHECK(float_repr(2.2250738585072014e-308) == "2.2250738585072014e-308");
  CHECK(float_repr(0.0001) == "0.0001");
  CHECK(float_repr(1.0 / 3) == "0.3333333333333333");
  CHECK(float_repr(2.0 / 3) == "0.6666666666666666");
  CHECK(float_repr(100.0) == "100.0");
  CHECK(float_repr(0.0) == "0.0");
  CHECK(float_repr(-0.0) == "-0.0");
  CHECK(float_repr(1e22) == "1e+22");
  CHECK(float_repr(1e100) == "1e+100");
  CHECK(float_repr(1.7976931348623157e308) == "1.7976931348623157e+308");
  CHECK(float_repr(9007199254740993.0) == "9007199254740992.0");
  CHECK(float_repr(-1.25e-7) == "-1.25e-07");
  CHECK(float_repr(1234.5678) == "1234.5678");
  CHECK(float_repr(std::numeric_limits<double>::infinity()) == "inf");
  CHECK(float_repr(-std::numeric_limits<double>::infinity()) == "-inf");
  CHECK(float_repr(std::nan("")) == "nan");
  CHECK(float_repr(-std::nan("")) == "nan");  // Python never shows a NaN's sign
}

TEST_CASE("repr: complex") {
  const double inf = std::numeric_limits<double>::infinity();
  CHECK(complex_repr(1, 2) == "(1+2j)");
  CHECK(complex_repr(0, 2) == "2j");
  CHECK(complex_repr(-0.0, -1) == "(-0-1j)");
  CHECK(complex_repr(0, -2) == "-2j");
  CHECK(complex_repr(0, 0) == "0j");
  CHECK(complex_repr(0, -0.0) == "-0j");
  CHECK(complex_repr(-0.0, 0) == "(-0+0j)");
  CHECK(complex_repr(1e16, 1e-5) == "(1e+16+1e-05j)");
  CHECK(complex_repr(inf, -inf) == "(inf-infj)");
  CHECK(complex_repr(std::nan(""), 1) == "(nan+1j)");
  CHECK(complex_repr(1, -std::nan("")) == "(1+nanj)");
  CHECK(complex_repr(0.5, -0.0) == "(0.5-0j)");
  CHECK(complex_repr(1.5, 2.25) == "(1.5+2.25j)");
}

TEST_CASE("repr: str quoting and escapes") {
  CHECK(str_repr("") == "''");
  CHECK(str_repr("hello") == "'hello'");
  CHECK(str_repr("a'b") == "\"a'b\"");
  CHECK(str_repr("a\"b") == "'a\"b'");
  CHECK(str_repr("a'\"b") == "'a\\'\"b'");
  CHECK(str_repr("\t\n\r\\") == "'\\t\\n\\r\\\\'");
  CHECK(str_repr(std::string("\x00\x1f\x7f", 3)) == "'\\x00\\x1f\\x7f'");
  // repr('\x80\xa0\xad\u200b'): C1 control, NBSP, soft hyphen, zero-width
  // space are not printable.
  CHECK(str_repr("\xc2\x80\xc2\xa0\xc2\xad\xe2\x80\x8b") == "'\\x80\\xa0\\xad\\u200b'");
  // Printable non-ASCII stays as it is: 'é', '€', '😀'.
  CHECK(str_repr("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80") ==
        "'\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80'");
  // A lone surrogate (surrogatepass UTF-8) and a tag character.
  CHECK(str_repr("\xed\xa0\x80") == "'\\ud800'");
  CHECK(str_repr("\xf3\xa0\x80\x81") == "'\\U000e0001'");
  // Unassigned in Unicode 15.1: U+0378, U+10FFFF.
  CHECK(str_repr("\xcd\xb8\xf4\x8f\xbf\xbf") == "'\\u0378\\U0010ffff'");
  CHECK(str_repr("\xe3\x80\x80") == "'\\u3000'");  // ideographic space (Zs)
}

TEST_CASE("repr: bytes") {
  CHECK(pyasm::repr(*Object::bytes("")) == "b''");
  CHECK(pyasm::repr(*Object::bytes("'")) == "b\"'\"");
  CHECK(pyasm::repr(*Object::bytes(std::string("a'\"\x00\x7f\x80\xff\t", 8))) ==
        "b'a\\'\"\\x00\\x7f\\x80\\xff\\t'");
}

TEST_CASE("repr: containers, singletons and code") {
  CHECK(pyasm::repr(*Object::tuple({})) == "()");
  CHECK(pyasm::repr(*Object::tuple({num(1)})) == "(1,)");
  CHECK(pyasm::repr(*Object::tuple({num(1), Object::str("a"), Object::none()})) ==
        "(1, 'a', None)");
  CHECK(pyasm::repr(*Object::tuple({Object::tuple({})})) == "((),)");
  CHECK(pyasm::repr(*Object::frozenset({})) == "frozenset()");
  CHECK(pyasm::repr(*Object::frozenset({num(1), num(2)})) == "frozenset({1, 2})");
  CHECK(pyasm::repr(*Object::boolean(true)) == "True");
  CHECK(pyasm::repr(*Object::boolean(false)) == "False");
  CHECK(pyasm::repr(*Object::none()) == "None");
  CHECK(pyasm::repr(*Object::ellipsis()) == "Ellipsis");
  Object stop;
  stop.kind = pyasm::ObjKind::StopIteration;
  CHECK(pyasm::repr(stop) == "<class 'StopIteration'>");
  auto code = std::make_shared<pyasm::Code>();
  code->name = "f";
  CHECK(pyasm::repr(*Object::code_object(code)) == "<code f>");
}

TEST_CASE("const_key: merges exactly what CPython's compiler merges") {
  auto key = [](const ObjectPtr& o) { return pyasm::const_key(*o); };
  CHECK(key(num(1)) == key(num(1)));
  CHECK(key(num(1)) != key(Object::floating(1.0)));
  CHECK(key(num(1)) != key(Object::boolean(true)));
  CHECK(key(num(0)) != key(Object::boolean(false)));
  CHECK(key(Object::floating(0.0)) != key(Object::floating(-0.0)));
  CHECK(key(Object::floating(std::nan(""))) == key(Object::floating(std::nan(""))));
  CHECK(key(Object::complex(0, 0)) != key(Object::complex(0, -0.0)));
  CHECK(key(Object::complex(1, 0)) != key(Object::floating(1)));
  CHECK(key(Object::str("a")) == key(Object::str("a", true)));  // interning is not a value
  CHECK(key(Object::str("a")) != key(Object::bytes("a")));
  CHECK(key(Object::tuple({num(1), num(2)})) == key(Object::tuple({num(1), num(2)})));
  CHECK(key(Object::tuple({num(1), num(2)})) != key(Object::tuple({num(2), num(1)})));
  CHECK(key(Object::tuple({num(1)})) != key(Object::tuple({Object::floating(1)})));
  CHECK(key(Object::tuple({num(12)})) != key(Object::tuple({num(1), num(2)})));
  CHECK(key(Object::tuple({Object::tuple({num(1)}), num(2)})) !=
        key(Object::tuple({num(1), Object::tuple({num(2)})})));
  CHECK(key(Object::frozenset({num(1), num(2)})) == key(Object::frozenset({num(2), num(1)})));
  CHECK(key(Object::frozenset({num(1)})) != key(Object::tuple({num(1)})));
  auto c1 = std::make_shared<pyasm::Code>();
  auto c2 = std::make_shared<pyasm::Code>();
  CHECK(key(Object::code_object(c1)) == key(Object::code_object(c1)));
  CHECK(key(Object::code_object(c1)) != key(Object::code_object(c2)));
  CHECK(key(Object::none()) != key(Object::ellipsis()));
}

TEST_CASE("const_hash and const_equal agree with const_key") {
  using pyasm::ConstRef;
  auto c1 = std::make_shared<pyasm::Code>();
  auto c2 = std::make_shared<pyasm::Code>();
  BigInt big = *BigInt::parse("123456789012345678901234567890");
  std::vector<ObjectPtr> values = {
      num(0), num(1), num(-1), num(1), Object::integer(big), Object::integer(-big),
      Object::floating(1.0), Object::floating(0.0), Object::floating(-0.0),
      Object::floating(std::nan("")), Object::complex(0, 0), Object::complex(0, -0.0),
      Object::boolean(true), Object::boolean(false), Object::none(), Object::ellipsis(),
      Object::str(""), Object::str("a"), Object::str("a", true), Object::str("abcdefgh"),
      Object::str("abcdefghi"), Object::str(std::string("abcdefgh\0", 9)), Object::bytes("a"),
      Object::bytes(""), Object::tuple({}), Object::tuple({num(1), num(2)}),
      Object::tuple({num(2), num(1)}), Object::tuple({num(1), num(2)}),
      Object::tuple({Object::str("x"), Object::str("y")}),
      Object::tuple({Object::tuple({num(1)}), num(2)}),
      Object::tuple({num(1), Object::tuple({num(2)})}), Object::frozenset({num(1), num(2)}),
      Object::frozenset({num(2), num(1)}), Object::frozenset({num(1)}),
      Object::code_object(c1), Object::code_object(c1), Object::code_object(c2)};
  for (const ObjectPtr& a : values) {
    for (const ObjectPtr& b : values) {
      bool same = pyasm::const_key(*a) == pyasm::const_key(*b);
      CAPTURE(pyasm::repr(*a));
      CAPTURE(pyasm::repr(*b));
      CHECK(pyasm::const_equal(ConstRef::of(*a), ConstRef::of(*b)) == same);
      if (same) CHECK(pyasm::const_hash(ConstRef::of(*a)) == pyasm::const_hash(ConstRef::of(*b)));
    }
  }
  // The forms without an Object: a tuple's items, a tuple of names, a string.
  std::vector<ObjectPtr> items = {num(1), num(2)};
  std::vector<std::string> names = {"x", "y"};
  ObjectPtr tuple = Object::tuple(items);
  ObjectPtr name_tuple = Object::tuple({Object::str("x"), Object::str("y", true)});
  ObjectPtr str = Object::str("x");
  auto agree = [](const ConstRef& a, const ConstRef& b) {
    CHECK(pyasm::const_equal(a, b));
    CHECK(pyasm::const_equal(b, a));
    CHECK(pyasm::const_hash(a) == pyasm::const_hash(b));
  };
  agree(ConstRef::of_tuple(items), ConstRef::of(*tuple));
  agree(ConstRef::of_names(names), ConstRef::of(*name_tuple));
  agree(ConstRef::of_names(names), ConstRef::of_tuple(name_tuple->items));
  agree(ConstRef::of_str("x"), ConstRef::of(*str));
  CHECK_FALSE(pyasm::const_equal(ConstRef::of_names(names), ConstRef::of(*tuple)));
  CHECK_FALSE(pyasm::const_equal(ConstRef::of_str("x"), ConstRef::of(*Object::bytes("x"))));
  CHECK_FALSE(pyasm::const_equal(ConstRef::of_str("x"), ConstRef::of_names(names)));
  std::vector<std::string> names3 = {"x", "y", "z"};
  CHECK_FALSE(pyasm::const_equal(ConstRef::of_names(names), ConstRef::of_names(names3)));
}

TEST_CASE("const_hash_of_str and the tuple fold give const_hash") {
  using pyasm::ConstRef;
  for (std::string_view s : {"", "a", "abcdefg", "abcdefgh", "abcdefghijklmnopq", "\xc3\xa9"})
    CHECK(pyasm::const_hash_of_str(s) == pyasm::const_hash(ConstRef::of_str(s)));
  // At compile time too (the marshal writer's table of strings).
  static_assert(pyasm::const_hash_of_str("abcdefghij") != pyasm::const_hash_of_str("abcdefghi"));
  constexpr uint64_t at_compile_time = pyasm::const_hash_of_str("co_consts_x");
  CHECK(at_compile_time == pyasm::const_hash(ConstRef::of_str("co_consts_x")));
  // Each way of reading the last bytes (1-3, 4-7, 8 of them).
  constexpr uint64_t c2 = pyasm::const_hash_of_str("ab"), c5 = pyasm::const_hash_of_str("abcde"),
                     c8 = pyasm::const_hash_of_str("abcdefgh");
  CHECK(c2 == pyasm::const_hash(ConstRef::of_str("ab")));
  CHECK(c5 == pyasm::const_hash(ConstRef::of_str("abcde")));
  CHECK(c8 == pyasm::const_hash(ConstRef::of_str("abcdefgh")));
  CHECK(pyasm::const_hash_of_str("abc") != pyasm::const_hash_of_str("acc"));
  CHECK(pyasm::const_hash_of_str("abcde") != pyasm::const_hash_of_str("abdde"));
  std::vector<ObjectPtr> items = {num(1), Object::str("x"), Object::tuple({num(2)})};
  uint64_t h = pyasm::const_hash_tuple_start(items.size());
  for (const ObjectPtr& item : items)
    h = pyasm::const_hash_tuple_item(h, pyasm::const_hash(ConstRef::of(*item)));
  CHECK(h == pyasm::const_hash(ConstRef::of_tuple(items)));
  CHECK(h == pyasm::const_hash(ConstRef::of(*Object::tuple(items))));
  std::vector<std::string> names = {"a", "bcdefghijk"};
  uint64_t hn = pyasm::const_hash_tuple_start(names.size());
  for (const std::string& n : names)
    hn = pyasm::const_hash_tuple_item(hn, pyasm::const_hash_of_str(n));
  CHECK(hn == pyasm::const_hash(ConstRef::of_names(names)));
}
