// The bytecode verifier: an abstract interpretation of each code object
// over every path (jumps, fall-through, exception edges) that tracks what
// kind of value sits in each stack slot and, from 3.11, what each local
// slot holds. It rejects code that CPython would run into undefined
// behaviour: NULL used as a value, FOR_ITER on a non-iterator, a function
// built from something that is not a code object or with a wrong closure,
// exception-state values forged or consumed wrongly, locals read before
// they are bound (3.12+, where LOAD_FAST does not check), cell slots used
// as values and the reverse, unbalanced blocks (3.8-3.10), and exception
// entries deeper than the stack. docs/verifier.md lists what is checked,
// per version, and what is not.
#include "pyasm/verifier.hpp"

#include <algorithm>
#include <memory>
#include <span>
#include <unordered_map>

#include "pyasm/object.hpp"
#include "pyasm/opcodes.hpp"
#include "flow.hpp"
#include "verifier_ops.hpp"

namespace pyasm {

namespace {

using namespace verifier;  // Kind, Name, OpRule, Role, ...

constexpr uint32_t kNotValue = kNull | kPhantom;
// Inputs that may be something a role must look at (check_inputs): NULL,
// saved exception state, a function with conditions.
constexpr uint32_t kChecked = kNotValue | kExcSaved | kFuncPending | kFuncTrusted;
// The kinds whose `extra` decides what END_FINALLY does: ≤3.7 keeps states
// that differ in them apart instead of merging them.
constexpr uint32_t kShapeKinds = kWhy | kJumpAddr;

// ≤3.7: ceval's why codes.
enum Why : int32_t {
  kWhyException = 0x2, kWhyBreak = 0x4, kWhyReturn = 0x8, kWhyContinue = 0x20,
  kWhySilenced = 0x80,
};
constexpr int kUnknown = -2;

struct Slot {
  uint32_t kind = kVal;
  int32_t extra = kUnknown;
};

// A stack of slots: the subset of std::vector the walk uses, made cheap (a
// push is a compare and a store, a copy one std::copy), as the walk pushes
// and copies slots at every instruction. The storage only grows.
class Slots {
 public:
  Slots() = default;
  Slots(const Slots& o) { assign(o.begin(), o.end()); }
  Slots& operator=(const Slots& o) {
    if (this != &o) assign(o.begin(), o.end());
    return *this;
  }
  size_t size() const { return n_; }
  bool empty() const { return n_ == 0; }
  Slot* data() { return buf_.get(); }
  const Slot* data() const { return buf_.get(); }
  Slot* begin() { return buf_.get(); }
  Slot* end() { return buf_.get() + n_; }
  const Slot* begin() const { return buf_.get(); }
  const Slot* end() const { return buf_.get() + n_; }
  Slot& operator[](size_t k) { return buf_[k]; }
  const Slot& operator[](size_t k) const { return buf_[k]; }
  Slot& back() { return buf_[n_ - 1]; }
  void clear() { n_ = 0; }
  void pop_back() { --n_; }
  void pop_to(size_t n) { n_ = n; }  // drops the slots above the n-th
  size_t capacity() const { return cap_; }
  // n <= capacity(); the caller has set the slots up to n.
  void set_size(size_t n) { n_ = n; }
  // By value: `v` may be a slot of this stack.
  void push_back(Slot v) {
    if (n_ == cap_) grow(n_ + 1);
    buf_[n_++] = v;
  }
  // Makes the stack n slots high; the caller sets those above the old height.
  Slot* raise_to(size_t n) {
    reserve(n);
    n_ = n;
    return begin();
  }
  void resize(size_t n, Slot v = Slot{}) {
    reserve(n);
    for (size_t k = n_; k < n; ++k) buf_[k] = v;
    n_ = n;
  }
  void assign(size_t n, Slot v) {
    n_ = 0;
    resize(n, v);
  }
  // [first, last) lies outside this stack.
  void assign(const Slot* first, const Slot* last) {
    n_ = 0;
    insert(end(), first, last);
  }
  void insert(Slot* pos, const Slot* first, const Slot* last) {
    auto at = static_cast<size_t>(pos - begin());
    auto count = static_cast<size_t>(last - first);
    reserve(n_ + count);
    std::copy_backward(begin() + at, end(), end() + count);
    std::copy(first, last, begin() + at);
    n_ += count;
  }
  void insert(Slot* pos, Slot v) { insert(pos, &v, &v + 1); }
  void erase(Slot* first, Slot* last) {
    std::copy(last, end(), first);
    n_ -= static_cast<size_t>(last - first);
  }
  void erase(Slot* pos) { erase(pos, pos + 1); }

 private:
  void reserve(size_t n) {
    if (n > cap_) grow(n);
  }
  [[gnu::noinline]] void grow(size_t n) {
    cap_ = std::max({n, 2 * cap_, size_t{16}});
    auto bigger = std::make_unique<Slot[]>(cap_);
    std::copy(begin(), end(), bigger.get());
    buf_ = std::move(bigger);
  }

  std::unique_ptr<Slot[]> buf_;
  size_t cap_ = 0, n_ = 0;
};

// 3.11+: what a localsplus slot may hold.
enum LocalState : uint8_t { kUnbound = 1, kBound = 2, kHoldsCell = 4 };

// ≤3.7 knows the type of each block and keeps EXCEPT_HANDLER blocks on the
// block stack; 3.8-3.10 count those (eh_min/eh_max) instead.
enum BlockType : uint8_t { kBlockSetup, kBlockLoop, kBlockExcept, kBlockFinally, kBlockHandler };

struct Block {  // ≤3.10: a SETUP_* block
  int handler;
  int level;
  int eh_min = 0, eh_max = 0;  // 3.8-3.10: EXCEPT_HANDLER blocks below it
  BlockType type = kBlockSetup;
  bool same_block(const Block& o) const {
    return handler == o.handler && level == o.level && type == o.type;
  }
};

// The state on one path: the walk's, or one made for a join.
struct State {
  bool live = false;    // false: this path ends here (≤3.7 END_FINALLY that unwinds)
  Slots stack;
  std::vector<Block> blocks;
  int eh_min = 0, eh_max = 0;  // ≤3.10: EXCEPT_HANDLER blocks above them
  std::vector<uint8_t> locals;
};

// A state kept where paths meet. Its sizes never change once it is made
// (states are merged only with states of the same depth and blocks), so it
// holds slices of flat arrays instead of vectors of its own.
struct Stored {
  uint32_t instr;
  int32_t next = -1;  // ≤3.7: the instruction's next state (one per stack shape)
  bool queued = false;
  int eh_min = 0, eh_max = 0;
  uint32_t stack = 0, depth = 0;     // Scratch::slots[stack, stack + depth)
  uint32_t blocks = 0, nblocks = 0;  // Scratch::blocks
  uint32_t locals = 0, nlocals = 0;  // Scratch::locals
};

// Storage reused by every code object of one verify() call, so that the walk
// allocates (almost) nothing once it has grown.
struct Scratch {
  std::vector<Stored> states;
  std::vector<int32_t> head;  // per instruction: its first stored state, or -1
  std::vector<Slot> slots;
  std::vector<Block> blocks;
  std::vector<uint8_t> locals;
  std::vector<uint32_t> work;  // stored states to walk again, last in first out
  std::vector<std::pair<uint32_t, uint32_t>> edges;  // every edge the walk took, in order
  State cur;   // the walk's state
  State made;  // a state made for a join (exception, jump, ≤3.7 unwinding)
  Slots pushed, out, copies;
  std::vector<uint8_t> leader;  // block_starts, with handlers
  Coverage cover;  // 3.11+, when the code has exception entries
  // check_interruptible's graph and search
  std::vector<uint32_t> first, succ, end;
  std::vector<uint8_t> color;
  std::vector<std::pair<uint32_t, uint32_t>> path;
  std::unordered_map<const Code*, bool> dot0;  // iterates_dot0's answers
  bool stepwise = false;                       // the tests: no instruction takes the plain path
};

constexpr int kMaxBlocks = 20;  // CO_MAXBLOCKS
// ≤3.7: how many differently shaped states one instruction may have (a
// finally block is entered with 1, 2 or 6 items, and nests).
constexpr size_t kMaxShapes = 64;

class Verifier {
 public:
  Verifier(const Code& code, const SourceFile& file, Diagnostics& diags, Scratch& scratch)
      : code_(code),
        table_(*opcode_table(code.version)),
        rules_(verifier::rules_for(table_)),
        names_(verifier::names_for(table_)),
        file_(file),
        diags_(diags),
        minor_(code.version.minor),
        sc_(scratch) {}

  bool run() {
    const size_t n = code_.instrs.size();
    if (n == 0) return true;
    for (int64_t p = 0; p < std::min<int64_t>(code_.argcount, code_.varnames.size()); ++p)
      dotted_ |= code_.varnames[static_cast<size_t>(p)].starts_with('.');
    plains_ = sc_.stepwise ? &verifier::stepwise_plains_for(table_)
                           : &verifier::plains_for(table_, dotted_);
    if (!check_flags()) return false;
    if (minor_ >= 11 && !code_.exceptions.empty()) sc_.cover.build(code_);
    sc_.states.clear();
    sc_.head.assign(n, -1);
    sc_.slots.clear();
    sc_.blocks.clear();
    sc_.locals.clear();
    sc_.work.clear();
    sc_.edges.clear();
    State& entry = fresh(sc_.made);
    if (generator() && minor_ >= 10 && minor_ <= 12) entry.stack.push_back({kVal, kUnknown});
    if (minor_ >= 11) entry_locals(entry);
    join(0, entry, nullptr);
    while (!sc_.work.empty() && ok_) {
      uint32_t v = sc_.work.back();
      sc_.work.pop_back();
      sc_.states[v].queued = false;
      walk(v);
    }
    // `.stacksize N unchecked` is written as given; the frame must still hold
    // every path's deepest stack, or the interpreter writes past it.
    if (ok_ && !check_interruptible()) return false;
    if (ok_ && code_.stacksize < max_depth_)
      return fail(instr(0), "co_stacksize " + std::to_string(code_.stacksize) +
                                " is below the " + std::to_string(max_depth_) +
                                " stack items this code can reach");
    return ok_;
  }

 private:
  bool generator() const {
    return code_.flags & (kGenerator | kCoroutine | kAsyncGenerator);
  }

  const Instr& instr(size_t i) const { return code_.instrs[i]; }
  std::string_view name(const Instr& in) const { return table_.find(in.opcode)->name; }
  verifier::Name id(const Instr& in) const { return names_[in.opcode]; }

  bool fail(const Instr& in, const std::string& msg) {
    if (ok_) diags_.error(file_, in.src, msg);
    ok_ = false;
    return false;
  }

  // ---- flags against the code ------------------------------------------

  // Also fills sc_.leader as block_starts (flow.hpp) with handlers does: one
  // pass, in which most instructions cost one test of a byte.
  bool check_flags() {
    bool gen = generator();
    const size_t n = code_.instrs.size();
    const verifier::Flows& flows = verifier::flows_for(table_);
    std::vector<uint8_t>& leader = sc_.leader;
    leader.assign(n + 1, 0);
    leader[0] = leader[n] = 1;  // and the end, for walk()
    // 3.11+: a generator's frame is made by RETURN_GENERATOR, which must come
    // first (after the MAKE_CELL/COPY_FREE_VARS prologue, which ends at
    // `start`); any other start runs YIELD_VALUE on a frame that is not
    // inside a generator.
    size_t start = 0;
    if (minor_ >= 11)
      while (start < n && (id(instr(start)) == Name::MakeCell ||
                           id(instr(start)) == Name::CopyFreeVars || id(instr(start)) == Name::Nop))
        ++start;
    size_t stray = n;  // 3.11+: the first RETURN_GENERATOR elsewhere, reported last
    const Instr* instrs = code_.instrs.data();
    for (size_t i = 0; i < n; ++i) {
      // Four at a time while none of them is one of those (most code).
      while (i + 4 <= n && !(flows[instrs[i].opcode] | flows[instrs[i + 1].opcode] |
                             flows[instrs[i + 2].opcode] | flows[instrs[i + 3].opcode]))
        i += 4;
      if (i >= n) break;
      const Instr& in = instrs[i];
      const uint8_t flow = flows[in.opcode];
      if (!flow) continue;
      if (flow & (kJumps | kTerminates)) {
        if ((flow & kJumps) && in.target >= 0) leader[static_cast<size_t>(in.target)] = 1;
        leader[i + 1] = 1;
      }
      if ((flow & kFlowYield) && !gen)
        return fail(in, std::string(name(in)) +
                            " in code without the GENERATOR, COROUTINE or ASYNC_GENERATOR "
                            "flag (add `.flags` with one of them)");
      if (flow & kFlowReturnGenerator) {
        if (!gen)
          return fail(in, "RETURN_GENERATOR in code without the GENERATOR, COROUTINE or "
                          "ASYNC_GENERATOR flag");
        if (i != start && stray == n) stray = i;
      }
    }
    for (const ExceptionEntry& e : code_.exceptions) leader[static_cast<size_t>(e.handler)] = 1;
    if (minor_ >= 11) {
      bool first_rg = start < n && id(instr(start)) == Name::ReturnGenerator;
      if (gen && !first_rg)
        return fail(start < n ? instr(start) : instr(0),
                    "a generator or coroutine must start with RETURN_GENERATOR (after "
                    "MAKE_CELL and COPY_FREE_VARS)");
      if (stray < n)
        return fail(instr(stray), "RETURN_GENERATOR is only valid as the first instruction");
    }
    return true;
  }

  // ---- locals (3.11+) ----------------------------------------------------

  void entry_locals(State& s) {
    // A pyc's counts are anything up to 2^31 each: sum them wide.
    int64_t nargs = int64_t{code_.argcount} + code_.kwonlyargcount +
                    ((code_.flags & kVarArgs) ? 1 : 0) + ((code_.flags & kVarKeywords) ? 1 : 0);
    s.locals.assign(localsplus_size(), kUnbound);
    nlocals_ = s.locals.size();
    for (size_t i = 0; i < s.locals.size(); ++i)
      if (static_cast<int64_t>(i) < nargs) s.locals[i] = kBound;
  }

  // How many slots localsplus(code_) has (the varnames, the cells that are
  // not also locals, the free variables), without building its names.
  size_t localsplus_size() const {
    size_t n = code_.varnames.size() + code_.freevars.size();
    for (const std::string& cell : code_.cellvars)
      if (std::find(code_.varnames.begin(), code_.varnames.end(), cell) == code_.varnames.end())
        ++n;
    return n;
  }

  // ---- joining states ----------------------------------------------------

  // `s` emptied and live, for a state made from scratch.
  static State& fresh(State& s) {
    s.live = true;
    s.stack.clear();
    s.blocks.clear();
    s.eh_min = s.eh_max = 0;
    s.locals.clear();
    return s;
  }

  // Joins `s` (taken along the edge from `from`) into the states of
  // instruction i. The caller's `s` is used up. `falls`: `from` falls
  // through to i, an edge check_interruptible knows without a record.
  void join(size_t i, State& s, const Instr* from, bool falls = false) {
    if (from && !falls) edge(static_cast<size_t>(from - code_.instrs.data()), i);
    // A loop that enters handlers without leaving them would raise the
    // upper bound forever; past the limit it carries no information.
    s.eh_max = std::min(s.eh_max, kMaxBlocks + 1);
    for (Block& b : s.blocks) b.eh_max = std::min(b.eh_max, kMaxBlocks + 1);
    const Instr& at = from ? *from : instr(i);
    if (minor_ <= 7) {
      // ≤3.7: paths meet with different stacks (a finally block is entered
      // with None, a why code, or an exception); each shape is its own state.
      size_t shapes = 0;
      int32_t last = -1;
      for (int32_t v = sc_.head[i]; v >= 0; last = v, v = sc_.states[v].next, ++shapes)
        if (same_shape(sc_.states[v], s)) return merge(static_cast<uint32_t>(v), s);
      if (shapes >= kMaxShapes) {
        fail(at, "more than " + std::to_string(kMaxShapes) +
                     " different stack shapes reach " + std::string(name(instr(i))) +
                     " (the verifier gives up; does a loop keep growing the stack?)");
        return;
      }
      store(i, s, last);
      return;
    }
    int32_t v = sc_.head[i];
    if (v < 0) {
      store(i, s, -1);
      return;
    }
    const Stored& cur = sc_.states[v];
    if (cur.depth != s.stack.size()) {
      fail(at, "stack depth differs where paths meet at " + std::string(name(instr(i))) + ": " +
                   std::to_string(s.stack.size()) + " on this path, " +
                   std::to_string(cur.depth) + " on another");
      return;
    }
    if (!same_blocks(cur, s.blocks)) {
      fail(at, "the SETUP_* blocks open on this path differ from another path to " +
                   std::string(name(instr(i))) + " (blocks must balance)");
      return;
    }
    merge(static_cast<uint32_t>(v), s);
  }

  // 3.8+: join() of the jump branch of `in` (from walk state s: its stack
  // below `base`, then `high`; its blocks and locals; the EXCEPT_HANDLER
  // bounds raised by `raise`) without first copying it into a state of its
  // own. False, having done nothing, when join() must do it: a join that
  // fails, or one that would clamp the bounds.
  bool join_jump(const Instr& in, const State& s, size_t base, std::span<const Slot> high,
                 int raise) {
    if (minor_ <= 7 || s.eh_max + raise > kMaxBlocks + 1) return false;
    auto i = static_cast<size_t>(in.target);
    int32_t v = sc_.head[i];
    if (v >= 0 ? !joins_as_is(sc_.states[v], base + high.size(), s.blocks) : !unclamped(s.blocks))
      return false;
    std::span<const Slot> low(s.stack.data(), base);
    edge(static_cast<size_t>(&in - code_.instrs.data()), i);
    if (v < 0)
      store(i, low, high, s.blocks, s.eh_min + raise, s.eh_max + raise, s.locals, -1);
    else
      merge(static_cast<uint32_t>(v), low, high, s.blocks, s.eh_min + raise, s.eh_max + raise,
            s.locals);
    return true;
  }

  // join() of the jump branch of `in`: join_jump() where it can, else
  // through a state of its own made of the same parts.
  void jump_branch(const Instr& in, const State& s, size_t base, std::span<const Slot> high,
                   int raise) {
    if (join_jump(in, s, base, high, raise)) return;
    State& j = fresh(sc_.made);
    j.stack.assign(s.stack.begin(), s.stack.begin() + static_cast<std::ptrdiff_t>(base));
    j.stack.insert(j.stack.end(), high.data(), high.data() + high.size());
    j.blocks = s.blocks;
    j.eh_min = s.eh_min + raise;
    j.eh_max = s.eh_max + raise;
    j.locals = s.locals;
    join(static_cast<size_t>(in.target), j, &in);
  }

  // Whether stored state st has these blocks open (same handlers, levels
  // and types).
  bool same_blocks(const Stored& st, std::span<const Block> blocks) const {
    if (st.nblocks != blocks.size()) return false;
    const Block* stored = sc_.blocks.data() + st.blocks;
    for (size_t k = 0; k < blocks.size(); ++k)
      if (!stored[k].same_block(blocks[k])) return false;
    return true;
  }

  // Keeps `s` as a new state of instruction i, after state `last` (-1: first).
  void store(size_t i, const State& s, int32_t last) {
    store(i, s.stack, {}, s.blocks, s.eh_min, s.eh_max, s.locals, last);
  }

  // The same for a state given in parts, as merge() takes it.
  void store(size_t i, std::span<const Slot> low, std::span<const Slot> high,
             std::span<const Block> blocks, int eh_min, int eh_max, std::span<const uint8_t> locals,
             int32_t last) {
    Stored st;
    st.instr = static_cast<uint32_t>(i);
    st.eh_min = eh_min;
    st.eh_max = eh_max;
    st.stack = static_cast<uint32_t>(sc_.slots.size());
    st.depth = static_cast<uint32_t>(low.size() + high.size());
    sc_.slots.insert(sc_.slots.end(), low.data(), low.data() + low.size());
    sc_.slots.insert(sc_.slots.end(), high.data(), high.data() + high.size());
    st.blocks = static_cast<uint32_t>(sc_.blocks.size());
    st.nblocks = static_cast<uint32_t>(blocks.size());
    sc_.blocks.insert(sc_.blocks.end(), blocks.begin(), blocks.end());
    st.locals = static_cast<uint32_t>(sc_.locals.size());
    st.nlocals = static_cast<uint32_t>(locals.size());
    sc_.locals.insert(sc_.locals.end(), locals.begin(), locals.end());
    auto v = static_cast<int32_t>(sc_.states.size());
    sc_.states.push_back(st);
    if (last < 0) sc_.head[i] = v;
    else sc_.states[last].next = v;
    queue(static_cast<uint32_t>(v));
  }

  // Stored state v as the walk's state.
  void load(uint32_t v, State& s) const {
    const Stored& st = sc_.states[v];
    s.live = true;
    s.eh_min = st.eh_min;
    s.eh_max = st.eh_max;
    s.stack.assign(sc_.slots.data() + st.stack, sc_.slots.data() + st.stack + st.depth);
    s.blocks.assign(sc_.blocks.begin() + st.blocks,
                    sc_.blocks.begin() + st.blocks + st.nblocks);
    s.locals.assign(sc_.locals.begin() + st.locals,
                    sc_.locals.begin() + st.locals + st.nlocals);
  }

  // ≤3.7: states that END_FINALLY treats alike: the same depth, blocks and
  // why codes.
  bool same_shape(const Stored& a, const State& b) const {
    if (a.depth != b.stack.size() || !same_blocks(a, b.blocks)) return false;
    const Slot* stack = sc_.slots.data() + a.stack;
    for (size_t k = 0; k < a.depth; ++k) {
      const Slot& x = stack[k];
      const Slot& y = b.stack[k];
      if ((x.kind & kShapeKinds) != (y.kind & kShapeKinds)) return false;
      if ((x.kind & kShapeKinds) && x.extra != y.extra) return false;
    }
    return true;
  }

  // Widens stored state v by s (same depth and blocks).
  void merge(uint32_t v, const State& s) {
    merge(v, s.stack, {}, s.blocks, s.eh_min, s.eh_max, s.locals);
  }

  // The same for a state given in parts: its stack is `low` then `high`.
  // Inline: most joins bring nothing new, and a call costs as much as that.
  [[gnu::always_inline]] void merge(uint32_t v, std::span<const Slot> low,
                                    std::span<const Slot> high, std::span<const Block> sblocks,
                                    int eh_min, int eh_max, std::span<const uint8_t> slocals) {
    Stored& cur = sc_.states[v];
    bool changed = false;
    Block* blocks = sc_.blocks.data() + cur.blocks;
    for (size_t k = 0; k < sblocks.size(); ++k) {
      Block& b = blocks[k];
      if (sblocks[k].eh_min < b.eh_min) b.eh_min = sblocks[k].eh_min, changed = true;
      if (sblocks[k].eh_max > b.eh_max) b.eh_max = sblocks[k].eh_max, changed = true;
    }
    changed |= widen(sc_.slots.data() + cur.stack, low);
    changed |= widen(sc_.slots.data() + cur.stack + low.size(), high);
    if (eh_min < cur.eh_min) cur.eh_min = eh_min, changed = true;
    if (eh_max > cur.eh_max) cur.eh_max = eh_max, changed = true;
    uint8_t* locals = sc_.locals.data() + cur.locals;
    for (size_t k = 0; k < slocals.size() && k < cur.nlocals; ++k)
      if ((locals[k] | slocals[k]) != locals[k]) locals[k] |= slocals[k], changed = true;
    if (changed) queue(v);
  }

  // Widens the slots from `stack` on by `by`; whether any changed. (Inline:
  // as a lambda it was a call per exception edge.)
  [[gnu::always_inline]] static bool widen(Slot* stack, std::span<const Slot> by) {
    bool changed = false;
    for (size_t k = 0; k < by.size(); ++k) {
      Slot& a = stack[k];
      const Slot& b = by[k];
      uint32_t kind = a.kind | b.kind;
      int32_t extra = a.extra == b.extra ? a.extra : kUnknown;
      if (kind != a.kind || extra != a.extra) a = {kind, extra}, changed = true;
    }
    return changed;
  }

  // 3.11+: join() of the state exception entry e enters its handler with
  // from `in` (state s): the stack up to the entry's depth, the offset if
  // lasti, the exception, and the locals as they are. When the handler has
  // a state that it merges with, it is merged from s in place instead of
  // being copied first: most instructions of a try body bring nothing new.
  // Returns the state merged into in place, or -1.
  int32_t join_handler(const ExceptionEntry& e, const State& s, const Instr& in) {
    auto h = static_cast<size_t>(e.handler);
    int32_t v = sc_.head[h];
    const Slot top[2] = {{kLasti, kUnknown}, {kExc, kUnknown}};
    std::span<const Slot> high(e.lasti ? top : top + 1, e.lasti ? 2 : 1);
    auto depth = static_cast<size_t>(e.depth);
    if (v >= 0 && sc_.states[v].depth == depth + high.size() && sc_.states[v].nblocks == 0) {
      edge(static_cast<size_t>(&in - code_.instrs.data()), h);
      merge(static_cast<uint32_t>(v), std::span(s.stack).first(depth), high, {}, 0, 0, s.locals);
      return v;
    }
    State& hs = fresh(sc_.made);
    hs.stack.assign(s.stack.begin(), s.stack.begin() + e.depth);
    hs.stack.insert(hs.stack.end(), high.data(), high.data() + high.size());
    hs.locals = s.locals;
    join(h, hs, &in);
    return -1;
  }

  void forget_merged() {
    merged_ = -1;
    merged_level_ = 0;
  }

  // Only 3.10+ looks at the edges (check_interruptible).
  void edge(size_t from, size_t to) {
    if (minor_ < 10) return;
    sc_.edges.push_back({static_cast<uint32_t>(from), static_cast<uint32_t>(to)});
    // Every loop has an edge back (or to itself); an edge that lets CPython
    // check for signals is no part of a loop check_interruptible rejects.
    if (to <= from && !loops_back_ && !interrupts(from, to)) loops_back_ = true;
  }

  // Does taking the edge from -> to let CPython check for signals (Ctrl-C)
  // and thread switches? Measured on each version (a loop closed by any
  // other instruction never answers SIGINT): 3.10 JUMP_ABSOLUTE and the
  // taken POP_JUMP_IF_*; 3.11 JUMP_BACKWARD and the taken
  // POP_JUMP_BACKWARD_IF_*; 3.12+ JUMP_BACKWARD; and a yield, which leaves
  // the frame. JUMP_BACKWARD_NO_INTERRUPT does not check (3.11/3.12 reject
  // a loop closed by it; 3.13 lets it pass, below).
  bool interrupts(size_t from, size_t to) const {
    const Instr& in = code_.instrs[from];
    Name n = id(in);
    if (n == Name::YieldValue || n == Name::YieldFrom) return true;
    bool taken = in.target >= 0 && static_cast<size_t>(in.target) == to;
    if (!taken) return false;
    if (minor_ == 10 && (n == Name::JumpAbsolute || n == Name::PopJumpIf)) return true;
    if (minor_ >= 11 && n == Name::JumpBackward) return true;
    // Does not check, but CPython 3.13 closes a loop with it itself (a
    // chained comparison in a while condition, test_compile): let pass there.
    if (minor_ >= 13 && n == Name::JumpBackwardNoInterrupt) return true;
    if (minor_ == 11 && n == Name::PopJumpBackwardIf) return true;
    return false;
  }

  // Every loop (jumps, fall-through and exception edges alike) must pass an
  // instruction that checks for signals, or no Ctrl-C can stop it: a
  // handler that covers itself, or 3.8's backward POP_JUMP_IF_TRUE, spins
  // for ever. An iterative depth-first search over the other edges.
  //
  // 3.8/3.9 are not checked: their own compiler closes loops with
  // instructions that skip the check (a `for` loop that continues on a
  // comparison: FOR_ITER, STORE_FAST, LOAD_FAST, COMPARE_OP, a backward
  // POP_JUMP_IF_FALSE), so CPython code itself cannot always be interrupted.
  bool check_interruptible() {
    if (minor_ <= 9) return true;
    const size_t n = code_.instrs.size();
    // Without such an edge back every path goes forward: no loop to search.
    if (sc_.edges.empty() || !loops_back_) return true;
    // The walk does not record falling through: every instruction it
    // reached (the entry, each edge's target, the next of one that falls
    // through) that does not end the flow falls through, after its other
    // edges.
    std::vector<uint8_t>& falls = sc_.color;  // the search's colors, later
    falls.assign(n, 0);
    for (const auto& [from, to] : sc_.edges) falls[to] = 1;
    size_t nfalls = 0;
    for (size_t v = 0, fell = 0; v < n; ++v) {
      bool reached = v == 0 || falls[v] || fell;
      fell = reached && v + 1 < n && !(*plains_)[instr(v).opcode].terminates;
      falls[v] = static_cast<uint8_t>(fell);
      nfalls += fell;
    }
    // Each instruction's successors, each once, in the order the walk first
    // took them (which decides the loop that is reported).
    std::vector<uint32_t>& first = sc_.first;
    std::vector<uint32_t>& succ = sc_.succ;
    std::vector<uint32_t>& end = sc_.end;
    first.assign(n + 1, 0);
    succ.resize(sc_.edges.size() + nfalls);
    for (const auto& [from, to] : sc_.edges) ++first[from + 1];
    for (size_t v = 0; v < n; ++v) first[v + 1] += first[v] + falls[v];
    end.assign(first.begin(), first.end() - 1);
    auto add = [&](uint32_t from, uint32_t to) {
      if (std::find(succ.begin() + first[from], succ.begin() + end[from], to) ==
          succ.begin() + end[from])
        succ[end[from]++] = to;
    };
    for (const auto& [from, to] : sc_.edges) add(from, to);
    for (size_t v = 0; v < n; ++v)
      if (falls[v]) add(static_cast<uint32_t>(v), static_cast<uint32_t>(v + 1));
    auto out = [&](uint32_t v) {
      return std::span<const uint32_t>(succ.data() + first[v], end[v] - first[v]);
    };
    std::vector<uint8_t>& color = sc_.color;  // 0 new, 1 on the path, 2 done
    color.assign(n, 0);
    std::vector<std::pair<uint32_t, uint32_t>>& path = sc_.path;  // node, next edge
    path.clear();
    for (size_t root = 0; root < n; ++root) {
      if (color[root] || out(static_cast<uint32_t>(root)).empty()) continue;
      path.push_back({static_cast<uint32_t>(root), 0});
      color[root] = 1;
      while (!path.empty()) {
        auto& [v, k] = path.back();
        if (k >= out(v).size()) {
          color[v] = 2;
          path.pop_back();
          continue;
        }
        uint32_t w = out(v)[k++];
        if (interrupts(v, w)) continue;
        if (color[w] == 1)
          return fail(instr(v), "this loop never lets CPython check for signals: nothing can "
                                "stop it, not even Ctrl-C; close it with " +
                                    std::string(minor_ >= 11 ? "JUMP_BACKWARD" : "JUMP_ABSOLUTE"));
        if (color[w] == 0) {
          color[w] = 1;
          path.push_back({w, 0});
        }
      }
    }
    return true;
  }

  void queue(uint32_t v) {
    Stored& st = sc_.states[v];
    if (!st.queued) st.queued = true, sc_.work.push_back(v);
  }

  // ---- the walk ----------------------------------------------------------

  void walk(uint32_t v) {
    State& s = sc_.cur;
    load(v, s);
    forget_merged();
    size_t i = sc_.states[v].instr;
    // Then after each instruction, which is the depth before the next one.
    size_t deepest = s.stack.size();
    // Set after every instruction that ends the flow, and at the end: one
    // test per instruction (check_flags).
    const uint8_t* leader = sc_.leader.data();
    const Plains& plains = *plains_;
    for (;;) {
      if (plains[instr(i).opcode].fast || plains[instr(i).opcode].flow) {
        const size_t next = fast_run(i, s, deepest);
        if (!ok_ || next == kEnded) break;  // its edges failed, or the flow ended
        // After a fast one, which does not end the flow, or a jump.
        if (next != i && leader[i = next]) {
          fall_into(i, s);
          break;
        }
      }
      const PlainRule& p = plains[instr(i).opcode];
      const int done = p.how != Plain::No ? plain_step(i, s, p) : 0;
      if (done == 0 ? !step(i, s) || !s.live : done == 2) break;
      deepest = std::max(deepest, s.stack.size());
      if (leader[++i]) {
        if (p.terminates) break;
        fall_into(i, s);
        break;
      }
    }
    max_depth_ = std::max(max_depth_, static_cast<int>(deepest));
  }

  // The walk falls through from i - 1 into i, the start of a block (or the
  // end of the code).
  void fall_into(size_t i, State& s) {
    const size_t n = code_.instrs.size();
    if (i >= n) {
      fail(instr(n - 1),
           "execution falls off the end of the code after " + std::string(name(instr(n - 1))));
      return;
    }
    join(i, s, &instr(i - 1), true);
  }

  // plain_step of the commonest instructions (PlainRule::fast) from i on,
  // which need none of its options, in a function of its own: inlined in
  // the walk, whose other paths take the registers, each paid for spills.
  // Stops before one that is not fast, whose inputs plain_step would look
  // at, or that would grow the stack's storage; after one that a block
  // start follows; or at one whose exception edges failed (which reported:
  // ok_ is false, and the walk ends). Does instruction i (fast) unless it
  // stops before it; returns where it stopped.
  // fast_run's answer when the flow ended (RETURN_VALUE, JUMP_FORWARD).
  static constexpr size_t kEnded = SIZE_MAX;

  [[gnu::noinline]] size_t fast_run(size_t i, State& s, size_t& deepest) {
    const Instr* instrs = code_.instrs.data();
    const uint8_t* leader = sc_.leader.data();
    const PlainRule* plains = plains_->data();
    Slot* stack = s.stack.data();
    const size_t cap = s.stack.capacity();
    size_t depth = s.stack.size();
    size_t deep = deepest;
    for (;;) {
      const Instr& in = instrs[i];
      const PlainRule& p = plains[in.opcode];
      if (!p.fast) {
        if (!p.flow) break;
        if (p.role == Role::PopBlock) {  // as step() does it, or step() reports
          if (s.blocks.empty()) break;
          forget_merged();
          s.blocks.pop_back();
          if (leader[++i]) break;
          continue;
        }
        deepest = deep;  // a jump, which leaves the stack no higher
        return flow_step(i, s, depth);
      }
      size_t pops = p.pops;
      int res = p.res;
      if (!p.fixed) {  // linear: an oparg this small keeps them in range
        const uint32_t a = in.arg;
        if (a > 0xffff) break;
        const int wide = p.pops_c + p.pops_k * static_cast<int>(a);
        if (wide < 0) break;
        pops = static_cast<size_t>(wide);
        res = p.res_c + p.res_k * static_cast<int>(a);
      }
      if (pops > depth) break;
      const size_t base = depth - pops;
      if (!plain_inputs(p, stack + base, pops)) break;
      const size_t n = static_cast<size_t>(std::max(res, 0));
      if (base + n > cap) break;
      if (!p.cannot_raise) {
        // exception_edges reads the stack: its height as the walk's.
        s.stack.set_size(depth);
        if (has_handler(i, s) &&
            !exception_edges(i, s, *rules_[in.opcode], static_cast<int>(pops), res))
          break;  // false only when it reported
      } else if (base < merged_level_) {
        forget_merged();
      }
      Slot* out = stack + base;
      if (p.how == Plain::Fresh) {
        // (A kept input past n is none: the loop does not start.)
        for (size_t k = std::min(size_t{p.keep}, pops); k < n; ++k) out[k] = {kVal, kUnknown};
      } else if (p.how == Plain::Push) {
        out[0] = {p.kinds[0][0], kUnknown};
        if (n > 1) out[1] = {p.kinds[0][1], kUnknown};
      } else {
        out[0] = const_slot(in.arg);
      }
      depth = base + n;
      deep = std::max(deep, depth);
      if (leader[++i]) break;
    }
    s.stack.set_size(depth);
    deepest = deep;
    return i;
  }

  // What step() does of a jump or an end of the flow (PlainRule::flow) at
  // i, the walk's stack `depth` high; part of fast_run, where a run ends.
  // Returns kEnded when the flow ends, i + 1 (a block start) after a
  // conditional jump, or i, having done nothing, when step() must do it
  // (its input may not be a value). Its edges may fail (ok_ false).
  size_t flow_step(size_t i, State& s, size_t depth) {
    const Instr& in = code_.instrs[i];
    const PlainRule& p = (*plains_)[in.opcode];
    s.stack.set_size(depth);
    if (p.pops > depth) return i;
    const size_t base = depth - p.pops;
    if (p.role != Role::None) return exc_step(i, s, depth, p);
    if (p.pops && (s.stack[base].kind & kChecked)) return i;
    if (base < merged_level_) forget_merged();
    if (!p.cannot_raise && has_handler(i, s) &&
        !exception_edges(i, s, *rules_[in.opcode], p.pops, p.res))
      return i;
    if (p.jumps && in.target >= 0) {
      // The jump branch as step() takes it: no results, the stack below
      // the input.
      jump_branch(in, s, base, {}, 0);
      if (!ok_) return i;
    }
    s.stack.set_size(base);
    return p.terminates ? kEnded : i + 1;
  }

  // flow_step of ≤3.10 POP_EXCEPT or RERAISE: what step() checks of its
  // three inputs and the handler bounds, its exception edges, and POP_EXCEPT's
  // state after; or nothing (returns i) when a check would fail, which
  // step() then reports.
  size_t exc_step(size_t i, State& s, size_t depth, const PlainRule& p) {
    const Instr& in = code_.instrs[i];
    const bool pop = p.role == Role::PopExcept;
    const Slot* inputs = s.stack.data() + (depth - 3);
    for (int k = 0; k < 3; ++k) {
      const uint32_t kind = inputs[k].kind;
      if (pop ? kind != kExcSaved : kind == 0 || (kind & ~kExc)) return i;
    }
    if (pop ? s.eh_min < 1 : minor_ == 10 && in.arg != 0 && s.blocks.empty() && s.eh_min < 1)
      return i;
    forget_merged();  // a role's, as in step()
    if (!p.cannot_raise && has_handler(i, s) &&
        !exception_edges(i, s, *rules_[in.opcode], 3, p.res))
      return i;
    if (!pop) return kEnded;
    s.eh_min -= 1;
    s.eh_max -= 1;
    s.stack.set_size(depth - 3);
    return i + 1;
  }

  static std::string kind_text(uint32_t k) {
    if (k & kPhantom) return "nothing (a slot 3.8's compiler counts for BEGIN_FINALLY)";
    if (k & kExcSaved)
      return "the saved exception state, possibly NULL (only POP_EXCEPT may take it)";
    if (k == kNull) return "NULL";
    if (k & kNull) return "possibly NULL";
    return "a value";
  }

  bool need_value(const Instr& in, const Slot& s, const char* what) {
    if (!(s.kind & kNotValue) && !(minor_ <= 10 && (s.kind & kExcSaved))) return true;
    return not_value(in, s, what);
  }

  bool not_value(const Instr& in, const Slot& s, const char* what) {
    return fail(in, std::string(name(in)) + " uses " + what + " that is " + kind_text(s.kind) +
                        (s.kind & kNull && minor_ >= 11
                             ? " (only CALL's self-or-NULL slot may hold NULL)"
                             : ""));
  }

  // `saved`: the saved exception state (kExcSaved) will do as well.
  bool need_exc(const Instr& in, const Slot& s, const char* what, bool saved = false) {
    uint32_t ok = saved ? kExc | kExcSaved : kExc;
    if (s.kind != 0 && !(s.kind & ~ok)) return true;
    return fail(in, std::string(name(in)) + " needs " + what +
                        " pushed by the interpreter when it entered an exception handler; "
                        "this path gives something else" +
                        (s.kind & kExcSaved ? " (the saved state under the exception)" : ""));
  }

  // POP_EXCEPT restores the exception state from what it pops: ≤3.10 exactly
  // the (type, value, traceback) saved under the exception (anything else
  // leaves sys.exc_info() holding objects of the wrong kind, which crashes
  // the next raise that chains it); 3.11+ an exception or the None saved.
  bool need_saved(const Instr& in, const Slot& s) {
    if (minor_ >= 11) return need_exc(in, s, "an exception or the saved exception state", true);
    if (s.kind == kExcSaved) return true;
    return fail(in, "POP_EXCEPT needs the exception state saved under the exception "
                    "on top (pop the exception's type, value and traceback first)");
  }

  // ≤3.10: what entering a SETUP_* handler pushes: the saved exception state
  // (traceback, value, type), then the exception (traceback, value, type).
  static constexpr Slot kHandlerEntry[6] = {{kExcSaved, kUnknown},
                                            {kExcSaved, kUnknown},
                                            {kExcSaved, kUnknown},
                                            {kExc, 0},
                                            {kExc, 1},
                                            {kExc, 2}};
  static void push_handler_entry(Slots& stack) {
    stack.insert(stack.end(), std::begin(kHandlerEntry), std::end(kHandlerEntry));
  }

  // Exception edges from instruction i with state s (before it runs);
  // `pushes`: how many values it leaves for its inputs when it falls through.
  // Whether instruction i with state s has exception edges: it may raise,
  // and there is something to unwind to (≤3.10 an open block: with none,
  // ≤3.7's unwinding has nothing to check, the exception leaves the frame;
  // 3.11+ an exception entry that covers i). Inline, so that most
  // instructions make no call.
  bool may_unwind(size_t i, const State& s, const OpRule& r) const {
    return !r.cannot_raise && has_handler(i, s);
  }
  // Whether an exception at i would find a handler (may_unwind without the rule).
  bool has_handler(size_t i, const State& s) const {
    if (minor_ >= 11) return !code_.exceptions.empty() && !sc_.cover.of(i).empty();
    return !s.blocks.empty();
  }

  bool exception_edges(size_t i, const State& s, const OpRule& r, int pops, int pushes) {
    const Instr& in = instr(i);
    int depth = static_cast<int>(s.stack.size());
    // An instruction that raises must not have eaten into what the handler
    // keeps: its inputs are gone when it unwinds. A throw() into a suspended
    // frame arrives after the yield, with the stack the yield leaves.
    int kept = std::min({static_cast<int>(r.keep), pops, std::max(pushes, 0)});
    int low = id(in) == Name::YieldValue ? depth - pops + pushes : depth - pops + kept;
    if (minor_ <= 7) {
      State& h = sc_.made;
      h = s;
      h.stack.resize(static_cast<size_t>(std::max(0, low)));
      return unwind_old(in, h, kWhyException, {});
    }
    if (minor_ >= 11) {
      const std::span<const uint32_t> cover = sc_.cover.of(i);
      // The one entry whose handler state this walk merged into last, with
      // nothing it carries changed since (merged_): only the edge is new.
      // (Every instruction between, in a walk's straight run and an entry's
      // contiguous range, is covered by it: one that can raise was held to
      // its depth.)
      const bool again = merged_ >= 0 && cover.size() == 1 && cover[0] == merged_entry_;
      for (uint32_t k : cover) {
        const ExceptionEntry& e = code_.exceptions[k];
        if (low < e.depth)
          return fail(in, "the exception entry covering " + std::string(name(in)) +
                              " keeps " + std::to_string(e.depth) + " stack items, but only " +
                              std::to_string(std::max(0, low)) + " remain when it raises");
        if (again) {
          edge(i, static_cast<size_t>(e.handler));
          continue;
        }
        int32_t v = join_handler(e, s, in);
        if (!ok_) return false;
        if (v >= 0 && cover.size() == 1 && !sc_.stepwise)
          merged_ = v, merged_entry_ = k, merged_level_ = static_cast<size_t>(e.depth);
      }
      return true;
    }
    if (s.blocks.empty()) return true;
    const Block& b = s.blocks.back();
    if (low < b.level)
      return fail(in, std::string(name(in)) + " pops below the " + std::to_string(b.level) +
                          " stack items its SETUP_* block keeps");
    // Unwinding pops the EXCEPT_HANDLER blocks above this one.
    const int eh_min = b.eh_min + 1, eh_max = b.eh_max + 1;
    const std::span<const Block> below(s.blocks.data(), s.blocks.size() - 1);
    if (static_cast<int>(below.size()) + eh_min > kMaxBlocks)
      return fail(in, "more than 20 blocks nested (CPython aborts)");
    auto handler = static_cast<size_t>(b.handler);
    auto level = static_cast<size_t>(b.level);
    // When the handler has a state that join() would merge this one into
    // unchanged (same depth and blocks, nothing for it to clamp), it is
    // merged from s in place instead of being copied first, as
    // join_handler does.
    if (merged_ >= 0) {  // the same merge again: it changes nothing
      edge(i, handler);
      return true;
    }
    if (int32_t v = sc_.head[handler];
        v >= 0 && joins_as_is(sc_.states[v], level + 6, below) && eh_max <= kMaxBlocks + 1) {
      edge(i, handler);
      merge(static_cast<uint32_t>(v), std::span(s.stack).first(level), kHandlerEntry, below, eh_min,
            eh_max, {});
      if (!sc_.stepwise) merged_ = v, merged_level_ = level;  // the tests' reference: no cache
      return ok_;
    }
    State& h = fresh(sc_.made);
    h.stack.assign(s.stack.begin(), s.stack.begin() + b.level);
    push_handler_entry(h.stack);
    h.blocks.assign(below.begin(), below.end());
    h.eh_min = eh_min;
    h.eh_max = eh_max;
    join(handler, h, &in);
    return ok_;
  }

  // 3.8-3.10: whether join() merges a state of this depth and blocks into
  // stored state `st` as it is (the blocks' eh_max need no clamping).
  bool joins_as_is(const Stored& st, size_t depth, std::span<const Block> blocks) const {
    return st.depth == depth && same_blocks(st, blocks) && unclamped(blocks);
  }
  static bool unclamped(std::span<const Block> blocks) {
    return std::all_of(blocks.begin(), blocks.end(),
                       [](const Block& b) { return b.eh_max <= kMaxBlocks + 1; });
  }

  // ---- ≤3.7: the block stack as ceval runs it -----------------------------

  static bool old_block_role(Role r) {
    switch (r) {
      case Role::Setup: case Role::PopBlock: case Role::PopExcept: case Role::EndFinally:
      case Role::WithCleanupStart: case Role::WithCleanupFinish: case Role::Unwind:
        return true;
      default:
        return false;
    }
  }

  // UNWIND_EXCEPT_HANDLER: the stack is cut to the block's level + 3 and
  // those three restore sys.exc_info(); they must be the state the handler
  // saved, or the next raise that chains it crashes.
  bool unwind_handler(const Instr& in, State& s, const Block& b) {
    size_t level = static_cast<size_t>(b.level);
    bool saved = s.stack.size() >= level + 3;
    for (size_t k = level; saved && k < level + 3; ++k) saved = s.stack[k].kind == kExcSaved;
    if (!saved)
      return fail(in, std::string(name(in)) + " leaves an except handler whose saved exception "
                      "state (three items at stack depth " + std::to_string(level) +
                      ") is no longer there; CPython would restore sys.exc_info() from "
                      "other objects");
    s.stack.resize(level);
    return true;
  }

  // Pops the EXCEPT_HANDLER block on top and unwinds it; `error` if there is none.
  bool pop_handler(const Instr& in, State& s, const char* error) {
    if (s.blocks.empty() || s.blocks.back().type != kBlockHandler) return fail(in, error);
    Block b = s.blocks.back();
    s.blocks.pop_back();
    return unwind_handler(in, s, b);
  }

  // ceval's fast_block_end: unwinds the blocks of `s` for a return, break,
  // continue or exception and joins the handler it reaches. `retval` is the
  // returned value, or CONTINUE_LOOP's target. `s` is used up.
  bool unwind_old(const Instr& in, State& s, int32_t why, Slot retval) {
    while (!s.blocks.empty()) {
      Block b = s.blocks.back();
      if (b.type == kBlockLoop && why == kWhyContinue && retval.extra >= 0) {
        join(static_cast<size_t>(retval.extra), s, &in);
        return ok_;
      }
      s.blocks.pop_back();
      if (b.type == kBlockHandler) {
        if (!unwind_handler(in, s, b)) return false;
        continue;
      }
      if (s.stack.size() < static_cast<size_t>(b.level))
        return fail(in, std::string(name(in)) + " unwinds a SETUP_* block that keeps " +
                        std::to_string(b.level) + " stack items, but only " +
                        std::to_string(s.stack.size()) + " remain");
      s.stack.resize(static_cast<size_t>(b.level));
      if (b.type == kBlockLoop && why == kWhyBreak) {
        join(static_cast<size_t>(b.handler), s, &in);
        return ok_;
      }
      if (why == kWhyException && (b.type == kBlockExcept || b.type == kBlockFinally)) {
        if (s.blocks.size() >= static_cast<size_t>(kMaxBlocks))
          return fail(in, "more than 20 blocks nested (CPython aborts)");
        s.blocks.push_back({-1, b.level, 0, 0, kBlockHandler});
        push_handler_entry(s.stack);
        join(static_cast<size_t>(b.handler), s, &in);
        return ok_;
      }
      if (b.type == kBlockFinally) {
        if (why == kWhyReturn || why == kWhyContinue) s.stack.push_back(retval);
        s.stack.push_back({kWhy, why});
        join(static_cast<size_t>(b.handler), s, &in);
        return ok_;
      }
    }
    // Out of blocks: the frame returns or raises. A break or continue with
    // no loop left would leave it with no exception set.
    if (why == kWhyBreak || why == kWhyContinue)
      return fail(in, std::string(name(in)) + " outside a loop (no SETUP_LOOP block to " +
                      (why == kWhyBreak ? "break out of)" : "continue)"));
    return true;
  }

  // Block instructions on ≤3.7, run as ceval runs them: every shape the
  // stack can have here is a state of its own, so the result is exact.
  // Clears s.live when the path does not fall through.
  bool step_old(size_t i, State& s, const OpInfo& op) {
    const Instr& in = instr(i);
    const OpRule& r = *rules_[in.opcode];
    auto top = [&](size_t k) -> Slot& { return s.stack[s.stack.size() - 1 - k]; };
    auto need = [&](size_t n) {
      if (s.stack.size() >= n) return true;
      return fail(in, "stack underflow: " + std::string(op.name) + " needs " + std::to_string(n) +
                          " stack items here, " + std::to_string(s.stack.size()) + " are there");
    };
    auto pure_exc = [&](size_t k) {  // the exception triple (tb, value, type), in order
      return top(k).kind == kExc && top(k + 1).kind == kExc && top(k + 2).kind == kExc &&
             top(k).extra == 2 && top(k + 1).extra == 1 && top(k + 2).extra == 0;
    };
    auto known_why = [](const Slot& v) {
      return v.kind == kWhy && (v.extra == kWhyReturn || v.extra == kWhyBreak ||
                                v.extra == kWhyContinue || v.extra == kWhySilenced);
    };
    switch (r.role) {
      case Role::Setup: {
        BlockType type = op.name == "SETUP_LOOP" ? kBlockLoop
                         : op.name == "SETUP_EXCEPT" ? kBlockExcept : kBlockFinally;
        size_t level = s.stack.size();
        std::optional<Slot> result;
        if ((op.name == "SETUP_WITH" || op.name == "SETUP_ASYNC_WITH") &&
            (top(0).kind & kFuncTrusted) && !trusted_call(in, op, 0, 1, s))
          return false;
        if (op.name == "SETUP_WITH") {  // the manager becomes __exit__, then __enter__()
          if (!need_value(in, top(0), "a stack item")) return false;
          top(0) = {kVal, kUnknown};
          result = Slot{kVal, kUnknown};
        } else if (op.name == "SETUP_ASYNC_WITH") {  // the awaited result stays above
          if (!need_value(in, top(0), "a stack item")) return false;
          result = top(0);
          s.stack.pop_back();
          level -= 1;
        }
        if (s.blocks.size() >= static_cast<size_t>(kMaxBlocks))
          return fail(in, "more than 20 blocks nested (CPython aborts)");
        s.blocks.push_back({in.target, static_cast<int>(level), 0, 0, type});
        if (result) s.stack.push_back(*result);
        return true;
      }
      case Role::PopBlock: {
        if (s.blocks.empty() || s.blocks.back().type == kBlockHandler)
          return fail(in, s.blocks.empty() ? "POP_BLOCK without an open SETUP_* block"
                                           : "POP_BLOCK would pop an except handler's block "
                                             "(use POP_EXCEPT)");
        // UNWIND_BLOCK: what lies above the block's level is dropped.
        size_t level = static_cast<size_t>(s.blocks.back().level);
        s.blocks.pop_back();
        if (s.stack.size() > level) s.stack.resize(level);
        return true;
      }
      case Role::PopExcept:
        return pop_handler(in, s, "POP_EXCEPT outside an exception handler (the block on top is "
                                  "not an EXCEPT_HANDLER)");
      case Role::Unwind: {
        s.live = false;
        if (op.name == "RETURN_VALUE") {
          Slot v = top(0);
          if (!need_value(in, v, "a stack item")) return false;
          if ((v.kind & kFuncTrusted) && !trusted_call(in, op, 0, 1, s)) return false;
          s.stack.pop_back();
          return unwind_old(in, s, kWhyReturn, v);
        }
        if (op.name == "BREAK_LOOP") return unwind_old(in, s, kWhyBreak, {});
        return unwind_old(in, s, kWhyContinue, {kJumpAddr, in.target});
      }
      case Role::EndFinally: {
        Slot st = top(0);
        if (st.kind == kNone) {  // the normal path: carries on
          s.stack.pop_back();
          return true;
        }
        if (known_why(st)) {
          s.stack.pop_back();
          Slot v{};
          if (st.extra == kWhyReturn || st.extra == kWhyContinue) {
            if (!need(1)) return false;
            v = top(0);
            s.stack.pop_back();
            if (st.extra == kWhyReturn && !need_value(in, v, "the return value")) return false;
            if (st.extra == kWhyContinue && (v.kind != kJumpAddr || v.extra < 0))
              return fail(in, "END_FINALLY continues a loop, but the item under the why code "
                              "is not CONTINUE_LOOP's target (CPython would jump to whatever "
                              "offset it holds)");
          }
          if (st.extra == kWhySilenced)  // `with` swallowed the exception
            return pop_handler(in, s, "END_FINALLY of a silenced exception needs the except "
                                      "handler's block on top");
          s.live = false;
          return unwind_old(in, s, st.extra, v);
        }
        if (s.stack.size() >= 3 && pure_exc(0)) {  // re-raise
          s.stack.resize(s.stack.size() - 3);
          s.live = false;
          return unwind_old(in, s, kWhyException, {});
        }
        return fail(in, "END_FINALLY needs what entering the finally block pushed on top: None "
                        "(LOAD_CONST None on the normal path), the why code of a return, "
                        "break or continue, or the exception; this path gives something else");
      }
      case Role::WithCleanupStart: {
        Slot st = top(0);
        if (st.kind == kNone || known_why(st)) {
          bool retval = known_why(st) && (st.extra == kWhyReturn || st.extra == kWhyContinue);
          size_t below = retval ? 2 : 1;  // __exit__ lies under the state
          if (!need(below + 1)) return false;
          Slot& exit = top(below);
          if (!need_value(in, exit, "the __exit__ method")) return false;
          s.stack.erase(s.stack.end() - 1 - static_cast<std::ptrdiff_t>(below));
          s.stack.push_back({kNone, kUnknown});  // exc: None
          s.stack.push_back({kVal, kUnknown});   // __exit__'s result
          return true;
        }
        // An exception: [__exit__, saved state (3), exception (3)] under the
        // except handler's block, which CPython moves down by one.
        if (s.stack.size() >= 7 && pure_exc(0) && top(3).kind == kExcSaved &&
            top(4).kind == kExcSaved && top(5).kind == kExcSaved && !s.blocks.empty() &&
            s.blocks.back().type == kBlockHandler &&
            s.blocks.back().level == static_cast<int>(s.stack.size()) - 6) {
          if (!need_value(in, top(6), "the __exit__ method")) return false;
          s.stack.erase(s.stack.end() - 7);
          s.stack.insert(s.stack.end() - 3, Slot{kNull, kUnknown});
          s.blocks.back().level -= 1;
          s.stack.push_back(top(0));            // the exception, again
          s.stack.push_back({kVal, kUnknown});  // __exit__'s result
          return true;
        }
        return fail(in, "WITH_CLEANUP_START needs the state a `with` block's finally pushed on "
                        "top (None, a why code, or the exception with the handler's saved "
                        "state) and __exit__ under it");
      }
      case Role::WithCleanupFinish: {
        if (!need(2)) return false;
        Slot exc = top(1);
        if (exc.kind != kNone && exc.kind != kExc)
          return fail(in, "WITH_CLEANUP_FINISH needs WITH_CLEANUP_START's results on top");
        s.stack.resize(s.stack.size() - 2);
        if (exc.kind == kExc && i + 1 < code_.instrs.size()) {
          // __exit__ returned true: the exception is silenced.
          State& silenced = sc_.made;
          silenced = s;
          silenced.stack.push_back({kWhy, kWhySilenced});
          join(i + 1, silenced, &in);
          if (!ok_) return false;
        }
        return true;
      }
      default:
        return fail(in, "internal: no ≤3.7 block rule for " + std::string(op.name));
    }
  }

  std::optional<size_t> local_slot(const Instr& in, uint32_t index) {
    if (index >= nlocals_) {
      fail(in, std::string(name(in)) + " local index " + std::to_string(index) + " out of range");
      return std::nullopt;
    }
    return index;
  }

  // Parameters only CPython's compiler can name (Python source cannot
  // write a leading dot), and what it always passes in them: a
  // comprehension's iterator `.0`, and 3.12's `.defaults`/`.kwdefaults` of a
  // generic function's annotation scope. The verifier trusts these, as
  // CPython does, and allows nothing else to be stored there. 0 if `index`
  // is no such parameter. `.0` is trusted only in code that runs FOR_ITER on
  // it directly (LOAD_FAST .0, FOR_ITER): an async comprehension's `.0` is
  // an asynchronous iterator, which GET_ANEXT checks at run time. Functions
  // of code with trusted parameters may only be called at once, with what
  // they trust (trusted_call).
  uint16_t trusted_param(uint32_t index) {
    return dotted_ ? trusted_param_of(code_, index) : uint16_t{0};
  }

  uint16_t trusted_param_of(const Code& code, uint32_t index) {
    if (index >= code.varnames.size() || static_cast<int>(index) >= code.argcount) return 0;
    const std::string& n = code.varnames[index];
    if (!n.starts_with('.')) return 0;  // most parameters: one test
    if (n == ".0" && index == 0) return iterates_dot0(code) ? uint16_t{kIter} : uint16_t{0};
    if (n == ".defaults") return kTuple;
    if (n == ".kwdefaults") return kDict;
    return 0;
  }

  bool store_trusted(const Instr& in, uint32_t index, const Slot* v) {
    uint16_t k = trusted_param(index);
    if (!k || (v && v->kind == k)) return true;
    return fail(in, "the compiler's parameter " + code_.varnames[index] +
                        " may only be given what the compiler passes there");
  }

  Slot load_local(const Instr& in, State& s, uint32_t index, bool checked, bool clear) {
    if (uint16_t k = trusted_param(index); k && !clear) return {k, kUnknown};
    auto slot = local_slot(in, index);
    if (!slot) return {};
    uint8_t st = s.locals[*slot];
    if (!checked && !clear && minor_ >= 12 && (st & kUnbound)) {
      const std::string nm = localsplus(code_).names[*slot];
      fail(in, "local '" + nm + "' may be unbound here (on some path it is never stored or "
               "was deleted); CPython " + code_.version.str() +
               "'s LOAD_FAST does not check: use LOAD_FAST_CHECK");
      return {};
    }
    uint32_t kind = bound_kind(st);
    if (st & kUnbound) kind |= clear ? static_cast<uint32_t>(kNull) : 0u;
    if (clear) s.locals[*slot] = kUnbound;
    // After a checked load the local is bound (else it raised).
    if (checked && !clear && (st & kUnbound)) {
      st &= ~kUnbound;
      s.locals[*slot] = st ? st : static_cast<uint8_t>(kBound);  // only reached when it was bound
    }
    if (kind == 0) kind = kVal;  // LOAD_FAST_CHECK of an unbound local raises
    return {kind, kUnknown};
  }

  void store_local(const Instr& in, State& s, uint32_t index, const Slot& v) {
    auto slot = local_slot(in, index);
    if (!slot) return;
    s.locals[*slot] = local_state(v);
  }

  // What a local holds once `v` is stored in it.
  static uint8_t local_state(const Slot& v) {
    uint8_t st = 0;
    if (v.kind & kNull) st |= kUnbound;
    if (v.kind & kCellObj) st |= kHoldsCell;
    if (v.kind & ~(kNull | kCellObj)) st |= kBound;
    return st;
  }

  // The kinds loading a local of state `st` gives, but for its unbound case.
  static uint32_t bound_kind(uint8_t st) {
    uint32_t kind = 0;
    if (st & kBound) kind |= kVal;
    if (st & kHoldsCell) kind |= kCellObj;
    return kind;
  }

  bool need_cell(const Instr& in, const State& s, uint32_t index) {
    auto slot = local_slot(in, index);
    if (!slot) return false;
    if (s.locals[*slot] == kHoldsCell) return true;
    const std::string nm = localsplus(code_).names[*slot];
    return fail(in, std::string(name(in)) + " '" + nm + "': the slot may not hold a cell here " +
                        "(cells come from MAKE_CELL, free variables from COPY_FREE_VARS)");
  }

  // Cached per code object: a hostile pyc may load `.0` a million times.
  bool iterates_dot0(const Code& code) {
    auto [it, added] = sc_.dot0.try_emplace(&code, false);
    if (added) it->second = scan_dot0(code);
    return it->second;
  }

  static bool scan_dot0(const Code& code) {
    const OpcodeTable* t = opcode_table(code.version);
    if (!t) return false;
    const verifier::Names& names = verifier::names_for(*t);
    for (size_t i = 0; i + 1 < code.instrs.size(); ++i)
      if (names[code.instrs[i].opcode] == Name::LoadFast && code.instrs[i].arg == 0 &&
          names[code.instrs[i + 1].opcode] == Name::ForIter)
        return true;
    return false;
  }

  static bool names_tuple(const Object* o) {
    if (!o || o->kind != ObjKind::Tuple) return false;
    for (const ObjectPtr& item : o->items)
      if (item->kind != ObjKind::Str) return false;
    return true;
  }

  const Object* const_at(int32_t index) const {
    if (index < 0 || static_cast<size_t>(index) >= code_.consts.size()) return nullptr;
    return code_.consts[static_cast<size_t>(index)].get();
  }

  // What LOAD_CONST a pushes.
  Slot const_slot(uint32_t a) const {
    const Object* o = const_at(static_cast<int32_t>(a));
    Slot v{kVal, kUnknown};
    if (o && o->kind == ObjKind::Code) v = {kCode, static_cast<int32_t>(a)};
    if (o && o->kind == ObjKind::Tuple) v = {kTuple, static_cast<int32_t>(a)};
    if (o && o->kind == ObjKind::Str) v = {kStr, static_cast<int32_t>(a)};
    if (o && o->kind == ObjKind::None && minor_ <= 7) v = {kNone, kUnknown};
    return v;
  }

  // step() of an instruction plains_ describes (most of them), without its
  // role switches and its copy of the results. False, having changed
  // nothing, when step() must do it: not such an instruction, or one whose
  // inputs step() would look at (too few, or one that may not be a value).
  // 1 (true) when done; 2 when done and a check failed (its exception
  // edges', MAKE_FUNCTION's), which the walk then need not ask ok_.
  // Whether the inputs of a plain instruction pass what check_inputs
  // checks: values, and the exempt input (a method call's self or NULL,
  // what STORE_FAST stores) anything but a function with conditions.
  // plain_step's and fast_run's test. Most take at most two inputs: those
  // without a loop (gcc's unrolled one costs its set-up at every
  // instruction).
  [[gnu::always_inline]] static bool plain_inputs(const PlainRule& p, const Slot* inputs,
                                                  size_t pops) {
    uint32_t kinds = 0;
    if (pops <= 2) {
      if (pops > 0) kinds = inputs[0].kind | inputs[pops - 1].kind;
    } else {
      for (size_t k = 0; k < pops; ++k) kinds |= inputs[k].kind;
    }
    if (!(kinds & kChecked)) return true;
    if (!p.exempt) return false;
    uint32_t strict = 0, loose = 0;
    for (size_t k = 0; k < pops; ++k)
      (p.exempt == kAllExempt || k + 1 == p.exempt ? loose : strict) |= inputs[k].kind;
    return !(strict & kChecked) && !(loose & (kFuncPending | kFuncTrusted));
  }

  [[gnu::always_inline]] int plain_step(size_t i, State& s, const PlainRule& p) {
    const Instr& in = instr(i);
    const uint32_t a = in.arg;
    const int pops = p.fixed ? p.pops : rules_[in.opcode]->pops(a);
    const size_t depth = s.stack.size();
    if (static_cast<size_t>(pops) > depth) return false;
    const size_t base = depth - static_cast<size_t>(pops);
    if (!plain_inputs(p, s.stack.data() + base, static_cast<size_t>(pops))) return false;
    if (p.check != PlainCheck::None && !plain_check(i, p, s.stack.data() + base)) return false;
    // What the results replace the inputs with: pops + the fall-through effect.
    int res = p.res;
    if (!p.fixed) {
      res = pops + p.fall.eval(a);
      // Fixed results that do not match the effect: step()'s internal error.
      if (p.how > Plain::Swap && res != p.count[a & p.odd]) return false;
    }
    if (p.how >= Plain::Load && !locals_plain(p, a, s)) return false;
    if (!p.cannot_raise) {
      if (has_handler(i, s) && !exception_edges(i, s, *rules_[in.opcode], pops, res)) return 2;
    } else if (base < merged_level_) {  // no edge holds it to the level
      forget_merged();
    }
    if (p.how >= Plain::Load) {
      if (p.how == Plain::Function) return function_step(in, s, base) ? 1 : 2;
      locals_step(p, in, s, base);
      return true;
    }
    // The results: the kept inputs stay where they are.
    const size_t n = static_cast<size_t>(std::max(res, 0));
    Slot* out = s.stack.raise_to(base + n) + base;
    // The common ones first, tested in turn (a jump table costs more).
    if (p.how == Plain::Fresh) {
      for (size_t k = std::min(size_t{p.keep}, depth - base); k < n; ++k)  // (as fast_run)
        out[k] = {kVal, kUnknown};
    } else if (p.how == Plain::Push) {  // one or two results (`count`, which n matches)
      const uint32_t* kinds = p.kinds[a & p.odd];
      out[0] = {kinds[0], kUnknown};
      if (n > 1) out[1] = {kinds[1], kUnknown};
    } else if (p.how == Plain::Const) {
      out[0] = const_slot(a);
    } else {
      shuffle(p, out, static_cast<size_t>(pops), n);
    }
    return true;
  }

  // plain_step's results of a stack shuffle or BUILD_TUPLE, over its `pops`
  // inputs from `out` on.
  [[gnu::noinline]] static void shuffle(const PlainRule& p, Slot* out, size_t pops, size_t n) {
    switch (p.how) {
      case Plain::Dup:  // n - pops copies: of all the inputs, or COPY's one
        for (size_t k = pops; k < n; ++k) out[k] = out[k - pops];
        break;
      case Plain::Rot:
        std::rotate(out, out + pops - 1, out + pops);
        break;
      case Plain::Swap:
        std::swap(out[0], out[pops - 1]);
        break;
      default: {  // Tuple: one result, over the first input
        bool cells = p.closure;
        for (size_t k = 0; k < pops; ++k) cells &= out[k].kind == kCellObj;
        out[0] =
            cells ? Slot{kTuple | kClosure, static_cast<int32_t>(pops)} : Slot{kTuple, kUnknown};
        break;
      }
    }
  }

  // plain_step's part of what step() checks of a Container, or of 3.11's
  // PRECALL n; CALL n pair.
  bool plain_check(size_t i, const PlainRule& p, const Slot* inputs) const {
    const uint32_t a = instr(i).arg;
    switch (p.check) {
      case PlainCheck::Container:
        return inputs[0].kind == p.kinds[0][0];
      case PlainCheck::AfterPrecall:
        return i > 0 && id(instr(i - 1)) == Name::Precall && instr(i - 1).arg == a &&
               !sc_.leader[i];
      case PlainCheck::BeforeCall:
        return i + 1 < code_.instrs.size() && id(instr(i + 1)) == Name::Call &&
               instr(i + 1).arg == a;
      case PlainCheck::MinArg:
        return a >= p.min_arg;
      case PlainCheck::KwNames: {  // the top of its a + 2 inputs
        if (a > 0xffff) return false;  // (a + 2 kept clear of overflow)
        const Slot& names = inputs[a + 1];
        const Object* o = const_at(names.extra);
        return names.kind == kTuple && names_tuple(o) && o->items.size() <= a;
      }
      case PlainCheck::None:
        break;
    }
    return true;
  }

  // 3.11+ LOAD_FAST and STORE_FAST (and their pairs) as plain_step does
  // them: locals in range, and bound where loaded.
  static std::array<uint32_t, 2> plain_locals(const PlainRule& p, uint32_t a) {
    return {p.pair ? a >> 4 : a, a & 15};
  }
  bool locals_plain(const PlainRule& p, uint32_t a, const State& s) const {
    if (p.how == Plain::Function) return true;
    const auto local = plain_locals(p, a);
    for (int k = 0; k < (p.pair ? 2 : 1); ++k)
      if (local[k] >= nlocals_ || (p.how == Plain::Load && (s.locals[local[k]] & kUnbound)))
        return false;
    return true;
  }
  void locals_step(const PlainRule& p, const Instr& in, State& s, size_t base) {
    const auto local = plain_locals(p, in.arg);
    const int n = p.pair ? 2 : 1;
    if (p.how == Plain::Store) {  // STORE_FAST_STORE_FAST: the top to the first local
      // The locals are what 3.11+'s exception edges carry too.
      forget_merged();
      for (int k = 0; k < n; ++k) s.locals[local[k]] = local_state(s.stack.end()[-1 - k]);
      s.stack.pop_to(base);
      return;
    }
    // load_local's answer for a local in range and bound, in code without
    // trusted parameters (locals_plain, plains_for).
    for (int k = 0; k < n; ++k) {
      const uint32_t kind = bound_kind(s.locals[local[k]]);
      s.stack.push_back({kind ? kind : kVal, kUnknown});
    }
  }

  // MAKE_FUNCTION as step() does it, from make_function on; false when that
  // reported.
  bool function_step(const Instr& in, State& s, size_t base) {
    Slots& pushed = sc_.pushed;
    pushed.clear();
    if (!make_function(in, s, pushed)) return false;
    s.stack.pop_to(base);
    s.stack.push_back(pushed[0]);
    return true;
  }

  // One instruction: checks, edges, and the state after it falls through.
  bool step(size_t i, State& s) {
    const Instr& in = instr(i);
    const OpInfo& op = *table_.find(in.opcode);
    const OpRule* r = rules_[in.opcode];
    if (!r) return fail(in, "the verifier has no rule for " + std::string(op.name));
    if (r->role == Role::Never)
      return fail(in, std::string(op.name) + " is not an instruction a pyc may hold (CPython "
                                             "crashes on it)");
    const uint32_t a = in.arg;
    int depth = static_cast<int>(s.stack.size());
    int pops = r->pops(a);
    if (r->role == Role::EndFinally && minor_ == 8)
      pops = 6 + (id(in) == Name::PopFinally && a ? 1 : 0);
    if (pops > depth)
      return fail(in, "stack underflow: " + std::string(op.name) + " needs " +
                          std::to_string(pops) + " stack items, " + std::to_string(depth) +
                          " are there");
    // A role may change the blocks, or what lies below its inputs.
    if (r->role != Role::None || static_cast<size_t>(depth - pops) < merged_level_) forget_merged();
    const int fall_effect = op.fall.eval(a);
    if (may_unwind(i, s, *r) && !exception_edges(i, s, *r, pops, pops + fall_effect))
      return false;
    if (minor_ <= 7 && old_block_role(r->role)) return step_old(i, s, op);
    auto top = [&](int k) -> Slot& { return s.stack[s.stack.size() - 1 - static_cast<size_t>(k)]; };

    // Stack shuffles keep their slots' kinds.
    switch (r->role) {
      case Role::Rot:
      case Role::RotN:
        if (r->role == Role::RotN && a < 1) return fail(in, "ROT_N needs an oparg of at least 1");
        std::rotate(s.stack.end() - pops, s.stack.end() - 1, s.stack.end());
        return true;
      case Role::Swap:
        if (a < 2) return fail(in, "SWAP needs an oparg of at least 2");
        std::swap(top(0), top(static_cast<int>(a) - 1));
        return true;
      case Role::Copy:
      case Role::Dup: {
        if (r->role == Role::Copy && a < 1) return fail(in, "COPY needs an oparg of at least 1");
        // COPY n copies the n-th item; DUP_TOP(_TWO) the top one (two).
        Slots& copies = sc_.copies;
        copies.assign(s.stack.end() - pops,
                      s.stack.end() - (r->role == Role::Copy ? pops - 1 : 0));
        for (const Slot& c : copies)
          if (!need_value(in, c, "a stack item")) return false;
        s.stack.insert(s.stack.end(), copies.begin(), copies.end());
        return true;
      }
      default:
        break;
    }

    // Most inputs are plain values; only when one may be something else
    // are the inputs looked at one by one.
    uint32_t kinds = 0;
    for (int k = 0; k < pops; ++k) kinds |= top(k).kind;
    if ((kinds & kChecked) && !check_inputs(in, op, *r, pops, s)) return false;

    // Role checks on the inputs; `pushed` gives the kinds of the results.
    Slots& pushed = sc_.pushed;  // bottom first, fall-through results
    pushed.clear();
    bool custom_push = false;  // `pushed` replaces the generic results
    auto push = [&](std::initializer_list<Slot> slots) {
      for (const Slot& v : slots) pushed.push_back(v);
      custom_push = true;
    };
    switch (r->role) {
      case Role::Container: {
        uint32_t want = (*plains_)[in.opcode].kinds[0][0];
        if (top(pops - 1).kind != want)
          return fail(in, std::string(op.name) + " " + std::to_string(a) + " needs the " +
                              (want == kList ? "list (BUILD_LIST)" : want == kSet
                                   ? "set (BUILD_SET)" : "dict (BUILD_MAP)") +
                              " it adds to at that depth on every path");
        break;
      }
      case Role::Yield:
        // ≤3.10: YIELD_FROM calls its receiver's tp_iternext unchecked (None
        // sent) or its send(); it must come from GET_ITER, GET_YIELD_FROM_ITER,
        // GET_AWAITABLE or GET_ANEXT.
        if (id(in) == Name::YieldFrom &&
            (top(1).kind == 0 || (top(1).kind & ~(kIter | kAwaitIter))))
          return fail(in, "YIELD_FROM needs an iterator or awaitable (from GET_YIELD_FROM_ITER, "
                          "GET_AWAITABLE, GET_ANEXT or GET_ITER) under the value it sends; on "
                          "this path it may be something else");
        break;
      case Role::ForIter:
        if (top(0).kind != kIter)
          return fail(in, "FOR_ITER needs an iterator (from GET_ITER) on top of the stack; "
                          "on this path it may be something else");
        // 3.12+: an exhausted FOR_ITER jumps past its target, taking it to be
        // END_FOR (3.13: END_FOR, POP_TOP) without running it.
        if (minor_ >= 12 && in.target >= 0) {
          // Skipped by code units: neither may carry an EXTENDED_ARG prefix.
          auto plain = [&](size_t k, Name want) {
            return k < code_.instrs.size() && id(instr(k)) == want && instr(k).arg <= 0xff &&
                   instr(k).prefixes == 0;
          };
          size_t t = static_cast<size_t>(in.target);
          bool ok = plain(t, Name::EndFor) && (minor_ < 13 || plain(t + 1, Name::PopTop));
          if (!ok)
            return fail(in, std::string("FOR_ITER must jump to END_FOR") +
                                (minor_ >= 13 ? " followed by POP_TOP" : "") +
                                ", without EXTENDED_ARG" +
                                ": CPython " + code_.version.str() +
                                " skips them unexecuted when the iterator is exhausted");
        }
        break;
      case Role::MakeFunction: {
        if (!make_function(in, s, pushed)) return false;
        custom_push = true;
        break;
      }
      case Role::SetFunctionAttribute: {
        Slot func = top(0), attr = top(1);
        uint32_t trusted = func.kind & kFuncTrusted;
        uint32_t base = func.kind & ~kFuncTrusted;
        if (base != kFunc && base != kFuncPending)
          return fail(in, "SET_FUNCTION_ATTRIBUTE needs a function from MAKE_FUNCTION on top");
        if (trusted && a != 8)
          return fail(in, "SET_FUNCTION_ATTRIBUTE: a function of code with compiler-only "
                          "parameters (.0, .defaults, .kwdefaults) gets no defaults");
        if (a == 8) {
          if (base != kFuncPending)
            return fail(in, "SET_FUNCTION_ATTRIBUTE closure on a function whose code has no free "
                            "variables");
          const Object* o = const_at(func.extra);
          int nfree = o && o->kind == ObjKind::Code ? static_cast<int>(o->code->freevars.size())
                                                     : -1;
          if (attr.kind != (kClosure | kTuple) || nfree < 0 || attr.extra != nfree)
            return fail(in, "the closure must be a tuple of exactly " + std::to_string(nfree) +
                                " cells (BUILD_TUPLE of LOAD_CLOSUREs), one per free variable");
          func = {kFunc | trusted, func.extra};
        } else if (a == 1 && !(attr.kind & kTuple) ) {
          return fail(in, "function defaults must be a tuple");
        } else if (a == 2 && !(attr.kind & kDict)) {
          return fail(in, "function keyword defaults must be a dict");
        }
        push({func});
        break;
      }
      case Role::CallKw: {
        const Slot& names = top(0);
        const Object* o = const_at(names.extra);
        if (names.kind != kTuple || !names_tuple(o) || o->items.size() > a)
          return fail(in, std::string(op.name) + " needs a constant tuple of at most " +
                              std::to_string(a) + " keyword names on top");
        break;
      }
      case Role::Call:
        if (id(in) == Name::CallKw) {
          const Slot& names = top(0);
          const Object* o = const_at(names.extra);
          if (names.kind != kTuple || !names_tuple(o) || o->items.size() > a)
            return fail(in, "CALL_KW needs a constant tuple of at most " + std::to_string(a) +
                                " keyword names on top");
        }
        if (minor_ == 11) {
          // 3.11: PRECALL n; CALL n, nothing between, nothing jumping to CALL.
          if (i == 0 || id(instr(i - 1)) != Name::Precall || instr(i - 1).arg != a ||
              sc_.leader[i])
            return fail(in, "CALL " + std::to_string(a) + " must directly follow PRECALL " +
                                std::to_string(a));
        }
        break;
      case Role::Precall:
        if (i + 1 >= code_.instrs.size() || id(instr(i + 1)) != Name::Call ||
            instr(i + 1).arg != a)
          return fail(in, "PRECALL " + std::to_string(a) + " must be followed directly by CALL " +
                              std::to_string(a));
        break;
      case Role::KwNames: {
        const Object* o = const_at(static_cast<int32_t>(a));
        if (!names_tuple(o)) return fail(in, "KW_NAMES needs a constant tuple of str");
        size_t j = i + 1;
        if (j < code_.instrs.size() && id(instr(j)) == Name::Precall) ++j;
        if (j >= code_.instrs.size() || id(instr(j)) != Name::Call || sc_.leader[j] ||
            (j > i + 1 && sc_.leader[i + 1]))
          return fail(in, "KW_NAMES must come directly before " +
                              std::string(minor_ == 11 ? "PRECALL and " : "") + "CALL");
        if (o->items.size() > instr(j).arg)
          return fail(in, "KW_NAMES names " + std::to_string(o->items.size()) +
                              " keywords but the CALL passes " + std::to_string(instr(j).arg) +
                              " arguments");
        break;
      }
      case Role::PopExcept:
        for (int k = 0; k < pops; ++k)
          if (!need_saved(in, top(k))) return false;
        if (minor_ <= 10) {
          if (s.eh_min < 1)
            return fail(in, "POP_EXCEPT outside an exception handler (no EXCEPT_HANDLER block)");
          s.eh_min -= 1;
          s.eh_max -= 1;
        }
        break;
      case Role::Reraise:
        if (minor_ >= 11) {
          if (!need_exc(in, top(0), "the exception")) return false;
          if (a != 0 && top(pops - 1).kind != kLasti)
            return fail(in, "RERAISE " + std::to_string(a) +
                                " needs the offset pushed by a `lasti` exception entry below "
                                "the exception");
        } else {
          for (int k = 0; k < 3; ++k)
            if (!need_exc(in, top(k), "the exception")) return false;
          if (minor_ == 10 && a != 0 && s.blocks.empty() && s.eh_min < 1)
            return fail(in, "RERAISE 1 outside any block");
        }
        break;
      case Role::EndAsyncFor: {
        int n = minor_ >= 11 ? 1 : 6;
        for (int k = 0; k < n; ++k)
          if (!need_exc(in, top(k), "the exception", k >= 3)) return false;
        for (int k = n; k < pops; ++k)
          if (!need_value(in, top(k), "a stack item")) return false;
        break;
      }
      case Role::PushExcInfo:
        if (!need_exc(in, top(0), "the exception")) return false;
        push({{kExcSaved, kUnknown}, {kExc, kUnknown}});
        break;
      case Role::WithExceptStart:
        if (!need_exc(in, top(0), "the exception")) return false;
        break;
      case Role::CleanupThrow:
        if (!need_exc(in, top(0), "the exception")) return false;
        break;
      case Role::ExcResult:
        pushed.assign(static_cast<size_t>(pops + op.fall.eval(a)), Slot{kExc, kUnknown});
        custom_push = true;
        break;
      case Role::Intrinsic: {
        // PREP_RERAISE_STAR (2/1) gives the exception to re-raise.
        bool prep = pops == 2 && a < table_.intrinsic2.size() &&
                    table_.intrinsic2[a] == "INTRINSIC_PREP_RERAISE_STAR";
        bool to_tuple = pops == 1 && a < table_.intrinsic1.size() &&
                        table_.intrinsic1[a] == "INTRINSIC_LIST_TO_TUPLE";
        // STOPITERATION_ERROR turns the exception into the one to re-raise.
        if (pops == 1 && a < table_.intrinsic1.size() &&
            table_.intrinsic1[a] == "INTRINSIC_STOPITERATION_ERROR") {
          if (!need_exc(in, top(0), "the exception")) return false;
          prep = true;
        }
        push({{static_cast<uint16_t>(prep ? kExc : to_tuple ? (kVal | kTuple) : kVal),
                          -1}});
        break;
      }
      case Role::EndFinally: {
        // 3.8: [5 slots of exception or nothing, TOS] (+ a kept value for POP_FINALLY n).
        int base = id(in) == Name::PopFinally && a ? 1 : 0;
        if (depth < 6 + base) return fail(in, std::string(op.name) + ": stack underflow");
        const Slot& tos = top(base);
        if (tos.kind & ~(kNull | kExc))
          return fail(in, std::string(op.name) + " needs what SETUP_FINALLY's handler, "
                                                 "BEGIN_FINALLY or CALL_FINALLY pushed on top");
        for (int k = base + 1; k < base + 6; ++k)
          if (top(k).kind & ~(kPhantom | kExc | kExcSaved))
            return fail(in, std::string(op.name) + " would pop values the finally block "
                                                   "did not push");
        if (base) {
          if (!need_value(in, top(0), "a stack item")) return false;
          pushed.push_back(top(0));
        }
        custom_push = true;
        break;
      }
      case Role::WithCleanupStart: {
        const Slot& tos = top(0);
        if (tos.kind & ~(kNull | kExc))
          return fail(in, "WITH_CLEANUP_START needs the finally state of SETUP_WITH on top");
        for (int k = 1; k < 6; ++k)
          if (top(k).kind & ~(kPhantom | kExc | kExcSaved))
            return fail(in, "WITH_CLEANUP_START would use values the with block did not push");
        if (!need_value(in, top(6), "the __exit__ method")) return false;
        // The accounting gives 9 slots: keep END_FINALLY's view of the state.
        pushed.assign(5, Slot{kPhantom, kUnknown});
        pushed.push_back(tos);
        pushed.push_back({kPhantom, kUnknown});
        pushed.push_back(tos);
        push({{kVal, kUnknown}});
        break;
      }
      case Role::WithCleanupFinish:
        for (int k = 0; k < 3; ++k)
          if (top(k).kind & kPhantom && k != 2)
            return fail(in, "WITH_CLEANUP_FINISH needs WITH_CLEANUP_START's results");
        break;
      default:
        break;
    }

    // Results.
    // The inputs, bottom first. They stay on s.stack (which nothing changes
    // until the fall-through results replace them) instead of being copied.
    const size_t base = s.stack.size() - static_cast<size_t>(pops);
    const std::span<const Slot> inputs(s.stack.data() + base, static_cast<size_t>(pops));

    auto results = [&](int effect, bool jump) -> const Slots& {
      Slots& out = sc_.out;
      out.clear();
      int n = pops + effect;
      if (n < 0) n = 0;
      int keep = std::min({static_cast<int>(r->keep), n, pops});
      for (int k = 0; k < keep; ++k) out.push_back(inputs[static_cast<size_t>(k)]);
      while (static_cast<int>(out.size()) < n) out.push_back({kVal, kUnknown});
      switch (r->role) {
        case Role::ForIter:
          if (!out.empty()) out[0] = {kIter, kUnknown};
          break;
        case Role::Setup:
          if (jump && n >= 6) {
            out.resize(out.size() - 6);
            push_handler_entry(out);
          }
          break;
        case Role::Send:
          if (jump && minor_ == 11 && !out.empty()) out[0] = {kVal, kUnknown};
          break;
        default:
          break;
      }
      return out;
    };

    // Pushes with particular kinds.
    switch (r->role) {
      case Role::LoadConst:
        push({const_slot(a)});
        break;
      case Role::GetIter:
        push({{kIter, kUnknown}});
        break;
      case Role::AwaitIter:  // GET_ANEXT keeps the async iterator under it
        if (pops == 1 && fall_effect == 1) push({inputs[0]});
        push({{kAwaitIter, kUnknown}});
        break;
      case Role::PushNull:
        push({{kNull, kUnknown}});
        break;
      case Role::BuildTuple: {
        // BUILD_TUPLE of cells is a closure (not the *_UNPACK forms).
        bool cells = id(in) == Name::BuildTuple;
        for (const Slot& v : inputs) cells &= v.kind == kCellObj;
        uint16_t kind = cells ? kTuple | kClosure : kTuple;
        push({{kind, cells ? static_cast<int32_t>(inputs.size()) : kUnknown}});
        break;
      }
      case Role::BuildDict:
        push({{kDict, kUnknown}});
        break;
      case Role::BuildList:
        push({{kList, kUnknown}});
        break;
      case Role::BuildSet:
        push({{kSet, kUnknown}});
        break;
      case Role::ToTuple:
        push({{kTuple, kUnknown}});
        break;
      case Role::LoadGlobal:
        if (minor_ >= 11 && (a & 1)) {
          pushed.push_back({minor_ >= 13 ? kVal : kNull, kUnknown});
          pushed.push_back({minor_ >= 13 ? kNull : kVal, kUnknown});
        } else {
          pushed.push_back({kVal, kUnknown});
        }
        custom_push = true;
        break;
      case Role::LoadMethod:
        push({{kVal | kNull, kUnknown}, {kVal, kUnknown}});
        break;
      case Role::LoadAttr: {
        bool method = minor_ >= 12 && (a & 1);
        pushed.push_back({kVal, kUnknown});
        if (method) {
          if (minor_ >= 13) pushed.push_back({kVal | kNull, kUnknown});
          else pushed.insert(pushed.begin(), {kVal | kNull, kUnknown});
        }
        custom_push = true;
        break;
      }
      case Role::LoadFast: {
        if (minor_ < 11) {
          uint16_t k = trusted_param(a);
          push({{k ? k : static_cast<uint16_t>(kVal), kUnknown}});
          break;
        }
        Name n = id(in);
        bool clear = n == Name::LoadFastAndClear;
        bool checked = n == Name::LoadFastCheck || minor_ == 11;
        if (n == Name::LoadFastLoadFast) {
          pushed.push_back(load_local(in, s, a >> 4, checked, false));
          if (ok_) pushed.push_back(load_local(in, s, a & 15, checked, false));
        } else {
          pushed.push_back(load_local(in, s, a, checked, clear));
        }
        if (!ok_) return false;
        custom_push = true;
        break;
      }
      case Role::StoreFast: {
        Name n = id(in);
        if (n == Name::StoreFastStoreFast) {
          if (!store_trusted(in, a >> 4, &inputs[1]) || !store_trusted(in, a & 15, &inputs[0]))
            return false;
        } else if (!store_trusted(in, n == Name::StoreFastLoadFast ? a >> 4 : a,
                                  n == Name::DeleteFast ? nullptr : &inputs.back())) {
          return false;
        }
        if (minor_ < 11) break;
        if (n == Name::DeleteFast) {
          if (auto slot = local_slot(in, a)) {
            s.locals[*slot] = kUnbound;
          }
        } else if (n == Name::StoreFastStoreFast) {
          store_local(in, s, a >> 4, inputs[1]);
          store_local(in, s, a & 15, inputs[0]);
        } else if (n == Name::StoreFastLoadFast) {
          store_local(in, s, a >> 4, inputs[0]);
          push({load_local(in, s, a & 15, false, false)});
        } else {
          store_local(in, s, a, inputs[0]);
        }
        if (!ok_) return false;
        custom_push = true;  // nothing, or the local STORE_FAST_LOAD_FAST loaded
        break;
      }
      case Role::Cell: {
        if (minor_ < 11) {
          if (id(in) == Name::LoadClosure) push({{kCellObj, kUnknown}});
          break;
        }
        if (id(in) == Name::MakeCell) {
          if (auto slot = local_slot(in, a)) s.locals[*slot] = kHoldsCell;
        } else if (id(in) == Name::CopyFreeVars) {
          if (a != code_.freevars.size())
            return fail(in, "COPY_FREE_VARS " + std::to_string(a) + " but the code has " +
                                std::to_string(code_.freevars.size()) + " free variables");
          for (size_t k = s.locals.size() - a; k < s.locals.size(); ++k) s.locals[k] = kHoldsCell;
        } else if (id(in) == Name::LoadClosure) {
          if (!need_cell(in, s, a)) return false;
          push({{kCellObj, kUnknown}});
        } else {
          if (!need_cell(in, s, a)) return false;
        }
        break;
      }
      default:
        break;
    }

    // The jump branch.
    if (op.jumps() && in.target >= 0) {
      if (r->role == Role::CallFinally) {
        if (!finally_target(in)) return false;
      } else if (op.follows_target() || r->role == Role::Setup) {
        // Taken before the fall-through results are pushed: s.stack holds
        // what lies below the inputs.
        const Slots& out = results(op.jump.eval(a), true);
        const int raise = r->role == Role::Setup ? 1 : 0;
        jump_branch(in, s, base, out, raise);
        if (!ok_) return false;
      }
    }

    // The fall-through state.
    // (pop_to and push_back rather than resize and insert: fewer calls.)
    if (custom_push) {
      s.stack.pop_to(base);
      for (const Slot& v : pushed) s.stack.push_back(v);
      if (static_cast<int>(s.stack.size()) != depth + fall_effect)
        return fail(in, "internal: verifier stack model disagrees for " + std::string(op.name));
    } else {
      // results(fall_effect, false) in place: the kept inputs are already
      // there, the rest become fresh values.
      int n = std::max(pops + fall_effect, 0);
      int keep = std::min({static_cast<int>(r->keep), n, pops});
      s.stack.pop_to(base + static_cast<size_t>(keep));
      for (int k = keep; k < n; ++k) s.stack.push_back({kVal, kUnknown});
      if (r->role == Role::ForIter && n > 0) s.stack[base] = {kIter, kUnknown};
    }
    switch (r->role) {
      case Role::Setup: {
        int level = depth + op.jump.eval(a) - 6;
        s.blocks.push_back({in.target, level, s.eh_min, s.eh_max});
        if (static_cast<int>(s.blocks.size()) + s.eh_min > kMaxBlocks)
          return fail(in, "more than 20 blocks nested (CPython aborts)");
        break;
      }
      case Role::PopBlock:
        if (s.blocks.empty()) return fail(in, "POP_BLOCK without an open SETUP_* block");
        s.blocks.pop_back();
        break;
      case Role::EndFinally:
        // 3.8: falling through END_FINALLY/POP_FINALLY means the finally
        // state was not an exception (that re-raises), so the path that
        // entered by the handler (one more EXCEPT_HANDLER block) is not here.
        if (s.eh_max > s.eh_min) s.eh_max -= 1;
        break;
      case Role::BeginFinally:
        s.stack.resize(s.stack.size() - 6);
        for (int k = 0; k < 5; ++k) s.stack.push_back({kPhantom, kUnknown});
        s.stack.push_back({kNull, kUnknown});
        break;
      default:
        break;
    }
    return true;
  }

  // The inputs of `in` (the top `pops` items of s): each a value, unless its
  // role takes NULL or checks it itself; no function whose closure is not
  // set; functions with trusted parameters only called as trusted_call says.
  bool check_inputs(const Instr& in, const OpInfo& op, const OpRule& r, int pops, const State& s) {
    auto top = [&](int k) -> const Slot& {
      return s.stack[s.stack.size() - 1 - static_cast<size_t>(k)];
    };
    // Which inputs may be NULL (or are checked by the role itself): those
    // from exempt_lo up to exempt_hi, counted from the top (0).
    int exempt_lo = 0, exempt_hi = 0;
    switch (r.role) {
      case Role::StoreFast:
        exempt_hi = pops;
        break;
      case Role::Call:
        // 3.13: [callable, self_or_null, args...]
        exempt_lo = id(in) == Name::CallMethod || minor_ <= 12 ? pops - 1 : pops - 2;
        exempt_hi = exempt_lo + 1;
        break;
      case Role::CallEx:
        exempt_lo = minor_ >= 13 ? pops - 2 : pops - 1;
        exempt_hi = exempt_lo + 1;
        break;
      case Role::EndFinally:
      case Role::WithCleanupStart:
      case Role::WithCleanupFinish:
      case Role::PopExcept:
      case Role::EndAsyncFor:
        exempt_hi = pops;
        break;
      case Role::WithExceptStart:
        // ≤3.10: [__exit__, saved state (3), exception (3)]; it reads them.
        if (minor_ <= 10) exempt_lo = 3, exempt_hi = 6;
        break;
      default:
        break;
    }
    for (int k = 0; k < pops; ++k) {
      bool exempt = k >= exempt_lo && k < exempt_hi;
      if (!exempt && !need_value(in, top(k), "a stack item")) return false;
      if ((top(k).kind & kFuncPending) && r.role != Role::SetFunctionAttribute)
        return fail(in, std::string(op.name) +
                            " uses a function whose closure is not set yet "
                            "(SET_FUNCTION_ATTRIBUTE 8 first)");
      if ((top(k).kind & kFuncTrusted) && r.role != Role::SetFunctionAttribute &&
          !trusted_call(in, op, k, pops, s))
        return false;
    }
    return true;
  }

  // 3.8: CALL_FINALLY's target must be the handler of a SETUP_FINALLY.
  bool finally_target(const Instr& in) {
    for (const Instr& other : code_.instrs)
      if (id(other) == Name::SetupFinally && other.target == in.target) return true;
    return fail(in, "CALL_FINALLY must jump to the handler of a SETUP_FINALLY");
  }

  bool make_function(const Instr& in, State& s, Slots& pushed) {
    uint32_t a = in.arg;
    auto top = [&](int k) -> const Slot& {
      return s.stack[s.stack.size() - 1 - static_cast<size_t>(k)];
    };
    int k = 0;
    if (minor_ <= 10) {
      if (top(0).kind != kStr)
        return fail(in, "MAKE_FUNCTION needs the qualified name (a str constant) on top");
      k = 1;
    }
    const Slot& code = top(k);
    const Object* o = const_at(code.extra);
    if (code.kind != kCode || !o || o->kind != ObjKind::Code)
      return fail(in, "MAKE_FUNCTION needs a code object constant " +
                          std::string(minor_ <= 10 ? "below the qualified name" : "on top") +
                          "; on this path it may be something else");
    int nfree = static_cast<int>(o->code->freevars.size());
    int slot = k + 1;
    auto next = [&]() -> const Slot& { return top(slot++); };
    if (minor_ <= 12) {
      if (a & 8) {
        const Slot& c = next();
        if (c.kind != (kClosure | kTuple))
          return fail(in, "the closure must be a tuple of cells (BUILD_TUPLE of LOAD_CLOSUREs)");
        if (c.extra != nfree)
          return fail(in, "the closure has " + (c.extra < 0 ? std::string("an unknown number of") : std::to_string(c.extra)) +
                              " cells but the code has " + std::to_string(nfree) +
                              " free variables");
      } else if (nfree) {
        return fail(in, "the code has free variables, so MAKE_FUNCTION needs the closure flag "
                        "and a tuple of " + std::to_string(nfree) + " cells");
      }
      if (a & 4) next();
      if (a & 2) {
        if (!(next().kind & kDict)) return fail(in, "function keyword defaults must be a dict");
      }
      if (a & 1) {
        if (!(next().kind & kTuple)) return fail(in, "function defaults must be a tuple");
      }
      nfree = 0;
    }
    bool trusted = false;
    // A pyc's argcount is anything up to 2^31: only named parameters count.
    int64_t nparams = std::min<int64_t>(o->code->argcount,
                                        static_cast<int64_t>(o->code->varnames.size()));
    for (int64_t p = 0; p < nparams; ++p)
      trusted |= trusted_param_of(*o->code, static_cast<uint32_t>(p)) != 0;
    pushed.push_back({(nfree ? kFuncPending : kFunc) | (trusted ? kFuncTrusted : 0u), code.extra});
    return true;
  }

  // A function whose code has trusted parameters (a comprehension's `.0`,
  // ...) is used: only as the callable of a plain call, directly, with
  // exactly its positional parameters, each trusted one given what it
  // trusts. Anything else (stored, returned, passed, given defaults) could
  // hand it a value that crashes CPython, as the compiler never does.
  bool trusted_call(const Instr& in, const OpInfo& op, int k, int pops, const State& s) {
    auto top = [&](int j) -> const Slot& {
      return s.stack[s.stack.size() - 1 - static_cast<size_t>(j)];
    };
    const Slot& fn = top(k);
    const Object* o = const_at(fn.extra);
    Name n = id(in);
    bool call = n == Name::CallFunction || n == Name::Call || n == Name::CallMethod;
    bool callable = k == pops - 1 || (k == pops - 2 && top(pops - 1).kind == kNull);
    auto bad = [&](const std::string& why) {
      return fail(in, std::string(op.name) + " uses a function of code with compiler-only "
                      "parameters (.0, .defaults, .kwdefaults): " + why);
    };
    if (!call || !callable || (fn.kind & kFuncPending) || !o || o->kind != ObjKind::Code)
      return bad("it may only be called at once, as the compiler does");
    const Code& callee = *o->code;
    std::vector<const Slot*> args;
    for (int j = k - 1; j >= 0; --j) {
      if (top(j).kind == kNull) continue;  // 3.13's self-or-NULL slot
      args.push_back(&top(j));
    }
    if (static_cast<int64_t>(args.size()) != callee.argcount)
      return bad("it must be given exactly its " + std::to_string(callee.argcount) +
                 " positional arguments");
    for (size_t p = 0; p < args.size(); ++p) {
      uint16_t want = trusted_param_of(callee, static_cast<uint32_t>(p));
      if (want && args[p]->kind != want)
        return bad("its parameter " + callee.varnames[p] + " must be given " +
                   (want == kIter ? "an iterator (GET_ITER)" : want == kTuple ? "a tuple" : "a dict") +
                   " on every path");
    }
    return true;
  }

  const Code& code_;
  const OpcodeTable& table_;
  const verifier::Rules& rules_;
  const verifier::Names& names_;
  const verifier::Plains* plains_ = nullptr;  // for this code (dotted_ or not)
  const SourceFile& file_;
  Diagnostics& diags_;
  int minor_;
  Scratch& sc_;
  size_t nlocals_ = 0;  // 3.11+: localsplus slots
  bool ok_ = true;
  int max_depth_ = 0;
  bool dotted_ = false;  // a parameter's name starts with '.' (trusted_param)
  bool loops_back_ = false;  // 3.10+: an edge back that does not interrupt (edge())
  // The handler state exception_edges last merged this walk's state into,
  // or -1 (3.8+); it holds what another edge to it would bring as long as
  // the blocks (3.8-3.10), the locals (3.11+) and the stack below
  // `merged_level_` are as they were (forget_merged when they may change).
  int32_t merged_ = -1;
  size_t merged_level_ = 0;
  uint32_t merged_entry_ = 0;  // 3.11+: the exception entry of merged_
};

bool verify_tree(const Code& code, const SourceFile& file, Diagnostics& diags, int& budget,
                 Scratch& scratch, bool nested = true) {
  bool ok = true;
  ok = Verifier(code, file, diags, scratch).run();
  if (!nested) return ok;
  for (const ObjectPtr& c : code.consts)
    if (c->kind == ObjKind::Code && --budget > 0)
      ok &= verify_tree(*c->code, file, diags, budget, scratch);
  return ok;
}

}  // namespace

bool verify(const Code& code, const SourceFile& file, Diagnostics& diags) {
  int budget = 1 << 20;
  Scratch scratch;
  return verify_tree(code, file, diags, budget, scratch);
}

bool verifier::verify(const Code& code, const SourceFile& file, Diagnostics& diags, bool plain,
                      bool nested) {
  int budget = 1 << 20;
  Scratch scratch;
  scratch.stepwise = !plain;
  return verify_tree(code, file, diags, budget, scratch, nested);
}

}  // namespace pyasm
