// BigInt: parsing Python integer literals, printing, and the base-2**15
// digits marshal writes. Expected values were computed with CPython 3.13.0
// (int(), str(), and the 15-bit digits of abs(v)).
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "pyasm/bigint.hpp"

using pyasm::BigInt;

namespace {

std::string parsed(std::string_view literal) {
  auto v = BigInt::parse(literal);
  return v ? v->to_string() : "<invalid>";
}

}  // namespace

TEST_CASE("bigint: decimal, hex, octal and binary literals") {
  CHECK(parsed("0") == "0");
  CHECK(parsed("7") == "7");
  CHECK(parsed("1234567890") == "1234567890");
  CHECK(parsed("0x1f") == "31");
  CHECK(parsed("0XdeadBEEF") == "3735928559");
  CHECK(parsed("0o17") == "15");
  CHECK(parsed("0O777") == "511");
  CHECK(parsed("0b1010") == "10");
  CHECK(parsed("0B0") == "0");
  CHECK(parsed("0x0") == "0");
}

TEST_CASE("bigint: underscores follow Python's rules") {
  CHECK(parsed("1_000_000") == "1000000");
  CHECK(parsed("0x_1f") == "31");  // allowed right after the base prefix
  CHECK(parsed("0b_1_0") == "2");
  CHECK(parsed("0_0") == "0");
  CHECK(parsed("1__0") == "<invalid>");
  CHECK(parsed("1_") == "<invalid>");
  CHECK(parsed("_1") == "<invalid>");
  CHECK(parsed("0x_") == "<invalid>");
  CHECK(parsed("0x1_") == "<invalid>");
}

TEST_CASE("bigint: malformed literals are rejected") {
  CHECK(parsed("") == "<invalid>");
  CHECK(parsed("0x") == "<invalid>");
  CHECK(parsed("0b") == "<invalid>");
  CHECK(parsed("0b2") == "<invalid>");
  CHECK(parsed("0o8") == "<invalid>");
  CHECK(parsed("0xg") == "<invalid>");
  CHECK(parsed("12a") == "<invalid>");
  CHECK(parsed("-1") == "<invalid>");  // the sign is not part of the literal
  CHECK(parsed("1.0") == "<invalid>");
  // Python forbids leading zeros in non-zero decimal literals.
  CHECK(parsed("01") == "<invalid>");
  CHECK(parsed("0_1") == "<invalid>");
  CHECK(parsed("00") == "0");
  CHECK(parsed("00_00") == "0");
}

TEST_CASE("bigint: huge values print like Python") {
  // int('0x' + 'f' * 100, 16)
  CHECK(parsed("0x" + std::string(100, 'f')) ==
        "25822498780869085896559191720030118743297057928292235128306593565406476220168411946296"
        "45353280137831435903171972747493375");
  // 2**200, written in binary
  CHECK(parsed("0b1" + std::string(200, '0')) ==
        "1606938044258990275541962092341162602522202993782792835301376");
  // 10**100 - 1 round-trips through decimal
  std::string nines(100, '9');
  CHECK(parsed(nines) == nines);
  CHECK((-*BigInt::parse(nines)).to_string() == "-" + nines);
  // 5000 digits: parse and print are inverse
  std::string big = "1" + std::string(4999, '0');
  CHECK(parsed(big) == big);
}

TEST_CASE("bigint: base-2**15 digits") {
  // 2**100 + 1: digits of abs(v) in base 2**15, least significant first
  auto v = BigInt::parse("1267650600228229401496703205377");
  REQUIRE(v);
  CHECK(v->digits15() == std::vector<uint16_t>{1, 0, 0, 0, 0, 0, 1024});
  // 10**30 + 7 (the digits marshal writes for it, see test_marshal.cpp)
  auto w = BigInt::parse("1000000000000000000000000000007");
  REQUIRE(w);
  CHECK(w->digits15() == std::vector<uint16_t>{7, 0, 14249, 13223, 19716, 26003, 807});
  CHECK(BigInt::parse("0")->digits15().empty());
  CHECK(BigInt::parse("0")->is_zero());
}

TEST_CASE("bigint: from_digits15 normalises") {
  BigInt v = BigInt::from_digits15(true, {5, 0, 0});
  CHECK(v.digits15() == std::vector<uint16_t>{5});
  CHECK(v.to_string() == "-5");
  // Negative zero does not exist.
  BigInt z = BigInt::from_digits15(true, {0, 0});
  CHECK(z.is_zero());
  CHECK_FALSE(z.is_negative());
  CHECK(z == BigInt(0));
  CHECK((-BigInt(0)).to_string() == "0");
  CHECK(BigInt::from_digits15(false, {0, 1}).to_string() == "32768");
}

TEST_CASE("bigint: int64 conversions at the edges") {
  CHECK(BigInt(INT64_MAX).to_string() == "9223372036854775807");
  CHECK(BigInt(INT64_MIN).to_string() == "-9223372036854775808");
  CHECK(BigInt(-1).to_string() == "-1");
  CHECK(BigInt(INT64_MIN).to_int64() == INT64_MIN);
  CHECK(BigInt(INT64_MAX).to_int64() == INT64_MAX);
  CHECK(BigInt::parse("9223372036854775808")->to_int64() == std::nullopt);
  CHECK((-*BigInt::parse("9223372036854775808")).to_int64() == INT64_MIN);
  CHECK((-*BigInt::parse("9223372036854775809")).to_int64() == std::nullopt);
  CHECK(BigInt::parse("0x" + std::string(40, 'f'))->to_int64() == std::nullopt);
  CHECK(*BigInt::parse("123456789") == BigInt(123456789));
}
