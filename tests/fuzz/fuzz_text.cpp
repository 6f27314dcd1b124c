// libFuzzer target: the text front end. Arbitrary bytes go through
// parse -> resolve -> encode -> write_pyc (pyasm::assemble). Any input must
// give either a pyc or diagnostics: never a crash, a sanitizer report, a
// hang or unbounded memory. The first byte picks the version a file without
// `.python` targets (3.6-3.13); the rest is the text.
#include <cstddef>
#include <cstdint>
#include <string>

#include "pyasm/assembler.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  pyasm::Version version{3, 6 + data[0] % 8};
  pyasm::SourceFile file{"fuzz.pyasm", std::string(reinterpret_cast<const char*>(data) + 1,
                                                   size - 1)};
  pyasm::AssembleOptions opts;
  opts.default_version = [version] { return version; };
  pyasm::Diagnostics diags;
  auto pyc = pyasm::assemble(file, opts, diags);
  // Rendering walks every diagnostic's position: it must hold too.
  (void)diags.render();
  (void)pyc;
  return 0;
}
