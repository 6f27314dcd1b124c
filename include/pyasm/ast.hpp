// The parsed .pyasm file: a flat list of statements (instructions, directives,
// labels) with generic operand expressions. The grammar stays thin; what an
// operand means is decided by the resolver from the opcode's argument kind.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace pyasm {

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct Expr {
  enum Kind : uint8_t {
    kInt,      // 42, 0x2a (text: the literal)
    kFloat,    // 1.5, 1e3 (text: the literal)
    kImag,     // 2j (text: the literal, with the j)
    kStr,      // "..." (value: decoded UTF-8)
    kBytes,    // b"..." (value: decoded bytes)
    kIdent,    // name, <lambda>
    kSpan,     // 5:4-12 or 5:4-7:2 (text)
    kCodeRef,  // @name (value: the name)
    kRaw,      // $12 (text: the digits)
    kSymbol,   // an operator: < == += ... (value)
    kWords,    // not in, is not, OPTIMIZED NEWLOCALS (kids: kIdent/kInt)
    kTuple,    // (a, b)
    kSet,      // {a, b}
    kParen,    // (a): grouping, kids[0]
    kCall,     // name(args): value = name
    kBinary,   // kids[0] op kids[1]; value = "+", "-" or "|"
    kNeg,      // -kids[0]
    kPrefix,   // *x, **x, value = the operator
  };
  Kind kind;
  uint32_t offset = 0;  // where it starts in the source
  std::string value;
  std::vector<ExprPtr> kids;

  Expr(Kind k, uint32_t off, std::string v = {}) : kind(k), offset(off), value(std::move(v)) {}
};

struct Statement {
  enum Kind : uint8_t { kInstruction, kDirective, kLabel };
  Kind kind;
  uint32_t offset = 0;
  std::string name;  // mnemonic, directive without the dot, or label
  std::vector<ExprPtr> args;
};

struct Module {
  std::vector<Statement> statements;
};

}  // namespace pyasm
