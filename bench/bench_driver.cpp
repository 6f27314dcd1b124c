// bench_driver: pyasm's batch mode for the benchmark (bench/run.py). One
// process does, for every pyc of a list, what `pyasm disasm` and then
// `pyasm build` of the resulting text do (the same library calls as the
// CLI, default options), and times each stage. Files are read before the
// clock starts, so the figures compare with marshal.loads/dumps of bytes
// already in memory; each file is dropped before the next is read.
//
//   bench_driver @files.txt                 disasm + build, one thread
//   bench_driver -j 2 @files.txt            the same on two threads
//   bench_driver --out-dir /tmp/t @files.txt  also writes each .pyasm there
//   bench_driver --floors @files.txt        also times the parts below
//   bench_driver --exec 100 pyasm --version   runs a program 100 times
//
// --exec is how bench/run.py times and weighs one pyasm process: the peak
// resident memory a parent reads with wait4() includes the memory of the
// process that exec'ed it (Linux keeps the larger of the two), so a
// Python parent would add its own ~16 MiB; this driver's is ~3 MiB.
// It prints the median wall time, and the largest peak memory, of the runs.
//
// --floors also times, per file, parts that bound what the whole can cost
// (docs/performance.md, "Floors"): `read_pyc` alone; `disassemble` without
// its rebuild check (reading, the decisions and the printer); and `parse`
// of the text with nothing kept (the re2c lexer and the Lemon parser
// building each line's nodes, no resolver). Every build does at least that
// parse; a checked disassembly reads the pyc and parses its text.
//
// Prints one JSON object: files, input bytes, text bytes, the seconds of
// each stage (summed over files), the wall time, peak resident memory, and
// how many rebuilt pycs differ from their input (must be 0).
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "pyasm/assembler.hpp"
#include "pyasm/disasm.hpp"
#include "pyasm/io.hpp"
#include "pyasm/parser.hpp"
#include "pyasm/pyc_reader.hpp"

namespace {

using Clock = std::chrono::steady_clock;

struct Totals {
  size_t files = 0, in_bytes = 0, text_bytes = 0, out_bytes = 0;
  size_t errors = 0, differ = 0;
  double disasm_s = 0, build_s = 0, read_s = 0, unchecked_s = 0, parse_s = 0;
  std::string first_problem;

  void add(const Totals& t) {
    files += t.files;
    in_bytes += t.in_bytes;
    text_bytes += t.text_bytes;
    out_bytes += t.out_bytes;
    errors += t.errors;
    differ += t.differ;
    disasm_s += t.disasm_s;
    build_s += t.build_s;
    read_s += t.read_s;
    unchecked_s += t.unchecked_s;
    parse_s += t.parse_s;
    if (first_problem.empty()) first_problem = t.first_problem;
  }
};

double since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// `pyasm disasm FILE` as the CLI does it: read_pyc, then disassemble with
// the default options (the rebuild check included); `check` false gives
// the printer without the proof, for --floors.
std::optional<std::string> disasm(const std::string& data, const std::string& name,
                                  bool check = true) {
  pyasm::Diagnostics diags;
  std::optional<pyasm::Pyc> pyc = pyasm::read_pyc(data, name, diags);
  if (!pyc) return std::nullopt;
  pyasm::DisasmOptions options;
  options.verify = check;
  return pyasm::disassemble(*pyc, name, diags, options);
}

// `pyasm build FILE.pyasm` as the CLI does it, with the version from the text.
std::optional<std::string> build(std::string text, const std::string& name) {
  pyasm::Diagnostics diags;
  pyasm::SourceFile file{name + ".pyasm", std::move(text)};
  return pyasm::assemble(file, {}, diags);
}

// Keeps nothing: the nodes of the lines so far go each time the parser asks
// for the arena (after every line but a lone instruction, which never moves
// it: at the latest with the next `.line`, label or directive).
class Discard final : public pyasm::StatementSink {
 public:
  pyasm::Arena& arena() override {
    arena_.release(start_);
    return arena_;
  }
  void statement(const pyasm::Statement&) override { ++statements; }
  size_t statements = 0;

 private:
  pyasm::Arena arena_;
  pyasm::Arena::Mark start_ = arena_.mark();
};

// The front end alone over the text.
bool parse_only(const std::string& text, const std::string& name) {
  pyasm::Diagnostics diags;
  pyasm::SourceFile file{name + ".pyasm", text};
  Discard sink;
  pyasm::parse(file, diags, sink);
  return !diags.has_errors() && sink.statements > 0;
}

std::string out_path(const std::string& dir, size_t index) {
  return dir + "/" + std::to_string(index) + ".pyasm";
}

void run_one(const std::string& path, size_t index, const std::string& out_dir, bool floors,
             Totals& t) {
  std::string error;
  std::optional<std::string> data = pyasm::read_input(path, error);
  ++t.files;
  auto problem = [&](const std::string& what) {
    ++t.errors;
    if (t.first_problem.empty()) t.first_problem = path + ": " + what;
  };
  if (!data) return problem(error);
  t.in_bytes += data->size();
  auto start = Clock::now();
  std::optional<std::string> text = disasm(*data, path);
  t.disasm_s += since(start);
  if (!text) return problem("disasm failed");
  t.text_bytes += text->size();
  if (floors) {
    start = Clock::now();
    pyasm::Diagnostics diags;
    bool ok = pyasm::read_pyc(*data, path, diags).has_value();
    t.read_s += since(start);
    start = Clock::now();
    ok &= disasm(*data, path, /*check=*/false).has_value();
    t.unchecked_s += since(start);
    start = Clock::now();
    ok &= parse_only(*text, path);
    t.parse_s += since(start);
    if (!ok) return problem("a floor measurement failed");
  }
  if (!out_dir.empty() && !pyasm::write_output(out_path(out_dir, index), *text, error))
    return problem(error);
  start = Clock::now();
  std::optional<std::string> pyc = build(std::move(*text), path);
  t.build_s += since(start);
  if (!pyc) return problem("build failed");
  t.out_bytes += pyc->size();
  if (*pyc != *data) {
    ++t.differ;
    if (t.first_problem.empty()) t.first_problem = path + ": rebuilt bytes differ";
  }
}

bool read_list(const std::string& arg, std::vector<std::string>& files) {
  if (!arg.starts_with("@")) {
    files.push_back(arg);
    return true;
  }
  std::ifstream list(arg.substr(1));
  if (!list) return false;
  for (std::string line; std::getline(list, line);)
    if (!line.empty()) files.push_back(line);
  return true;
}

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += static_cast<unsigned char>(c) < 0x20 ? ' ' : c;
  }
  return out + "\"";
}

// Runs argv[0..] `times` times, output to /dev/null; prints one JSON object.
int exec_mode(int times, char** argv) {
  std::vector<double> walls;
  long maxrss = 0;
  int failed = 0;
  for (int i = 0; i < times; ++i) {
    auto start = Clock::now();
    pid_t pid = fork();
    if (pid == 0) {
      FILE* null = std::fopen("/dev/null", "w");
      if (null) {
        dup2(fileno(null), 1);
        dup2(fileno(null), 2);
      }
      execv(argv[0], argv);
      _exit(127);
    }
    int status = 0;
    rusage ru{};
    if (pid < 0 || wait4(pid, &status, 0, &ru) < 0) return 1;
    walls.push_back(since(start));
    maxrss = std::max(maxrss, ru.ru_maxrss);
    failed += !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  std::sort(walls.begin(), walls.end());
  std::printf("{\"wall_s\": %.6f, \"maxrss_kib\": %ld, \"failed\": %d}\n", walls[walls.size() / 2],
              maxrss, failed);
  return failed ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 3 && std::string(argv[1]) == "--exec")
    return exec_mode(std::max(1, std::atoi(argv[2])), argv + 3);
  int jobs = 1;
  std::string out_dir;
  bool floors = false;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if ((a == "-j" || a == "--out-dir") && i + 1 < argc) {
      std::string v = argv[++i];
      if (a == "-j") jobs = std::max(1, std::atoi(v.c_str()));
      else out_dir = v;
    } else if (a == "--floors") {
      floors = true;
    } else if (a.starts_with("-")) {
      std::fprintf(stderr,
                   "usage: bench_driver [-j N] [--out-dir DIR] [--floors] FILE.pyc|@LIST...\n"
                   "       bench_driver --exec TIMES PROGRAM [ARGS...]\n");
      return 2;
    } else if (!read_list(a, files)) {
      std::fprintf(stderr, "bench_driver: error: cannot read %s\n", a.c_str());
      return 2;
    }
  }
  std::vector<Totals> per_thread(jobs);
  std::atomic<size_t> next{0};
  auto worker = [&](Totals& t) {
    for (size_t i; (i = next++) < files.size();) run_one(files[i], i, out_dir, floors, t);
  };
  auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int k = 1; k < jobs; ++k) threads.emplace_back(worker, std::ref(per_thread[k]));
  worker(per_thread[0]);
  for (std::thread& th : threads) th.join();
  double wall = since(start);
  Totals all;
  for (const Totals& t : per_thread) all.add(t);
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  std::printf(
      "{\"files\": %zu, \"in_bytes\": %zu, \"text_bytes\": %zu, \"out_bytes\": %zu, "
      "\"disasm_s\": %.6f, \"build_s\": %.6f, \"read_s\": %.6f, \"unchecked_s\": %.6f, "
      "\"parse_s\": %.6f, "
      "\"wall_s\": %.6f, \"jobs\": %d, "
      "\"maxrss_kib\": %ld, \"errors\": %zu, \"differ\": %zu, \"first_problem\": %s}\n",
      all.files, all.in_bytes, all.text_bytes, all.out_bytes, all.disasm_s, all.build_s,
      all.read_s, all.unchecked_s, all.parse_s, wall,
      jobs, ru.ru_maxrss, all.errors, all.differ, json_string(all.first_problem).c_str());
  return all.errors || all.differ ? 1 : 0;
}
