// Between the pyc reader and the marshal writer: what the reader saw of each
// object in the stream, so that the writer, walking the same code objects,
// can say where the file departs from its default layout (marshal notes).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "pyasm/code.hpp"

namespace pyasm {

// One object of a marshal stream, in stream order (pre-order: a container
// before its items). Raw i32 fields of code objects are not objects.
struct StreamEntry {
  uint32_t offset = 0;  // of the type byte, from the start of the stream
  uint8_t type = 0;     // type code without FLAG_REF ('r' for a reference)
  bool flag = false;    // FLAG_REF set
  int32_t ref = -1;     // 'r': index of the entry it refers to
};

struct ObservedCode {
  const Code* code;
  std::vector<MarshalNote> notes;
};

// Walks `module` as the writer would, following the reader's `entries`
// wherever they depart from the default layout, and returns the notes that
// make the writer reproduce them (for every code object that needs any).
// `bytes` receives what the writer produced with those notes; it equals the
// stream that was read unless pyasm cannot express some departure.
// `describe_entry` >= 0: instead, `*description` is set to the path of that
// entry ("f.g: consts.3") and the walk stops there.
std::vector<ObservedCode> observe_marshal(const Code& module, const std::vector<StreamEntry>& entries,
                                          std::string& bytes, long describe_entry = -1,
                                          std::string* description = nullptr);

}  // namespace pyasm
