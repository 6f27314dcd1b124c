// Resolver internals shared by its parts (constants, operands, blocks).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "pyasm/ast.hpp"
#include "pyasm/code.hpp"
#include "pyasm/diagnostics.hpp"
#include "pyasm/opcodes.hpp"

namespace pyasm {

// Everything a stage needs to report errors against the source.
struct Sink {
  const SourceFile& file;
  Diagnostics& diags;
  void error(uint32_t offset, std::string msg) const { diags.error(file, offset, std::move(msg)); }
};

// Children already built, by the id given in `.code ID`.
using CodeRefs = std::map<std::string, std::shared_ptr<const Code>, std::less<>>;

// Evaluates a constant expression (a Python literal, @code reference,
// tuple, frozenset...). Reports and returns nullptr on error.
ObjectPtr eval_const(const Expr& e, const CodeRefs& children, const Sink& sink);

// Human-readable description of an operand expression, for messages.
std::string describe(const Expr& e);

// Python's rule for interning a string constant: made only of [A-Za-z0-9_].
bool all_name_chars(std::string_view s);

}  // namespace pyasm
