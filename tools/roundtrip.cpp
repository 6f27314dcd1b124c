// roundtrip: proves that pyasm loses nothing. For each pyc it reads the file
// into the IR and writes it back, in process, and compares the bytes:
//   --text (default)  read_pyc -> disassemble -> assemble (the .pyasm text
//                     is the only thing that crosses over)
//   --marshal         read_pyc -> write_pyc (the IR and its marshal notes)
// A file is "identical", "failed" (first differing byte, and the field the
// original has there) or an "error" (the diagnostics). Every code object's
// co_stacksize is also compared with pyasm's own computation, and in text
// mode the code objects whose text had to say `.stacksize` are counted.
//
//   build/roundtrip Lib/__pycache__/os.cpython-312.pyc
//   build/roundtrip --marshal -j 4 /tmp/corpus/3.12      (a folder: every *.pyc in it)
//   build/roundtrip --json @files.txt > results.jsonl     (one path per line)
//
// tools/roundtrip.py compiles whole standard libraries and runs this over
// them; docs/roundtrip.md says how to read the report. Exit status: 0 when
// every file is identical, 1 otherwise, 2 on usage errors.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <thread>

#include "pyasm/assembler.hpp"
#include "pyasm/disasm.hpp"
#include "pyasm/io.hpp"
#include "pyasm/pyc_reader.hpp"

namespace fs = std::filesystem;


namespace {

enum class Mode { kText, kMarshal };

struct Options {
  Mode mode = Mode::kText;
  bool verify = true;  // text mode: the printer checks its text (DisasmOptions)
};

// One code object whose co_stacksize pyasm computes differently.
struct StackDiff {
  std::string qualname;
  int cpython = 0;
  int pyasm = -1;  // -1: not computed (the code did not decode or analyse)
};

struct CodeStats {
  int code_objects = 0;
  int equal = 0;
  int lower = 0;     // pyasm < CPython: CPython counted code that is gone
  int higher = 0;    // pyasm > CPython: never expected
  int unknown = 0;   // decode or analysis failed
  int marshal_notes = 0;  // read_pyc's notes: departures from the writer's rule
  // Text mode: what the printer had to spell out (DisasmStats).
  int explicit_text = 0;  // `.stacksize` lines in the text
  int raw_linetables = 0, raw_exctables = 0, prefixes = 0, forced = 0;
  bool unverified = false;  // the printer's own rebuild check did not pass
  std::map<std::string, int> reasons;  // the printer's reason for each `.stacksize`
  std::vector<StackDiff> diffs;
};

struct Result {
  enum Status { kIdentical, kFailed, kError } status = kError;
  std::string path;
  std::string version;
  size_t size = 0;
  size_t offset = 0;   // kFailed: first differing byte
  std::string field;   // kFailed: field_at(original, offset)
  std::string detail;  // kFailed: the two bytes; kError: the first diagnostic
  CodeStats codes;
  double ms = 0;
};

const char* status_name(Result::Status s) {
  return s == Result::kIdentical ? "identical" : s == Result::kFailed ? "failed" : "error";
}

// ---- stack sizes --------------------------------------------------------------

// pyasm's co_stacksize for one code object as read, the way encode() ends
// up with it; -1 when its code does not decode or analyse.
int pyasm_stacksize(const pyasm::Code& read) {
  pyasm::Code copy = read;
  pyasm::Diagnostics diags;
  pyasm::SourceFile none{"", ""};
  if (!pyasm::decode_instructions(copy, "", diags)) return -1;
  int depth = pyasm::compute_stacksize(copy, none, diags);
  if (depth < 0) return -1;
  // 3.13's code constructor raises 0 to 1; encode() does the same.
  if (copy.version.at_least(13) && depth == 0) depth = 1;
  return depth;
}

// `qualname`: the dotted chain of enclosing names ("<module>" at the top).
void survey(const pyasm::Code& code, const std::string& qualname, bool top, CodeStats& out) {
  ++out.code_objects;
  out.marshal_notes += static_cast<int>(code.marshal_notes.size());
  int mine = pyasm_stacksize(code);
  if (mine == code.stacksize) {
    ++out.equal;
  } else {
    ++(mine < 0 ? out.unknown : mine < code.stacksize ? out.lower : out.higher);
    out.diffs.push_back({qualname, code.stacksize, mine});
  }
  for (const pyasm::ObjectPtr& k : code.consts)
    if (k->kind == pyasm::ObjKind::Code)
      survey(*k->code, top ? k->code->name : qualname + "." + k->code->name, false, out);
}

int count_stacksize_lines(const std::string& text) {
  int n = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    size_t first = text.find_first_not_of(" \t", pos);
    if (first < end && text.compare(first, 10, ".stacksize") == 0) ++n;
    pos = end + 1;
  }
  return n;
}

// ---- one file -------------------------------------------------------------------

std::string first_line(std::string text) {
  size_t nl = text.find('\n');
  if (nl != std::string::npos) text.resize(nl);
  return text;
}

std::string hex(size_t v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%zx", v);
  return buf;
}

std::string byte_at(const std::string& s, size_t i) {
  if (i >= s.size()) return "end of file";
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02x", static_cast<uint8_t>(s[i]));
  return buf;
}

// Fills the failure fields when `rebuilt` is not `original`.
void compare(const std::string& original, const std::string& rebuilt, Result& r) {
  auto [a, b] = std::mismatch(original.begin(), original.end(), rebuilt.begin(), rebuilt.end());
  if (a == original.end() && b == rebuilt.end()) {
    r.status = Result::kIdentical;
    return;
  }
  r.status = Result::kFailed;
  r.offset = static_cast<size_t>(a - original.begin());
  r.field = pyasm::field_at(original, r.offset);
  r.detail = "read " + byte_at(original, r.offset) + ", rebuilt " + byte_at(rebuilt, r.offset) +
             " (" + std::to_string(original.size()) + " vs " + std::to_string(rebuilt.size()) +
             " bytes)";
}

void keep_disasm_stats(const pyasm::DisasmStats& st, const std::string& text, bool verify,
                       CodeStats& out) {
  out.explicit_text = count_stacksize_lines(text);
  out.raw_linetables = st.raw_linetables;
  out.raw_exctables = st.raw_exceptiontables;
  out.prefixes = st.written_prefixes;
  out.forced = st.forced;
  out.unverified = verify && !st.verified;
  for (const pyasm::DisasmStats::StackSize& ss : st.stacksizes)
    ++out.reasons[ss.reason.empty() ? "(none given: forced by the printer's check)" : ss.reason];
}

// The rebuilt bytes, or nullopt with r.detail set.
std::optional<std::string> rebuild(const pyasm::Pyc& pyc, const Options& opts, Result& r) {
  if (opts.mode == Mode::kMarshal) {
    std::vector<const pyasm::MarshalNote*> unused;
    std::string out = pyasm::write_pyc(pyc.code, pyc.header, &unused);
    if (!unused.empty())
      r.detail = "unused marshal note: " + pyasm::format_marshal_notes({*unused.front()});
    return out;
  }
  pyasm::Diagnostics diags;
  pyasm::DisasmStats stats;
  std::optional<std::string> text =
      pyasm::disassemble(pyc, r.path, diags, {.verify = opts.verify, .stats = &stats});
  if (!text) {
    r.detail = "disassemble: " + first_line(diags.render());
    return std::nullopt;
  }
  keep_disasm_stats(stats, *text, opts.verify, r.codes);
  // No version and no header from outside: the text must carry both.
  pyasm::SourceFile file{r.path + ".pyasm", std::move(*text)};
  std::optional<std::string> out = pyasm::assemble(file, {}, diags);
  if (!out) r.detail = "assemble: " + first_line(diags.render());
  return out;
}

void run_file(const std::string& path, const Options& opts, Result& r) {
  std::string error;
  std::optional<std::string> data = pyasm::read_input(path, error);
  if (!data) {
    r.detail = error;
    return;
  }
  r.size = data->size();
  pyasm::Diagnostics diags;
  std::optional<pyasm::Pyc> pyc = pyasm::read_pyc(*data, path, diags);
  if (!pyc) {
    r.detail = first_line(diags.render());
    return;
  }
  r.version = std::to_string(pyc->version.major) + "." + std::to_string(pyc->version.minor);
  survey(*pyc->code, pyc->code->name, true, r.codes);
  std::optional<std::string> rebuilt = rebuild(*pyc, opts, r);
  if (!rebuilt) return;
  std::string note = std::move(r.detail);  // an unused marshal note, if any
  compare(*data, *rebuilt, r);
  if (r.status == Result::kFailed && !note.empty()) r.detail += "; " + note;
}

// Never lets one file stop the batch.
Result run_file_guarded(const std::string& path, const Options& opts) {
  Result r;
  r.path = path;
  auto start = std::chrono::steady_clock::now();
  try {
    run_file(path, opts, r);
  } catch (const std::exception& e) {
    r.status = Result::kError;
    r.detail = std::string("internal error: ") + e.what();
  } catch (...) {
    r.status = Result::kError;
    r.detail = "internal error: unknown exception";
  }
  r.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return r;
}

// ---- reporting -------------------------------------------------------------------

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

std::string json_line(const Result& r) {
  const CodeStats& s = r.codes;
  std::string out = "{\"file\": " + json_string(r.path) + ", \"version\": " +
                    json_string(r.version) + ", \"result\": \"" + status_name(r.status) +
                    "\", \"size\": " + std::to_string(r.size);
  if (r.status == Result::kFailed)
    out += ", \"offset\": " + std::to_string(r.offset) + ", \"field\": " + json_string(r.field);
  if (!r.detail.empty()) out += ", \"detail\": " + json_string(r.detail);
  out += ", \"code_objects\": " + std::to_string(s.code_objects) +
         ", \"stack_lower\": " + std::to_string(s.lower) +
         ", \"stack_higher\": " + std::to_string(s.higher) +
         ", \"stack_unknown\": " + std::to_string(s.unknown) +
         ", \"marshal_notes\": " + std::to_string(s.marshal_notes) +
         ", \"explicit_stacksize\": " + std::to_string(s.explicit_text) +
         ", \"raw_linetables\": " + std::to_string(s.raw_linetables) +
         ", \"raw_exctables\": " + std::to_string(s.raw_exctables) +
         ", \"prefixes\": " + std::to_string(s.prefixes) +
         ", \"forced\": " + std::to_string(s.forced) +
         ", \"unverified\": " + (s.unverified ? "true" : "false") + ", \"stack_reasons\": {";
  for (auto it = s.reasons.begin(); it != s.reasons.end(); ++it)
    out += std::string(it == s.reasons.begin() ? "" : ", ") + json_string(it->first) + ": " +
           std::to_string(it->second);
  out += "}, \"stack_diffs\": [";
  for (size_t i = 0; i < s.diffs.size(); ++i)
    out += std::string(i ? ", " : "") + "[" + json_string(s.diffs[i].qualname) + ", " +
           std::to_string(s.diffs[i].cpython) + ", " + std::to_string(s.diffs[i].pyasm) + "]";
  char ms[32];
  std::snprintf(ms, sizeof ms, "%.1f", r.ms);
  return out + "], \"ms\": " + ms + "}\n";
}

std::string describe(const Result& r) {
  if (r.status == Result::kError) return r.path + ": " + r.detail;
  return r.path + ": " + hex(r.offset) + " " + (r.field.empty() ? "(no field)" : r.field) +
         ": " + r.detail;
}

void add(CodeStats& total, const CodeStats& s) {
  total.code_objects += s.code_objects;
  total.equal += s.equal;
  total.lower += s.lower;
  total.higher += s.higher;
  total.unknown += s.unknown;
  total.marshal_notes += s.marshal_notes;
  total.explicit_text += s.explicit_text;
  total.raw_linetables += s.raw_linetables;
  total.raw_exctables += s.raw_exctables;
  total.prefixes += s.prefixes;
  total.forced += s.forced;
  for (const auto& [reason, n] : s.reasons) total.reasons[reason] += n;
}

void print_summary(const std::vector<Result>& results, Mode mode, double seconds, int show) {
  int count[3] = {0, 0, 0}, with_notes = 0, unverified = 0;
  CodeStats total;
  for (const Result& r : results) {
    ++count[r.status];
    add(total, r.codes);
    with_notes += r.codes.marshal_notes > 0;
    unverified += r.codes.unverified;
  }
  std::printf("roundtrip --%s: %zu files in %.1f s\n", mode == Mode::kText ? "text" : "marshal",
              results.size(), seconds);
  std::printf("  identical  %d\n  failed     %d\n  errors     %d\n", count[0], count[1],
              count[2]);
  std::printf("  co_stacksize over %d code objects: pyasm equal %d, lower %d, higher %d, "
              "not computed %d\n",
              total.code_objects, total.equal, total.lower, total.higher, total.unknown);
  std::printf("  marshal notes: %d, in %d files\n", total.marshal_notes, with_notes);
  if (mode == Mode::kText)
    std::printf("  the text spelled out: .stacksize %d, raw line tables %d, raw exception tables "
                "%d, EXTENDED_ARG prefixes %d, forced by the printer's check %d code objects; "
                "check failed in %d files\n",
                total.explicit_text, total.raw_linetables, total.raw_exctables, total.prefixes,
                total.forced, unverified);
  for (const auto& [reason, n] : total.reasons)
    std::printf("    .stacksize %d: %s\n", n, reason.c_str());
  for (Result::Status st : {Result::kFailed, Result::kError}) {
    int shown = 0;
    for (const Result& r : results)
      if (r.status == st && shown++ < show)
        std::printf("  %s %s\n", status_name(st), describe(r).c_str());
    if (shown > show) std::printf("  ... and %d more %s\n", shown - show, status_name(st));
  }
}

// ---- inputs and the batch ----------------------------------------------------------

// Arguments to pyc paths: a file, a folder (every *.pyc under it, sorted),
// or @LIST (one path per line). False after reporting what cannot be read.
bool collect(const std::string& arg, std::vector<std::string>& out) {
  if (arg.starts_with("@")) {
    std::ifstream list(arg.substr(1));
    if (!list) {
      std::fprintf(stderr, "roundtrip: error: cannot read list %s\n", arg.c_str() + 1);
      return false;
    }
    for (std::string line; std::getline(list, line);)
      if (!line.empty()) out.push_back(line);
    return true;
  }
  std::error_code ec;
  if (!fs::is_directory(arg, ec)) {
    out.push_back(arg);  // a missing file is that file's error
    return true;
  }
  std::vector<std::string> found;
  for (auto it = fs::recursive_directory_iterator(arg, ec); !ec && it != fs::end(it);
       it.increment(ec))
    if (it->path().extension() == ".pyc") found.push_back(it->path().string());
  if (ec) std::fprintf(stderr, "roundtrip: warning: %s: %s\n", arg.c_str(), ec.message().c_str());
  std::sort(found.begin(), found.end());
  out.insert(out.end(), found.begin(), found.end());
  return true;
}

// Runs every file on `jobs` threads; with `json`, prints each result's line
// as soon as it is known (so a caller can tell which file a crash was in).
std::vector<Result> run_batch(const std::vector<std::string>& files, const Options& opts,
                              int jobs, bool json) {
  std::vector<Result> results(files.size());
  std::atomic<size_t> next{0};
  std::mutex out;
  auto worker = [&] {
    for (size_t i; (i = next++) < files.size();) {
      results[i] = run_file_guarded(files[i], opts);
      if (!json) continue;
      std::lock_guard lock(out);
      std::fputs(json_line(results[i]).c_str(), stdout);
      std::fflush(stdout);
    }
  };
  std::vector<std::thread> threads;
  for (int t = 1; t < jobs; ++t) threads.emplace_back(worker);
  worker();
  for (std::thread& t : threads) t.join();
  return results;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"roundtrip: read each pyc, rebuild it in process, compare the bytes"};
  bool marshal = false, text = false, json = false, no_verify = false;
  int jobs = 1, show = 10;
  std::vector<std::string> args;
  auto* m = app.add_flag("--marshal", marshal, "read_pyc -> write_pyc (the IR and marshal notes)");
  app.add_flag("--text", text, "read_pyc -> disassemble -> assemble (the default)")->excludes(m);
  app.add_flag("--no-verify", no_verify,
               "text mode: the printer does not check its text (its defaults alone)");
  app.add_flag("--json", json, "one JSON line per file on standard output, then no summary");
  app.add_option("-j,--jobs", jobs, "worker threads (0: one per core)")->check(CLI::NonNegativeNumber);
  app.add_option("--show", show, "failures and errors listed in the summary");
  app.add_option("inputs", args, "pyc files, folders (searched for *.pyc) or @LIST files")
      ->required();
  app.footer(
      "\nExamples:\n"
      "  roundtrip --marshal -j 0 /tmp/corpus        every pyc under a folder\n"
      "  roundtrip --json @list.txt > out.jsonl      a list; one JSON object per file\n"
      "\ntools/roundtrip.py compiles the standard libraries and runs this (docs/roundtrip.md).\n");
  CLI11_PARSE(app, argc, argv);

  Options opts{.mode = marshal ? Mode::kMarshal : Mode::kText, .verify = !no_verify};
  if (jobs == 0) jobs = std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::string> files;
  for (const std::string& a : args)
    if (!collect(a, files)) return 2;
  auto start = std::chrono::steady_clock::now();
  std::vector<Result> results = run_batch(files, opts, jobs, json);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!json) print_summary(results, opts.mode, seconds, show);
  bool all = std::all_of(results.begin(), results.end(),
                         [](const Result& r) { return r.status == Result::kIdentical; });
  return all ? 0 : 1;
}
