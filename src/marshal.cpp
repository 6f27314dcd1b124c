// marshal version 4 writer, laid out as each CPython version writes it, and
// the .pyc container around it.
//
// CPython's writer flags an object (FLAG_REF) when its refcount says it may
// be shared, and writes a later use of the same object as a reference. pyasm
// has no refcounts; it models them per version (the "rule", notes §2.3–2.5):
//  - which objects are one object: interned strings and CPython's cached
//    singletons (small ints, (), '', 1-char strings, b'', 1-byte bytes) by
//    value everywhere; constants by value module-wide from 3.8 (nested
//    ones from 3.10); name tuples from 3.8; co_code and the line table on
//    3.10; the filename; the compiler's "<...>" names; a code object by
//    identity;
//  - which carry FLAG_REF without being referenced again: the singletons,
//    the module's code object, the filename and compiler names, up to 3.10
//    the interned strings a compileall process already holds, and from
//    3.11 every interned string, co_code and every frozenset element.
// Where a file departs from the rule, marshal notes on the code object say
// so (MarshalNote); the reader computes them with the same walk, in
// "observer" mode, so that rule and notes cannot drift apart.
//
// The walk emits each object's bytes with a placeholder type byte, then
// decides the flags (an object referenced later must carry one), numbers
// the reference slots in stream order and patches type bytes and
// reference indices.
#include "pyasm/marshal.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "marshal_stream.hpp"
#include "pyasm/opcodes.hpp"
#include "resolve.hpp"

namespace pyasm {
namespace {

constexpr uint8_t kFlagRef = 0x80;

// The parts of a code object's stream, for paths and rules.
enum class Field : uint8_t {
  kSelf, kCode, kConsts, kNames, kVarnames, kFreevars, kCellvars, kLocals, kKinds,
  kFilename, kName, kQualname, kLinetable, kExctable,
  kObject,  // marshal_dumps of a lone object
};

const char* field_name(Field f, Version v) {
  switch (f) {
    case Field::kSelf: return "self";
    case Field::kCode: return "code";
    case Field::kConsts: return "consts";
    case Field::kNames: return "names";
    case Field::kVarnames: return "varnames";
    case Field::kFreevars: return "freevars";
    case Field::kCellvars: return "cellvars";
    case Field::kLocals: return "locals";
    case Field::kKinds: return "kinds";
    case Field::kFilename: return "filename";
    case Field::kName: return "name";
    case Field::kQualname: return "qualname";
    case Field::kLinetable: return v.at_least(10) ? "linetable" : "lnotab";
    case Field::kExctable: return "exctable";
    case Field::kObject: return "object";
  }
  return "?";
}

bool is_ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return (c & 0x80) == 0; });
}

// CPython caches '' and the 1-character strings below U+0100.
bool is_char_singleton(std::string_view utf8) {
  if (utf8.size() <= 1) return true;
  auto b0 = static_cast<uint8_t>(utf8[0]);
  return utf8.size() == 2 && (b0 == 0xc2 || b0 == 0xc3);
}

bool is_compiler_name(std::string_view s) {
  static constexpr std::array<std::string_view, 6> kNames = {
      "<module>", "<lambda>", "<listcomp>", "<genexpr>", "<dictcomp>", "<setcomp>"};
  return std::find(kNames.begin(), kNames.end(), s) != kNames.end();
}

// Whether co_name is interned [notes §2.7]: the names the compiler makes up
// are not on 3.11/3.12, nor the comprehension names on 3.6/3.7.
bool name_interned(Version v, std::string_view name) {
  bool comprehension = is_compiler_name(name) && name != "<module>" && name != "<lambda>";
  if (v.minor <= 7 && comprehension) return false;
  if ((v.minor == 11 || v.minor == 12) && name.starts_with('<')) return false;
  return true;
}

char str_type(std::string_view s, bool interned) {
  if (is_ascii(s)) {
    if (s.size() < 256) return interned ? 'Z' : 'z';
    return interned ? 'A' : 'a';
  }
  return interned ? 't' : 'u';
}

bool type_interned(char t) { return t == 'Z' || t == 'A' || t == 't'; }

// Whether a UTF-8 string has only code points below U+0100, which the
// one-byte-per-character types z/Z/a/A can hold (CPython's writer uses them
// for ASCII only; odd files may not).
bool latin1_only(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<uint8_t>(s[i]);
    if (c < 0x80) continue;
    if ((c != 0xc2 && c != 0xc3) || i + 1 >= s.size()) return false;
    ++i;
  }
  return true;
}

std::string to_latin1(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<uint8_t>(s[i]);
    if (c < 0x80 || i + 1 >= s.size()) {
      out.push_back(s[i]);
    } else {
      out.push_back(static_cast<char>(((c & 0x03) << 6) | (static_cast<uint8_t>(s[i + 1]) & 0x3f)));
      ++i;
    }
  }
  return out;
}

// Up to 3.10 an interned string is flagged when anything else in the
// compiling process holds it: the strings a fresh compileall process holds
// (tools/gen_alive_strings.py), sorted, with a bit per version.
struct AliveString {
  std::string_view text;
  uint8_t versions;  // bit (minor - 6)
};
constexpr AliveString kAlive[] = {
#include "alive_strings.inc"
};

bool alive_in_compiler(Version v, std::string_view s) {
  if (v.minor < 6 || v.minor > 10) return false;
  auto it = std::lower_bound(std::begin(kAlive), std::end(kAlive), s,
                             [](const AliveString& a, std::string_view b) { return a.text < b; });
  return it != std::end(kAlive) && it->text == s && (it->versions >> (v.minor - 6)) & 1;
}

// One object the walk visits.
struct Node {
  enum Kind : uint8_t { kStr, kBytes, kObj, kNameTuple, kConstTuple, kCode };
  Node(Kind k, Field f) : kind(k), field(f) {}
  Kind kind;
  Field field;
  int depth = 0;           // 0: the field itself; 1+: items of its tuple, nested
  bool set_item = false;   // a direct element of a frozenset
  bool root = false;       // the module's code object
  bool interned = false;   // kStr: written as an interned string by default
  std::string_view text;   // kStr, kBytes
  const Object* obj = nullptr;                       // kObj
  const std::vector<std::string>* names = nullptr;   // kNameTuple
  const std::vector<ObjectPtr>* items = nullptr;     // kConstTuple
  const Code* code = nullptr;                        // kCode
  std::string_view same_key;  // kStr: share the key of another field (qualname == name)
};

struct Rec {
  uint32_t type_pos;
  int32_t target;  // a reference: the record it refers to; -1: written in full
  bool flag;
  bool slot;       // takes a reference slot when flagged (not None/True/...)
};

class Writer {
 public:
  explicit Writer(Version v) : v_(v) {}

  // Normal mode: apply the notes of every code object under `module`.
  void prepare_notes(const Code& module);
  // Observer mode: follow `entries` and collect notes.
  void observe(const std::vector<StreamEntry>* entries, long describe_entry, std::string* desc) {
    entries_ = entries;
    describe_entry_ = describe_entry;
    description_ = desc;
    if (entries_) {
      is_target_.assign(entries_->size(), false);
      for (const StreamEntry& e : *entries_)
        if (e.ref >= 0 && static_cast<size_t>(e.ref) < entries_->size()) is_target_[e.ref] = true;
    }
  }

  void code(const Code& c, bool root);
  void object(const Object& o, Field field, int depth, bool set_item);
  std::string finish();

  std::vector<ObservedCode> take_observed() { return std::move(observed_); }
  std::vector<const MarshalNote*> unused_notes() const;
  bool stopped() const { return stop_; }

 private:
  struct Scope {
    const Code* code;
    std::string chain;  // "^" for the module, else "f.g"
    std::unordered_map<std::string, std::vector<const MarshalNote*>> notes;
    std::vector<MarshalNote> observed;
  };

  // Emitting.
  void u8(uint8_t b) { out_.push_back(static_cast<char>(b)); }
  void u32(uint32_t v) {
    for (int i = 0; i < 4; ++i) u8(static_cast<uint8_t>(v >> (8 * i)));
  }
  void i32(int32_t v) { u32(static_cast<uint32_t>(v)); }
  void u64(uint64_t v) {
    u32(static_cast<uint32_t>(v));
    u32(static_cast<uint32_t>(v >> 32));
  }

  // Visits `n`: writes a reference and returns 0, or writes the type byte and
  // returns the type code the caller writes the body for.
  char begin(const Node& n);
  void str_body(char type, std::string_view s);
  void int_body(char type, const BigInt& v);
  void count(char type, size_t n) {
    if (type == ')') u8(static_cast<uint8_t>(n));
    else u32(static_cast<uint32_t>(n));
  }
  void name_tuple(Field f, const std::vector<std::string>& names);
  void bytes_field(Field f, std::string_view data);
  void str_field(Field f, std::string_view s, bool interned, std::string_view same_key = {});

  // Rules.
  char default_type(const Node& n) const;
  bool type_fits(const Node& n, char t) const;
  std::string cached_key(const Node& n) const;
  std::string share_key(const Node& n, char type) const;
  bool default_flag(const Node& n, char type) const;
  std::string value_key(const Node& n) const;

  // Paths.
  std::string path() const;
  std::string qualified_path(const Scope& from, size_t rec_scope, const std::string& p) const;
  void note(MarshalNote::Kind kind, std::string target_block = {}, std::string target_path = {},
            char type = 0);

  Version v_;
  std::string out_;
  std::vector<Rec> recs_;
  std::vector<bool> referenced_;
  std::unordered_map<std::string, int32_t> table_;  // share key -> first record

  // Where the walk is.
  std::vector<Scope> scopes_;
  Field field_ = Field::kObject;
  std::vector<uint32_t> index_;  // item indices below the field

  // Normal mode.
  bool has_notes_ = false;
  std::unordered_set<std::string> target_chains_;
  std::unordered_set<std::string> wanted_targets_;                    // "chain:path"
  std::unordered_map<std::string, std::pair<int32_t, std::string>> targets_;  // -> record, value
  std::unordered_set<const MarshalNote*> used_;
  std::vector<const MarshalNote*> all_notes_;

  // Observer mode.
  const std::vector<StreamEntry>* entries_ = nullptr;
  std::vector<bool> is_target_;
  std::vector<std::pair<size_t, std::string>> rec_paths_;  // per record: scope index + path
  std::unordered_map<int32_t, std::pair<size_t, std::string>> target_paths_;
  long describe_entry_ = -1;
  std::string* description_ = nullptr;
  bool stop_ = false;
  std::vector<ObservedCode> observed_;
  std::vector<size_t> scope_ids_;  // observer: scope serial numbers for target paths
  std::vector<std::string> scope_chain_by_id_;
  std::vector<const Code*> scope_code_by_id_;
};

// --- paths ----------------------------------------------------------------

std::string Writer::path() const {
  std::string p = field_name(field_, v_);
  for (uint32_t i : index_) {
    p += '.';
    p += std::to_string(i);
  }
  return p;
}

// --- rules ----------------------------------------------------------------

char Writer::default_type(const Node& n) const {
  switch (n.kind) {
    case Node::kStr:
      // 3.13 interns its cached 1-character strings.
      return str_type(n.text, n.interned || (v_.at_least(13) && is_char_singleton(n.text)));
    case Node::kBytes: return 's';
    case Node::kNameTuple: return n.names->size() < 256 ? ')' : '(';
    case Node::kConstTuple: return n.items->size() < 256 ? ')' : '(';
    case Node::kCode: return 'c';
    case Node::kObj: break;
  }
  const Object& o = *n.obj;
  switch (o.kind) {
    case ObjKind::None: return 'N';
    case ObjKind::True: return 'T';
    case ObjKind::False: return 'F';
    case ObjKind::Ellipsis: return '.';
    case ObjKind::StopIteration: return 'S';
    case ObjKind::Int: {
      auto small = o.int_value.to_int64();
      return small && *small >= INT32_MIN && *small <= INT32_MAX ? 'i' : 'l';
    }
    case ObjKind::Float: return 'g';
    case ObjKind::Complex: return 'y';
    case ObjKind::Bytes: return 's';
    case ObjKind::Str: {
      // 3.13 interns its cached 1-character strings and co_qualname, which
      // a class body also holds as its first constant.
      bool interned = o.interned;
      if (v_.at_least(13))
        interned |= is_char_singleton(o.data) ||
                    (n.depth == 1 && n.field == Field::kConsts && !scopes_.empty() &&
                     o.data == scopes_.back().code->qualname);
      return str_type(o.data, interned);
    }
    case ObjKind::Tuple: return o.items.size() < 256 ? ')' : '(';
    case ObjKind::FrozenSet: return '>';
    case ObjKind::Code: return 'c';
  }
  return 'N';
}

// Whether type code `t` can carry the node's value unchanged.
bool Writer::type_fits(const Node& n, char t) const {
  std::string_view s;
  size_t count = 0;
  bool str = false, tuple = false;
  switch (n.kind) {
    case Node::kStr: s = n.text; str = true; break;
    case Node::kBytes: return t == 's';
    case Node::kNameTuple: count = n.names->size(); tuple = true; break;
    case Node::kConstTuple: count = n.items->size(); tuple = true; break;
    case Node::kCode: return t == 'c';
    case Node::kObj:
      switch (n.obj->kind) {
        case ObjKind::Str: s = n.obj->data; str = true; break;
        case ObjKind::Tuple: count = n.obj->items.size(); tuple = true; break;
        case ObjKind::Int:
          return t == 'l' || (t == 'i' && default_type(n) == 'i');
        default: return t == default_type(n);
      }
  }
  if (str) {
    if (t == 'u' || t == 't') return true;
    if (t == 'a' || t == 'A') return latin1_only(s);
    if (t == 'z' || t == 'Z') return latin1_only(s) && to_latin1(s).size() < 256;
    return false;
  }
  if (tuple) return t == '(' || (t == ')' && count < 256);
  return false;
}

// The key CPython's compiler names ("<lambda>", ...) share: co_name and
// the equal constant (≤3.10 MAKE_FUNCTION's qualname) are one static object.
std::string compiler_name_key(Version v, std::string_view name) {
  return (name_interned(v, name) ? "S" : "s") + std::string(name);
}

std::string tuple_key(const std::vector<std::string>& names) {
  return "K" + const_key_of_names(names);
}

// The key of one of CPython's cached objects ('' and 1-character strings
// below U+0100, b'' and 1-byte bytes, ints -5..256, ()), or empty. Not
// cached: the empty 3.6 co_lnotab and a 1-byte 3.11+ co_localspluskinds,
// which CPython builds as fresh objects.
std::string Writer::cached_key(const Node& n) const {
  const Object* o = n.kind == Node::kObj ? n.obj : nullptr;
  std::string_view text = o ? std::string_view(o->data) : n.text;
  bool str = n.kind == Node::kStr || (o && o->kind == ObjKind::Str);
  bool bytes = n.kind == Node::kBytes || (o && o->kind == ObjKind::Bytes);
  if (str && is_char_singleton(text)) return "S" + std::string(text);
  if (bytes && text.size() <= 1) {
    bool fresh = (n.field == Field::kLinetable && v_.minor == 6 && text.empty()) ||
                 (n.field == Field::kKinds && v_.at_least(11) && text.size() == 1);
    return fresh ? std::string() : "B" + std::string(text);
  }
  if (o && o->kind == ObjKind::Int) {
    auto small = o->int_value.to_int64();
    if (small && *small >= -5 && *small <= 256) return "I" + std::to_string(*small);
  }
  if ((o && o->kind == ObjKind::Tuple && o->items.empty()) ||
      (n.kind == Node::kNameTuple && n.names->empty()) ||
      (n.kind == Node::kConstTuple && n.items->empty()))
    return "()";
  return {};
}

// Equal keys: one object. Empty: a fresh object each time.
std::string Writer::share_key(const Node& n, char type) const {
  const Object* o = n.kind == Node::kObj ? n.obj : nullptr;
  std::string_view text = o ? std::string_view(o->data) : n.text;
  bool str = n.kind == Node::kStr || (o && o->kind == ObjKind::Str);
  if (str && type_interned(type)) return "S" + std::string(text);
  if (std::string k = cached_key(n); !k.empty()) return k;
  if (n.kind == Node::kCode || (o && o->kind == ObjKind::Code)) {
    const void* p = n.kind == Node::kCode ? static_cast<const void*>(n.code) : o->code.get();
    return "P" + std::to_string(reinterpret_cast<uintptr_t>(p));
  }
  switch (n.field) {
    case Field::kObject:
      // A lone object: shared by identity, as marshal.dumps sees it.
      if (o) return "P" + std::to_string(reinterpret_cast<uintptr_t>(o));
      return {};
    case Field::kConsts:
      if (n.kind == Node::kConstTuple)  // co_consts itself: merged from 3.8
        return v_.at_least(8) ? "K" + const_key_of_tuple(*n.items) : std::string();
      if (!o) return {};
      if (str && is_compiler_name(text)) return compiler_name_key(v_, text);
      // From 3.8 the compiler merges constants module-wide (nested ones
      // from 3.10); before, one code object's equal constants are one.
      if (v_.at_least(10) || (v_.at_least(8) && n.depth == 1)) return "K" + const_key(*o);
      // A folded tuple is a new object, its items the constants it was
      // folded from.
      if (o->kind == ObjKind::Tuple || o->kind == ObjKind::FrozenSet) return {};
      if (v_.at_least(8)) return "K" + const_key(*o);
      return "k" + std::to_string(reinterpret_cast<uintptr_t>(scopes_.empty() ? nullptr
                                                                              : scopes_.back().code)) +
             const_key(*o);
    case Field::kNames: case Field::kVarnames: case Field::kFreevars: case Field::kCellvars:
    case Field::kLocals:
      // Merged with equal constant tuples from 3.8.
      if (n.kind == Node::kNameTuple && v_.at_least(8)) return tuple_key(*n.names);
      return {};
    case Field::kFilename: return "F" + std::string(text);
    case Field::kName:
      if (is_compiler_name(text)) return compiler_name_key(v_, text);
      return {};
    case Field::kQualname:
      if (!n.same_key.empty()) return std::string(n.same_key);
      // A class body's qualname is also its first constant.
      if (v_.at_least(11) && !(scopes_.back().code->flags & kOptimized))
        return "K" + const_key_of_str(text);
      return {};
    case Field::kCode: return v_.minor == 10 ? "C" + std::string(text) : std::string();
    case Field::kLinetable:
      return v_.at_least(10) ? "L" + std::string(text) : std::string();
    case Field::kExctable: return "E" + std::string(text);
    default: return {};
  }
}

bool Writer::default_flag(const Node& n, char type) const {
  // None, True, False, Ellipsis and StopIteration are never flagged.
  if (type == 'N' || type == 'T' || type == 'F' || type == '.' || type == 'S') return false;
  const Object* o = n.kind == Node::kObj ? n.obj : nullptr;
  std::string_view text = o ? std::string_view(o->data) : n.text;
  bool str = n.kind == Node::kStr || (o && o->kind == ObjKind::Str);
  if (!cached_key(n).empty()) return true;  // a cached singleton is never refcount 1
  if (n.kind == Node::kCode) return n.root;
  if (n.field == Field::kFilename) return true;
  if (n.field == Field::kName && is_compiler_name(text)) return true;
  if (str && type_interned(type) && alive_in_compiler(v_, text)) return true;
  if (v_.at_least(11)) {
    if (str && type_interned(type)) return true;
    if (n.field == Field::kCode) return true;
    if (n.set_item) return true;
  }
  return false;
}

// Two objects may be one only when this key is equal.
std::string Writer::value_key(const Node& n) const {
  switch (n.kind) {
    case Node::kStr: return const_key_of_str(n.text);
    case Node::kBytes: return const_key(*Object::bytes(std::string(n.text)));
    case Node::kObj: return const_key(*n.obj);
    case Node::kCode: return "P" + std::to_string(reinterpret_cast<uintptr_t>(n.code));
    case Node::kNameTuple: return const_key_of_names(*n.names);
    case Node::kConstTuple: return const_key_of_tuple(*n.items);
  }
  return {};
}

// --- notes ------------------------------------------------------------------

void Writer::prepare_notes(const Code& module) {
  // Every code object under the module, with its chain.
  struct Item {
    const Code* code;
    std::string chain;
  };
  std::vector<Item> stack{{&module, "^"}};
  std::unordered_set<const Code*> seen;
  while (!stack.empty()) {
    Item it = stack.back();
    stack.pop_back();
    if (!seen.insert(it.code).second) continue;
    for (const MarshalNote& note : it.code->marshal_notes) {
      has_notes_ = true;
      all_notes_.push_back(&note);
      if (note.kind == MarshalNote::kSame) {
        std::string chain = note.target_block.empty() ? it.chain : note.target_block;
        target_chains_.insert(chain);
        wanted_targets_.insert(chain + ":" + note.target_path);
      }
    }
    std::vector<const Object*> objs;
    for (const ObjectPtr& k : it.code->consts) objs.push_back(k.get());
    while (!objs.empty()) {
      const Object* o = objs.back();
      objs.pop_back();
      if (o->kind == ObjKind::Code && o->code) {
        const std::string& id = o->code->block_id;
        stack.push_back({o->code.get(), it.chain == "^" ? id : it.chain + "." + id});
      }
      for (const ObjectPtr& item : o->items) objs.push_back(item.get());
    }
  }
}

std::vector<const MarshalNote*> Writer::unused_notes() const {
  std::vector<const MarshalNote*> out;
  for (const MarshalNote* n : all_notes_)
    if (!used_.count(n)) out.push_back(n);
  return out;
}

void Writer::note(MarshalNote::Kind kind, std::string target_block, std::string target_path,
                  char type) {
  MarshalNote n;
  n.kind = kind;
  n.path = path();
  n.target_block = std::move(target_block);
  n.target_path = std::move(target_path);
  n.type = type;
  scopes_.back().observed.push_back(std::move(n));
}

// --- the walk ---------------------------------------------------------------

char Writer::begin(const Node& n) {
  if (stop_) return 0;
  const int32_t rec = static_cast<int32_t>(recs_.size());
  const StreamEntry* actual = nullptr;
  if (entries_) {
    if (static_cast<size_t>(rec) >= entries_->size()) {
      stop_ = true;  // the stream that was read ends earlier: cannot happen for a read file
      return 0;
    }
    actual = &(*entries_)[rec];
    if (rec == describe_entry_) {
      *description_ = (scopes_.empty() ? std::string() : scopes_.back().chain + ": ") + path();
      stop_ = true;
    }
  }
  bool in_scope = !scopes_.empty();
  const std::vector<const MarshalNote*>* notes = nullptr;
  std::string here;  // this node's path, when needed
  if (!entries_ && has_notes_ && in_scope) {
    const Scope& s = scopes_.back();
    if (!s.notes.empty()) {
      here = path();
      if (auto it = s.notes.find(here); it != s.notes.end()) notes = &it->second;
    }
  }
  auto find_note = [&](MarshalNote::Kind k) -> const MarshalNote* {
    if (!notes) return nullptr;
    for (const MarshalNote* m : *notes)
      if (m->kind == k) return m;
    return nullptr;
  };

  // The type code.
  char type = default_type(n);
  if (actual) {
    if (actual->type != 'r' && actual->type != static_cast<uint8_t>(type)) {
      if (type_fits(n, static_cast<char>(actual->type))) {
        note(MarshalNote::kType, {}, {}, static_cast<char>(actual->type));
        type = static_cast<char>(actual->type);
      }
    }
  } else if (const MarshalNote* m = find_note(MarshalNote::kType)) {
    if (type_fits(n, m->type)) {
      type = m->type;
      used_.insert(m);
    }
  }
  bool singleton = type == 'N' || type == 'T' || type == 'F' || type == '.' || type == 'S';

  // A reference, or the object in full?
  std::string key = singleton ? std::string() : share_key(n, type);
  int32_t target = -1;
  if (!key.empty())
    if (auto it = table_.find(key); it != table_.end()) target = it->second;
  if (actual) {
    if (actual->type == 'r') {
      int32_t t = actual->ref;
      if (t != target) {
        auto tp = target_paths_.find(t);
        if (tp != target_paths_.end()) {
          const auto& [scope_id, p] = tp->second;
          std::string block;
          if (scope_code_by_id_[scope_id] != scopes_.back().code)
            block = scope_chain_by_id_[scope_id];
          note(MarshalNote::kSame, block, p);
        }
      }
      target = t;
    } else if (target >= 0) {
      note(MarshalNote::kDistinct);
      target = -1;
    }
  } else if (notes) {
    if (const MarshalNote* m = find_note(MarshalNote::kDistinct)) {
      target = -1;
      used_.insert(m);
    }
    if (const MarshalNote* m = find_note(MarshalNote::kSame)) {
      const std::string& chain = m->target_block.empty() ? scopes_.back().chain : m->target_block;
      auto it = targets_.find(chain + ":" + m->target_path);
      if (it != targets_.end() && recs_[it->second.first].slot && !singleton &&
          it->second.second == value_key(n)) {
        target = it->second.first;
        used_.insert(m);
      }
    }
  }
  if (target >= 0 && static_cast<size_t>(target) < recs_.size() && recs_[target].target < 0 &&
      recs_[target].slot) {
    recs_.push_back({static_cast<uint32_t>(out_.size()), target, false, false});
    referenced_.push_back(false);
    referenced_[target] = true;
    u8('r');
    u32(0);  // patched in finish()
    if (entries_ && is_target_[rec]) target_paths_[rec] = {scope_ids_.back(), path()};
    return 0;
  }

  // In full.
  bool flag = default_flag(n, type);
  if (actual) {
    flag = actual->flag;  // checked against the rule in finish()
  } else if (notes) {
    if (const MarshalNote* m = find_note(MarshalNote::kFlag)) {
      flag = true;
      used_.insert(m);
    }
    if (const MarshalNote* m = find_note(MarshalNote::kNoFlag)) {
      flag = false;
      used_.insert(m);
    }
  }
  if (actual && flag != default_flag(n, type) && !singleton) {
    // Whether the flag needs a note depends on later references: decided in
    // finish(); remember the path now.
    rec_paths_.resize(recs_.size() + 1);
    rec_paths_[rec] = {scopes_.empty() ? 0 : scope_ids_.back(), path()};
  } else if (actual && singleton && flag) {
    note(MarshalNote::kFlag);
  }
  recs_.push_back({static_cast<uint32_t>(out_.size()), -1, flag, !singleton});
  referenced_.push_back(false);
  if (!key.empty()) table_.emplace(key, rec);
  if (entries_ && is_target_[rec] && !scopes_.empty())
    target_paths_[rec] = {scope_ids_.back(), path()};
  if (!entries_ && !wanted_targets_.empty() && in_scope &&
      target_chains_.count(scopes_.back().chain)) {
    std::string full = scopes_.back().chain + ":" + (here.empty() ? path() : here);
    if (wanted_targets_.count(full)) targets_.emplace(full, std::make_pair(rec, value_key(n)));
  }
  u8(static_cast<uint8_t>(type));
  return type;
}

void Writer::str_body(char type, std::string_view s) {
  if (type == 'u' || type == 't') {
    u32(static_cast<uint32_t>(s.size()));
    out_ += s;
    return;
  }
  // One byte per character: ASCII, or Latin-1 in an odd file.
  std::string one = is_ascii(s) ? std::string(s) : to_latin1(s);
  if (type == 'z' || type == 'Z') u8(static_cast<uint8_t>(one.size()));
  else u32(static_cast<uint32_t>(one.size()));
  out_ += one;
}

void Writer::int_body(char type, const BigInt& v) {
  if (type == 'i') {
    i32(static_cast<int32_t>(*v.to_int64()));
    return;
  }
  // 'l': signed digit count, then 15-bit digits, least significant first.
  const std::vector<uint16_t>& digits = v.digits15();
  int32_t n = static_cast<int32_t>(digits.size());
  i32(v.is_negative() ? -n : n);
  for (uint16_t d : digits) {
    u8(static_cast<uint8_t>(d));
    u8(static_cast<uint8_t>(d >> 8));
  }
}

void Writer::object(const Object& o, Field field, int depth, bool set_item) {
  if (stop_) return;
  if (o.kind == ObjKind::Code && o.code) {
    // A nested code object: its own scope and paths.
    code(*o.code, false);
    return;
  }
  Node n{Node::kObj, field};
  n.depth = depth;
  n.set_item = set_item;
  n.obj = &o;
  char type = begin(n);
  switch (type) {
    case 'i': case 'l': return int_body(type, o.int_value);
    case 'g': return u64(std::bit_cast<uint64_t>(o.real));
    case 'y':
      u64(std::bit_cast<uint64_t>(o.real));
      return u64(std::bit_cast<uint64_t>(o.imag));
    case 's':
      u32(static_cast<uint32_t>(o.data.size()));
      out_ += o.data;
      return;
    case 'z': case 'Z': case 'a': case 'A': case 'u': case 't': return str_body(type, o.data);
    case ')': case '(': case '>': {
      count(type, o.items.size());
      for (size_t i = 0; i < o.items.size() && !stop_; ++i) {
        index_.push_back(static_cast<uint32_t>(i));
        object(*o.items[i], field, depth + 1, type == '>');
        index_.pop_back();
      }
      return;
    }
    case 'c': return;  // a code object without code (unresolved reference)
    default: return;   // None, True, ..., or a reference
  }
}

void Writer::name_tuple(Field f, const std::vector<std::string>& names) {
  field_ = f;
  Node n{Node::kNameTuple, f};
  n.names = &names;
  char type = begin(n);
  if (!type) return;
  count(type, names.size());
  for (size_t i = 0; i < names.size() && !stop_; ++i) {
    index_.assign(1, static_cast<uint32_t>(i));
    Node item{Node::kStr, f};
    item.depth = 1;
    item.text = names[i];
    item.interned = true;
    if (char t = begin(item)) str_body(t, names[i]);
  }
  index_.clear();
}

void Writer::bytes_field(Field f, std::string_view data) {
  field_ = f;
  Node n{Node::kBytes, f};
  n.text = data;
  if (begin(n)) {
    u32(static_cast<uint32_t>(data.size()));
    out_ += data;
  }
}

void Writer::str_field(Field f, std::string_view s, bool interned, std::string_view same_key) {
  field_ = f;
  Node n{Node::kStr, f};
  n.text = s;
  n.interned = interned;
  n.same_key = same_key;
  if (char t = begin(n)) str_body(t, s);
}

void Writer::code(const Code& c, bool root) {
  if (stop_) return;
  // Enter the code object's scope.
  Scope scope;
  scope.code = &c;
  if (scopes_.empty()) scope.chain = "^";
  else if (scopes_.back().chain == "^") scope.chain = c.block_id;
  else scope.chain = scopes_.back().chain + "." + c.block_id;
  if (has_notes_)
    for (const MarshalNote& m : c.marshal_notes) scope.notes[m.path].push_back(&m);
  Field saved_field = field_;
  std::vector<uint32_t> saved_index = std::move(index_);
  index_.clear();
  scopes_.push_back(std::move(scope));
  scope_ids_.push_back(scope_chain_by_id_.size());
  scope_chain_by_id_.push_back(scopes_.back().chain);
  scope_code_by_id_.push_back(&c);

  field_ = Field::kSelf;
  Node self{Node::kCode, Field::kSelf};
  self.code = &c;
  self.root = root;
  if (begin(self) == 'c') {
    i32(c.argcount);
    if (v_.at_least(8)) i32(c.posonlyargcount);
    i32(c.kwonlyargcount);
    if (!v_.at_least(11))  // co_nlocals
      i32(c.nlocals_override ? *c.nlocals_override : static_cast<int32_t>(c.varnames.size()));
    i32(c.stacksize);
    i32(static_cast<int32_t>(c.flags));
    bytes_field(Field::kCode, c.code_bytes);

    field_ = Field::kConsts;
    Node consts{Node::kConstTuple, Field::kConsts};
    consts.items = &c.consts;
    if (char t = begin(consts)) {
      count(t, c.consts.size());
      for (size_t i = 0; i < c.consts.size() && !stop_; ++i) {
        field_ = Field::kConsts;
        index_.assign(1, static_cast<uint32_t>(i));
        object(*c.consts[i], Field::kConsts, 1, false);
      }
      index_.clear();
    }
    name_tuple(Field::kNames, c.names);
    if (v_.at_least(11)) {
      LocalsPlus lp = localsplus(c);
      name_tuple(Field::kLocals, lp.names);
      bytes_field(Field::kKinds, lp.kinds);
    } else {
      name_tuple(Field::kVarnames, c.varnames);
      name_tuple(Field::kFreevars, c.freevars);
      name_tuple(Field::kCellvars, c.cellvars);
    }
    bool v313 = v_.at_least(13);
    str_field(Field::kFilename, c.filename, v313);
    bool name_int = name_interned(v_, c.name);
    str_field(Field::kName, c.name, name_int);
    if (v_.at_least(11)) {
      // 3.11/3.12: a qualname equal to the name is the same object.
      bool as_name = !v313 && c.qualname == c.name;
      std::string same;
      if (as_name && name_int) same = "S" + c.name;
      else if (as_name && is_compiler_name(c.name)) same = "s" + c.name;
      str_field(Field::kQualname, c.qualname, v313 || (as_name && name_int), same);
    }
    if (!stop_) {
      i32(c.firstlineno);
      bytes_field(Field::kLinetable, c.raw_linetable ? *c.raw_linetable : c.linetable);
      if (v_.at_least(11))
        bytes_field(Field::kExctable,
                    c.raw_exceptiontable ? *c.raw_exceptiontable : c.exceptiontable);
    }
  }

  if (entries_ && !scopes_.back().observed.empty())
    observed_.push_back({&c, std::move(scopes_.back().observed)});
  scopes_.pop_back();
  scope_ids_.pop_back();
  field_ = saved_field;
  index_ = std::move(saved_index);
}

std::string Writer::finish() {
  // Flags: an object referenced later needs one; in observer mode, a flag
  // that differs from the rule becomes a note.
  std::vector<uint32_t> slot_of(recs_.size(), 0);
  uint32_t next = 0;
  for (size_t i = 0; i < recs_.size(); ++i) {
    Rec& r = recs_[i];
    if (r.target >= 0) continue;
    bool flag = r.flag || (referenced_[i] && r.slot);
    if (entries_ && i < rec_paths_.size() && !rec_paths_[i].second.empty()) {
      // The rule's flag differed from the file's; unless a reference forces
      // the file's flag anyway, note it.
      if (!(referenced_[i] && r.flag)) {
        MarshalNote m;
        m.kind = r.flag ? MarshalNote::kFlag : MarshalNote::kNoFlag;
        m.path = rec_paths_[i].second;
        size_t scope_id = rec_paths_[i].first;
        const Code* owner = scope_code_by_id_[scope_id];
        auto it = std::find_if(observed_.begin(), observed_.end(),
                               [&](const ObservedCode& oc) { return oc.code == owner; });
        if (it == observed_.end()) {
          observed_.push_back({owner, {}});
          it = observed_.end() - 1;
        }
        it->notes.push_back(std::move(m));
      }
    }
    if (flag) {
      out_[r.type_pos] = static_cast<char>(static_cast<uint8_t>(out_[r.type_pos]) | kFlagRef);
      if (r.slot) slot_of[i] = next++;
    }
  }
  for (const Rec& r : recs_) {
    if (r.target < 0) continue;
    uint32_t s = slot_of[r.target];
    for (int b = 0; b < 4; ++b) out_[r.type_pos + 1 + b] = static_cast<char>(s >> (8 * b));
  }
  return std::move(out_);
}

void put_u32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
}

}  // namespace

std::string marshal_dumps(const Object& obj, Version version) {
  Writer w(version);
  w.object(obj, Field::kObject, 0, false);
  return w.finish();
}

std::string marshal_dumps_code(const std::shared_ptr<const Code>& code) {
  Writer w(code->version);
  w.prepare_notes(*code);
  w.code(*code, true);
  return w.finish();
}

std::string write_pyc(const std::shared_ptr<const Code>& module, const PycHeader& header,
                      std::vector<const MarshalNote*>* unused) {
  const OpcodeTable* table = opcode_table(module->version);
  uint16_t magic = table ? table->magic : 0;
  std::string out = {static_cast<char>(magic & 0xff), static_cast<char>(magic >> 8), '\r', '\n'};
  // 3.6 has no flags word (PEP 552 came with 3.7).
  if (module->version.at_least(7)) put_u32(out, header.flags);
  if (module->version.at_least(7) && (header.flags & 1)) {
    put_u32(out, static_cast<uint32_t>(header.source_hash));
    put_u32(out, static_cast<uint32_t>(header.source_hash >> 32));
  } else {
    put_u32(out, header.mtime);
    put_u32(out, header.source_size);
  }
  Writer w(module->version);
  w.prepare_notes(*module);
  w.code(*module, true);
  out += w.finish();
  if (unused) *unused = w.unused_notes();
  return out;
}

std::vector<ObservedCode> observe_marshal(const Code& module, const std::vector<StreamEntry>& entries,
                                          std::string& bytes, long describe_entry,
                                          std::string* description) {
  Writer w(module.version);
  w.observe(&entries, describe_entry, description);
  w.code(module, true);
  bytes = w.finish();
  return w.take_observed();
}

// --- the text of notes ------------------------------------------------------

namespace {

bool valid_path(std::string_view p) {
  static constexpr std::array<std::string_view, 15> kFields = {
      "self", "code", "consts", "names", "varnames", "freevars", "cellvars", "locals",
      "kinds", "filename", "name", "qualname", "lnotab", "linetable", "exctable"};
  size_t dot = p.find('.');
  std::string_view field = p.substr(0, dot);
  if (std::find(kFields.begin(), kFields.end(), field) == kFields.end()) return false;
  while (dot != std::string_view::npos) {
    size_t next = p.find('.', dot + 1);
    std::string_view num = p.substr(dot + 1, next == std::string_view::npos ? next : next - dot - 1);
    if (num.empty() || num.size() > 9 ||
        !std::all_of(num.begin(), num.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return false;
    dot = next;
  }
  return true;
}

bool valid_block(std::string_view b) {
  if (b == "^") return true;
  if (b.empty() || b.front() == '.' || b.back() == '.') return false;
  return std::all_of(b.begin(), b.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '<' ||
           c == '>';
  });
}

}  // namespace

std::optional<std::vector<MarshalNote>> parse_marshal_notes(std::string_view text,
                                                            std::string& error) {
  std::vector<MarshalNote> out;
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == ' ' || text[i] == '\t') {
      ++i;
      continue;
    }
    size_t end = text.find_first_of(" \t", i);
    if (end == std::string_view::npos) end = text.size();
    std::string_view item = text.substr(i, end - i);
    i = end;
    MarshalNote n;
    std::string_view p = item;
    if (item[0] == '+' || item[0] == '-' || item[0] == '!') {
      n.kind = item[0] == '+' ? MarshalNote::kFlag
               : item[0] == '-' ? MarshalNote::kNoFlag
                                : MarshalNote::kDistinct;
      p = item.substr(1);
    } else if (size_t eq = item.find('='); eq != std::string_view::npos) {
      n.kind = MarshalNote::kSame;
      p = item.substr(0, eq);
      std::string_view t = item.substr(eq + 1);
      if (size_t colon = t.find(':'); colon != std::string_view::npos) {
        n.target_block = std::string(t.substr(0, colon));
        t = t.substr(colon + 1);
        if (!valid_block(n.target_block)) {
          error = "bad code block '" + n.target_block + "' in marshal note '" + std::string(item) +
                  "'";
          return std::nullopt;
        }
      }
      if (!valid_path(t)) {
        error = "bad target path in marshal note '" + std::string(item) + "'";
        return std::nullopt;
      }
      n.target_path = std::string(t);
    } else if (size_t tilde = item.find('~'); tilde != std::string_view::npos) {
      n.kind = MarshalNote::kType;
      p = item.substr(0, tilde);
      std::string_view t = item.substr(tilde + 1);
      static constexpr std::string_view kTypes = "zZaAuti()l";
      if (t.size() != 1 || kTypes.find(t[0]) == std::string_view::npos) {
        error = "bad type code in marshal note '" + std::string(item) +
                "' (one of z Z a A u t i l ( ) expected)";
        return std::nullopt;
      }
      n.type = t[0];
    } else {
      error = "marshal note '" + std::string(item) +
              "' is not +PATH, -PATH, !PATH, PATH=TARGET or PATH~TYPE";
      return std::nullopt;
    }
    if (!valid_path(p)) {
      error = "bad path '" + std::string(p) + "' in marshal note '" + std::string(item) + "'";
      return std::nullopt;
    }
    n.path = std::string(p);
    out.push_back(std::move(n));
  }
  return out;
}

std::string format_marshal_notes(const std::vector<MarshalNote>& notes) {
  std::string out;
  for (const MarshalNote& n : notes) {
    if (!out.empty()) out += ' ';
    switch (n.kind) {
      case MarshalNote::kFlag: out += '+' + n.path; break;
      case MarshalNote::kNoFlag: out += '-' + n.path; break;
      case MarshalNote::kDistinct: out += '!' + n.path; break;
      case MarshalNote::kSame:
        out += n.path + '=';
        if (!n.target_block.empty()) out += n.target_block + ':';
        out += n.target_path;
        break;
      case MarshalNote::kType:
        out += n.path + '~';
        out += n.type;
        break;
    }
  }
  return out;
}

}  // namespace pyasm
