#include "paths.hpp"

#include <filesystem>
#include <system_error>

namespace fs = std::filesystem;

namespace pyasm::cli {

std::string with_extension(const std::string& input, std::string_view from, std::string_view to) {
  if (input == "-") return "-";
  std::string base = input;
  if (base.size() > from.size() && base.ends_with(from) && base[base.size() - from.size() - 1] != '/')
    base.resize(base.size() - from.size());
  return base + std::string(to);
}

std::optional<std::string> output_in_dir(const std::string& input, const std::string& dir,
                                         std::string_view from, std::string_view to,
                                         std::string& error) {
  if (input == "-") {
    error = "-d needs files, not standard input ('-'): use -o for it";
    return std::nullopt;
  }
  fs::path p = fs::path(input).lexically_normal();
  if (p.is_absolute()) {
    std::error_code ec;
    fs::path cwd = fs::current_path(ec);
    if (ec) {
      error = "the current directory: " + ec.message();
      return std::nullopt;
    }
    p = p.lexically_relative(cwd.lexically_normal());
  }
  if (p.empty() || p == "." || *p.begin() == "..") {
    error = input +
            ": outside the current directory; with -d an input's path under the current "
            "directory is kept under DIR (build it with -o, or from a directory that holds it)";
    return std::nullopt;
  }
  return (fs::path(dir) / with_extension(p.string(), from, to)).string();
}

bool make_parent_dirs(const std::string& path, std::string& error) {
  fs::path parent = fs::path(path).parent_path();
  if (parent.empty()) return true;
  std::error_code ec;
  fs::create_directories(parent, ec);
  if (ec) {
    error = parent.string() + ": " + ec.message();
    return false;
  }
  return true;
}

std::string dependency_file_for(const std::string& output) {
  return fs::path(output).replace_extension(".d").string();
}

std::string make_escape(std::string_view path) {
  std::string out;
  size_t backslashes = 0;
  for (char c : path) {
    if (c == ' ' || c == '\t') {
      out.append(backslashes, '\\');  // each one before a blank is doubled
      out += '\\';
    } else if (c == '$') {
      out += '$';
    } else if (c == '#') {
      out += '\\';
    }
    backslashes = c == '\\' ? backslashes + 1 : 0;
    out += c;
  }
  return out;
}

std::string make_rule(const std::string& target, const std::string& main,
                      const std::vector<std::string>& deps, bool phony) {
  std::string out = make_escape(target) + ":";
  bool first = true;
  auto add = [&](const std::string& dep) {
    out += first ? " " : " \\\n  ";
    out += make_escape(dep);
    first = false;
  };
  if (!main.empty()) add(main);
  for (const std::string& d : deps) add(d);
  out += "\n";
  if (phony)
    for (const std::string& d : deps) out += "\n" + make_escape(d) + ":\n";
  return out;
}

}  // namespace pyasm::cli
