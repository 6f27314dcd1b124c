// The IR in the middle: a resolved code object. The assembler's resolver
// produces it from text, the encoder fills in its bytes, the marshal writer
// serialises it; the disassembler will produce it from a pyc.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "pyasm/object.hpp"
#include "pyasm/version.hpp"

namespace pyasm {

// Source position of an instruction (3.11+ carries columns). -1 = unknown.
struct Location {
  int line = -1;
  int end_line = -1;
  int col = -1;
  int end_col = -1;
  friend bool operator==(const Location&, const Location&) = default;
};

struct Instr {
  uint8_t opcode = 0;
  uint32_t arg = 0;         // resolved oparg; for jumps, filled in by the encoder
  int target = -1;          // jumps: index of the target instruction
  Location loc;             // position for the line/location table
  bool line_start = false;  // a `.line` directive precedes it (≤3.10 line entries)
  uint8_t prefixes = 0;     // EXTENDED_ARG prefixes written (or read); 0 = as few as needed
  uint32_t src = 0;         // offset in the .pyasm text, for diagnostics
};

// A `.line` directive: line `line` starts before instruction `instr` (which
// may be one past the last, as CPython's ≤3.9 tables sometimes address).
struct LineEvent {
  int instr;
  int line;
};

// 3.11+ exception table entry over instruction indices [start, end).
struct ExceptionEntry {
  int start = 0;
  int end = 0;
  int handler = 0;
  int depth = 0;
  bool lasti = false;
  uint32_t src = 0;
};

// Code-object flag bits (co_flags), shared by all versions.
enum CodeFlag : uint32_t {
  kOptimized = 0x1, kNewLocals = 0x2, kVarArgs = 0x4, kVarKeywords = 0x8,
  kNested = 0x10, kGenerator = 0x20, kNoFree = 0x40, kCoroutine = 0x80,
  kIterableCoroutine = 0x100, kAsyncGenerator = 0x200,
};

struct Code {
  Version version;
  int argcount = 0;
  int posonlyargcount = 0;
  int kwonlyargcount = 0;
  uint32_t flags = 0;
  int firstlineno = 1;
  std::optional<int> stacksize_override;  // `.stacksize` in the source

  std::vector<ObjectPtr> consts;
  std::vector<std::string> names;
  std::vector<std::string> varnames;
  std::vector<std::string> cellvars;
  std::vector<std::string> freevars;
  std::vector<std::string> hidden;  // 3.12+: locals of inlined comprehensions
  std::string filename;
  std::string name;
  std::string qualname;

  std::vector<Instr> instrs;
  std::vector<LineEvent> line_events;  // ≤3.9 line table: one entry each
  std::vector<ExceptionEntry> exceptions;

  // Filled by the encoder.
  int stacksize = 0;
  std::string code_bytes;
  std::string linetable;       // co_lnotab (≤3.9), co_linetable (3.10+)
  std::string exceptiontable;  // 3.11+
};

// 3.11+ localsplus: names and kind bytes (0x20 local, 0x40 cell, 0x80 free,
// 0x10 hidden from 3.12), derived from varnames, cellvars, freevars and
// hidden. A cell that is also an argument or local shares its slot (0x60).
struct LocalsPlus {
  std::vector<std::string> names;
  std::string kinds;
};
LocalsPlus localsplus(const Code& code);

}  // namespace pyasm
