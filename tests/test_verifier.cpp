// The verifier's plain path (the common instruction done in the walk,
// without step()) against step() itself: every code object of the test
// programs and of the golden error files, and mutants of each (one
// instruction dropped or doubled, which underflows the stack, makes paths
// meet at different depths, leaves NULL or a forged value where a value is
// needed, ...), verified both ways must give the same answer and the same
// diagnostics, byte for byte.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "pyasm/assembler.hpp"
#include "verifier_ops.hpp"

namespace fs = std::filesystem;

namespace {

// The texts, by name: every program of every version, the golden error
// files, the seed.
std::vector<std::pair<std::string, std::string>> inputs() {
  std::vector<fs::path> paths;
  for (const char* dir : {"programs", "errors", "seed"})
    for (const auto& e : fs::recursive_directory_iterator(fs::path(PYASM_TESTDATA_DIR) / dir))
      if (e.path().extension() == ".pyasm") paths.push_back(e.path());
  std::sort(paths.begin(), paths.end());
  std::vector<std::pair<std::string, std::string>> out;
  for (const fs::path& p : paths) {
    std::ifstream in(p, std::ios::binary);
    out.emplace_back(p.filename().string(), std::string(std::istreambuf_iterator<char>(in), {}));
  }
  return out;
}

struct Outcome {
  bool ok;
  std::string diags;
};

Outcome verify(const pyasm::Code& code, const pyasm::SourceFile& file, bool plain, bool nested) {
  pyasm::Diagnostics diags;
  bool ok = pyasm::verifier::verify(code, file, diags, plain, nested);
  return {ok, diags.render()};
}

void code_objects(const pyasm::Code& code, std::vector<const pyasm::Code*>& out) {
  out.push_back(&code);
  for (const pyasm::ObjectPtr& c : code.consts)
    if (c->kind == pyasm::ObjKind::Code) code_objects(*c->code, out);
}

// Instruction k dropped: what jumped to it or covered it now means the
// next one. False when that would leave a jump or handler past the end.
bool drop(pyasm::Code& c, int k) {
  const int n = static_cast<int>(c.instrs.size());
  if (n < 2) return false;
  for (const pyasm::Instr& in : c.instrs)
    if (k == n - 1 && in.target == k) return false;
  for (const pyasm::ExceptionEntry& e : c.exceptions)
    if (k == n - 1 && e.handler == k) return false;
  c.instrs.erase(c.instrs.begin() + k);
  for (pyasm::Instr& in : c.instrs)
    if (in.target > k) --in.target;
  for (pyasm::ExceptionEntry& e : c.exceptions) {
    if (e.start > k) --e.start;
    if (e.end > k) --e.end;
    if (e.handler > k) --e.handler;
  }
  std::erase_if(c.exceptions, [](const pyasm::ExceptionEntry& e) { return e.start >= e.end; });
  return true;
}

// Instruction k twice (the copy inside the same exception ranges).
void twice(pyasm::Code& c, int k) {
  c.instrs.insert(c.instrs.begin() + k + 1, c.instrs[static_cast<size_t>(k)]);
  for (pyasm::Instr& in : c.instrs)
    if (in.target > k) ++in.target;
  for (pyasm::ExceptionEntry& e : c.exceptions) {
    if (e.start > k) ++e.start;
    if (e.end > k) ++e.end;
    if (e.handler > k) ++e.handler;
  }
}

struct Tally {
  int files = 0, codes = 0, mutants = 0, rejected = 0;
  int underflow = 0, depths = 0, not_value = 0;
  void count(const Outcome& o) {
    if (o.ok) return;
    ++rejected;
    underflow += o.diags.find("stack underflow") != std::string::npos;
    depths += o.diags.find("stack depth differs where paths meet") != std::string::npos;
    not_value += o.diags.find("that is NULL") != std::string::npos ||
                 o.diags.find("that is possibly NULL") != std::string::npos;
  }
};

void same_both_ways(const pyasm::Code& code, const pyasm::SourceFile& file, bool nested,
                    Tally& tally) {
  Outcome plain = verify(code, file, true, nested);
  Outcome stepwise = verify(code, file, false, nested);
  CHECK(plain.ok == stepwise.ok);
  CHECK(plain.diags == stepwise.diags);
  tally.count(plain);
}

// Code object `index` (in code_objects' order) of `text`, which the
// verifier must reject with `message`, the same both ways.
void rejected_both_ways(const std::string& text, size_t index, const std::string& message) {
  pyasm::SourceFile file{"t.pyasm", text};
  pyasm::Diagnostics diags;
  auto top = pyasm::parse_and_resolve(file, std::nullopt, {}, diags);
  REQUIRE_MESSAGE(top, diags.render());
  std::vector<const pyasm::Code*> codes;
  code_objects(*top, codes);
  REQUIRE(index < codes.size());
  Outcome plain = verify(*codes[index], file, true, false);
  Outcome stepwise = verify(*codes[index], file, false, false);
  CHECK_FALSE(stepwise.ok);
  CHECK(stepwise.diags.find(message) != std::string::npos);
  CHECK(plain.ok == stepwise.ok);
  CHECK(plain.diags == stepwise.diags);
}

}  // namespace

TEST_CASE("verifier: the plain path gives what step() gives, on real code and its mutants") {
  Tally tally;
  for (const auto& [name, text] : inputs()) {
    CAPTURE(name);
    pyasm::SourceFile file{name, text};
    pyasm::Diagnostics diags;
    auto top = pyasm::parse_and_resolve(file, std::nullopt, {}, diags);
    if (!top) continue;  // rejected before the verifier
    ++tally.files;
    same_both_ways(*top, file, true, tally);
    std::vector<const pyasm::Code*> codes;
    code_objects(*top, codes);
    for (const pyasm::Code* code : codes) {
      ++tally.codes;
      CAPTURE(code->block_id);
      const int n = static_cast<int>(code->instrs.size());
      // About 24 mutants per code object, spread over it.
      const int stride = std::max(1, n / 12);
      for (int k = 0; k < n; k += stride) {
        CAPTURE(k);
        pyasm::Code mutant = *code;
        if (drop(mutant, k)) {
          ++tally.mutants;
          same_both_ways(mutant, file, false, tally);
        }
        mutant = *code;
        twice(mutant, k);
        ++tally.mutants;
        same_both_ways(mutant, file, false, tally);
      }
    }
  }
  MESSAGE(tally.files << " files, " << tally.codes << " code objects, " << tally.mutants
                      << " mutants; rejected " << tally.rejected << " (stack underflow "
                      << tally.underflow << ", paths meeting at different depths " << tally.depths
                      << ", NULL as a value " << tally.not_value << ")");
  // What the comparison must have covered.
  CHECK(tally.files >= 100);
  CHECK(tally.underflow >= 100);
  CHECK(tally.depths >= 100);
  CHECK(tally.not_value >= 20);
  CHECK(tally.rejected < tally.mutants);
}

TEST_CASE("verifier: an exception edge after the stack under its block changed (3.10)") {
  // The first LOAD_NAME takes the handler with 'f' under the block; then
  // cannot-raise instructions replace it by a code object, and the second
  // LOAD_NAME takes the handler with that: the handler's MAKE_FUNCTION may
  // get the code object as its name. A walk that took the second edge for
  // the first one again would accept it.
  const std::string text =
      ".python 3.10\n"
      "    LOAD_CONST 'f'\n"
      "    SETUP_FINALLY handler\n"
      "    LOAD_NAME x\n"
      "    POP_TOP\n"
      "    POP_TOP\n"
      "    LOAD_CONST @f\n"
      "    LOAD_NAME y\n"
      "    POP_TOP\n"
      "    POP_BLOCK\n"
      "    POP_TOP\n"
      "    LOAD_CONST None\n"
      "    RETURN_VALUE\n"
      "handler:\n"
      "    POP_TOP\n"
      "    POP_TOP\n"
      "    POP_TOP\n"
      "    POP_EXCEPT\n"
      "    LOAD_CONST @f\n"
      "    ROT_TWO\n"
      "    MAKE_FUNCTION 0\n"
      "    RETURN_VALUE\n"
      ".code f\n"
      "    LOAD_CONST None\n"
      "    RETURN_VALUE\n"
      ".end\n";
  rejected_both_ways(text, 0, "MAKE_FUNCTION needs the qualified name");
}

TEST_CASE("verifier: an exception edge after a local changed (3.12)") {
  // The first two LOAD_GLOBALs take the handler with x bound (the first
  // makes its state, the second merges into it); then x gets NULL (possibly
  // unbound), and the third takes the handler with that: the handler's
  // LOAD_FAST x must be rejected.
  const std::string text =
      ".python 3.12\n"
      ".code f()\n"
      ".except body end handler depth 0\n"
      "    RESUME 0\n"
      "    LOAD_CONST 1\n"
      "    STORE_FAST x\n"
      "body:\n"
      "    LOAD_GLOBAL g\n"
      "    POP_TOP\n"
      "    LOAD_GLOBAL g\n"
      "    POP_TOP\n"
      "    PUSH_NULL\n"
      "    STORE_FAST x\n"
      "    LOAD_GLOBAL g\n"
      "    POP_TOP\n"
      "end:\n"
      "    RETURN_CONST None\n"
      "handler:\n"
      "    PUSH_EXC_INFO\n"
      "    POP_TOP\n"
      "    LOAD_FAST x\n"
      "    POP_TOP\n"
      "    POP_EXCEPT\n"
      "    RETURN_CONST None\n"
      ".end\n"
      "    RESUME 0\n"
      "    LOAD_CONST @f\n"
      "    POP_TOP\n"
      "    RETURN_CONST None\n";
  rejected_both_ways(text, 1, "local 'x' may be unbound");
}
