// Which tables the disassembler writes out. The resolver builds co_consts,
// co_names, co_varnames and co_cellvars from the operands in order of first
// use, after the entries a `.consts`/`.names`/... directive lists; the
// printer writes the shortest such list that makes that process give the
// table the pyc has (often nothing, often just the `None` CPython puts
// first in a function's constants).
#include <algorithm>
#include <functional>

#include "disasm_impl.hpp"

namespace pyasm::disasm {

namespace {

// Tables are simulated over ids: equal strings, equal ids (first_indices),
// so no string is compared or hashed while the candidates are tried.
using Ids = std::vector<uint32_t>;

// The shortest k >= base such that derive(k) == actual. derive(k) starts
// from actual[0, k) and appends first uses; if it first differs from
// actual at m, every k' in (k, m] derives the same table (those entries
// were appended in the right place anyway), so the search jumps to m + 1.
size_t shortest_prefix(const Ids& actual, size_t base, const std::function<const Ids&(size_t)>& derive) {
  for (size_t k = base; k < actual.size();) {
    const Ids& got = derive(k);
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
// first[j]: the first index of entry j's value; a use is the first index
// of its value, so it is among actual[0, k) exactly when it is below k.
size_t shortest_prefix_of_uses(const std::vector<int>& first, const std::vector<Use>& all,
                               Use::Kind kind) {
  size_t n = first.size();
  Ids firsts;  // each use once, in order of first use
  std::vector<uint8_t> seen(n, 0);
  for (const Use& u : all)
    if (u.kind == kind && !seen[u.index]) seen[u.index] = 1, firsts.push_back(u.index);
  size_t k = 0;
  while (k < n) {
    // derive(k) = actual[0, k) + the uses not in it; m = where it departs.
    size_t m = k;
    bool longer = false;
    for (uint32_t u : firsts) {
      if (u < k) continue;
      if (m == n || first[m] != static_cast<int>(u)) {
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

// co_varnames and co_cellvars as the resolver builds them from the local
// and free operands, over ids of the names in varnames, cellvars, freevars.
struct Sim {
  bool localsplus;  // 3.11+: LOAD_FAST also finds cells and free variables
  Ids varnames, cellvars, freevars, sig;
  std::vector<std::pair<Use::Kind, uint32_t>> uses;  // local and free uses, in order
  std::vector<uint8_t> vin, cin, fin;                // ids in the tables so far
  Ids vars, cells;

  Sim(const View& v, size_t nsig) : localsplus(v.orig->version.at_least(11)) {
    const Code& c = *v.orig;
    const Lookups& lk = v.lookups;
    // A use's name is entry `index` of what Local/Free opargs index: ≤3.10
    // co_varnames and co_cellvars + co_freevars, placed as in `all`; 3.11+
    // the localsplus names, appended.
    std::vector<std::string_view> all(c.varnames.begin(), c.varnames.end());
    all.insert(all.end(), c.cellvars.begin(), c.cellvars.end());
    all.insert(all.end(), c.freevars.begin(), c.freevars.end());
    size_t tables = all.size(), locals = 0, derefs = c.varnames.size();
    if (localsplus) {
      locals = derefs = all.size();
      all.insert(all.end(), lk.locals.begin(), lk.locals.end());
    }
    std::vector<int> ids = first_indices(all);
    auto id = [&](size_t k) { return static_cast<uint32_t>(ids[k]); };
    size_t k = 0;
    for (; k < c.varnames.size(); ++k) varnames.push_back(id(k));
    for (; k < c.varnames.size() + c.cellvars.size(); ++k) cellvars.push_back(id(k));
    for (; k < tables; ++k) freevars.push_back(id(k));
    for (const Use& u : v.uses) {
      if (u.kind == Use::kLocal) uses.push_back({u.kind, id(locals + u.index)});
      if (u.kind == Use::kFree) uses.push_back({u.kind, id(derefs + u.index)});
    }
    sig.assign(varnames.begin(), varnames.begin() + nsig);
    fin.assign(all.size(), 0);
    for (uint32_t f : freevars) fin[f] = 1;
  }

  // Cells, and with them the locals (whose lookups see the cells so far).
  void locals(std::optional<size_t> kv, size_t kc) {
    if (kv) vars.assign(varnames.begin(), varnames.begin() + *kv);
    else vars = sig;
    cells.assign(cellvars.begin(), cellvars.begin() + kc);
    vin.assign(fin.size(), 0);
    cin.assign(fin.size(), 0);
    for (uint32_t x : vars) vin[x] = 1;
    for (uint32_t x : cells) cin[x] = 1;
    for (auto [kind, x] : uses) {
      if (kind == Use::kLocal) {
        bool known = vin[x] || (localsplus && (cin[x] || fin[x]));
        if (!known) vars.push_back(x), vin[x] = 1;
      } else if (!cin[x] && !fin[x]) {
        cells.push_back(x), cin[x] = 1;
      }
    }
  }
};

std::optional<size_t> written(size_t k, size_t base) {
  return k == base ? std::nullopt : std::optional<size_t>(k);
}

}  // namespace

void choose_tables(View& v) {
  const Code& c = *v.orig;
  size_t nsig = 0;
  if (v.signature)
    nsig = static_cast<size_t>(c.argcount + c.kwonlyargcount) + ((c.flags & kVarArgs) ? 1 : 0) +
           ((c.flags & kVarKeywords) ? 1 : 0);
  if (v.force.tables) {
    v.consts = written(c.consts.size(), 0);
    v.names = written(c.names.size(), 0);
    v.cellvars = written(c.cellvars.size(), 0);
    v.varnames = c.varnames.size() > nsig || !v.signature
                     ? written(c.varnames.size(), 0)
                     : std::nullopt;
    return;
  }
  v.consts = written(shortest_prefix_of_uses(v.lookups.const_first, v.uses, Use::kConst), 0);
  v.names = written(shortest_prefix_of_uses(v.lookups.name_first, v.uses, Use::kName), 0);
  Sim sim(v, nsig);
  size_t kc = shortest_prefix(sim.cellvars, 0, [&](size_t k) -> const Ids& {
    sim.locals({}, k);
    return sim.cells;
  });
  v.cellvars = written(kc, 0);
  // Without a `.varnames`, the signature's names come first; a written one
  // must repeat them.
  sim.locals({}, kc);
  if (sim.vars == sim.varnames) {
    v.varnames = std::nullopt;
  } else {
    size_t kv = shortest_prefix(sim.varnames, std::min(nsig + 1, c.varnames.size()),
                                [&](size_t k) -> const Ids& {
                                  sim.locals(k, kc);
                                  return sim.vars;
                                });
    v.varnames = kv;
  }
}

}  // namespace pyasm::disasm
