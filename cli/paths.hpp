// Where outputs go, and Make dependency files (-MD, -MF, -MP) as cc writes them.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pyasm::cli {

// `input` with its extension `from` (".pyasm") replaced by `to` (".pyc");
// without that extension, `to` is appended. "-" stays "-".
std::string with_extension(const std::string& input, std::string_view from, std::string_view to);

// -d DIR: the input's path under the current directory, kept under DIR
// (pkg/mod.pyasm -> DIR/pkg/mod.pyc), so the tree imports as it was laid
// out. The path is taken lexically ("./a/../b.pyasm" is "b.pyasm"; an
// absolute path is made relative to the current directory). nullopt and
// `error` set for an input outside the current directory ("../x.pyasm",
// "/elsewhere/x.pyasm") or standard input.
std::optional<std::string> output_in_dir(const std::string& input, const std::string& dir,
                                         std::string_view from, std::string_view to,
                                         std::string& error);

// Creates the folders `path` needs. False, `error` set, if it cannot.
bool make_parent_dirs(const std::string& path, std::string& error);

// -MD without -MF: the output with its extension replaced by ".d", as cc
// does for `-o x.o` (x.pyc -> x.d; an output without extension gets ".d").
std::string dependency_file_for(const std::string& output);

// A path escaped for a Make rule as gcc escapes it: a space or tab gets a
// backslash (and backslashes before it are doubled), `$` becomes `$$`, `#`
// becomes `\#`.
std::string make_escape(std::string_view path);

// "TARGET: MAIN DEP...\n", one prerequisite per continuation line; with
// `phony` (-MP) an empty rule for each DEP, so make does not stop when one
// is deleted. `main` may be empty (standard input).
std::string make_rule(const std::string& target, const std::string& main,
                      const std::vector<std::string>& deps, bool phony);

}  // namespace pyasm::cli
