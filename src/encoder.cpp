// The encoder: resolved instructions to co_code, the line table and the
// exception table. Jump opargs depend on offsets and offsets on how many
// EXTENDED_ARG prefixes each instruction needs, so sizes are iterated to a
// fixed point; a size only ever grows, which guarantees termination.
#include <algorithm>
#include <cstring>

#include "pyasm/assembler.hpp"
#include "pyasm/opcodes.hpp"
#include "resolve.hpp"

namespace pyasm {

namespace {

int prefixes_for(uint32_t arg) {
  return arg > 0xFFFFFF ? 3 : arg > 0xFFFF ? 2 : arg > 0xFF ? 1 : 0;
}

struct Layout {
  std::vector<int> prefixes;    // EXTENDED_ARG count per instruction
  std::vector<int> start;       // code-unit offset of each instruction's first unit; +1 = end
  std::vector<uint32_t> jumps;  // the instructions with a target
};

// The jump oparg for instruction i, or an error message.
std::optional<uint32_t> jump_arg(const OpcodeTable& t, const OpInfo& op, const Layout& lay,
                                 const std::vector<Instr>& ins, size_t i, std::string& err) {
  int target = lay.start[ins[i].target];
  // "next" is after the instruction and its inline caches.
  int next = lay.start[i + 1];
  bool units = t.version.at_least(10);  // 3.10+: code units, before: bytes
  int scale = units ? 1 : 2;
  long v = 0;
  switch (op.kind) {
    case ArgKind::JumpAbs: v = static_cast<long>(target) * scale; break;
    case ArgKind::JumpRel:
      v = static_cast<long>(target - next) * scale;
      if (v < 0) {
        err = std::string(op.name) + " jumps forward only, but its target is before it" +
              (t.version.at_least(11) ? "; use a JUMP_BACKWARD form" : "");
        return std::nullopt;
      }
      break;
    case ArgKind::JumpBack:
      v = static_cast<long>(next - target) * scale;
      if (v < 0) {
        err = std::string(op.name) + " jumps backward only, but its target is after it";
        return std::nullopt;
      }
      break;
    default: return ins[i].arg;
  }
  return static_cast<uint32_t>(v);
}

bool layout(Code& code, const OpcodeTable& t, Layout& lay, const Sink& sink) {
  size_t n = code.instrs.size();
  lay.prefixes.resize(n);
  lay.start.resize(n + 1);
  lay.jumps.clear();
  // The vectors' storage in locals: every instruction is placed again
  // after a jump grows, and pushing a jump must not make them be reloaded.
  int* start = lay.start.data();
  int* prefixes = lay.prefixes.data();
  const Instr* instrs = code.instrs.data();
  // Inline caches exist from 3.11: before, no opcode's entry need be read.
  const bool caches = t.version.at_least(11);
  auto units = [&](size_t i) {  // instruction i's code units
    return 1 + prefixes[i] + (caches ? t.find(instrs[i].opcode)->caches : 0);
  };
  // The first layout, with no prefixes on jumps yet; then only jumps change.
  int at = 0;
  for (size_t i = 0; i < n; ++i) {
    const Instr& in = instrs[i];
    start[i] = at;
    int pre = in.prefixes;
    if (in.target >= 0)
      lay.jumps.push_back(static_cast<uint32_t>(i));
    else if (in.arg > 0xFF)  // most opargs fit in a byte: no prefixes_for
      pre = std::max(pre, prefixes_for(in.arg));
    prefixes[i] = pre;
    at += 1 + pre;
    if (caches) at += t.find(in.opcode)->caches;
  }
  start[n] = at;
  for (bool changed = true; changed;) {
    changed = false;
    bool ok = true;
    std::string err;
    for (uint32_t i : lay.jumps) {
      Instr& in = code.instrs[i];
      auto arg = jump_arg(t, *t.find(in.opcode), lay, code.instrs, i, err);
      if (!arg) {
        sink.error(in.src, err);  // a direction error: report them all
        ok = false;
        continue;
      }
      in.arg = *arg;
      int need = prefixes_for(*arg);
      if (in.prefixes && need > in.prefixes) {
        sink.error(in.src, "this jump's oparg " + std::to_string(*arg) + " needs " +
                               std::to_string(need) + " EXTENDED_ARG prefixes, " +
                               std::to_string(in.prefixes) + " written");
        ok = false;
        continue;
      }
      if (need > lay.prefixes[i]) {
        lay.prefixes[i] = need;
        changed = true;
      }
    }
    if (!ok) return false;
    if (changed)
      for (size_t i = 0; i < n; ++i) start[i + 1] = start[i] + units(i);
  }
  return true;
}

void emit_code(Code& code, const OpcodeTable& t, const Layout& lay) {
  std::string& out = code.code_bytes;
  const size_t n = code.instrs.size();
  out.assign(2 * static_cast<size_t>(lay.start[n]), '\0');  // caches stay zero
  // In locals: a char store may alias anything, which would make every
  // step reload them.
  char* bytes = out.data();
  const Instr* instrs = code.instrs.data();
  const int* start = lay.start.data();
  const int* prefixes = lay.prefixes.data();
  const char extended_arg = static_cast<char>(t.extended_arg);
  for (size_t i = 0; i < n; ++i) {
    const Instr& in = instrs[i];
    char* p = bytes + 2 * static_cast<size_t>(start[i]);
    for (int k = prefixes[i]; k > 0; --k) {
      *p++ = extended_arg;
      *p++ = static_cast<char>((in.arg >> (8 * k)) & 0xFF);
    }
    // One two-byte store (the code unit in its byte order) instead of two.
    const unsigned char unit[2] = {in.opcode, static_cast<unsigned char>(in.arg & 0xFF)};
    std::memcpy(p, unit, 2);
  }
}

// Writes the byte pairs of the ≤3.10 line tables through a pointer into
// `buf`, scratch space kept at its size from table to table: a string's +=
// checks its capacity and writes its terminator for every byte.
class PairWriter {
 public:
  PairWriter(std::string& buf, size_t pairs) : buf_(buf) {
    if (buf_.size() < 2 * pairs) buf_.resize(2 * pairs);
    p_ = buf_.data();
    end_ = p_ + buf_.size();
  }
  void operator()(int a, int b) {
    if (end_ - p_ < 2) grow();
    p_[0] = static_cast<char>(a);
    p_[1] = static_cast<char>(static_cast<int8_t>(b));
    p_ += 2;
  }
  // The table so far.
  std::string_view written() const { return {buf_.data(), static_cast<size_t>(p_ - buf_.data())}; }

 private:
  [[gnu::noinline]] void grow() {
    size_t at = static_cast<size_t>(p_ - buf_.data());
    buf_.resize(2 * buf_.size() + 16);
    p_ = buf_.data() + at;
    end_ = buf_.data() + buf_.size();
  }
  std::string& buf_;
  char* p_;
  char* end_;
};

// ≤3.9 co_lnotab: (Δbytes, Δline) pairs, one entry per `.line` event.
void emit_lnotab(const Code& code, const Layout& lay, std::string& buf, std::string& out) {
  PairWriter pair(buf, code.line_events.size() + 1);
  int prev_off = 0, prev_line = code.firstlineno;
  for (const LineEvent& ev : code.line_events) {
    int off = 2 * lay.start[ev.instr];
    int d_off = off - prev_off;
    int d_line = ev.line - prev_line;
    // Only the first line, at offset 0 and equal to co_firstlineno, goes
    // without an entry; CPython 3.6-3.9 keep later (0, 0) entries, which
    // their peephole pass leaves behind.
    if (d_off == 0 && d_line == 0 && &ev == &code.line_events.front()) continue;
    // Like CPython's assemble_lnotab: whole chunks first, by division.
    if (d_off > 255) {
      for (int k = d_off / 255; k > 0; --k) pair(255, 0);
      d_off %= 255;
    }
    if (d_line > 127 || d_line < -128) {
      int step = d_line > 0 ? 127 : -128;
      int chunks = d_line > 0 ? d_line / 127 : -d_line / 128;
      for (int k = 0; k < chunks; ++k) {
        pair(d_off, step);
        d_off = 0;
      }
      d_line -= chunks * step;
    }
    pair(d_off, d_line);
    prev_off = off;
    prev_line = ev.line;
  }
  out.assign(pair.written());
}

// 3.10 co_linetable: (Δbytes ≤ 254, Δline) per range; Δline -128 = no line.
// A range starts at every `.line` event.
void emit_linetable_310(const Code& code, const Layout& lay, std::string& buf, std::string& out) {
  int prev_line = code.firstlineno;
  size_t n = code.instrs.size();
  PairWriter pair(buf, n + 1);  // a range per instruction at most, but for long ones
  for (size_t i = 0, j; i < n; i = j) {
    for (j = i + 1; j < n && !code.instrs[j].line_start;) ++j;
    int len = 2 * (lay.start[j] - lay.start[i]);
    int line = code.instrs[i].loc.line;
    int d_line = -128;
    if (line >= 0) {
      d_line = line - prev_line;
      prev_line = line;
      for (; d_line > 127; d_line -= 127) pair(0, 127);
      for (; d_line < -127; d_line += 127) pair(0, -127);
    }
    for (; len > 254; len -= 254) {
      pair(254, d_line);
      if (d_line != -128) d_line = 0;
    }
    pair(len, d_line);
  }
  out.assign(pair.written());
}

// 3.11+ location table (Objects/locations.md): one entry per instruction in
// 3.11, per run of equal locations from 3.12; long spans split by 8 units.
// Written through a pointer into a buffer sized for the worst case (see
// emit_locations): appending each byte or entry to a string cost a check
// of its capacity, and a call to memcpy, per entry.
constexpr size_t kMaxEntry = 1 + 4 * 6;  // a head and four varints of a 32-bit value

void write_varint(char*& p, unsigned v) {
  while (v >= 64) {
    *p++ = static_cast<char>(0x40 | (v & 63));
    v >>= 6;
  }
  *p++ = static_cast<char>(v);
}
void write_svarint(char*& p, int v) {
  write_varint(p, v < 0 ? (static_cast<unsigned>(-v) << 1) | 1 : static_cast<unsigned>(v) << 1);
}

char* emit_location(char* p, const Location& loc, int units, int& prev_line) {
  while (units > 0) {
    int len = std::min(units, 8);
    units -= len;
    char head = static_cast<char>(0x80 | (len - 1));
    if (loc.line < 0) {
      *p++ = static_cast<char>(head | (15 << 3));
      continue;
    }
    int d_line = loc.line - prev_line;
    int end_line = loc.end_line < 0 ? loc.line : loc.end_line;
    bool one_line = end_line == loc.line;
    if (loc.col < 0 && one_line) {
      *p++ = static_cast<char>(head | (13 << 3));
      write_svarint(p, d_line);
    } else if (one_line && d_line == 0 && loc.col < 80 && loc.end_col - loc.col >= 0 &&
               loc.end_col - loc.col < 16) {
      *p++ = static_cast<char>(head | ((loc.col >> 3) << 3));
      *p++ = static_cast<char>(((loc.col & 7) << 4) | (loc.end_col - loc.col));
    } else if (one_line && d_line >= 0 && d_line < 3 && loc.col < 128 && loc.end_col >= 0 &&
               loc.end_col < 128) {
      *p++ = static_cast<char>(head | ((10 + d_line) << 3));
      *p++ = static_cast<char>(loc.col);
      *p++ = static_cast<char>(loc.end_col);
    } else {
      *p++ = static_cast<char>(head | (14 << 3));
      write_svarint(p, d_line);
      write_varint(p, static_cast<unsigned>(end_line - loc.line));
      write_varint(p, static_cast<unsigned>(loc.col + 1));
      write_varint(p, static_cast<unsigned>(loc.end_col + 1));
    }
    prev_line = loc.line;
  }
  return p;
}

// `buf` is scratch space, kept at its size from table to table (a resize
// writes only the bytes it adds); the table goes to `out`.
void emit_locations(const Code& code, const Layout& lay, std::string& buf, std::string& out) {
  bool merge = code.version.at_least(12);
  int prev_line = code.firstlineno;
  size_t n = code.instrs.size();
  // A run of instructions starts at one of them, and has an entry per 8
  // code units or part of them.
  size_t bound = kMaxEntry * (n + static_cast<size_t>(lay.start[n]) / 8 + 1);
  if (buf.size() < bound) buf.resize(bound);
  char* const begin = buf.data();
  char* p = begin;
  for (size_t i = 0, j; i < n; i = j) {
    j = i + 1;
    while (merge && j < n && code.instrs[j].loc == code.instrs[i].loc) ++j;
    p = emit_location(p, code.instrs[i].loc, lay.start[j] - lay.start[i], prev_line);
  }
  out.assign(begin, static_cast<size_t>(p - begin));
}

// 3.11+ exception table: entries of 4 big-endian 6-bit varints (start,
// size, target, depth << 1 | lasti) in code units; 0x80 marks an entry's start.
void write_be_varint(std::string& out, unsigned v, bool first) {
  int shift = 0;
  while ((v >> shift) >= 64) shift += 6;
  for (; shift >= 0; shift -= 6) {
    char b = static_cast<char>((v >> shift) & 63);
    if (shift > 0) b |= 0x40;
    if (first) b |= static_cast<char>(0x80), first = false;
    out += b;
  }
}

void emit_exception_table(const Code& code, const Layout& lay, std::string& out) {
  // Written in the order given: the resolver sorts what it builds, and a
  // table read from a pyc keeps its own order.
  const std::vector<ExceptionEntry>& entries = code.exceptions;
  for (const ExceptionEntry& e : entries) {
    int start = lay.start[e.start];
    write_be_varint(out, static_cast<unsigned>(start), true);
    write_be_varint(out, static_cast<unsigned>(lay.start[e.end] - start), false);
    write_be_varint(out, static_cast<unsigned>(lay.start[e.handler]), false);
    write_be_varint(out, static_cast<unsigned>(e.depth << 1 | (e.lasti ? 1 : 0)), false);
  }
}

// Storage reused by every encode on this thread (one per code object): the
// layout, and a buffer the tables are written into and then copied out of
// at their final size, instead of each growing a string of its own.
struct Scratch {
  Layout lay;
  std::string buf;
  std::string locations;  // emit_locations' buffer
};

Scratch& scratch() {
  thread_local Scratch s;
  return s;
}

// Storage for code objects of up to this many instructions (and tables of
// up to 4 bytes per instruction) is kept; a larger one's is let go, so that
// the thread does not hold it for the rest of the run (pyasm disasm's peak
// memory is bounded).
constexpr size_t kKeepInstrs = 4096;

// encode_bytes with the scratch.
bool encode_with(Code& code, const SourceFile& file, Diagnostics& diags, Scratch& sc) {
  const OpcodeTable& t = *opcode_table(code.version);
  Sink sink{file, diags};
  Layout& lay = sc.lay;
  if (!layout(code, t, lay, sink)) return false;
  emit_code(code, t, lay);
  // Tables kept raw (`.lnotab`, `.linetable`, `.exceptiontable`, as the
  // disassembler writes them when pyasm's own encoding would differ) are
  // written as given; `.except` entries then only feed the stack analysis.
  if (code.raw_linetable) {
    code.linetable = *code.raw_linetable;
  } else if (code.version.at_least(11)) {
    emit_locations(code, lay, sc.locations, code.linetable);
  } else {
    if (code.version.at_least(10))
      emit_linetable_310(code, lay, sc.buf, code.linetable);
    else
      emit_lnotab(code, lay, sc.buf, code.linetable);
  }
  if (code.raw_exceptiontable) {
    code.exceptiontable = *code.raw_exceptiontable;
  } else if (code.version.at_least(11)) {
    sc.buf.clear();
    emit_exception_table(code, lay, sc.buf);
    code.exceptiontable = sc.buf;
  }
  return true;
}

}  // namespace

bool encode_bytes(Code& code, const SourceFile& file, Diagnostics& diags) {
  Scratch& sc = scratch();
  bool ok = encode_with(code, file, diags, sc);
  if (sc.lay.start.capacity() > kKeepInstrs || sc.buf.capacity() > 4 * kKeepInstrs ||
      sc.locations.size() > 2 * kMaxEntry * kKeepInstrs)
    sc = Scratch{};
  return ok;
}

bool encode(Code& code, const SourceFile& file, Diagnostics& diags) {
  if (!encode_bytes(code, file, diags)) return false;
  int depth = compute_stacksize(code, file, diags);
  if (depth < 0) return false;
  if (code.stacksize_override) {
    if (*code.stacksize_override < depth) {
      diags.error(file, code.instrs.empty() ? 0 : code.instrs[0].src,
                  "declared .stacksize " + std::to_string(*code.stacksize_override) +
                      " is below the " + std::to_string(depth) + " this code needs");
      return false;
    }
    depth = *code.stacksize_override;
  }
  // 3.13's code constructor raises a stack size of 0 to 1; match it.
  if (code.version.at_least(13) && depth == 0) depth = 1;
  code.stacksize = depth;
  return true;
}

}  // namespace pyasm
