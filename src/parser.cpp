// parse(): drives the re2c lexer into the Lemon parser.
#include "pyasm/parser.hpp"

#include <cstring>
#include <optional>

#include "lexer.hpp"
#include "parse_context.hpp"
#include "parser.h"

// Lemon's generated entry points (grammar/parser.y, %name PyasmParse).
void* PyasmParseAlloc(void* (*malloc_proc)(size_t), pyasm::ParseContext* ctx);
void PyasmParse(void* parser, int token, pyasm::Token value);
void PyasmParseFree(void* parser, void (*free_proc)(void*));

namespace pyasm {

namespace {

// The kind of node `atom` makes of a lone operand token in the grammar,
// or nullopt for a token that is not one on its own.
std::optional<Expr::Kind> atom_kind(int type) {
  switch (type) {
    case TK_INT: return Expr::kInt;
    case TK_FLOAT: return Expr::kFloat;
    case TK_IMAG: return Expr::kImag;
    case TK_STRING: return Expr::kStr;
    case TK_BYTES: return Expr::kBytes;
    case TK_IDENT: return Expr::kIdent;
    case TK_SPAN: return Expr::kSpan;
    case TK_CODEREF: return Expr::kCodeRef;
    case TK_RAW: return Expr::kRaw;
    default: return std::nullopt;
  }
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
// order Lemon's reductions would make them. Anything else, and everything
// after an error, goes through Lemon token by token.
void parse(const SourceFile& file, Diagnostics& diags, StatementSink& sink) {
  ParseContext ctx(file, diags, sink);
  void* parser = PyasmParseAlloc(malloc, &ctx);
  Lexer lexer(file.text);
  bool skip_line = false;     // after a lexical error, drop the rest of its line
  bool line_start = true;     // the last token the engine took was a NEWLINE
  bool fast = true;           // no error so far
  Token queue[7];             // tokens read ahead by the fast path
  Token newline{};            // the last NEWLINE the engine took
  size_t queued = 0, taken = 0;
  auto next = [&]() { return taken < queued ? queue[taken++] : lexer.next(); };
  for (;;) {
    if (fast && line_start && taken == queued) {
      // Lemon reduces a line (and so hands on its statement) only when the
      // next token arrives. An empty line, which the grammar ignores, makes
      // it do so now.
      if (!ctx.line_empty()) PyasmParse(parser, TK_NEWLINE, newline);
      queued = taken = 0;
      Token a = lexer.next();
      queue[queued++] = a;
      if (ctx.line_empty() && (a.type == TK_IDENT || a.type == TK_DIRECTIVE)) {
        Token b = lexer.next();
        queue[queued++] = b;
        auto kind = a.type == TK_IDENT ? Statement::kInstruction : Statement::kDirective;
        if (b.type == TK_NEWLINE) {
          ctx.line_statement(kind, a, nullptr);
          queued = 0;
          continue;
        }
        std::optional<Expr::Kind> operand = atom_kind(b.type);
        bool label = b.type == TK_COLON && a.type == TK_IDENT;
        if (operand || label) {
          Token c = lexer.next();
          queue[queued++] = c;
          if (c.type == TK_NEWLINE) {
            if (label) {
              ctx.label(a);
              ctx.commit_line();
            } else {
              ctx.line_statement(kind, a, atom(ctx, b, *operand));
            }
            queued = 0;
            continue;
          }
          if (operand && binding(c.type)) {
            Token d = lexer.next();
            queue[queued++] = d;
            std::optional<Expr::Kind> second = atom_kind(d.type);
            Token e{};
            if (second) {
              e = lexer.next();
              queue[queued++] = e;
            }
            if (second && e.type == TK_NEWLINE) {
              Expr* x = atom(ctx, b, *operand);
              Expr* y = atom(ctx, d, *second);
              ctx.line_statement(kind, a, ctx.binary(c, x, y));
              queued = 0;
              continue;
            }
            if (second && binding(e.type)) {
              Token f = lexer.next();
              queue[queued++] = f;
              std::optional<Expr::Kind> third = atom_kind(f.type);
              Token g{};
              if (third) {
                g = lexer.next();
                queue[queued++] = g;
              }
              if (third && g.type == TK_NEWLINE) {
                Expr* x = atom(ctx, b, *operand);
                Expr* y = atom(ctx, d, *second);
                Expr* whole;
                if (binding(c.type) >= binding(e.type)) {  // (x c y) e z
                  Expr* left = ctx.binary(c, x, y);
                  whole = ctx.binary(e, left, atom(ctx, f, *third));
                } else {  // x c (y e z)
                  Expr* z = atom(ctx, f, *third);
                  whole = ctx.binary(c, x, ctx.binary(e, y, z));
                }
                ctx.line_statement(kind, a, whole);
                queued = 0;
                continue;
              }
            }
          }
        }
      }
    }
    Token t = next();
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
