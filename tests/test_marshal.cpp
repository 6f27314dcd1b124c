// marshal writer and pyc container. Expected bytes come from the real
// interpreters, as noted at each table.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <string>

#include "pyasm/code.hpp"
#include "pyasm/marshal.hpp"

using pyasm::BigInt;
using pyasm::Object;
using pyasm::ObjectPtr;
using pyasm::Version;

namespace {

std::string hex(const std::string& bytes) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

std::string unhex(std::string_view h) {
  std::string out;
  for (size_t i = 0; i + 1 < h.size(); i += 2) {
    out += static_cast<char>(std::stoi(std::string(h.substr(i, 2)), nullptr, 16));
  }
  return out;
}

ObjectPtr integer(std::string_view decimal) {
  bool negative = decimal[0] == '-';
  BigInt v = *BigInt::parse(negative ? decimal.substr(1) : decimal);
  return Object::integer(negative ? -v : v);
}

std::string repeat(std::string_view s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

std::string dumps(const ObjectPtr& o, int minor = 13) {
  return hex(pyasm::marshal_dumps(*o, Version{3, minor}));
}

}  // namespace

// Expected: marshal.dumps(EXPR) on CPython 3.7.16 - 3.13.0, all identical,
// EXPR built at run time so that CPython holds a single reference and sets
// no FLAG_REF (e.g. marshal.dumps((lambda: int('1000'))())); fresh(s) is
// ''.join(list(s)), a new non-interned str.
TEST_CASE("marshal: scalar constants match CPython") {
  const double inf = std::numeric_limits<double>::infinity();
  struct Case {
    const char* expr;
    ObjectPtr obj;
    const char* expected;
  };
  const Case cases[] = {
      {"int('1000')", integer("1000"), "69e8030000"},
      {"int('-1000')", integer("-1000"), "6918fcffff"},
      {"int('2147483647')", integer("2147483647"), "69ffffff7f"},
      {"int('-2147483648')", integer("-2147483648"), "6900000080"},
      {"int('2147483648')", integer("2147483648"), "6c03000000000000000200"},
      {"int('-2147483649')", integer("-2147483649"), "6cfdffffff010000000200"},
      {"int('32768') * 2**47", integer("4611686018427387904"), "6c0500000000000000000000000400"},
      {"2**100 + int('1')", integer("1267650600228229401496703205377"),
       "6c070000000100000000000000000000000004"},
      {"-(2**100) - int('1')", integer("-1267650600228229401496703205377"),
       "6cf9ffffff0100000000000000000000000004"},
      {"10**30 + int('7')", integer("1000000000000000000000000000007"),
       "6c0700000007000000a937a733044d93652703"},
      {"float('1.5')", Object::floating(1.5), "67000000000000f83f"},
      {"float('-0.0')", Object::floating(-0.0), "670000000000000080"},
      {"float('1e300')", Object::floating(1e300), "679c7500883ce4377e"},
      {"float('inf')", Object::floating(inf), "67000000000000f07f"},
      {"float('nan')", Object::floating(std::nan("")), "67000000000000f87f"},
      {"complex('1+2j')", Object::complex(1, 2), "79000000000000f03f0000000000000040"},
      {"complex(float('-0.0'), float('-1'))", Object::complex(-0.0, -1),
       "790000000000000080000000000000f0bf"},
      {"bytes([97, 0, 255])", Object::bytes(std::string("a\0\xff", 3)), "73030000006100ff"},
      {"fresh('hello world')", Object::str("hello world"), "7a0b68656c6c6f20776f726c64"},
      {"fresh('h\\xe9llo')", Object::str("h\xc3\xa9llo"), "750600000068c3a96c6c6f"},
      {"fresh('\\U0001f600')", Object::str("\xf0\x9f\x98\x80"), "7504000000f09f9880"},
      {"fresh('a\\ud800')", Object::str("a\xed\xa0\x80"), "750400000061eda080"},
      {"frozenset([None])", Object::frozenset({Object::none()}), "3e010000004e"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.expr);
    CHECK(dumps(c.obj) == c.expected);
    CHECK(dumps(c.obj, 6) == c.expected);  // marshal v4 is the same for all versions
  }
  Object stop;
  stop.kind = pyasm::ObjKind::StopIteration;
  auto singletons = Object::tuple({Object::boolean(true), Object::boolean(false),
                                   Object::ellipsis(), std::make_shared<Object>(stop)});
  // tuple([True, False, Ellipsis, StopIteration]): never flagged
  CHECK(dumps(singletons) == "290454462e53");
  CHECK(dumps(Object::none()) == "4e");
}

// Interned strings are always flagged and shared by value; this is what
// CPython 3.11-3.13 write (3.7-3.10 flag one only when something else in the
// process holds it, so they may write 0x74 where 3.11+ write 0xf4).
TEST_CASE("marshal: string type codes") {
  // marshal.dumps((lambda: sys.intern(fresh('hello')))()), 3.11.7-3.13.0
  CHECK(dumps(Object::str("hello", true)) == "da0568656c6c6f");
  // ... sys.intern(fresh('caf\xe9'))
  CHECK(dumps(Object::str("caf\xc3\xa9", true)) == "f405000000636166c3a9");
  // ... sys.intern(fresh('x' * 300)) is 'A'; fresh('x' * 300) is 'a'
  CHECK(dumps(Object::str(std::string(300, 'x'), true)) == "c12c010000" + repeat("78", 300));
  CHECK(dumps(Object::str(std::string(300, 'x'))) == "612c010000" + repeat("78", 300));
  // 255 ASCII characters still fit 'z'; 256 need 'a'
  CHECK(dumps(Object::str(std::string(255, 'x'))) == "7aff" + repeat("78", 255));
  CHECK(dumps(Object::str(std::string(256, 'x'))) == "6100010000" + repeat("78", 256));
}

TEST_CASE("marshal: tuple sizes") {
  // marshal.dumps((lambda: tuple([None] * 255))()) and ... * 256
  std::vector<ObjectPtr> nones(255, Object::none());
  CHECK(dumps(Object::tuple(nones)) == "29ff" + repeat("4e", 255));
  nones.push_back(Object::none());
  CHECK(dumps(Object::tuple(nones)) == "2800010000" + repeat("4e", 256));
  // marshal.dumps(()): CPython's () is a cached singleton, always flagged.
  CHECK(dumps(Object::tuple({})) == "a900");
}

// Expected: CPython 3.7.16-3.13.0 (identical), the tuple built at run time.
TEST_CASE("marshal: sharing and reference numbering") {
  // tuple([int('1000'), fresh('hello world'), None]): nothing shared
  CHECK(dumps(Object::tuple({integer("1000"), Object::str("hello world"), Object::none()})) ==
        "290369e80300007a0b68656c6c6f20776f726c644e");
  // x = fresh('shared str'); tuple([x, x])
  ObjectPtr x = Object::str("shared str");
  CHECK(dumps(Object::tuple({x, x})) == "2902fa0a736861726564207374727200000000");
  // y = fresh('inner str'); inner = tuple([y, y]); tuple([x, inner, x, inner]):
  // inner reserves ref 1 before its child y takes ref 2.
  ObjectPtr y = Object::str("inner str");
  ObjectPtr inner = Object::tuple({y, y});
  CHECK(dumps(Object::tuple({x, inner, x, inner})) ==
        "2904fa0a73686172656420737472a902fa09696e6e657220737472720200000072000000007201000000");
  // tuple([sys.intern(fresh('name1')), sys.intern(fresh('name1'))]): two
  // interned objects with one value are one object.
  CHECK(dumps(Object::tuple({Object::str("name1", true), Object::str("name1", true)})) ==
        "2902da056e616d65317200000000");
  // Equal but distinct non-interned values are written twice, unflagged.
  CHECK(dumps(Object::tuple({Object::str("ab"), Object::str("ab")})) == "29027a0261627a026162");
}

// localsplus for f in
//   def outer():
//       d = 1
//       def f(a, b):
//           c = 1
//           def g(): return b, c, d
//           return g
// CPython 3.11.7 and 3.13.0: co_varnames ('a', 'b', 'g'), co_cellvars
// ('b', 'c'), co_freevars ('d',); marshalled localsplusnames
// ('a', 'b', 'g', 'c', 'd') and localspluskinds 20 60 20 40 80.
TEST_CASE("localsplus: an argument that is a cell keeps its slot") {
  pyasm::Code f;
  f.varnames = {"a", "b", "g"};
  f.cellvars = {"b", "c"};
  f.freevars = {"d"};
  pyasm::LocalsPlus lp = pyasm::localsplus(f);
  CHECK(lp.names == std::vector<std::string>{"a", "b", "g", "c", "d"});
  CHECK(hex(lp.kinds) == "2060204080");
}

// The marshal writer writes a code object without cells, free variables or
// hidden locals straight from co_varnames, every kind 0x20: what
// localsplus() gives for it.
TEST_CASE("localsplus: only locals are co_varnames, kind 0x20") {
  pyasm::Code f;
  f.varnames = {"a", "a_long_name_past_the_small_string_buffer", "c"};
  pyasm::LocalsPlus lp = pyasm::localsplus(f);
  CHECK(lp.names == f.varnames);
  CHECK(hex(lp.kinds) == "202020");
}

namespace {

// One module per version, hand-built from what CPython compiles for
//   def f(a):
//       return a
// (file "test.py"): co_code, line table and stacksize taken from that
// version's compile(); everything else set here.
struct PycRow {
  int minor;
  const char* module_code;
  const char* module_lines;
  const char* f_code;
  const char* f_lines;
  int module_stacksize;
  const char* expected;
};

// Expected: after the header, byte for byte what py_compile.compile() of
// that source (dfile "test.py") writes on CPython 3.6.15 ... 3.13.0 (FLAG_REF
// bits and references included). The headers pass importlib's
// _classify_pyc / _validate_timestamp_pyc / _validate_hash_pyc (3.6:
// _validate_bytecode_header), and SourcelessFileLoader imports the files.
const PycRow kPycRows[] = {
    {6, "6400640184005a0064025300", "", "7c005300", "0001", 2,
     "330d0d0a00105e5f18000000e30000000000000000000000000200000040000000730c00000064006401"
     "84005a0064025300290363010000000000000001000000010000004300000073040000007c0053002901"
     "4ea9002901da016172010000007201000000fa07746573742e7079da0166010000007302000000000172"
     "040000004e290172040000007201000000720100000072010000007203000000da083c6d6f64756c653e"
     "010000007300000000"},
    {7, "6400640184005a0064025300", "", "7c005300", "0001", 2,
     "420d0d0a030000009f901fe2836f506ce30000000000000000000000000200000040000000730c000000"
     "6400640184005a0064025300290363010000000000000001000000010000004300000073040000007c00"
     "530029014ea9002901da016172010000007201000000fa07746573742e7079da01660100000073020000"
     "00000172040000004e290172040000007201000000720100000072010000007203000000da083c6d6f64"
     "756c653e01000000f300000000"},
    {8, "6400640184005a0064025300", "", "7c005300", "0001", 2,
     "550d0d0a0000000000105e5f18000000e300000000000000000000000000000000020000004000000073"
     "0c0000006400640184005a00640253002903630100000000000000000000000100000001000000430000"
     "0073040000007c00530029014ea9002901da016172010000007201000000fa07746573742e7079da0166"
     "010000007302000000000172040000004e29017204000000720100000072010000007201000000720300"
     "0000da083c6d6f64756c653e01000000f300000000"},
    {9, "6400640184005a0064025300", "", "7c005300", "0001", 2,
     "610d0d0a000000000000000000000000e300000000000000000000000000000000020000004000000073"
     "0c0000006400640184005a00640253002903630100000000000000000000000100000001000000430000"
     "0073040000007c00530029014ea9002901da016172010000007201000000fa07746573742e7079da0166"
     "010000007302000000000172040000004e29017204000000720100000072010000007201000000720300"
     "0000da083c6d6f64756c653e01000000f300000000"},
    {10, "6400640184005a0064025300", "0c00", "7c005300", "0401", 2,
     "6f0d0d0a000000000000000000000000e300000000000000000000000000000000020000004000000073"
     "0c0000006400640184005a00640253002903630100000000000000000000000100000001000000430000"
     "0073040000007c00530029014ea9002901da016172010000007201000000fa07746573742e7079da0166"
     "010000007302000000040172040000004e29017204000000720100000072010000007201000000720300"
     "0000da083c6d6f64756c653e0100000073020000000c00"},
    {11, "9700640084005a0064015300", "f003010101f00201010df00001010df00001010df00001010df00001010d",
     "97007c005300", "8000d80b0c8048", 1,
     "a70d0d0a000000000000000000000000e30000000000000000000000000100000000000000f30c000000"
     "9700640084005a00640153002902630100000000000000000000000100000003000000f3060000009700"
     "7c00530029014ea9002901da0161730100000020fa07746573742e7079da016672060000000100000073"
     "070000008000d80b0c8048f3000000004e29017206000000720300000072070000007205000000fa083c"
     "6d6f64756c653e720800000001000000731e000000f003010101f00201010df00001010df00001010df0"
     "0001010df00001010d7207000000"},
    {12, "9700640084005a007901", "f003010101f30201010d", "97007c005300", "8000d80b0c8048", 1,
     "cb0d0d0a000000000000000000000000e30000000000000000000000000100000000000000f30a000000"
     "9700640084005a0079012902630100000000000000000000000100000003000000f30600000097007c00"
     "530029014ea9002901da0161730100000020fa07746573742e7079da0166720600000001000000730700"
     "00008000d80b0c8048f3000000004e29017206000000720300000072070000007205000000fa083c6d6f"
     "64756c653e720800000001000000730a000000f003010101f30201010d7207000000"},
    {13, "950053001a0072006701", "f003010101f30201010d", "950055002400", "8000d80b0c8048", 1,
     "f30d0d0a0100000007c33cf20ead5097e30000000000000000000000000100000000000000f30a000000"
     "950053001a00720067012902630100000000000000000000000100000003000000f30600000095005500"
     "240029014ea9002901da0161730100000020da07746573742e7079da0166720600000001000000730700"
     "00008000d80b0c8048f3000000004e29017206000000720300000072070000007205000000da083c6d6f"
     "64756c653e720800000001000000730a000000f003010101f30201010d7207000000"},
};

std::shared_ptr<pyasm::Code> module_for(const PycRow& row) {
  Version v{3, row.minor};
  auto f = std::make_shared<pyasm::Code>();
  f->version = v;
  f->argcount = 1;
  f->flags = row.minor >= 11 ? 0x3 : 0x43;  // OPTIMIZED | NEWLOCALS (| NOFREE)
  f->consts = {Object::none()};
  f->varnames = {"a"};
  f->filename = "test.py";
  f->name = "f";
  f->qualname = "f";
  f->stacksize = 1;
  f->code_bytes = unhex(row.f_code);
  f->linetable = unhex(row.f_lines);

  auto m = std::make_shared<pyasm::Code>();
  m->version = v;
  m->flags = row.minor >= 11 ? 0 : 0x40;
  m->stacksize = row.module_stacksize;
  m->consts = {Object::code_object(f)};
  if (row.minor < 11) m->consts.push_back(Object::str("f", true));  // MAKE_FUNCTION's qualname
  m->consts.push_back(Object::none());
  m->names = {"f"};
  m->filename = "test.py";
  m->name = "<module>";
  m->qualname = "<module>";
  m->code_bytes = unhex(row.module_code);
  m->linetable = unhex(row.module_lines);
  return m;
}

pyasm::PycHeader header_for(int minor) {
  pyasm::PycHeader h;
  if (minor == 6 || minor == 8) {
    h.mtime = 0x5f5e1000;
    h.source_size = 24;
  } else if (minor == 7) {
    h.flags = 3;  // checked hash: importlib.util.source_hash(src) on 3.7.16
    h.source_hash = 0x6c506f83e21f909full;
  } else if (minor == 13) {
    h.flags = 1;  // unchecked hash: importlib.util.source_hash(src) on 3.13.0
    h.source_hash = 0x9750ad0ef23cc307ull;
  }
  return h;
}

}  // namespace

TEST_CASE("write_pyc: a small module for every version") {
  for (const PycRow& row : kPycRows) {
    CAPTURE(row.minor);
    std::string pyc = pyasm::write_pyc(module_for(row), header_for(row.minor));
    CHECK(hex(pyc) == row.expected);
  }
}

TEST_CASE("write_pyc: header layout") {
  auto m = module_for(kPycRows[0]);  // 3.6
  std::string pyc = pyasm::write_pyc(m, header_for(6));
  CHECK(hex(pyc.substr(0, 12)) == "330d0d0a00105e5f18000000");  // no flags word
  CHECK(pyc.substr(12) == pyasm::marshal_dumps_code(m));
  auto m13 = module_for(kPycRows[7]);
  CHECK(hex(pyasm::write_pyc(m13, {}).substr(0, 16)) == "f30d0d0a000000000000000000000000");
  CHECK(hex(pyasm::write_pyc(m13, header_for(13)).substr(0, 16)) ==
        "f30d0d0a0100000007c33cf20ead5097");
}

// CPython's own layout of compiler names [notes §2.7]: on 3.11/3.12
// "<lambda>" is a flagged, non-interned 'z' shared by value (and
// co_qualname, equal to it, is the same object); 3.10 interns it.
// Checked with marshal.dumps(compile('f = lambda: 1\ng = lambda: 2', ...)).
TEST_CASE("marshal: compiler-made names") {
  auto lambda = [](int minor) {
    auto c = std::make_shared<pyasm::Code>();
    c->version = Version{3, minor};
    c->name = "<lambda>";
    c->qualname = "<lambda>";
    c->filename = "t.py";
    return Object::code_object(c);
  };
  auto count = [](const std::string& hay, const std::string& needle) {
    int n = 0;
    for (size_t at = hay.find(needle); at != std::string::npos; at = hay.find(needle, at + 1)) ++n;
    return n;
  };
  const std::string name_hex = "083c6c616d6264613e";  // len 8, "<lambda>"
  std::string v311 = dumps(Object::tuple({lambda(11), lambda(11)}), 11);
  CHECK(count(v311, "fa" + name_hex) == 1);
  CHECK(count(v311, "da" + name_hex) == 0);
  std::string v310 = dumps(Object::tuple({lambda(10), lambda(10)}), 10);
  CHECK(count(v310, "da" + name_hex) == 1);
  std::string v313 = dumps(Object::tuple({lambda(13), lambda(13)}), 13);
  CHECK(count(v313, "da" + name_hex) == 1);
  CHECK(count(v313, "da04742e7079") == 1);  // 3.13 interns co_filename too
}
