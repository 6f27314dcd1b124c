// The pyc and marshal (version 4) reader. Every read names the field it is
// reading, so an error says where in the file and in which field it went
// wrong. Lengths are checked against the bytes that remain before anything
// is allocated, nesting is limited like CPython's own marshal, and a
// reference may only name an object that has been fully read.
#include "pyasm/pyc_reader.hpp"

#include <bit>
#include <cstdio>
#include <cstring>

#include "pyasm/opcodes.hpp"

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
  Reader(std::string_view data, Version v, size_t base) : data_(data), v_(v), base_(base) {}

  ObjectPtr object(const char* field);
  size_t offset() const { return base_ + pos_; }
  size_t remaining() const { return data_.size() - pos_; }

 private:
  [[noreturn]] void fail(const std::string& field, const std::string& msg, size_t at) const {
    throw ReadError{base_ + at, "while reading " + field + ": " + msg};
  }
  void need(size_t n, const std::string& field) const {
    if (remaining() < n)
      fail(field, "truncated: needs " + std::to_string(n) + " more bytes, " +
                      std::to_string(remaining()) + " left",
           pos_);
  }
  uint8_t u8(const std::string& field) {
    need(1, field);
    return static_cast<uint8_t>(data_[pos_++]);
  }
  uint32_t u32(const std::string& field) {
    need(4, field);
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(static_cast<uint8_t>(data_[pos_ + i])) << (8 * i);
    pos_ += 4;
    return v;
  }
  int32_t i32(const std::string& field) { return static_cast<int32_t>(u32(field)); }
  std::string_view bytes(size_t n, const std::string& field) {
    need(n, field);
    std::string_view s = data_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  double f64(const std::string& field) {
    std::string_view b = bytes(8, field);
    uint64_t bits = 0;
    for (int i = 0; i < 8; ++i) bits |= static_cast<uint64_t>(static_cast<uint8_t>(b[i])) << (8 * i);
    return std::bit_cast<double>(bits);
  }
  // A count of items, each at least `min_size` bytes: checked against what
  // is left, so a length of 2**31 is an error, not an allocation.
  size_t count(uint32_t n, size_t min_size, const std::string& field, size_t at) {
    if (static_cast<uint64_t>(n) * min_size > remaining())
      fail(field, "length " + std::to_string(n) + " exceeds the " + std::to_string(remaining()) +
                      " bytes left",
           at);
    return n;
  }

  ObjectPtr object_at(const std::string& field);
  ObjectPtr long_int(const std::string& field, size_t at);
  ObjectPtr sequence(uint8_t type, bool flag, const std::string& field, size_t at);
  ObjectPtr code(bool flag, const std::string& field, size_t at);
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
};

size_t Reader::reserve_ref(bool flag) {
  if (!flag) return SIZE_MAX;
  refs_.push_back(nullptr);
  return refs_.size() - 1;
}

ObjectPtr Reader::set_ref(size_t slot, bool flag, ObjectPtr o) {
  if (flag) refs_[slot] = o;
  return o;
}

ObjectPtr Reader::object(const char* field) { return object_at(field); }

ObjectPtr Reader::object_at(const std::string& field) {
  if (++depth_ > kMaxDepth) fail(field, "objects nested deeper than 2000 levels", pos_);
  struct Leave {
    int& d;
    ~Leave() { --d; }
  } leave{depth_};
  size_t at = pos_;
  uint8_t code_byte = u8(field);
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
      bool interned = type == 'Z' || type == 'A' || type == 't';
      return set_ref(slot, flag, Object::str(std::string(bytes(n, field)), interned));
    }
    case ')': case '(': case '>': case '<':
      return sequence(type, flag, field, at);
    case 'c': return code(flag, field, at);
    case 'r': {
      uint32_t index = u32(field);
      if (index >= refs_.size())
        fail(field, "reference " + std::to_string(index) + " to an object not yet read (" +
                        std::to_string(refs_.size()) + " so far)",
             at);
      if (!refs_[index])
        fail(field, "reference " + std::to_string(index) + " to an object that contains it",
             at);
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

ObjectPtr Reader::long_int(const std::string& field, size_t at) {
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

ObjectPtr Reader::sequence(uint8_t type, bool flag, const std::string& field, size_t at) {
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
  for (const ObjectPtr& item : o->items) {
    if (item->kind != ObjKind::Str) fail(field, "expected a tuple of names", at);
    out.push_back(item->data);
  }
  return out;
}

ObjectPtr Reader::code(bool flag, const std::string& field, size_t at) {
  size_t slot = reserve_ref(flag);
  auto c = std::make_shared<Code>();
  c->version = v_;
  c->argcount = i32("co_argcount");
  if (v_.at_least(8)) c->posonlyargcount = i32("co_posonlyargcount");
  c->kwonlyargcount = i32("co_kwonlyargcount");
  if (!v_.at_least(11)) (void)i32("co_nlocals");
  c->stacksize = i32("co_stacksize");
  c->flags = u32("co_flags");
  size_t code_at = pos_;
  ObjectPtr code_obj = object_at("co_code");
  if (code_obj->kind != ObjKind::Bytes) fail("co_code", "expected bytes", code_at);
  c->code_bytes = code_obj->data;
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

ObjectPtr read_marshal(std::string_view data, Version version, const std::string& name,
                       size_t base, Diagnostics& diags) {
  Reader r(data, version, base);
  try {
    ObjectPtr o = r.object("the module's code object");
    if (r.remaining() != 0) {
      diags.binary_error(name, r.offset(),
                         std::to_string(r.remaining()) + " bytes of trailing data after the "
                                                          "module's code object");
      return nullptr;
    }
    return o;
  } catch (const ReadError& e) {
    diags.binary_error(name, e.offset, e.message);
    return nullptr;
  }
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
  ObjectPtr o = read_marshal(data.substr(header), *v, name, header, diags);
  if (!o) return std::nullopt;
  if (o->kind != ObjKind::Code) {
    diags.binary_error(name, header, "the pyc holds " + repr(*o) + ", not a code object");
    return std::nullopt;
  }
  pyc.code = o->code;
  return pyc;
}

}  // namespace pyasm
