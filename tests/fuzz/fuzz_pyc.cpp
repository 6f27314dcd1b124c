// libFuzzer target: the pyc reader and the disassembler. Arbitrary bytes go
// through read_pyc and disassemble; when both succeed, the printer verified
// its text and the reader found nothing write_pyc cannot express, assembling
// the text must give back the input byte for byte (docs/disasm.md's promise).
// A mismatch is a bug: the target aborts so libFuzzer keeps the input.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "pyasm/assembler.hpp"
#include "pyasm/disasm.hpp"
#include "pyasm/pyc_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  pyasm::Diagnostics diags;
  auto pyc = pyasm::read_pyc(bytes, "fuzz.pyc", diags);
  (void)diags.render();
  if (!pyc) return 0;
  pyasm::DisasmStats stats;
  auto text = pyasm::disassemble(*pyc, "fuzz.pyc", diags, {.verify = true, .stats = &stats});
  (void)diags.render();
  if (!text || !stats.verified || pyc->marshal_mismatch >= 0) return 0;
  pyasm::SourceFile file{"fuzz.pyasm", *text};
  pyasm::Diagnostics again;
  auto rebuilt = pyasm::assemble(file, {}, again);
  if (rebuilt && *rebuilt == bytes) return 0;
  std::fprintf(stderr, "round trip failed: %s\n--- text ---\n%s\n",
               rebuilt ? "different bytes" : again.render().c_str(), text->c_str());
  std::abort();
}
