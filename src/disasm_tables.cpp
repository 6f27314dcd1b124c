// Which tables the disassembler writes out. The resolver builds co_consts,
// co_names, co_varnames and co_cellvars from the operands in order of first
// use, after the entries a `.consts`/`.names`/... directive lists; the
// printer writes the shortest such list that makes that process give the
// table the pyc has (often nothing, often just the `None` CPython puts
// first in a function's constants).
#include <algorithm>
#include <functional>
#include <unordered_set>

#include "disasm_impl.hpp"

namespace pyasm::disasm {

namespace {

// Views into the pyc's tables and the operands' uses, which outlive the
// search: no string is copied while tables are simulated.
using Keys = std::vector<std::string_view>;
using KeySet = std::unordered_set<std::string_view>;

Keys views(const std::vector<std::string>& strings) { return Keys(strings.begin(), strings.end()); }

// The shortest k >= base such that derive(k) == actual. derive(k) starts
// from actual[0, k) and appends first uses; if it first differs from
// actual at m, every k' in (k, m] derives the same table (those entries
// were appended in the right place anyway), so the search jumps to m + 1.
size_t shortest_prefix(const Keys& actual, size_t base, const std::function<Keys(size_t)>& derive) {
  for (size_t k = base; k < actual.size();) {
    Keys got = derive(k);
    if (got == actual) return k;
    size_t m = 0;
    while (m < got.size() && m < actual.size() && got[m] == actual[m]) ++m;
    k = std::max(k + 1, m + 1);
  }
  return actual.size();
}

// shortest_prefix for a table that is `actual[0, k)` followed by `uses` in
// order of first use, each unless already there (.consts and .names): the
// same search, but each candidate k costs one pass over the uses instead of
// building its table, since the entries before k only grow with k.
size_t shortest_prefix_of_uses(const Keys& actual, const Keys& uses) {
  Keys firsts;  // each use once, in order of first use
  std::unordered_set<std::string_view> seen;
  seen.reserve(uses.size());
  for (std::string_view u : uses)
    if (seen.insert(u).second) firsts.push_back(u);
  std::unordered_set<std::string_view> before;  // actual[0, k)
  before.reserve(actual.size());
  size_t n = actual.size(), k = 0, added = 0;
  while (k < n) {
    for (; added < k; ++added) before.insert(actual[added]);
    // derive(k) = actual[0, k) + the uses not in it; m = where it departs.
    size_t m = k;
    bool longer = false;
    for (std::string_view u : firsts) {
      if (before.count(u)) continue;
      if (m == n || actual[m] != u) {
        longer = m == n;
        break;
      }
      ++m;
    }
    if (m == n && !longer) return k;
    k = std::max(k + 1, m + 1);
  }
  return n;
}

// Appends `key` unless it is already in `table`.
void add(Keys& table, KeySet& in, std::string_view key) {
  if (in.insert(key).second) table.push_back(key);
}

// A set of the table's keys, with room for what the uses add.
KeySet key_set(const Keys& table, size_t more) {
  KeySet in;
  in.reserve(table.size() + more);
  in.insert(table.begin(), table.end());
  return in;
}

struct Sim {
  const View& v;
  bool localsplus;  // 3.11+: LOAD_FAST also finds cells and free variables
  Keys sig;
  Keys const_uses;  // const_key of every constant operand, in order
  Keys name_uses;   // every name operand, in order
  size_t uses = 0;  // of any kind

  // Cells, and with them the locals (whose lookups see the cells so far).
  std::pair<Keys, Keys> locals(std::optional<size_t> kv, size_t kc) const {
    const Code& c = *v.orig;
    Keys vars = kv ? Keys(c.varnames.begin(), c.varnames.begin() + *kv) : sig;
    Keys cells(c.cellvars.begin(), c.cellvars.begin() + kc);
    KeySet vin = key_set(vars, uses), cin = key_set(cells, uses);
    KeySet fin = key_set(views(c.freevars), 0);
    for (const Operand& op : v.operands)
      for (const Use& u : op.uses) {
        if (u.kind == Use::kLocal) {
          bool known = vin.count(u.name) || (localsplus && (cin.count(u.name) || fin.count(u.name)));
          if (!known) add(vars, vin, u.name);
        } else if (u.kind == Use::kFree && !cin.count(u.name) && !fin.count(u.name)) {
          add(cells, cin, u.name);
        }
      }
    return {vars, cells};
  }
};

std::optional<size_t> written(size_t k, size_t base) {
  return k == base ? std::nullopt : std::optional<size_t>(k);
}

}  // namespace

void choose_tables(View& v) {
  const Code& c = *v.orig;
  Sim sim{v, c.version.at_least(11), {}, {}, {}, 0};
  size_t nsig = 0;
  if (v.signature) {
    nsig = static_cast<size_t>(c.argcount + c.kwonlyargcount) + ((c.flags & kVarArgs) ? 1 : 0) +
           ((c.flags & kVarKeywords) ? 1 : 0);
    sim.sig.assign(c.varnames.begin(), c.varnames.begin() + nsig);
  }
  if (v.force.tables) {
    v.consts = written(c.consts.size(), 0);
    v.names = written(c.names.size(), 0);
    v.cellvars = written(c.cellvars.size(), 0);
    v.varnames = c.varnames.size() > nsig || !v.signature
                     ? written(c.varnames.size(), 0)
                     : std::nullopt;
    return;
  }
  std::vector<std::string> const_strings, const_use_strings;
  for (const ObjectPtr& o : c.consts) const_strings.push_back(const_key(*o));
  for (const Operand& op : v.operands)
    for (const Use& u : op.uses) {
      if (u.kind == Use::kConst) const_use_strings.push_back(const_key(*u.obj));
      if (u.kind == Use::kName) sim.name_uses.push_back(u.name);
      ++sim.uses;
    }
  Keys const_keys = views(const_strings), names = views(c.names);
  sim.const_uses = views(const_use_strings);
  v.consts = written(shortest_prefix_of_uses(const_keys, sim.const_uses), 0);
  v.names = written(shortest_prefix_of_uses(names, sim.name_uses), 0);
  size_t kc = shortest_prefix(views(c.cellvars), 0, [&](size_t k) { return sim.locals({}, k).second; });
  v.cellvars = written(kc, 0);
  // Without a `.varnames`, the signature's names come first; a written one
  // must repeat them.
  Keys varnames = views(c.varnames);
  if (sim.locals({}, kc).first == varnames) {
    v.varnames = std::nullopt;
  } else {
    size_t kv = shortest_prefix(varnames, std::min(nsig + 1, c.varnames.size()),
                                [&](size_t k) { return sim.locals(k, kc).first; });
    v.varnames = kv;
  }
}

}  // namespace pyasm::disasm
