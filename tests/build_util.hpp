// Test helper: parse and resolve a .pyasm text in memory.
#pragma once

#include <memory>
#include <string>

#include "pyasm/assembler.hpp"
#include "pyasm/parser.hpp"

namespace pyasm_test {

struct Built {
  std::shared_ptr<const pyasm::Code> code;  // null when anything failed
  std::string errors;                       // the rendered diagnostics
};

inline Built build(const std::string& text, pyasm::Version v) {
  pyasm::SourceFile file{"t.pyasm", text};
  pyasm::Diagnostics diags;
  pyasm::Module m = pyasm::parse(file, diags);
  auto code = diags.has_errors() ? nullptr : pyasm::resolve(m, file, v, diags);
  diags.sort_by_position();
  return {code, diags.render()};
}

}  // namespace pyasm_test
