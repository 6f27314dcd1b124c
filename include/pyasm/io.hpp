// Files in and out, the way a build tool needs them.
#pragma once

#include <optional>
#include <string>

#include "pyasm/version.hpp"

namespace pyasm {

// Reads a whole file, or standard input for "-". nullopt and `error` set
// when it cannot be read.
std::optional<std::string> read_input(const std::string& path, std::string& error);

// Writes `data` to `path` atomically: a temporary file in the same folder,
// then rename, so a reader never sees a partial file and an existing file is
// untouched on failure. "-" writes to standard output.
bool write_output(const std::string& path, const std::string& data, std::string& error);

// The version of the `python3` on PATH, or nullopt if there is none.
std::optional<Version> host_python_version();

}  // namespace pyasm
