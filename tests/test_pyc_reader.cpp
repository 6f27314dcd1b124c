// Reading pyc files back: what pyasm writes reads back as the same code
// object, and hostile input gets an error at its byte offset.
#include <doctest/doctest.h>

#include "build_util.hpp"
#include "pyasm/pyc_reader.hpp"

namespace {

std::string read_error(const std::string& data) {
  pyasm::Diagnostics d;
  auto p = pyasm::read_pyc(data, "x.pyc", d);
  CHECK_FALSE(p.has_value());
  return d.render();
}

std::string header_311() { return std::string("\xa7\x0d\x0d\x0a", 4) + std::string(12, '\0'); }

}  // namespace

TEST_CASE("a pyc pyasm writes reads back field for field, on every version") {
  for (int minor = 6; minor <= 13; ++minor) {
    CAPTURE(minor);
    std::string resume = minor >= 11 ? "RESUME 0\n" : "";
    auto b = pyasm_test::build(".python 3." + std::to_string(minor) +
                                   "\n.filename \"m.py\"\n.code f(a, *, b)\n" + resume +
                                   ".line 2\nLOAD_FAST a\nLOAD_FAST b\nBUILD_TUPLE 2\n"
                                   "RETURN_VALUE\n.end\n" + resume +
                                   "LOAD_CONST @f\nLOAD_CONST (1, 2.5, 'x', b'y', None)\n"
                                   "BUILD_TUPLE 2\nRETURN_VALUE\n",
                               {3, minor});
    REQUIRE_MESSAGE(b.code, b.errors);
    std::string pyc = pyasm::write_pyc(b.code, {});
    pyasm::Diagnostics d;
    auto p = pyasm::read_pyc(pyc, "m.pyc", d);
    REQUIRE_MESSAGE(p, d.render());
    CHECK(p->version == pyasm::Version{3, minor});
    const pyasm::Code& m = *p->code;
    CHECK(m.code_bytes == b.code->code_bytes);
    CHECK(m.linetable == b.code->linetable);
    CHECK(m.stacksize == b.code->stacksize);
    CHECK(m.filename == "m.py");
    REQUIRE(m.consts.size() == b.code->consts.size());
    const pyasm::Code& f = *m.consts[0]->code;
    CHECK(f.name == "f");
    CHECK(f.argcount == 1);
    CHECK(f.kwonlyargcount == 1);
    CHECK(f.varnames == std::vector<std::string>{"a", "b"});
    CHECK(f.code_bytes == b.code->consts[0]->code->code_bytes);
    CHECK(pyasm::repr(*m.consts[1]) == "(1, 2.5, 'x', b'y', None)");
  }
}

TEST_CASE("hostile pyc input: errors at byte offsets, no crash") {
  CHECK(read_error("") == "x.pyc:0x0: error: not a pyc: 0 bytes, too short for a magic number\n");
  CHECK(read_error(std::string("\x03\xf3\r\n", 4) + std::string(12, '\0')) ==
        "x.pyc:0x0: error: unsupported magic number 62211 (CPython 2.7); pyasm reads CPython "
        "3.6, 3.7, 3.8, 3.9, 3.10, 3.11, 3.12, 3.13\n");
  CHECK(read_error(header_311().substr(0, 10)) ==
        "x.pyc:0xa: error: truncated pyc header: 16 bytes needed, 10 present\n");
  CHECK(read_error(header_311() + "(" + std::string("\x00\x00\x00\x80", 4)) ==
        "x.pyc:0x10: error: while reading the module's code object: length 2147483648 exceeds "
        "the 0 bytes left\n");
  CHECK(read_error(header_311() + "r" + std::string("\x05\x00\x00\x00", 4)) ==
        "x.pyc:0x10: error: while reading the module's code object: reference 5 to an object "
        "not yet read (0 so far)\n");
  CHECK(read_error(header_311() + std::string("\xa9\x01r\x00\x00\x00\x00", 7)) ==
        "x.pyc:0x12: error: while reading the module's code object: reference 0 to an object "
        "that contains it\n");
  std::string deep = header_311();
  for (int i = 0; i < 100000; ++i) deep += std::string(")\x01", 2);
  CHECK(read_error(deep + "N").find("objects nested deeper than 2000 levels") !=
        std::string::npos);
  CHECK(read_error(header_311() + "N") ==
        "x.pyc:0x10: error: the pyc holds None, not a code object\n");
  CHECK(read_error(header_311() + "NN") ==
        "x.pyc:0x11: error: 1 bytes of trailing data after the module's code object\n");
}

TEST_CASE("decoding keeps the EXTENDED_ARG prefixes an instruction had") {
  // 3.9: a padding prefix CPython leaves on a jump, written out in the source.
  auto b = pyasm_test::build(".python 3.9\ntop:\n    EXTENDED_ARG 0\n    JUMP_ABSOLUTE top\n"
                             "    LOAD_CONST 300\n    RETURN_VALUE\n",
                             {3, 9});
  REQUIRE_MESSAGE(b.code, b.errors);
  pyasm::Code copy = *b.code;
  pyasm::Diagnostics d;
  REQUIRE(pyasm::decode_instructions(copy, "t.pyc", d));
  REQUIRE(copy.instrs.size() == 3);
  CHECK(copy.instrs[0].prefixes == 1);  // EXTENDED_ARG 0, kept
  CHECK(copy.instrs[0].target == 0);
  CHECK(copy.instrs[1].prefixes == 0);  // const index 1 needs none
  CHECK(copy.instrs[2].opcode == 83);
}

TEST_CASE("bad bytecode in a pyc: errors at the file offset of the instruction") {
  auto b = pyasm_test::build(".python 3.11\nRESUME 0\nNOP\nJUMP_FORWARD end\nNOP\nend:\n"
                             "LOAD_CONST None\nRETURN_VALUE\n",
                             {3, 11});
  REQUIRE_MESSAGE(b.code, b.errors);
  std::string pyc = pyasm::write_pyc(b.code, {});
  size_t code_at = pyc.find(b.code->code_bytes);
  REQUIRE(code_at != std::string::npos);
  std::string bad = pyc;
  bad[code_at + 5] = 9;  // JUMP_FORWARD (the third unit) now jumps past the end
  pyasm::Diagnostics d;
  auto p = pyasm::read_pyc(bad, "x.pyc", d);
  REQUIRE_MESSAGE(p, d.render());
  CHECK(p->code->code_offset == code_at);
  pyasm::Code code = *p->code;
  CHECK_FALSE(pyasm::decode_instructions(code, "x.pyc", d));
  char expected[128];
  std::snprintf(expected, sizeof expected,
                "x.pyc:0x%zx: error: JUMP_FORWARD in <module> jumps to 0x18, which is not the "
                "start of an instruction\n",
                code_at + 4);
  CHECK(d.render() == expected);
}
