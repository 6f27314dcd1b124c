// .pyasm lexer, compiled by re2c into lexer.inc, which src/parser.cpp
// includes (its only user) so that the parse loop has next() inline.
//
// Tokens carry only their byte range; line and column are computed when a
// diagnostic is printed. The last rule matches any byte, so the lexer can
// never get stuck: what it does not know becomes an ERROR token. No rule
// reads past a NUL, so the terminating one stops every rule.
#include "lexer.hpp"

#include <array>
#include <bit>
#include <cstring>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "parser.h"

namespace pyasm {

Lexer::Lexer(const std::string& text)
    : base_(text.c_str()), cur_(text.c_str()), lim_(text.c_str() + text.size()) {}

Token Lexer::make(int type, const char* start) {
  if (type != TK_NEWLINE) at_line_start_ = false;
  return Token{type, static_cast<uint32_t>(start - base_), static_cast<uint32_t>(cur_ - base_)};
}

// Half the bytes of a disassembly are the spaces of its indentation and
// operand column: skipped sixteen (or eight) at a time before the automaton
// starts. A token is most often right at the cursor (after a name, the
// newline), so that is looked at first.
void Lexer::skip_spaces() {
  if (*cur_ != ' ') return;
#if defined(__SSE2__)
  const __m128i spaces = _mm_set1_epi8(' ');
  while (lim_ - cur_ >= 16) {
    __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(cur_));
    unsigned other = ~static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(block, spaces))) &
                     0xffffu;
    if (other) {
      cur_ += std::countr_zero(other);
      return;
    }
    cur_ += 16;
  }
#else
  constexpr uint64_t kSpaces = 0x2020202020202020;
  if constexpr (std::endian::native == std::endian::little) {
    while (lim_ - cur_ >= 8) {
      uint64_t word;
      std::memcpy(&word, cur_, 8);
      if (uint64_t other = word ^ kSpaces) {
        cur_ += std::countr_zero(other) / 8;
        return;
      }
      cur_ += 8;
    }
  }
#endif
  while (*cur_ == ' ') ++cur_;  // the NUL at lim_ stops it
}

// The bytes after a run of digits that can continue a number literal
// other than a plain decimal integer (or a span).
constexpr std::array<bool, 256> kNumberTail = [] {
  std::array<bool, 256> t{};
  for (int c = 'a'; c <= 'z'; ++c) t[c] = t[c - 'a' + 'A'] = true;
  for (int c = '0'; c <= '9'; ++c) t[c] = true;
  t['_'] = t['.'] = t[':'] = true;
  return t;
}();

#if defined(__SSE2__)
// The bytes a name that no other rule can start begins with: any letter but
// the string prefixes b, r and u (in either case).
constexpr std::array<bool, 256> kPlainNameStart = [] {
  std::array<bool, 256> t{};
  for (int c = 'a'; c <= 'z'; ++c) t[c] = t[c - 'a' + 'A'] = c != 'b' && c != 'r' && c != 'u';
  return t;
}();

// The bytes the `ident` rule starts with: after a dot, they make a directive.
constexpr std::array<bool, 256> kIdentStart = [] {
  std::array<bool, 256> t{};
  for (int c = 'a'; c <= 'z'; ++c) t[c] = t[c - 'a' + 'A'] = true;
  t['_'] = true;
  for (int c = 0x80; c <= 0xff; ++c) t[c] = true;
  return t;
}();

// Such a name is the run of name characters from p, classified sixteen
// bytes at a time: two thirds of a disassembly's tokens are names. nullptr
// when it cannot tell (a name running to within sixteen bytes of the end),
// and the automaton takes it.
const char* Lexer::plain_name_end(const char* p) const {
  while (lim_ - p >= 16) {
    __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    // Ranges by one signed comparison each: c - lo + 0x80 is below
    // hi - lo + 1 - 0x80 (as signed bytes) exactly when lo <= c <= hi.
    auto in_range = [](__m128i c, char lo, char hi) {
      return _mm_cmplt_epi8(_mm_add_epi8(c, _mm_set1_epi8(static_cast<char>(0x80 - lo))),
                            _mm_set1_epi8(static_cast<char>(hi - lo + 1 - 0x80)));
    };
    __m128i letter = in_range(_mm_or_si128(x, _mm_set1_epi8(0x20)), 'a', 'z');
    __m128i digit = in_range(x, '0', '9');
    __m128i under = _mm_cmpeq_epi8(x, _mm_set1_epi8('_'));
    // Bytes from 0x80 are name characters too: their sign bit is set.
    unsigned name = static_cast<unsigned>(_mm_movemask_epi8(
        _mm_or_si128(_mm_or_si128(letter, digit), _mm_or_si128(under, x))));
    if (unsigned other = ~name & 0xffffu) return p + std::countr_zero(other);
    p += 16;
  }
  return nullptr;
}
#endif

Token Lexer::next() {
  for (;;) {
    skip_spaces();
    const char* start = cur_;
    // A line's end is the token after most names: taken before the
    // automaton, whose dispatch is an indirect jump.
    if (*cur_ == '\n' && !at_line_start_) {
      ++cur_;
      at_line_start_ = true;
      return make(TK_NEWLINE, start);
    }
    const unsigned char c = static_cast<unsigned char>(*cur_);
#if defined(__SSE2__)
    // A name, or a directive: a dot and a name.
    const char* name = kPlainNameStart[c]                                          ? cur_
                       : c == '.' && kIdentStart[static_cast<unsigned char>(cur_[1])] ? cur_ + 1
                                                                                      : nullptr;
    if (name) {
      if (const char* end = plain_name_end(name)) {
        cur_ = end;
        return make(name == start ? TK_IDENT : TK_DIRECTIVE, start);
      }
    }
#endif
    // A decimal integer: its digits, unless what follows could make them
    // part of a longer literal (0x1f, 1_000, 1.5, 1e3, 2j, a span 5:4-12).
    if (static_cast<unsigned>(c - '0') < 10u) {
      const char* p = cur_ + 1;
      while (static_cast<unsigned>(static_cast<unsigned char>(*p) - '0') < 10u) ++p;  // the NUL at lim_ stops it
      if (!kNumberTail[static_cast<unsigned char>(*p)]) {
        cur_ = p;
        return make(TK_INT, start);
      }
    }
    const char* YYMARKER = nullptr;
    /*!re2c
      re2c:define:YYCTYPE = "unsigned char";
      re2c:define:YYCURSOR = cur_;
      re2c:define:YYLIMIT = lim_;
      re2c:yyfill:enable = 0;
      re2c:flags:utf-8 = 0;

      ident_start = [a-zA-Z_\x80-\xff];
      ident_char = [a-zA-Z0-9_\x80-\xff];
      ident = ident_start ident_char*;
      angle_ident = "<" [a-zA-Z_] [a-zA-Z0-9_]* ">";

      digitpart = [0-9] ("_"? [0-9])*;
      decint = digitpart;
      hexint = "0" [xX] ("_"? [0-9a-fA-F])+;
      octint = "0" [oO] ("_"? [0-7])+;
      binint = "0" [bB] ("_"? [01])+;
      integer = decint | hexint | octint | binint;
      pointfloat = digitpart? "." digitpart | digitpart ".";
      exponent = [eE] [+-]? digitpart;
      floatnum = pointfloat exponent? | digitpart exponent;
      imagnum = (floatnum | digitpart) [jJ];
      span = [0-9]+ ":" [0-9]+ "-" [0-9]+ (":" [0-9]+)?;

      sq_body = ([^'\\\n\x00] | "\\" [^\n\x00])*;
      dq_body = ([^"\\\n\x00] | "\\" [^\n\x00])*;
      quoted = "'" sq_body "'" | "\"" dq_body "\"";
      str_prefix = [uU] | [rR];
      bytes_prefix = [bB] | [bB][rR] | [rR][bB];
      opchars = [<>=!*/%@&^~|+-];

      // The end is the NUL that std::string keeps after the text (re2c's
      // sentinel method, which lets -b scan names through a bit table);
      // a NUL inside the text is an unexpected character.
      "\x00" {
        if (cur_ <= lim_) return make(TK_ERROR, start);  // an unexpected character
        // The end: the cursor stays on the NUL, so every later call ends here too.
        cur_ = lim_;
        // Every statement ends with a NEWLINE, also on a last line without one.
        if (!at_line_start_) {
          at_line_start_ = true;
          return make(TK_NEWLINE, start);
        }
        return Token{0, static_cast<uint32_t>(lim_ - base_), static_cast<uint32_t>(lim_ - base_)};
      }
      [ \t\f\r]+ { continue; }
      "#" [^\n\x00]* { continue; }
      "\n" {
        if (at_line_start_) continue;  // blank lines make no statements
        at_line_start_ = true;
        return make(TK_NEWLINE, start);
      }
      str_prefix? quoted { return make(TK_STRING, start); }
      bytes_prefix quoted { return make(TK_BYTES, start); }
      // An unterminated string: its prefix and opening quote.
      (str_prefix | bytes_prefix)? ['"] { return make(TK_ERROR, start); }
      "." ident { return make(TK_DIRECTIVE, start); }
      "..." { return make(TK_IDENT, start); }
      ident | angle_ident { return make(TK_IDENT, start); }
      "@" (ident | angle_ident) { return make(TK_CODEREF, start); }
      "$" integer { return make(TK_RAW, start); }
      imagnum { return make(TK_IMAG, start); }
      floatnum { return make(TK_FLOAT, start); }
      integer { return make(TK_INT, start); }
      span { return make(TK_SPAN, start); }
      "," { return make(TK_COMMA, start); }
      ":" { return make(TK_COLON, start); }
      "(" { return make(TK_LPAREN, start); }
      ")" { return make(TK_RPAREN, start); }
      "{" { return make(TK_LBRACE, start); }
      "}" { return make(TK_RBRACE, start); }
      "+" { return make(TK_PLUS, start); }
      "-" { return make(TK_MINUS, start); }
      "|" { return make(TK_PIPE, start); }
      opchars+ { return make(TK_OPSYM, start); }
      * { return make(TK_ERROR, start); }  // an unexpected character
    */
  }
}

}  // namespace pyasm
