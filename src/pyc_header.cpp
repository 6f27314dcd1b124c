// pyc headers the way py_compile and importlib make and check them.
#include "pyasm/pyc_header.hpp"

#include <sys/stat.h>

#include <array>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>

#include "pyasm/opcodes.hpp"
#include "pyasm/pyc_reader.hpp"

namespace pyasm {

namespace {

constexpr std::array<std::string_view, 3> kModeNames = {"timestamp", "checked-hash",
                                                        "unchecked-hash"};

uint64_t rotl(uint64_t x, int b) { return (x << b) | (x >> (64 - b)); }

struct SipState {
  uint64_t v0, v1, v2, v3;
  void round() {
    v0 += v1; v2 += v3;
    v1 = rotl(v1, 13) ^ v0; v3 = rotl(v3, 16) ^ v2;
    v0 = rotl(v0, 32);
    v2 += v1; v0 += v3;
    v1 = rotl(v1, 17) ^ v2; v3 = rotl(v3, 21) ^ v0;
    v2 = rotl(v2, 32);
  }
  void rounds(int n) {
    for (int i = 0; i < n; ++i) round();
  }
};

uint64_t load_le(const unsigned char* p, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) v |= static_cast<uint64_t>(p[i]) << (8 * i);
  return v;
}

// SipHash-c-d with CPython's keys (k0, k1) (Python/pyhash.c): `c` rounds per
// 8-byte block, `d` to finish.
uint64_t siphash(uint64_t k0, uint64_t k1, std::string_view data, int c, int d) {
  SipState s{k0 ^ 0x736f6d6570736575ULL, k1 ^ 0x646f72616e646f6dULL,
             k0 ^ 0x6c7967656e657261ULL, k1 ^ 0x7465646279746573ULL};
  const auto* in = reinterpret_cast<const unsigned char*>(data.data());
  size_t n = data.size(), i = 0;
  for (; n - i >= 8; i += 8) {
    uint64_t m = load_le(in + i, 8);
    s.v3 ^= m;
    s.rounds(c);
    s.v0 ^= m;
  }
  uint64_t b = (static_cast<uint64_t>(n) << 56) | load_le(in + i, n - i);
  s.v3 ^= b;
  s.rounds(c);
  s.v0 ^= b;
  s.v2 ^= 0xff;
  s.rounds(d);
  return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}

void put_u32(std::string& out, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) out[at + i] = static_cast<char>(v >> (8 * i));
}

}  // namespace

std::optional<InvalidationMode> parse_invalidation_mode(std::string_view text) {
  for (size_t i = 0; i < kModeNames.size(); ++i)
    if (text == kModeNames[i]) return static_cast<InvalidationMode>(i);
  return std::nullopt;
}

std::string_view invalidation_mode_name(InvalidationMode mode) {
  return kModeNames[static_cast<size_t>(mode)];
}

InvalidationMode default_invalidation_mode(Version v, const char* source_date_epoch) {
  // Lib/py_compile.py, _get_default_invalidation_mode (3.7+; 3.7.0 and 3.7.1
  // also let the variable override an explicit mode, fixed in 3.7.2).
  if (v.at_least(7) && source_date_epoch && *source_date_epoch)
    return InvalidationMode::kCheckedHash;
  return InvalidationMode::kTimestamp;
}

uint64_t source_hash(std::string_view source, Version v) {
  const OpcodeTable* t = opcode_table(v);
  // RAW_MAGIC_NUMBER: the magic's two bytes, then "\r\n", as a little-endian int.
  uint64_t key = (t ? t->magic : 0) | (uint64_t{'\r'} << 16) | (uint64_t{'\n'} << 24);
  // 3.11 made SipHash-1-3 Python's string hash and _Py_KeyedHash with it.
  return v.at_least(11) ? siphash(key, 0, source, 1, 3) : siphash(key, 0, source, 2, 4);
}

uint32_t pyc_mtime(int64_t seconds, int64_t nanoseconds) {
  // Modules/posixmodule.c fill_time: st_mtime = sec + nsec * 1e-9 (a double).
  double mtime = static_cast<double>(seconds) + static_cast<double>(nanoseconds) * 1e-9;
  return static_cast<uint32_t>(static_cast<uint64_t>(static_cast<int64_t>(std::trunc(mtime))));
}

std::optional<SourceInfo> read_source_info(const std::string& path, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  struct stat st;
  if (!in || stat(path.c_str(), &st) != 0) {
    error = path + ": " + std::strerror(errno);
    return std::nullopt;
  }
  if (S_ISDIR(st.st_mode)) {
    error = path + ": is a directory";
    return std::nullopt;
  }
  SourceInfo info;
  info.bytes.assign(std::istreambuf_iterator<char>(in), {});
  info.mtime = pyc_mtime(st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
  info.size = static_cast<uint32_t>(st.st_size);
  return info;
}

std::optional<PycHeader> make_pyc_header(Version v, InvalidationMode mode,
                                         const SourceInfo* source, std::string& error) {
  PycHeader h;
  if (mode == InvalidationMode::kTimestamp) {
    if (source) h.mtime = source->mtime, h.source_size = source->size;
    return h;
  }
  if (!v.at_least(7)) {
    error = std::string(invalidation_mode_name(mode)) + " needs CPython 3.7 or later: a " +
            v.str() + " pyc has only a timestamp header (hash-based pycs came with PEP 552)";
    return std::nullopt;
  }
  h.flags = mode == InvalidationMode::kCheckedHash ? 3 : 1;
  if (source) h.source_hash = source_hash(source->bytes, v);
  return h;
}

std::optional<Version> pyc_version(std::string_view pyc) {
  if (pyc.size() < 4 || pyc[2] != '\r' || pyc[3] != '\n') return std::nullopt;
  return version_from_magic(static_cast<uint16_t>(static_cast<uint8_t>(pyc[0]) |
                                                  (static_cast<uint8_t>(pyc[1]) << 8)));
}

bool replace_pyc_header(std::string& pyc, const PycHeader& header) {
  auto v = pyc_version(pyc);
  if (!v || pyc.size() < (v->at_least(7) ? 16u : 12u)) return false;
  size_t at = 4;
  if (v->at_least(7)) put_u32(pyc, at, header.flags), at += 4;
  if (v->at_least(7) && (header.flags & 1)) {
    put_u32(pyc, at, static_cast<uint32_t>(header.source_hash));
    put_u32(pyc, at + 4, static_cast<uint32_t>(header.source_hash >> 32));
  } else {
    put_u32(pyc, at, header.mtime);
    put_u32(pyc, at + 4, header.source_size);
  }
  return true;
}

}  // namespace pyasm
