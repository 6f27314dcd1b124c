// co_code to instructions: the encoder's inverse. EXTENDED_ARG prefixes are
// folded into the instruction they extend, inline CACHE units skipped, and
// jump opargs turned back into target instruction indices (the version's
// jump encoding, as in encoder.cpp, read backwards).
#include <algorithm>
#include <cstdio>

#include "pyasm/opcodes.hpp"
#include "pyasm/pyc_reader.hpp"

namespace pyasm {

namespace {

std::string hex(size_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%zx", v);
  return buf;
}

// The code unit a jump lands on, from its oparg; -1 if it cannot be one.
long jump_target_unit(const OpcodeTable& t, const OpInfo& op, uint32_t arg, long next) {
  bool units = t.version.at_least(10);
  long a = static_cast<long>(arg);
  if (!units && (a & 1)) return -1;  // byte offsets of instructions are even
  long d = units ? a : a / 2;
  switch (op.kind) {
    case ArgKind::JumpAbs: return d;
    case ArgKind::JumpRel: return next + d;
    case ArgKind::JumpBack: return next - d;
    default: return -1;
  }
}

// One big-endian varint of the 3.11+ exception table (6-bit groups, 0x40 =
// more follow); false at the end of the table.
bool read_be_varint(const std::string& t, size_t& pos, unsigned& v) {
  v = 0;
  for (int n = 0; pos < t.size() && n < 6; ++n) {
    uint8_t byte = static_cast<uint8_t>(t[pos++]);
    v = (v << 6) | (byte & 63);
    if (!(byte & 64)) return true;
  }
  return false;
}

bool decode_exception_table(Code& code, const std::vector<int>& index_of_unit, long units,
                            const std::string& name, Diagnostics& diags) {
  const std::string& t = code.exceptiontable;
  code.exceptions.clear();
  for (size_t pos = 0; pos < t.size();) {
    const size_t entry_at = pos;
    unsigned start, size, target, dl;
    if (!(static_cast<uint8_t>(t[pos]) & 0x80) || !read_be_varint(t, pos, start) ||
        !read_be_varint(t, pos, size) || !read_be_varint(t, pos, target) ||
        !read_be_varint(t, pos, dl)) {
      diags.binary_error(name, code.exctable_offset + entry_at,
                         "while reading co_exceptiontable of " + code.name +
                             ": malformed entry");
      return false;
    }
    long end = static_cast<long>(start) + size;
    auto index = [&](long unit) {
      return unit == units ? static_cast<int>(code.instrs.size())
             : unit >= 0 && unit < units ? index_of_unit[static_cast<size_t>(unit)]
                                          : -1;
    };
    int s = index(start), e = index(end), h = index(target);
    if (s < 0 || e < 0 || h < 0 || h >= static_cast<int>(code.instrs.size()) || e <= s) {
      diags.binary_error(name, code.exctable_offset + entry_at,
                         "while reading co_exceptiontable of " + code.name +
                             ": entry does not fall on instruction boundaries");
      return false;
    }
    code.exceptions.push_back({s, e, h, static_cast<int>(dl >> 1), (dl & 1) != 0, 0});
  }
  return true;
}

}  // namespace

bool decode_instructions(Code& code, const std::string& name, Diagnostics& diags) {
  const OpcodeTable& t = *opcode_table(code.version);
  const std::string& b = code.code_bytes;
  if (b.size() % 2) {
    diags.binary_error(name, code.code_offset, "co_code of " + code.name + " has an odd length " +
                                    std::to_string(b.size()));
    return false;
  }
  const long units = static_cast<long>(b.size() / 2);
  std::vector<int> index_of_unit(static_cast<size_t>(units) + 1, -1);
  // Per instruction: its first unit (prefixes included) and the unit after
  // it and its caches.
  struct Span {
    long start, next;
  };
  std::vector<Span> spans;
  // Count first, so that every vector is allocated once and exactly (3.11+
  // has more code units than instructions: the caches).
  size_t n = 0;
  for (long u = 0; u < units;) {
    uint8_t opcode = static_cast<uint8_t>(b[2 * u]);
    const OpInfo* op = t.find(opcode);
    if (!op) break;  // reported below
    if (opcode == t.extended_arg) {
      ++u;
    } else {
      u += 1 + op->caches;
      ++n;
    }
  }
  spans.reserve(n);
  code.instrs.clear();
  code.instrs.reserve(n);
  uint32_t ext = 0;
  long start = 0;  // first unit of the current instruction, prefixes included
  for (long u = 0; u < units;) {
    uint8_t opcode = static_cast<uint8_t>(b[2 * u]);
    uint8_t arg = static_cast<uint8_t>(b[2 * u + 1]);
    const OpInfo* op = t.find(opcode);
    if (!op) {
      diags.binary_error(name, code.code_offset + static_cast<size_t>(2 * u),
                         "unknown opcode " + std::to_string(opcode) + " for CPython " +
                             code.version.str() + " in co_code of " + code.name);
      return false;
    }
    if (opcode == t.extended_arg) {
      ext = (ext | arg) << 8;
      ++u;
      continue;
    }
    Instr in;
    in.opcode = opcode;
    in.arg = ext | arg;
    in.prefixes = static_cast<uint8_t>(std::min<long>(u - start, 255));  // kept as read
    ext = 0;
    index_of_unit[static_cast<size_t>(start)] = static_cast<int>(code.instrs.size());
    u += 1 + op->caches;
    if (u > units) {
      diags.binary_error(name, code.code_offset + static_cast<size_t>(2 * start),
                         std::string(op->name) + "'s inline caches run past the end of co_code");
      return false;
    }
    code.instrs.push_back(in);
    spans.push_back({start, u});
    start = u;
  }
  if (ext) {
    diags.binary_error(name, code.code_offset + b.size(),
                       "co_code of " + code.name + " ends in EXTENDED_ARG");
    return false;
  }
  for (size_t i = 0; i < code.instrs.size(); ++i) {
    Instr& in = code.instrs[i];
    const OpInfo& op = *t.find(in.opcode);
    if (!op.jumps()) continue;
    long target = jump_target_unit(t, op, in.arg, spans[i].next);
    if (target < 0 || target >= units || index_of_unit[static_cast<size_t>(target)] < 0) {
      diags.binary_error(name, code.code_offset + 2 * static_cast<size_t>(spans[i].start),
                         std::string(op.name) + " in " + code.name +
                                      " jumps to " + hex(static_cast<size_t>(2 * target)) +
                                      ", which is not the start of an instruction");
      return false;
    }
    in.target = index_of_unit[static_cast<size_t>(target)];
  }
  return code.version.at_least(11)
             ? decode_exception_table(code, index_of_unit, units, name, diags)
             : true;
}

}  // namespace pyasm
