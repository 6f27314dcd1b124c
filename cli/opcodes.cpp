// pyasm opcodes: a version's opcode table at the terminal, or one opcode.
#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <iostream>
#include <memory>

#include "common.hpp"
#include "pyasm/assembler.hpp"
#include "pyasm/opcodes.hpp"

namespace pyasm::cli {

namespace {

struct OpcodesArgs {
  std::string python, name;
};

struct KindText {
  std::string_view name;  // the table's column
  std::string_view what;  // the details' line
};

// Indexed by ArgKind.
constexpr std::array<KindText, 20> kKinds = {{
    {"-", "none"},
    {"number", "a plain integer"},
    {"const", "a constant (co_consts index): a Python literal or @block"},
    {"name", "a name (co_names index)"},
    {"local", "a local variable (co_varnames; 3.11+: localsplus index)"},
    {"free", "a cell or free variable"},
    {"jump-forward", "a label, forward (relative jump)"},
    {"jump-backward", "a label, backward (relative jump, 3.11+)"},
    {"jump-absolute", "a label (absolute jump)"},
    {"compare", "a comparison operator: <, ==, in, is not, ..."},
    {"global-null", "a name, `NULL + name` to push NULL first ((index << 1) | bit)"},
    {"attr-method", "a name, `NULL|self + name` for a method load ((index << 1) | bit)"},
    {"super-attr", "as LOAD_ATTR, `, two_arg` for super(C, self)"},
    {"binary-op", "a binary operator: +, //=, ..."},
    {"intrinsic-1", "an intrinsic function name (CALL_INTRINSIC_1)"},
    {"intrinsic-2", "an intrinsic function name (CALL_INTRINSIC_2)"},
    {"function-flags", "function flags: defaults, kwdefaults, annotations, closure"},
    {"format-value", "a conversion (str, repr, ascii), `with format`"},
    {"convert-value", "a conversion: str, repr, ascii"},
    {"fast-pair", "two locals: `a, b` ((index1 << 4) | index2)"},
}};

std::string signed_num(int v) { return (v > 0 ? "+" : "") + std::to_string(v); }

// `k*term` added to what comes before it: "+arg", "-2*arg".
std::string times(int k, const std::string& term, bool first) {
  std::string sign = k < 0 ? "-" : first ? "" : "+";
  int m = k < 0 ? -k : k;
  return sign + (m == 1 ? "" : std::to_string(m) + "*") + term;
}

// A stack effect as a formula of the oparg `arg`, as StackEffect::eval
// computes it. One token, no spaces.
std::string effect_text(const StackEffect& e) {
  auto with = [&](const std::string& term) {
    if (e.k == 0) return signed_num(e.c);
    return (e.c == 0 ? "" : signed_num(e.c)) + times(e.k, term, e.c == 0);
  };
  switch (e.form) {
    case EffectForm::Const:
      return signed_num(e.c);
    case EffectForm::Linear:
      return with("arg");
    case EffectForm::Bit:
      return with(e.b == 0 ? "(arg&1)" : "((arg>>" + std::to_string(e.b) + ")&1)");
    case EffectForm::LowByte:
      return with("(arg&0xff)");
    case EffectForm::UnpackEx:
      return (e.c == 0 ? "" : signed_num(e.c) + "+") + "(arg&0xff)+(arg>>8)";
    case EffectForm::Slice:
      return signed_num(e.c) + "-(arg==3)";
    case EffectForm::PopCount:
      return with("popcount(arg&0xf)");
    case EffectForm::Invalid:
      return "invalid";
  }
  return "?";
}

std::string jump_text(const OpInfo& op) { return op.jumps() ? effect_text(op.jump) : "-"; }

void print_table(const OpcodeTable& t) {
  size_t width = 4;
  for (const OpInfo& op : t.ops) width = std::max(width, op.name.size());
  std::printf("CPython %s: %zu opcodes, pyc magic %u\n", t.version.str().c_str(), t.ops.size(),
              static_cast<unsigned>(t.magic));
  std::printf("%4s  %-*s  %-14s  %-18s  %-8s  %s\n", "code", static_cast<int>(width), "name",
              "argument", "stack effect", "on jump", "caches");
  for (const OpInfo& op : t.ops)
    std::printf("%4u  %-*s  %-14s  %-18s  %-8s  %u\n", static_cast<unsigned>(op.code),
                static_cast<int>(width), std::string(op.name).c_str(),
                std::string(kKinds[static_cast<size_t>(op.kind)].name).c_str(),
                effect_text(op.fall).c_str(), jump_text(op).c_str(),
                static_cast<unsigned>(op.caches));
  if (!t.not_in_pyc.empty())
    std::printf("(%zu more names are specialized, instrumented or pseudo-instructions that "
                "never appear in a pyc; `pyasm opcodes NAME` says what a pyc holds instead)\n",
                t.not_in_pyc.size());
}

// "3.6-3.10: 100, 3.11-3.13: 83": the opcode's number in every version.
std::string versions_text(std::string_view name) {
  std::string out;
  const OpcodeTable* run_start = nullptr;
  const OpcodeTable* prev = nullptr;
  int code = -1;
  auto flush = [&] {
    if (!run_start) return;
    if (!out.empty()) out += ", ";
    out += run_start->version.str();
    if (prev != run_start) out += "-" + prev->version.str();
    out += ": " + std::to_string(code);
  };
  for (const OpcodeTable* t : all_opcode_tables()) {
    const OpInfo* op = t->find(name);
    int c = op ? op->code : -1;
    if (c != code || !op) {
      flush();
      run_start = op ? t : nullptr;
    }
    code = c;
    prev = t;
  }
  flush();
  return out;
}

void print_details(const OpInfo& op, const OpcodeTable& t) {
  std::printf("%s (CPython %s)\n", std::string(op.name).c_str(), t.version.str().c_str());
  std::printf("  code:          %u (0x%02x)\n", static_cast<unsigned>(op.code),
              static_cast<unsigned>(op.code));
  std::printf("  argument:      %s\n",
              std::string(kKinds[static_cast<size_t>(op.kind)].what).c_str());
  std::printf("  stack effect:  %s%s\n", effect_text(op.fall).c_str(),
              op.jumps() ? " (not jumping)" : "");
  if (op.jumps())
    std::printf("  on jump:       %s%s\n", effect_text(op.jump).c_str(),
                op.follows_target() ? "" : " (the stack analysis does not follow the jump)");
  std::printf("  control:       %s\n", op.terminates() ? "does not fall through"
                                        : op.jumps()    ? "jumps or falls through"
                                                        : "falls through");
  std::printf("  inline caches: %u code units\n", static_cast<unsigned>(op.caches));
  std::printf("  in versions:   %s\n", versions_text(op.name).c_str());
}

// The assembler's own message for a name that is no opcode of `v` (what it
// is instead, or the nearest name): the one-line program it would reject.
std::string unknown_opcode_message(const std::string& name, Version v) {
  SourceFile file;
  file.name = "<opcodes>";
  file.text = ".python " + v.str() + "\n    " + name + "\n";
  Diagnostics diags;
  AssembleOptions opts;
  opts.verify = false;
  assemble(file, opts, diags);
  for (const Diagnostic& d : diags.all())
    if (d.severity == Severity::kError) return d.message;
  return "unknown opcode '" + name + "' for CPython " + v.str();
}

bool is_word(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

int opcodes(const OpcodesArgs& a) {
  bool color = DiagOptions{}.use_color();
  auto v = parse_python_option(a.python, color);
  if (!v.ok) return kUsage;
  if (!v.version) v.version = host_python_once();
  if (!v.version)
    return usage_error("no target version: give --python 3.X (there is no python3 on PATH)",
                       color);
  const OpcodeTable& t = *opcode_table(*v.version);
  if (a.name.empty()) {
    print_table(t);
    return kOk;
  }
  const OpInfo* op = t.find(a.name);
  bool number = a.name.size() <= 3 && std::all_of(a.name.begin(), a.name.end(), [](char c) {
                  return c >= '0' && c <= '9';
                });
  if (!op && number && std::stoi(a.name) < 256)
    op = t.find(static_cast<uint8_t>(std::stoi(a.name)));
  if (op) {
    print_details(*op, t);
    return kOk;
  }
  std::string msg = is_word(a.name) ? unknown_opcode_message(a.name, *v.version)
                                    : "'" + a.name + "' is not an opcode name";
  std::cerr << message(Severity::kError, msg, color);
  return kInputError;
}

}  // namespace

Command add_opcodes_command(CLI::App& app) {
  auto a = std::make_shared<OpcodesArgs>();
  CLI::App* o = app.add_subcommand(
      "opcodes", "Print a CPython version's opcode table, or the details of one opcode");
  o->add_option("name", a->name, "An opcode name (or number) to describe")->type_name("NAME");
  o->add_option("--python", a->python,
                "CPython version, e.g. 3.11 (default: the python3 on PATH)")
      ->type_name("3.X");
  o->footer(R"(
Examples:
  pyasm opcodes --python 3.11             3.11's table
  pyasm opcodes --python 3.12 LOAD_ATTR   one opcode: number, argument, stack effect, caches
  pyasm opcodes --python 3.8 100          the opcode numbered 100

Stack effects are what pyasm's co_stacksize analysis uses: the change in
stack depth when the instruction falls through, and when it jumps, as a
formula of its oparg `arg` (checked against dis.stack_effect of each CPython).
)");
  return {o, [a] { return opcodes(*a); }};
}

}  // namespace pyasm::cli
