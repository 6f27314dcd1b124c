// Target CPython versions and the facts that vary by version but are not
// per-opcode (those live in the generated tables, see opcodes.hpp).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace pyasm {

struct Version {
  int major = 3;
  int minor = 0;

  friend bool operator==(Version, Version) = default;
  friend auto operator<=>(Version, Version) = default;
  bool at_least(int mi) const { return minor >= mi; }
  std::string str() const { return std::to_string(major) + "." + std::to_string(minor); }
};

// Oldest and newest versions pyasm targets.
inline constexpr Version kMinVersion{3, 6};
inline constexpr Version kMaxVersion{3, 13};

// Parses "3.11" (also "3.11.7": the patch level is ignored). No range check.
std::optional<Version> parse_version(std::string_view text);
bool is_supported(Version v);
// "3.6, 3.7, ..., 3.13", for messages.
std::string supported_versions_text();

}  // namespace pyasm
