// The seed program (issue 2, item 3): assembled for 3.8, the nested code
// object must be exactly what CPython 3.8 compiles from
//   def code(): a = 1; b = 2; c = a + b; return c
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "pyasm/assembler.hpp"
#include "pyasm/parser.hpp"

TEST_CASE("seed program assembles to CPython 3.8's code object") {
  std::ifstream in(std::filesystem::path(PYASM_TESTDATA_DIR) / "seed" / "seed-3.8.pyasm");
  std::ostringstream ss;
  ss << in.rdbuf();
  pyasm::SourceFile file{"seed-3.8.pyasm", ss.str()};
  pyasm::Diagnostics diags;
  pyasm::Module m = pyasm::parse(file, diags);
  auto module = pyasm::resolve(m, file, pyasm::Version{3, 8}, diags);
  REQUIRE_MESSAGE(module, diags.render());
  REQUIRE(module->consts.size() >= 1);
  REQUIRE(module->consts[0]->kind == pyasm::ObjKind::Code);
  const pyasm::Code& code = *module->consts[0]->code;

  const unsigned char expected[] = {100, 1, 125, 0, 100, 2, 125, 1, 124, 0,
                                    124, 1, 23,  0, 125, 2, 124, 2, 83,  0};
  CHECK(code.code_bytes == std::string(std::begin(expected), std::end(expected)));
  REQUIRE(code.consts.size() == 3);
  CHECK(code.consts[0]->kind == pyasm::ObjKind::None);
  CHECK(code.consts[1]->int_value == pyasm::BigInt(1));
  CHECK(code.consts[2]->int_value == pyasm::BigInt(2));
  CHECK(code.varnames == std::vector<std::string>{"a", "b", "c"});
  CHECK(code.stacksize == 2);
  CHECK(code.flags == 67);
  CHECK(code.argcount == 0);
  CHECK(code.name == "code");
  CHECK(code.firstlineno == 1);
  // co_lnotab of the one-line body: a same-line entry per statement.
  CHECK(code.linetable == std::string("\x04\x00\x04\x00\x08\x00", 6));
}
