// Reading .pyc files into the IR: the pyc header, the marshalled code
// object and its nested objects. Input may be hostile (truncated, huge
// lengths, deep nesting, bad references): every failure is reported as
// `FILE.pyc:0xOFFSET: error: while reading FIELD: ...`, never a crash, and
// memory and recursion stay bounded.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "pyasm/code.hpp"
#include "pyasm/diagnostics.hpp"
#include "pyasm/marshal.hpp"

namespace pyasm {

struct Pyc {
  Version version;
  PycHeader header;
  std::shared_ptr<const Code> code;
  // Offset in the file of the first byte that write_pyc would not give back
  // even with the marshal notes (a layout pyasm cannot express); -1 when the
  // rebuilt file is identical.
  long marshal_mismatch = -1;
  // The file's size in bytes (0 when not read from a file): the printer
  // sizes its text from it.
  size_t file_size = 0;
};

// What the byte at `offset` of a pyc belongs to, for reports: "co_consts[3]
// of f.g (tuple header)", "header: mtime", ... Empty if the file cannot be
// read that far.
std::string field_at(std::string_view pyc, size_t offset);

// The version whose magic number `magic` is, or nullopt.
std::optional<Version> version_from_magic(uint16_t magic);

// Reads a whole pyc: header (version from the magic number) and module code.
// Every code object gets its block ID (Code::block_id, unique among
// siblings) and the marshal notes (Code::marshal_notes) that make
// write_pyc give back these exact bytes.
std::optional<Pyc> read_pyc(std::string_view data, const std::string& name, Diagnostics& diags);

// Reads one marshalled object as CPython `version` wrote it; `base` is the
// offset of `data` in the file, for messages.
ObjectPtr read_marshal(std::string_view data, Version version, const std::string& name,
                       size_t base, Diagnostics& diags);

// Decodes a code object's bytes into instructions: EXTENDED_ARG prefixes
// folded into the next instruction's oparg, inline caches skipped, jump
// targets resolved to instruction indices. False (with a diagnostic) when
// the bytes do not form valid instructions for the version.
bool decode_instructions(Code& code, const std::string& name, Diagnostics& diags);

}  // namespace pyasm
