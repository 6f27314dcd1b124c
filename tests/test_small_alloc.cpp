// The programs' small-block cache (cli/small_alloc.cpp), which this test
// binary links as the CLI does: blocks come back by size class, whether
// freed with or without their size; the cache holds no more than its
// limits, the small blocks' and the large ones' apart; blocks made by one
// thread and freed by another are safe.
#include <doctest/doctest.h>

#include <new>
#include <thread>
#include <vector>

#include "../cli/small_alloc.hpp"

namespace sa = pyasm::small_alloc;

TEST_CASE("small_alloc: a freed block is the next of its size class") {
  if (!sa::active()) return;  // sanitizer builds keep the system allocator
  void* p = ::operator new(40);
  size_t held = sa::cached_bytes();
  ::operator delete(p, 40);
  CHECK(sa::cached_bytes() == held + 48);
  void* q = ::operator new(33);  // 33..48 bytes: the same class
  CHECK(q == p);
  CHECK(sa::cached_bytes() == held);
  ::operator delete(q, 33);
}

TEST_CASE("small_alloc: an unsized delete finds the class") {
  if (!sa::active()) return;
  void* p = ::operator new(100);
  ::operator delete(p);
  void* q = ::operator new(112);
  CHECK(q == p);
  ::operator delete(q);
}

TEST_CASE("small_alloc: a large block comes back by its class, in its own budget") {
  if (!sa::active()) return;
  void* p = ::operator new(600);
  size_t small = sa::cached_bytes();
  size_t large = sa::cached_bytes(true);
  ::operator delete(p, 600);
  CHECK(sa::cached_bytes() == small);
  CHECK(sa::cached_bytes(true) == large + 608);
  void* q = ::operator new(593);  // 593..608 bytes: the same class
  CHECK(q == p);
  CHECK(sa::cached_bytes(true) == large);
  ::operator delete(q);  // unsized: the class from the block's usable size
  void* r = ::operator new(608);
  CHECK(r == p);
  ::operator delete(r, 608);
}

TEST_CASE("small_alloc: larger blocks and empty ones") {
  void* big = ::operator new(4096);
  void* a = ::operator new(0);
  void* b = ::operator new(0);
  CHECK(big != nullptr);
  CHECK(a != nullptr);
  CHECK(a != b);
  size_t held = sa::cached_bytes();
  size_t large = sa::cached_bytes(true);
  ::operator delete(big, 4096);
  CHECK(sa::cached_bytes() == held);  // not cached: back to malloc
  CHECK(sa::cached_bytes(true) == large);
  ::operator delete (a, size_t{0});
  ::operator delete(b);
}

TEST_CASE("small_alloc: the cache stays within its limit") {
  std::vector<void*> blocks;
  for (int i = 0; i < 4000; ++i) blocks.push_back(::operator new(256));
  for (void* p : blocks) ::operator delete(p, 256);
  CHECK(sa::cached_bytes() <= sa::cache_limit());
  if (sa::active()) CHECK(sa::cached_bytes() > sa::cache_limit() - 256);
}

TEST_CASE("small_alloc: the large blocks stay within their own limit") {
  size_t small = sa::cached_bytes();
  std::vector<void*> blocks;
  for (int i = 0; i < 1000; ++i) blocks.push_back(::operator new(1024));
  for (void* p : blocks) ::operator delete(p, 1024);
  CHECK(sa::cached_bytes(true) <= sa::cache_limit(true));
  if (sa::active()) CHECK(sa::cached_bytes(true) > sa::cache_limit(true) - 1024);
  CHECK(sa::cached_bytes() == small);  // the small blocks' budget untouched
}

TEST_CASE("small_alloc: blocks cross threads") {
  std::vector<std::vector<int>*> made;
  for (int i = 0; i < 1000; ++i) made.push_back(new std::vector<int>(i % 50, i));
  // Freed by a thread that did not make them, which then ends.
  std::thread([&] {
    for (auto* v : made) delete v;
    std::vector<std::vector<int>> own(500, std::vector<int>(7, 1));
    CHECK(own[499][6] == 1);
  }).join();
  // This thread's cache still works after the other's went.
  std::vector<std::vector<int>> mine(300, std::vector<int>(9, 2));
  CHECK(mine[299][8] == 2);
}
