// Resolver defaults and tables: what a block gets when the file is silent.
#include <doctest/doctest.h>

#include <cctype>
#include <string>
#include <vector>

#include "build_util.hpp"
#include "operands.hpp"
#include "pyasm/opcodes.hpp"

namespace {

using pyasm_test::build;

const pyasm::Code& child(const pyasm::Code& c, size_t i) { return *c.consts.at(i)->code; }

const char* kNested =
    ".filename \"x.py\"\n"
    ".code outer(a)\n"
    "  .code inner\n"
    "    RESUME 0\n    LOAD_DEREF a\n    RETURN_VALUE\n"
    "    .freevars a\n"
    "  .end\n"
    "  .code Shape\n"
    "    .flags 0\n"
    "    .code area\n      RESUME 0\n      LOAD_CONST 1\n      RETURN_VALUE\n    .end\n"
    "    RESUME 0\n    LOAD_CONST @area\n    RETURN_VALUE\n"
    "  .end\n"
    "  MAKE_CELL a\n  RESUME 0\n  LOAD_CONST @inner\n  LOAD_CONST @Shape\n  RETURN_VALUE\n"
    ".end\n"
    "RESUME 0\nLOAD_CONST @outer\nRETURN_VALUE\n";

}  // namespace

TEST_CASE("nested blocks inherit filename and get CPython's qualname and flags") {
  auto b = build(std::string(".python 3.11\n") + kNested, {3, 11});
  REQUIRE_MESSAGE(b.code, b.errors);
  const auto& outer = child(*b.code, 0);
  const auto& inner = child(outer, 0);
  const auto& shape = child(outer, 1);
  const auto& area = child(shape, 0);
  CHECK(inner.filename == "x.py");
  CHECK(area.filename == "x.py");
  CHECK(outer.qualname == "outer");
  CHECK(inner.qualname == "outer.<locals>.inner");
  CHECK(shape.qualname == "outer.<locals>.Shape");
  CHECK(area.qualname == "outer.<locals>.Shape.area");
  CHECK(outer.flags == (pyasm::kOptimized | pyasm::kNewLocals));
  CHECK(inner.flags == (pyasm::kOptimized | pyasm::kNewLocals | pyasm::kNested));
  CHECK(area.flags == (pyasm::kOptimized | pyasm::kNewLocals | pyasm::kNested));
  CHECK(outer.cellvars == std::vector<std::string>{"a"});
}

TEST_CASE("3.8: NOFREE only without cells or frees, NESTED inside functions") {
  auto b = build(
      ".python 3.8\n.code f\n  .code g\n    LOAD_CONST None\n    RETURN_VALUE\n  .end\n"
      "  LOAD_CONST @g\n  RETURN_VALUE\n.end\nLOAD_CONST @f\nRETURN_VALUE\n",
      {3, 8});
  REQUIRE_MESSAGE(b.code, b.errors);
  CHECK(b.code->flags == pyasm::kNoFree);
  CHECK(child(*b.code, 0).flags == 67);
  CHECK(child(child(*b.code, 0), 0).flags == 83);  // def f(): def g(): pass
}

TEST_CASE("signatures: comprehension arguments and every parameter kind") {
  auto b = build(
      ".python 3.8\n.code <listcomp>(.0)\n  LOAD_FAST .0\n  RETURN_VALUE\n.end\n"
      ".code f(a, /, b, *args, c, **kw)\n  LOAD_CONST None\n  RETURN_VALUE\n.end\n"
      "LOAD_CONST @<listcomp>\nLOAD_CONST @f\nRETURN_VALUE\n",
      {3, 8});
  REQUIRE_MESSAGE(b.code, b.errors);
  const auto& comp = child(*b.code, 0);
  CHECK(comp.argcount == 1);
  CHECK(comp.varnames == std::vector<std::string>{".0"});
  CHECK(comp.name == "<listcomp>");
  const auto& f = child(*b.code, 1);
  CHECK(f.argcount == 2);
  CHECK(f.posonlyargcount == 1);
  CHECK(f.kwonlyargcount == 1);
  CHECK(f.varnames == std::vector<std::string>{"a", "b", "c", "args", "kw"});
  CHECK(f.flags == (pyasm::kOptimized | pyasm::kNewLocals | pyasm::kVarArgs |
                    pyasm::kVarKeywords | pyasm::kNoFree));
}

TEST_CASE("FORMAT_VALUE as dis prints it") {
  auto b = build(
      ".python 3.8\nLOAD_NAME x\nFORMAT_VALUE 0\nLOAD_NAME x\nFORMAT_VALUE repr\n"
      "LOAD_NAME x\nLOAD_CONST '>10'\nFORMAT_VALUE str, with format\nBUILD_STRING 3\n"
      "RETURN_VALUE\n",
      {3, 8});
  REQUIRE_MESSAGE(b.code, b.errors);
  const std::string& c = b.code->code_bytes;
  CHECK(static_cast<int>(c[3]) == 0);
  CHECK(static_cast<int>(c[7]) == 2);
  CHECK(static_cast<int>(c[13]) == 5);
}

TEST_CASE("3.8: consecutive .line directives are separate lnotab entries") {
  auto b = build(
      ".python 3.8\n.line 1\nLOAD_CONST 1\nPOP_TOP\n.line 2\n.line 1\nLOAD_CONST None\n"
      "RETURN_VALUE\n",
      {3, 8});
  REQUIRE_MESSAGE(b.code, b.errors);
  CHECK(b.code->linetable == std::string("\x04\x01\x00\xff", 4));
}

TEST_CASE("an error inside a block is not repeated where the block is used") {
  auto b = build(".python 3.8\n.code f\n  FORMAT_VALUE bogus\n  RETURN_VALUE\n.end\n"
                 "LOAD_CONST @f\nLOAD_CONST @f\nRETURN_VALUE\n",
                 {3, 8});
  CHECK_FALSE(b.code);
  CHECK(b.errors ==
        "t.pyasm:3:16: error: expected str, repr, ascii or 'with format', got 'bogus'\n"
        "  FORMAT_VALUE bogus\n"
        "               ^\n");
}

TEST_CASE("an oparg only the final tables give is checked: LOAD_FAST_LOAD_FAST's locals") {
  // While the tables grow, a 3.11+ local's index is 0; b6 is local 16 only
  // once they are final. This built `a0, a0` with no error.
  const std::string sig = ".code f(a0,a1,a2,a3,a4,a5,a6,a7,a8,a9,b0,b1,b2,b3,b4,b5,b6,b7)\n";
  auto text = [&](const char* pair) {
    return ".python 3.13\n" + sig + "  RESUME 0\n  LOAD_FAST_LOAD_FAST " + pair +
           "\n  BUILD_TUPLE 2\n  RETURN_VALUE\n.end\nRESUME 0\nLOAD_CONST @f\nRETURN_VALUE\n";
  };
  auto bad = build(text("b6, a1"), {3, 13});
  CHECK_FALSE(bad.code);
  CHECK(bad.errors.find("t.pyasm:4:3: error: both locals of LOAD_FAST_LOAD_FAST must have an "
                        "index below 16") == 0);
  auto good = build(text("b5, a1"), {3, 13});
  REQUIRE_MESSAGE(good.code, good.errors);
  CHECK(child(*good.code, 0).instrs.at(1).arg == ((15u << 4) | 1u));
}

TEST_CASE("packed name flags in either order; LOAD_SUPER_ATTR's bits") {
  // On 3.12 and 3.13, class A(B): def f(self): super().f(); super().x;
  // super(A, self).g(); super(A, self).y  gives LOAD_SUPER_ATTR 5, 8, 19, 22
  // with f, x, g, y at name indices 1, 2, 4, 5.
  std::string text = ".python 3.13\n.names super, f, x, A, g, y, print\n";
  for (const char* operand : {"NULL|self + f", "x", "g + NULL|self, two_arg", "y, two_arg"})
    text += std::string("LOAD_CONST None\nLOAD_CONST None\nLOAD_CONST None\n") +
            "LOAD_SUPER_ATTR " + operand + "\nPOP_TOP\n";
  text += "LOAD_GLOBAL print + NULL\nLOAD_GLOBAL NULL + print\nLOAD_CONST None\n"
          "LOAD_ATTR x + NULL|self\nRETURN_VALUE\n";
  auto b = build(text, {3, 13});
  REQUIRE_MESSAGE(b.code, b.errors);
  std::vector<int> args;
  for (const auto& in : b.code->instrs)
    if (in.opcode != 0 && !b.code->consts.empty()) args.push_back(static_cast<int>(in.arg));
  // Every 5th instruction from 3 is a LOAD_SUPER_ATTR; then the two globals and the attribute.
  CHECK(args[3] == 5);
  CHECK(args[8] == 8);
  CHECK(args[13] == 19);
  CHECK(args[18] == 22);
  CHECK(args[20] == 13);  // print is name 6: (6 << 1) | 1
  CHECK(args[21] == 13);
  CHECK(args[23] == 5);  // x is name 2: (2 << 1) | 1
}

TEST_CASE("qualname: a block inside a comprehension gets '.', not '.<locals>.'") {
  // fs = [lambda: 0 for _ in ()] on 3.11: '<listcomp>.<lambda>'
  auto b = build(
      ".python 3.11\n.code <listcomp>(.0)\n  .code <lambda>\n    RESUME 0\n    LOAD_CONST 0\n"
      "    RETURN_VALUE\n  .end\n  RESUME 0\n  LOAD_CONST @<lambda>\n  RETURN_VALUE\n.end\n"
      "RESUME 0\nLOAD_CONST @<listcomp>\nRETURN_VALUE\n",
      {3, 11});
  REQUIRE_MESSAGE(b.code, b.errors);
  CHECK(child(child(*b.code, 0), 0).qualname == "<listcomp>.<lambda>");
}

TEST_CASE("code blocks nested deeper than CPython can load are an error, not a crash") {
  std::string text = ".python 3.11\n";
  for (int i = 0; i < 100000; ++i) text += ".code f" + std::to_string(i) + "\n";
  auto b = build(text, {3, 11});
  CHECK_FALSE(b.code);
  CHECK(b.errors.find("t.pyasm:991:1: error: code blocks nested more than 990 deep") == 0);
}

namespace {

// Runs the whole pipeline; returns the pyc, or the rendered diagnostics.
std::string assemble_text(const std::string& text) {
  pyasm::SourceFile file{"t.pyasm", text};
  pyasm::Diagnostics diags;
  pyasm::AssembleOptions options;
  auto pyc = pyasm::assemble(file, options, diags);
  return pyc ? *pyc : "errors:\n" + diags.render();
}

// Two texts of the same length and the same lines after the second: with
// `.python` first the file is resolved while it is parsed, block by block
// (each block's nodes freed at its .end); with `.filename` first it is
// parsed whole, then resolved.
std::pair<std::string, std::string> both_ways(const std::string& body) {
  return {assemble_text(".python 3.11\n.filename \"x.py\"\n" + body),
          assemble_text(".filename \"x.py\"\n.python 3.11\n" + body)};
}

}  // namespace

TEST_CASE("resolving while parsing gives the code and the errors of resolving the whole file") {
  // Blocks nested three deep, with a closure and a class.
  auto [streamed, whole] = both_ways(
      ".code outer(a)\n"
      "  .code inner\n"
      "    COPY_FREE_VARS 1\n"
      "    RESUME 0\n"
      "    LOAD_DEREF a\n"
      "    RETURN_VALUE\n"
      "    .freevars a\n"
      "  .end\n"
      "  .code Shape\n"
      "    .flags 0\n"
      "    .code area(self)\n"
      "      RESUME 0\n"
      "      LOAD_CONST 1\n"
      "      RETURN_VALUE\n"
      "    .end\n"
      "    RESUME 0\n"
      "    LOAD_CONST @area\n"
      "    MAKE_FUNCTION 0\n"
      "    STORE_NAME area\n"
      "    LOAD_CONST None\n"
      "    RETURN_VALUE\n"
      "  .end\n"
      "  MAKE_CELL a\n"
      "  RESUME 0\n"
      "  LOAD_CLOSURE a\n"
      "  BUILD_TUPLE 1\n"
      "  LOAD_CONST @inner\n"
      "  MAKE_FUNCTION closure\n"
      "  LOAD_CONST @Shape\n"
      "  BUILD_TUPLE 2\n"
      "  RETURN_VALUE\n"
      ".end\n"
      "RESUME 0\n"
      "LOAD_CONST @outer\n"
      "MAKE_FUNCTION 0\n"
      "STORE_NAME outer\n"
      "LOAD_CONST None\n"
      "RETURN_VALUE\n");
  CHECK_MESSAGE(streamed.rfind("errors:", 0) != 0, streamed);
  CHECK(streamed == whole);

  // Errors in several blocks, one after its block's nodes were freed.
  std::string bad =
      ".code f(a)\n"
      "  .code g\n"
      "    LOAD_NOPE 1\n    RETURN_VALUE\n"
      "  .end\n"
      "  RESUME 0\n  LOAD_CONST @g\n  JUMP_FORWARD nowhere\n  RETURN_VALUE\n"
      ".end\n"
      "RESUME 0\nLOAD_CONST @f\nLOAD_NAME )\nRETURN_VALUE\n";
  auto [streamed_bad, whole_bad] = both_ways(bad);
  CHECK(streamed_bad.find("t.pyasm:5:") != std::string::npos);
  CHECK(streamed_bad.find("nowhere") != std::string::npos);
  CHECK(streamed_bad.find("t.pyasm:15:") != std::string::npos);  // the syntax error
  CHECK(streamed_bad == whole_bad);
}

TEST_CASE("a second .python is an error either way") {
  auto [streamed, whole] = both_ways("RESUME 0\n.python 3.11\nLOAD_CONST None\nRETURN_VALUE\n");
  CHECK(streamed.find("t.pyasm:4:1: error: duplicate .python directive") != std::string::npos);
  CHECK(whole.find("t.pyasm:4:1: error: duplicate .python directive") != std::string::npos);
}

TEST_CASE("OpcodeTable::find(name) finds every op of every table and nothing else") {
  for (const pyasm::OpcodeTable* t : pyasm::all_opcode_tables()) {
    CAPTURE(t->version.str());
    // What find() must agree with: the first op of that name, from the start.
    auto linear = [&](std::string_view name) -> const pyasm::OpInfo* {
      for (const pyasm::OpInfo& op : t->ops)
        if (op.name == name) return &op;
      return nullptr;
    };
    for (const pyasm::OpInfo& op : t->ops) {
      REQUIRE(t->find(op.name));
      CHECK(t->find(op.name) == linear(op.name));
      // Near misses: shorter, longer, another case, one byte changed.
      std::string name(op.name);
      std::string lower = name;
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      std::vector<std::string> near = {name.substr(0, name.size() - 1), name + "_", name + '\0',
                                       lower, " " + name};
      for (size_t i = 0; i < name.size(); ++i) {
        near.push_back(name);
        near.back()[i] = near.back()[i] == 'X' ? 'Y' : 'X';
      }
      for (const std::string& n : near) {
        CAPTURE(n);
        CHECK(t->find(n) == linear(n));
      }
    }
    CHECK_FALSE(t->find(""));
    CHECK_FALSE(t->find("NOT_AN_OPCODE_AT_ALL"));
    CHECK_FALSE(t->find("LOAD"));
  }
}

TEST_CASE("tables and line events of one block do not leak into the next or its parent") {
  // f's tables are long enough to be hashed; g's and the module's are short.
  std::string f = "  .line 5\n";
  for (int i = 0; i < 20; ++i) {
    std::string n = std::to_string(i);
    f += "  LOAD_GLOBAL n" + n + "\n  LOAD_CONST " + n + "\n  STORE_FAST v" + n + "\n";
  }
  auto b = build(".python 3.8\n.consts 'a', 'b', 'a', @f, @g\n.line 1\n.code f\n" + f +
                     "  RETURN_VALUE\n.end\n.code g\n  .line 7\n  LOAD_GLOBAL n19\n"
                     "  LOAD_CONST 19\n  LOAD_FAST v19\n  RETURN_VALUE\n.end\n"
                     "LOAD_CONST 'a'\nLOAD_CONST 'b'\nLOAD_NAME n19\n.line 9\n"
                     "LOAD_CONST @g\nRETURN_VALUE\n",
                 {3, 8});
  REQUIRE_MESSAGE(b.code, b.errors);
  const pyasm::Code& m = *b.code;
  const pyasm::Code& fc = child(m, 3);
  const pyasm::Code& g = child(m, 4);
  CHECK(fc.names.size() == 20);
  CHECK(fc.varnames.size() == 20);
  CHECK(fc.instrs[3 * 19 + 1].arg == 19);  // LOAD_CONST 19
  CHECK(g.names == std::vector<std::string>{"n19"});
  CHECK(g.varnames == std::vector<std::string>{"v19"});
  REQUIRE(g.consts.size() == 1);
  for (size_t i = 0; i < 3; ++i) CHECK(g.instrs[i].arg == 0);
  // A constant listed twice is found at its first position.
  CHECK(m.consts.size() == 5);
  CHECK(m.instrs[0].arg == 0);
  CHECK(m.instrs[1].arg == 1);
  CHECK(m.names == std::vector<std::string>{"n19"});
  REQUIRE(m.line_events.size() == 2);
  CHECK((m.line_events[0].instr == 0 && m.line_events[0].line == 1));
  CHECK((m.line_events[1].instr == 3 && m.line_events[1].line == 9));
  REQUIRE(g.line_events.size() == 1);
  CHECK(g.line_events[0].line == 7);
  CHECK(fc.line_events.size() == 1);
}

TEST_CASE("labels: many in one block, duplicates and undefined ones") {
  // More labels than LabelTable scans: the hashed lookup finds them too.
  std::string body;
  for (int i = 0; i < 12; ++i) body += "L" + std::to_string(i) + ":\n  NOP\n";
  auto text = [&](const std::string& tail) {
    return ".python 3.8\n" + body + "LOAD_CONST None\nPOP_JUMP_IF_FALSE L7\n" + tail +
           "LOAD_CONST None\nRETURN_VALUE\n";
  };
  auto good = build(text(""), {3, 8});
  REQUIRE_MESSAGE(good.code, good.errors);
  CHECK(good.code->instrs.at(13).target == 7);
  auto bad = build(text("L3:\n  NOP\nJUMP_ABSOLUTE L99\n"), {3, 8});
  CHECK_FALSE(bad.code);
  CHECK(bad.errors.find("error: duplicate label 'L3'") != std::string::npos);
  CHECK(bad.errors.find("note: first defined here") != std::string::npos);
  CHECK(bad.errors.find("error: undefined label 'L99'") != std::string::npos);
}

TEST_CASE("equal_text agrees with == at every length and every differing byte") {
  // Its loads overlap differently by length (0-3, 4-7, 8, more): a change
  // of any one byte must be seen at each of them.
  for (size_t n = 0; n <= 40; ++n) {
    std::string a(n, 'x');
    for (size_t i = 0; i < n; ++i) a[i] = static_cast<char>('a' + i % 26);
    CHECK(pyasm::equal_text(a, std::string(a)));
    CHECK_FALSE(pyasm::equal_text(a, a + "x"));
    for (size_t i = 0; i < n; ++i) {
      std::string b = a;
      b[i] = '#';
      CHECK_FALSE(pyasm::equal_text(a, b));
    }
  }
}

TEST_CASE("names that differ only inside, or are long, get their own co_names entries") {
  // Same length and ends, a different middle byte; names over 16 bytes;
  // a long mnemonic (BUILD_CONST_KEY_MAP) among them.
  auto r = build(
      ".python 3.10\n"
      "LOAD_NAME abcdefghijklmnopq\nLOAD_NAME abcdefghXjklmnopq\n"
      "LOAD_NAME abcXe\nLOAD_NAME abcYe\nLOAD_NAME abcdefghijklmnopq\n"
      "LOAD_CONST ('a', 'b', 'c')\nBUILD_CONST_KEY_MAP 2\nRETURN_VALUE\n",
      {3, 10});
  REQUIRE_MESSAGE(r.code, r.errors);
  CHECK(r.code->names ==
        std::vector<std::string>{"abcdefghijklmnopq", "abcdefghXjklmnopq", "abcXe", "abcYe"});
  CHECK(r.code->instrs.at(4).arg == 0);
}
