// parse(): drives the re2c lexer into the Lemon parser.
#include "pyasm/parser.hpp"

#include <cstring>

#include "lexer.hpp"
#include "parse_context.hpp"
#include "parser.h"

// Lemon's generated entry points (grammar/parser.y, %name PyasmParse).
void* PyasmParseAlloc(void* (*malloc_proc)(size_t), pyasm::ParseContext* ctx);
void PyasmParse(void* parser, int token, pyasm::Token value);
void PyasmParseFree(void* parser, void (*free_proc)(void*));

namespace pyasm {

namespace {

// The node of a lone operand token, as `atom` builds it in the grammar;
// nullptr for a token that is not one on its own.
Expr* atom(ParseContext& ctx, const Token& t) {
  switch (t.type) {
    case TK_INT: return ctx.leaf(Expr::kInt, t);
    case TK_FLOAT: return ctx.leaf(Expr::kFloat, t);
    case TK_IMAG: return ctx.leaf(Expr::kImag, t);
    case TK_STRING:
    case TK_BYTES: return ctx.string(t);
    case TK_IDENT: return ctx.leaf(Expr::kIdent, t);
    case TK_SPAN: return ctx.leaf(Expr::kSpan, t);
    case TK_CODEREF: return ctx.leaf(Expr::kCodeRef, t);
    case TK_RAW: return ctx.leaf(Expr::kRaw, t);
    default: return nullptr;
  }
}

bool is_atom(int type) {
  switch (type) {
    case TK_INT: case TK_FLOAT: case TK_IMAG: case TK_STRING: case TK_BYTES:
    case TK_IDENT: case TK_SPAN: case TK_CODEREF: case TK_RAW: return true;
    default: return false;
  }
}

}  // namespace

// Most lines of a disassembly are `NAME`, `NAME OPERAND` or `LABEL:`, and
// Lemon's table engine costs as much per token and reduction as the rest of
// the parse. Such a line, when the parser stands between lines, is handed
// to the same ParseContext calls the grammar's actions would make, in the
// same order, without the engine: the tree is the same and the engine's
// state is the one it had (a line adds nothing to `lines` but its
// statement). Anything else, and everything after an error, goes through
// Lemon token by token.
void parse(const SourceFile& file, Diagnostics& diags, StatementSink& sink) {
  ParseContext ctx(file, diags, sink);
  void* parser = PyasmParseAlloc(malloc, &ctx);
  Lexer lexer(file.text);
  bool skip_line = false;     // after a lexical error, drop the rest of its line
  bool line_start = true;     // the last token the engine took was a NEWLINE
  bool fast = true;           // no error so far
  Token queue[3];             // tokens read ahead by the fast path
  Token newline{};            // the last NEWLINE the engine took
  size_t queued = 0, taken = 0;
  auto next = [&]() { return taken < queued ? queue[taken++] : lexer.next(); };
  for (;;) {
    if (fast && line_start && taken == queued && !ctx.line_empty()) {
      // Lemon reduces a line (and so hands on its statement) only when the
      // next token arrives. An empty line, which the grammar ignores, makes
      // it do so now.
      PyasmParse(parser, TK_NEWLINE, newline);
    }
    if (fast && line_start && taken == queued && ctx.line_empty()) {
      queued = taken = 0;
      Token a = lexer.next();
      queue[queued++] = a;
      if (a.type == TK_IDENT || a.type == TK_DIRECTIVE) {
        Token b = lexer.next();
        queue[queued++] = b;
        auto kind = a.type == TK_IDENT ? Statement::kInstruction : Statement::kDirective;
        if (b.type == TK_NEWLINE) {
          ctx.statement(kind, a, nullptr);
          ctx.commit_line();
          queued = 0;
          continue;
        }
        if (is_atom(b.type) || (b.type == TK_COLON && a.type == TK_IDENT)) {
          Token c = lexer.next();
          queue[queued++] = c;
          if (c.type == TK_NEWLINE) {
            if (b.type == TK_COLON)
              ctx.label(a);
            else
              ctx.statement(kind, a, ctx.list(atom(ctx, b)));
            ctx.commit_line();
            queued = 0;
            continue;
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
