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
#include <charconv>
#include <cstring>
#include <deque>
#include <optional>
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

// The bit of the field a path starts with (by either spelling of the line
// table), for a quick "no note here" test.
uint32_t field_bit(std::string_view name) {
  for (int f = 0; f <= static_cast<int>(Field::kObject); ++f) {
    if (name == field_name(static_cast<Field>(f), Version{3, 9}) ||
        name == field_name(static_cast<Field>(f), Version{3, 10}))
      return 1u << f;
  }
  return 0;
}

// A path's field and first item index, as one number ((field << 32) | index),
// for a quick "no note on this item" test; none for a path without an index.
std::optional<uint64_t> path_item(std::string_view path) {
  size_t dot = path.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  uint32_t bit = field_bit(path.substr(0, dot));
  std::string_view num = path.substr(dot + 1);
  uint32_t index = 0;
  if (!bit || std::from_chars(num.data(), num.data() + num.size(), index).ec != std::errc())
    return std::nullopt;
  return static_cast<uint64_t>(std::countr_zero(bit)) << 32 | index;
}

bool is_ascii(std::string_view s) {
  const char* p = s.data();
  const size_t n = s.size();
  uint64_t any = 0;
  if (n >= 8) {
    for (size_t i = 0; i + 8 <= n; i += 8) {
      uint64_t w;
      std::memcpy(&w, p + i, 8);
      any |= w;
    }
    uint64_t last;  // the last 8 bytes, overlapping what was read
    std::memcpy(&last, p + n - 8, 8);
    any |= last;
  } else if (n >= 4) {
    uint32_t a, b;  // the first 4 and the last 4
    std::memcpy(&a, p, 4);
    std::memcpy(&b, p + n - 4, 4);
    any = a | b;
  } else {
    for (size_t i = 0; i < n; ++i) any |= static_cast<uint8_t>(p[i]);
  }
  return (any & 0x8080808080808080ull) == 0;
}

// CPython caches '' and the 1-character strings below U+0100.
bool is_char_singleton(std::string_view utf8) {
  if (utf8.size() <= 1) return true;
  auto b0 = static_cast<uint8_t>(utf8[0]);
  return utf8.size() == 2 && (b0 == 0xc2 || b0 == 0xc3);
}

bool is_compiler_name(std::string_view s) {
  if (s.size() < 8 || s[0] != '<') return false;
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

// None, True, False, Ellipsis and StopIteration.
bool singleton_type(char t) {
  switch (t) {
    case 'N': case 'T': case 'F': case '.': case 'S': return true;
    default: return false;
  }
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

// kAlive by hash (const_hash_of_str), made at compile time: the writer has
// the string's hash already, so a lookup is a probe or two and one compare.
// Open addressing, linear probing, a third full; slots hold index + 1.
constexpr size_t kAliveSlots = std::bit_ceil(std::size(kAlive) * 3);
constexpr int kAliveShift = 64 - std::countr_zero(kAliveSlots);
using AliveIndex = std::array<uint16_t, kAliveSlots>;
static_assert(std::size(kAlive) < 0xffff);

constexpr size_t alive_slot(uint64_t hash) {
  return static_cast<size_t>((hash * detail::kHashMul) >> kAliveShift);
}

constexpr AliveIndex make_alive_index() {
  AliveIndex index{};
  for (size_t e = 0; e < std::size(kAlive); ++e) {
    size_t i = alive_slot(const_hash_of_str(kAlive[e].text));
    while (index[i]) i = (i + 1) & (kAliveSlots - 1);
    index[i] = static_cast<uint16_t>(e + 1);
  }
  return index;
}
constexpr AliveIndex kAliveIndex = make_alive_index();

// `hash`: const_hash_of_str(s).
bool alive_in_compiler(Version v, std::string_view s, uint64_t hash) {
  if (v.minor < 6 || v.minor > 10) return false;
  for (size_t i = alive_slot(hash); kAliveIndex[i]; i = (i + 1) & (kAliveSlots - 1)) {
    const AliveString& a = kAlive[kAliveIndex[i] - 1];
    if (equal_text(a.text, s)) return (a.versions >> (v.minor - 6)) & 1;
  }
  return false;
}

// The identity the writer gives an object: objects with equal keys are one
// object, written once and then referenced. By text: 'S' an interned or
// cached string, 's' a compiler name that is not interned, 'B' cached
// bytes, 'F' the filename, 'C' co_code (3.10), 'L' a line table, 'E' an
// exception table. 'I' a cached small int, '(' the empty tuple, 'P' one
// object by identity, 'K' a constant by value (equal exactly when the
// const_keys are), 'k' the same within one code object. No tag: a fresh
// object. A key points into the objects being written, so costs no
// allocation.
struct Key {
  ConstRef value;   // 'K', 'k'; the text of the text tags
  uint64_t id = 0;  // 'I': the int; 'P': the object; 'k': the code object
  uint64_t hash = 0;
  char tag = 0;

  explicit operator bool() const { return tag != 0; }
  bool operator==(const Key& o) const {
    if (tag != o.tag || hash != o.hash) return false;
    switch (tag) {
      case 'I': return id == o.id;
      case '(': return true;
      case 'P': return id == o.id;
      case 'K': return const_equal(value, o.value);
      case 'k': return id == o.id && const_equal(value, o.value);
      default: return equal_text(value.text(), o.value.text());
    }
  }
};

constexpr uint64_t kMul = detail::kHashMul;
using detail::hash_mix;

// `text_hash`: const_hash_of_str(text), which the caller may have already.
Key text_key(char tag, std::string_view text, uint64_t text_hash) {
  Key k;
  k.tag = tag;
  k.value = ConstRef::of_str(text);
  k.hash = hash_mix(text_hash, static_cast<uint8_t>(tag));
  return k;
}

// `value_hash`: const_hash(value).
Key value_key_of(char tag, const ConstRef& value, uint64_t value_hash,
                 const void* scope = nullptr) {
  Key k;
  k.tag = tag;
  k.value = value;
  k.id = reinterpret_cast<uintptr_t>(scope);
  k.hash = hash_mix(hash_mix(value_hash, static_cast<uint8_t>(tag)),
                    reinterpret_cast<uintptr_t>(scope));
  return k;
}

Key pointer_key(const void* p) {
  Key k;
  k.tag = 'P';
  k.id = reinterpret_cast<uintptr_t>(p);
  k.hash = hash_mix('P', reinterpret_cast<uintptr_t>(p));
  return k;
}

Key small_int_key(int64_t v) {
  Key k;
  k.tag = 'I';
  k.id = static_cast<uint64_t>(v);
  k.hash = hash_mix('I', static_cast<uint64_t>(v));
  return k;
}

Key empty_tuple_key() {
  Key k;
  k.tag = '(';
  k.hash = hash_mix('(', 0);
  return k;
}

// Key -> the record of the first object written with it. Open addressing
// (linear probing, at most half full); slots hold an entry number and the
// low bits of its hash.
class KeyTable {
 public:
  // Where find() stopped: the key's record, or -1 and the free slot where
  // insert() puts it (one probe for both).
  struct Probe {
    int32_t rec;
    size_t slot;
  };
  [[gnu::always_inline]] Probe find(const Key& k) const {
    const auto lo = static_cast<uint32_t>(k.hash);
    for (size_t i = index(k.hash);; i = (i + 1) & (slots_.size() - 1)) {
      const Slot& s = slots_[i];
      if (s.entry == 0) return {-1, i};
      // `k` on the left: its tag is often a constant where find() is
      // inlined (name(): 'S'), so the compare's switch folds away.
      if (s.hash == lo && k == entries_[s.entry - 1].key) return {entries_[s.entry - 1].rec, i};
    }
  }
  // Room for about `n` keys without growing.
  void reserve(size_t n) {
    entries_.reserve(n);
    if (n * 2 > slots_.size()) grow(std::bit_ceil(n * 2));
  }
  // `p`: find(k) found no record, and nothing was inserted since.
  [[gnu::always_inline]] void insert(const Probe& p, const Key& k, int32_t rec) {
    entries_.push_back({k, rec});
    if (entries_.size() * 2 > slots_.size()) {
      grow();  // places every entry anew
      return;
    }
    slots_[p.slot] = {static_cast<uint32_t>(entries_.size()), static_cast<uint32_t>(k.hash)};
  }

 private:
  struct Slot {
    uint32_t entry = 0;  // 1-based; 0: empty
    uint32_t hash = 0;
  };
  // The table before reserve() or the first insert(): two empty slots, so
  // that find() needs no check for an empty table (an insert() grows it).
  static constexpr size_t kFirstSlots = 2;
  struct Entry {
    Key key;
    int32_t rec;
  };
  size_t index(uint64_t h) const { return static_cast<size_t>((h * kMul) >> shift_); }
  void place(uint32_t entry) {
    uint64_t h = entries_[entry - 1].key.hash;
    size_t i = index(h);
    while (slots_[i].entry) i = (i + 1) & (slots_.size() - 1);
    slots_[i] = {entry, static_cast<uint32_t>(h)};
  }
  void grow(size_t n = 0) {
    if (n == 0) n = slots_.size() <= kFirstSlots ? 1024 : slots_.size() * 2;
    slots_.assign(n, Slot{});
    shift_ = 64 - std::countr_zero(n);
    for (uint32_t e = 1; e <= entries_.size(); ++e) place(e);
  }

  std::vector<Entry> entries_;
  std::vector<Slot> slots_ = std::vector<Slot>(kFirstSlots);
  int shift_ = 64 - std::countr_zero(kFirstSlots);
};

// The output. The walk appends a few bytes at a time, some hundred
// thousand times over a module set: they gather in a small buffer, copied
// out when full or before a long run of bytes, so that each append is a
// store and a check (std::string's push_back is a call; growing it by
// resize() first would zero what is then overwritten).
class Out {
 public:
  size_t size() const { return str_.size() + used_; }
  void reserve(size_t n) { str_.reserve(n); }
  // Room for `n` (at most kBuf) more bytes, which the caller fills.
  char* grow(size_t n) {
    if (used_ + n > kBuf) flush();
    char* p = buf_ + used_;
    used_ += n;
    return p;
  }
  void append(std::string_view s) {
    if (s.size() <= kBuf / 8) {
      if (!s.empty()) std::memcpy(grow(s.size()), s.data(), s.size());
      return;
    }
    flush();
    str_ += s;
  }
  // All bytes written, for patching in place.
  std::string& bytes() {
    flush();
    return str_;
  }

 private:
  static constexpr size_t kBuf = 512;
  [[gnu::noinline]] void flush() {
    str_.append(buf_, used_);
    used_ = 0;
  }
  std::string str_;
  char buf_[kBuf];
  size_t used_ = 0;
};

// A set of pointers without a node allocation per element (open
// addressing, linear probing, at most half full).
class PointerSet {
 public:
  // False when `p` was in the set already.
  bool insert(const void* p) {
    if ((count_ + 1) * 2 > slots_.size()) grow();
    size_t i = slot(p);
    for (; slots_[i]; i = (i + 1) & (slots_.size() - 1))
      if (slots_[i] == p) return false;
    slots_[i] = p;
    ++count_;
    return true;
  }

 private:
  size_t slot(const void* p) const {
    return static_cast<size_t>((reinterpret_cast<uintptr_t>(p) * kMul) >> shift_);
  }
  void grow() {
    std::vector<const void*> old = std::move(slots_);
    slots_.assign(old.empty() ? 64 : old.size() * 2, nullptr);
    shift_ = 64 - std::countr_zero(slots_.size());
    for (const void* p : old) {
      if (!p) continue;
      size_t i = slot(p);
      while (slots_[i]) i = (i + 1) & (slots_.size() - 1);
      slots_[i] = p;
    }
  }
  std::vector<const void*> slots_;
  size_t count_ = 0;
  int shift_ = 64;
};

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
  char same_tag = 0;  // kStr: 'S' or 's': one object with co_name (qualname == name)
  // The value's const_hash, once known: a caller that hashed the value for
  // its container's key hands it down; else begin() computes it when a key
  // needs it. For a string it is also const_hash_of_str of the text.
  mutable bool hashed = false;
  mutable uint64_t hash = 0;
  void set_hash(uint64_t h) const {
    hashed = true;
    hash = h;
  }
};

struct Rec {
  uint32_t type_pos;
  int32_t target;  // a reference: the record it refers to; -1: written in full
  bool flag;
  bool slot;        // takes a reference slot when flagged (not None/True/...)
  bool referenced;  // a later record refers to it
  uint32_t slot_no = 0;  // set in finish(), when flagged
};

// Where an object is in its code object's stream, kept as numbers until a
// note needs it as text (a path).
struct Place {
  uint32_t scope = 0;  // the scope's serial number
  Field field = Field::kObject;
  uint32_t first = 0;  // its item indices: Writer::place_index_[first, first + depth)
  uint32_t depth = 0;
  bool set = false;
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
      is_target_.assign(entries_->size(), 0);
      for (const StreamEntry& e : *entries_)
        if (e.ref >= 0 && static_cast<size_t>(e.ref) < entries_->size()) is_target_[e.ref] = 1;
      target_places_.resize(entries_->size());
      // The stream that was read is about as long as the one written.
      if (!entries_->empty()) out_.reserve(out_.size() + entries_->back().offset + 64);
      recs_.reserve(entries_->size());
      table_.reserve(entries_->size());
    }
  }
  // Bytes before the stream (the pyc header); offsets stay those of out_.
  void prefix(std::string_view bytes) { out_.append(bytes); }

  void code(const Code& c, bool root);
  // `hash`: the object's const_hash, when the caller has it.
  void object(const Object& o, Field field, int depth, bool set_item,
              std::optional<uint64_t> hash = std::nullopt);
  std::string finish();

  std::vector<ObservedCode> take_observed() { return std::move(observed_); }
  std::vector<const MarshalNote*> unused_notes() const;
  bool stopped() const { return stop_; }

 private:
  struct Scope {
    const Code* code;
    uint32_t id;        // serial number (scope_info_)
    std::string chain;  // with notes only: "^" for the module, else "f.g"
    std::unordered_map<std::string, std::vector<const MarshalNote*>> notes;
    uint32_t note_fields = 0;     // bit per Field the notes' paths start with
    uint32_t target_fields = 0;   // the same for the notes' targets in this code object
    std::vector<uint64_t> noted_items;  // path_item of the notes and the targets, sorted
    std::vector<MarshalNote> observed;
  };
  struct ScopeInfo {
    const Code* code;
    int32_t parent;  // serial number; -1 for the outermost
  };

  // Emitting.
  // Inlined: a call costs as much as the store.
  [[gnu::always_inline]] void u8(uint8_t b) { *out_.grow(1) = static_cast<char>(b); }
  [[gnu::always_inline]] void u32(uint32_t v) {
    char* p = out_.grow(4);
    p[0] = static_cast<char>(v);
    p[1] = static_cast<char>(v >> 8);
    p[2] = static_cast<char>(v >> 16);
    p[3] = static_cast<char>(v >> 24);
  }
  void i32(int32_t v) { u32(static_cast<uint32_t>(v)); }
  void u64(uint64_t v) {
    u32(static_cast<uint32_t>(v));
    u32(static_cast<uint32_t>(v >> 32));
  }

  // Visits `n`: writes a reference and returns 0, or writes the type byte and
  // returns the type code the caller writes the body for.
  char begin(const Node& n);
  // begin() where notes or a file read may depart from the rule: out of
  // line, so that the rule's path saves no registers for it.
  [[gnu::noinline]] char begin_noted(const Node& n);
  // begin() for an item of a name tuple, the commonest object by far, with
  // the rule spelled out for it, where rule_only() or a file is read;
  // kGeneral (writing nothing) where the file read may say otherwise, for
  // begin() to decide.
  static constexpr char kGeneral = '?';
  char name(std::string_view text, uint64_t hash);
  // Whether begin() would apply the rule alone to an object of the current
  // field: no file read to follow, no note on the field nor a note's target
  // in it. Then a caller that knows the rule's type, key and flag for its
  // object may hand them to emit() instead.
  bool rule_only() const {
    if (entries_) return false;
    if (!has_notes_) return true;
    if (scopes_.empty()) return false;
    const Scope& s = scopes_.back();
    return !(((s.note_fields | s.target_fields) >> static_cast<int>(field_)) & 1);
  }
  // begin()'s end once type, key and flag are decided: a reference to the
  // first object written with `key` (returns 0), or the type byte.
  char emit(char type, const Key& key, bool flag);
  // Writes a reference to record `target`.
  void reference(int32_t target) {
    recs_.push_back({static_cast<uint32_t>(out_.size()), target, false, false, false});
    recs_[target].referenced = true;
    char* p = out_.grow(5);
    p[0] = 'r';
    std::memset(p + 1, 0, 4);  // patched in finish()
  }
  // `ascii`: the caller knows `s` is ASCII.
  void str_body(char type, std::string_view s, bool ascii = false);
  // str_body() of a one-byte type for text beyond ASCII (an odd file):
  // out of line, so that the common path builds no string.
  [[gnu::noinline]] void latin1_body(char type, std::string_view s);
  void int_body(char type, const BigInt& v);
  void count(char type, size_t n) {
    if (type == ')') u8(static_cast<uint8_t>(n));
    else u32(static_cast<uint32_t>(n));
  }
  [[gnu::noinline]] void name_tuple(Field f, const std::vector<std::string>& names);
  // begin() for a constant (not a code object) on 3.9 and 3.10 when
  // rule_only(), with the rule spelled out for it: the type, key and flag
  // that default_type(), cached_key(), share_key() and default_flag() give,
  // without a Node and their switches over its kind and field. `hash`: its
  // const_hash, when the caller has it. Out of line: object() recurses.
  [[gnu::noinline]] char const_object(const Object& o, int depth, const uint64_t* hash);
  // code()'s scope setup for notes, on the scope just entered (out of line:
  // code() recurses).
  [[gnu::noinline]] void enter_notes(const Code& c);
  // A code object's counts and flags, before co_code: in one call, where
  // code() called i32() for each.
  [[gnu::noinline]] void code_header(const Code& c) {
    u32(static_cast<uint32_t>(c.argcount));
    if (v_.at_least(8)) u32(static_cast<uint32_t>(c.posonlyargcount));
    u32(static_cast<uint32_t>(c.kwonlyargcount));
    if (!v_.at_least(11))  // co_nlocals
      u32(static_cast<uint32_t>(c.nlocals_override ? *c.nlocals_override
                                                   : static_cast<int32_t>(c.varnames.size())));
    u32(static_cast<uint32_t>(c.stacksize));
    u32(c.flags);
  }
  // Out of line, as name_tuple(): code() recurses per nesting level, and
  // its frame must stay small.
  [[gnu::noinline]] void bytes_field(Field f, std::string_view data);
  [[gnu::noinline]] void str_field(Field f, std::string_view s, bool interned, char same_tag = 0);

  // Rules. Inlined: begin() applies them on two paths, and called they cost
  // 1.3 M Ir more on the 3.10 set (calls, Key copies).
  [[gnu::always_inline]] inline char default_type(const Node& n) const;
  bool type_fits(const Node& n, char t) const;
  [[gnu::always_inline]] inline Key cached_key(const Node& n) const;
  uint64_t value_hash(const Node& n) const;
  uint64_t text_hash(const Node& n) const;  // const_hash_of_str of its text
  // `cached`: cached_key(n), which both need.
  [[gnu::always_inline]] inline Key share_key(const Node& n, char type, const Key& cached) const;
  [[gnu::always_inline]] inline bool default_flag(const Node& n, char type, bool cached) const;
  std::string value_key(const Node& n) const;

  // finish() in observer mode: the note on record `i`'s flag, if any.
  [[gnu::noinline]] void flag_note(size_t i);

  // Paths.
  std::string path() const;
  Place here();
  std::string path_of(const Place& p) const;
  std::string chain_of(uint32_t scope) const;
  void note(MarshalNote::Kind kind, std::string target_block = {}, std::string target_path = {},
            char type = 0);
  // The item index below the current field (a code object's own start at
  // index_base_).
  void set_index(uint32_t i) {
    if (index_.size() == index_base_ + 1) {  // the next item of the same tuple
      index_.back() = i;
      return;
    }
    index_.resize(index_base_);
    index_.push_back(i);
  }
  void clear_index() { index_.resize(index_base_); }

  Version v_;
  Out out_;
  std::vector<Rec> recs_;
  KeyTable table_;                 // share key -> first record
  std::vector<uint64_t> hashes_;   // items' hashes handed down, a stack
  std::deque<LocalsPlus> locals_;  // 3.11+ localsplus: keys point into them
  std::deque<std::string> kinds_;  // the same, for the kinds alone
  // The record of the empty tuple, once name_tuple() has written it in
  // full by the rule: the record its key names from then on.
  int32_t empty_rec_ = -1;
  // After the empty tuple was written in full: keeps its record when it is
  // the one its key names (once per file; out of line, as a look-up inlined
  // into name_tuple() cost it more than it saved).
  [[gnu::noinline]] void note_empty_tuple() {
    const auto rec = static_cast<int32_t>(recs_.size()) - 1;
    if (table_.find(empty_tuple_key()).rec == rec) empty_rec_ = rec;
  }
  // The last co_filename the rule wrote, and the record its key names.
  std::string_view filename_;
  int32_t filename_rec_ = -1;

  // Where the walk is.
  std::vector<Scope> scopes_;
  std::vector<ScopeInfo> scope_info_;  // by serial number
  Field field_ = Field::kObject;
  std::vector<uint32_t> index_;  // item indices below the field, from index_base_
  size_t index_base_ = 0;

  // Normal mode.
  bool has_notes_ = false;
  // A note's target's chain -> bit per Field the targets' paths start with,
  // and their path_item.
  struct Targets {
    uint32_t fields = 0;
    std::vector<uint64_t> items;
  };
  std::unordered_map<std::string, Targets> target_chains_;
  std::unordered_set<std::string> wanted_targets_;                    // "chain:path"
  std::unordered_map<std::string, std::pair<int32_t, std::string>> targets_;  // -> record, value
  std::unordered_set<const MarshalNote*> used_;
  std::vector<const MarshalNote*> all_notes_;

  // Observer mode.
  const std::vector<StreamEntry>* entries_ = nullptr;
  std::vector<uint8_t> is_target_;  // per entry: a reference names it
  std::vector<Place> rec_places_;     // per record whose flag the rule does not give
  std::vector<Place> target_places_;  // per entry that a reference names
  std::vector<uint32_t> place_index_;
  long describe_entry_ = -1;
  std::string* description_ = nullptr;
  bool stop_ = false;
  std::vector<ObservedCode> observed_;
};

// --- paths ----------------------------------------------------------------

std::string Writer::path() const {
  std::string p = field_name(field_, v_);
  for (size_t i = index_base_; i < index_.size(); ++i) {
    p += '.';
    p += std::to_string(index_[i]);
  }
  return p;
}

Place Writer::here() {
  Place p;
  p.scope = scopes_.empty() ? 0 : scopes_.back().id;
  p.field = field_;
  p.first = static_cast<uint32_t>(place_index_.size());
  p.depth = static_cast<uint32_t>(index_.size() - index_base_);
  p.set = true;
  place_index_.insert(place_index_.end(), index_.begin() + static_cast<long>(index_base_),
                      index_.end());
  return p;
}

std::string Writer::path_of(const Place& p) const {
  std::string s = field_name(p.field, v_);
  for (uint32_t i = 0; i < p.depth; ++i) {
    s += '.';
    s += std::to_string(place_index_[p.first + i]);
  }
  return s;
}

std::string Writer::chain_of(uint32_t scope) const {
  const ScopeInfo& s = scope_info_[scope];
  if (s.parent < 0) return "^";
  std::string parent = chain_of(static_cast<uint32_t>(s.parent));
  return parent == "^" ? s.code->block_id : parent + "." + s.code->block_id;
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
Key compiler_name_key(Version v, std::string_view name, uint64_t hash) {
  return text_key(name_interned(v, name) ? 'S' : 's', name, hash);
}

uint64_t Writer::value_hash(const Node& n) const {
  if (n.hashed) return n.hash;
  switch (n.kind) {
    case Node::kStr: case Node::kBytes: n.set_hash(const_hash_of_str(n.text)); break;
    case Node::kObj: n.set_hash(const_hash(ConstRef::of(*n.obj))); break;
    case Node::kNameTuple: n.set_hash(const_hash(ConstRef::of_names(*n.names))); break;
    case Node::kConstTuple: n.set_hash(const_hash(ConstRef::of_tuple(*n.items))); break;
    case Node::kCode: n.set_hash(0); break;  // keyed by identity
  }
  return n.hash;
}

uint64_t Writer::text_hash(const Node& n) const {
  if (n.kind == Node::kObj && n.obj->kind != ObjKind::Str) return const_hash_of_str(n.obj->data);
  return value_hash(n);
}

// The key of one of CPython's cached objects ('' and 1-character strings
// below U+0100, b'' and 1-byte bytes, ints -5..256, ()), or empty. Not
// cached: the empty 3.6 co_lnotab and a 1-byte 3.11+ co_localspluskinds,
// which CPython builds as fresh objects.
Key Writer::cached_key(const Node& n) const {
  const Object* o = n.kind == Node::kObj ? n.obj : nullptr;
  std::string_view text = o ? std::string_view(o->data) : n.text;
  bool str = n.kind == Node::kStr || (o && o->kind == ObjKind::Str);
  bool bytes = n.kind == Node::kBytes || (o && o->kind == ObjKind::Bytes);
  if (str && is_char_singleton(text)) return text_key('S', text, text_hash(n));
  if (bytes && text.size() <= 1) {
    bool fresh = (n.field == Field::kLinetable && v_.minor == 6 && text.empty()) ||
                 (n.field == Field::kKinds && v_.at_least(11) && text.size() == 1);
    return fresh ? Key() : text_key('B', text, text_hash(n));
  }
  if (o && o->kind == ObjKind::Int) {
    auto small = o->int_value.to_int64();
    if (small && *small >= -5 && *small <= 256) return small_int_key(*small);
  }
  if ((o && o->kind == ObjKind::Tuple && o->items.empty()) ||
      (n.kind == Node::kNameTuple && n.names->empty()) ||
      (n.kind == Node::kConstTuple && n.items->empty()))
    return empty_tuple_key();
  return {};
}

// Equal keys: one object. No key: a fresh object each time.
Key Writer::share_key(const Node& n, char type, const Key& cached) const {
  const Object* o = n.kind == Node::kObj ? n.obj : nullptr;
  std::string_view text = o ? std::string_view(o->data) : n.text;
  bool str = n.kind == Node::kStr || (o && o->kind == ObjKind::Str);
  if (str && type_interned(type)) return text_key('S', text, text_hash(n));
  if (cached) return cached;
  if (n.kind == Node::kCode || (o && o->kind == ObjKind::Code))
    return pointer_key(n.kind == Node::kCode ? static_cast<const void*>(n.code) : o->code.get());
  switch (n.field) {
    case Field::kObject:
      // A lone object: shared by identity, as marshal.dumps sees it.
      if (o) return pointer_key(o);
      return {};
    case Field::kConsts:
      if (n.kind == Node::kConstTuple)  // co_consts itself: merged from 3.8
        return v_.at_least(8) ? value_key_of('K', ConstRef::of_tuple(*n.items), value_hash(n))
                              : Key();
      if (!o) return {};
      if (str && is_compiler_name(text)) return compiler_name_key(v_, text, text_hash(n));
      // From 3.8 the compiler merges constants module-wide (nested ones
      // from 3.10); before, one code object's equal constants are one.
      if (v_.at_least(10) || (v_.at_least(8) && n.depth == 1))
        return value_key_of('K', ConstRef::of(*o), value_hash(n));
      // A folded tuple is a new object, its items the constants it was
      // folded from.
      if (o->kind == ObjKind::Tuple || o->kind == ObjKind::FrozenSet) return {};
      if (v_.at_least(8)) return value_key_of('K', ConstRef::of(*o), value_hash(n));
      return value_key_of('k', ConstRef::of(*o), value_hash(n),
                          scopes_.empty() ? nullptr : scopes_.back().code);
    case Field::kNames: case Field::kVarnames: case Field::kFreevars: case Field::kCellvars:
    case Field::kLocals:
      // Merged with equal constant tuples from 3.8.
      if (n.kind == Node::kNameTuple && v_.at_least(8))
        return value_key_of('K', ConstRef::of_names(*n.names), value_hash(n));
      return {};
    case Field::kFilename: return text_key('F', text, text_hash(n));
    case Field::kName:
      if (is_compiler_name(text)) return compiler_name_key(v_, text, text_hash(n));
      return {};
    case Field::kQualname:
      if (n.same_tag) return text_key(n.same_tag, text, text_hash(n));
      // A class body's qualname is also its first constant.
      if (v_.at_least(11) && !(scopes_.back().code->flags & kOptimized))
        return value_key_of('K', ConstRef::of_str(text), text_hash(n));
      return {};
    case Field::kCode: return v_.minor == 10 ? text_key('C', text, text_hash(n)) : Key();
    case Field::kLinetable: return v_.at_least(10) ? text_key('L', text, text_hash(n)) : Key();
    case Field::kExctable: return text_key('E', text, text_hash(n));
    default: return {};
  }
}

bool Writer::default_flag(const Node& n, char type, bool cached) const {
  // None, True, False, Ellipsis and StopIteration are never flagged.
  if (singleton_type(type)) return false;
  const Object* o = n.kind == Node::kObj ? n.obj : nullptr;
  std::string_view text = o ? std::string_view(o->data) : n.text;
  bool str = n.kind == Node::kStr || (o && o->kind == ObjKind::Str);
  if (cached) return true;  // a cached singleton is never refcount 1
  if (n.kind == Node::kCode) return n.root;
  if (n.field == Field::kFilename) return true;
  if (n.field == Field::kName && is_compiler_name(text)) return true;
  if (str && type_interned(type) && alive_in_compiler(v_, text, text_hash(n))) return true;
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
  // Every code object under the module; its chain is made only for a note
  // that names a target.
  struct Item {
    const Code* code;
    int32_t parent;  // in `items`
  };
  std::vector<Item> items{{&module, -1}};
  auto chain = [&](int32_t i) {
    std::vector<const Code*> up;
    for (; items[i].parent >= 0; i = items[i].parent) up.push_back(items[i].code);
    std::string c = up.empty() ? "^" : "";
    for (auto it = up.rbegin(); it != up.rend(); ++it) {
      if (!c.empty()) c += '.';
      c += (*it)->block_id;
    }
    return c;
  };
  std::vector<int32_t> stack{0};
  // A code object reached twice is walked once (later uses are references).
  PointerSet seen;
  size_t size_hint = 0;
  size_t objects_hint = 0;
  std::vector<std::pair<const ObjectPtr*, const ObjectPtr*>> ranges;  // items left: [first, second)
  while (!stack.empty()) {
    int32_t at = stack.back();
    stack.pop_back();
    const Code* code = items[at].code;
    if (!seen.insert(code)) continue;
    for (const MarshalNote& note : code->marshal_notes) {
      has_notes_ = true;
      all_notes_.push_back(&note);
      if (note.kind == MarshalNote::kSame) {
        std::string c = note.target_block.empty() ? chain(at) : note.target_block;
        std::string_view field = note.target_path;
        Targets& t = target_chains_[c];
        t.fields |= field_bit(field.substr(0, field.find('.')));
        if (auto item = path_item(field)) t.items.push_back(*item);
        wanted_targets_.insert(c + ":" + note.target_path);
      }
    }
    // About what the code object will take, so that the output grows once.
    objects_hint += 12 + code->consts.size() + code->names.size() + code->varnames.size() +
                    code->cellvars.size() + code->freevars.size();
    size_hint += 64 + code->code_bytes.size() + code->linetable.size() +
                 code->exceptiontable.size() + code->filename.size() +
                 16 * (code->consts.size() + code->names.size() + code->varnames.size());
    // The code objects among the constants, nested in tuples too, last
    // first and depth first (the order of the notes). A tuple's items are
    // read in place, from a range on the stack, not pushed one by one.
    ranges.push_back({code->consts.data(), code->consts.data() + code->consts.size()});
    while (!ranges.empty()) {
      if (ranges.back().first == ranges.back().second) {
        ranges.pop_back();
        continue;
      }
      const Object* o = (--ranges.back().second)->get();
      if (o->kind == ObjKind::Code && o->code) {
        stack.push_back(static_cast<int32_t>(items.size()));
        items.push_back({o->code.get(), at});
      }
      if (!o->items.empty()) ranges.push_back({o->items.data(), o->items.data() + o->items.size()});
    }
  }
  out_.reserve(out_.size() + size_hint);
  recs_.reserve(objects_hint);
  // Keys: the objects written in full with one, measured at 0.35-0.55 of
  // the hint (the rest are references or keyless); clearing a table sized
  // for all of them cost more than the denser table's longer probes.
  table_.reserve(objects_hint * 5 / 8);
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
  if (rule_only()) {
    // The rule alone: none of the bookkeeping of notes and of a file read.
    const char type = default_type(n);
    if (singleton_type(type)) return emit(type, Key(), false);
    const Key cached = cached_key(n);
    return emit(type, share_key(n, type, cached), default_flag(n, type, static_cast<bool>(cached)));
  }
  return begin_noted(n);
}

char Writer::begin_noted(const Node& n) {
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
      *description_ = (scopes_.empty() ? std::string() : chain_of(scopes_.back().id) + ": ") + path();
      stop_ = true;
    }
  }
  bool in_scope = !scopes_.empty();
  const std::vector<const MarshalNote*>* notes = nullptr;
  std::string note_path;  // this node's path, when needed
  if (!entries_ && has_notes_ && in_scope) {
    const Scope& s = scopes_.back();
    // Only a path that can match a note is built.
    if ((s.note_fields >> static_cast<int>(field_)) & 1) {
      note_path = path();
      if (auto it = s.notes.find(note_path); it != s.notes.end()) notes = &it->second;
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
  bool singleton = singleton_type(type);

  // A reference, or the object in full?
  const Key cached = singleton ? Key() : cached_key(n);
  const Key key = singleton ? Key() : share_key(n, type, cached);
  const KeyTable::Probe probe = key ? table_.find(key) : KeyTable::Probe{-1, 0};
  int32_t target = probe.rec;
  if (actual) {
    if (actual->type == 'r') {
      int32_t t = actual->ref;
      if (t != target && t >= 0 && static_cast<size_t>(t) < target_places_.size() &&
          target_places_[t].set) {
        const Place& p = target_places_[t];
        std::string block;
        if (scope_info_[p.scope].code != scopes_.back().code) block = chain_of(p.scope);
        note(MarshalNote::kSame, block, path_of(p));
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
    reference(target);
    if (entries_ && is_target_[rec]) target_places_[rec] = here();
    return 0;
  }

  // In full.
  const bool rule_flag = default_flag(n, type, static_cast<bool>(cached));
  bool flag = rule_flag;
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
  if (actual && flag != rule_flag && !singleton) {
    // Whether the flag needs a note depends on later references: decided in
    // finish(); remember the place now.
    rec_places_.resize(recs_.size() + 1);
    rec_places_[rec] = here();
  } else if (actual && singleton && flag) {
    note(MarshalNote::kFlag);
  }
  recs_.push_back({static_cast<uint32_t>(out_.size()), -1, flag, !singleton, false});
  if (key && probe.rec < 0) table_.insert(probe, key, rec);
  if (entries_ && is_target_[rec] && !scopes_.empty()) target_places_[rec] = here();
  if (!entries_ && in_scope && ((scopes_.back().target_fields >> static_cast<int>(field_)) & 1)) {
    std::string full = scopes_.back().chain + ":" + (note_path.empty() ? path() : note_path);
    if (wanted_targets_.count(full)) targets_.emplace(full, std::make_pair(rec, value_key(n)));
  }
  u8(static_cast<uint8_t>(type));
  return type;
}

char Writer::name(std::string_view text, uint64_t hash) {
  if (stop_) return kGeneral;
  const auto rec = static_cast<int32_t>(recs_.size());
  const StreamEntry* actual = nullptr;
  if (entries_) {
    if (static_cast<size_t>(rec) >= entries_->size() || rec == describe_entry_ || is_target_[rec])
      return kGeneral;
    actual = &(*entries_)[rec];
  }
  // As begin(): an interned string's type, keyed by its text; flagged when
  // cached, alive in the compiler, or from 3.11.
  const Key key = text_key('S', text, hash);
  const KeyTable::Probe probe = table_.find(key);
  const int32_t target = probe.rec;
  // The type matters for an object in full only (a reference mostly).
  const char type = target >= 0 ? 'r' : str_type(text, true);
  if (actual) {
    // The file agrees with the rule, or begin() notes where it does not.
    if (actual->type == 'r' ? actual->ref != target || target < 0
                            : actual->type != static_cast<uint8_t>(type) || target >= 0)
      return kGeneral;
  }
  if (target >= 0) {
    reference(target);
    return 0;
  }
  const bool flag =
      is_char_singleton(text) || v_.at_least(11) || alive_in_compiler(v_, text, hash);
  if (actual && actual->flag != flag) return kGeneral;
  recs_.push_back({static_cast<uint32_t>(out_.size()), -1, flag, true, false});
  table_.insert(probe, key, rec);
  u8(static_cast<uint8_t>(type));
  return type;
}

char Writer::emit(char type, const Key& key, bool flag) {
  const auto rec = static_cast<int32_t>(recs_.size());
  // As begin(): a key's first record is an object in full that takes a slot.
  if (key) {
    const KeyTable::Probe probe = table_.find(key);
    const int32_t target = probe.rec;
    if (target >= 0 && recs_[target].target < 0 && recs_[target].slot) {
      reference(target);
      return 0;
    }
    if (target < 0) table_.insert(probe, key, rec);
  }
  recs_.push_back({static_cast<uint32_t>(out_.size()), -1, flag, !singleton_type(type), false});
  u8(static_cast<uint8_t>(type));
  return type;
}

void Writer::str_body(char type, std::string_view s, bool ascii) {
  if (type == 'u' || type == 't') {
    u32(static_cast<uint32_t>(s.size()));
    out_.append(s);
    return;
  }
  // One byte per character: ASCII, or Latin-1 in an odd file.
  if (!ascii && !is_ascii(s)) return latin1_body(type, s);
  if (type == 'z' || type == 'Z') u8(static_cast<uint8_t>(s.size()));
  else u32(static_cast<uint32_t>(s.size()));
  out_.append(s);
}

void Writer::latin1_body(char type, std::string_view s) {
  const std::string one = to_latin1(s);
  if (type == 'z' || type == 'Z') u8(static_cast<uint8_t>(one.size()));
  else u32(static_cast<uint32_t>(one.size()));
  out_.append(one);
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

void Writer::object(const Object& o, Field field, int depth, bool set_item,
                    std::optional<uint64_t> hash) {
  if (stop_) return;
  if (o.kind == ObjKind::Code && o.code) {
    // A nested code object: its own scope and paths.
    code(*o.code, false);
    return;
  }
  char type;
  if (field == Field::kConsts && (v_.minor == 9 || v_.minor == 10) && o.kind != ObjKind::Code &&
      rule_only()) {
    type = const_object(o, depth, hash ? &*hash : nullptr);
  } else {
    Node n{Node::kObj, field};
    n.depth = depth;
    n.set_item = set_item;
    n.obj = &o;
    if (hash) n.set_hash(*hash);
    type = begin(n);
  }
  switch (type) {
    case 'i': case 'l': return int_body(type, o.int_value);
    case 'g': return u64(std::bit_cast<uint64_t>(o.real));
    case 'y':
      u64(std::bit_cast<uint64_t>(o.real));
      return u64(std::bit_cast<uint64_t>(o.imag));
    case 's':
      u32(static_cast<uint32_t>(o.data.size()));
      out_.append(o.data);
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

char Writer::const_object(const Object& o, int depth, const uint64_t* hash) {
  // Equal constants are one object: on 3.10 everywhere, on 3.9 but for a
  // tuple or frozenset folded inside another constant.
  auto value_key = [&] {
    return value_key_of('K', ConstRef::of(o), hash ? *hash : const_hash(ConstRef::of(o)));
  };
  switch (o.kind) {
    case ObjKind::None: return emit('N', Key(), false);
    case ObjKind::True: return emit('T', Key(), false);
    case ObjKind::False: return emit('F', Key(), false);
    case ObjKind::Ellipsis: return emit('.', Key(), false);
    case ObjKind::StopIteration: return emit('S', Key(), false);
    case ObjKind::Int: {
      const auto small = o.int_value.to_int64();
      const char type = small && *small >= INT32_MIN && *small <= INT32_MAX ? 'i' : 'l';
      // -5..256: CPython's cached ints (flagged).
      if (small && *small >= -5 && *small <= 256) return emit(type, small_int_key(*small), true);
      return emit(type, value_key(), false);
    }
    case ObjKind::Float: return emit('g', value_key(), false);
    case ObjKind::Complex: return emit('y', value_key(), false);
    case ObjKind::Bytes:
      // b'' and 1-byte bytes: cached (flagged).
      if (o.data.size() <= 1) return emit('s', text_key('B', o.data, const_hash_of_str(o.data)), true);
      return emit('s', value_key(), false);
    case ObjKind::Str: {
      const std::string_view text = o.data;
      const char type = str_type(text, o.interned);
      // For a string, const_hash is const_hash_of_str of its text.
      const uint64_t h = hash ? *hash : const_hash_of_str(text);
      if (type_interned(type))
        return emit(type, text_key('S', text, h),
                    is_char_singleton(text) || alive_in_compiler(v_, text, h));
      if (is_char_singleton(text)) return emit(type, text_key('S', text, h), true);
      if (is_compiler_name(text)) return emit(type, compiler_name_key(v_, text, h), false);
      return emit(type, value_key_of('K', ConstRef::of(o), h), false);
    }
    case ObjKind::Tuple:
      // (): CPython's cached empty tuple (flagged).
      if (o.items.empty()) return emit(')', empty_tuple_key(), true);
      return emit(o.items.size() < 256 ? ')' : '(',
                  v_.minor == 10 || depth == 1 ? value_key() : Key(), false);
    case ObjKind::FrozenSet:
      return emit('>', v_.minor == 10 || depth == 1 ? value_key() : Key(), false);
    case ObjKind::Code: break;  // object() hands code objects elsewhere
  }
  Node n{Node::kObj, Field::kConsts};
  n.depth = depth;
  n.obj = &o;
  if (hash) n.set_hash(*hash);
  return begin(n);
}

void Writer::name_tuple(Field f, const std::vector<std::string>& names) {
  field_ = f;
  Node n{Node::kNameTuple, f};
  n.names = &names;
  // From 3.8 the tuple is keyed by value: hash the names once, for it and
  // for their own keys.
  const bool by_value = v_.at_least(8) && !names.empty();
  const size_t base = hashes_.size();
  if (by_value) {
    uint64_t h = const_hash_tuple_start(names.size());
    for (const std::string& name : names) {
      hashes_.push_back(const_hash_of_str(name));
      h = const_hash_tuple_item(h, hashes_.back());
    }
    n.set_hash(h);
  }
  // The rule for a name tuple, as begin() would apply it: () is CPython's
  // cached empty tuple (flagged); from 3.8 a tuple is one with equal ones.
  char type;
  const bool by_rule = rule_only();
  if (!by_rule) {
    type = begin(n);
  } else if (names.empty()) {
    if (empty_rec_ >= 0) {
      // A reference to the first, without the key's look-up.
      reference(empty_rec_);
      type = 0;
    } else {
      type = emit(')', empty_tuple_key(), true);
      if (type) note_empty_tuple();
    }
  } else {
    const Key key = by_value ? value_key_of('K', ConstRef::of_names(names), n.hash) : Key();
    type = emit(names.size() < 256 ? ')' : '(', key, false);
  }
  if (type) {
    count(type, names.size());
    // name() may decide the items when the rule does (or the file read);
    // with notes on the field, those that no note or target names.
    const bool named = by_rule || entries_;
    const std::vector<uint64_t>& noted = scopes_.back().noted_items;
    for (size_t i = 0; i < names.size() && !stop_; ++i) {
      const uint64_t h = by_value ? hashes_[base + i] : const_hash_of_str(names[i]);
      const bool item_noted =
          !named && std::binary_search(noted.begin(), noted.end(),
                                       static_cast<uint64_t>(f) << 32 | static_cast<uint32_t>(i));
      char t = item_noted ? kGeneral : name(names[i], h);
      // name() gives a one-byte type to ASCII text only.
      bool ascii = t != kGeneral;
      if (t == kGeneral) {
        set_index(static_cast<uint32_t>(i));  // only begin() needs the path
        Node item{Node::kStr, f};
        item.depth = 1;
        item.text = names[i];
        item.interned = true;
        item.set_hash(h);
        t = begin(item);
      }
      if (t) str_body(t, names[i], ascii);
    }
    clear_index();
  }
  hashes_.resize(base);
}

void Writer::bytes_field(Field f, std::string_view data) {
  field_ = f;
  char t;
  if (data.size() > 1 && !v_.at_least(11) && rule_only()) {
    // co_code and the line table up to 3.10, as begin() would apply the
    // rule to them: not cached (more than one byte), one object with the
    // equal ones on 3.10 ('C', 'L'), never flagged by the rule.
    Key key;
    if (f == Field::kCode ? v_.minor == 10 : f == Field::kLinetable && v_.minor == 10)
      key = text_key(f == Field::kCode ? 'C' : 'L', data, const_hash_of_str(data));
    t = emit('s', key, false);
  } else {
    Node n{Node::kBytes, f};
    n.text = data;
    t = begin(n);
  }
  if (t) {
    u32(static_cast<uint32_t>(data.size()));
    out_.append(data);
  }
}

void Writer::str_field(Field f, std::string_view s, bool interned, char same_tag) {
  field_ = f;
  if (f == Field::kName && !v_.at_least(11) && rule_only()) {
    // co_name up to 3.10, as begin() would apply the rule to it: one object
    // with the equal ones when interned or cached (a 1-character string),
    // or when a compiler name; flagged when cached, a compiler name, or
    // (interned) alive in the compiler.
    const char type = str_type(s, interned);
    const uint64_t hash = const_hash_of_str(s);
    Key key;
    bool flag = false;
    if (is_char_singleton(s)) {
      key = text_key('S', s, hash);
      flag = true;
    } else if (type_interned(type)) {
      key = text_key('S', s, hash);
      flag = is_compiler_name(s) || alive_in_compiler(v_, s, hash);
    } else if (is_compiler_name(s)) {
      key = compiler_name_key(v_, s, hash);
      flag = true;
    }
    if (char t = emit(type, key, flag)) str_body(t, s);
    return;
  }
  Node n{Node::kStr, f};
  n.text = s;
  n.interned = interned;
  n.same_tag = same_tag;
  if (char t = begin(n)) str_body(t, s);
}

void Writer::enter_notes(const Code& c) {
  // Nothing here grows scopes_: the references stay valid.
  Scope& scope = scopes_.back();
  const Scope* parent = scopes_.size() > 1 ? &scopes_[scopes_.size() - 2] : nullptr;
  // The chain names a note's target: not needed when no note has one.
  if (target_chains_.empty()) {
  } else if (!parent) {
    scope.chain = "^";
  } else if (parent->chain == "^") {
    scope.chain = c.block_id;
  } else {
    scope.chain = parent->chain + "." + c.block_id;
  }
  for (const MarshalNote& m : c.marshal_notes) {
    scope.notes[m.path].push_back(&m);
    scope.note_fields |= field_bit(std::string_view(m.path).substr(0, m.path.find('.')));
    if (auto item = path_item(m.path)) scope.noted_items.push_back(*item);
  }
  if (auto it = target_chains_.find(scope.chain); it != target_chains_.end()) {
    scope.target_fields = it->second.fields;
    scope.noted_items.insert(scope.noted_items.end(), it->second.items.begin(),
                             it->second.items.end());
  }
  std::sort(scope.noted_items.begin(), scope.noted_items.end());
}

void Writer::code(const Code& c, bool root) {
  if (stop_) return;
  // Enter the code object's scope: made in place (a Scope built here and
  // moved in cost a move and a destruction per code object, and room in
  // this recursive function's frame).
  const auto id = static_cast<uint32_t>(scope_info_.size());
  scope_info_.push_back({&c, scopes_.empty() ? -1 : static_cast<int32_t>(scopes_.back().id)});
  scopes_.emplace_back();
  scopes_.back().code = &c;
  scopes_.back().id = id;
  if (has_notes_) enter_notes(c);
  Field saved_field = field_;
  size_t saved_base = index_base_;
  index_base_ = index_.size();

  field_ = Field::kSelf;
  Node self{Node::kCode, Field::kSelf};
  self.code = &c;
  self.root = root;
  if (begin(self) == 'c') {
    code_header(c);
    bytes_field(Field::kCode, c.code_bytes);

    field_ = Field::kConsts;
    Node consts{Node::kConstTuple, Field::kConsts};
    consts.items = &c.consts;
    // From 3.8 co_consts is keyed by value: hash the constants once, for it
    // and for their own keys.
    const bool by_value = v_.at_least(8) && !c.consts.empty();
    const size_t base = hashes_.size();
    if (by_value) {
      uint64_t h = const_hash_tuple_start(c.consts.size());
      for (const ObjectPtr& k : c.consts) {
        hashes_.push_back(const_hash(ConstRef::of(*k)));
        h = const_hash_tuple_item(h, hashes_.back());
      }
      consts.set_hash(h);
    }
    if (char t = begin(consts)) {
      count(t, c.consts.size());
      for (size_t i = 0; i < c.consts.size() && !stop_; ++i) {
        field_ = Field::kConsts;
        set_index(static_cast<uint32_t>(i));
        object(*c.consts[i], Field::kConsts, 1, false,
               by_value ? std::optional(hashes_[base + i]) : std::nullopt);
      }
      clear_index();
    }
    hashes_.resize(base);
    name_tuple(Field::kNames, c.names);
    if (v_.at_least(11)) {
      if (c.cellvars.empty() && c.freevars.empty() && c.hidden.empty()) {
        // Most code objects: localsplus is co_varnames, each of kind 0x20
        // (local, code.hpp), written without copying the names.
        const std::string& kinds = kinds_.emplace_back(c.varnames.size(), '\x20');
        name_tuple(Field::kLocals, c.varnames);
        bytes_field(Field::kKinds, kinds);
      } else {
        const LocalsPlus& lp = locals_.emplace_back(localsplus(c));
        name_tuple(Field::kLocals, lp.names);
        bytes_field(Field::kKinds, lp.kinds);
      }
    } else {
      name_tuple(Field::kVarnames, c.varnames);
      name_tuple(Field::kFreevars, c.freevars);
      name_tuple(Field::kCellvars, c.cellvars);
    }
    bool v313 = v_.at_least(13);
    field_ = Field::kFilename;
    if (filename_rec_ >= 0 && c.filename == filename_ && rule_only()) {
      // The same co_filename in (nearly) every code object: the rule makes
      // it one object, so a reference, without hashing its text for the key.
      reference(filename_rec_);
    } else {
      const bool by_rule = rule_only();
      const auto rec = static_cast<int32_t>(recs_.size());
      str_field(Field::kFilename, c.filename, v313);
      if (by_rule && !stop_) {
        // The key's first record: this one, or the one it refers to.
        filename_ = c.filename;
        filename_rec_ = recs_[rec].target >= 0 ? recs_[rec].target : rec;
      }
    }
    bool name_int = name_interned(v_, c.name);
    str_field(Field::kName, c.name, name_int);
    if (v_.at_least(11)) {
      // 3.11/3.12: a qualname equal to the name is the same object.
      bool as_name = !v313 && c.qualname == c.name;
      char same = 0;
      if (as_name && name_int) same = 'S';
      else if (as_name && is_compiler_name(c.name)) same = 's';
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
  field_ = saved_field;
  index_.resize(index_base_);
  index_base_ = saved_base;
}

std::string Writer::finish() {
  // Flags: an object referenced later needs one; in observer mode, a flag
  // that differs from the rule becomes a note.
  std::string& out = out_.bytes();
  // One pass: a reference always names an earlier record, numbered by then.
  uint32_t next = 0;
  // Locals: the stores into `out` could alias the members otherwise.
  Rec* const recs = recs_.data();
  const size_t n = recs_.size();
  char* const bytes = out.data();
  // Observer mode's notes, out of the loop that writing runs (flag_note).
  const size_t noted = entries_ ? rec_places_.size() : 0;
  for (size_t i = 0; i < n; ++i) {
    Rec& r = recs[i];
    if (r.target >= 0) {
      uint32_t s = recs[r.target].slot_no;
      const char le[4] = {static_cast<char>(s), static_cast<char>(s >> 8),
                           static_cast<char>(s >> 16), static_cast<char>(s >> 24)};
      std::memcpy(bytes + r.type_pos + 1, le, 4);
      continue;
    }
    if (i < noted) [[unlikely]] flag_note(i);
    if (r.flag || (r.referenced && r.slot)) {
      bytes[r.type_pos] = static_cast<char>(static_cast<uint8_t>(bytes[r.type_pos]) | kFlagRef);
      if (r.slot) r.slot_no = next++;
    }
  }
  return std::move(out);
}

void Writer::flag_note(size_t i) {
  if (!rec_places_[i].set) return;
  // The rule's flag differed from the file's; unless a reference forces
  // the file's flag anyway, note it.
  const Rec& r = recs_[i];
  if (r.referenced && r.flag) return;
  MarshalNote m;
  m.kind = r.flag ? MarshalNote::kFlag : MarshalNote::kNoFlag;
  m.path = path_of(rec_places_[i]);
  const Code* owner = scope_info_[rec_places_[i].scope].code;
  auto it = std::find_if(observed_.begin(), observed_.end(),
                         [&](const ObservedCode& oc) { return oc.code == owner; });
  if (it == observed_.end()) {
    observed_.push_back({owner, {}});
    it = observed_.end() - 1;
  }
  it->notes.push_back(std::move(m));
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
  w.prefix(out);
  w.prepare_notes(*module);
  w.code(*module, true);
  if (unused) *unused = w.unused_notes();
  return w.finish();
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
