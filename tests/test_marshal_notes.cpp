// Marshal notes: the text form, and that read_pyc records exactly the
// departures from the writer's rule that write_pyc needs to give the same
// bytes back.
#include <doctest/doctest.h>

#include <memory>
#include <string>

#include "pyasm/assembler.hpp"
#include "pyasm/code.hpp"
#include "pyasm/marshal.hpp"
#include "pyasm/pyc_reader.hpp"

using pyasm::MarshalNote;
using pyasm::Object;
using pyasm::Version;

namespace {

std::string unhex(std::string_view h) {
  std::string out;
  for (size_t i = 0; i + 1 < h.size(); i += 2)
    out += static_cast<char>(std::stoi(std::string(h.substr(i, 2)), nullptr, 16));
  return out;
}

// py_compile of "def f(a):\n    return a\n" (dfile test.py) on CPython 3.11.7,
// header zeroed. Objects in stream order: the module (flagged, slot 0), its
// co_code (flagged, slot 1), consts, the code of f (slot 2 for its co_code),
// ... names ('f', interned, flagged), filename, ...
const char* kPy311 =
    "a70d0d0a000000000000000000000000e30000000000000000000000000100000000000000f30c0000009700"
    "640084005a00640153002902630100000000000000000000000100000003000000f30600000097007c005300"
    "29014ea9002901da0161730100000020fa07746573742e7079da016672060000000100000073070000008000"
    "d80b0c8048f3000000004e29017206000000720300000072070000007205000000fa083c6d6f64756c653e72"
    "0800000001000000731e000000f003010101f00201010df00001010df00001010df00001010df00001010d72"
    "07000000";

std::optional<pyasm::Pyc> read(const std::string& bytes, std::string* errors = nullptr) {
  pyasm::Diagnostics d;
  auto p = pyasm::read_pyc(bytes, "t.pyc", d);
  if (errors) *errors = d.render();
  return p;
}

std::string notes_of(const pyasm::Code& c) { return pyasm::format_marshal_notes(c.marshal_notes); }

}  // namespace

TEST_CASE("marshal notes: text form round-trips, bad notes are errors") {
  std::string err;
  auto n = pyasm::parse_marshal_notes("+names.0  -consts.3.1 !code consts.2=f.<lambda>:consts.0 "
                                      "qualname=name filename~u consts.4=^:locals",
                                      err);
  REQUIRE_MESSAGE(n, err);
  REQUIRE(n->size() == 7);
  CHECK((*n)[0].kind == MarshalNote::kFlag);
  CHECK((*n)[1].path == "consts.3.1");
  CHECK((*n)[2].kind == MarshalNote::kDistinct);
  CHECK((*n)[3].target_block == "f.<lambda>");
  CHECK((*n)[3].target_path == "consts.0");
  CHECK((*n)[4].target_block.empty());
  CHECK((*n)[5].type == 'u');
  CHECK((*n)[6].target_block == "^");
  CHECK(pyasm::format_marshal_notes(*n) ==
        "+names.0 -consts.3.1 !code consts.2=f.<lambda>:consts.0 qualname=name filename~u "
        "consts.4=^:locals");

  auto bad = [&](const char* text) {
    err.clear();
    CHECK_FALSE(pyasm::parse_marshal_notes(text, err));
    return err;
  };
  CHECK(bad("+bogus.1") == "bad path 'bogus.1' in marshal note '+bogus.1'");
  CHECK(bad("+names.x") == "bad path 'names.x' in marshal note '+names.x'");
  CHECK(bad("names.1") ==
        "marshal note 'names.1' is not +PATH, -PATH, !PATH, PATH=TARGET or PATH~TYPE");
  CHECK(bad("consts.1~q") ==
        "bad type code in marshal note 'consts.1~q' (one of z Z a A u t i l ( ) expected)");
  CHECK(bad("consts.1=a b:consts.0").find("bad") == 0);
}

TEST_CASE("marshal notes: a CPython pyc needs none where the rule holds") {
  std::string pyc = unhex(kPy311);
  auto p = read(pyc);
  REQUIRE(p);
  CHECK(p->marshal_mismatch == -1);
  CHECK(notes_of(*p->code).empty());
  CHECK(notes_of(*p->code->consts[0]->code).empty());
  CHECK(p->code->consts[0]->code->block_id == "f");
  CHECK(pyasm::write_pyc(p->code, p->header) == pyc);
}

TEST_CASE("marshal notes: departures are recorded and reproduced") {
  std::string base = unhex(kPy311);
  // Byte offset in kPy311 of the type byte of f's filename 'test.py': 0xfa (z|flag).
  const size_t kFilename = 104;
  REQUIRE(static_cast<uint8_t>(base[kFilename]) == 0xfa);

  SUBCASE("a flag on None, which CPython never sets") {
    // f's co_consts is (None,): ')' 01 'N' -> 0xce.
    std::string pyc = base;
    size_t none = pyc.find(unhex("29014e"));
    REQUIRE(none != std::string::npos);
    pyc[none + 2] = static_cast<char>(0xce);
    auto p = read(pyc);
    REQUIRE(p);
    CHECK(notes_of(*p->code->consts[0]->code) == "+consts.0");
    CHECK(pyasm::write_pyc(p->code, p->header) == pyc);
  }

  SUBCASE("Latin-1 text in a one-byte-per-character string") {
    // 'test.py' -> '\xe9est.py' in a 'z' string: CPython reads it as Latin-1.
    std::string pyc = base;
    pyc[kFilename + 2] = static_cast<char>(0xe9);
    auto p = read(pyc);
    REQUIRE(p);
    CHECK(p->code->filename == "\xc3\xa9" "est.py");
    CHECK(notes_of(*p->code->consts[0]->code) == "filename~z");
    CHECK(pyasm::write_pyc(p->code, p->header) == pyc);
  }

  SUBCASE("a short string written in the long form") {
    // f's filename 'test.py' as 'a' (u32 length) instead of 'z' (u8 length).
    std::string pyc = base.substr(0, kFilename) + "\xe1" + std::string("\x07\0\0\0", 4) +
                      base.substr(kFilename + 2);
    auto p = read(pyc);
    REQUIRE(p);
    CHECK(notes_of(*p->code->consts[0]->code) == "filename~a");
    CHECK(p->marshal_mismatch == -1);
    CHECK(pyasm::write_pyc(p->code, p->header) == pyc);
  }
}

TEST_CASE("marshal notes: applied by the writer, and stale ones reported") {
  auto f = std::make_shared<pyasm::Code>();
  f->version = Version{3, 11};
  f->name = f->qualname = "f";
  f->filename = "t.py";
  f->block_id = "f";
  f->consts = {Object::str("a long constant"), Object::str("a long constant")};
  auto m = std::make_shared<pyasm::Code>();
  m->version = Version{3, 11};
  m->name = m->qualname = "<module>";
  m->filename = "t.py";
  m->consts = {Object::code_object(f), Object::str("a long constant")};

  // By the rule, 3.11 merges equal constants module-wide: one object.
  std::string plain = pyasm::write_pyc(m, {});
  auto count = [](const std::string& hay, const std::string& needle) {
    size_t n = 0;
    for (size_t at = hay.find(needle); at != std::string::npos; at = hay.find(needle, at + 1)) ++n;
    return n;
  };
  CHECK(count(plain, "a long constant") == 1);

  // "!consts.1": f's second constant is its own object.
  std::string err;
  f->marshal_notes = *pyasm::parse_marshal_notes("!consts.1 +consts.9 consts.0=^:names", err);
  std::vector<const MarshalNote*> unused;
  std::string noted = pyasm::write_pyc(m, {}, &unused);
  CHECK(count(noted, "a long constant") == 2);
  // consts.9 does not exist; the module's co_names is not an equal object.
  REQUIRE(unused.size() == 2);
  CHECK(pyasm::format_marshal_notes({*unused[0]}) == "+consts.9");
  CHECK(pyasm::format_marshal_notes({*unused[1]}) == "consts.0=^:names");

  // Read back: the notes that were applied are the ones recorded.
  auto p = read(noted);
  REQUIRE(p);
  CHECK(notes_of(*p->code->consts[0]->code) == "!consts.1");
  CHECK(pyasm::write_pyc(p->code, {}) == noted);
}

TEST_CASE("marshal notes: co_filename is one object unless a note says otherwise") {
  auto fn = [](const char* id) {
    auto c = std::make_shared<pyasm::Code>();
    c->version = Version{3, 10};
    c->name = c->qualname = c->block_id = id;
    c->filename = "a/b/t.py";
    return c;
  };
  auto f = fn("f"), g = fn("g"), h = fn("h");
  auto m = fn("");
  m->name = m->qualname = "<module>";
  m->consts = {Object::code_object(f), Object::code_object(g), Object::code_object(h)};
  auto count = [](const std::string& hay, const std::string& needle) {
    size_t n = 0;
    for (size_t at = hay.find(needle); at != std::string::npos; at = hay.find(needle, at + 1)) ++n;
    return n;
  };
  CHECK(count(pyasm::write_pyc(m, {}), "a/b/t.py") == 1);
  // g's own object: h's and the module's are still f's.
  std::string err;
  g->marshal_notes = *pyasm::parse_marshal_notes("!filename", err);
  std::string noted = pyasm::write_pyc(m, {});
  CHECK(count(noted, "a/b/t.py") == 2);
  auto p = read(noted);
  REQUIRE(p);
  CHECK(notes_of(*p->code->consts[0]->code).empty());
  CHECK(notes_of(*p->code->consts[1]->code) == "!filename");
  CHECK(notes_of(*p->code->consts[2]->code).empty());
  CHECK(notes_of(*p->code).empty());
  CHECK(pyasm::write_pyc(p->code, {}) == noted);
}

TEST_CASE("marshal notes: a note on one name leaves the tuple's other names to the rule") {
  auto code = [](const char* id, std::vector<std::string> names) {
    auto c = std::make_shared<pyasm::Code>();
    c->version = Version{3, 10};
    c->name = c->qualname = c->block_id = id;
    c->filename = "t.py";
    c->names = std::move(names);
    return c;
  };
  auto f = code("f", {"alpha", "beta"});
  auto m = code("", {"alpha", "beta", "gamma", "alpha"});
  m->name = m->qualname = "<module>";
  m->consts = {Object::code_object(f)};
  std::string err;
  m->marshal_notes = *pyasm::parse_marshal_notes("names.1~a !names.3", err);
  std::vector<const MarshalNote*> unused;
  std::string pyc = pyasm::write_pyc(m, {}, &unused);
  CHECK(unused.empty());
  // 'beta' long-form and not interned, so not f's; the second 'alpha' its own.
  CHECK(pyc.find(std::string("a\x04\0\0\0beta", 9)) != std::string::npos);
  auto p = read(pyc);
  REQUIRE(p);
  CHECK(notes_of(*p->code) == "names.1~a !names.3");
  CHECK(notes_of(*p->code->consts[0]->code).empty());
  CHECK(pyasm::write_pyc(p->code, {}) == pyc);
}

TEST_CASE("field_at names the object at a byte offset") {
  std::string pyc = unhex(kPy311);
  CHECK(pyasm::field_at(pyc, 0) == "header: magic number");
  CHECK(pyasm::field_at(pyc, 5) == "header: flags");
  CHECK(pyasm::field_at(pyc, 16) == "^: self (type byte)");
  CHECK(pyasm::field_at(pyc, 20) == "^: self (+4)");
  CHECK(pyasm::field_at(pyc, 104) == "f: filename (type byte)");
  CHECK(pyasm::field_at(pyc, 113) == "f: name (type byte)");
  CHECK(pyasm::field_at(pyc, 115) == "f: name (+2)");
}

TEST_CASE("pyasm build: a marshal note that does not apply is a warning, not an error") {
  pyasm::SourceFile file{"t.pyasm", ".python 3.11\n.marshal \"+consts.7 names.0~a\"\nRESUME 0\n"
                                    "LOAD_NAME print\nRETURN_VALUE\n"};
  pyasm::Diagnostics d;
  auto pyc = pyasm::assemble(file, {}, d);
  REQUIRE(pyc);
  CHECK(d.render() ==
        "t.pyasm:2:10: warning: marshal note '+consts.7' does not apply (no such object, or not "
        "an equal earlier object, or a type code that cannot hold the value); ignored\n"
        ".marshal \"+consts.7 names.0~a\"\n         ^\n");
  // names.0~a did apply: 'print' in the long, non-interned ASCII form, and
  // so (3.11) not flagged.
  CHECK(pyc->find(std::string("a\x05\0\0\0print", 10)) != std::string::npos);
}
