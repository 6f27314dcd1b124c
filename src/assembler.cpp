// The whole text-to-pyc pipeline.
#include "pyasm/assembler.hpp"

#include "pyasm/include.hpp"
#include "pyasm/verifier.hpp"

namespace pyasm {

std::optional<std::string> assemble(const SourceFile& source, const AssembleOptions& options,
                                    Diagnostics& diags) {
  // `.include`: the rest of the pipeline reads the expanded text, which the
  // diagnostics keep alive (they point into it).
  const SourceFile* expanded = &source;
  if (has_includes(source.text)) {
    IncludeOptions io;
    io.dirs = options.include_dirs;
    io.dependencies = options.dependencies;
    io.allowed = options.includes;
    auto text = expand_includes(source, io, diags);
    diags.keep(text);
    expanded = text.get();
  }
  const SourceFile& file = *expanded;
  // Resolve even after syntax errors: the statements that parsed may hold
  // more errors worth reporting in the same run.
  std::shared_ptr<const Code> code =
      parse_and_resolve(file, options.version, options.default_version, diags);
  diags.sort_by_position();
  if (!code || diags.has_errors()) return std::nullopt;
  if (options.verify && !verify(*code, file, diags)) {
    diags.sort_by_position();
    return std::nullopt;
  }
  // A `.pyc` directive (the header a disassembled pyc had) wins.
  std::vector<const MarshalNote*> unused;
  std::string pyc = write_pyc(code, code->pyc_header ? *code->pyc_header : options.header, &unused);
  // A note made stale by an edit only loses its layout detail: a warning.
  for (const MarshalNote* n : unused)
    diags.warning(file, n->src,
                  "marshal note '" + format_marshal_notes({*n}) +
                      "' does not apply (no such object, or not an equal earlier object, or a "
                      "type code that cannot hold the value); ignored");
  diags.sort_by_position();
  return pyc;
}

}  // namespace pyasm
