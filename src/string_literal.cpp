// Python string and bytes literals: prefixes, quotes and escapes.
#include <cctype>
#include <cstdint>
#include <cstring>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "parse_context.hpp"

namespace pyasm {

namespace {

void append_utf8(std::string& out, uint32_t cp) {
  // Lone surrogates are encoded like any other code point (CPython's
  // surrogatepass), which is what marshal writes for them.
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Length of the valid UTF-8 sequence at s[i], or 0.
size_t utf8_length(std::string_view s, size_t i) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = b(i);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k)
    if ((b(i + k) & 0xC0) != 0x80) return 0;
  if (n == 2 && c < 0xC2) return 0;                      // overlong
  if (n == 3 && c == 0xE0 && b(i + 1) < 0xA0) return 0;  // overlong
  if (n == 4 && (c > 0xF4 || (c == 0xF0 && b(i + 1) < 0x90) || (c == 0xF4 && b(i + 1) > 0x8F)))
    return 0;
  return n;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Where a literal's opening quote is; its prefix (b, r, u in either case)
// says whether it is bytes and whether it is raw.
size_t read_prefix(std::string_view lit, bool& is_bytes, bool& raw) {
  is_bytes = raw = false;
  size_t q = 0;
  for (; q < lit.size() && lit[q] != '\'' && lit[q] != '"'; ++q) {
    char p = static_cast<char>(std::tolower(static_cast<unsigned char>(lit[q])));
    if (p == 'b') is_bytes = true;
    if (p == 'r') raw = true;
  }
  return q;
}

}  // namespace

std::optional<std::string_view> plain_string_literal(std::string_view lit, bool& is_bytes) {
  bool raw;  // no matter: a plain literal has no backslash
  size_t q = read_prefix(lit, is_bytes, raw);
  std::string_view body = lit.substr(q + 1, lit.size() - q - 2);
  // Sixteen bytes, then eight, at a time: a byte from 0x80 has its top bit
  // set, and so has a backslash once compared equal (SSE2) or, in a word,
  // once XORed with backslashes it is a zero byte (w - 0x01.. & ~w & 0x80..).
  const char* p = body.data();
  const char* end = p + body.size();
#if defined(__SSE2__)
  for (const __m128i backslashes = _mm_set1_epi8('\\'); end - p >= 16; p += 16) {
    __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    if (_mm_movemask_epi8(_mm_or_si128(x, _mm_cmpeq_epi8(x, backslashes)))) return std::nullopt;
  }
#endif
  constexpr uint64_t kOnes = 0x0101010101010101, kHigh = 0x8080808080808080;
  for (; end - p >= 8; p += 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    uint64_t x = w ^ (kOnes * '\\');
    if ((w & kHigh) || ((x - kOnes) & ~x & kHigh)) return std::nullopt;
  }
  for (; p < end; ++p)
    if (*p == '\\' || static_cast<unsigned char>(*p) >= 0x80) return std::nullopt;
  return body;
}

bool decode_string_literal(std::string_view lit, bool& is_bytes, std::string& value,
                           std::string& error, size_t& error_at) {
  bool raw;
  size_t i = read_prefix(lit, is_bytes, raw);
  size_t end = lit.size() - 1;  // the closing quote
  ++i;
  auto fail = [&](size_t at, std::string msg) {
    error = std::move(msg);
    error_at = at;
    return false;
  };
  while (i < end) {
    char c = lit[i];
    if (static_cast<unsigned char>(c) >= 0x80) {
      if (is_bytes) return fail(i, "bytes can only contain ASCII literal characters");
      size_t n = utf8_length(lit, i);
      if (n == 0) return fail(i, "invalid UTF-8 in string literal");
      value.append(lit.substr(i, n));
      i += n;
      continue;
    }
    if (c != '\\') {  // a run of plain ASCII, appended at once
      size_t j = i + 1;
      while (j < end && lit[j] != '\\' && static_cast<unsigned char>(lit[j]) < 0x80) ++j;
      value.append(lit, i, j - i);
      i = j;
      continue;
    }
    if (raw) {
      value += c;
      if (i + 1 < end) value += lit[++i];  // r'\'' keeps both
      ++i;
      continue;
    }
    size_t esc = i;
    char e = lit[i + 1];
    i += 2;
    switch (e) {
      case '\\':
        value += '\\';
        break;
      case '\'':
        value += '\'';
        break;
      case '"':
        value += '"';
        break;
      case 'a':
        value += '\a';
        break;
      case 'b':
        value += '\b';
        break;
      case 'f':
        value += '\f';
        break;
      case 'n':
        value += '\n';
        break;
      case 'r':
        value += '\r';
        break;
      case 't':
        value += '\t';
        break;
      case 'v':
        value += '\v';
        break;
      case '0':
      case '1':
      case '2':
      case '3':
      case '4':
      case '5':
      case '6':
      case '7': {
        uint32_t v = static_cast<uint32_t>(e - '0');
        for (int k = 0; k < 2 && i < end && lit[i] >= '0' && lit[i] <= '7'; ++k)
          v = v * 8 + static_cast<uint32_t>(lit[i++] - '0');
        if (is_bytes && v > 0xFF) return fail(esc, "octal escape value > 0o377 in bytes literal");
        if (is_bytes)
          value += static_cast<char>(v);
        else
          append_utf8(value, v);
        break;
      }
      case 'x':
      case 'u':
      case 'U': {
        if (is_bytes && e != 'x') {  // Python keeps unknown escapes in bytes
          value += '\\';
          value += e;
          break;
        }
        int digits = e == 'x' ? 2 : e == 'u' ? 4 : 8;
        uint32_t v = 0;
        for (int k = 0; k < digits; ++k) {
          int h = i < end ? hex_value(lit[i]) : -1;
          if (h < 0)
            return fail(esc, std::string("truncated \\") + e + " escape: expected " +
                                 std::to_string(digits) + " hex digits");
          v = v * 16 + static_cast<uint32_t>(h);
          ++i;
        }
        if (v > 0x10FFFF) return fail(esc, "\\U escape beyond U+10FFFF");
        if (is_bytes)
          value += static_cast<char>(v);
        else
          append_utf8(value, v);
        break;
      }
      case 'N':
        if (!is_bytes) return fail(esc, "\\N{...} escapes are not supported; use \\u or \\U");
        [[fallthrough]];
      default:
        // Like Python: an unknown escape keeps its backslash.
        value += '\\';
        --i;
        break;
    }
  }
  return true;
}

}  // namespace pyasm
