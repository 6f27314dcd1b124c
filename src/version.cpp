#include "pyasm/version.hpp"

#include <charconv>

namespace pyasm {

std::optional<Version> parse_version(std::string_view text) {
  Version v;
  const char* p = text.data();
  const char* end = p + text.size();
  auto r = std::from_chars(p, end, v.major);
  if (r.ec != std::errc() || r.ptr == end || *r.ptr != '.') return std::nullopt;
  r = std::from_chars(r.ptr + 1, end, v.minor);
  if (r.ec != std::errc()) return std::nullopt;
  if (r.ptr != end) {
    // Accept and ignore a patch level: "3.11.7".
    int patch = 0;
    if (*r.ptr != '.') return std::nullopt;
    r = std::from_chars(r.ptr + 1, end, patch);
    if (r.ec != std::errc() || r.ptr != end) return std::nullopt;
  }
  return v;
}

bool is_supported(Version v) {
  return v >= kMinVersion && v <= kMaxVersion;
}

std::string supported_versions_text() {
  std::string out;
  for (int mi = kMinVersion.minor; mi <= kMaxVersion.minor; ++mi) {
    if (!out.empty()) out += ", ";
    out += Version{3, mi}.str();
  }
  return out;
}

}  // namespace pyasm
