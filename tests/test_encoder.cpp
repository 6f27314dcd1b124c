// The encoder and stack analysis: bytes checked against what CPython writes.
#include <doctest/doctest.h>

#include "build_util.hpp"

namespace {

using pyasm_test::build;

std::string bytes(std::initializer_list<int> v) {
  std::string s;
  for (int b : v) s += static_cast<char>(b);
  return s;
}

std::string nops(int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += "    NOP\n";
  return s;
}

}  // namespace

TEST_CASE("3.8 lnotab: big and negative line deltas, as CPython 3.8 writes them") {
  // compile('x = [\n' + '\n'*200 + 'a,\n' + 'b]\n' + '\n'*300 + 'y = 2\n') on 3.8
  auto b = build(
      ".python 3.8\n"
      "    .line 202\n    LOAD_NAME a\n"
      "    .line 203\n    LOAD_NAME b\n"
      "    .line 1\n    BUILD_LIST 2\n    STORE_NAME x\n"
      "    .line 504\n    LOAD_CONST 2\n    STORE_NAME y\n    LOAD_CONST None\n"
      "    RETURN_VALUE\n",
      {3, 8});
  REQUIRE_MESSAGE(b.code, b.errors);
  CHECK(b.code->firstlineno == 202);
  CHECK(b.code->linetable ==
        bytes({0x02, 0x01, 0x02, 0x80, 0x00, 0xb6, 0x04, 0x7f, 0x00, 0x7f, 0x00, 0x7f, 0x00, 'z'}));
  CHECK(b.code->code_bytes == bytes({101, 0, 101, 1, 103, 2, 90, 2, 100, 0, 90, 3, 100, 1, 83, 0}));
}

TEST_CASE("3.8 lnotab: an offset gap over 255 bytes") {
  auto b = build(".python 3.8\n    .line 1\n" + nops(200) +
                     "    .line 2\n    LOAD_CONST None\n    RETURN_VALUE\n",
                 {3, 8});
  REQUIRE_MESSAGE(b.code, b.errors);
  CHECK(b.code->linetable == bytes({255, 0, 145, 1}));  // 400 bytes = 255 + 145
}

TEST_CASE("3.8 lnotab and 3.10 linetable: a line jump of many entries in a short code") {
  // 2,000,000 lines = 15,748 entries of 127 and one of 4: far more entries
  // than instructions, which the table's buffer must grow for.
  struct Case {
    int minor;
    size_t entries;
    std::string head, tail;
  };
  for (const Case& c : {Case{8, 15749, bytes({2, 127, 0, 127}), bytes({0, 4})},
                        Case{10, 15750, bytes({2, 0, 0, 127}), bytes({4, 4})}}) {
    CAPTURE(c.minor);
    auto b = build(".python 3." + std::to_string(c.minor) +
                       "\n    .line 1\n    NOP\n    .line 2000001\n    LOAD_CONST None\n"
                       "    RETURN_VALUE\n",
                   {3, c.minor});
    REQUIRE_MESSAGE(b.code, b.errors);
    const std::string& t = b.code->linetable;
    REQUIRE(t.size() == 2 * c.entries);
    CHECK(t.substr(0, 4) == c.head);
    CHECK(t.substr(t.size() - 2) == c.tail);
  }
}

TEST_CASE("EXTENDED_ARG: a jump sized to a fixed point (3.8, absolute)") {
  // Without a prefix the target would be at 256, which needs one; with it,
  // the target moves to 258.
  auto b = build(".python 3.8\n    LOAD_CONST True\n    POP_JUMP_IF_FALSE end\n" + nops(126) +
                     "end:\n    LOAD_CONST None\n    RETURN_VALUE\n",
                 {3, 8});
  REQUIRE_MESSAGE(b.code, b.errors);
  const std::string& c = b.code->code_bytes;
  REQUIRE(c.size() == 262);
  CHECK(c.substr(0, 6) == bytes({100, 0, 144, 1, 114, 2}));
  CHECK(c.substr(258) == bytes({100, 1, 83, 0}));
}

TEST_CASE("EXTENDED_ARG: big constant indices and relative jumps (3.8)") {
  std::string text = ".python 3.8\n";
  for (int i = 0; i < 300; ++i) text += "    LOAD_CONST " + std::to_string(i) + "\n    POP_TOP\n";
  text += "    JUMP_FORWARD end\n" + nops(128) + "end:\n    LOAD_CONST None\n    RETURN_VALUE\n";
  auto b = build(text, {3, 8});
  REQUIRE_MESSAGE(b.code, b.errors);
  const std::string& c = b.code->code_bytes;
  // LOAD_CONST 299 = EXTENDED_ARG 1, LOAD_CONST 43
  CHECK(c.substr(4 * 256, 6) == bytes({144, 1, 100, 0, 1, 0}));
  size_t jump = 4 * 256 + 6 * 44;  // 256 short pairs, 44 long ones
  CHECK(c.substr(jump, 4) == bytes({144, 1, 110, 0}));  // relative 256
}

TEST_CASE("3.11: caches after each instruction, backward jumps with EXTENDED_ARG") {
  auto b = build(".python 3.11\n    RESUME 0\ntop:\n" + nops(300) +
                     "    LOAD_GLOBAL NULL + print\n    POP_TOP\n    POP_TOP\n"
                     "    JUMP_BACKWARD top\n",
                 {3, 11});
  REQUIRE_MESSAGE(b.code, b.errors);
  const std::string& c = b.code->code_bytes;
  size_t g = 2 + 600;
  CHECK(c.substr(g, 2) == bytes({116, 1}));             // LOAD_GLOBAL (0 << 1) | NULL
  CHECK(c.substr(g + 2, 10) == std::string(10, '\0'));  // 5 cache units
  // JUMP_BACKWARD: back from its end (unit 311) to unit 1: 310 = 0x136
  CHECK(c.substr(g + 16) == bytes({144, 1, 140, 0x36}));
}

TEST_CASE("stack depth follows both branches and exception handlers") {
  auto b = build(
      ".python 3.11\n"
      "    RESUME 0\n"
      "    LOAD_CONST 1\n"
      "    POP_JUMP_FORWARD_IF_TRUE deep\n"
      "    LOAD_CONST None\n"
      "    RETURN_VALUE\n"
      "deep:\n"
      "    LOAD_CONST 1\n    LOAD_CONST 2\n    LOAD_CONST 3\n    BUILD_TUPLE 3\n"
      "try:\n    RETURN_VALUE\n"
      "handler:\n    PUSH_EXC_INFO\n    POP_TOP\n    POP_EXCEPT\n    LOAD_CONST None\n"
      "    RETURN_VALUE\n"
      ".except try handler handler depth 4 lasti\n",
      {3, 11});
  REQUIRE_MESSAGE(b.code, b.errors);
  // The handler starts at 4 + lasti + exception = 6, and PUSH_EXC_INFO adds one.
  CHECK(b.code->stacksize == 7);
}

TEST_CASE("stack depth of generators starts at 1 on 3.10-3.12") {
  auto b = build(
      ".python 3.11\n.code g\n"
      "    RETURN_GENERATOR\n    POP_TOP\n    RESUME 0\n    LOAD_CONST 1\n    YIELD_VALUE\n"
      "    RESUME 1\n    POP_TOP\n    LOAD_CONST None\n    RETURN_VALUE\n.end\n"
      "    RESUME 0\n    LOAD_CONST @g\n    RETURN_VALUE\n",
      {3, 11});
  REQUIRE_MESSAGE(b.code, b.errors);
  const auto& g = *b.code->consts[0]->code;
  CHECK(g.flags == (pyasm::kOptimized | pyasm::kNewLocals | pyasm::kGenerator));
  CHECK(g.stacksize == 1);  // def g(): yield 1 on CPython 3.11
}

TEST_CASE("a declared stack size below the computed one is an error") {
  auto b = build(".python 3.8\n.stacksize 0\n    LOAD_CONST None\n    RETURN_VALUE\n", {3, 8});
  CHECK_FALSE(b.code);
  CHECK(b.errors.find("declared .stacksize 0 is below the 1 this code needs") != std::string::npos);
}
