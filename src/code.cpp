// Code-object helpers that do not belong to one stage.
#include "pyasm/code.hpp"

#include <algorithm>

namespace pyasm {

namespace {

constexpr char kLocal = 0x20;
constexpr char kCell = 0x40;
constexpr char kFree = static_cast<char>(0x80);
constexpr char kHidden = 0x10;

}  // namespace

// CPython 3.11+ lays out the fast locals as varnames, then the cells that
// are not already locals (an argument captured by a closure keeps its
// argument slot), then the free variables.
LocalsPlus localsplus(const Code& code) {
  LocalsPlus lp;
  lp.names = code.varnames;
  lp.kinds.assign(code.varnames.size(), kLocal);
  for (const std::string& cell : code.cellvars) {
    auto it = std::find(code.varnames.begin(), code.varnames.end(), cell);
    if (it != code.varnames.end()) {
      lp.kinds[it - code.varnames.begin()] |= kCell;
    } else {
      lp.names.push_back(cell);
      lp.kinds.push_back(kCell);
    }
  }
  for (const std::string& free : code.freevars) {
    lp.names.push_back(free);
    lp.kinds.push_back(kFree);
  }
  for (const std::string& h : code.hidden) {
    auto it = std::find(lp.names.begin(), lp.names.end(), h);
    if (it != lp.names.end()) lp.kinds[it - lp.names.begin()] |= kHidden;
  }
  return lp;
}

}  // namespace pyasm
