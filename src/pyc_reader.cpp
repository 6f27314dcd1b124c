// The pyc and marshal (version 4) reader. Every read names the field it is
// reading, so an error says where in the file and in which field it went
// wrong. Lengths are checked against the bytes that remain before anything
// is allocated, nesting is limited like CPython's own marshal, and a
// reference may only name an object that has been fully read.
#include "pyasm/pyc_reader.hpp"

#include <bit>
#include <cstdio>
#include <cstring>
#include <unordered_map>
#include <unordered_set>
#include <algorithm>

#include "marshal_stream.hpp"
#include "pyasm/opcodes.hpp"
#include "resolve.hpp"

namespace pyasm {

namespace {

constexpr int kMaxDepth = 2000;  // CPython's MAX_MARSHAL_STACK_DEPTH
constexpr uint8_t kFlagRef = 0x80;

struct ReadError {
  size_t offset;
  std::string message;
};

class Reader {
 public:
  Reader(std::string_view data, Version v, size_t base) : data_(data), v_(v), base_(base) {
    // CPython's streams hold about one object per 10 bytes; the cap keeps a
    // hostile file's size from allocating ahead of what it really holds.
    entries_.reserve(std::min<size_t>(data.size() / 8 + 16, size_t{1} << 20));
  }

  // What was read, object by object (for the marshal notes).
  const std::vector<StreamEntry>& entries() const { return entries_; }
  // Every code object read, in stream order.
  const std::vector<std::shared_ptr<Code>>& codes() const { return codes_; }

  ObjectPtr object(const char* field);
  size_t offset() const { return base_ + pos_; }
  size_t remaining() const { return data_.size() - pos_; }

 private:
  [[noreturn]] void fail(const char* field, const std::string& msg, size_t at) const {
    throw ReadError{base_ + at, std::string("while reading ") + field + ": " + msg};
  }
  void need(size_t n, const char* field) const {
    if (remaining() < n) truncated(n, field);
  }
  [[gnu::noinline, noreturn]] void truncated(size_t n, const char* field) const {
    fail(field, "truncated: needs " + std::to_string(n) + " more bytes, " +
                    std::to_string(remaining()) + " left",
         pos_);
  }
  uint8_t u8(const char* field) {
    need(1, field);
    return static_cast<uint8_t>(data_[pos_++]);
  }
  uint32_t u32(const char* field) {
    need(4, field);
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(static_cast<uint8_t>(data_[pos_ + i])) << (8 * i);
    pos_ += 4;
    return v;
  }
  int32_t i32(const char* field) { return static_cast<int32_t>(u32(field)); }
  std::string_view bytes(size_t n, const char* field) {
    need(n, field);
    std::string_view s = data_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  double f64(const char* field) {
    std::string_view b = bytes(8, field);
    uint64_t bits = 0;
    for (int i = 0; i < 8; ++i) bits |= static_cast<uint64_t>(static_cast<uint8_t>(b[i])) << (8 * i);
    return std::bit_cast<double>(bits);
  }
  // A count of items, each at least `min_size` bytes: checked against what
  // is left, so a length of 2**31 is an error, not an allocation.
  size_t count(uint32_t n, size_t min_size, const char* field, size_t at) {
    if (static_cast<uint64_t>(n) * min_size > remaining()) too_long(n, field, at);
    return n;
  }

  ObjectPtr object_at(const char* field);
  // The objects that hold no others, out of object_at's frame: every
  // temporary string they build would otherwise sit on the stack once per
  // nesting level (7 KB a level under ASan, 2000 levels deep).
  [[gnu::noinline]] ObjectPtr leaf(uint8_t code_byte, const char* field, size_t at);
  [[gnu::noinline, noreturn]] void too_deep(const char* field) const;
  [[gnu::noinline, noreturn]] void too_long(uint32_t n, const char* field,
                                            size_t at) const;
  ObjectPtr long_int(const char* field, size_t at);
  ObjectPtr sequence(uint8_t type, bool flag, const char* field, size_t at);
  ObjectPtr code(bool flag, const char* field, size_t at);
  std::string str_field(const char* field);
  std::vector<std::string> names_field(const char* field);
  size_t reserve_ref(bool flag);
  ObjectPtr set_ref(size_t slot, bool flag, ObjectPtr o);

  std::string_view data_;
  Version v_;
  size_t base_;
  size_t pos_ = 0;
  int depth_ = 0;
  std::vector<ObjectPtr> refs_;  // null while the object is being read
  std::vector<int32_t> ref_entry_;  // per slot: its entry in entries_
  std::vector<StreamEntry> entries_;
  std::vector<std::shared_ptr<Code>> codes_;
};

size_t Reader::reserve_ref(bool flag) {
  if (!flag) return SIZE_MAX;
  refs_.push_back(nullptr);
  ref_entry_.push_back(static_cast<int32_t>(entries_.size() - 1));
  return refs_.size() - 1;
}

// z/Z/a/A hold one byte per character (CPython reads them as Latin-1); pyasm
// keeps strings as UTF-8.
std::string latin1_to_utf8(std::string_view s) {
  if (std::all_of(s.begin(), s.end(), [](char c) { return (c & 0x80) == 0; })) return std::string(s);
  std::string out;
  out.reserve(s.size() * 2);
  for (char ch : s) {
    auto c = static_cast<uint8_t>(ch);
    if (c < 0x80) {
      out.push_back(ch);
    } else {
      out.push_back(static_cast<char>(0xc0 | (c >> 6)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3f)));
    }
  }
  return out;
}

ObjectPtr Reader::set_ref(size_t slot, bool flag, ObjectPtr o) {
  if (flag) refs_[slot] = o;
  return o;
}

ObjectPtr Reader::object(const char* field) { return object_at(field); }

void Reader::too_deep(const char* field) const {
  fail(field, "objects nested deeper than 2000 levels", pos_);
}

void Reader::too_long(uint32_t n, const char* field, size_t at) const {
  fail(field,
       "length " + std::to_string(n) + " exceeds the " + std::to_string(remaining()) +
           " bytes left",
       at);
}

ObjectPtr Reader::object_at(const char* field) {
  if (++depth_ > kMaxDepth) too_deep(field);
  struct Leave {
    int& d;
    ~Leave() { --d; }
  } leave{depth_};
  size_t at = pos_;
  uint8_t code_byte = u8(field);
  bool flag = code_byte & kFlagRef;
  uint8_t type = code_byte & ~kFlagRef;
  entries_.push_back({static_cast<uint32_t>(at), type, flag, -1});
  switch (type) {
    case ')': case '(': case '>': case '<':
      return sequence(type, flag, field, at);
    case 'c': return code(flag, field, at);
    default: return leaf(code_byte, field, at);
  }
}

ObjectPtr Reader::leaf(uint8_t code_byte, const char* field, size_t at) {
  bool flag = code_byte & kFlagRef;
  uint8_t type = code_byte & ~kFlagRef;
  switch (type) {
    case 'N': return Object::none();
    case 'T': return Object::boolean(true);
    case 'F': return Object::boolean(false);
    case '.': return Object::ellipsis();
    case 'S': {
      auto o = std::make_shared<Object>();
      o->kind = ObjKind::StopIteration;
      return o;
    }
    case 'i': {
      size_t slot = reserve_ref(flag);
      return set_ref(slot, flag, Object::integer(BigInt(i32(field))));
    }
    case 'l': {
      size_t slot = reserve_ref(flag);
      return set_ref(slot, flag, long_int(field, at));
    }
    case 'g': {
      size_t slot = reserve_ref(flag);
      return set_ref(slot, flag, Object::floating(f64(field)));
    }
    case 'y': {
      size_t slot = reserve_ref(flag);
      double re = f64(field);
      double im = f64(field);
      return set_ref(slot, flag, Object::complex(re, im));
    }
    case 's': {
      size_t slot = reserve_ref(flag);
      uint32_t n = u32(field);
      count(n, 1, field, at);
      return set_ref(slot, flag, Object::bytes(std::string(bytes(n, field))));
    }
    case 'z': case 'Z': case 'a': case 'A': case 'u': case 't': {
      size_t slot = reserve_ref(flag);
      uint32_t n = (type == 'z' || type == 'Z') ? u8(field) : u32(field);
      count(n, 1, field, at);
      std::string_view raw = bytes(n, field);
      std::string text = type == 'u' || type == 't' ? std::string(raw) : latin1_to_utf8(raw);
      // Interned as the assembler would intern it; the type code read is
      // in entries_ and becomes a marshal note where they differ.
      bool interned = all_name_chars(text);
      return set_ref(slot, flag, Object::str(std::move(text), interned));
    }
    case 'r': {
      uint32_t index = u32(field);
      if (index >= refs_.size())
        fail(field, "reference " + std::to_string(index) + " to an object not yet read (" +
                        std::to_string(refs_.size()) + " so far)",
             at);
      if (!refs_[index])
        fail(field, "reference " + std::to_string(index) + " to an object that contains it",
             at);
      entries_.back().ref = ref_entry_[index];
      return refs_[index];
    }
    default: {
      char buf[64];
      if (type >= 0x20 && type < 0x7f)
        std::snprintf(buf, sizeof buf, "unknown type code '%c' (0x%02x)", type, code_byte);
      else
        std::snprintf(buf, sizeof buf, "unknown type code 0x%02x", code_byte);
      fail(field, buf, at);
    }
  }
}

ObjectPtr Reader::long_int(const char* field, size_t at) {
  int32_t n = i32(field);
  uint32_t size = n < 0 ? static_cast<uint32_t>(-static_cast<int64_t>(n)) : static_cast<uint32_t>(n);
  count(size, 2, field, at);
  std::vector<uint16_t> digits(size);
  for (uint32_t i = 0; i < size; ++i) {
    std::string_view d = bytes(2, field);
    uint16_t v = static_cast<uint16_t>(static_cast<uint8_t>(d[0]) | (static_cast<uint8_t>(d[1]) << 8));
    if (v >= (1u << 15)) fail(field, "long digit out of range", pos_ - 2);
    digits[i] = v;
  }
  if (size && digits.back() == 0) fail(field, "unnormalized long (leading zero digit)", at);
  return Object::integer(BigInt::from_digits15(n < 0, std::move(digits)));
}

ObjectPtr Reader::sequence(uint8_t type, bool flag, const char* field, size_t at) {
  size_t slot = reserve_ref(flag);
  uint32_t n = type == ')' ? u8(field) : u32(field);
  count(n, 1, field, at);
  std::vector<ObjectPtr> items;
  items.reserve(n);
  // Items are reported as part of the field that holds them: a path per
  // nesting level would cost a string per object and grow with the depth.
  for (uint32_t i = 0; i < n; ++i) items.push_back(object_at(field));
  if (type == '<') fail(field, "a set cannot be a constant", at);
  ObjectPtr o = type == '>' ? Object::frozenset(std::move(items)) : Object::tuple(std::move(items));
  return set_ref(slot, flag, o);
}

std::string Reader::str_field(const char* field) {
  size_t at = pos_;
  ObjectPtr o = object_at(field);
  if (o->kind != ObjKind::Str) fail(field, "expected a string", at);
  return o->data;
}

std::vector<std::string> Reader::names_field(const char* field) {
  size_t at = pos_;
  ObjectPtr o = object_at(field);
  if (o->kind != ObjKind::Tuple) fail(field, "expected a tuple of names", at);
  std::vector<std::string> out;
  out.reserve(o->items.size());
  for (const ObjectPtr& item : o->items) {
    if (item->kind != ObjKind::Str) fail(field, "expected a tuple of names", at);
    out.push_back(item->data);
  }
  return out;
}

ObjectPtr Reader::code(bool flag, const char* field, size_t at) {
  size_t slot = reserve_ref(flag);
  auto c = std::make_shared<Code>();
  codes_.push_back(c);
  c->version = v_;
  c->argcount = i32("co_argcount");
  if (v_.at_least(8)) c->posonlyargcount = i32("co_posonlyargcount");
  c->kwonlyargcount = i32("co_kwonlyargcount");
  int32_t nlocals = v_.at_least(11) ? 0 : i32("co_nlocals");
  c->stacksize = i32("co_stacksize");
  c->flags = u32("co_flags");
  size_t code_at = pos_;
  ObjectPtr code_obj = object_at("co_code");
  if (code_obj->kind != ObjKind::Bytes) fail("co_code", "expected bytes", code_at);
  c->code_bytes = code_obj->data;
  c->code_offset = static_cast<uint32_t>(base_ + pos_ - code_obj->data.size());
  size_t consts_at = pos_;
  ObjectPtr consts = object_at("co_consts");
  if (consts->kind != ObjKind::Tuple) fail("co_consts", "expected a tuple", consts_at);
  c->consts = consts->items;
  c->names = names_field("co_names");
  if (v_.at_least(11)) {
    std::vector<std::string> lp = names_field("co_localsplusnames");
    size_t kinds_at = pos_;
    ObjectPtr kinds = object_at("co_localspluskinds");
    if (kinds->kind != ObjKind::Bytes || kinds->data.size() != lp.size())
      fail("co_localspluskinds", "expected one kind byte per local", kinds_at);
    for (size_t i = 0; i < lp.size(); ++i) {
      uint8_t k = static_cast<uint8_t>(kinds->data[i]);
      if (k & 0x20) c->varnames.push_back(lp[i]);
      if (k & 0x40) c->cellvars.push_back(lp[i]);
      if (k & 0x80) c->freevars.push_back(lp[i]);
      if (k & 0x10) c->hidden.push_back(lp[i]);
    }
  } else {
    c->varnames = names_field("co_varnames");
    c->freevars = names_field("co_freevars");
    c->cellvars = names_field("co_cellvars");
    if (nlocals != static_cast<int32_t>(c->varnames.size())) c->nlocals_override = nlocals;
  }
  c->filename = str_field("co_filename");
  c->name = str_field("co_name");
  if (v_.at_least(11)) c->qualname = str_field("co_qualname");
  c->firstlineno = i32("co_firstlineno");
  const char* table = v_.at_least(10) ? "co_linetable" : "co_lnotab";
  size_t lt_at = pos_;
  ObjectPtr lt = object_at(table);
  if (lt->kind != ObjKind::Bytes) fail(table, "expected bytes", lt_at);
  c->linetable = lt->data;
  if (v_.at_least(11)) {
    size_t et_at = pos_;
    ObjectPtr et = object_at("co_exceptiontable");
    if (et->kind != ObjKind::Bytes) fail("co_exceptiontable", "expected bytes", et_at);
    c->exceptiontable = et->data;
    c->exctable_offset = static_cast<uint32_t>(base_ + pos_ - et->data.size());
  }
  (void)field;
  (void)at;
  return set_ref(slot, flag, Object::code_object(c));
}

}  // namespace

std::optional<Version> version_from_magic(uint16_t magic) {
  for (const OpcodeTable* t : all_opcode_tables())
    if (t->magic == magic) return t->version;
  return std::nullopt;
}

namespace {

// A .code block's ID made from co_name: the name itself when the lexer reads
// it as one (`f`, `<lambda>`), else its letters, digits and underscores
// (`<generic parameters of f>` -> generic_parameters_of_f).
std::string block_id_for(const std::string& name) {
  auto ident = [](std::string_view s) {
    return !s.empty() && !(s[0] >= '0' && s[0] <= '9') && all_name_chars(s);
  };
  std::string_view inner = name;
  if (inner.size() > 2 && inner.front() == '<' && inner.back() == '>')
    inner = inner.substr(1, inner.size() - 2);
  if (ident(name) || (inner.size() + 2 == name.size() && ident(inner))) return name;
  std::string out;
  for (char c : inner) {
    if (all_name_chars({&c, 1})) out += c;
    else if (!out.empty() && out.back() != '_') out += '_';
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  if (out.empty() || std::isdigit(static_cast<unsigned char>(out[0]))) out = "code_" + out;
  return out;
}

// The reader's own code objects, made mutable to fill in what only the
// whole stream tells (IDs, notes): every Code it reads is one of `codes`.
Code* mutable_code(const Code* c) { return const_cast<Code*>(c); }

// Gives every code object an ID unique among its siblings (the code objects
// among its parent's constants): its name, then NAME_2, NAME_3, ...
void assign_block_ids(const std::vector<std::shared_ptr<Code>>& codes) {
  // A block ID is never empty, so an empty one is a code object not yet
  // named (the module keeps its empty ID: nothing contains it).
  std::unordered_set<std::string> taken;
  std::vector<const Object*> todo;
  for (const auto& parent : codes) {
    taken.clear();
    todo.clear();
    for (const ObjectPtr& k : parent->consts) todo.push_back(k.get());
    for (size_t i = 0; i < todo.size(); ++i) {
      const Object* o = todo[i];
      for (const ObjectPtr& item : o->items) todo.push_back(item.get());
      if (o->kind != ObjKind::Code || !o->code || !o->code->block_id.empty()) continue;
      Code* child = mutable_code(o->code.get());
      std::string base = block_id_for(child->name);
      std::string id = base;
      for (int k = 2; taken.count(id); ++k) {
        std::string stem = base;
        if (stem.size() > 2 && stem.front() == '<') stem = stem.substr(1, stem.size() - 2);
        id = stem + "_" + std::to_string(k);
      }
      taken.insert(id);
      child->block_id = id;
    }
  }
}

// Reads the module's code object; on success also fills the block IDs and
// marshal notes, and where the writer would not give the bytes back.
ObjectPtr read_module(std::string_view data, Version version, const std::string& name,
                      size_t base, Diagnostics& diags, long* mismatch) {
  Reader r(data, version, base);
  ObjectPtr o;
  try {
    o = r.object("the module's code object");
    if (r.remaining() != 0) {
      diags.binary_error(name, r.offset(),
                         std::to_string(r.remaining()) + " bytes of trailing data after the "
                                                          "module's code object");
      return nullptr;
    }
  } catch (const ReadError& e) {
    diags.binary_error(name, e.offset, e.message);
    return nullptr;
  }
  if (o->kind != ObjKind::Code || !o->code) return o;
  assign_block_ids(r.codes());
  std::string rebuilt;
  std::vector<ObservedCode> notes = observe_marshal(*o->code, r.entries(), rebuilt);
  for (ObservedCode& oc : notes) {
    Code* c = mutable_code(oc.code);
    c->marshal_notes.insert(c->marshal_notes.end(), std::make_move_iterator(oc.notes.begin()),
                            std::make_move_iterator(oc.notes.end()));
  }
  if (mismatch) {
    *mismatch = -1;
    if (rebuilt != data) {
      auto [i, j] = std::mismatch(rebuilt.begin(), rebuilt.end(), data.begin(), data.end());
      *mismatch = static_cast<long>(base + static_cast<size_t>(i - rebuilt.begin()));
    }
  }
  return o;
}

}  // namespace

ObjectPtr read_marshal(std::string_view data, Version version, const std::string& name,
                       size_t base, Diagnostics& diags) {
  return read_module(data, version, name, base, diags, nullptr);
}

std::string field_at(std::string_view pyc, size_t offset) {
  if (offset < 4) return "header: magic number";
  if (pyc.size() < 4) return {};
  auto v = version_from_magic(static_cast<uint16_t>(static_cast<uint8_t>(pyc[0]) |
                                                    (static_cast<uint8_t>(pyc[1]) << 8)));
  if (!v) return {};
  size_t header = v->at_least(7) ? 16 : 12;
  if (offset < header) {
    if (!v->at_least(7)) return offset < 8 ? "header: mtime" : "header: source size";
    if (offset < 8) return "header: flags";
    bool hash = pyc.size() >= 8 && (static_cast<uint8_t>(pyc[4]) & 1);
    if (hash) return "header: source hash";
    return offset < 12 ? "header: mtime" : "header: source size";
  }
  Reader r(pyc.substr(header), *v, header);
  ObjectPtr o;
  try {
    o = r.object("the module's code object");
  } catch (const ReadError&) {
    return {};
  }
  if (o->kind != ObjKind::Code || !o->code) return "the module object";
  assign_block_ids(r.codes());
  const std::vector<StreamEntry>& entries = r.entries();
  long k = -1;
  for (size_t i = 0; i < entries.size() && entries[i].offset + header <= offset; ++i)
    k = static_cast<long>(i);
  if (k < 0) return {};
  std::string bytes, description;
  observe_marshal(*o->code, entries, bytes, k, &description);
  size_t into = offset - header - entries[k].offset;
  if (into == 0) return description + " (type byte)";
  return description + " (+" + std::to_string(into) + ")";
}

std::optional<Pyc> read_pyc(std::string_view data, const std::string& name, Diagnostics& diags) {
  if (data.size() < 4) {
    diags.binary_error(name, 0, "not a pyc: " + std::to_string(data.size()) +
                                    " bytes, too short for a magic number");
    return std::nullopt;
  }
  auto b = [&](size_t i) { return static_cast<uint8_t>(data[i]); };
  uint16_t magic = static_cast<uint16_t>(b(0) | (b(1) << 8));
  if (b(2) != '\r' || b(3) != '\n') {
    diags.binary_error(name, 0, "not a pyc: the magic number does not end in \\r\\n");
    return std::nullopt;
  }
  auto v = version_from_magic(magic);
  if (!v) {
    std::string known = magic == 62211 ? " (CPython 2.7)"
                        : magic >= 3600 && magic < 3700 ? " (CPython 3.14 or later)"
                                                         : "";
    diags.binary_error(name, 0, "unsupported magic number " + std::to_string(magic) + known +
                                    "; pyasm reads CPython " + supported_versions_text());
    return std::nullopt;
  }
  Pyc pyc;
  pyc.version = *v;
  pyc.file_size = data.size();
  size_t header = v->at_least(7) ? 16 : 12;
  if (data.size() < header) {
    diags.binary_error(name, data.size(), "truncated pyc header: " + std::to_string(header) +
                                              " bytes needed, " + std::to_string(data.size()) +
                                              " present");
    return std::nullopt;
  }
  auto u32 = [&](size_t i) {
    return static_cast<uint32_t>(b(i) | (b(i + 1) << 8) | (b(i + 2) << 16)) |
           (static_cast<uint32_t>(b(i + 3)) << 24);
  };
  size_t p = 4;
  if (v->at_least(7)) {
    pyc.header.flags = u32(4);
    p = 8;
    if (pyc.header.flags & ~3u) {
      char buf[16];
      std::snprintf(buf, sizeof buf, "0x%x", pyc.header.flags);
      diags.binary_error(name, 4, std::string("pyc flags ") + buf +
                                      " have bits CPython rejects (only 0x1 and 0x2 exist)");
      return std::nullopt;
    }
  }
  if (pyc.header.flags & 1) {
    pyc.header.source_hash = static_cast<uint64_t>(u32(p)) | (static_cast<uint64_t>(u32(p + 4)) << 32);
  } else {
    pyc.header.mtime = u32(p);
    pyc.header.source_size = u32(p + 4);
  }
  ObjectPtr o = read_module(data.substr(header), *v, name, header, diags, &pyc.marshal_mismatch);
  if (!o) return std::nullopt;
  if (o->kind != ObjKind::Code) {
    diags.binary_error(name, header, "the pyc holds " + repr(*o) + ", not a code object");
    return std::nullopt;
  }
  pyc.code = o->code;
  return pyc;
}

}  // namespace pyasm
