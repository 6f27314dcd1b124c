// Text front end: .pyasm source to the statement list (ast.hpp).
#pragma once

#include "pyasm/ast.hpp"
#include "pyasm/diagnostics.hpp"

namespace pyasm {

// Parses `file`. Syntax and lexical errors go to `diags`; the parser resumes
// at the next line, so one run reports several. The result holds every
// statement that parsed.
Module parse(const SourceFile& file, Diagnostics& diags);

}  // namespace pyasm
