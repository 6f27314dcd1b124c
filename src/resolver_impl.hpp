// The resolver's internals, shared by resolver.cpp (blocks, instructions,
// finalisation) and directives.cpp (directive handlers). Internal.
#pragma once

#include <array>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "operands.hpp"
#include "pyasm/assembler.hpp"

namespace pyasm::detail {

struct PendingInstr {
  // The statement's operands and offset (not the statement: the parser's
  // copy is gone once it is fed, and copying each into the arena cost more).
  // The operands (a span's pointer and size apart, for 64 bytes in all).
  const Expr* const* args_data;
  const OpInfo* op;
  // The Code's instruction as far as it is known here (all but the oparg
  // and the target): resolve_instrs copies it whole rather than field by
  // field. `src` is the statement's offset.
  Instr proto;
  // The EXTENDED_ARG lines written before it: Block::prefixes[prefix_begin,
  // prefix_begin + prefix_count), kept in one vector for the whole block.
  uint32_t prefix_begin;
  uint32_t prefix_count;
  int region;  // innermost .try region or -1
  uint32_t args_size;
  std::span<const Expr* const> args() const { return {args_data, args_size}; }
};
static_assert(sizeof(PendingInstr) == 64);

// Where an exception goes: `HANDLER [depth N] [lasti]`.
struct HandlerSpec {
  std::string label;
  uint32_t at = 0;
  int depth = 0;
  bool lasti = false;
};

// `.except START END HANDLER ...`: an explicit exception-table entry.
struct PendingExcept {
  uint32_t src;
  std::string start, end;
  uint32_t start_at, end_at;
  HandlerSpec handler;
};

// `.try HANDLER ...` ... `.endtry`: a protected region.
struct TryRegion {
  uint32_t src;
  HandlerSpec handler;
};

struct Block {
  std::string id;
  uint32_t offset = 0;
  Block* parent = nullptr;
  std::shared_ptr<Code> code = std::make_shared<Code>();
  bool is_module = false;
  bool saw_instruction = false;  // even one that failed to resolve
  bool yields = false;           // has an instruction that makes a function a generator
  bool flags_set = false, firstline_set = false, name_set = false, qualname_set = false;
  bool argcount_set = false, kwonly_set = false, posonly_set = false;
  bool consts_fixed = false, names_fixed = false, varnames_fixed = false, cellvars_fixed = false;
  bool pyc_set = false, nlocals_set = false, stacksize_unchecked = false;
  std::optional<uint32_t> first_line_at;  // the first `.line`, for the raw-table check
  std::vector<const Expr*> explicit_consts;
  std::vector<std::string> signature;  // argument names from `.code f(...)`
  uint32_t sig_flags = 0;              // VARARGS / VARKEYWORDS from the signature
  std::vector<PendingInstr> instrs;
  LabelTable labels;
  // Every EXTENDED_ARG line of the block; those from `prefixes_taken` on
  // are the ones so far of the next instruction.
  std::vector<const Statement*> prefixes;
  size_t prefixes_taken = 0;
  size_t labels_before_prefixes = 0;
  Location loc;
  bool line_pending = false;
  std::optional<int> first_line;
  // Up to 3.9 (later line tables are made from each instruction's
  // location): where the block's `.line` events start in the resolver's
  // line_events_, which holds those of the open blocks, innermost last.
  size_t line_events_begin = 0;
  std::vector<PendingExcept> excepts;
  std::vector<TryRegion> regions;  // every .try of the block
  std::vector<int> open_regions;   // indices into regions, innermost last
  CodeRefs children;
  // Streaming (parse_and_resolve): where the block's own statements and
  // nodes start in the resolver's arena; released once it is finalised.
  Arena::Mark mark{};
};

std::vector<std::string_view> directive_names();

class Resolver {
 public:
  Resolver(const SourceFile& file, Version v, Diagnostics& diags,
           const BlockDone* done = nullptr)
      : sink_{file, diags}, table_(*opcode_table(v)), version_(v), done_(done) {
    for (std::string_view name : {"YIELD_VALUE", "YIELD_FROM", "RETURN_GENERATOR"})
      if (const OpInfo* op = table_.find(name)) generator_op_[op->code] = true;
    if (version_.at_least(11)) cache_op_ = table_.find("CACHE");
  }

  std::shared_ptr<const Code> run(const Module& m);

  // Streaming, as the parser goes: begin(), feed() every statement in
  // order, finish(). feed() copies what it keeps into the current block's
  // arena(), where the parser also puts the next line's nodes.
  void begin();
  void feed(const Statement& st);
  Arena& arena() { return aborted_ ? scratch_ : arena_; }
  std::shared_ptr<const Code> finish();

 private:
  void statement(const Statement& st);
  void label(const Statement& st);
  void instruction(const Statement& st);
  [[gnu::noinline]] void other_instruction(const Statement& st, const OpInfo* op);
  [[gnu::noinline]] void long_instruction(const Statement& st);
  void directive(const Statement& st);
  void open_block(const Statement& st);
  void close_block(uint32_t at);
  std::shared_ptr<Code> finalize(Block& b);
  void resolve_instrs(Block& b, Tables& tables, bool collect, bool& ok);
  void set_defaults(Block& b);
  bool check_signature(Block& b);
  void unknown_opcode(const Statement& st);

  // Directive helpers.
  std::optional<int> int_arg(const Statement& st, int min = 0);
  std::optional<std::string> str_arg(const Statement& st);
  std::optional<std::vector<std::string>> name_list(const Statement& st);
  void line_directive(const Statement& st);
  [[gnu::noinline]] void other_line_directive(const Statement& st);
  void flags_directive(const Statement& st);
  void except_directive(const Statement& st);
  void try_directive(const Statement& st);
  bool handler_tail(const std::vector<const Expr*>& words, size_t i, HandlerSpec& spec,
                    const char* usage);
  void build_exception_table(Block& b);
  bool check_prefixes(Block& b);
  std::span<const Statement* const> prefixes_of(const Block& b, const PendingInstr& pi) const {
    return std::span<const Statement* const>(b.prefixes).subspan(pi.prefix_begin, pi.prefix_count);
  }
  std::optional<ExceptionEntry> entry_for(Block& b, int start, int end, const HandlerSpec& h,
                                          uint32_t src);
  void table_directive(const Statement& st);
  void pyc_directive(const Statement& st);
  void raw_table_directive(const Statement& st);
  void stacksize_directive(const Statement& st);
  void marshal_directive(const Statement& st);
  bool check_raw_tables(Block& b);

  Block& cur() { return *stack_.back(); }
  void error(uint32_t at, std::string msg) { sink_.error(at, std::move(msg)); }

  Sink sink_;
  const OpcodeTable& table_;
  Version version_;
  // By opcode: the instructions that make a function a generator (see
  // set_defaults), looked up as each instruction is read.
  std::array<bool, 256> generator_op_{};
  const OpInfo* cache_op_ = nullptr;  // CACHE, which is not written (3.11+)
  std::vector<std::unique_ptr<Block>> stack_;
  const BlockDone* done_;  // see parse_and_resolve
  bool aborted_ = false;  // an error that makes going on pointless
  Arena arena_;           // streaming: the open blocks' nodes, innermost last
  Arena scratch_;         // nodes of lines that are not resolved (after aborting)
  // The instruction lists of finalised blocks, emptied, for the next blocks
  // to open (the last first): most blocks are small and follow one another,
  // so they grow a few vectors rather than each their own. Kept only up to
  // kSpareInstrs entries each, and kSpares of them (one per level of the
  // nesting that is common: a class, its methods, their closures).
  std::vector<std::vector<PendingInstr>> spare_instrs_;
  static constexpr size_t kSpareInstrs = 1024, kSpares = 4;
  // The indexes of the block being finalised (one at a time: a child is
  // finalised before its parent's .end is read), reused from block to block.
  Tables tables_;
  // The instructions of that block whose opargs need the final tables
  // (ResolvedOperand::again), by index: the second pass looks at no other.
  std::vector<uint32_t> again_;
  // The open blocks' line events (see Block::line_events_begin): one
  // vector grows rather than one per block.
  std::vector<LineEvent> line_events_;
  std::string qualname_;  // set_defaults' scratch
};

}  // namespace pyasm::detail
