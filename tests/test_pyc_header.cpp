// pyc headers as py_compile writes them. The expected source hashes were
// printed by each interpreter's importlib.util.source_hash (the cli test
// compares whole headers with py_compile's on every installed interpreter).
#include <doctest/doctest.h>

#include <cstdio>
#include <string>

#include "pyasm/assembler.hpp"
#include "pyasm/pyc_header.hpp"

using pyasm::InvalidationMode;
using pyasm::Version;

namespace {

struct HashCase {
  int minor;
  uint64_t hashes[4];  // of the four sources in kSources
};

// int.from_bytes(importlib.util.source_hash(s), 'little'), per interpreter.
constexpr HashCase kHashes[] = {
    {7, {0xa7b683bdaa0cee85ULL, 0xc0840a3b3c2a8a6dULL, 0x058e10159db679d6ULL, 0xa800894d88d7c9d4ULL}},
    {8, {0xe9e843361b88e481ULL, 0x20db1db7ec1df79bULL, 0x6a2a8e47a20b30d6ULL, 0x6162f84c68367a25ULL}},
    {9, {0x5f1c5b3ec8b70bacULL, 0xfcca1fd5ea172d66ULL, 0x068a33fbe6641770ULL, 0x4fa5cec0b3370672ULL}},
    {10, {0x27fde72525cdc08cULL, 0x142278ed525e7628ULL, 0x193f9443b6294687ULL, 0x43345a74f4a0fae6ULL}},
    {11, {0x737fe8d5d59c8d73ULL, 0x59307a407f2d81daULL, 0x144f459ab560764bULL, 0x5d46a701e89ee05fULL}},
    {12, {0x257a38c9ed8ef1baULL, 0x69cdf8a561f371bfULL, 0xd509461e64f2a776ULL, 0xeb330422f4c03e29ULL}},
    {13, {0x14b8932f316dec27ULL, 0x3546be831f79905aULL, 0x06ce710d47c1b4e7ULL, 0x28cef304f48bc8d9ULL}},
};

std::string sources(int i) {
  switch (i) {
    case 0:
      return "";
    case 1:
      return "print(1)\n";
    case 2:
      return std::string(100, 'x');
    default: {  // bytes(range(256)) * 3 + b'abcdefg': every byte, a 7-byte tail
      std::string s;
      for (int r = 0; r < 3; ++r)
        for (int b = 0; b < 256; ++b) s.push_back(static_cast<char>(b));
      return s + "abcdefg";
    }
  }
}

std::string assemble(const std::string& text) {
  pyasm::SourceFile file{"t.pyasm", text};
  pyasm::Diagnostics diags;
  auto pyc = pyasm::assemble(file, {}, diags);
  REQUIRE_MESSAGE(pyc.has_value(), diags.render());
  return *pyc;
}

std::string hex(std::string_view bytes) {
  std::string out;
  char buf[4];
  for (unsigned char c : bytes) std::snprintf(buf, sizeof buf, "%02x", c), out += buf;
  return out;
}

}  // namespace

TEST_CASE("source_hash is importlib.util.source_hash of each version") {
  for (const HashCase& c : kHashes)
    for (int i = 0; i < 4; ++i) {
      CAPTURE(c.minor);
      CAPTURE(i);
      CHECK(pyasm::source_hash(sources(i), Version{3, c.minor}) == c.hashes[i]);
    }
}

TEST_CASE("invalidation modes by name, and py_compile's default") {
  CHECK(pyasm::parse_invalidation_mode("checked-hash") == InvalidationMode::kCheckedHash);
  CHECK(pyasm::parse_invalidation_mode("unchecked-hash") == InvalidationMode::kUncheckedHash);
  CHECK(pyasm::parse_invalidation_mode("timestamp") == InvalidationMode::kTimestamp);
  CHECK_FALSE(pyasm::parse_invalidation_mode("CHECKED_HASH").has_value());
  CHECK(pyasm::invalidation_mode_name(InvalidationMode::kUncheckedHash) == "unchecked-hash");

  Version v38{3, 8}, v36{3, 6};
  CHECK(pyasm::default_invalidation_mode(v38, nullptr) == InvalidationMode::kTimestamp);
  CHECK(pyasm::default_invalidation_mode(v38, "") == InvalidationMode::kTimestamp);
  CHECK(pyasm::default_invalidation_mode(v38, "0") == InvalidationMode::kCheckedHash);
  // 3.6's py_compile knows nothing of SOURCE_DATE_EPOCH.
  CHECK(pyasm::default_invalidation_mode(v36, "1700000000") == InvalidationMode::kTimestamp);
}

TEST_CASE("mtime as int(os.stat().st_mtime) & 0xFFFFFFFF") {
  CHECK(pyasm::pyc_mtime(1700000000, 5) == 1700000000u);
  // The double st_mtime rounds .999999999 up to the next second.
  CHECK(pyasm::pyc_mtime(1700000000, 999999999) == 1700000001u);
  CHECK(pyasm::pyc_mtime(-2, 500000000) == 0xffffffffu);  // int(-1.5) == -1
  CHECK(pyasm::pyc_mtime(4294967296LL + 7, 0) == 7u);
}

TEST_CASE("headers for each mode, with and without a source") {
  pyasm::SourceInfo src{"print(1)\n", 1700000000, 9};
  std::string err;
  auto ts = pyasm::make_pyc_header({3, 11}, InvalidationMode::kTimestamp, &src, err);
  REQUIRE(ts);
  CHECK(ts->flags == 0);
  CHECK(ts->mtime == 1700000000u);
  CHECK(ts->source_size == 9u);
  auto checked = pyasm::make_pyc_header({3, 11}, InvalidationMode::kCheckedHash, &src, err);
  REQUIRE(checked);
  CHECK(checked->flags == 3);
  CHECK(checked->source_hash == 0x59307a407f2d81daULL);
  auto unchecked = pyasm::make_pyc_header({3, 8}, InvalidationMode::kUncheckedHash, nullptr, err);
  REQUIRE(unchecked);
  CHECK(unchecked->flags == 1);
  CHECK(unchecked->source_hash == 0);

  CHECK_FALSE(pyasm::make_pyc_header({3, 6}, InvalidationMode::kCheckedHash, &src, err));
  CHECK(err == "checked-hash needs CPython 3.7 or later: a 3.6 pyc has only a timestamp header "
               "(hash-based pycs came with PEP 552)");
  auto ts36 = pyasm::make_pyc_header({3, 6}, InvalidationMode::kTimestamp, &src, err);
  REQUIRE(ts36);
  CHECK(ts36->mtime == 1700000000u);
}

TEST_CASE("replace_pyc_header rewrites the 16 (3.6: 12) header bytes and nothing else") {
  std::string pyc = assemble(".python 3.11\nRESUME 0\nLOAD_CONST None\nRETURN_VALUE\n");
  std::string body = pyc.substr(16);
  pyasm::PycHeader h;
  h.flags = 3;
  h.source_hash = 0x0807060504030201ULL;
  REQUIRE(pyasm::replace_pyc_header(pyc, h));
  CHECK(hex(pyc.substr(0, 16)) == "a70d0d0a030000000102030405060708");
  CHECK(pyc.substr(16) == body);
  h = {0, 0x11223344, 0x55, 0};
  REQUIRE(pyasm::replace_pyc_header(pyc, h));
  CHECK(hex(pyc.substr(0, 16)) == "a70d0d0a000000004433221155000000");

  std::string pyc36 = assemble(".python 3.6\nLOAD_CONST None\nRETURN_VALUE\n");
  body = pyc36.substr(12);
  REQUIRE(pyasm::replace_pyc_header(pyc36, h));
  CHECK(hex(pyc36.substr(4, 8)) == "4433221155000000");
  CHECK(pyc36.substr(12) == body);

  CHECK(pyasm::pyc_version(pyc) == Version{3, 11});
  CHECK(pyasm::pyc_version(pyc36) == Version{3, 6});
  CHECK_FALSE(pyasm::pyc_version("\xa7\x0d\x0d").has_value());

  std::string junk = "not a pyc at all";
  CHECK_FALSE(pyasm::replace_pyc_header(junk, h));
  std::string short_pyc = pyc.substr(0, 10);
  CHECK_FALSE(pyasm::replace_pyc_header(short_pyc, h));
}
