// The pyasm programs' small-block cache in front of malloc (small_alloc.cpp).
#pragma once

#include <cstddef>

namespace pyasm::small_alloc {

// Whether this program's operator new and delete are small_alloc.cpp's
// (not under AddressSanitizer, not off glibc).
bool active();
// The bytes of freed blocks the calling thread holds for reuse, of at most
// 256 bytes (`large`: of 257 to 1024 bytes, a budget apart).
size_t cached_bytes(bool large = false);
// The most a thread holds of them.
size_t cache_limit(bool large = false);

}  // namespace pyasm::small_alloc
