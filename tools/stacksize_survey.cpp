// Compares pyasm's co_stacksize with CPython's on every code object of the
// pyc files named on standard input, e.g. a whole standard library:
//   find $(pyenv root)/versions/3.12.1/lib/python3.12 -name '*.pyc' \
//       -not -path '*site-packages*' | build/stacksize_survey
// The first few differences go to standard error.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include "pyasm/assembler.hpp"
#include "pyasm/pyc_reader.hpp"
int objects = 0, equal = 0, less = 0, more = 0, failed = 0;
void walk(const pyasm::Code& c, const std::string& path) {
  pyasm::Code copy = c;
  pyasm::Diagnostics d;
  pyasm::SourceFile f{path, ""};
  ++objects;
  if (!pyasm::decode_instructions(copy, path, d)) { ++failed; std::cerr << d.render(); }
  else {
    int s = pyasm::compute_stacksize(copy, f, d);
    if (copy.version.at_least(13) && s == 0) s = 1;
    if (s < 0) { ++failed; if (failed < 4) std::cerr << path << " " << c.qualname << ": " << d.render(); }
    else if (s == c.stacksize) ++equal;
    else if (s < c.stacksize) { ++less; }
    else { ++more; if (more < 6) std::cerr << path << " " << c.name << " pyasm " << s << " cpython " << c.stacksize << "\n"; }
  }
  for (auto& k : c.consts) if (k->kind == pyasm::ObjKind::Code) walk(*k->code, path);
}
int main() {
  std::string path;
  while (std::getline(std::cin, path)) {
    std::ifstream in(path, std::ios::binary); std::stringstream ss; ss << in.rdbuf();
    pyasm::Diagnostics d; auto p = pyasm::read_pyc(ss.str(), path, d);
    if (p) walk(*p->code, path);
  }
  printf("%d code objects: %d equal, %d pyasm<cpython, %d pyasm>cpython, %d errors\n", objects, equal, less, more, failed);
}
