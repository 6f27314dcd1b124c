// The disassembler: pyc -> text -> pyc gives the same bytes, and the text
// says what it should (symbolic where that rebuilds the oparg, explicit
// where pyasm's defaults would differ).
#include <doctest/doctest.h>

#include "build_util.hpp"
#include "pyasm/disasm.hpp"
#include "pyasm/pyc_reader.hpp"

namespace {

struct RoundTrip {
  std::string text;  // the disassembly
  pyasm::DisasmStats stats;
};

std::string assemble_text(const std::string& text, std::string& errors) {
  pyasm::SourceFile file{"d.pyasm", text};
  pyasm::Diagnostics d;
  auto pyc = pyasm::assemble(file, {}, d);
  errors = d.render();
  return pyc ? *pyc : "";
}

// Builds `source`, disassembles the pyc and checks that building the text
// gives the pyc back byte for byte.
RoundTrip round_trip(const std::string& source, const pyasm::PycHeader& header = {}) {
  std::string errors;
  std::string pyc = assemble_text(source, errors);
  REQUIRE_MESSAGE(!pyc.empty(), errors);
  if (header.flags || header.mtime) {
    // Same code, another header: rebuild with a `.pyc` line instead.
    pyasm::Diagnostics d;
    auto p = pyasm::read_pyc(pyc, "x.pyc", d);
    REQUIRE(p);
    pyc = pyasm::write_pyc(p->code, header);
  }
  pyasm::Diagnostics d;
  auto p = pyasm::read_pyc(pyc, "x.pyc", d);
  REQUIRE_MESSAGE(p, d.render());
  RoundTrip r;
  pyasm::DisasmOptions opts;
  opts.stats = &r.stats;
  auto text = pyasm::disassemble(*p, "x.pyc", d, opts);
  REQUIRE_MESSAGE(text, d.render());
  r.text = *text;
  CHECK_MESSAGE(r.stats.verified, r.text);
  std::string again = assemble_text(r.text, errors);
  CHECK_MESSAGE(errors.empty(), std::string(errors + "\n" + r.text));
  CHECK_MESSAGE(again == pyc, r.text);
  return r;
}

bool has_line(const std::string& text, const std::string& line) {
  size_t at = 0;
  while ((at = text.find(line, at)) != std::string::npos) {
    bool starts = at == 0 || text[at - 1] == '\n' || text[at - 1] == ' ';
    bool ends = at + line.size() == text.size() || text[at + line.size()] == '\n';
    if (starts && ends) return true;
    at += line.size();
  }
  return false;
}

std::string resume(int minor) { return minor >= 11 ? "RESUME 0\n" : ""; }

}  // namespace

TEST_CASE("every version: functions, loops and constants round-trip, tables left implicit") {
  for (int minor = 6; minor <= 13; ++minor) {
    CAPTURE(minor);
    std::string ret = minor >= 12 ? "RETURN_CONST None\n" : "LOAD_CONST None\nRETURN_VALUE\n";
    std::string src = ".python 3." + std::to_string(minor) +
                      "\n.filename \"m.py\"\n.code f(a, b=2)\n" + resume(minor) +
                      ".consts None\n.line 2\nLOAD_FAST a\nLOAD_FAST b\n" +
                      (minor >= 11 ? "BINARY_OP +\n" : "BINARY_ADD\n") +
                      "RETURN_VALUE\n.end\n" + resume(minor) +
                      ".line 1\nLOAD_CONST @f\n" + (minor >= 11 ? "" : "LOAD_CONST 'f'\n") +
                      (minor >= 13 ? "MAKE_FUNCTION\n" : "MAKE_FUNCTION 0\n") + "STORE_NAME f\n"
                      ".line 3\nLOAD_CONST (1, 2.5, 'x', b'y', None, frozenset({3}))\n"
                      "STORE_NAME t\n" + ret;
    // `b=2` is not a default here: the signature only names the argument.
    src.replace(src.find("b=2"), 3, "b");
    RoundTrip r = round_trip(src);
    CHECK(has_line(r.text, ".python 3." + std::to_string(minor)));
    CHECK(has_line(r.text, ".filename 'm.py'"));
    CHECK(has_line(r.text, ".code f(a, b)"));
    CHECK(has_line(r.text, ".consts None"));
    CHECK(has_line(r.text, "LOAD_CONST           (1, 2.5, 'x', b'y', None, frozenset({3}))"));
    CHECK(has_line(r.text, "LOAD_CONST           @f"));
    CHECK(r.text.find(".names") == std::string::npos);
    CHECK(r.text.find(".varnames") == std::string::npos);
    CHECK(r.text.find(".stacksize") == std::string::npos);
    CHECK(r.stats.code_objects == 2);
  }
}

TEST_CASE("pyc headers: timestamp, checked and unchecked hash, an odd flags word") {
  std::string src = ".python 3.11\nRESUME 0\nLOAD_CONST None\nRETURN_VALUE\n";
  CHECK(has_line(round_trip(src, {0, 1700000000, 4321, 0}).text,
                 ".pyc timestamp 1700000000 4321"));
  CHECK(has_line(round_trip(src, {3, 0, 0, 0x1f2e3d4c5b6a7988}).text,
                 ".pyc checked-hash 0x1f2e3d4c5b6a7988"));
  CHECK(has_line(round_trip(src, {1, 0, 0, 0xffffffffffffffff}).text,
                 ".pyc unchecked-hash 0xffffffffffffffff"));
  CHECK(has_line(round_trip(src, {2, 5, 6, 0}).text, ".pyc timestamp 5 6 flags 2"));
  std::string src36 = ".python 3.6\nLOAD_CONST None\nRETURN_VALUE\n";
  CHECK(has_line(round_trip(src36, {0, 7, 8, 0}).text, ".pyc timestamp 7 8"));
}

TEST_CASE("raw opargs where the symbolic form would not rebuild them") {
  // A repeated constant: only its index tells which entry is meant.
  RoundTrip r = round_trip(
      ".python 3.8\n.consts None, (1, 2), (1, 2)\nLOAD_CONST $2\nLOAD_CONST (1, 2)\n"
      "BUILD_TUPLE 2\nRETURN_VALUE\n");
  CHECK(has_line(r.text, ".consts None, (1, 2), (1, 2)"));
  CHECK(has_line(r.text, "LOAD_CONST           $2                    # (1, 2)"));
  // 3.12: a comparison mask CPython never writes.
  r = round_trip(".python 3.12\nRESUME 0\nLOAD_CONST 1\nLOAD_CONST 2\nCOMPARE_OP $41\n"
                 "RETURN_VALUE\n");
  CHECK(has_line(r.text, "COMPARE_OP           $41"));
  // 3.10 leaves an oparg on argument-less instructions.
  r = round_trip(".python 3.10\nLOAD_CONST 1\nLOAD_CONST 2\nROT_TWO $2\nBUILD_TUPLE 2\n"
                 "RETURN_VALUE\n");
  CHECK(has_line(r.text, "ROT_TWO              $2                    # an oparg on an "
                         "instruction that takes none"));
  // A name listed twice in co_names.
  r = round_trip(".python 3.9\n.names x, x\nLOAD_NAME $1\nLOAD_NAME x\nBUILD_TUPLE 2\n"
                 "RETURN_VALUE\n");
  CHECK(has_line(r.text, "LOAD_NAME            $1                    # x"));
}

TEST_CASE("EXTENDED_ARG lines only where the pyc has more than pyasm would write") {
  RoundTrip r = round_trip(
      ".python 3.8\nL: EXTENDED_ARG 0\nJUMP_ABSOLUTE L\nEXTENDED_ARG\nEXTENDED_ARG\n"
      "LOAD_CONST None\nRETURN_VALUE\n");
  // The empty co_lnotab reads as the first line, co_firstlineno.
  CHECK(r.text.find("L1:\n.line 1\n    EXTENDED_ARG\n    JUMP_ABSOLUTE        L1\n") !=
        std::string::npos);
  CHECK(r.text.find("    EXTENDED_ARG\n    EXTENDED_ARG\n    LOAD_CONST           None\n") !=
        std::string::npos);
  CHECK(r.stats.written_prefixes == 2);
  // 300 constants: the last ones need a prefix, which pyasm writes itself.
  std::string many = ".python 3.11\nRESUME 0\n";
  for (int i = 0; i < 300; ++i) many += "LOAD_CONST " + std::to_string(i) + "\nPOP_TOP\n";
  many += "LOAD_CONST None\nRETURN_VALUE\n";
  r = round_trip(many);
  CHECK(r.text.find("EXTENDED_ARG") == std::string::npos);
}

TEST_CASE("constants as literals that read back to the same bits") {
  RoundTrip r = round_trip(
      ".python 3.11\nRESUME 0\n"
      "LOAD_CONST (-0.0, 0.0, nan, -nan, inf, -inf, 1e+100, 2j, -2j, (1-0j), (-0-1j), "
      "complex(inf, -0.0), complex(1.5, nan), 12345678901234567890123, -5)\n"
      "LOAD_CONST ('é✓', '\\ud800', '\\x00\\n', b'\\xff\\x00', \"it's\", '')\n"
      "BUILD_TUPLE 2\nRETURN_VALUE\n");
  // -2j is -(2j): complex(-0.0, -2.0).
  CHECK(r.text.find("(-0.0, 0.0, nan, -nan, inf, -inf, 1e+100, 2j, (-0-2j), (1-0j), (-0-1j), "
                    "(inf-0j), complex(1.5, nan), 12345678901234567890123, -5)") !=
        std::string::npos);
  CHECK(r.text.find("('é✓', '\\ud800', '\\x00\\n', b'\\xff\\x00', \"it's\", '')") !=
        std::string::npos);
}

TEST_CASE("names that are not identifiers are quoted") {
  RoundTrip r = round_trip(
      ".python 3.12\n.code odd\n.name \"a b\"\nRESUME 0\nLOAD_CONST 1\nSTORE_FAST \".x\"\n"
      "LOAD_FAST \".x\"\nRETURN_VALUE\n.end\n"
      "RESUME 0\nLOAD_NAME \"os.path\"\nLOAD_NAME <lambda>\nLOAD_CONST @odd\n"
      "BUILD_TUPLE 3\nRETURN_VALUE\n");
  CHECK(has_line(r.text, "LOAD_NAME            'os.path'"));
  CHECK(has_line(r.text, "LOAD_NAME            <lambda>"));
  CHECK(has_line(r.text, ".name 'a b'"));
  CHECK(has_line(r.text, "LOAD_FAST            '.x'"));
}

TEST_CASE("line tables: same-line and past-the-end entries, raw tables when needed") {
  // 3.8: two entries before one instruction, one past the end.
  RoundTrip r = round_trip(".python 3.8\n.line 1\nLOAD_CONST None\n.line 2\n.line 2\n"
                           "RETURN_VALUE\n.line 7\n");
  CHECK(r.text.find(".line 2\n.line 2\n    RETURN_VALUE\n.line 7\n") != std::string::npos);
  // An entry in the middle of an instruction: kept as bytes.
  r = round_trip(".python 3.8\n.lnotab b'\\x01\\x01'\nLOAD_CONST None\nRETURN_VALUE\n");
  CHECK(has_line(r.text, ".lnotab b'\\x01\\x01'"));
  CHECK(r.stats.raw_linetables == 1);
  // 3.10: ranges with and without lines.
  r = round_trip(".python 3.10\n.line 1\nLOAD_CONST None\n.line none\nPOP_TOP\n.line 1\n"
                 "LOAD_CONST None\nRETURN_VALUE\n");
  CHECK(r.text.find(".line 1\n    LOAD_CONST           None\n.line none\n    POP_TOP\n.line 1\n") !=
        std::string::npos);
  // 3.11: columns, spans over lines, positions without columns.
  r = round_trip(".python 3.11\n.line 0:0-1:0\nRESUME 0\n.line 2\nLOAD_CONST None\n"
                 ".line 3:4-9\nRETURN_VALUE\n");
  CHECK(r.text.find(".line 0:0-1:0\n    RESUME               0\n.line 2\n") != std::string::npos);
  CHECK(has_line(r.text, ".line 3:4-9"));
}

TEST_CASE("exception tables: .except at the end, raw bytes when out of order") {
  std::string body =
      ".python 3.11\nRESUME 0\nA: NOP\nB: LOAD_CONST None\nRETURN_VALUE\n"
      "H: PUSH_EXC_INFO\nPOP_EXCEPT\nLOAD_CONST None\nRETURN_VALUE\n";
  RoundTrip r = round_trip(body + ".except A B H depth 0\n");
  CHECK(has_line(r.text, ".except L1 L2 L3 depth 0"));
  CHECK(r.stats.raw_exceptiontables == 0);
  // Two entries in reverse order (CPython sorts them; a pyc could not).
  r = round_trip(body + ".exceptiontable b'\\x82\\x01\\x04\\x00\\x81\\x01\\x04\\x00'\n"
                        ".except A B H depth 0\n.except B H H depth 0\n");
  CHECK(has_line(r.text, ".exceptiontable b'\\x82\\x01\\x04\\x00\\x81\\x01\\x04\\x00'"));
  CHECK(r.stats.raw_exceptiontables == 1);
}

TEST_CASE(".stacksize only when pyasm computes another value") {
  RoundTrip r = round_trip(".python 3.9\n.stacksize 5\nLOAD_CONST None\nRETURN_VALUE\n");
  CHECK(has_line(r.text, ".stacksize 5    # pyasm computes 1: CPython measured the code before "
                         "its peephole pass"));
  REQUIRE(r.stats.stacksizes.size() == 1);
  CHECK(r.stats.stacksizes[0].qualname == "<module>");
  // 3.6's own count of a try block is below pyasm's (which takes 3.6's
  // SETUP_EXCEPT as +6 on both edges) but not below the real depth (6, in
  // the handler), which the verifier checks.
  r = round_trip(".python 3.6\n.stacksize 6 unchecked\nSETUP_EXCEPT h\nLOAD_GLOBAL x\nPOP_TOP\n"
                 "POP_BLOCK\nJUMP_FORWARD e\nh:\nPOP_TOP\nPOP_TOP\nPOP_TOP\nPOP_EXCEPT\ne:\n"
                 "LOAD_CONST None\nRETURN_VALUE\n");
  CHECK(has_line(r.text, ".stacksize 6 unchecked    # pyasm computes 9: CPython 3.6 walks basic "
                         "blocks and counts less"));
  std::string errors;
  CHECK(assemble_text(".python 3.6\n.stacksize 0 unchecked\nLOAD_CONST None\nRETURN_VALUE\n",
                      errors).empty());
  CHECK(errors.find("co_stacksize 0 is below the 1 stack items") != std::string::npos);
}

TEST_CASE("attributes pyasm would derive otherwise are written") {
  RoundTrip r = round_trip(
      ".python 3.11\n.code f(a, /, b, *args, c, **kw)\n.qualname \"g\"\n.flags 0x3000003\n"
      ".firstlineno 9\nRESUME 0\n.line 10\nLOAD_FAST a\nRETURN_VALUE\n.end\n"
      ".code h\n.filename \"other.py\"\n.argcount 3\nRESUME 0\nLOAD_CONST None\nRETURN_VALUE\n.end\n"
      "RESUME 0\nLOAD_CONST @f\nLOAD_CONST @h\nBUILD_TUPLE 2\nRETURN_VALUE\n");
  CHECK(has_line(r.text, ".code f(a, /, b, *args, c, **kw)") == false);  // flags lack VARARGS
  CHECK(has_line(r.text, ".qualname 'g'"));
  CHECK(has_line(r.text, ".flags 0x3000003"));
  CHECK(has_line(r.text, ".firstlineno 9"));
  CHECK(has_line(r.text, ".filename 'other.py'"));
  CHECK(has_line(r.text, ".argcount 3"));
}

TEST_CASE("co_nlocals other than the number of co_varnames (3.6-3.10)") {
  RoundTrip r = round_trip(".python 3.8\n.nlocals 5\n.code f(a)\n.nlocals 0\nLOAD_CONST None\n"
                           "RETURN_VALUE\n.end\nLOAD_CONST @f\nRETURN_VALUE\n");
  CHECK(has_line(r.text, ".nlocals 5"));
  CHECK(has_line(r.text, ".nlocals 0"));
}

TEST_CASE("nested blocks: just before their first load, the rest at the end") {
  RoundTrip r = round_trip(
      ".python 3.8\n.code unused\nLOAD_CONST None\nRETURN_VALUE\n.end\n"
      ".code used\nLOAD_CONST None\nRETURN_VALUE\n.end\n"
      ".consts @unused, 'x'\nLOAD_CONST 'x'\nPOP_TOP\nLOAD_CONST @used\nRETURN_VALUE\n");
  size_t used = r.text.find(".code used"), load = r.text.find("LOAD_CONST           @used");
  size_t unused = r.text.find(".code unused"), ret = r.text.find("RETURN_VALUE\n\n.code unused");
  CHECK(used < load);
  CHECK(r.text.find("POP_TOP") < used);
  CHECK(ret != std::string::npos);
  CHECK(unused > load);
}

TEST_CASE("marshal notes are printed and read back") {
  std::string err;
  // 'abc' is interned, so FLAG_REF is the rule; the note says it is not there.
  auto pyc = assemble_text(".python 3.11\n.marshal \"-consts.0\"\nRESUME 0\nLOAD_CONST 'abc'\n"
                           "RETURN_VALUE\n", err);
  REQUIRE_MESSAGE(!pyc.empty(), err);
  pyasm::Diagnostics d;
  auto p = pyasm::read_pyc(pyc, "x.pyc", d);
  REQUIRE(p);
  auto text = pyasm::disassemble(*p, "x.pyc", d);
  REQUIRE(text);
  CHECK(has_line(*text, ".marshal '-consts.0'"));
  CHECK(assemble_text(*text, err) == pyc);
}

TEST_CASE("code objects without a block ID (not from read_pyc) get one from their name") {
  auto b = pyasm_test::build(".python 3.11\n.code f\n.name \"<odd name>\"\nRESUME 0\n"
                             "LOAD_CONST None\nRETURN_VALUE\n.end\n.code g\n.name \"<odd name>\"\n"
                             "RESUME 0\nLOAD_CONST 1\nRETURN_VALUE\n.end\nRESUME 0\n"
                             "LOAD_CONST @f\nLOAD_CONST @g\nBUILD_TUPLE 2\nRETURN_VALUE\n",
                             {3, 11});
  REQUIRE_MESSAGE(b.code, b.errors);
  auto module = std::make_shared<pyasm::Code>(*b.code);
  for (pyasm::ObjectPtr& k : module->consts) {
    if (k->kind != pyasm::ObjKind::Code) continue;
    auto child = std::make_shared<pyasm::Code>(*k->code);
    child->block_id.clear();
    k = pyasm::Object::code_object(child);
  }
  pyasm::Pyc pyc{{3, 11}, {}, module};
  pyasm::Diagnostics d;
  pyasm::DisasmStats stats;
  pyasm::DisasmOptions opts;
  opts.stats = &stats;
  auto text = pyasm::disassemble(pyc, "x.pyc", d, opts);
  REQUIRE(text);
  CHECK(has_line(*text, ".code odd_name"));
  CHECK(has_line(*text, ".code odd_name_2"));
  CHECK(stats.verified);
}

#include "disasm_impl.hpp"

namespace {

// Views of a built module and its nested code objects, as build_view makes
// them for the rebuild check (orig, id, parent, children).
std::unique_ptr<pyasm::disasm::View> views_of(const pyasm::Code& c, pyasm::disasm::View* parent) {
  auto v = std::make_unique<pyasm::disasm::View>();
  v->orig = &c;
  v->parent = parent;
  v->id = parent ? c.block_id : "";
  for (const pyasm::ObjectPtr& k : c.consts)
    if (k->kind == pyasm::ObjKind::Code) v->children.push_back(views_of(*k->code, v.get()));
  return v;
}

}  // namespace

TEST_CASE("the rebuild check compares each nested block as it is built, and finds what differs") {
  const std::string text =
      ".python 3.12\n"
      ".filename \"t.py\"\n"
      ".code f(a)\n"
      "  .code g\n"
      "    RESUME 0\n    LOAD_CONST 1\n    RETURN_VALUE\n"
      "  .end\n"
      "  RESUME 0\n  LOAD_CONST @g\n  RETURN_VALUE\n"
      ".end\n"
      "RESUME 0\nLOAD_CONST @f\nRETURN_VALUE\n";
  auto b = pyasm_test::build(text, {3, 12});
  REQUIRE_MESSAGE(b.code, b.errors);
  auto module = views_of(*b.code, nullptr);
  const pyasm::Code* g = module->children.at(0)->children.at(0)->orig;
  auto check = [&](std::string t, pyasm::disasm::ForceMap& forces) {
    std::vector<std::string> problems;
    bool same = pyasm::disasm::verify(t, *module, forces, problems);
    std::string all;
    for (const auto& p : problems) all += p + "\n";
    return std::make_pair(same, all);
  };
  pyasm::disasm::ForceMap forces;
  CHECK(check(text, forces) == std::make_pair(true, std::string()));

  // The innermost block differs: found, and its tables forced for the next round.
  std::string edited = text;
  edited.replace(edited.find("LOAD_CONST 1"), 12, "LOAD_CONST 2");
  auto [same, problems] = check(edited, forces);
  CHECK_FALSE(same);
  CHECK(problems == "f.g: co_consts differs\n");
  CHECK(forces[g].tables);

  // A block the pyc does not have.
  edited = text;
  edited.replace(edited.find("  RESUME 0\n  LOAD_CONST @g"), 0,
                 "  .code h\n    RESUME 0\n    LOAD_CONST None\n    RETURN_VALUE\n  .end\n");
  pyasm::disasm::ForceMap more;
  std::tie(same, problems) = check(edited, more);
  CHECK_FALSE(same);
  CHECK(problems.find("code block 'f.h' of the text is not one of the pyc's") != std::string::npos);
}
