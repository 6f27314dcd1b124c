// co_lnotab (3.6-3.9), co_linetable (3.10) and the location table (3.11+)
// decoded into line events and instruction locations.
#include "linetable_decode.hpp"

#include <algorithm>

#include "pyasm/opcodes.hpp"

namespace pyasm {

namespace {

int signed_byte(char c) { return static_cast<int8_t>(c); }

// Index of the instruction starting at code unit `unit`, the instruction
// count for the end of the code, -1 when `unit` starts none.
int index_at(const std::vector<int>& starts, long unit) {
  auto it = std::lower_bound(starts.begin(), starts.end(), unit);
  if (it == starts.end() || *it != unit) return -1;
  return static_cast<int>(it - starts.begin());
}

// ≤3.9: the logical (byte offset, line) entries. A (255, 0) pair, or a
// line step of ±127/-128 followed by a (0, ...) pair, continues an entry.
bool decode_lnotab(Code& code, const std::vector<int>& starts) {
  const std::string& t = code.linetable;
  if (t.size() % 2) return false;
  std::vector<std::pair<long, int>> entries;
  long addr = 0;
  int line = code.firstlineno;
  size_t n = t.size() / 2;
  for (size_t k = 0; k < n; ++k) {
    int da = static_cast<uint8_t>(t[2 * k]), dl = signed_byte(t[2 * k + 1]);
    addr += da;
    line += dl;
    bool more = k + 1 < n;
    int next_da = more ? static_cast<uint8_t>(t[2 * k + 2]) : -1;
    if (more && ((da == 255 && dl == 0) || ((dl == 127 || dl == -128) && next_da == 0))) continue;
    entries.emplace_back(addr, line);
  }
  code.line_events.clear();
  // The encoder leaves out a first event at offset 0 on co_firstlineno (as
  // CPython does); one is added so that a real (0, 0) entry survives.
  if (entries.empty() || entries[0].first != 0 || entries[0].second == code.firstlineno)
    code.line_events.push_back({0, code.firstlineno});
  for (auto [a, l] : entries) {
    int i = a % 2 ? -1 : index_at(starts, a / 2);
    if (i < 0 || l < 0) return false;
    code.line_events.push_back({i, l});
  }
  return true;
}

// 3.10: (length ≤ 254, Δline) pairs; -128 = no line. Zero-length pairs
// carry a large line step; a range longer than 254 bytes continues with a
// pair that repeats its line, which the encoder writes by itself.
bool decode_linetable_310(Code& code, const std::vector<int>& starts) {
  const std::string& t = code.linetable;
  if (t.size() % 2) return false;
  long addr = 0;
  int line = code.firstlineno;
  int prev_len = -1;
  bool prev_none = false;
  for (Instr& in : code.instrs) in.line_start = false, in.loc = {};
  int current = -1;  // the line of the range being read
  std::vector<std::pair<int, int>> ranges;  // (instruction, line or -1)
  for (size_t k = 0; k + 1 < t.size(); k += 2) {
    int len = static_cast<uint8_t>(t[k]), dl = signed_byte(t[k + 1]);
    int this_line = -1;
    if (dl != -128) this_line = line += dl;
    if (len == 0) continue;
    bool continued = prev_len == 254 && (prev_none ? dl == -128 : dl == 0);
    if (!continued) {
      if (addr % 2) return false;
      int i = index_at(starts, addr / 2);
      if (i < 0 || i >= static_cast<int>(code.instrs.size())) return false;
      ranges.emplace_back(i, this_line);
      current = this_line;
    }
    addr += len;
    prev_len = len;
    prev_none = current < 0;
  }
  if (addr != 2L * starts.back()) return false;
  for (size_t r = 0; r < ranges.size(); ++r) {
    int end = r + 1 < ranges.size() ? ranges[r + 1].first : static_cast<int>(code.instrs.size());
    code.instrs[ranges[r].first].line_start = true;
    for (int i = ranges[r].first; i < end; ++i) code.instrs[i].loc.line = ranges[r].second;
    if (ranges[r].second >= 0)
      for (int i = ranges[r].first; i < end; ++i) code.instrs[i].loc.end_line = ranges[r].second;
  }
  return true;
}

// 3.11+ varints: 6-bit groups, least significant first, 0x40 = more.
bool varint(const std::string& t, size_t& pos, unsigned& v) {
  v = 0;
  for (int shift = 0; pos < t.size() && shift < 32; shift += 6) {
    uint8_t b = static_cast<uint8_t>(t[pos++]);
    v |= static_cast<unsigned>(b & 63) << shift;
    if (!(b & 64)) return true;
  }
  return false;
}

bool svarint(const std::string& t, size_t& pos, int& v) {
  unsigned u;
  if (!varint(t, pos, u)) return false;
  v = u & 1 ? -static_cast<int>(u >> 1) : static_cast<int>(u >> 1);
  return true;
}

// 3.11+: the location table, entry by entry, into one Location per code unit.
bool decode_locations(Code& code, const std::vector<int>& starts) {
  const std::string& t = code.linetable;
  std::vector<Location> units;
  int line = code.firstlineno;
  for (size_t pos = 0; pos < t.size();) {
    uint8_t head = static_cast<uint8_t>(t[pos++]);
    if (!(head & 0x80)) return false;
    int kind = (head >> 3) & 15, len = (head & 7) + 1;
    Location loc;
    if (kind == 15) {
      // no location
    } else if (kind == 14) {
      int dl;
      unsigned end_dl, col, end_col;
      if (!svarint(t, pos, dl) || !varint(t, pos, end_dl) || !varint(t, pos, col) ||
          !varint(t, pos, end_col))
        return false;
      line += dl;
      loc = {line, line + static_cast<int>(end_dl), static_cast<int>(col) - 1,
             static_cast<int>(end_col) - 1};
    } else if (kind == 13) {
      int dl;
      if (!svarint(t, pos, dl)) return false;
      line += dl;
      loc = {line, line, -1, -1};
    } else if (kind >= 10) {
      if (pos + 2 > t.size()) return false;
      line += kind - 10;
      loc = {line, line, static_cast<uint8_t>(t[pos]), static_cast<uint8_t>(t[pos + 1])};
      pos += 2;
    } else {
      if (pos >= t.size()) return false;
      uint8_t b = static_cast<uint8_t>(t[pos++]);
      int col = kind * 8 + ((b >> 4) & 7);
      loc = {line, line, col, col + (b & 15)};
    }
    units.insert(units.end(), len, loc);
  }
  if (units.size() != static_cast<size_t>(starts.back())) return false;
  for (size_t i = 0; i < code.instrs.size(); ++i) code.instrs[i].loc = units[starts[i]];
  return true;
}

}  // namespace

std::vector<int> instruction_starts(const Code& code) {
  const OpcodeTable& t = *opcode_table(code.version);
  std::vector<int> starts(code.instrs.size() + 1, 0);
  for (size_t i = 0; i < code.instrs.size(); ++i) {
    const Instr& in = code.instrs[i];
    starts[i + 1] = starts[i] + 1 + in.prefixes + t.find(in.opcode)->caches;
  }
  return starts;
}

bool decode_line_info(Code& code) {
  std::vector<int> starts = instruction_starts(code);
  if (code.version.at_least(11)) return decode_locations(code, starts);
  if (code.version.at_least(10)) return decode_linetable_310(code, starts);
  return decode_lnotab(code, starts);
}

}  // namespace pyasm
