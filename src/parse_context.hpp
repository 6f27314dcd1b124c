// What the Lemon actions call (grammar/parser.y). Builds AST nodes from
// tokens and collects statements; reports syntax errors. Internal.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "lexer.hpp"
#include "pyasm/ast.hpp"
#include "pyasm/diagnostics.hpp"
#include "pyasm/parser.hpp"

namespace pyasm {

// Items being collected for a node; the node gets them as an arena array
// and the list goes back to a pool.
using ExprList = std::vector<const Expr*>;

class ParseContext {
 public:
  ParseContext(const SourceFile& file, Diagnostics& diags, StatementSink& out);
  ~ParseContext();
  ParseContext(const ParseContext&) = delete;
  ParseContext& operator=(const ParseContext&) = delete;

  // Statements.
  void label(const Token& t);
  void statement(Statement::Kind kind, const Token& name, ExprList* args);
  void commit_line();
  // The parser's fast path: a line that is one statement with no operand or
  // one (most lines), handed on at once, as statement() then commit_line()
  // would, without an ExprList. Only when line_empty().
  void line_statement(Statement::Kind kind, const Token& name, const Expr* operand);
  // The same with one leaf operand (not a string), its node and the
  // statement's one-item operand array made in one piece.
  void line_statement(Statement::Kind kind, const Token& name, Expr::Kind leaf_kind,
                      const Token& operand);
  void drop_line();
  // Whether the current line has nothing yet (its statements were handed on).
  bool line_empty() const { return line_.empty(); }
  // Whether a syntax error, lexical error or parse failure was reported.
  bool had_syntax_error() const { return syntax_errors_; }

  // Expressions. Nodes live in the arena the sink names (asked again after
  // every line); each function takes ownership of its ExprList* arguments.
  Expr* leaf(Expr::Kind kind, const Token& t);
  Expr* string(const Token& t);
  Expr* symbol(const Token& t);
  Expr* binary(const Token& op, Expr* a, Expr* b);
  Expr* negate(const Token& op, Expr* x);
  Expr* prefix(const Token& op, Expr* x);
  Expr* group(Expr::Kind kind, const Token& open, ExprList* items);
  Expr* call(const Token& name, ExprList* args);
  Expr* words(ExprList* l);
  ExprList* list(Expr* e);
  ExprList* append(ExprList* l, Expr* e);
  ExprList* prepend(Expr* e, ExprList* l);

  // Errors.
  void syntax_error(const Token& t, const std::vector<int>& expected);
  void lexical_error(const Token& t);
  void parse_failure();
  void stack_overflow();
  // The token being fed to the parser (for errors raised without one).
  void set_current(const Token& t) { current_ = t.begin; }

 private:
  std::string_view text(const Token& t) const;
  void recycle(ExprList* l);
  std::span<const Expr* const> kids(ExprList* l);
  const SourceFile& file_;
  Diagnostics& diags_;
  StatementSink& out_;
  Arena* arena_;                           // out_.arena() as of the last completed line
  std::vector<Statement> line_;            // the current line's label and statement
  uint32_t last_error_line_ = UINT32_MAX;  // one syntax error per line (its start offset)
  uint32_t current_ = 0;
  bool syntax_errors_ = false;
  std::vector<ExprList*> spare_;  // emptied lists, for list() to reuse
  std::string decoded_;           // a string literal's value, before the arena
};

// Decodes a Python string or bytes literal token (with prefix and quotes).
// Returns false and sets `error`/`error_at` (offset within the literal) on a
// bad escape.
bool decode_string_literal(std::string_view literal, bool& is_bytes, std::string& value,
                           std::string& error, size_t& error_at);
// The value of a literal that decodes to its own text (no backslash, only
// ASCII: most of a disassembly's strings): the text between its quotes.
// nullopt for any other literal, which decode_string_literal decodes.
std::optional<std::string_view> plain_string_literal(std::string_view literal, bool& is_bytes);

}  // namespace pyasm
