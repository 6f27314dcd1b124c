// The pyc header as py_compile writes it (PEP 552): a timestamp header from
// the source's mtime and size, or a hash-based one from importlib's keyed
// source hash, so that a pyc pyasm builds can stand beside its source (in
// __pycache__ or in place) and be accepted by the import system.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "pyasm/code.hpp"
#include "pyasm/version.hpp"

namespace pyasm {

// py_compile.PycInvalidationMode.
enum class InvalidationMode { kTimestamp, kCheckedHash, kUncheckedHash };

// "timestamp", "checked-hash", "unchecked-hash" and back.
std::optional<InvalidationMode> parse_invalidation_mode(std::string_view text);
std::string_view invalidation_mode_name(InvalidationMode mode);

// The mode py_compile.compile(invalidation_mode=None) uses: CHECKED_HASH when
// SOURCE_DATE_EPOCH is set and not empty (`source_date_epoch`: its value, or
// nullptr when unset), else TIMESTAMP. CPython 3.6's py_compile ignores the
// variable and has only timestamps.
InvalidationMode default_invalidation_mode(Version v, const char* source_date_epoch);

// importlib.util.source_hash(source) of CPython `v` (3.7+):
// _Py_KeyedHash(RAW_MAGIC_NUMBER, source), a SipHash keyed with the 4-byte
// magic read as a little-endian number; SipHash-2-4 up to 3.10, SipHash-1-3
// from 3.11. The value as the header stores it (8 bytes, little-endian).
uint64_t source_hash(std::string_view source, Version v);

// What a header is made from: the source's bytes, and its mtime and size as
// path_stats() gives them (int(st_mtime) and st_size, each & 0xFFFFFFFF).
struct SourceInfo {
  std::string bytes;
  uint32_t mtime = 0;
  uint32_t size = 0;
};
// Reads and stats `path`. nullopt and `error` set when it cannot be read.
std::optional<SourceInfo> read_source_info(const std::string& path, std::string& error);
// int(st_mtime) & 0xFFFFFFFF, where st_mtime is the float os.stat() makes of
// (seconds, nanoseconds): the same double, truncated toward zero.
uint32_t pyc_mtime(int64_t seconds, int64_t nanoseconds);

// The header py_compile writes for `source` in `mode` with CPython `v`.
// Without a source the fields are 0 (mtime, size or hash): a header that no
// source validates, for a pyc that is only ever loaded sourceless (or, in
// unchecked-hash mode, one that importlib uses whatever the source says).
// nullopt and `error` set for a hash mode on 3.6 (PEP 552 came with 3.7).
std::optional<PycHeader> make_pyc_header(Version v, InvalidationMode mode,
                                         const SourceInfo* source, std::string& error);

// The version of a pyc, from its magic number; nullopt if it is not one
// pyasm supports.
std::optional<Version> pyc_version(std::string_view pyc);

// Replaces the header of `pyc` (as write_pyc wrote it; the version comes from
// its magic number) with `header`. False when `pyc` is not a supported pyc.
bool replace_pyc_header(std::string& pyc, const PycHeader& header);

}  // namespace pyasm
