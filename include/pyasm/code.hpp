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

// 32 bytes (the byte-sized fields together): a large module has a few
// hundred thousand, twice over while the disassembler checks its text.
struct Instr {
  uint8_t opcode = 0;
  uint8_t prefixes = 0;     // EXTENDED_ARG prefixes written (or read); 0 = as few as needed
  bool line_start = false;  // a `.line` directive precedes it (≤3.10 line entries)
  uint32_t arg = 0;         // resolved oparg; for jumps, filled in by the encoder
  int target = -1;          // jumps: index of the target instruction
  Location loc;             // position for the line/location table
  uint32_t src = 0;         // offset in the .pyasm text, for diagnostics
};
static_assert(sizeof(Instr) == 32);

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

// One departure of a pyc's marshal stream from what pyasm's writer would do
// by default (its per-version model of CPython's writer: which objects are
// shared, which carry FLAG_REF, which type code each gets). The disassembler
// records these so that odd files round-trip byte for byte; text written by
// hand has none. `path` names an object of this code object's stream:
// "self" (the code object), "code", "consts", "consts.3", "consts.3.0",
// "names.2", "varnames", "freevars", "cellvars", "locals" (3.11+
// localsplusnames), "kinds" (localspluskinds), "filename", "name",
// "qualname", "lnotab"/"linetable", "exctable". See docs/disasm.md.
struct MarshalNote {
  enum Kind : uint8_t {
    kFlag,      // "+PATH": carries FLAG_REF though the rule says no
    kNoFlag,    // "-PATH": lacks FLAG_REF though the rule says yes
    kDistinct,  // "!PATH": written in full though an equal object came earlier
    kSame,      // "PATH=TARGET": a reference to the earlier object TARGET
    kType,      // "PATH~T": written with type code T (e.g. 'a' for a short str)
  };
  Kind kind = kFlag;
  std::string path;
  std::string target_block;  // kSame: "" = this code object; else the target
                             // code's block chain from the module ("f.g"),
                             // "^" = the module itself
  std::string target_path;   // kSame
  char type = 0;             // kType
  uint32_t src = 0;          // offset of its `.marshal` directive, for messages
};

// pyc header fields. 3.6 has no flags word (12-byte header); 3.7+ has 16 bytes.
struct PycHeader {
  uint32_t flags = 0;        // 0 timestamp; 1 unchecked hash; 3 checked hash
  uint32_t mtime = 0;        // !(flags & 1)
  uint32_t source_size = 0;  // !(flags & 1)
  uint64_t source_hash = 0;  // flags & 1
  friend bool operator==(const PycHeader&, const PycHeader&) = default;
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
  std::string block_id;  // the `.code` block's ID ("" for the module)

  // Kept as read from a pyc when pyasm's own encoding would differ
  // (`.lnotab`/`.linetable`/`.exceptiontable` with a bytes literal): the
  // encoder then writes these bytes instead of building the table.
  std::optional<std::string> raw_linetable;
  std::optional<std::string> raw_exceptiontable;
  // ≤3.10 co_nlocals when it is not len(co_varnames) (never in CPython's
  // own output).
  std::optional<int> nlocals_override;

  // Read from a pyc: file offsets of the bytes of co_code and of the
  // exception table (for messages about them); 0 when not read from a file.
  uint32_t code_offset = 0;
  uint32_t exctable_offset = 0;

  // Departures from the default marshal layout (`.marshal "..."`).
  std::vector<MarshalNote> marshal_notes;
  // The module only: a `.pyc` directive's header (kept by the disassembler).
  std::optional<PycHeader> pyc_header;

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
