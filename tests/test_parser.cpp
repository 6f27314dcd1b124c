// The text front end: tokens, statements and operand expressions.
#include <doctest/doctest.h>

#include <deque>
#include <functional>

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
      "A '\\d'\n"
      "A r'ab\\'cd\\\\ef'\n"
      "A 'x\xc3\xa9yz\\tw'\n");
  auto& s = m.statements;
  CHECK(s[0].args[0]->value == "a\tb\nAA\xc3\xa9\xf0\x9f\x98\x80\\'q");
  CHECK(s[1].args[0]->value == "\\n");
  CHECK(s[2].args[0]->value == std::string("\xff\0", 2));
  CHECK(s[3].args[0]->value == "h\xc3\xa9llo");
  CHECK(s[4].args[0]->value == "\xed\xa0\x80");  // surrogatepass
  CHECK(s[5].args[0]->value == "\\d");           // unknown escape kept
  CHECK(s[6].args[0]->value == "ab\\'cd\\\\ef");  // raw: backslashes kept
  CHECK(s[7].args[0]->value == "x\xc3\xa9yz\tw");
}

TEST_CASE("plain literals: the text between the quotes, str or bytes by the prefix") {
  auto m = parse_ok(
      "A 'abc'\n"
      "A \"x y\"\n"
      "A ''\n"
      "A b'q'\n"
      "A Rb'r'\n"
      "A bR\"s\"\n"
      "A u't'\n"
      "A r'u'\n");
  auto& s = m.statements;
  std::vector<std::pair<Expr::Kind, std::string>> want = {
      {Expr::kStr, "abc"}, {Expr::kStr, "x y"}, {Expr::kStr, ""},  {Expr::kBytes, "q"},
      {Expr::kBytes, "r"}, {Expr::kBytes, "s"}, {Expr::kStr, "t"}, {Expr::kStr, "u"}};
  REQUIRE(s.size() == want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    CHECK(s[i].args[0]->kind == want[i].first);
    CHECK(s[i].args[0]->value == want[i].second);
  }
}

namespace {

// An expression tree as text: kind, value and kids, fully bracketed.
std::string tree(const Expr& e) {
  std::string s = std::to_string(e.kind) + ":" + std::string(e.value) + "@" +
                  std::to_string(e.offset) + "(";
  for (const Expr* k : e.kids) s += tree(*k) + ",";
  return s + ")";
}

}  // namespace

TEST_CASE("binary operand lines: the fast path builds Lemon's tree") {
  // The same operand at a line's start (the parser's fast path) and after a
  // label on the same line (Lemon's grammar), at the same offsets.
  for (std::string operand :
       {"x + y", "x | y + z", "x + y | z", "x - y - z", "x | y | z", "x + y - z", "1 + 2j",
        "'a' + b'c'", "NULL|self + name", "x + -1", "x + (y)", "-x + y", "x + y + z + w"}) {
    CAPTURE(operand);
    auto fast = parse_ok("AA   " + operand + "\n");
    auto lemon = parse_ok("L: A " + operand + "\n");
    REQUIRE(fast.statements.size() == 1);
    REQUIRE(lemon.statements.size() == 2);
    REQUIRE(fast.statements[0].args.size() == 1);
    REQUIRE(lemon.statements[1].args.size() == 1);
    CHECK(tree(*fast.statements[0].args[0]) == tree(*lemon.statements[1].args[0]));
  }
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

namespace {

// A statement as text: kind, name, offset, and each operand tree.
void dump(const Expr& e, std::string& out) {
  out += std::to_string(e.kind) + "@" + std::to_string(e.offset) + "[" + std::string(e.value) + "]";
  if (e.kids.empty()) return;
  out += "(";
  for (const Expr* k : e.kids) dump(*k, out), out += " ";
  out += ")";
}

std::string dump(const pyasm::Module& m, size_t from) {
  std::string out;
  for (size_t i = from; i < m.statements.size(); ++i) {
    const Statement& st = m.statements[i];
    out += std::to_string(st.kind) + " " + std::string(st.name) + "@" + std::to_string(st.offset);
    for (const Expr* a : st.args) out += " ", dump(*a, out);
    out += "\n";
  }
  return out;
}

}  // namespace

TEST_CASE("the fast path for simple lines builds the tree Lemon builds") {
  // parse() hands lines such as `NAME`, `NAME OPERAND` and `LABEL:` to the
  // actions without Lemon's engine until the first error; after a lexical
  // error on the first line the same text goes through the engine token by
  // token. Both trees must be the same.
  std::string body =
      ".python 3.12\n"
      ".line 5:4-12\n"
      "L1:\n"
      "  NOP\n"
      "  LOAD_CONST 1\n  LOAD_CONST 2.5\n  LOAD_CONST 3j\n  LOAD_CONST 'a\\x41'\n"
      "  LOAD_CONST b'\\x00'\n  LOAD_CONST @f\n  LOAD_FAST x\n  LOAD_FAST $3\n"
      "  COMPARE_OP <\n  COMPARE_OP not in\n  LOAD_CONST (1, 2)\n  LOAD_CONST -1\n"
      "L2: JUMP_FORWARD L1\n"
      "L3: \n"
      ".code f(a, b)\n"
      "  .flags OPTIMIZED NEWLOCALS\n"
      "  RETURN_VALUE  # comment\n"
      ".end\n"
      "\n"
      "  LOAD_GLOBAL NULL + print\n"
      ".consts 'a', @f, None, 1.5, b'x', 2j, -1, $4\n"
      "  LOAD_CONST (1, 'two', @g)\n  LOAD_CONST (1,)\n  LOAD_CONST ()\n  LOAD_CONST (x)\n"
      "  LOAD_CONST (1, 2,)\n  LOAD_CONST ((1, 2), 3)\n  LOAD_CONST (f(x), 1)\n"
      ".code g()\n.end\n"
      ".code h(a, b, *, c)\n.end\n"
      ".names a, b, c\n"
      "  NOP x, (1, 2), f(y), (), (z,), k()\n"
      "  NOP a b, c\n  NOP (a b)\n  NOP (-1, 2)\n  NOP {1, 2}\n"
      "  COMPARE_OP ==\n  BINARY_OP +\n  NOP -\n  NOP |\n  NOP -x, -(1)\n  NOP - 2.5\n"
      "  LOAD_CONST (None, None, -1)\n  LOAD_CONST (-1,)\n  LOAD_CONST (-1)\n  NOP f(-1, -y)\n"
      "  NOP -1 + 2\n  NOP -1 | 2\n  NOP --1\n  NOP -, 1\n  NOP <, 1\n  NOP *x\n  NOP -'a'\n"
      ".consts -1, -2.5, -3j\n"
      "RETURN_VALUE";
  std::string prefix = "\x01\n";  // a lexical error, then the same lines
  pyasm::SourceFile fast{"t.pyasm", body}, slow{"t.pyasm", prefix + body};
  pyasm::Diagnostics d1, d2;
  pyasm::Module a = pyasm::parse(fast, d1), b = pyasm::parse(slow, d2);
  CHECK_FALSE(d1.has_errors());
  CHECK(d2.error_count() == 1);
  // The same offsets, once the prefix is taken off.
  std::string slow_dump = dump(b, 0), fast_dump = dump(a, 0);
  for (size_t at = 0; (at = fast_dump.find('@', at)) != std::string::npos; ++at) {
    size_t end = fast_dump.find_first_not_of("0123456789", at + 1);
    size_t n = std::stoul(fast_dump.substr(at + 1, end - at - 1));
    fast_dump.replace(at + 1, end - at - 1, std::to_string(n + prefix.size()));
  }
  CHECK(a.statements.size() == 61);
  CHECK(fast_dump == slow_dump);
}

TEST_CASE("names of every length end where the automaton would end them") {
  // The lexer scans most names sixteen bytes at a time and leaves the ones
  // near the end of the text, and those starting with a string prefix
  // letter (b, r, u), to the automaton: both must find the same name.
  // The name is the operand's leftmost leaf (or the called name).
  std::function<std::string_view(const Expr&)> leftmost = [&](const Expr& e) {
    return e.kind == Expr::kIdent || e.kind == Expr::kCall || e.kids.empty() ? e.value
                                                                            : leftmost(*e.kids[0]);
  };
  const std::string chars = "Ab9_z\xc3\xa9Q";
  for (char first : std::string("AbBrRuUzZq_")) {
    for (size_t len = 1; len <= 40; ++len) {
      std::string name(1, first);
      while (name.size() < len) name += chars[name.size() % chars.size()];
      for (std::string end : {"", " ", "\t", "#x", "(1)", " + 1", "+1", "|x", "-y"}) {
        for (size_t tail : {0, 1, 7, 15, 16, 17, 40}) {
          std::string text = ".python 3.12\n  NOP " + name + end + std::string(tail, ' ');
          INFO("name '" << name << "' then '" << end << "' and " << tail << " spaces");
          for (std::string last : {"", "\n"}) {
            auto m = parse_ok(text + last);
            REQUIRE(m.statements.size() == 2);
            REQUIRE(m.statements[1].args.size() == 1);
            CHECK(leftmost(*m.statements[1].args[0]) == name);
          }
        }
      }
    }
  }
}

TEST_CASE("directives and numbers read before the automaton are the automaton's tokens") {
  // A dot and a name, and a run of digits, are read without re2c's
  // automaton unless what follows could make the digits part of a longer
  // literal: each must come out as the automaton's token, near the end of
  // the text too.
  struct Number {
    std::string text;
    Expr::Kind kind;
  };
  const Number numbers[] = {
      {"7", Expr::kInt},       {"007", Expr::kInt},     {"12345678901234567890123", Expr::kInt},
      {"1_000", Expr::kInt},   {"0x1f", Expr::kInt},    {"0o17", Expr::kInt},
      {"0b101", Expr::kInt},   {"1.5", Expr::kFloat},   {"1.", Expr::kFloat},
      {".5", Expr::kFloat},    {"1e3", Expr::kFloat},   {"12j", Expr::kImag},
      {"5:4-12", Expr::kSpan}, {"5:4-7:2", Expr::kSpan}};
  for (const Number& n : numbers) {
    for (std::string end : {"", " ", "\t", " # c"}) {
      for (size_t tail : {0, 1, 15, 16, 17}) {
        for (std::string last : {"", "\n"}) {
          INFO("operand '" << n.text << "' then '" << end << "', " << tail << " spaces");
          auto m = parse_ok(".python 3.12\n  NOP " + n.text + end + std::string(tail, ' ') + last);
          REQUIRE(m.statements.size() == 2);
          REQUIRE(m.statements[1].args.size() == 1);
          CHECK(m.statements[1].args[0]->kind == n.kind);
          CHECK(m.statements[1].args[0]->value == n.text);
        }
      }
    }
  }
  for (std::string name : {"line", "end", "b", "r", "u", "_private", "\xc3\xa9t\xc3\xa9", "x1",
                           "a_directive_name_of_more_than_sixteen_bytes"}) {
    for (std::string rest : {"", " 1", "  # c", " 'x'"}) {
      for (std::string last : {"", "\n"}) {
        INFO("directive '." << name << rest << "'");
        auto m = parse_ok(".python 3.12\n." + name + rest + last);
        REQUIRE(m.statements.size() == 2);
        CHECK(m.statements[1].kind == Statement::kDirective);
        CHECK(m.statements[1].name == name);
        CHECK(m.statements[1].args.size() == (rest == " 1" || rest == " 'x'" ? 1u : 0u));
      }
    }
  }
  auto m = parse_ok(".python 3.12\n  NOP ...\n");
  REQUIRE(m.statements.size() == 2);
  CHECK(m.statements[1].args[0]->kind == Expr::kIdent);
  CHECK(m.statements[1].args[0]->value == "...");
}

TEST_CASE("an escape or a non-ASCII byte anywhere in a literal is seen") {
  // A literal without either is taken as its text, scanned many bytes at a
  // time: an escape at any position must still be decoded, and non-ASCII in
  // bytes still refused.
  for (size_t len = 1; len <= 40; ++len) {
    for (size_t at = 0; at < len; ++at) {
      INFO("length " << len << ", at " << at);
      std::string plain(len, 'a');
      std::string escaped = plain.substr(0, at) + "\\t" + plain.substr(at + 1);
      auto m = parse_ok("A '" + escaped + "'\n");
      std::string want = plain;
      want[at] = '\t';
      REQUIRE(m.statements.size() == 1);
      CHECK(m.statements[0].args[0]->value == want);
      std::string accented = plain.substr(0, at) + "\xc3\xa9" + plain.substr(at + 1);
      CHECK(parse_errors("A b'" + accented + "'\n").find("only contain ASCII") !=
            std::string::npos);
    }
  }
}
