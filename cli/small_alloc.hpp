// The pyasm programs' small-block cache in front of malloc (small_alloc.cpp).
#pragma once

#include <cstddef>

namespace pyasm::small_alloc {

// Whether this program's operator new and delete are small_alloc.cpp's
// (not under AddressSanitizer, not off glibc).
bool active();
// The bytes of freed blocks the calling thread holds for reuse.
size_t cached_bytes();
// The most a thread holds.
size_t cache_limit();

}  // namespace pyasm::small_alloc
