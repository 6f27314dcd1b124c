// The pyasm programs' operator new and delete (the CLI, bench_driver and
// roundtrip link this file; the library does not, so a program that embeds
// libpyasm keeps its own allocator).
//
// Assembling a code object makes and frees many small blocks: constants,
// names, instruction lists, the IR tree dropped after writing. glibc keeps
// only seven freed blocks of a size per thread in its fast cache; the rest
// go through its general free lists, which cost several times as much.
// Here each thread keeps up to 512 KiB of freed blocks of at most 256
// bytes, in sixteen size classes, and up to 512 KiB more of blocks of 257
// to 1024 bytes (instruction lists, code objects, tables), in 48 more
// classes of the same 16-byte steps, and hands them out again first. The
// two budgets are apart so that the IR tree's large blocks, freed at once,
// do not crowd the small ones out.
// Every block is an ordinary malloc block of its class's full size, so any
// of them can go back to free() at any time: when the cache is full, when
// its thread ends, or when a block freed by one thread was made by another.
//
// Not under AddressSanitizer, which must see every allocation to find
// use-after-free, nor off glibc (malloc_usable_size gives an unsized
// delete its class).
#include "small_alloc.hpp"

#include <cstddef>
#include <cstdlib>
#include <new>

// GCC says ASan by __SANITIZE_ADDRESS__, clang by __has_feature.
#if !defined(__GLIBC__) || defined(__SANITIZE_ADDRESS__)
#define PYASM_NO_SMALL_ALLOC 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define PYASM_NO_SMALL_ALLOC 1
#endif
#endif

#ifndef PYASM_NO_SMALL_ALLOC

#include <malloc.h>

namespace {

constexpr size_t kGranule = 16;
constexpr size_t kSmallClasses = 16;  // blocks of 16, 32, ... 256 bytes
constexpr size_t kClasses = 64;       // ... 1024 bytes
constexpr size_t kLargest = kGranule * kClasses;
// Per thread, for the small classes and for the large ones: bounds the
// memory held back (measured: docs/performance.md).
constexpr size_t kLimit[2] = {512 * 1024, 512 * 1024};

struct FreeBlock {
  FreeBlock* next;
};

// Trivial, so that a thread's first use costs no initialisation check.
struct Cache {
  FreeBlock* head[kClasses + 1];
  size_t bytes[2];  // held, in the small classes and in the large ones
  bool reaper;  // the thread's Reaper is registered
  bool gone;    // the thread is ending: free() directly
};
thread_local Cache cache;

void flush() {
  for (FreeBlock*& h : cache.head)
    while (FreeBlock* b = h) {
      h = b->next;
      std::free(b);
    }
  cache.bytes[0] = cache.bytes[1] = 0;
}

// Hands a thread's cached blocks back to malloc when the thread ends.
struct Reaper {
  ~Reaper() {
    cache.gone = true;
    cache.reaper = false;  // so that release() takes the slow path, which frees
    flush();
  }
};

[[gnu::noinline]] void register_reaper() {
  static thread_local Reaper reaper;
  (void)reaper;
  cache.reaper = true;
}

size_t class_of(size_t n) {
  return (n + kGranule - 1) / kGranule;
}

// After malloc(n) failed: the new-handler loop operator new must run.
[[gnu::noinline]] void* allocate_slow(size_t n) {
  for (;;) {
    std::new_handler handler = std::get_new_handler();
    if (!handler) throw std::bad_alloc();
    handler();
    if (void* p = std::malloc(n)) return p;
  }
}

inline void* allocate(size_t n) {
  if (n - 1 < kLargest) {  // 1..1024 (0 wraps around)
    size_t c = class_of(n);
    if (FreeBlock* b = cache.head[c]) {
      cache.head[c] = b->next;
      cache.bytes[c > kSmallClasses] -= c * kGranule;
      return b;
    }
    n = c * kGranule;  // the class's full size, so the block serves any of it
  }
  if (void* p = std::malloc(n ? n : 1)) return p;
  return allocate_slow(n ? n : 1);
}

// Caches block p of class c unless its budget is spent.
inline bool push(void* p, size_t c) {
  bool large = c > kSmallClasses;
  if (cache.bytes[large] + c * kGranule > kLimit[large]) return false;
  auto* b = static_cast<FreeBlock*>(p);
  b->next = cache.head[c];
  cache.head[c] = b;
  cache.bytes[large] += c * kGranule;
  return true;
}

// The first release of a thread (which registers its Reaper) and every
// block that goes back to malloc, out of line: the cached path keeps no
// registers to save.
[[gnu::noinline]] void release_slow(void* p, size_t c) {
  if (c - 1 < kClasses && !cache.gone && !cache.reaper) {
    register_reaper();
    if (push(p, c)) return;
  }
  std::free(p);
}

// `c`: the block's class, 0 when it is not a cached size.
inline void release(void* p, size_t c) {
  if (c - 1 < kClasses && cache.reaper && push(p, c)) return;
  release_slow(p, c);
}

}  // namespace

namespace pyasm::small_alloc {
bool active() {
  return true;
}
size_t cached_bytes(bool large) {
  return cache.bytes[large];
}
size_t cache_limit(bool large) {
  return kLimit[large];
}
}  // namespace pyasm::small_alloc

void* operator new(size_t n) {
  return allocate(n);
}
void* operator new[](size_t n) {
  return allocate(n);
}

void operator delete(void* p, size_t n) noexcept {
  if (p) release(p, n - 1 < kLargest ? class_of(n) : 0);
}
void operator delete[](void* p, size_t n) noexcept {
  if (p) release(p, n - 1 < kLargest ? class_of(n) : 0);
}
// Without its size: a block of class c was made with malloc(16 c), whose
// usable size is 16 c + 8 on glibc, so the class is the usable size / 16.
void operator delete(void* p) noexcept {
  if (p) release(p, malloc_usable_size(p) / kGranule);
}
void operator delete[](void* p) noexcept {
  if (p) release(p, malloc_usable_size(p) / kGranule);
}

#else

namespace pyasm::small_alloc {
bool active() {
  return false;
}
size_t cached_bytes(bool) {
  return 0;
}
size_t cache_limit(bool) {
  return 0;
}
}  // namespace pyasm::small_alloc

#endif
