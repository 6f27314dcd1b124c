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

void parse(const SourceFile& file, Diagnostics& diags, StatementSink& sink) {
  ParseContext ctx(file, diags, sink);
  void* parser = PyasmParseAlloc(malloc, &ctx);
  Lexer lexer(file.text);
  bool skip_line = false;  // after a lexical error, drop the rest of its line
  for (;;) {
    Token t = lexer.next();
    if (t.type == TK_ERROR) {
      if (!skip_line) ctx.lexical_error(t);
      skip_line = true;
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
