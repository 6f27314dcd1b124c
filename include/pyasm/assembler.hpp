// The assembler pipeline: text -> statements -> resolved code objects ->
// encoded bytes -> pyc. Each stage reports into a Diagnostics sink.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pyasm/ast.hpp"
#include "pyasm/code.hpp"
#include "pyasm/diagnostics.hpp"
#include "pyasm/marshal.hpp"

namespace pyasm {

// The version a file targets: its `.python` directive, else `fallback`.
// Reports a directive that disagrees with an explicitly requested version.
// nullopt (with an error) when neither says, or the version is unsupported.
std::optional<Version> target_version(const Module& module, const SourceFile& file,
                                      std::optional<Version> requested, Diagnostics& diags);

// Resolves and encodes every code object of the module (labels, tables,
// opargs, bytes, line and exception tables, stack depth). nullptr on error.
std::shared_ptr<const Code> resolve(const Module& module, const SourceFile& file, Version version,
                                    Diagnostics& diags);

// Parses and resolves `file` in one pass (what assemble() does before the
// verifier and the marshal writer). The version is the file's `.python`
// directive, checked against `requested`; without one, `requested`, else
// what `fallback` (may be empty) says. A file that starts with `.python`
// is resolved as the parser goes, block by block, and never holds its
// whole syntax tree; errors of either stage go to `diags`. nullptr on error.
// `done`, when given, is called with each code object as soon as it is
// resolved and encoded (a nested block before the block that holds it),
// with the `.code` IDs from the module down to it (none for the module).
// It may empty the object's fields: the block that holds it only needs the
// object itself among its constants. The disassembler's rebuild check
// compares each code object there and keeps none of them whole.
using BlockDone = std::function<void(const std::vector<std::string_view>& ids, Code& code)>;
std::shared_ptr<const Code> parse_and_resolve(
    const SourceFile& file, std::optional<Version> requested,
    const std::function<std::optional<Version>()>& fallback, Diagnostics& diags,
    const BlockDone& done = {});

// Encodes one resolved code object in place: code bytes with EXTENDED_ARG and
// CACHE units, line table, exception table and stack size. False on error.
bool encode(Code& code, const SourceFile& file, Diagnostics& diags);

// encode() without the stack size: code bytes, line table and exception
// table only (the disassembler's trial encodings). Reads only the version,
// instructions, line events, co_firstlineno, exception entries and raw tables.
bool encode_bytes(Code& code, const SourceFile& file, Diagnostics& diags);

// Computes co_stacksize by stack-effect analysis over every path
// (jumps, fall-through and exception handlers). -1 after reporting an error.
int compute_stacksize(const Code& code, const SourceFile& file, Diagnostics& diags);

struct AssembleOptions {
  // --python: the file's `.python`, if any, must agree with it.
  std::optional<Version> version;
  // Asked only when neither the file nor `version` names a version (the CLI
  // asks the python3 on PATH).
  std::function<std::optional<Version>()> default_version;
  PycHeader header;
  // Run the bytecode verifier (docs/verifier.md); off only for tests that
  // need code CPython would crash on.
  bool verify = true;
  // `.include` (docs/language.md): the folders searched after the including
  // file's own (`-I`), and, when not null, every file read, for `-MD`.
  // `includes = false` makes every `.include` an error (no file is read).
  std::vector<std::string> include_dirs;
  std::vector<std::string>* dependencies = nullptr;
  bool includes = true;
};

// Text to pyc bytes. nullopt when anything was reported as an error.
std::optional<std::string> assemble(const SourceFile& file, const AssembleOptions& options,
                                    Diagnostics& diags);

}  // namespace pyasm
