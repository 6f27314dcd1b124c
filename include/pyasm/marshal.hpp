// marshal (version 4) writer and the pyc container.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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

// The whole .pyc file: header then marshalled module code. The module's
// marshal notes (and its nested code objects') are applied; a note that does
// not apply (its path names no object, its target is not an equal earlier
// object, its type code cannot hold the value) is skipped and, when
// `unused` is given, listed there.
std::string write_pyc(const std::shared_ptr<const Code>& module, const PycHeader& header,
                      std::vector<const MarshalNote*>* unused = nullptr);

// The text of a `.marshal` directive (see MarshalNote) and back.
// parse_marshal_notes: nullopt and `error` set on a malformed note.
std::optional<std::vector<MarshalNote>> parse_marshal_notes(std::string_view text,
                                                            std::string& error);
std::string format_marshal_notes(const std::vector<MarshalNote>& notes);

}  // namespace pyasm
