// Operand resolution: one operand expression to an oparg, by argument kind.
#pragma once

#include <map>
#include <string_view>
#include <string>
#include <unordered_map>
#include <vector>

#include "resolve.hpp"

namespace pyasm {

// Where a label points: an instruction index, or the end of the code.
struct LabelDef {
  int index;
  uint32_t src;
};

// Hash and equality that look std::string keys up by std::string_view.
struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
template <class T>
using StringMap = std::unordered_map<std::string, T, StringHash, std::equal_to<>>;

// The first position of a name in a growing table. Most tables are short:
// those are searched in place (no copy of each name, no hashing); a long
// one gets a hash index, kept in step as the table grows.
class NameIndex {
 public:
  int find(const std::vector<std::string>& v, std::string_view name) {
    if (v.size() <= kScan) {
      for (size_t i = 0; i < v.size(); ++i)
        if (v[i] == name) return static_cast<int>(i);
      return -1;
    }
    for (; synced_ < v.size(); ++synced_) pos_.emplace(v[synced_], static_cast<int>(synced_));
    auto it = pos_.find(name);
    return it == pos_.end() ? -1 : it->second;
  }
  // Empty, for the next table (keeps what it has allocated).
  void clear() {
    if (synced_) pos_.clear();
    synced_ = 0;
  }

 private:
  static constexpr size_t kScan = 16;
  StringMap<int> pos_;  // emplace keeps the first position of a repeated name
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
    for (; synced_ < entries_.size(); ++synced_)
      by_hash_.emplace(entries_[synced_].hash, entries_[synced_].index);
    auto [first, last] = by_hash_.equal_range(hash);
    int found = -1;
    for (auto it = first; it != last; ++it)
      if ((found < 0 || it->second < found) && equal(it->second)) found = it->second;
    return found;
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
    if (synced_) by_hash_.clear();
    synced_ = 0;
  }

 private:
  static constexpr size_t kScan = 16;
  struct Entry {
    uint64_t hash;
    int index;
  };
  std::vector<Entry> entries_;  // by position
  std::unordered_multimap<uint64_t, int> by_hash_;
  size_t synced_ = 0;
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
        if (x.kind == e.kind && x.text == e.value) return x.index;
      return -1;
    }
    for (; synced_ < entries_.size(); ++synced_)
      by_text_.emplace(Key{entries_[synced_].kind, entries_[synced_].text},
                       entries_[synced_].index);
    auto it = by_text_.find(Key{e.kind, e.value});
    return it == by_text_.end() ? -1 : it->second;
  }
  // After find(e) failed: `e` is the constant at `index`.
  void add(const Expr& e, int index) { entries_.push_back({e.kind, e.value, index}); }
  // Empty, for the next table (keeps what it has allocated).
  void clear() {
    entries_.clear();
    if (synced_) by_text_.clear();
    synced_ = 0;
  }

 private:
  static constexpr size_t kScan = 16;
  struct Entry {
    Expr::Kind kind;
    std::string_view text;
    int index;
  };
  struct Key {
    Expr::Kind kind;
    std::string_view text;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    size_t operator()(const Key& k) const {
      return std::hash<std::string_view>{}(k.text) * 31 + k.kind;
    }
  };
  std::vector<Entry> entries_;
  std::unordered_map<Key, int, KeyHash> by_text_;
  size_t synced_ = 0;
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
      to.reserve(to.size() + from.size());
      for (auto& x : from) to.push_back(std::move(x));
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
  const std::map<std::string, LabelDef, std::less<>>& labels;
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

ResolvedOperand resolve_operand(const OpInfo& op, const Statement& st, OperandContext& ctx);

// "3.6–3.10" style list of the versions where `name` is an opcode.
std::string versions_with_opcode(std::string_view name);
// The closest of `candidates` to `name` (case-insensitive edit distance), or "".
std::string nearest(std::string_view name, const std::vector<std::string_view>& candidates);

}  // namespace pyasm
