// parse(): drives the re2c lexer into the Lemon parser.
#include "pyasm/parser.hpp"

#include "lexer.hpp"
#include "parse_context.hpp"
#include "parser.h"

// Lemon's generated entry points (grammar/parser.y, %name PyasmParse).
void* PyasmParseAlloc(void* (*malloc_proc)(size_t), pyasm::ParseContext* ctx);
void PyasmParse(void* parser, int token, pyasm::Token value);
void PyasmParseFree(void* parser, void (*free_proc)(void*));

namespace pyasm {

Module parse(const SourceFile& file, Diagnostics& diags) {
  Module module;
  ParseContext ctx(file, diags, module);
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
  return module;
}

}  // namespace pyasm
