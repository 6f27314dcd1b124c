// `.include`: expansion, the files it reads (for -MD), and diagnostics that
// point into the included file with "In file included from" lines.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "pyasm/assembler.hpp"
#include "pyasm/include.hpp"

namespace fs = std::filesystem;

namespace {

// A scratch folder that is the current directory while it lives, so file
// names in messages are short and the same on every machine.
class ScratchDir {
 public:
  ScratchDir() : old_(fs::current_path()) {
    dir_ = fs::temp_directory_path() /
           ("pyasm-include-test-" + std::to_string(reinterpret_cast<uintptr_t>(this)));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    fs::current_path(dir_);
  }
  ~ScratchDir() {
    fs::current_path(old_);
    fs::remove_all(dir_);
  }
  void write(const std::string& name, const std::string& text) const {
    fs::create_directories((dir_ / name).parent_path());
    std::ofstream(dir_ / name, std::ios::binary) << text;
  }

 private:
  fs::path old_, dir_;
};

struct Result {
  std::optional<std::string> pyc;
  std::string diagnostics;
  std::vector<std::string> deps;
};

Result assemble(const std::string& name, const std::string& text,
                std::vector<std::string> dirs = {}, bool includes = true) {
  Result r;
  pyasm::Diagnostics diags;
  {
    // The source goes out of scope before rendering: the expanded text must
    // be kept alive by the diagnostics themselves.
    pyasm::SourceFile file{name, text};
    pyasm::AssembleOptions opts;
    opts.include_dirs = std::move(dirs);
    opts.dependencies = &r.deps;
    opts.includes = includes;
    r.pyc = pyasm::assemble(file, opts, diags);
  }
  r.diagnostics = diags.render();
  return r;
}

const char* kHelper = R"(.code helper(x)
    LOAD_FAST x
    RETURN_VALUE
.end
)";

}  // namespace

TEST_CASE("an included file's text takes the place after the .include line") {
  ScratchDir dir;
  dir.write("lib/helper.pyasm", kHelper);
  std::string main_text = ".python 3.8\n.include \"lib/helper.pyasm\"\n"
                          "    LOAD_CONST @helper\n    RETURN_VALUE\n";
  Result with = assemble("main.pyasm", main_text);
  INFO(with.diagnostics);
  REQUIRE(with.pyc);
  // The same code written in one file gives the same bytes.
  Result inline_ = assemble("main.pyasm", std::string(".python 3.8\n") + kHelper +
                                              "    LOAD_CONST @helper\n    RETURN_VALUE\n");
  REQUIRE(inline_.pyc);
  CHECK(*with.pyc == *inline_.pyc);
  CHECK(with.deps == std::vector<std::string>{"lib/helper.pyasm"});
  CHECK(inline_.deps.empty());
}

TEST_CASE("includes nest, are found beside the including file, then in -I folders") {
  ScratchDir dir;
  dir.write("a/outer.pyasm", ".include \"inner.pyasm\"\n");  // a/inner.pyasm, beside it
  dir.write("a/inner.pyasm", ".include \"shared.pyasm\"");    // no final newline
  dir.write("inc/shared.pyasm", kHelper);
  std::string text = ".python 3.8\n.include \"a/outer.pyasm\"\n.include \"a/inner.pyasm\"\n"
                     "    LOAD_CONST None\n    RETURN_VALUE\n";
  // shared.pyasm is only in inc/: without -I it is not found.
  Result without = assemble("main.pyasm", text);
  CHECK_FALSE(without.pyc);
  CHECK(without.diagnostics.find("cannot find include file 'shared.pyasm' (searched: a; add "
                                 "folders with -I DIR)") != std::string::npos);
  // With -I inc, inner.pyasm is included twice (so is helper: a duplicate).
  Result with = assemble("main.pyasm", text, {"inc"});
  CHECK(with.deps ==
        std::vector<std::string>{"a/outer.pyasm", "a/inner.pyasm", "inc/shared.pyasm"});
  CHECK(with.diagnostics.find("duplicate") != std::string::npos);
}

TEST_CASE("an error inside an included file names that file and where it was included") {
  ScratchDir dir;
  dir.write("lib/bad.pyasm", "    NOP\n    FROB 1\n");
  dir.write("lib/mid.pyasm", "# middle\n.include \"bad.pyasm\"\n");
  Result r = assemble("main.pyasm", ".python 3.8\n\n.include \"lib/mid.pyasm\"\n"
                                    "    LOAD_CONST None\n    RETURN_VALUE\n    FROB 2\n");
  CHECK_FALSE(r.pyc);
  CHECK(r.diagnostics ==
        "In file included from lib/mid.pyasm:2:\n"
        "                 from main.pyasm:3:\n"
        "lib/bad.pyasm:2:5: error: unknown opcode 'FROB' for CPython 3.8\n"
        "    FROB 1\n"
        "    ^\n"
        "main.pyasm:6:5: error: unknown opcode 'FROB' for CPython 3.8\n"
        "    FROB 2\n"
        "    ^\n");
}

TEST_CASE(".include errors: missing, cycles, not a file, malformed, turned off") {
  ScratchDir dir;
  dir.write("self.pyasm", ".include \"self.pyasm\"\n");
  dir.write("folder/x.pyasm", "");
  Result r = assemble("main.pyasm", ".python 3.8\n"
                                    ".include \"missing.pyasm\"\n"
                                    ".include \"self.pyasm\"\n"
                                    ".include \"folder\"\n"
                                    ".include nofile\n"
                                    ".include \"a\" \"b\"\n"
                                    ".include 'open\n"
                                    "    LOAD_CONST None\n    RETURN_VALUE\n");
  CHECK_FALSE(r.pyc);
  CHECK(r.diagnostics ==
        "main.pyasm:2:1: error: cannot find include file 'missing.pyasm' (searched: .; add "
        "folders with -I DIR)\n"
        ".include \"missing.pyasm\"\n^\n"
        "In file included from main.pyasm:3:\n"
        "self.pyasm:1:1: error: 'self.pyasm' includes itself (an include cycle)\n"
        ".include \"self.pyasm\"\n^\n"
        "main.pyasm:4:1: error: cannot include 'folder': not a regular file\n"
        ".include \"folder\"\n^\n"
        "main.pyasm:5:10: error: expected a file name in quotes after .include\n"
        ".include nofile\n         ^\n"
        "main.pyasm:6:14: error: .include takes one file name\n"
        ".include \"a\" \"b\"\n             ^\n"
        "main.pyasm:7:10: error: unterminated string literal\n"
        ".include 'open\n         ^\n");
  // A file that includes the main file is a cycle too.
  dir.write("back.pyasm", ".include \"main.pyasm\"\n");
  dir.write("main.pyasm", ".include \"back.pyasm\"\n");
  Result cycle = assemble("main.pyasm", ".include \"back.pyasm\"\n");
  CHECK(cycle.diagnostics.find("'main.pyasm' includes itself") != std::string::npos);
  // Turned off (the fuzz target): nothing is read.
  Result off = assemble("main.pyasm", ".python 3.8\n.include \"back.pyasm\"\n", {}, false);
  CHECK(off.diagnostics.find(".include is turned off here") != std::string::npos);
  CHECK(off.deps.empty());
}

TEST_CASE("a device or an endless file is not read") {
  ScratchDir dir;
  Result r = assemble("main.pyasm", ".python 3.8\n.include \"/dev/zero\"\n");
  CHECK(r.diagnostics.find("cannot include '/dev/zero': not a regular file") !=
        std::string::npos);
}

TEST_CASE("has_includes sees only a line that starts with the directive") {
  CHECK(pyasm::has_includes(".include \"x\""));
  CHECK(pyasm::has_includes("NOP\n  \t.include 'x' # c\n"));
  CHECK_FALSE(pyasm::has_includes("LOAD_CONST '.include \"x\"'\n"));
  CHECK_FALSE(pyasm::has_includes("# .include \"x\"\n"));
  CHECK_FALSE(pyasm::has_includes(".included \"x\"\n"));
  // Found past earlier 'u's and an earlier `.include` that is no directive.
  CHECK(pyasm::has_includes("LOAD_NAME u\nLOAD_CONST '.include'\n.include \"x\"\n"));
  CHECK(pyasm::has_includes(".include"));
  CHECK_FALSE(pyasm::has_includes(".includ"));
  CHECK_FALSE(pyasm::has_includes("u"));
  CHECK_FALSE(pyasm::has_includes(""));
}
