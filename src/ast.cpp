// The AST's arena (include/pyasm/ast.hpp).
#include "pyasm/ast.hpp"

#include <cstring>

namespace pyasm {

namespace {
// Blocks grow with the file, so a large one costs few allocations and a
// small one little memory.
constexpr size_t kFirstBlock = 4096, kLargestBlock = 1 << 20;
}  // namespace

void* Arena::grow(size_t size, size_t align) {
  // A block kept from before a release() is used again when it fits; one
  // that does not is skipped (it stays for later rounds) rather than freed.
  while (block_ < blocks_.size()) {
    Block& b = blocks_[block_++];
    if (b.size >= size + align) {
      cur_ = b.data.get();
      left_ = b.size;
      return allocate(size, align);
    }
  }
  size_t last = blocks_.empty() ? 0 : blocks_.back().size;
  size_t block = std::max(std::min(last * 2, kLargestBlock), kFirstBlock);
  block = std::max(block, size + align);
  blocks_.push_back({std::make_unique_for_overwrite<std::byte[]>(block), block});
  block_ = blocks_.size();
  cur_ = blocks_.back().data.get();
  left_ = block;
  return allocate(size, align);
}

std::string_view Arena::copy(std::string_view s) {
  if (s.empty()) return {};
  char* p = static_cast<char*>(allocate(s.size(), 1));
  std::memcpy(p, s.data(), s.size());
  return {p, s.size()};
}

}  // namespace pyasm
