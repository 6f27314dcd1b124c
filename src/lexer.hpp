// The re2c lexer (grammar/lexer.re). Internal to the front end.
#pragma once

#include <cstdint>
#include <string>

namespace pyasm {

// Plain data: Lemon keeps tokens in a union. Twelve bytes, so that a token
// is returned in registers; what an ERROR token means is read from its
// text (ParseContext::lexical_error).
struct Token {
  int type;        // a Lemon token code from parser.h, 0 at the end
  uint32_t begin;  // byte range in the source
  uint32_t end;
};

class Lexer {
 public:
  // Reads up to the NUL that ends `text`'s buffer (c_str()).
  explicit Lexer(const std::string& text);
  // Defined in grammar/lexer.re, which src/parser.cpp includes.
  [[gnu::always_inline]] inline Token next();

 private:
  Token make(int type, const char* start);
  void skip_spaces();
  const char* plain_name_end(const char* p) const;
  const char* base_;
  const char* cur_;
  const char* lim_;
  bool at_line_start_ = true;  // no token on this line yet
};

}  // namespace pyasm
