// The bytecode verifier (docs/verifier.md): proves, for every path through
// each code object, that CPython will not run the code into undefined
// behaviour (NULL used as a value, a forged iterator or exception state, a
// local read before it is bound where the interpreter does not check, a
// closure of the wrong size, unbalanced blocks, ...). Runs after resolve()
// on the whole tree of code objects; reports at the offending instruction.
#pragma once

#include "pyasm/code.hpp"
#include "pyasm/diagnostics.hpp"

namespace pyasm {

// False after reporting at least one error.
bool verify(const Code& code, const SourceFile& file, Diagnostics& diags);

}  // namespace pyasm
