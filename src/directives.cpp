// Directive handlers of the resolver: .line, .flags, .except, .try, the
// explicit tables and the code-object attributes.
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <functional>
#include <limits>

#include "resolver_impl.hpp"

namespace pyasm::detail {

std::optional<int> Resolver::int_arg(const Statement& st, int min) {
  if (st.args.size() == 1 && st.args[0]->kind == Expr::kInt) {
    std::string_view text = st.args[0]->value;
    std::optional<int64_t> i = plain_decimal(text);
    if (!i)
      if (auto v = BigInt::parse(text)) i = v->to_int64();
    if (i && *i >= min && *i <= 0x7FFFFFFF) return static_cast<int>(*i);
    error(st.args[0]->offset, "." + std::string(st.name) + " value out of range");
    return std::nullopt;
  }
  error(st.args.empty() ? st.offset : st.args[0]->offset, "." + std::string(st.name) + " takes one integer");
  return std::nullopt;
}

std::optional<std::string> Resolver::str_arg(const Statement& st) {
  if (st.args.size() == 1 && (st.args[0]->kind == Expr::kStr || st.args[0]->kind == Expr::kIdent))
    return std::string(st.args[0]->value);
  error(st.args.empty() ? st.offset : st.args[0]->offset,
        "." + std::string(st.name) + " takes one name or string");
  return std::nullopt;
}

// Names written with commas, spaces or both: `.varnames a, b c`.
std::optional<std::vector<std::string>> Resolver::name_list(const Statement& st) {
  std::vector<std::string> out;
  std::function<bool(const Expr&)> add = [&](const Expr& e) {
    if (e.kind == Expr::kWords) {
      for (const Expr* k : e.kids)
        if (!add(*k)) return false;
      return true;
    }
    bool dotted = e.kind == Expr::kFloat && !e.value.empty() && e.value[0] == '.';
    if (e.kind != Expr::kIdent && e.kind != Expr::kStr && !dotted) {
      error(e.offset, "expected a name, got " + describe(e));
      return false;
    }
    out.emplace_back(e.value);
    return true;
  };
  for (const Expr* a : st.args)
    if (!add(*a)) return std::nullopt;
  return out;
}

namespace {

// A span L:C-EC or L:C-EL:EC (the lexer's `span`: digits and separators
// only); nullopt if a number is missing or above INT_MAX. Each number is
// read by hand, as std::from_chars would read it into an int (which costs
// more per call than the whole rest of .line). Inlined into both readers
// of .line: a call would give the common one a frame.
[[gnu::always_inline]] inline std::optional<Location> read_span(std::string_view text) {
  int n[4] = {0, 0, 0, 0};
  int count = 0;
  const char* p = text.data();
  const char* end = p + text.size();
  while (p < end && count < 4) {
    const char* digits = p;
    int64_t v = 0;
    for (unsigned d; p < end && (d = static_cast<unsigned char>(*p - '0')) < 10; ++p) {
      v = v * 10 + d;
      if (v > std::numeric_limits<int>::max()) break;
    }
    if (p == digits || v > std::numeric_limits<int>::max()) return std::nullopt;
    n[count++] = static_cast<int>(v);
    if (p < end) ++p;  // past ':' or '-'
  }
  if (count == 3) return Location{n[0], n[0], n[1], n[2]};
  return Location{n[0], n[2], n[1], n[3]};
}

}  // namespace

// The common `.line N` and (3.11+) `.line L:C-EC` here, where nothing is
// called (no frame; a `.line` precedes most instructions); the rest, and
// every error, in other_line_directive.
void Resolver::line_directive(const Statement& st) {
  if (st.args.size() != 1) return other_line_directive(st);
  const Expr& a = *st.args[0];
  Location loc;
  if (a.kind == Expr::kInt) {
    auto v = plain_decimal(a.value);
    if (!v) return other_line_directive(st);
    loc = {*v, *v, -1, -1};
  } else if (a.kind == Expr::kSpan && version_.at_least(11)) {
    auto span = read_span(a.value);
    if (!span || span->end_line < span->line) return other_line_directive(st);
    loc = *span;
  } else {
    return other_line_directive(st);
  }
  bool event = !version_.at_least(10);  // loc.line >= 0 here
  if (event && line_events_.size() == line_events_.capacity()) return other_line_directive(st);
  Block& b = cur();
  if (!b.first_line_at) b.first_line_at = st.offset;
  b.loc = loc;
  b.line_pending = true;
  if (event) {
    if (line_events_.size() == line_events_.capacity()) __builtin_unreachable();  // no growing
    line_events_.push_back({static_cast<int>(b.instrs.size()), loc.line});
  }
  if (!b.first_line) b.first_line = loc.line;
}

void Resolver::other_line_directive(const Statement& st) {
  Block& b = cur();
  if (st.args.size() != 1) return error(st.offset, ".line takes a line number, a span or none");
  const Expr& a = *st.args[0];
  Location loc;
  if (a.kind == Expr::kIdent && (a.value == "none" || a.value == "None")) {
    if (!version_.at_least(10))
      return error(a.offset, "instructions without a line number need CPython 3.10 or later");
  } else if (a.kind == Expr::kInt) {
    // Most `.line N` are plain decimals, read here without int_arg's frame.
    auto v = plain_decimal(a.value);
    if (!v) v = int_arg(st, 0);
    if (!v) return;
    loc = {*v, *v, -1, -1};
  } else if (a.kind == Expr::kSpan) {
    auto span = read_span(a.value);
    if (!span) return error(a.offset, "line or column number out of range");
    loc = *span;
    if (!version_.at_least(11))
      return error(a.offset, "column spans need CPython 3.11 or later; write .line " +
                                 std::to_string(loc.line));
    if (loc.end_line < loc.line) return error(a.offset, "span ends before it starts");
  } else {
    return error(a.offset, ".line takes a line number, a span such as 5:4-12, or none");
  }
  if (!b.first_line_at) b.first_line_at = st.offset;
  b.loc = loc;
  b.line_pending = true;
  if (loc.line >= 0 && !version_.at_least(10))
    line_events_.push_back({static_cast<int>(b.instrs.size()), loc.line});
  if (!b.first_line && loc.line >= 0) b.first_line = loc.line;
}

void Resolver::flags_directive(const Statement& st) {
  static const std::pair<std::string_view, uint32_t> kNames[] = {
      {"OPTIMIZED", kOptimized},
      {"NEWLOCALS", kNewLocals},
      {"VARARGS", kVarArgs},
      {"VARKEYWORDS", kVarKeywords},
      {"NESTED", kNested},
      {"GENERATOR", kGenerator},
      {"NOFREE", kNoFree},
      {"COROUTINE", kCoroutine},
      {"ITERABLE_COROUTINE", kIterableCoroutine},
      {"ASYNC_GENERATOR", kAsyncGenerator}};
  uint32_t flags = 0;
  std::function<bool(const Expr&)> add = [&](const Expr& e) {
    if (e.kind == Expr::kWords || (e.kind == Expr::kBinary && e.value == "|")) {
      for (const Expr* k : e.kids)
        if (!add(*k)) return false;
      return true;
    }
    if (e.kind == Expr::kInt) {
      auto v = BigInt::parse(e.value);
      auto i = v ? v->to_int64() : std::nullopt;
      if (i && *i >= 0 && *i <= 0xFFFFFFFFLL) {
        flags |= static_cast<uint32_t>(*i);
        return true;
      }
    }
    for (auto [name, bit] : kNames)
      if (e.kind == Expr::kIdent && e.value == name) {
        flags |= bit;
        return true;
      }
    std::vector<std::string_view> names;
    for (auto [name, bit] : kNames) names.push_back(name);
    std::string near = e.kind == Expr::kIdent ? nearest(e.value, names) : "";
    error(e.offset, "unknown code flag " + describe(e) +
                        (near.empty() ? "" : "; did you mean '" + near + "'?"));
    return false;
  };
  for (const Expr* a : st.args)
    if (!add(*a)) return;
  cur().code->flags = flags;
  cur().flags_set = true;
}

namespace {

// A directive's arguments as one list of words: `a b, c` -> a b c.
std::vector<const Expr*> flat_words(const Statement& st) {
  std::vector<const Expr*> words;
  for (const Expr* a : st.args) {
    if (a->kind == Expr::kWords)
      for (const Expr* k : a->kids) words.push_back(k);
    else
      words.push_back(a);
  }
  return words;
}

}  // namespace

// Parses `HANDLER [depth N] [lasti]` from words[i].
bool Resolver::handler_tail(const std::vector<const Expr*>& words, size_t i, HandlerSpec& spec,
                            const char* usage) {
  if (i >= words.size() || words[i]->kind != Expr::kIdent) {
    error(i < words.size() ? words[i]->offset : words.empty() ? 0 : words.back()->offset, usage);
    return false;
  }
  spec.label = words[i]->value;
  spec.at = words[i]->offset;
  for (++i; i < words.size(); ++i) {
    const Expr& w = *words[i];
    if (w.kind == Expr::kIdent && w.value == "lasti") {
      spec.lasti = true;
    } else if (w.kind == Expr::kIdent && w.value == "depth") {
      const Expr* n = i + 1 < words.size() ? words[i + 1] : nullptr;
      if (!n || n->kind != Expr::kInt || n->value.size() > 5 ||
          !std::all_of(n->value.begin(), n->value.end(), ::isdigit)) {
        error(n ? n->offset : w.offset, "depth needs a stack depth (an integer)" +
                                            (n ? ", got " + describe(*n) : std::string()));
        return false;
      }
      spec.depth = std::stoi(std::string(n->value));
      ++i;
    } else {
      error(w.offset, "unexpected " + describe(w) + "; expected depth N or lasti");
      return false;
    }
  }
  return true;
}

// .except START END HANDLER [depth N] [lasti]
void Resolver::except_directive(const Statement& st) {
  if (!version_.at_least(11))
    return error(st.offset,
                 "exception tables exist from CPython 3.11; before that, use "
                 "SETUP_FINALLY and friends");
  const char* usage = ".except expects: START END HANDLER [depth N] [lasti]";
  std::vector<const Expr*> words = flat_words(st);
  PendingExcept ex{st.offset, {}, {}, 0, 0, {}};
  for (size_t k = 0; k < 2; ++k) {
    if (k >= words.size() || words[k]->kind != Expr::kIdent)
      return error(k < words.size() ? words[k]->offset : st.offset, usage);
    (k == 0 ? ex.start : ex.end) = words[k]->value;
    (k == 0 ? ex.start_at : ex.end_at) = words[k]->offset;
  }
  if (!handler_tail(words, 2, ex.handler, usage)) return;
  cur().excepts.push_back(std::move(ex));
}

// .try HANDLER [depth N] [lasti]  ...  .endtry
void Resolver::try_directive(const Statement& st) {
  Block& b = cur();
  if (!version_.at_least(11)) {
    if (st.name == "try")
      error(st.offset,
            ".try regions need CPython 3.11 or later; before that, use "
            "SETUP_FINALLY and friends");
    return;
  }
  if (st.name == "endtry") {
    if (b.open_regions.empty()) return error(st.offset, ".endtry without a matching .try");
    b.open_regions.pop_back();
    return;
  }
  TryRegion r{st.offset, {}};
  if (!handler_tail(flat_words(st), 0, r.handler, ".try expects: HANDLER [depth N] [lasti]"))
    return;
  b.open_regions.push_back(static_cast<int>(b.regions.size()));
  b.regions.push_back(std::move(r));
}

void Resolver::table_directive(const Statement& st) {
  Block& b = cur();
  if (st.name == "consts") {
    if (b.consts_fixed) return error(st.offset, "duplicate .consts");
    b.consts_fixed = true;
    for (const Expr* a : st.args) b.explicit_consts.push_back(a);
    return;
  }
  auto names = name_list(st);
  if (!names) return;
  Code& c = *b.code;
  auto set = [&](bool& fixed, std::vector<std::string>& dst) {
    if (fixed) return error(st.offset, "duplicate ." + std::string(st.name));
    fixed = true;
    dst = *names;
  };
  if (st.name == "names")
    set(b.names_fixed, c.names);
  else if (st.name == "varnames")
    set(b.varnames_fixed, c.varnames);
  else if (st.name == "cellvars")
    set(b.cellvars_fixed, c.cellvars);
  else if (st.name == "freevars")
    c.freevars = *names;
  else if (st.name == "hidden") {
    if (!version_.at_least(12))
      return error(st.offset, "hidden locals (inlined comprehensions) exist from CPython 3.12");
    c.hidden = *names;
  }
}

void Resolver::directive(const Statement& st) {
  Block& b = cur();
  Code& c = *b.code;
  std::string_view d = st.name;
  if (d == "line") return line_directive(st);  // the most common, first
  if (d == "python") {
    if (!b.is_module || stack_.size() > 1)
      error(st.offset, ".python belongs at the top of the file");
    return;  // read by target_version()
  }
  if (d == "include") return;  // expanded before parsing (include.cpp)
  if (d == "code") return open_block(st);
  if (d == "end") return close_block(st.offset);
  if (d == "flags") return flags_directive(st);
  if (d == "except") return except_directive(st);
  if (d == "try" || d == "endtry") return try_directive(st);
  if (d == "consts" || d == "names" || d == "varnames" || d == "cellvars" || d == "freevars" ||
      d == "hidden")
    return table_directive(st);
  if (d == "name" || d == "qualname" || d == "filename") {
    auto s = str_arg(st);
    if (!s) return;
    if (d == "name")
      c.name = *s, b.name_set = true;
    else if (d == "qualname")
      c.qualname = *s, b.qualname_set = true;
    else
      c.filename = *s;
    if (d == "qualname" && !version_.at_least(11))
      error(st.offset, "co_qualname exists from CPython 3.11");
    return;
  }
  if (d == "firstlineno") {
    if (auto v = int_arg(st)) c.firstlineno = *v, b.firstline_set = true;
    return;
  }
  if (d == "argcount") {
    if (auto v = int_arg(st)) c.argcount = *v, b.argcount_set = true;
    return;
  }
  if (d == "posonlyargcount") {
    if (!version_.at_least(8)) return error(st.offset, "positional-only arguments exist from 3.8");
    if (auto v = int_arg(st)) c.posonlyargcount = *v, b.posonly_set = true;
    return;
  }
  if (d == "kwonlyargcount") {
    if (auto v = int_arg(st)) c.kwonlyargcount = *v, b.kwonly_set = true;
    return;
  }
  if (d == "stacksize") return stacksize_directive(st);
  if (d == "pyc") return pyc_directive(st);
  if (d == "marshal") return marshal_directive(st);
  if (d == "lnotab" || d == "linetable" || d == "exceptiontable") return raw_table_directive(st);
  if (d == "nlocals") {
    if (version_.at_least(11)) return error(st.offset, "co_nlocals is not stored from CPython 3.11");
    if (b.nlocals_set) return error(st.offset, "duplicate .nlocals");
    if (auto v = int_arg(st)) c.nlocals_override = *v, b.nlocals_set = true;
    return;
  }
  std::string near = nearest(d, directive_names());
  error(st.offset,
        "unknown directive '." + std::string(d) + "'" + (near.empty() ? "" : "; did you mean '." + near + "'?"));
}

std::vector<std::string_view> directive_names() {
  return {"python",         "code",     "end",         "line",     "flags",
          "except",         "try",      "endtry",      "consts",   "names",
          "varnames",       "hidden",   "cellvars",    "freevars", "name",
          "qualname",       "filename", "firstlineno", "argcount", "posonlyargcount",
          "kwonlyargcount", "stacksize", "pyc",         "lnotab",   "linetable",
          "exceptiontable", "nlocals",  "marshal",     "include"};
}

}  // namespace pyasm::detail
