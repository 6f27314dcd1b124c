// BigInt: sign and magnitude, the magnitude in base 2**15 because that is
// the digit size marshal writes; parsing and printing work on that form
// directly, so no conversion is ever needed for the writer.
#include "pyasm/bigint.hpp"

#include <algorithm>

namespace pyasm {
namespace {

constexpr uint32_t kShift = 15;
constexpr uint32_t kMask = (1u << kShift) - 1;

void trim(std::vector<uint16_t>& digits) {
  while (!digits.empty() && digits.back() == 0) digits.pop_back();
}

// digits = digits * mul + add. mul and add stay below 2**17, so every
// intermediate fits in 32 bits.
void mul_add(std::vector<uint16_t>& digits, uint32_t mul, uint32_t add) {
  uint32_t carry = add;
  for (uint16_t& d : digits) {
    uint32_t t = d * mul + carry;
    d = static_cast<uint16_t>(t & kMask);
    carry = t >> kShift;
  }
  while (carry != 0) {
    digits.push_back(static_cast<uint16_t>(carry & kMask));
    carry >>= kShift;
  }
}

// digits = digits / div, returning the remainder. div < 2**17.
uint32_t div_small(std::vector<uint16_t>& digits, uint32_t div) {
  uint32_t rem = 0;
  for (size_t i = digits.size(); i-- > 0;) {
    uint32_t t = (rem << kShift) | digits[i];
    digits[i] = static_cast<uint16_t>(t / div);
    rem = t % div;
  }
  trim(digits);
  return rem;
}

int digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'z') return c - 'a' + 10;
  if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
  return 99;
}

// Splits off a 0x/0o/0b prefix. Returns the base and the digits part.
std::pair<uint32_t, std::string_view> split_prefix(std::string_view s) {
  if (s.size() >= 2 && s[0] == '0') {
    switch (s[1]) {
      case 'x':
      case 'X':
        return {16, s.substr(2)};
      case 'o':
      case 'O':
        return {8, s.substr(2)};
      case 'b':
      case 'B':
        return {2, s.substr(2)};
      default:
        break;
    }
  }
  return {10, s};
}

// Python's rule: an underscore may follow a base prefix or sit between two
// digits, never doubled and never at the end.
bool valid_underscores(std::string_view body, bool prefixed) {
  if (body.empty() || body.back() == '_') return false;
  if (body.front() == '_' && !prefixed) return false;
  return body.find("__") == std::string_view::npos;
}

}  // namespace

BigInt::BigInt(int64_t v) : negative_(v < 0) {
  // Negate in unsigned arithmetic so INT64_MIN works.
  uint64_t mag = negative_ ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  for (; mag != 0; mag >>= kShift) digits_.push_back(static_cast<uint16_t>(mag & kMask));
}

std::optional<BigInt> BigInt::parse(std::string_view literal) {
  auto [base, body] = split_prefix(literal);
  if (!valid_underscores(body, base != 10)) return std::nullopt;
  // Decimal literals may not have leading zeros unless the value is zero.
  if (base == 10 && body[0] == '0' && body.find_first_not_of("0_") != std::string_view::npos) {
    return std::nullopt;
  }
  BigInt r;
  // Digits are taken in chunks whose combined multiplier stays <= 2**16,
  // which keeps mul_add in 32-bit arithmetic but cuts the passes.
  uint32_t mul = 1, acc = 0;
  for (char c : body) {
    if (c == '_') continue;
    uint32_t d = static_cast<uint32_t>(digit_value(c));
    if (d >= base) return std::nullopt;
    mul *= base;
    acc = acc * base + d;
    if (mul * base > 65536) {
      mul_add(r.digits_, mul, acc);
      mul = 1;
      acc = 0;
    }
  }
  if (mul > 1) mul_add(r.digits_, mul, acc);
  trim(r.digits_);
  return r;
}

BigInt BigInt::from_digits15(bool negative, std::vector<uint16_t> digits) {
  BigInt r;
  r.digits_ = std::move(digits);
  trim(r.digits_);
  r.negative_ = negative && !r.digits_.empty();
  return r;
}

BigInt BigInt::operator-() const {
  BigInt r = *this;
  r.negative_ = !negative_ && !digits_.empty();
  return r;
}

std::optional<int64_t> BigInt::to_int64() const {
  uint64_t mag = 0;
  for (size_t i = digits_.size(); i-- > 0;) {
    if (mag > (UINT64_MAX >> kShift)) return std::nullopt;
    mag = (mag << kShift) | digits_[i];
  }
  constexpr uint64_t kMaxPos = static_cast<uint64_t>(INT64_MAX);
  if (!negative_) {
    if (mag > kMaxPos) return std::nullopt;
    return static_cast<int64_t>(mag);
  }
  if (mag > kMaxPos + 1) return std::nullopt;
  return mag == kMaxPos + 1 ? INT64_MIN : -static_cast<int64_t>(mag);
}

std::string BigInt::to_string() const {
  if (digits_.empty()) return "0";
  std::vector<uint16_t> mag = digits_;
  std::string out;  // least significant digit first, reversed at the end
  while (!mag.empty()) {
    uint32_t chunk = div_small(mag, 10000);
    // Every chunk but the most significant one has exactly four digits.
    for (int i = 0; i < 4 && (chunk != 0 || !mag.empty()); ++i, chunk /= 10) {
      out.push_back(static_cast<char>('0' + chunk % 10));
    }
  }
  if (negative_) out.push_back('-');
  std::reverse(out.begin(), out.end());
  return out;
}

}  // namespace pyasm
