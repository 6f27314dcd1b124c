// Text front end: .pyasm source to statements (ast.hpp).
#pragma once

#include "pyasm/ast.hpp"
#include "pyasm/diagnostics.hpp"

namespace pyasm {

// Takes the statements as the parser completes each line, in source order,
// and says where the nodes of the lines still to come are allocated. A sink
// can so free a code block's nodes once it is done with them
// (parse_and_resolve in assembler.hpp) instead of holding the whole tree.
class StatementSink {
 public:
  virtual ~StatementSink() = default;
  // The arena for the next line's nodes; asked again after every line that
  // is not a lone instruction (an instruction never moves it: the arena
  // changes with directives such as `.code` and `.end`).
  virtual Arena& arena() = 0;
  // `st` itself is valid only during the call; its names point into the
  // source text and its operands into the arena that was current for its
  // line.
  virtual void statement(const Statement& st) = 0;
};

// Parses `file` into `sink`. Syntax and lexical errors go to `diags`; the
// parser resumes at the next line, so one run reports several, and a line
// with an error is not handed to the sink.
void parse(const SourceFile& file, Diagnostics& diags, StatementSink& sink);

// The whole file at once: every statement that parsed.
Module parse(const SourceFile& file, Diagnostics& diags);

}  // namespace pyasm
