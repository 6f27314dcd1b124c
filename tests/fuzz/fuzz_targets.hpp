// What the libFuzzer targets do with one input, shared with the unit test
// that replays the regression files (tests/test_fuzz_regressions.cpp), so a
// found input is checked the same way in every build, sanitized or not.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "pyasm/assembler.hpp"
#include "pyasm/disasm.hpp"
#include "pyasm/pyc_reader.hpp"

namespace pyasm_fuzz {

// The text front end: parse, resolve, encode, write_pyc. The first byte
// picks the version a file without `.python` targets (3.6-3.13); the rest is
// the text. Any input gives a pyc or diagnostics, nothing else.
inline void text_one(const uint8_t* data, size_t size) {
  if (size == 0) return;
  pyasm::Version version{3, 6 + data[0] % 8};
  pyasm::SourceFile file{"fuzz.pyasm",
                         std::string(reinterpret_cast<const char*>(data) + 1, size - 1)};
  pyasm::AssembleOptions opts;
  opts.default_version = [version] { return version; };
  // `.include` lines are parsed, but no file is read: the fuzzer must not
  // wander the file system (test_include.cpp covers reading).
  opts.includes = false;
  pyasm::Diagnostics diags;
  (void)pyasm::assemble(file, opts, diags);
  // Rendering walks every diagnostic's position: it must hold too.
  (void)diags.render();
}

// The pyc reader and the disassembler. When both succeed, the printer
// verified its text and the reader found nothing write_pyc cannot express,
// assembling the text must give back the input byte for byte
// (docs/disasm.md). Returns what went wrong, empty when nothing did.
inline std::string pyc_one(const uint8_t* data, size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  pyasm::Diagnostics diags;
  auto pyc = pyasm::read_pyc(bytes, "fuzz.pyc", diags);
  (void)diags.render();
  if (!pyc) return "";
  pyasm::DisasmStats stats;
  auto text = pyasm::disassemble(*pyc, "fuzz.pyc", diags, {.verify = true, .stats = &stats});
  (void)diags.render();
  if (!text || !stats.verified || pyc->marshal_mismatch >= 0) return "";
  pyasm::SourceFile file{"fuzz.pyasm", *text};
  // A pyc may hold code the verifier rightly rejects (it would crash
  // CPython); the text must still rebuild it, as `build --no-verify` does.
  // The verifier runs too, on realistic code, and only must not fail.
  pyasm::Diagnostics checked;
  (void)pyasm::assemble(file, {}, checked);
  pyasm::Diagnostics again;
  pyasm::AssembleOptions no_verify;
  no_verify.verify = false;
  auto rebuilt = pyasm::assemble(file, no_verify, again);
  if (rebuilt && *rebuilt == bytes) return "";
  return std::string("round trip failed: ") + (rebuilt ? "different bytes\n" : again.render()) +
         "--- text ---\n" + *text;
}

}  // namespace pyasm_fuzz
