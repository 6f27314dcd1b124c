// marshal (version 4) writer and the pyc container.
#pragma once

#include <cstdint>
#include <string>

#include "pyasm/code.hpp"
#include "pyasm/object.hpp"

namespace pyasm {

// Serialises `obj` as CPython `version`'s marshal.dumps would lay it out.
// Sharing: an object reached twice (same ObjectPtr) and every interned
// string is written with FLAG_REF and later uses become references;
// interned strings with equal values are shared. Deterministic.
std::string marshal_dumps(const Object& obj, Version version);
// Same, for an encoded code object (its code_bytes/linetable filled in).
std::string marshal_dumps_code(const std::shared_ptr<const Code>& code);

// pyc header fields. 3.6 has no flags word (12-byte header); 3.7+ has 16 bytes.
struct PycHeader {
  uint32_t flags = 0;        // 0 timestamp; 1 unchecked hash; 3 checked hash
  uint32_t mtime = 0;        // flags == 0
  uint32_t source_size = 0;  // flags == 0
  uint64_t source_hash = 0;  // flags & 1
};

// The whole .pyc file: header then marshalled module code.
std::string write_pyc(const std::shared_ptr<const Code>& module, const PycHeader& header);

}  // namespace pyasm
