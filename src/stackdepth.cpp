// co_stacksize by stack-effect analysis, the way CPython's compiler does it
// (3.7+: a worklist that revisits an instruction only when it is reached
// with a greater depth), at instruction granularity over the final code:
// every jump is followed on both branches, and from 3.11 every instruction
// covered by an exception-table entry leads to its handler, entered with
// depth + lasti + 1 (the entry's depth, the offset if lasti, the exception).
#include <algorithm>
#include <climits>

#include "pyasm/assembler.hpp"
#include "pyasm/opcodes.hpp"
#include "flow.hpp"

namespace pyasm {

namespace {

// 3.10-3.12 start generators with their first value already counted.
int entry_depth(const Code& code) {
  bool generator = code.flags & (kGenerator | kCoroutine | kAsyncGenerator);
  return generator && code.version.at_least(10) && !code.version.at_least(13) ? 1 : 0;
}

// Storage reused by every analysis on this thread: the build runs one per
// code object, which then allocates nothing once these have grown.
struct Scratch {
  std::vector<int> depth, raises;
  std::vector<size_t> work;
  Coverage cover;
};

Scratch& scratch() {
  thread_local Scratch s;
  return s;
}

// Storage for code objects of up to this many instructions is kept; a
// larger one's is let go, so that the thread does not hold it for the rest
// of the run (pyasm disasm's peak memory is bounded).
constexpr size_t kKeepInstrs = 4096;

class Analysis {
 public:
  Analysis(const Code& code, const SourceFile& file, Diagnostics& diags, Scratch& sc)
      : code_(code), table_(*opcode_table(code.version)), file_(file), diags_(diags),
        depth_(sc.depth), raises_(sc.raises), work_(sc.work), cover_(sc.cover) {
    depth_.assign(code.instrs.size(), INT_MIN);
    raises_.assign(code.instrs.size(), 0);
    work_.clear();
    if (!code.exceptions.empty()) cover_.build(code);
  }

  int run() {
    if (code_.instrs.empty()) return 0;
    if (!code_.version.at_least(7)) return walk_3_6();
    reach(0, entry_depth(code_), nullptr);
    drain();
    if (!failed_ && code_.version.at_least(11)) orphan_handlers();
    return failed_ ? -1 : max_;
  }

 private:
  void drain() {
    while (!work_.empty() && !failed_) {
      size_t i = work_.back();
      work_.pop_back();
      walk(i);
    }
  }

  // 3.11+: CPython computes the depth before it drops exception-table
  // entries whose protected range turned out empty, so a handler that no
  // entry points to any more ("orphan": unreachable, starting with
  // PUSH_EXC_INFO) still counts. Walk each such handler as if entered at
  // depth 1 (a handler of a try at the top of a body); being dead code, a
  // walk that fails proves nothing and is dropped, silently.
  void orphan_handlers() {
    for (size_t i = 0; i < code_.instrs.size(); ++i) {
      if (depth_[i] != INT_MIN) continue;
      const OpInfo* op = table_.find(code_.instrs[i].opcode);
      if (!op || op->name != "PUSH_EXC_INFO") continue;
      int saved_max = max_;
      lenient_ = true;
      reach(i, 1, nullptr);
      drain();
      lenient_ = false;
      if (failed_) {
        failed_ = false;
        work_.clear();
        max_ = saved_max;
      }
    }
  }


  // An instruction is (re)visited only when reached with a greater depth,
  // as in CPython. Paths that disagree are an error from 3.10 (CPython's
  // compiler asserts they agree); 3.7-3.9 tolerate a higher depth at a
  // SETUP_* handler, but a depth that keeps rising is a loop that pushes
  // more than it pops, which must not make the analysis run forever.
  void reach(size_t i, int depth, const Instr* from) {
    int known = depth_[i];
    if (known != INT_MIN && known != depth && code_.version.at_least(10)) {
      mismatch(i, known, depth, from);
      return;
    }
    if (depth <= known) return;
    if (known != INT_MIN && ++raises_[i] > kMaxRaises) {
      keeps_growing(i, from);
      return;
    }
    depth_[i] = depth;
    work_.push_back(i);
  }

  // The error paths out of line (as falls_off): inlined, their messages
  // crowd the walk's registers onto the stack.
  [[gnu::noinline, gnu::cold]] void keeps_growing(size_t i, const Instr* from) {
    failed_ = true;
    if (lenient_) return;
    diags_.error(file_, (from ? *from : code_.instrs[i]).src,
                 "the stack keeps growing around this loop: a path through here pushes "
                 "more than it pops");
  }

  [[gnu::noinline, gnu::cold]] void mismatch(size_t i, int known, int depth, const Instr* from) {
    if (lenient_) {
      failed_ = true;
      return;
    }
    diags_.error(file_, (from ? *from : code_.instrs[i]).src,
                 "stack depth differs where paths meet: " + std::to_string(depth) +
                     " on this path, " + std::to_string(known) + " on another");
    failed_ = true;
  }

  // CPython 3.6's stackdepth_walk: depth-first over basic blocks, cutting a
  // block that is on the current path or was entered at least as deep. Its
  // SETUP_* effects make depths disagree between paths by design; the cuts
  // keep the walk finite. An explicit stack replaces the recursion.
  int walk_3_6() {
    const size_t n = code_.instrs.size();
    std::vector<uint8_t> leader;
    block_starts(code_, table_, false, leader);
    std::vector<bool> on_path(n, false);
    struct Frame {
      size_t block;   // first instruction
      int depth;
      size_t i;       // next instruction to walk
      bool entered;
      bool finished;  // only its successor's walk is left; then off the path
    };
    std::vector<Frame> stack{{0, entry_depth(code_), 0, false, false}};
    while (!stack.empty() && !failed_) {
      Frame& f = stack.back();
      if (f.finished) {
        on_path[f.block] = false;
        stack.pop_back();
        continue;
      }
      if (!f.entered) {
        if (on_path[f.block] || depth_[f.block] >= f.depth) {
          stack.pop_back();
          continue;
        }
        on_path[f.block] = true;
        depth_[f.block] = f.depth;
        f.entered = true;
        f.i = f.block;
      }
      if (f.i >= n && !table_.find(code_.instrs[n - 1].opcode)->terminates()) {
        const Instr& last = code_.instrs[n - 1];
        falls_off(last, *table_.find(last.opcode));
        break;
      }
      if (f.i >= n || (f.i > f.block && leader[f.i])) {
        // The block falls into the next one, walked while this one is on the path.
        f.finished = true;
        Frame next{f.i, f.depth, f.i, false, false};
        if (next.block < n) stack.push_back(next);
        continue;
      }
      const Instr& in = code_.instrs[f.i];
      const OpInfo& op = *table_.find(in.opcode);
      f.depth += op.fall.eval(in.arg);
      if (!check(in, f.depth, "")) break;
      max_ = std::max(max_, f.depth);
      ++f.i;
      if (op.jumps() && in.target >= 0) {
        // 3.6 counts the jump side from the depth after the instruction.
        int target = f.depth - op.fall.eval(in.arg) + op.jump.eval(in.arg);
        max_ = std::max(max_, target);
        // After JUMP_ABSOLUTE/JUMP_FORWARD only the target's walk is left;
        // otherwise this block resumes once the target (on top) is walked,
        // as CPython's recursion does.
        if (op.name == "JUMP_ABSOLUTE" || op.name == "JUMP_FORWARD") f.finished = true;
        stack.push_back({static_cast<size_t>(in.target), target, 0, false, false});
      }
    }
    return failed_ ? -1 : max_;
  }

  bool check(const Instr& in, int depth, const char* where) {
    return depth >= 0 || underflow(in, depth, where);
  }

  [[gnu::noinline, gnu::cold]] bool underflow(const Instr& in, int depth, const char* where) {
    if (lenient_) {
      failed_ = true;
      return false;
    }
    const OpInfo& op = *table_.find(in.opcode);
    diags_.error(file_, in.src, "stack underflow: " + std::string(op.name) + where +
                                    " leaves the stack " + std::to_string(-depth) +
                                    " below empty");
    failed_ = true;
    return false;
  }

  // The end of the code reached by falling through, out of line: inlined,
  // its message gave walk() a frame that every instruction paid for.
  [[gnu::noinline]] void falls_off(const Instr& in, const OpInfo& op) {
    failed_ = true;
    if (lenient_) return;
    diags_.error(file_, in.src, "execution falls off the end of the code after " +
                                    std::string(op.name) + "; end it with a return, raise or jump");
  }

  // Compiled apart for code with and without exception entries (all code
  // before 3.11): the test per instruction is then gone from the latter.
  void walk(size_t i) { code_.exceptions.empty() ? walk<false>(i) : walk<true>(i); }

  template <bool handlers>
  void walk(size_t i) {
    // What every step reads, in locals rather than through the members
    // (reach() may change depth_'s entries, not where they are).
    const Instr* instrs = code_.instrs.data();
    int* depths = depth_.data();
    const size_t n = code_.instrs.size();
    int depth = depths[i];
    int max = max_;
    for (;;) {
      const Instr& in = instrs[i];
      const OpInfo& op = *table_.find(in.opcode);
      if constexpr (handlers) {
        for (uint32_t k : cover_.of(i)) {
          const ExceptionEntry& e = code_.exceptions[k];
          int handler = e.depth + (e.lasti ? 1 : 0) + 1;
          max = std::max(max, handler);
          reach(static_cast<size_t>(e.handler), handler, &in);
        }
      }
      int after = depth + op.fall.eval(in.arg);
      if (!check(in, after, "")) break;
      max = std::max(max, after);
      if (op.jumps() && in.target >= 0) {
        int target = depth + op.jump.eval(in.arg);
        if (!check(in, target, " (when it jumps)")) break;
        max = std::max(max, target);
        if (op.follows_target()) reach(static_cast<size_t>(in.target), target, &in);
      }
      if (op.terminates()) break;
      if (++i >= n) {
        falls_off(in, op);
        break;
      }
      if (depths[i] != INT_MIN) {  // already walked from here
        reach(i, after, &in);
        break;
      }
      depths[i] = depth = after;
    }
    max_ = max;
  }

  const Code& code_;
  const OpcodeTable& table_;
  const SourceFile& file_;
  Diagnostics& diags_;
  static constexpr int kMaxRaises = 8;
  std::vector<int>& depth_;
  std::vector<int>& raises_;
  std::vector<size_t>& work_;
  Coverage& cover_;  // built only when the code has exception entries
  int max_ = 0;
  bool failed_ = false;
  bool lenient_ = false;  // walking dead code: failures are not errors
};

}  // namespace

void block_starts(const Code& code, const OpcodeTable& table, bool handlers,
                  std::vector<uint8_t>& start) {
  const size_t n = code.instrs.size();
  start.assign(n + 1, 0);
  start[0] = 1;
  for (size_t i = 0; i < n; ++i) {
    const Instr& in = code.instrs[i];
    const OpInfo& op = *table.find(in.opcode);
    if (!(op.flags & (kJumps | kTerminates))) continue;  // most instructions: one test
    if (op.jumps() && in.target >= 0) start[static_cast<size_t>(in.target)] = 1;
    start[i + 1] = 1;
  }
  if (handlers)
    for (const ExceptionEntry& e : code.exceptions) start[static_cast<size_t>(e.handler)] = 1;
}

void Coverage::build(const Code& code) {
  const size_t n = code.instrs.size();
  first_.assign(n + 1, 0);
  // An entry's range clamped to the code (a pyc's may lie outside it).
  auto range = [n](const ExceptionEntry& e) {
    size_t lo = static_cast<size_t>(std::clamp<int64_t>(e.start, 0, static_cast<int64_t>(n)));
    size_t hi = static_cast<size_t>(std::clamp<int64_t>(e.end, 0, static_cast<int64_t>(n)));
    return std::pair{lo, std::max(lo, hi)};
  };
  for (const ExceptionEntry& e : code.exceptions) {
    auto [lo, hi] = range(e);
    for (size_t i = lo; i < hi; ++i) ++first_[i + 1];
  }
  for (size_t i = 0; i < n; ++i) first_[i + 1] += first_[i];
  entries_.resize(first_[n]);
  next_.assign(first_.begin(), first_.end() - 1);
  for (size_t k = 0; k < code.exceptions.size(); ++k) {
    auto [lo, hi] = range(code.exceptions[k]);
    for (size_t i = lo; i < hi; ++i) entries_[next_[i]++] = static_cast<uint32_t>(k);
  }
}

int compute_stacksize(const Code& code, const SourceFile& file, Diagnostics& diags) {
  Scratch& sc = scratch();
  int depth = Analysis(code, file, diags, sc).run();
  if (sc.depth.capacity() > kKeepInstrs) sc = Scratch{};
  return depth;
}

}  // namespace pyasm
