// co_stacksize by stack-effect analysis, the way CPython's compiler does it
// (3.7+: a worklist that revisits an instruction only when it is reached
// with a greater depth), at instruction granularity over the final code:
// every jump is followed on both branches, and from 3.11 every instruction
// covered by an exception-table entry leads to its handler, entered with
// depth + lasti + 1 (the entry's depth, the offset if lasti, the exception).
#include <climits>

#include "pyasm/assembler.hpp"
#include "pyasm/opcodes.hpp"

namespace pyasm {

namespace {

// 3.10-3.12 start generators with their first value already counted.
int entry_depth(const Code& code) {
  bool generator = code.flags & (kGenerator | kCoroutine | kAsyncGenerator);
  return generator && code.version.at_least(10) && !code.version.at_least(13) ? 1 : 0;
}

class Analysis {
 public:
  Analysis(const Code& code, const SourceFile& file, Diagnostics& diags)
      : code_(code), table_(*opcode_table(code.version)), file_(file), diags_(diags),
        depth_(code.instrs.size(), INT_MIN) {}

  int run() {
    if (code_.instrs.empty()) return 0;
    reach(0, entry_depth(code_));
    while (!work_.empty() && !failed_) {
      size_t i = work_.back();
      work_.pop_back();
      walk(i);
    }
    return failed_ ? -1 : max_;
  }

 private:
  void reach(size_t i, int depth) {
    if (depth > depth_[i]) {
      depth_[i] = depth;
      work_.push_back(i);
    }
  }

  bool check(const Instr& in, int depth, const char* where) {
    if (depth >= 0) return true;
    const OpInfo& op = *table_.find(in.opcode);
    diags_.error(file_, in.src, "stack underflow: " + std::string(op.name) + where +
                                    " leaves the stack " + std::to_string(-depth) +
                                    " below empty");
    failed_ = true;
    return false;
  }

  void walk(size_t i) {
    int depth = depth_[i];
    const size_t n = code_.instrs.size();
    for (;;) {
      const Instr& in = code_.instrs[i];
      const OpInfo& op = *table_.find(in.opcode);
      for (const ExceptionEntry& e : code_.exceptions) {
        if (static_cast<int>(i) < e.start || static_cast<int>(i) >= e.end) continue;
        int handler = e.depth + (e.lasti ? 1 : 0) + 1;
        max_ = std::max(max_, handler);
        reach(static_cast<size_t>(e.handler), handler);
      }
      int after = depth + op.fall.eval(in.arg);
      if (!check(in, after, "")) return;
      max_ = std::max(max_, after);
      if (op.jumps() && in.target >= 0) {
        int target = depth + op.jump.eval(in.arg);
        if (!check(in, target, " (when it jumps)")) return;
        max_ = std::max(max_, target);
        if (op.follows_target()) reach(static_cast<size_t>(in.target), target);
      }
      if (op.terminates()) return;
      if (++i >= n) {
        diags_.error(file_, in.src, "execution falls off the end of the code after " +
                                        std::string(op.name) +
                                        "; end it with a return, raise or jump");
        failed_ = true;
        return;
      }
      if (depth_[i] >= after) return;  // already walked from here, as deep
      depth_[i] = depth = after;
    }
  }

  const Code& code_;
  const OpcodeTable& table_;
  const SourceFile& file_;
  Diagnostics& diags_;
  std::vector<int> depth_;
  std::vector<size_t> work_;
  int max_ = 0;
  bool failed_ = false;
};

}  // namespace

int compute_stacksize(const Code& code, const SourceFile& file, Diagnostics& diags) {
  return Analysis(code, file, diags).run();
}

}  // namespace pyasm
