// Arbitrary-precision integers, as far as pyasm needs them: parse Python
// integer literals, print them, and hand marshal its base-2**15 digits.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pyasm {

class BigInt {
 public:
  BigInt() = default;
  explicit BigInt(int64_t v);

  // Parses a Python integer literal body: decimal, 0x/0o/0b prefixes,
  // underscores between digits. No sign. nullopt on malformed input.
  static std::optional<BigInt> parse(std::string_view literal);
  // Builds from marshal's digits (least significant first, each < 2**15).
  static BigInt from_digits15(bool negative, std::vector<uint16_t> digits);

  bool is_negative() const { return negative_; }
  bool is_zero() const { return digits_.empty(); }
  BigInt operator-() const;
  // The value, when it fits in int64.
  std::optional<int64_t> to_int64() const;
  // Magnitude in base 2**15, least significant first; empty for zero.
  const std::vector<uint16_t>& digits15() const { return digits_; }
  std::string to_string() const;  // decimal, with '-' when negative

  friend bool operator==(const BigInt&, const BigInt&) = default;

 private:
  bool negative_ = false;
  std::vector<uint16_t> digits_;  // normalized: no leading (high) zeros
};

}  // namespace pyasm
