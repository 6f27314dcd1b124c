// Operand resolution: one operand expression to an oparg, by argument kind.
#pragma once

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pyasm/object.hpp"
#include "resolve.hpp"

namespace pyasm {

// Where a label points: an instruction index, or the end of the code.
struct LabelDef {
  int index;
  uint32_t src;
};

// Positions in a table by a 64-bit hash of their entry: open addressing
// (linear probing) over a power-of-two array at most half full, which
// keeps its memory when cleared for the next table. The caller compares
// entries and adds a position only when no equal entry is in already.
class PositionHash {
 public:
  template <class Equal>
  int find(uint64_t hash, Equal equal) const {
    if (slots_.empty()) return -1;
    for (size_t i = hash & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.pos < 0) return -1;
      if (s.hash == hash && equal(s.pos)) return s.pos;
    }
  }
  void add(uint64_t hash, int pos) {
    if (2 * (used_ + 1) > slots_.size()) grow();
    place(hash, pos);
    ++used_;
  }
  // For a table that only grows, indexed once it is long: adds its entries
  // [synced, count), entry(i) giving {hash, position} (the entries being
  // unequal, at most one matches a find).
  template <class Entry>
  void sync(size_t count, Entry entry) {
    for (; synced_ < count; ++synced_) {
      auto [hash, pos] = entry(synced_);
      add(hash, pos);
    }
  }
  void clear() {
    if (used_) std::fill(slots_.begin(), slots_.end(), Slot{});
    used_ = 0;
    synced_ = 0;
  }

 private:
  struct Slot {
    uint64_t hash = 0;
    int pos = -1;
  };
  void place(uint64_t hash, int pos) {
    size_t i = hash & mask_;
    while (slots_[i].pos >= 0) i = (i + 1) & mask_;
    slots_[i] = {hash, pos};
  }
  void grow() {
    std::vector<Slot> old(std::max<size_t>(64, 2 * slots_.size()));
    old.swap(slots_);
    mask_ = slots_.size() - 1;
    for (const Slot& s : old)
      if (s.pos >= 0) place(s.hash, s.pos);
  }
  std::vector<Slot> slots_;
  size_t mask_ = 0;
  size_t used_ = 0;
  size_t synced_ = 0;  // entries of the table added by sync()
};

// A plain decimal of at most 9 digits without a leading zero (as Python's
// literals write them), which needs no BigInt: most opargs and `.line`
// numbers. Anything else is nullopt, for the caller's general parse.
inline std::optional<int> plain_decimal(std::string_view text) {
  if (text.empty() || text.size() > 9 || (text[0] == '0' && text.size() > 1)) return std::nullopt;
  int v = 0;
  for (char c : text) {
    unsigned d = static_cast<unsigned char>(c) - '0';
    if (d > 9) return std::nullopt;
    v = v * 10 + static_cast<int>(d);
  }
  return v;
}

// A text's hash for a PositionHash (`seed` tells kinds of text apart).
inline uint64_t text_hash(std::string_view s, uint64_t seed = 0) {
  return detail::hash_bytes(seed, s);
}

// A block's labels by name, in order of definition. The names are views
// of the source, which outlives the block. Labels written since the last
// instruction are pending: theirs is the next instruction's index. Few
// labels are scanned; more get a hash index, kept in step as they come.
class LabelTable {
 public:
  const LabelDef* find(std::string_view name) const {
    if (entries_.size() <= kScan) {
      for (const Entry& e : entries_)
        if (equal_text(e.name, name)) return &e.def;
      return nullptr;
    }
    return find_hashed(name);
  }
  // `name` is not in yet.
  void add(std::string_view name, uint32_t src) {
    entries_.push_back({name, {-1, src}});
    ++pending_;
  }
  size_t pending() const { return pending_; }
  // Checked on every instruction: a counter, not the vector's size.
  void place_pending(int index) {
    if (pending_) place(index);
  }

 private:
  struct Entry {
    std::string_view name;
    LabelDef def;
  };
  [[gnu::noinline]] void place(int index) {
    for (size_t i = entries_.size() - pending_; i < entries_.size(); ++i)
      entries_[i].def.index = index;
    pending_ = 0;
  }
  [[gnu::noinline]] const LabelDef* find_hashed(std::string_view name) const {
    // Names are unequal (see add).
    by_name_.sync(entries_.size(), [&](size_t i) {
      return std::pair{text_hash(entries_[i].name), static_cast<int>(i)};
    });
    int i = by_name_.find(text_hash(name), [&](int p) { return entries_[p].name == name; });
    return i < 0 ? nullptr : &entries_[i].def;
  }
  static constexpr size_t kScan = 8;
  std::vector<Entry> entries_;
  size_t pending_ = 0;
  mutable PositionHash by_name_;  // positions in entries_
};

// The first position of a name in a growing table. Most tables are short:
// those are searched in place (no hashing); a long one gets a hash index,
// kept in step as the table grows.
class NameIndex {
 public:
  int find(const std::vector<std::string>& v, std::string_view name) {
    if (!scanned(v)) return find_hashed(v, name);
    return scan(v, name);  // inline (a lookup per name operand); the hashed case out of line
  }
  // Whether `v` is short enough to be scanned, and the scan (find() on
  // a short table, for a caller that keeps the other case out of line).
  static bool scanned(const std::vector<std::string>& v) { return v.size() <= kScan; }
  static int scan(const std::vector<std::string>& v, std::string_view name) {
    for (size_t i = 0; i < v.size(); ++i)
      if (equal_text(v[i], name)) return static_cast<int>(i);
    return -1;
  }
  // Empty, for the next table (keeps what it has allocated).
  void clear() {
    pos_.clear();
    synced_ = 0;
  }

 private:
  [[gnu::noinline]] int find_hashed(const std::vector<std::string>& v, std::string_view name) {
    for (; synced_ < v.size(); ++synced_) {
      const std::string& n = v[synced_];
      uint64_t h = text_hash(n);
      if (pos_.find(h, [&](int p) { return v[p] == n; }) < 0)  // the first one stays
        pos_.add(h, static_cast<int>(synced_));
    }
    return pos_.find(text_hash(name), [&](int p) { return v[p] == name; });
  }
  static constexpr size_t kScan = 16;
  PositionHash pos_;
  size_t synced_ = 0;
};

// The first position of each constant in a growing co_consts, by value as
// const_key compares them (1 and 1.0 and True are three constants), without
// building key strings. Most code objects have a few constants: their
// hashes are scanned in order (no node per constant); a long table gets a
// hash index, kept in step as it grows.
class ConstIndex {
 public:
  // `hash` gets the constant's const_hash, for add_new.
  int find(const std::vector<ObjectPtr>& consts, const Object& o, uint64_t& hash) {
    ConstRef ref = ConstRef::of(o);
    hash = const_hash(ref);
    auto equal = [&](int index) { return const_equal(ConstRef::of(*consts[index]), ref); };
    if (entries_.size() <= kScan) {
      for (const Entry& e : entries_)  // in order of position: the first match is the first
        if (e.hash == hash && equal(e.index)) return e.index;
      return -1;
    }
    // Entries are unequal constants (see add).
    by_hash_.sync(entries_.size(),
                  [&](size_t i) { return std::pair{entries_[i].hash, entries_[i].index}; });
    return by_hash_.find(hash, equal);
  }
  // consts[index] was appended: indexed unless an equal constant came first.
  void add(const std::vector<ObjectPtr>& consts, int index) {
    uint64_t hash;
    if (find(consts, *consts[index], hash) < 0) add_new(index, hash);
  }
  // The constant at `index` (the last), of const_hash `hash`, was appended
  // after find() did not find it.
  void add_new(int index, uint64_t hash) { entries_.push_back({hash, index}); }
  // Empty, for the next table (keeps what it has allocated).
  void clear() {
    entries_.clear();
    by_hash_.clear();
  }

 private:
  static constexpr size_t kScan = 16;
  struct Entry {
    uint64_t hash;
    int index;
  };
  std::vector<Entry> entries_;  // by position
  PositionHash by_hash_;
};

// The co_consts position of constants written as one literal token (a
// string, an integer, None...), by the token's kind and text. The same
// literal always evaluates to the same constant, and a constant's first
// position never changes, so a repeated literal (most LOAD_CONSTs) needs
// no Object built, hashed and compared. Short lists are scanned, as in
// NameIndex; a long one gets a hash index.
class LiteralIndex {
 public:
  // Whether `e` is a literal this index may hold: one whose constant is
  // equal to itself every time (not a float, which may be a NaN).
  static bool holds(const Expr& e) {
    switch (e.kind) {
      case Expr::kStr:
      case Expr::kBytes:
      case Expr::kInt: return true;
      case Expr::kIdent: return e.value == "None" || e.value == "True" || e.value == "False";
      default: return false;
    }
  }
  int find(const Expr& e) {
    if (entries_.size() <= kScan) {
      for (const Entry& x : entries_)
        if (x.kind == e.kind && equal_text(x.text, e.value)) return x.index;
      return -1;
    }
    return find_hashed(e);
  }
  // After find(e) failed: `e` is the constant at `index`.
  void add(const Expr& e, int index) { entries_.push_back({e.kind, e.value, index}); }
  // Empty, for the next table (keeps what it has allocated).
  void clear() {
    entries_.clear();
    by_text_.clear();
  }

 private:
  [[gnu::noinline]] int find_hashed(const Expr& e) {
    // Entries are unequal literals (see add).
    by_text_.sync(entries_.size(), [&](size_t i) {
      return std::pair{text_hash(entries_[i].text, entries_[i].kind), static_cast<int>(i)};
    });
    int i = by_text_.find(text_hash(e.value, e.kind), [&](int i) {
      return entries_[i].kind == e.kind && entries_[i].text == e.value;
    });
    return i < 0 ? -1 : entries_[i].index;
  }
  static constexpr size_t kScan = 16;
  struct Entry {
    Expr::Kind kind;
    std::string_view text;
    int index;
  };
  std::vector<Entry> entries_;
  PositionHash by_text_;  // positions in entries_
};

// The indexes of the tables being built for one code object, and whether
// each table was fixed by an explicit directive (then a missing entry is an
// error, not an append). One is reused from block to block: reset() keeps
// what its indexes have allocated.
struct Tables {
  bool consts_fixed = false;
  bool names_fixed = false;
  bool varnames_fixed = false;
  bool cellvars_fixed = false;
  ConstIndex const_index;
  LiteralIndex literal_index;
  NameIndex names_ix, varnames_ix, cellvars_ix, freevars_ix;
  // 3.11+, once the tables are final: the localsplus position of each
  // cellvars and freevars entry (a varnames entry's is its own index).
  std::vector<int> cell_localsplus, free_localsplus;
  bool localsplus_built = false;
  // While collecting, a table that is not fixed grows here rather than in
  // the Code (take() moves in what the Code has so far), which gets it
  // back at its size in one allocation when the collect pass is done
  // (adopt). The vectors are reused from block to block.
  std::vector<ObjectPtr> consts;
  std::vector<std::string> names, varnames;

  // The tables the operands see: the growing ones, or the Code's if fixed.
  std::vector<ObjectPtr>& consts_of(Code& c) { return consts_fixed ? c.consts : consts; }
  std::vector<std::string>& names_of(Code& c) { return names_fixed ? c.names : names; }
  std::vector<std::string>& varnames_of(Code& c) { return varnames_fixed ? c.varnames : varnames; }
  void take(Code& c) {
    auto take = [](auto& from, auto& to, bool fixed) {
      if (fixed) return;
      for (auto& x : from) to.push_back(std::move(x));
      from.clear();
    };
    take(c.consts, consts, consts_fixed);
    take(c.names, names, names_fixed);
    take(c.varnames, varnames, varnames_fixed);
  }
  // Moves the grown tables back into `c` and fixes them: indexes keep
  // their positions.
  void adopt(Code& c) {
    auto take = [](auto& from, auto& to, bool& fixed) {
      if (fixed) return;
      if (to.empty()) {
        // The common case: moved in at once (no capacity check per entry).
        to.assign(std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
      } else {
        to.reserve(to.size() + from.size());
        for (auto& x : from) to.push_back(std::move(x));
      }
      from.clear();
      fixed = true;
    };
    take(consts, c.consts, consts_fixed);
    take(names, c.names, names_fixed);
    take(varnames, c.varnames, varnames_fixed);
  }

  void reset() {
    consts_fixed = names_fixed = varnames_fixed = cellvars_fixed = false;
    const_index.clear();
    literal_index.clear();
    for (NameIndex* ix : {&names_ix, &varnames_ix, &cellvars_ix, &freevars_ix}) ix->clear();
    cell_localsplus.clear();
    free_localsplus.clear();
    localsplus_built = false;
    consts.clear();
    names.clear();
    varnames.clear();
  }
};

struct OperandContext {
  const OpcodeTable& table;
  Code& code;  // whose tables `tables` indexes
  Tables& tables;
  // Its co_consts, co_names and co_varnames as they grow (Tables::consts_of...).
  std::vector<ObjectPtr>& consts;
  std::vector<std::string>& names;
  std::vector<std::string>& varnames;
  const CodeRefs& children;
  const LabelTable& labels;
  const Sink& sink;
  int instr_count;  // labels at this index mark the end of the code
  // First pass: grow the tables, report errors. Second: tables are final,
  // compute opargs, report nothing.
  bool collect;
};

struct ResolvedOperand {
  uint32_t arg = 0;
  int target = -1;  // jump target instruction
  bool ok = true;
  // From the collecting pass: the oparg can still change, and the second
  // pass must compute it again. Tables only grow by appending, so the index
  // of a name or a constant is final when first found, as are labels and
  // symbolic opargs; not final are 3.11+ localsplus indices of names that
  // are not (yet) in co_varnames (cells and frees come after every local),
  // free-variable indices before 3.11 (they come after every cell), and
  // `$N`, which is range-checked against the final tables.
  bool again = false;
};

// `args` are the operands of the instruction at `at` in the source.
ResolvedOperand resolve_operand(const OpInfo& op, std::span<const Expr* const> args, uint32_t at,
                                OperandContext& ctx);

// "3.6–3.10" style list of the versions where `name` is an opcode.
std::string versions_with_opcode(std::string_view name);
// The closest of `candidates` to `name` (case-insensitive edit distance), or "".
std::string nearest(std::string_view name, const std::vector<std::string_view>& candidates);

}  // namespace pyasm
