// The text front end: tokens, statements and operand expressions.
#include <doctest/doctest.h>

#include <deque>

#include "pyasm/parser.hpp"

using pyasm::Expr;
using pyasm::Statement;

namespace {

// A Module points into its source text, which must outlive it: the texts
// of a test run are kept here.
pyasm::Module parse_ok(const std::string& text) {
  static std::deque<pyasm::SourceFile> sources;
  const pyasm::SourceFile& file = sources.emplace_back(pyasm::SourceFile{"t.pyasm", text});
  pyasm::Diagnostics diags;
  pyasm::Module m = pyasm::parse(file, diags);
  INFO(diags.render());
  CHECK_FALSE(diags.has_errors());
  return m;
}

std::string parse_errors(const std::string& text) {
  pyasm::SourceFile file{"t.pyasm", text};
  pyasm::Diagnostics diags;
  pyasm::parse(file, diags);
  diags.sort_by_position();
  return diags.render();
}

}  // namespace

TEST_CASE("statements: instructions, directives, labels, comments") {
  auto m = parse_ok(".python 3.11  # target\n\nloop: NOP\n  LOAD_CONST 1\nend:\n");
  REQUIRE(m.statements.size() == 5);
  CHECK(m.statements[0].kind == Statement::kDirective);
  CHECK(m.statements[0].name == "python");
  CHECK(m.statements[0].args[0]->value == "3.11");
  CHECK(m.statements[1].kind == Statement::kLabel);
  CHECK(m.statements[1].name == "loop");
  CHECK(m.statements[2].name == "NOP");
  CHECK(m.statements[3].args[0]->kind == Expr::kInt);
  CHECK(m.statements[4].kind == Statement::kLabel);
}

TEST_CASE("a last line without a newline is a statement") {
  auto m = parse_ok("NOP\nRETURN_VALUE");
  CHECK(m.statements.size() == 2);
}

TEST_CASE("operand expressions") {
  auto m = parse_ok(
      "A (1, -2.5, 'x', b'y', None)\n"
      "A frozenset({1, 2})\n"
      "A NULL + print\n"
      "A NULL|self + append\n"
      "A not in\n"
      "A defaults, closure\n"
      "A 1+2j\n"
      "A $300\n"
      "A @<lambda>\n"
      "A +=\n"
      "A .0\n"
      ".code f(a, /, b, *args, c, **kw)\n"
      ".line 5:4-7:12\n");
  auto& s = m.statements;
  REQUIRE(s.size() == 13);
  CHECK(s[0].args[0]->kind == Expr::kTuple);
  CHECK(s[0].args[0]->kids.size() == 5);
  CHECK(s[0].args[0]->kids[1]->kind == Expr::kNeg);
  CHECK(s[0].args[0]->kids[2]->value == "x");
  CHECK(s[0].args[0]->kids[3]->kind == Expr::kBytes);
  CHECK(s[1].args[0]->kind == Expr::kCall);
  CHECK(s[1].args[0]->kids[0]->kind == Expr::kSet);
  CHECK(s[2].args[0]->kind == Expr::kBinary);
  CHECK(s[2].args[0]->value == "+");
  CHECK(s[3].args[0]->kids[0]->value == "|");
  CHECK(s[4].args[0]->kind == Expr::kWords);
  CHECK(s[5].args.size() == 2);
  CHECK(s[6].args[0]->kids[1]->kind == Expr::kImag);
  CHECK(s[7].args[0]->kind == Expr::kRaw);
  CHECK(s[7].args[0]->value == "300");
  CHECK(s[8].args[0]->kind == Expr::kCodeRef);
  CHECK(s[8].args[0]->value == "<lambda>");
  CHECK(s[9].args[0]->kind == Expr::kSymbol);
  CHECK(s[10].args[0]->value == ".0");
  CHECK(s[11].args[0]->kind == Expr::kCall);
  CHECK(s[11].args[0]->kids.size() == 6);
  CHECK(s[11].args[0]->kids[1]->kind == Expr::kSymbol);
  CHECK(s[11].args[0]->kids[3]->kind == Expr::kPrefix);
  CHECK(s[12].args[0]->kind == Expr::kSpan);
}

TEST_CASE("string escapes decode like Python's") {
  auto m = parse_ok(
      "A 'a\\tb\\n\\x41\\101\\u00e9\\U0001F600\\\\\\'q'\n"
      "A r'\\n'\n"
      "A b'\\xff\\0'\n"
      "A \"héllo\"\n"
      "A '\\ud800'\n"
      "A '\\d'\n");
  auto& s = m.statements;
  CHECK(s[0].args[0]->value == "a\tb\nAA\xc3\xa9\xf0\x9f\x98\x80\\'q");
  CHECK(s[1].args[0]->value == "\\n");
  CHECK(s[2].args[0]->value == std::string("\xff\0", 2));
  CHECK(s[3].args[0]->value == "h\xc3\xa9llo");
  CHECK(s[4].args[0]->value == "\xed\xa0\x80");  // surrogatepass
  CHECK(s[5].args[0]->value == "\\d");           // unknown escape kept
}

TEST_CASE("errors: position, caret, one per line, parsing resumes") {
  std::string got = parse_errors("A (1,\nB 'open\nC ok\n\tD ?\n");
  CHECK(got ==
        "t.pyasm:1:6: error: syntax error: unexpected end of line\n"
        "A (1,\n"
        "     ^\n"
        "t.pyasm:2:3: error: unterminated string literal\n"
        "B 'open\n"
        "  ^\n"
        "t.pyasm:4:4: error: unexpected character '?'\n"
        "\tD ?\n"
        "\t  ^\n");
}

TEST_CASE("control bytes and invalid UTF-8 are errors, not crashes") {
  std::string text = "A '\xff'\nB \x01\nC \"\xc3\"\n";
  text += std::string("D \0 x\n", 6);
  std::string got = parse_errors(text);
  CHECK(got.find("t.pyasm:1:4: error: invalid UTF-8 in string literal") != std::string::npos);
  CHECK(got.find("t.pyasm:2:3: error: unexpected character 0x01") != std::string::npos);
  CHECK(got.find("t.pyasm:4:3: error: unexpected character 0x00") != std::string::npos);
}
