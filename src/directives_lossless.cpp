// Directives that keep what a pyc holds beyond its instructions, so that the
// disassembler's text rebuilds the same bytes: the pyc header (.pyc), raw
// line and exception tables, co_nlocals, an unchecked .stacksize, and the
// marshal layout notes (.marshal).
#include <cerrno>
#include <cstdlib>

#include "resolver_impl.hpp"

namespace pyasm::detail {

namespace {

// One word of a directive's operands. `checked-hash 0x1f flags 3` parses as
// an expression tree whose shape depends on the grammar; flattened, it is
// the words as written, with '-' a word of its own.
struct Word {
  std::string text;
  Expr::Kind kind;
  uint32_t at;
};

void flatten(const Expr& e, std::vector<Word>& out) {
  if (e.kind == Expr::kWords) {
    for (const Expr* k : e.kids) flatten(*k, out);
  } else if (e.kind == Expr::kBinary && e.value == "-") {
    flatten(*e.kids[0], out);
    out.push_back({"-", Expr::kSymbol, e.kids[1]->offset});
    flatten(*e.kids[1], out);
  } else if (e.kind == Expr::kNeg) {
    out.push_back({"-", Expr::kSymbol, e.offset});
    flatten(*e.kids[0], out);
  } else {
    out.push_back({std::string(e.value), e.kind, e.offset});
  }
}

std::vector<Word> words_of(const Statement& st) {
  std::vector<Word> out;
  for (const Expr* a : st.args) flatten(*a, out);
  return out;
}

// An integer literal (decimal, 0x, 0o, 0b; underscores allowed) that fits
// in `max`.
std::optional<uint64_t> parse_unsigned(const Word& w, uint64_t max) {
  if (w.kind != Expr::kInt) return std::nullopt;
  std::string s;
  for (char c : w.text)
    if (c != '_') s += c;
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && std::isalpha(static_cast<unsigned char>(s[1]))) {
    char p = static_cast<char>(std::tolower(static_cast<unsigned char>(s[1])));
    base = p == 'x' ? 16 : p == 'o' ? 8 : p == 'b' ? 2 : 0;
    s.erase(0, 2);
  }
  if (base == 0 || s.empty()) return std::nullopt;
  errno = 0;
  char* end = nullptr;
  unsigned long long v = std::strtoull(s.c_str(), &end, base);
  if (errno || *end || v > max) return std::nullopt;
  return v;
}

}  // namespace

// .pyc timestamp MTIME SIZE | .pyc checked-hash 0xHASH | .pyc unchecked-hash 0xHASH
// each with an optional `flags N` for a flags word other than the usual.
void Resolver::pyc_directive(const Statement& st) {
  Block& b = cur();
  if (!b.is_module || stack_.size() > 1)
    return error(st.offset, ".pyc describes the file's header: it belongs at the top level");
  if (b.pyc_set) return error(st.offset, "duplicate .pyc");
  const char* usage =
      ".pyc expects: timestamp MTIME SIZE, checked-hash 0xHASH or unchecked-hash 0xHASH, "
      "optionally followed by flags N";
  std::vector<Word> w = words_of(st);
  auto is = [&](size_t i, std::string_view text) { return i < w.size() && w[i].text == text; };
  auto at = [&](size_t i) { return i < w.size() ? w[i].at : st.offset; };
  PycHeader h;
  size_t i = 0;
  bool hash = false;
  if (is(0, "timestamp")) {
    i = 1;
  } else if ((is(0, "checked") || is(0, "unchecked")) && is(1, "-") && is(2, "hash")) {
    hash = true;
    h.flags = is(0, "checked") ? 3 : 1;
    i = 3;
  } else {
    return error(at(0), usage);
  }
  if (hash && !version_.at_least(7))
    return error(at(0), "hash-based pycs exist from CPython 3.7 (PEP 552)");
  if (hash) {
    auto v = i < w.size() ? parse_unsigned(w[i], UINT64_MAX) : std::nullopt;
    if (!v) return error(at(i), "expected the source hash, a 64-bit number such as 0x1f2e3d4c5b6a7988");
    h.source_hash = *v;
    ++i;
  } else {
    for (uint32_t* field : {&h.mtime, &h.source_size}) {
      auto v = i < w.size() ? parse_unsigned(w[i], UINT32_MAX) : std::nullopt;
      if (!v)
        return error(at(i), field == &h.mtime ? "expected the source's mtime (a 32-bit number)"
                                              : "expected the source's size (a 32-bit number)");
      *field = static_cast<uint32_t>(*v);
      ++i;
    }
  }
  if (is(i, "flags")) {
    if (!version_.at_least(7)) return error(at(i), "a CPython 3.6 pyc header has no flags word");
    auto v = i + 1 < w.size() ? parse_unsigned(w[i + 1], UINT32_MAX) : std::nullopt;
    if (!v) return error(at(i + 1), "expected the flags word (a 32-bit number)");
    // The flags word decides how the 8 bytes after it are read.
    if ((*v & 1) != (hash ? 1u : 0u) || (hash && (*v & 2) != (h.flags & 2)))
      return error(at(i + 1), "flags " + std::to_string(*v) + " do not fit " +
                                  (!hash ? "a timestamp" : h.flags == 3 ? "a checked-hash" : "an unchecked-hash") +
                                  " pyc (bit 0: hash-based, bit 1: checked)");
    h.flags = static_cast<uint32_t>(*v);
    i += 2;
  }
  if (i < w.size()) return error(w[i].at, usage);
  b.pyc_set = true;
  b.code->pyc_header = h;
}

// .lnotab b'...' (3.6-3.9), .linetable b'...' (3.10+), .exceptiontable b'...' (3.11+)
void Resolver::raw_table_directive(const Statement& st) {
  Block& b = cur();
  Code& c = *b.code;
  std::string d(st.name);
  bool wrong_version = d == "lnotab" ? version_.at_least(10)
                       : d == "linetable" ? !version_.at_least(10)
                                          : !version_.at_least(11);
  if (wrong_version)
    return error(st.offset, d == "lnotab" ? "co_lnotab is the line table up to CPython 3.9; "
                                            "from 3.10 write .linetable"
                            : d == "linetable" ? "co_linetable exists from CPython 3.10; before "
                                                 "that write .lnotab"
                                               : "exception tables exist from CPython 3.11");
  if (st.args.size() != 1 || st.args[0]->kind != Expr::kBytes)
    return error(st.args.empty() ? st.offset : st.args[0]->offset,
                 "." + d + " takes the table's bytes as a bytes literal, b'...'");
  std::optional<std::string>& slot = d == "exceptiontable" ? c.raw_exceptiontable : c.raw_linetable;
  if (slot) return error(st.offset, "duplicate ." + d);
  slot = std::string(st.args[0]->value);
}

// .stacksize N [unchecked]
void Resolver::stacksize_directive(const Statement& st) {
  std::vector<Word> w = words_of(st);
  auto v = w.empty() ? std::nullopt : parse_unsigned(w[0], 0x7FFFFFFF);
  bool unchecked = w.size() == 2 && w[1].text == "unchecked";
  if (!v || (w.size() != 1 && !unchecked))
    return error(w.empty() ? st.offset : w[0].at,
                 ".stacksize takes a number, optionally followed by `unchecked`");
  cur().code->stacksize_override = static_cast<int>(*v);
  cur().stacksize_unchecked = unchecked;
}

// .marshal "NOTES": departures of the pyc's marshal layout from pyasm's
// per-version rule (see MarshalNote); several directives add up.
void Resolver::marshal_directive(const Statement& st) {
  if (st.args.size() != 1 || st.args[0]->kind != Expr::kStr)
    return error(st.args.empty() ? st.offset : st.args[0]->offset,
                 ".marshal takes its notes as one string: .marshal \"+consts.0 names.2~a\"");
  std::string err;
  auto notes = parse_marshal_notes(st.args[0]->value, err);
  if (!notes) return error(st.args[0]->offset, err);
  for (MarshalNote& n : *notes) n.src = st.args[0]->offset;
  std::vector<MarshalNote>& all = cur().code->marshal_notes;
  all.insert(all.end(), notes->begin(), notes->end());
}

// A raw line table replaces what `.line` directives would build, so the two
// together would leave the directives silently without effect.
bool Resolver::check_raw_tables(Block& b) {
  if (!b.code->raw_linetable || !b.first_line_at) return true;
  error(*b.first_line_at, std::string(".line has no effect in a code block whose line table is "
                                      "given raw by .") +
                              (version_.at_least(10) ? "linetable" : "lnotab") +
                              "; remove one of them");
  return false;
}

}  // namespace pyasm::detail
