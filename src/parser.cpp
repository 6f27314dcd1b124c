// parse(): drives the re2c lexer into the Lemon parser.
#include "pyasm/parser.hpp"

#include <array>
#include <cstring>
#include <optional>

#include "lexer.hpp"
// The lexer itself (grammar/lexer.re through re2c), compiled here so that
// Lexer::next is inline in the loop below: a call per token cost as much
// as a fifth of the lexing.
#include "lexer.inc"
#include "parse_context.hpp"
#include "parser.h"

// Lemon's generated entry points (grammar/parser.y, %name PyasmParse).
void* PyasmParseAlloc(void* (*malloc_proc)(size_t), pyasm::ParseContext* ctx);
void PyasmParse(void* parser, int token, pyasm::Token value);
void PyasmParseFree(void* parser, void (*free_proc)(void*));

namespace pyasm {

namespace {

// The kind of node `atom` makes of a lone operand token in the grammar,
// or nullopt for a token that is not one on its own. A table by token
// code: the fast path asks for each operand of each line.
constexpr int kMaxToken = 32;
constexpr std::array<std::optional<Expr::Kind>, kMaxToken> kAtomKinds = [] {
  std::array<std::optional<Expr::Kind>, kMaxToken> t{};
  t[TK_INT] = Expr::kInt;
  t[TK_FLOAT] = Expr::kFloat;
  t[TK_IMAG] = Expr::kImag;
  t[TK_STRING] = Expr::kStr;
  t[TK_BYTES] = Expr::kBytes;
  t[TK_IDENT] = Expr::kIdent;
  t[TK_SPAN] = Expr::kSpan;
  t[TK_CODEREF] = Expr::kCodeRef;
  t[TK_RAW] = Expr::kRaw;
  return t;
}();

std::optional<Expr::Kind> atom_kind(int type) {
  return static_cast<unsigned>(type) < kMaxToken ? kAtomKinds[type] : std::nullopt;
}

// That node, built by the call the grammar's action makes.
Expr* atom(ParseContext& ctx, const Token& t, Expr::Kind kind) {
  return kind == Expr::kStr || kind == Expr::kBytes ? ctx.string(t) : ctx.leaf(kind, t);
}

// How tightly a binary operator token binds in the grammar (`|` above `+`
// and `-`, each left-associative); 0 for any other token.
int binding(int type) {
  return type == TK_PIPE ? 2 : type == TK_PLUS || type == TK_MINUS ? 1 : 0;
}

// Whether the token is an operator that the grammar takes alone as an
// operand (`COMPARE_OP <`, `BINARY_OP +`).
bool symbol_token(int type) {
  return type == TK_OPSYM || type == TK_PLUS || type == TK_MINUS || type == TK_PIPE;
}

// One-token operands, negated ones (`-1`), and the groups of them a
// disassembly writes: `x`, `(x, y)`, `(x,)`, `()`, `name(x, y)`. From the
// operand at q[i], the index past it, or 0 when it is anything else (or an
// atom the next token would make part of something bigger). q ends with a
// NEWLINE, which stops every scan.
size_t simple_operand(const Token* q, size_t i) {
  auto item_end = [&](size_t j) -> size_t {
    if (q[j].type == TK_MINUS) ++j;
    if (!atom_kind(q[j].type)) return 0;
    int next = q[j + 1].type;
    return next == TK_COMMA || next == TK_RPAREN || next == TK_NEWLINE ? j + 1 : 0;
  };
  bool call = q[i].type == TK_IDENT && q[i + 1].type == TK_LPAREN;
  if (!call && q[i].type != TK_LPAREN) return item_end(i);
  size_t j = i + (call ? 2 : 1);
  if (q[j].type == TK_RPAREN) return j + 1;
  for (;;) {
    if (!(j = item_end(j))) return 0;
    if (q[j].type == TK_RPAREN) return j + 1;
    if (q[j].type != TK_COMMA) return 0;
    if (q[++j].type == TK_RPAREN) return call ? 0 : j + 1;  // a trailing comma: tuples only
  }
}

// Whether the operands of the line q[0..n) (its NEWLINE last) are all
// simple_operand()s, separated by commas.
bool simple_operands(const Token* q, size_t n) {
  for (size_t i = 1;; ++i) {
    if (!(i = simple_operand(q, i))) return false;
    if (i == n - 1) return true;
    if (q[i].type != TK_COMMA) return false;
  }
}

// An atom or a negated one at q[i], as the grammar's actions make it; i
// moves past it.
Expr* simple_item(ParseContext& ctx, const Token* q, size_t& i) {
  if (q[i].type != TK_MINUS) return ++i, atom(ctx, q[i - 1], *atom_kind(q[i - 1].type));
  const Token& minus = q[i];
  i += 2;
  return ctx.negate(minus, atom(ctx, q[i - 1], *atom_kind(q[i - 1].type)));
}

// The node of the simple_operand() at q[i], made by the calls the
// grammar's actions would make; i moves past it.
Expr* simple_node(ParseContext& ctx, const Token* q, size_t& i) {
  const Token& head = q[i];
  bool call = head.type == TK_IDENT && q[i + 1].type == TK_LPAREN;
  if (!call && head.type != TK_LPAREN) return simple_item(ctx, q, i);
  i += call ? 2 : 1;
  ExprList* items = nullptr;
  bool trailing_comma = false;
  while (q[i].type != TK_RPAREN) {
    Expr* e = simple_item(ctx, q, i);
    items = items ? ctx.append(items, e) : ctx.list(e);
    trailing_comma = q[i].type == TK_COMMA;
    if (trailing_comma) ++i;
  }
  ++i;
  if (call) return ctx.call(head, items);
  // `(x)` groups; `(x,)`, `(x, y)` and `()` are tuples.
  bool paren = items && items->size() == 1 && !trailing_comma;
  return ctx.group(paren ? Expr::kParen : Expr::kTuple, head, items);
}

}  // namespace

// Most lines of a disassembly are `NAME`, `NAME OPERAND` or `LABEL:`, and
// Lemon's table engine costs as much per token and reduction as the rest of
// the parse. Such a line, when the parser stands between lines, is handed
// to the same ParseContext calls the grammar's actions would make, in the
// same order, without the engine: the tree is the same and the engine's
// state is the one it had (a line adds nothing to `lines` but its
// statement). So is `NAME x OP y` or `NAME x OP y OP z` with one-token
// operands and OP one of `|`, `+`, `-` (3.11+ writes `NULL|self + name` and
// `NULL + name` for every method and global load), its nodes made in the
// order Lemon's reductions would make them. So are lines whose operands are
// simple_operand()s (`.consts 'a', @f, None`, `LOAD_CONST (1, 2)`, `.code
// f(a, b)`). The line's tokens are read first (up to kLineTokens); anything
// else, and everything after an error, goes through Lemon token by token,
// those tokens first.
void parse(const SourceFile& file, Diagnostics& diags, StatementSink& sink) {
  ParseContext ctx(file, diags, sink);
  void* parser = PyasmParseAlloc(malloc, &ctx);
  Lexer lexer(file.text);
  bool skip_line = false;     // after a lexical error, drop the rest of its line
  bool line_start = true;     // the last token the engine took was a NEWLINE
  bool fast = true;           // no error so far
  constexpr size_t kLineTokens = 64;
  Token q[kLineTokens];       // a line's tokens, read ahead by the fast path
  Token newline{};            // the last NEWLINE the engine took
  size_t queued = 0, taken = 0;
  for (;;) {
    if (fast && line_start && taken == queued) {
      // Lemon reduces a line (and so hands on its statement) only when the
      // next token arrives. An empty line, which the grammar ignores, makes
      // it do so now.
      if (!ctx.line_empty()) PyasmParse(parser, TK_NEWLINE, newline);
      // The line's tokens, up to its NEWLINE or kLineTokens of them.
      queued = taken = 0;
      do q[queued] = lexer.next();
      while (q[queued].type != TK_NEWLINE && q[queued].type != 0 && ++queued < kLineTokens);
      // The line's length, NEWLINE included; 0 when it is longer.
      size_t n = queued < kLineTokens ? ++queued : 0;
      const Token& a = q[0];
      if (n >= 2 && ctx.line_empty() && (a.type == TK_IDENT || a.type == TK_DIRECTIVE) &&
          q[n - 1].type == TK_NEWLINE) {
        auto kind = a.type == TK_IDENT ? Statement::kInstruction : Statement::kDirective;
        std::optional<Expr::Kind> b = n >= 3 ? atom_kind(q[1].type) : std::nullopt;
        bool done = true;
        if (n == 2) {
          ctx.line_statement(kind, a, nullptr);
        } else if (n == 3 && q[1].type == TK_COLON && a.type == TK_IDENT) {
          ctx.label(a);
          ctx.commit_line();
        } else if (n == 3 && b) {
          if (*b == Expr::kStr || *b == Expr::kBytes)
            ctx.line_statement(kind, a, ctx.string(q[1]));
          else
            ctx.line_statement(kind, a, *b, q[1]);
        } else if (n == 3 && symbol_token(q[1].type)) {
          ctx.line_statement(kind, a, Expr::kSymbol, q[1]);
        } else if (n == 5 && b && binding(q[2].type) && atom_kind(q[3].type)) {
          Expr* x = atom(ctx, q[1], *b);
          Expr* y = atom(ctx, q[3], *atom_kind(q[3].type));
          ctx.line_statement(kind, a, ctx.binary(q[2], x, y));
        } else if (n == 7 && b && binding(q[2].type) && atom_kind(q[3].type) &&
                   binding(q[4].type) && atom_kind(q[5].type)) {
          Expr* x = atom(ctx, q[1], *b);
          Expr* y = atom(ctx, q[3], *atom_kind(q[3].type));
          Expr* whole;
          if (binding(q[2].type) >= binding(q[4].type)) {  // (x c y) e z
            Expr* left = ctx.binary(q[2], x, y);
            whole = ctx.binary(q[4], left, atom(ctx, q[5], *atom_kind(q[5].type)));
          } else {  // x c (y e z)
            Expr* z = atom(ctx, q[5], *atom_kind(q[5].type));
            whole = ctx.binary(q[2], x, ctx.binary(q[4], y, z));
          }
          ctx.line_statement(kind, a, whole);
        } else if (n >= 3 && simple_operands(q, n)) {
          ExprList* operands = nullptr;
          for (size_t i = 1; i < n; ++i) {  // i: at an operand, then past its comma
            Expr* e = simple_node(ctx, q, i);
            operands = operands ? ctx.append(operands, e) : ctx.list(e);
          }
          ctx.statement(kind, a, operands);
          ctx.commit_line();
        } else {
          done = false;
        }
        if (done) {
          queued = 0;
          continue;
        }
      }
    }
    Token t = taken < queued ? q[taken++] : lexer.next();
    if (t.type == TK_ERROR) {
      if (!skip_line) ctx.lexical_error(t);
      skip_line = true;
      fast = false;
      continue;
    }
    if (skip_line && t.type != TK_NEWLINE && t.type != 0) continue;
    if (skip_line) {
      // Hand the parser an ERROR token so it recovers at this NEWLINE
      // without reporting a second error for the same line.
      PyasmParse(parser, TK_ERROR, t);
      skip_line = false;
    }
    ctx.set_current(t);
    PyasmParse(parser, t.type, t);
    if (t.type == 0) break;
    line_start = t.type == TK_NEWLINE;
    if (line_start) newline = t;
    fast &= !ctx.had_syntax_error();
  }
  PyasmParseFree(parser, free);
}

namespace {

class Collect final : public StatementSink {
 public:
  explicit Collect(Module& m) : m_(m) {}
  Arena& arena() override { return m_.arena; }
  void statement(const Statement& st) override { m_.statements.push_back(st); }

 private:
  Module& m_;
};

}  // namespace

Module parse(const SourceFile& file, Diagnostics& diags) {
  Module module;
  // At most one statement per line, but for a label and a statement on
  // one: counting the lines (memchr's speed) spares the regrowths, each a
  // copy of every statement so far and, at its peak, twice the memory.
  size_t lines = 1;
  const char* p = file.text.data();
  const char* end = p + file.text.size();
  while ((p = static_cast<const char*>(std::memchr(p, '\n', end - p)))) ++lines, ++p;
  module.statements.reserve(lines);
  Collect collect(module);
  parse(file, diags, collect);
  return module;
}

}  // namespace pyasm
