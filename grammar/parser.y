// .pyasm grammar for Lemon. Actions are one line each and call into
// ParseContext (src/parse_context.hpp); the meaning of operands is decided
// later by the resolver.

%name PyasmParse
%token_prefix TK_
%token_type {pyasm::Token}
%extra_context {pyasm::ParseContext* ctx}
%default_type {pyasm::Expr*}

%include {
#include <cassert>
#include <vector>
#include "parse_context.hpp"
}

%syntax_error {
  // The tokens this state could take, for an "expected ..." message.
  std::vector<int> expected;
  for (int i = 1; i < YYNTOKEN; ++i)
    if (yy_find_shift_action((YYCODETYPE)i, yypParser->yytos->stateno) != YY_ERROR_ACTION)
      expected.push_back(i);
  ctx->syntax_error(yyminor, expected);
}
%parse_failure { ctx->parse_failure(); }
%stack_overflow { ctx->stack_overflow(); }
%stack_size 1000

%token ERROR.

// Expression nodes live in the module's arena (ast.hpp); only the lists
// that collect items for a node own memory.


// Each reduction costs the table engine as much as a token, so the rules
// below have no unit rules they can do without: a line is part of `lines`
// directly, statements take the operand list, the list takes expressions.
program ::= lines.
lines ::= .

// A line's label and statement are kept only once its NEWLINE arrives, so a
// syntax error later on the line drops the whole line (one error per line).
lines ::= lines NEWLINE.
lines ::= lines statement NEWLINE. { ctx->commit_line(); }
lines ::= lines label NEWLINE. { ctx->commit_line(); }
lines ::= lines label statement NEWLINE. { ctx->commit_line(); }
// Recovery: skip to the end of the line, and report the next error at once
// rather than after Lemon's usual three good tokens.
lines ::= lines error NEWLINE. { ctx->drop_line(); yypParser->yyerrcnt = -1; }

label ::= IDENT(A) COLON. { ctx->label(A); }

statement ::= IDENT(A). { ctx->statement(pyasm::Statement::kInstruction, A, nullptr); }
statement ::= IDENT(A) oplist(B). { ctx->statement(pyasm::Statement::kInstruction, A, B); }
statement ::= DIRECTIVE(A). { ctx->statement(pyasm::Statement::kDirective, A, nullptr); }
statement ::= DIRECTIVE(A) oplist(B). { ctx->statement(pyasm::Statement::kDirective, A, B); }

%type oplist {pyasm::ExprList*}
%destructor oplist { delete $$; (void)ctx; }
oplist(L) ::= expr(E). { L = ctx->list(E); }
oplist(L) ::= symbol(E). { L = ctx->list(E); }
oplist(L) ::= oplist(X) COMMA expr(E). { L = ctx->append(X, E); }
oplist(L) ::= oplist(X) COMMA symbol(E). { L = ctx->append(X, E); }

// An operator alone as an operand: COMPARE_OP <, BINARY_OP +.
symbol(E) ::= PLUS(T). { E = ctx->symbol(T); }
symbol(E) ::= MINUS(T). { E = ctx->symbol(T); }
symbol(E) ::= PIPE(T). { E = ctx->symbol(T); }
symbol(E) ::= OPSYM(T). { E = ctx->symbol(T); }

// `|` binds tighter than `+` and `-`: NULL|self + name, name + NULL|self, 1+2j;
// a negation tighter than both (NEG is no token, only a precedence).
%left PLUS MINUS.
%left PIPE.
%right NEG.
expr(E) ::= atom(X). { E = X; }
expr(E) ::= expr(A) PLUS(T) expr(B). { E = ctx->binary(T, A, B); }
expr(E) ::= expr(A) MINUS(T) expr(B). { E = ctx->binary(T, A, B); }
expr(E) ::= expr(A) PIPE(T) expr(B). { E = ctx->binary(T, A, B); }
expr(E) ::= MINUS(T) expr(X). [NEG] { E = ctx->negate(T, X); }

atom(E) ::= INT(T). { E = ctx->leaf(pyasm::Expr::kInt, T); }
atom(E) ::= FLOAT(T). { E = ctx->leaf(pyasm::Expr::kFloat, T); }
atom(E) ::= IMAG(T). { E = ctx->leaf(pyasm::Expr::kImag, T); }
atom(E) ::= STRING(T). { E = ctx->string(T); }
atom(E) ::= BYTES(T). { E = ctx->string(T); }
atom(E) ::= IDENT(T). { E = ctx->leaf(pyasm::Expr::kIdent, T); }
atom(E) ::= SPAN(T). { E = ctx->leaf(pyasm::Expr::kSpan, T); }
atom(E) ::= CODEREF(T). { E = ctx->leaf(pyasm::Expr::kCodeRef, T); }
atom(E) ::= RAW(T). { E = ctx->leaf(pyasm::Expr::kRaw, T); }
atom(E) ::= words(W). { E = ctx->words(W); }
atom(E) ::= OPSYM(T) atom(X). { E = ctx->prefix(T, X); }
atom(E) ::= LPAREN(T) RPAREN. { E = ctx->group(pyasm::Expr::kTuple, T, nullptr); }
atom(E) ::= LPAREN(T) expr(X) RPAREN. { E = ctx->group(pyasm::Expr::kParen, T, ctx->list(X)); }
atom(E) ::= LPAREN(T) expr(X) COMMA RPAREN. { E = ctx->group(pyasm::Expr::kTuple, T, ctx->list(X)); }
atom(E) ::= LPAREN(T) expr(X) COMMA items(L) RPAREN. { E = ctx->group(pyasm::Expr::kTuple, T, ctx->prepend(X, L)); }
atom(E) ::= LBRACE(T) RBRACE. { E = ctx->group(pyasm::Expr::kSet, T, nullptr); }
atom(E) ::= LBRACE(T) items(L) RBRACE. { E = ctx->group(pyasm::Expr::kSet, T, L); }
atom(E) ::= IDENT(T) LPAREN RPAREN. { E = ctx->call(T, nullptr); }
atom(E) ::= IDENT(T) LPAREN oplist(L) RPAREN. { E = ctx->call(T, L); }

// Items of a tuple or set; a trailing comma is allowed.
%type items {pyasm::ExprList*}
%destructor items { delete $$; }
items(L) ::= itemlist(X). { L = X; }
items(L) ::= itemlist(X) COMMA. { L = X; }
%type itemlist {pyasm::ExprList*}
%destructor itemlist { delete $$; }
itemlist(L) ::= expr(E). { L = ctx->list(E); }
itemlist(L) ::= itemlist(X) COMMA expr(E). { L = ctx->append(X, E); }

// Space-separated words: `not in`, `OPTIMIZED NEWLOCALS`, `L1 L2 L3 depth 1`.
%type words {pyasm::ExprList*}
%destructor words { delete $$; }
words(W) ::= word(A) word(B). { W = ctx->append(ctx->list(A), B); }
words(W) ::= words(X) word(B). { W = ctx->append(X, B); }
word(E) ::= IDENT(T). { E = ctx->leaf(pyasm::Expr::kIdent, T); }
word(E) ::= INT(T). { E = ctx->leaf(pyasm::Expr::kInt, T); }
word(E) ::= FLOAT(T). { E = ctx->leaf(pyasm::Expr::kFloat, T); }
