// Prints pyasm's opcode table for one CPython version as JSON, with every op's
// stack effects as src/opcodes.cpp evaluates them, so that
// tests/check_stack_effects.py can hold them against dis.stack_effect.
//
//   dump_effects 3.11 0 1 2 256     (the opargs to evaluate; 0 when none are given)
//
// {"version": "3.11", "args": [0, 1, 2, 256], "ops": [
//   {"name": "POP_TOP", "code": 1, "has_arg": false, "jumps": false, "fall": [-1], "jump": [-1]},
//   ...]}
// An op without an argument is evaluated once, at oparg 0; an op with one at
// every oparg given, in order.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "pyasm/opcodes.hpp"
#include "pyasm/version.hpp"

namespace {

template <typename T>
std::string json_list(const std::vector<T>& xs) {
  std::string out = "[";
  for (size_t i = 0; i < xs.size(); ++i) out += (i ? ", " : "") + std::to_string(xs[i]);
  return out + "]";
}

void print_op(const pyasm::OpInfo& op, const std::vector<uint32_t>& args, bool last) {
  std::vector<int> fall, jump;
  const std::vector<uint32_t> none = {0};
  for (uint32_t a : op.has_arg() ? args : none) {
    fall.push_back(op.fall.eval(a));
    jump.push_back(op.jump.eval(a));
  }
  // Opcode names are identifiers: nothing in them needs escaping.
  std::printf("  {\"name\": \"%.*s\", \"code\": %d, \"has_arg\": %s, \"jumps\": %s, "
              "\"fall\": %s, \"jump\": %s}%s\n",
              static_cast<int>(op.name.size()), op.name.data(), op.code,
              op.has_arg() ? "true" : "false", op.jumps() ? "true" : "false",
              json_list(fall).c_str(), json_list(jump).c_str(), last ? "" : ",");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: dump_effects VERSION [OPARG ...]\n");
    return 2;
  }
  std::optional<pyasm::Version> v = pyasm::parse_version(argv[1]);
  const pyasm::OpcodeTable* table = v ? pyasm::opcode_table(*v) : nullptr;
  if (!table) {
    std::fprintf(stderr, "dump_effects: no opcode table for '%s' (pyasm has %s)\n", argv[1],
                 pyasm::supported_versions_text().c_str());
    return 2;
  }
  std::vector<uint32_t> args;
  for (int i = 2; i < argc; ++i) {
    char* end = nullptr;
    unsigned long a = std::strtoul(argv[i], &end, 0);
    if (!*argv[i] || *end || a > UINT32_MAX) {
      std::fprintf(stderr, "dump_effects: bad oparg '%s'\n", argv[i]);
      return 2;
    }
    args.push_back(static_cast<uint32_t>(a));
  }
  if (args.empty()) args.push_back(0);

  std::printf("{\"version\": \"%s\", \"args\": %s, \"ops\": [\n", table->version.str().c_str(),
              json_list(args).c_str());
  for (size_t i = 0; i < table->ops.size(); ++i)
    print_op(table->ops[i], args, i + 1 == table->ops.size());
  std::printf("]}\n");
  return 0;
}
