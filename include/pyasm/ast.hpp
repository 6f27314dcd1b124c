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

#if defined(__has_feature)
#if __has_feature(address_sanitizer) && !defined(__SANITIZE_ADDRESS__)
#define __SANITIZE_ADDRESS__ 1
#endif
#endif
#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/asan_interface.h>
#define PYASM_ARENA_POISON(p, n) ASAN_POISON_MEMORY_REGION(p, n)
#define PYASM_ARENA_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define PYASM_ARENA_POISON(p, n) ((void)(p), (void)(n))
#define PYASM_ARENA_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

namespace pyasm {

// Bump allocation for what the AST holds: freed all at once with its
// owner. Only trivially destructible things go in (nothing is destroyed).
// It is also a stack: release(mark()) gives back everything allocated
// since the mark, for the next allocations to reuse (a streaming consumer
// frees a code block's nodes at its `.end` this way).
class Arena {
 public:
  Arena() = default;
  Arena(Arena&& o) noexcept { *this = std::move(o); }
  Arena& operator=(Arena&& o) noexcept {
    blocks_ = std::move(o.blocks_);
    block_ = std::exchange(o.block_, 0);
    cur_ = std::exchange(o.cur_, nullptr);
    left_ = std::exchange(o.left_, 0);
    return *this;
  }

  void* allocate(size_t size, size_t align) {
    size_t pad = (align - reinterpret_cast<uintptr_t>(cur_) % align) % align;
    if (pad + size > left_) return grow(size, align);
    cur_ += pad;
    void* p = cur_;
    PYASM_ARENA_UNPOISON(p, size);
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

  struct Mark {
    size_t block;
    std::byte* cur;
    size_t left;
  };
  Mark mark() const { return {block_, cur_, left_}; }
  // Everything allocated after `m` is dead; its memory is used again.
  // Under AddressSanitizer it is poisoned until then, so that a pointer
  // kept into it is caught.
  void release(const Mark& m) {
    PYASM_ARENA_POISON(m.cur, m.left);
    for (size_t i = m.block; i < block_; ++i) PYASM_ARENA_POISON(blocks_[i].data.get(), blocks_[i].size);
    block_ = m.block;
    cur_ = m.cur;
    left_ = m.left;
  }

 private:
  struct Block {
    std::unique_ptr<std::byte[]> data;
    size_t size;
  };
  void* grow(size_t size, size_t align);
  std::vector<Block> blocks_;
  size_t block_ = 0;  // blocks_[block_ - 1] holds cur_ (0: none yet)
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
