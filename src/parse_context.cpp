#include "parse_context.hpp"

#include <cstring>

#include "parser.h"

namespace pyasm {

// A token's range is always inside the text (the lexer made it).
std::string_view ParseContext::text(const Token& t) const {
  return std::string_view(file_.text.data() + t.begin, t.end - t.begin);
}

ParseContext::ParseContext(const SourceFile& file, Diagnostics& diags, StatementSink& out)
    : file_(file), diags_(diags), out_(out), arena_(&out.arena()) {}

ParseContext::~ParseContext() {
  for (ExprList* l : spare_) delete l;
}

void ParseContext::label(const Token& t) {
  line_.push_back({Statement::kLabel, t.begin, text(t), {}});
}

void ParseContext::statement(Statement::Kind kind, const Token& name, ExprList* args) {
  // The dot of a directive is not part of its name.
  uint32_t skip = kind == Statement::kDirective ? 1 : 0;
  line_.push_back({kind, name.begin, text(name).substr(skip), kids(args)});
}

void ParseContext::line_statement(Statement::Kind kind, const Token& name, const Expr* operand) {
  uint32_t skip = kind == Statement::kDirective ? 1 : 0;
  std::span<const Expr* const> args;
  if (operand) args = arena_->copy(std::span<const Expr* const>(&operand, 1));
  out_.statement({kind, name.begin, text({0, name.begin + skip, name.end}), args});
  if (kind != Statement::kInstruction) arena_ = &out_.arena();
}

void ParseContext::line_statement(Statement::Kind kind, const Token& name, Expr::Kind leaf_kind,
                                  const Token& operand) {
  struct Single {
    explicit Single(const Expr& e) : node(e) {}
    const Expr* slot = &node;
    Expr node;
  };
  std::string_view v = text(operand);
  if (leaf_kind == Expr::kCodeRef || leaf_kind == Expr::kRaw) v.remove_prefix(1);  // '@' or '$'
  auto* one = arena_->make<Single>(Expr(leaf_kind, operand.begin, v));
  uint32_t skip = kind == Statement::kDirective ? 1 : 0;
  out_.statement({kind, name.begin, text({0, name.begin + skip, name.end}), {&one->slot, 1}});
  if (kind != Statement::kInstruction) arena_ = &out_.arena();
}

// The sink may start a new arena at any statement (a `.code` line) and
// free one (an `.end` line): the next line's nodes go where it says now.
void ParseContext::commit_line() {
  for (const Statement& s : line_) out_.statement(s);
  line_.clear();
  arena_ = &out_.arena();
}

// An operand list's shell, once its items have moved into a node: the next
// list() reuses it (one allocation fewer per statement and group).
void ParseContext::recycle(ExprList* l) {
  if (!l) return;
  l->clear();
  spare_.push_back(l);
}

// The list's items as the node's array in the arena; the list is recycled.
std::span<const Expr* const> ParseContext::kids(ExprList* l) {
  if (!l) return {};
  auto out = arena_->copy(std::span<const Expr* const>(*l));
  recycle(l);
  return out;
}

void ParseContext::drop_line() { line_.clear(); }

Expr* ParseContext::leaf(Expr::Kind kind, const Token& t) {
  std::string_view v = text(t);
  if (kind == Expr::kCodeRef || kind == Expr::kRaw) v.remove_prefix(1);  // '@' or '$'
  return arena_->make<Expr>(kind, t.begin, v);
}

Expr* ParseContext::string(const Token& t) {
  bool is_bytes = false;
  // A plain literal's value is its text, kept in the source as names are.
  if (auto body = plain_string_literal(text(t), is_bytes))
    return arena_->make<Expr>(is_bytes ? Expr::kBytes : Expr::kStr, t.begin, *body);
  std::string error;
  size_t at = 0;
  decoded_.clear();
  if (!decode_string_literal(text(t), is_bytes, decoded_, error, at))
    diags_.error(file_, t.begin + static_cast<uint32_t>(at), error);
  return arena_->make<Expr>(is_bytes ? Expr::kBytes : Expr::kStr, t.begin,
                               arena_->copy(decoded_));
}

Expr* ParseContext::symbol(const Token& t) {
  return arena_->make<Expr>(Expr::kSymbol, t.begin, text(t));
}

Expr* ParseContext::binary(const Token& op, Expr* a, Expr* b) {
  auto* e = arena_->make<Expr>(Expr::kBinary, a->offset, text(op));
  const Expr* both[] = {a, b};
  e->kids = arena_->copy(std::span<const Expr* const>(both));
  return e;
}

Expr* ParseContext::negate(const Token& op, Expr* x) {
  auto* e = arena_->make<Expr>(Expr::kNeg, op.begin);
  e->kids = arena_->copy(std::span<const Expr* const>(&x, 1));
  return e;
}

Expr* ParseContext::prefix(const Token& op, Expr* x) {
  auto* e = arena_->make<Expr>(Expr::kPrefix, op.begin, text(op));
  e->kids = arena_->copy(std::span<const Expr* const>(&x, 1));
  return e;
}

Expr* ParseContext::group(Expr::Kind kind, const Token& open, ExprList* items) {
  auto* e = arena_->make<Expr>(kind, open.begin);
  e->kids = kids(items);
  return e;
}

Expr* ParseContext::call(const Token& name, ExprList* args) {
  auto* e = arena_->make<Expr>(Expr::kCall, name.begin, text(name));
  e->kids = kids(args);
  return e;
}

Expr* ParseContext::words(ExprList* l) {
  auto* e = arena_->make<Expr>(Expr::kWords, l->front()->offset);
  e->kids = kids(l);
  return e;
}

ExprList* ParseContext::list(Expr* e) {
  ExprList* l = spare_.empty() ? new ExprList : spare_.back();
  if (!spare_.empty()) spare_.pop_back();
  l->push_back(e);
  return l;
}

ExprList* ParseContext::append(ExprList* l, Expr* e) {
  l->push_back(e);
  return l;
}

ExprList* ParseContext::prepend(Expr* e, ExprList* l) {
  l->emplace(l->begin(), e);
  return l;
}

namespace {

const char* token_description(int type) {
  switch (type) {
    case TK_NEWLINE: return "end of line";
    case TK_IDENT: return "a name";
    case TK_COLON: return "':'";
    case TK_COMMA: return "','";
    case TK_RPAREN: return "')'";
    case TK_RBRACE: return "'}'";
    case TK_LPAREN: return "'('";
    case TK_INT: return "an integer";
    case TK_STRING: return "a string";
    default: return nullptr;
  }
}

// "')' or ','" from the tokens the parser could have taken, when few.
std::string expected_text(const std::vector<int>& expected) {
  if (expected.empty() || expected.size() > 3) return "";
  std::string out;
  for (size_t i = 0; i < expected.size(); ++i) {
    const char* d = token_description(expected[i]);
    if (!d) return "";
    if (i) out += i + 1 == expected.size() ? " or " : ", ";
    out += d;
  }
  return out;
}

}  // namespace

void ParseContext::syntax_error(const Token& t, const std::vector<int>& expected) {
  syntax_errors_ = true;
  if (t.type == TK_ERROR) return;  // already reported by the lexer
  uint32_t line = file_.line_start(t.begin);
  if (line == last_error_line_) return;
  last_error_line_ = line;
  std::string what;
  if (t.type == 0)
    what = "end of file";
  else if (t.type == TK_NEWLINE)
    what = "end of line";
  else
    what.append("'").append(text(t)).append("'");
  std::string want = expected_text(expected);
  diags_.error(file_, t.begin, want.empty() ? "syntax error: unexpected " + what
                                            : "syntax error: expected " + want + ", got " + what);
}

void ParseContext::lexical_error(const Token& t) {
  syntax_errors_ = true;
  last_error_line_ = file_.line_start(t.begin);
  // The lexer's two kinds of ERROR token: an unterminated string literal
  // (its prefix and opening quote), or any other single byte.
  std::string_view bad = text(t);
  bool unterminated = !bad.empty() && (bad.back() == '\'' || bad.back() == '"');
  std::string msg = unterminated ? "unterminated string literal" : "unexpected character";
  if (!unterminated) {
    unsigned char c = static_cast<unsigned char>(file_.text[t.begin]);
    if (c >= 0x20 && c < 0x7f)
      msg += std::string(" '") + static_cast<char>(c) + "'";
    else {
      char buf[16];
      snprintf(buf, sizeof buf, " 0x%02x", c);
      msg += buf;
    }
  }
  diags_.error(file_, t.begin, msg);
}

void ParseContext::parse_failure() {
  syntax_errors_ = true;
  diags_.error(file_, static_cast<uint32_t>(file_.text.size()), "cannot continue parsing");
}

void ParseContext::stack_overflow() {
  syntax_errors_ = true;
  last_error_line_ = file_.line_start(current_);
  diags_.error(file_, current_, "expression nested too deeply (more than the parser's 1000 "
                                "levels)");
}

}  // namespace pyasm
