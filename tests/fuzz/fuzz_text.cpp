// libFuzzer target: the text front end (fuzz_targets.hpp, text_one).
// Never a crash, a sanitizer report, a hang or unbounded memory.
#include "fuzz_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  pyasm_fuzz::text_one(data, size);
  return 0;
}
