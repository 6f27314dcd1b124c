// Golden diagnostics: every testdata/errors/bad-*.pyasm must fail to assemble
// with exactly the text in its .expected file (message, source line, caret).
// Refresh the expectations with PYASM_UPDATE_GOLDEN=1 and review the diff.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "pyasm/assembler.hpp"

namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<fs::path> golden_inputs() {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(fs::path(PYASM_TESTDATA_DIR) / "errors"))
    if (e.path().extension() == ".pyasm") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("golden diagnostics for bad input") {
  bool update = std::getenv("PYASM_UPDATE_GOLDEN") != nullptr;
  auto inputs = golden_inputs();
  REQUIRE(inputs.size() >= 15);
  for (const fs::path& in : inputs) {
    CAPTURE(in.filename().string());
    pyasm::SourceFile file{in.filename().string(), slurp(in)};
    pyasm::Diagnostics diags;
    pyasm::AssembleOptions opts;  // no --python and no host fallback
    auto pyc = pyasm::assemble(file, opts, diags);
    CHECK_FALSE(pyc.has_value());
    CHECK(diags.has_errors());
    fs::path expected_path = fs::path(in).replace_extension(".expected");
    std::string got = diags.render();
    if (update) {
      std::ofstream(expected_path, std::ios::binary) << got;
      continue;
    }
    REQUIRE_MESSAGE(fs::exists(expected_path), "missing " << expected_path.string());
    CHECK(got == slurp(expected_path));
  }
}
