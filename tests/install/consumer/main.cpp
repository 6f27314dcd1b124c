// The C++ library from an installed pyasm (pyasm::pyasm_static).
#include <iostream>
#include <pyasm/assembler.hpp>

int main() {
  pyasm::SourceFile file{"x.pyasm", ".python 3.8\n    LOAD_CONST None\n    RETURN_VALUE\n"};
  pyasm::Diagnostics diags;
  auto pyc = pyasm::assemble(file, pyasm::AssembleOptions{}, diags);
  std::cerr << diags.render();
  std::cout << "c++ api " << (pyc ? "ok" : "FAILED") << "\n";
  return pyc ? 0 : 1;
}
