// libFuzzer target: the pyc reader and the disassembler (fuzz_targets.hpp,
// pyc_one). A round trip that does not give the input back is a bug: abort,
// so libFuzzer keeps the input.
#include <cstdio>
#include <cstdlib>

#include "fuzz_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string problem = pyasm_fuzz::pyc_one(data, size);
  if (problem.empty()) return 0;
  std::fprintf(stderr, "%s\n", problem.c_str());
  std::abort();
}
