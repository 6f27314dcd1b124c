// The disassembler's text: the decisions of disasm.cpp written out as
// .pyasm, laid out like py2pyasm's mirrors (and `dis`): directives at the
// block's indentation, instructions one step in with an aligned operand
// column, labels L1..Ln, nested blocks just before the instruction that
// first loads them, the exception table at the end.
#include <algorithm>
#include <charconv>
#include <cstdio>
#include <map>
#include <unordered_set>

#include "disasm_impl.hpp"
#include "pyasm/marshal.hpp"

namespace pyasm::disasm {

namespace {

constexpr int kOpWidth = 20;       // opcode column
constexpr int kOperandWidth = 20;  // operand column, before a comment
constexpr size_t kNotesPerLine = 8;

const char* const kFlagNames[] = {"OPTIMIZED", "NEWLOCALS", "VARARGS",   "VARKEYWORDS",
                                  "NESTED",    "GENERATOR", "NOFREE",    "COROUTINE",
                                  "ITERABLE_COROUTINE",     "ASYNC_GENERATOR"};

std::string flags_text(uint32_t flags) {
  if (flags >> 10) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%x", flags);
    return buf;
  }
  std::string out;
  for (int b = 0; b < 10; ++b)
    if (flags & (1u << b)) out += (out.empty() ? "" : " ") + std::string(kFlagNames[b]);
  return out.empty() ? "0" : out;
}

std::string quoted(const std::string& s) { return repr(*Object::str(s)); }

bool is_function(const View& v) { return v.parent && (v.orig->flags & kOptimized); }

bool is_comprehension(const std::string& n) {
  return n == "<listcomp>" || n == "<setcomp>" || n == "<dictcomp>" || n == "<genexpr>";
}

// The resolver's defaults (resolver.cpp set_defaults), from what the
// enclosing blocks resolve to: the values they were read with.
uint32_t default_flags(const View& v) {
  const Code& c = *v.orig;
  uint32_t f = 0;
  if (v.parent) {
    f = kOptimized | kNewLocals;
    if (v.signature) f |= c.flags & (kVarArgs | kVarKeywords);
    for (const View* p = v.parent; p; p = p->parent)
      if (is_function(*p)) f |= kNested;
    const OpcodeTable& t = *opcode_table(c.version);
    for (const Instr& in : v.ir.instrs) {
      std::string_view n = t.find(in.opcode)->name;
      if (n == "YIELD_VALUE" || n == "YIELD_FROM" || n == "RETURN_GENERATOR") f |= kGenerator;
    }
  }
  if (!c.version.at_least(11) && c.cellvars.empty() && c.freevars.empty()) f |= kNoFree;
  return f;
}

std::string default_qualname(const View& v) {
  const View* p = v.parent;
  if (!p || !p->parent) return v.orig->name;
  bool locals = is_function(*p) && !is_comprehension(p->orig->name);
  return p->orig->qualname + (locals ? ".<locals>." : ".") + v.orig->name;
}

std::string chain(const View& v) {
  if (!v.parent) return "<module>";
  return v.parent->parent ? chain(*v.parent) + "." + v.id : v.id;
}

std::string signature_text(const View& v) {
  const Code& c = *v.orig;
  std::vector<std::string> parts;
  size_t i = 0;
  for (; i < static_cast<size_t>(c.argcount); ++i) {
    parts.push_back(format_name(c.varnames[i]));
    if (c.posonlyargcount && i + 1 == static_cast<size_t>(c.posonlyargcount)) parts.push_back("/");
  }
  size_t kw_end = i + c.kwonlyargcount;
  if (c.flags & kVarArgs)
    parts.push_back("*" + c.varnames[kw_end]);
  else if (c.kwonlyargcount)
    parts.push_back("*");
  for (; i < kw_end; ++i) parts.push_back(format_name(c.varnames[i]));
  if (c.flags & kVarKeywords) parts.push_back("**" + c.varnames[kw_end + ((c.flags & kVarArgs) ? 1 : 0)]);
  if (parts.empty()) return "";
  std::string out = "(";
  for (size_t k = 0; k < parts.size(); ++k) out += (k ? ", " : "") + parts[k];
  return out + ")";
}

// One `.line` directive: its operand, before instruction `instr` (index n:
// after the last one), and the line it sets (-1 for `none`).
struct LineMark {
  size_t instr;
  int line;
  std::string text;
};

void append_int(std::string& out, long v) {
  char buf[24];
  out.append(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
}

// The `.line` directives of a block, in order, from the decoded line
// information.
std::vector<LineMark> line_marks(const View& v) {
  const Code& ir = v.ir;
  size_t n = ir.instrs.size();
  std::vector<LineMark> out;
  if (!v.lines_ok) return out;
  if (!ir.version.at_least(10)) {
    for (const LineEvent& e : ir.line_events) {
      out.push_back({static_cast<size_t>(e.instr), e.line, {}});
      append_int(out.back().text, e.line);
    }
    // Stable: the events of one instruction keep their order.
    std::stable_sort(out.begin(), out.end(),
                     [](const LineMark& a, const LineMark& b) { return a.instr < b.instr; });
    return out;
  }
  Location prev;
  for (size_t i = 0; i < n; ++i) {
    const Location& l = ir.instrs[i].loc;
    bool start = ir.version.at_least(11) ? !(l == prev) : ir.instrs[i].line_start;
    prev = l;
    if (!start) continue;
    out.push_back({i, l.line < 0 ? -1 : l.line, {}});
    std::string& t = out.back().text;
    if (l.line < 0) {
      t = "none";
      continue;
    }
    append_int(t, l.line);
    if (l.col < 0) continue;
    t += ':';
    append_int(t, l.col);
    t += '-';
    if (l.end_line != l.line) {
      append_int(t, l.end_line);
      t += ':';
    }
    append_int(t, l.end_col);
  }
  return out;
}

class Printer {
 public:
  // `prepare` makes a code object's printing decisions just before its
  // block is printed, `done` drops them once the block (its nested blocks
  // included) is written: only the blocks open at one time hold them.
  Printer(DisasmStats* stats, const BlockHook& prepare, const BlockHook& done)
      : stats_(stats), prepare_(prepare), done_(done) {}
  // No shrink_to_fit: the capacity beyond the size was never written, so it
  // costs address space, not resident memory, and shrinking is a copy of
  // the whole text while both are alive (the peak of a large disassembly).
  std::string take() { return std::move(out_); }
  void reserve(size_t n) { out_.reserve(n); }

  void emit(int depth, const std::string& s) {
    out_.append(4 * depth, ' ');
    out_ += s;
    out_ += '\n';
  }

  // An instruction line, its columns padded in place (no temporaries: the
  // printer writes a few million of these).
  void emit_instr(int depth, std::string_view name, std::string_view text,
                  std::string_view comment) {
    size_t start = out_.size() + 4 * depth;
    out_.append(4 * depth, ' ');
    out_ += name;
    if (!text.empty()) {
      pad_to(start + kOpWidth);
      out_ += ' ';
      out_ += text;
    }
    if (!comment.empty()) {
      pad_to(start + kOpWidth + 1 + kOperandWidth);
      out_ += "  # ";
      out_ += comment;
    }
    out_ += '\n';
  }

  // A block's directives, body and exception table; `parent_line` is the
  // enclosing block's current line, its default co_firstlineno.
  void block(const View& v, int depth, int parent_line) {
    std::vector<LineMark> lines = line_marks(v);
    header(v, depth, lines, parent_line);
    body(v, depth, lines);
    for (const ExceptionEntry& e : v.ir.exceptions)
      emit(depth, ".except " + v.label(e.start) + " " + v.label(e.end) + " " +
                      v.label(e.handler) + " depth " + std::to_string(e.depth) +
                      (e.lasti ? " lasti" : ""));
    marshal_notes(v, depth);
  }

 private:
  void header(const View& v, int depth, const std::vector<LineMark>& lines, int parent_line);
  void tables(const View& v, int depth);
  void marshal_notes(const View& v, int depth);
  void body(const View& v, int depth, const std::vector<LineMark>& lines);
  // A nested code object's block. Its decisions are made before its
  // `.code` line (which shows the signature) and dropped once it is written.
  void child(View& c, int depth, int parent_line) {
    prepare_(c);
    out_ += '\n';
    emit(depth, ".code " + c.id + (c.signature ? signature_text(c) : ""));
    block(c, depth + 1, parent_line);
    emit(depth, ".end");
    out_ += '\n';
    done_(c);
  }

  void pad_to(size_t column) {
    if (out_.size() < column) out_.append(column - out_.size(), ' ');
  }

  std::string out_;
  DisasmStats* stats_;
  const BlockHook& prepare_;
  const BlockHook& done_;
};

void Printer::header(const View& v, int depth, const std::vector<LineMark>& lines,
                     int parent_line) {
  const Code& c = *v.orig;
  Force f = v.force;
  if (c.name != (v.parent ? v.id : "<module>") || f.name) emit(depth, ".name " + quoted(c.name));
  if (c.version.at_least(11) && (c.qualname != default_qualname(v) || f.qualname))
    emit(depth, ".qualname " + quoted(c.qualname));
  if (v.parent && (c.filename != v.parent->orig->filename || f.filename))
    emit(depth, ".filename " + quoted(c.filename));
  if (c.flags != default_flags(v) || f.flags) emit(depth, ".flags " + flags_text(c.flags));
  if (!v.signature) {
    if (c.argcount || f.counts) emit(depth, ".argcount " + std::to_string(c.argcount));
    if (c.version.at_least(8) && (c.posonlyargcount || f.counts))
      emit(depth, ".posonlyargcount " + std::to_string(c.posonlyargcount));
    if (c.kwonlyargcount || f.counts)
      emit(depth, ".kwonlyargcount " + std::to_string(c.kwonlyargcount));
  }
  // co_firstlineno: the first `.line`, else the enclosing block's line, else
  // 1; a 3.10+ module always 1.
  int first = -1;
  for (const LineMark& m : lines)
    if (first < 0 && m.line >= 0) first = m.line;
  if (first < 0) first = parent_line > 0 ? parent_line : 1;
  if (!v.parent && c.version.at_least(10)) first = 1;
  if (c.firstlineno != first || f.firstlineno)
    emit(depth, ".firstlineno " + std::to_string(c.firstlineno));
  if (c.nlocals_override && *c.nlocals_override != static_cast<int>(c.varnames.size()))
    emit(depth, ".nlocals " + std::to_string(*c.nlocals_override));
  if (v.stacksize) {
    bool below = *v.stacksize < v.computed_stacksize;
    std::string why = v.stacksize_reason.empty() ? "" : ": " + v.stacksize_reason;
    emit(depth, ".stacksize " + std::to_string(*v.stacksize) + (below ? " unchecked" : "") +
                    "    # pyasm computes " + std::to_string(v.computed_stacksize) + why);
    if (stats_)
      stats_->stacksizes.push_back(
          {chain(v), v.computed_stacksize, *v.stacksize, v.stacksize_reason});
  }
  tables(v, depth);
  if (!v.lines_ok)
    emit(depth, std::string(c.version.at_least(10) ? ".linetable " : ".lnotab ") +
                    repr(*Object::bytes(c.linetable)));
  if (c.version.at_least(11) && !v.exceptions_ok)
    emit(depth, ".exceptiontable " + repr(*Object::bytes(c.exceptiontable)));
}

// Marshal notes come last: they matter to the bytes, not to the reader.
void Printer::marshal_notes(const View& v, int depth) {
  const std::vector<MarshalNote>& notes = v.orig->marshal_notes;
  for (size_t i = 0; i < notes.size(); i += kNotesPerLine) {
    std::vector<MarshalNote> some(notes.begin() + i,
                                  notes.begin() + std::min(i + kNotesPerLine, notes.size()));
    emit(depth, ".marshal " + quoted(format_marshal_notes(some)));
  }
}

void Printer::tables(const View& v, int depth) {
  const Code& c = *v.orig;
  if (v.consts) {
    std::string s;
    const auto& texts = v.lookups.const_texts;  // made by format_operands
    for (size_t i = 0; i < *v.consts; ++i) {
      if (i) s += ", ";
      s += texts[i] ? *texts[i] : format_const(*c.consts[i], v);
    }
    emit(depth, ".consts " + s);
  }
  if (v.names) emit(depth, ".names " + format_name_list(c.names, *v.names));
  if (v.varnames) emit(depth, ".varnames " + format_name_list(c.varnames, *v.varnames));
  if (v.cellvars) emit(depth, ".cellvars " + format_name_list(c.cellvars, *v.cellvars));
  if (!c.freevars.empty())
    emit(depth, ".freevars " + format_name_list(c.freevars, c.freevars.size()));
  if (!c.hidden.empty()) emit(depth, ".hidden " + format_name_list(c.hidden, c.hidden.size()));
}

void Printer::body(const View& v, int depth, const std::vector<LineMark>& lines) {
  const OpcodeTable& t = *opcode_table(v.ir.version);
  const Code& c = *v.orig;
  std::map<const Code*, View*> child_of;
  for (const auto& k : v.children) child_of[k->orig] = k.get();
  std::unordered_set<const View*> placed;
  int line = -1;  // the block's current line, as the resolver tracks it
  size_t mark = 0;  // the next of `lines`
  auto emit_lines = [&](size_t before) {
    for (; mark < lines.size() && lines[mark].instr == before; ++mark) {
      out_.append(4 * depth, ' ');
      out_ += ".line ";
      out_ += lines[mark].text;
      out_ += '\n';
      line = lines[mark].line;
    }
  };
  for (size_t i = 0; i < v.ir.instrs.size(); ++i) {
    const Instr& in = v.ir.instrs[i];
    const OpInfo& op = *t.find(in.opcode);
    // A nested block goes just before the instruction that first loads it.
    if (op.kind == ArgKind::Const && in.arg < c.consts.size()) {
      const Object& k = *c.consts[in.arg];
      if (k.kind == ObjKind::Code) {
        auto it = child_of.find(k.code.get());
        if (it != child_of.end() && placed.insert(it->second).second)
          child(*it->second, depth, line);
      }
    }
    if (v.labels[i]) emit(depth, v.label(i) + ":");
    emit_lines(i);
    for (int k = 0; k < v.prefixes[i]; ++k) emit(depth + 1, "EXTENDED_ARG");
    emit_instr(depth + 1, op.name, v.text(v.operands[i]), v.comment(v.operands[i]));
  }
  size_t n = v.ir.instrs.size();
  if (v.labels[n]) emit(depth, v.label(n) + ":");
  emit_lines(n);
  for (const auto& k : v.children)
    if (placed.insert(k.get()).second) child(*k, depth, line);
}

}  // namespace

std::string print_module(View& module, const Pyc& pyc, DisasmStats* stats,
                         const BlockHook& prepare, const BlockHook& done) {
  Printer p(stats, prepare, done);
  // The text is 1 to 9 times the pyc (4.4 for the median stdlib pyc).
  // Reserved at 12 times (for pycs up to 64 MB), it never moves while it
  // grows, and the part never written stays out of resident memory
  // (docs/performance.md).
  p.reserve(std::min<size_t>(pyc.file_size, size_t{64} << 20) * 12);
  const PycHeader& h = pyc.header;
  p.emit(0, ".python " + pyc.version.str());
  std::string pyc_line;
  char buf[64];
  if (h.flags & 1) {
    std::snprintf(buf, sizeof buf, "0x%016llx", static_cast<unsigned long long>(h.source_hash));
    pyc_line = std::string(h.flags & 2 ? "checked-hash " : "unchecked-hash ") + buf;
  } else {
    pyc_line = "timestamp " + std::to_string(h.mtime) + " " + std::to_string(h.source_size);
  }
  uint32_t usual = h.flags & 1 ? (h.flags & 2 ? 3 : 1) : 0;
  if (h.flags != usual) pyc_line += " flags " + std::to_string(h.flags);
  p.emit(0, ".pyc " + pyc_line);
  p.emit(0, ".filename " + quoted(module.orig->filename));
  prepare(module);
  p.block(module, 0, -1);
  done(module);
  return p.take();
}

}  // namespace pyasm::disasm
