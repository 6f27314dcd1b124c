// The disassembler: a pyc's code objects to .pyasm text. Each code object
// is decoded into the assembler's IR, and every choice of what to write is
// made by asking pyasm itself what it would do with less: the encoder for
// EXTENDED_ARG prefixes and the line and exception tables, compute_stacksize
// for co_stacksize, the resolver's first-use rule for the tables and its
// defaults for the attributes. Finally the text is assembled again and
// whatever still differs is written out in full (disasm_verify.cpp).
#include <algorithm>
#include <unordered_set>

#include "disasm_impl.hpp"
#include "linetable_decode.hpp"
#include "pyasm/assembler.hpp"

namespace pyasm::disasm {

namespace {

int prefixes_for(uint32_t arg) {
  return arg > 0xFFFFFF ? 3 : arg > 0xFFFF ? 2 : arg > 0xFF ? 1 : 0;
}

// The code objects among `c`'s constants (also inside tuples), each once.
std::vector<const Code*> nested_codes(const Code& c) {
  std::vector<const Code*> out;
  std::unordered_set<const Code*> seen;
  std::vector<const Object*> todo;
  for (const ObjectPtr& k : c.consts) todo.push_back(k.get());
  for (size_t i = 0; i < todo.size(); ++i) {
    const Object* o = todo[i];
    for (const ObjectPtr& item : o->items) todo.push_back(item.get());
    if (o->kind == ObjKind::Code && o->code && seen.insert(o->code.get()).second)
      out.push_back(o->code.get());
  }
  return out;
}

// A block ID from co_name: its letters, digits and underscores.
std::string id_from_name(const std::string& name) {
  std::string id;
  for (unsigned char c : name)
    if (std::isalnum(c) || c == '_') id += static_cast<char>(c);
    else if (!id.empty() && id.back() != '_') id += '_';
  while (!id.empty() && id.back() == '_') id.pop_back();
  if (id.empty() || std::isdigit(static_cast<unsigned char>(id[0]))) id = "code_" + id;
  return id;
}

// The part of `c` that View::ir holds: what the decoders read and what the
// disassembler reads back through `ir` (the version, flags and first line;
// the decoded instructions, exception entries and line events). Constants,
// names and strings are read from View::orig: copying the whole Code cost
// an allocation per name and, at the disassembler's peak, a second copy of
// every code object's bytes.
Code decoding_copy(const Code& c) {
  Code ir;
  ir.version = c.version;
  ir.flags = c.flags;
  ir.firstlineno = c.firstlineno;
  ir.name = c.name;  // for the decoders' errors
  ir.code_offset = c.code_offset;
  ir.exctable_offset = c.exctable_offset;
  ir.code_bytes = c.code_bytes;
  ir.exceptiontable = c.exceptiontable;
  ir.linetable = c.linetable;  // decoded with the block's decisions
  return ir;
}

std::unique_ptr<View> build_view(const Code& c, View* parent, const std::string& file,
                                 Diagnostics& diags) {
  auto v = std::make_unique<View>();
  v->orig = &c;
  v->parent = parent;
  v->id = parent ? c.block_id : "";
  v->ir = decoding_copy(c);
  if (!decode_instructions(v->ir, file, diags)) return nullptr;
  // Decoded: only the line table is read again.
  std::string().swap(v->ir.code_bytes);
  std::string().swap(v->ir.exceptiontable);
  std::unordered_set<std::string> ids;
  for (const Code* k : nested_codes(c)) {
    auto child = build_view(*k, v.get(), file, diags);
    if (!child) return nullptr;
    // read_pyc names every block; a Code built otherwise gets a name here.
    std::string base = child->id.empty() ? id_from_name(k->name) : child->id, id = base;
    for (int n = 2; !ids.insert(id).second; ++n) id = base + "_" + std::to_string(n);
    child->id = id;
    v->children.push_back(std::move(child));
  }
  return v;
}

// The IR as the printed text would give it to the encoder, encoded into
// `c`: only what encode_bytes reads is copied (and `c`'s storage is reused).
void encode_as_printed(const View& v, const std::vector<uint8_t>& prefixes, Code& c) {
  c.version = v.ir.version;
  c.firstlineno = v.ir.firstlineno;
  c.instrs = v.ir.instrs;
  for (size_t i = 0; i < c.instrs.size(); ++i) c.instrs[i].prefixes = prefixes[i];
  c.line_events = v.ir.line_events;
  c.raw_linetable.reset();
  c.raw_exceptiontable.reset();
  c.exceptions = v.ir.exceptions;
  std::stable_sort(c.exceptions.begin(), c.exceptions.end(),
                   [](const auto& x, const auto& y) { return x.start < y.start; });
  SourceFile file{"", ""};
  Diagnostics scratch;
  encode_bytes(c, file, scratch);
}

// EXTENDED_ARG prefixes: only those pyasm would not insert by itself, if
// that gives the pyc's co_code; else those of every jump; else all.
void choose_prefixes(View& v, Code& encoded) {
  const OpcodeTable& t = *opcode_table(v.ir.version);
  const auto& ins = v.ir.instrs;
  size_t n = ins.size();
  for (int tier = v.force.prefixes ? 2 : 0; tier <= 2; ++tier) {
    v.prefixes.assign(n, 0);
    for (size_t i = 0; i < n; ++i) {
      bool jump = t.find(ins[i].opcode)->jumps();
      bool extra = ins[i].prefixes > prefixes_for(ins[i].arg);
      if (extra || (tier >= 1 && jump) || tier == 2) v.prefixes[i] = ins[i].prefixes;
    }
    encode_as_printed(v, v.prefixes, encoded);
    if (encoded.code_bytes == v.orig->code_bytes) return;
  }
}

// `encoded`: scratch for the trial encodings.
void choose_tables_layout(View& v, Code& encoded) {
  v.lines_ok = !v.force.lines && decode_line_info(v.ir);
  choose_prefixes(v, encoded);
  v.lines_ok = v.lines_ok && encoded.linetable == v.orig->linetable;
  if (!v.ir.version.at_least(11)) return;
  bool overlap = false;
  for (size_t k = 1; k < encoded.exceptions.size(); ++k)
    overlap |= encoded.exceptions[k].start < encoded.exceptions[k - 1].end;
  v.exceptions_ok =
      !v.force.exceptions && !overlap && encoded.exceptiontable == v.orig->exceptiontable;
}

// L1, L2, ... on every jump target and exception-table boundary, in order.
void choose_labels(View& v) {
  const OpcodeTable& t = *opcode_table(v.ir.version);
  size_t n = v.ir.instrs.size();
  std::vector<bool> target(n + 1, false);
  for (const Instr& in : v.ir.instrs)
    if (t.find(in.opcode)->jumps()) target[in.target] = true;
  for (const ExceptionEntry& e : v.ir.exceptions)
    target[e.start] = target[e.end] = target[e.handler] = true;
  v.labels.assign(n + 1, 0);
  uint32_t next = 1;
  for (size_t i = 0; i <= n; ++i)
    if (target[i]) v.labels[i] = next++;
}

bool plain_ident(const std::string& s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  return std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '_' || c >= 0x80;
  });
}

// Whether `.code ID(sig)` can state the argument counts: the names must
// be there, and *args/**kwargs must be plain identifiers.
bool signature_fits(const Code& c) {
  if (c.argcount < 0 || c.kwonlyargcount < 0 || c.posonlyargcount < 0 ||
      c.posonlyargcount > c.argcount)
    return false;
  // In size_t: a hostile pyc's counts can overflow an int's sum.
  size_t star = static_cast<size_t>(c.argcount) + static_cast<size_t>(c.kwonlyargcount);
  size_t n = star + ((c.flags & kVarArgs) ? 1 : 0) + ((c.flags & kVarKeywords) ? 1 : 0);
  if (c.varnames.size() < n) return false;
  for (size_t i = star; i < n; ++i)
    if (!plain_ident(c.varnames[i])) return false;
  return true;
}

// What cannot be reached from the entry: 0 nothing, 1 some code, 2 an
// exception handler (a PUSH_EXC_INFO). CPython 3.11+ counts handlers, and
// the cleanup code after them, whose protected range turned out empty.
int unreachable(const Code& c) {
  const OpcodeTable& t = *opcode_table(c.version);
  size_t n = c.instrs.size();
  std::vector<bool> seen(n, false);
  std::vector<std::vector<int>> handlers(n);
  for (const ExceptionEntry& e : c.exceptions)
    for (int i = e.start; i < e.end; ++i) handlers[i].push_back(e.handler);
  std::vector<size_t> todo = {0};
  while (!todo.empty()) {
    size_t i = todo.back();
    todo.pop_back();
    if (i >= n || seen[i]) continue;
    seen[i] = true;
    const OpInfo& op = *t.find(c.instrs[i].opcode);
    if (!op.terminates()) todo.push_back(i + 1);
    if (op.jumps()) todo.push_back(static_cast<size_t>(c.instrs[i].target));
    for (int h : handlers[i]) todo.push_back(static_cast<size_t>(h));
  }
  int found = 0;
  for (size_t i = 0; i < n; ++i)
    if (!seen[i]) found = std::max(found, t.find(c.instrs[i].opcode)->name == "PUSH_EXC_INFO" ? 2 : 1);
  return found;
}

// Why CPython's co_stacksize is not what pyasm computes from the final code.
std::string stacksize_reason(const View& v) {
  Version ver = v.ir.version;
  bool less = v.computed_stacksize < v.orig->stacksize;
  if (v.computed_stacksize < 0) return "pyasm's analysis fails on this code";
  if (less && !ver.at_least(10)) return "CPython measured the code before its peephole pass";
  if (!less && !ver.at_least(7)) return "CPython 3.6 walks basic blocks and counts less";
  int dead = less && ver.at_least(11) ? unreachable(v.ir) : 0;
  if (dead == 2) return "CPython counted an exception handler that is unreachable";
  if (dead == 1) return "CPython counted code that is unreachable";
  return "unexplained";
}

void choose_stacksize(View& v) {
  SourceFile file{"", ""};
  Diagnostics scratch;
  int depth = compute_stacksize(v.ir, file, scratch);
  if (depth == 0 && v.ir.version.at_least(13)) depth = 1;  // as the encoder does
  v.computed_stacksize = depth;
  if (depth != v.orig->stacksize || v.force.stacksize) {
    v.stacksize = v.orig->stacksize;
    v.stacksize_reason = depth == v.orig->stacksize ? "" : stacksize_reason(v);
  }
}

// `encoded`: scratch for the trial encodings, shared by the whole tree.
// One code object: the printer calls it as it reaches the object's block.
void decide(View& v, const ForceMap& forces, Code& encoded) {
  auto f = forces.find(v.orig);
  v.force = f == forces.end() ? Force{} : f->second;
  choose_tables_layout(v, encoded);
  choose_labels(v);
  v.signature = !v.force.counts && signature_fits(*v.orig);
  format_operands(v);
  choose_tables(v);
  choose_stacksize(v);
}

// What only the printer needs goes once the code object's block is
// written: the next round's decide() makes it again.
void release_printing(View& v) {
  v.operands = std::vector<Operand>();  // (`= {}` would keep the capacity)
  v.operand_text = std::string();
  v.uses = std::vector<Use>();
  v.lookups = Lookups();
  v.labels = std::vector<uint32_t>();
}

void count(const View& v, DisasmStats& s) {
  ++s.code_objects;
  s.raw_linetables += !v.lines_ok;
  s.raw_exceptiontables += v.ir.version.at_least(11) && !v.exceptions_ok;
  for (uint8_t p : v.prefixes) s.written_prefixes += p > 0;
  s.forced += v.force.any();
  for (const auto& c : v.children) count(*c, s);
}

}  // namespace

}  // namespace pyasm::disasm

namespace pyasm {

std::optional<std::string> disassemble(const Pyc& pyc, const std::string& name,
                                       Diagnostics& diags, const DisasmOptions& options) {
  using namespace disasm;
  auto module = build_view(*pyc.code, nullptr, name, diags);
  if (!module) return std::nullopt;
  ForceMap forces;
  DisasmStats stats;
  std::string text;
  std::vector<std::string> problems;
  // Each round writes out what the previous one found pyasm's defaults got
  // wrong; a second or third round is rare.
  for (int round = 0; round < 4; ++round) {
    stats = DisasmStats{};
    Code encoded;
    // Each code object's decisions are made as the printer reaches it and
    // dropped once its block is written (memory: docs/performance.md).
    text = print_module(
        *module, pyc, &stats, [&](View& v) { decide(v, forces, encoded); }, release_printing);
    problems.clear();
    if (!options.verify) break;
    if ((stats.verified = verify(text, *module, forces, problems))) break;
  }
  count(*module, stats);
  stats.problems = problems;
  if (options.stats) *options.stats = stats;
  return text;
}

}  // namespace pyasm
