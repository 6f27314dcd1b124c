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
  size_t last = blocks_.empty() ? 0 : kFirstBlock << std::min<size_t>(blocks_.size() - 1, 8);
  size_t block = std::max(std::min(last * 2, kLargestBlock), kFirstBlock);
  block = std::max(block, size + align);
  blocks_.push_back(std::make_unique_for_overwrite<std::byte[]>(block));
  cur_ = blocks_.back().get();
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
