// The disassembler: a pyc's code objects as .pyasm text that reads like
// `dis` output (labels, symbolic operands, line directives, nested code
// objects in place) and that `pyasm build` turns back into the same bytes.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "pyasm/diagnostics.hpp"
#include "pyasm/pyc_reader.hpp"

namespace pyasm {

// What one disassembly had to spell out, for reports (tools/roundtrip).
struct DisasmStats {
  struct StackSize {
    std::string qualname;  // the code object's block chain ("f.g"), "<module>"
    int computed;          // pyasm's compute_stacksize
    int actual;            // co_stacksize in the pyc
    std::string reason;    // why they differ, as far as pyasm can tell
  };
  int code_objects = 0;
  int raw_linetables = 0;       // kept as `.lnotab`/`.linetable` bytes
  int raw_exceptiontables = 0;  // kept as `.exceptiontable` bytes
  int written_prefixes = 0;     // instructions with their EXTENDED_ARGs written
  std::vector<StackSize> stacksizes;  // code objects with `.stacksize` written
  int forced = 0;  // code objects the rebuild check made more explicit
  // The text was assembled again and every code object came out with the
  // fields it was read with (marshal layout aside: that is write_pyc's).
  bool verified = false;
  std::vector<std::string> problems;  // what still differs, when not verified
};

struct DisasmOptions {
  // Assemble the text again and write out whatever pyasm's defaults got
  // wrong (a few percent slower; off only to measure the printer alone).
  bool verify = true;
  DisasmStats* stats = nullptr;  // filled when given
};

// The .pyasm text of `pyc` (as read_pyc returned it). nullopt, with a
// `NAME:0xOFFSET: error:` diagnostic, when its code cannot be decoded.
std::optional<std::string> disassemble(const Pyc& pyc, const std::string& name,
                                       Diagnostics& diags, const DisasmOptions& options = {});

}  // namespace pyasm
