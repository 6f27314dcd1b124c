// Replays what the fuzz targets (tests/fuzz/) do on the inputs they once
// failed on (testdata/fuzz/text/*, testdata/fuzz/pyc/*), on the hostile pycs
// of testdata/bad-pyc/ and on the seed pycs (which must round-trip exactly).
// In the sanitized build (PYASM_SANITIZE) this runs under ASan and UBSan.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "fuzz/fuzz_targets.hpp"

namespace fs = std::filesystem;

namespace {

std::vector<fs::path> files_in(const fs::path& dir, const std::string& ext = "") {
  std::vector<fs::path> out;
  if (!fs::exists(dir)) return out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_regular_file() && (ext.empty() || e.path().extension() == ext))
      out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const uint8_t* bytes(const std::string& s) { return reinterpret_cast<const uint8_t*>(s.data()); }

const fs::path kTestdata = PYASM_TESTDATA_DIR;

}  // namespace

TEST_CASE("fuzz regressions: text inputs") {
  for (const fs::path& p : files_in(kTestdata / "fuzz" / "text")) {
    CAPTURE(p.filename().string());
    std::string data = slurp(p);
    pyasm_fuzz::text_one(bytes(data), data.size());
  }
}

TEST_CASE("fuzz regressions: pyc inputs, hostile pycs and the seed pycs") {
  std::vector<fs::path> all = files_in(kTestdata / "fuzz" / "pyc");
  for (const fs::path& p : files_in(kTestdata / "bad-pyc", ".pyc")) all.push_back(p);
  auto seeds = files_in(kTestdata / ".." / "tests" / "fuzz" / "corpus-pyc", ".pyc");
  CHECK(seeds.size() >= 8);
  all.insert(all.end(), seeds.begin(), seeds.end());
  for (const fs::path& p : all) {
    CAPTURE(p.filename().string());
    std::string data = slurp(p);
    CHECK(pyasm_fuzz::pyc_one(bytes(data), data.size()) == "");
  }
}
