// The parsed .pyasm file: a flat list of statements (instructions, directives,
// labels) with generic operand expressions. The grammar stays thin; what an
// operand means is decided by the resolver from the opcode's argument kind.
//
// Names and literal texts are views into the parsed SourceFile's text, and
// nodes, kid arrays and decoded string values live in the Module's arena:
// one allocation per few thousand nodes instead of three to five per
// statement (docs/performance.md). A Module is valid while its SourceFile
// is.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

namespace pyasm {

// Bump allocation for what the AST holds: freed all at once with its
// owner. Only trivially destructible things go in (nothing is destroyed).
class Arena {
 public:
  Arena() = default;
  Arena(Arena&& o) noexcept
      : blocks_(std::move(o.blocks_)), cur_(std::exchange(o.cur_, nullptr)),
        left_(std::exchange(o.left_, 0)) {}
  Arena& operator=(Arena&& o) noexcept {
    blocks_ = std::move(o.blocks_);
    cur_ = std::exchange(o.cur_, nullptr);
    left_ = std::exchange(o.left_, 0);
    return *this;
  }

  void* allocate(size_t size, size_t align) {
    size_t pad = (align - reinterpret_cast<uintptr_t>(cur_) % align) % align;
    if (pad + size > left_) return grow(size, align);
    cur_ += pad;
    void* p = cur_;
    cur_ += size;
    left_ -= pad + size;
    return p;
  }
  template <class T, class... Args>
  T* make(Args&&... args) {
    return new (allocate(sizeof(T), alignof(T))) T(std::forward<Args>(args)...);
  }
  std::string_view copy(std::string_view s);
  template <class T>
  std::span<const T> copy(std::span<const T> items) {
    if (items.empty()) return {};
    T* p = static_cast<T*>(allocate(items.size() * sizeof(T), alignof(T)));
    std::copy(items.begin(), items.end(), p);
    return {p, items.size()};
  }

 private:
  void* grow(size_t size, size_t align);
  std::vector<std::unique_ptr<std::byte[]>> blocks_;
  std::byte* cur_ = nullptr;
  size_t left_ = 0;
};

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
  std::string_view value;
  std::span<const Expr* const> kids;

  Expr(Kind k, uint32_t off, std::string_view v = {}) : kind(k), offset(off), value(v) {}
};

struct Statement {
  enum Kind : uint8_t { kInstruction, kDirective, kLabel };
  Kind kind;
  uint32_t offset = 0;
  std::string_view name;  // mnemonic, directive without the dot, or label
  std::span<const Expr* const> args;
};

struct Module {
  std::vector<Statement> statements;
  Arena arena;  // the nodes of `statements`
};

}  // namespace pyasm
