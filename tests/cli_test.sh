#!/usr/bin/env bash
# The pyasm command as a build tool sees it: exit codes, stdin/stdout, output
# files only on success, deterministic bytes; many inputs (-d, -j), make
# dependency files, headers, run, opcodes, diagnostics options (docs/cli.md).
# Usage: cli_test.sh PYASM EXAMPLES_DIR
# The checks against each installed interpreter are tests/check_cli_pipeline.py.
set -u
PYASM=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")  # some checks run in other folders
EXAMPLES=$(cd "$2" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
check() {  # check NAME EXPECTED_STATUS ACTUAL_STATUS [extra condition result]
  local name=$1 want=$2 got=$3 cond=${4:-0}
  if [ "$got" = "$want" ] && [ "$cond" = 0 ]; then
    pass=$((pass + 1)); echo "ok   $name"
  else
    fail=$((fail + 1)); echo "FAIL $name (status $got, wanted $want; condition $cond)"
  fi
}

"$PYASM" --version >"$tmp/v" 2>&1; s=$?
grep -q '^pyasm [0-9]' "$tmp/v"; check "--version" 0 $s $?
"$PYASM" --help >"$tmp/h" 2>&1; s=$?
grep -q 'Examples:' "$tmp/h"; check "--help shows examples" 0 $s $?
"$PYASM" build --help >"$tmp/h" 2>&1; s=$?
grep -q 'pyasm build hello.pyasm -o hello.pyc' "$tmp/h"; check "build --help shows examples" 0 $s $?
"$PYASM" >/dev/null 2>&1; check "no subcommand is a usage error" 2 $?
"$PYASM" build >/dev/null 2>&1; check "missing input is a usage error" 2 $?
"$PYASM" build x.pyasm --bogus >/dev/null 2>&1; check "unknown option is a usage error" 2 $?
"$PYASM" build "$EXAMPLES/hello.pyasm" --python 2.7 -o "$tmp/x.pyc" >/dev/null 2>&1
check "unsupported --python is a usage error" 2 $?

"$PYASM" build "$tmp/missing.pyasm" -o "$tmp/x.pyc" 2>"$tmp/err"; s=$?
grep -q "missing.pyasm: No such file" "$tmp/err"; check "missing input file" 1 $s $?

# A bad input leaves an existing output untouched and no temporary files.
printf 'old contents' >"$tmp/out.pyc"
printf '.python 3.11\n    RESUME 0\n    LOAD_CONS 1\n' >"$tmp/bad.pyasm"
"$PYASM" build "$tmp/bad.pyasm" -o "$tmp/out.pyc" 2>"$tmp/err"; s=$?
[ "$(cat "$tmp/out.pyc")" = "old contents" ] && [ "$(ls "$tmp" | grep -c tmp)" = 0 ]
check "error keeps the old output" 1 $s $?
grep -q "bad.pyasm:3:5: error: unknown opcode 'LOAD_CONS'" "$tmp/err"
check "error names file:line:col" 0 $?
"$PYASM" build "$tmp/bad.pyasm" 2>/dev/null; s=$?
[ ! -e "$tmp/bad.pyc" ]; check "error writes no default output" 1 $s $?

# Success: default output name, -o, stdin and stdout give the same bytes.
cp "$EXAMPLES/hello.pyasm" "$tmp/hello.pyasm"
"$PYASM" build "$tmp/hello.pyasm"; s=$?
[ -s "$tmp/hello.pyc" ]; check "default output beside the input" 0 $s $?
"$PYASM" build "$tmp/hello.pyasm" -o "$tmp/a.pyc"; check "build -o" 0 $?
"$PYASM" build - -o "$tmp/b.pyc" <"$tmp/hello.pyasm"; check "build from stdin" 0 $?
"$PYASM" build "$tmp/hello.pyasm" -o - >"$tmp/c.pyc"; check "build to stdout" 0 $?
cmp -s "$tmp/a.pyc" "$tmp/b.pyc" && cmp -s "$tmp/a.pyc" "$tmp/c.pyc" && cmp -s "$tmp/a.pyc" "$tmp/hello.pyc"
check "same bytes every way (deterministic)" 0 $?

# Version selection.
"$PYASM" build "$tmp/hello.pyasm" --python 3.8 -o "$tmp/d.pyc" 2>"$tmp/err"; s=$?
grep -q "targets CPython 3.11 but --python 3.8 was given" "$tmp/err"
check "directive and --python must agree" 1 $s $?
grep -v '^\.python' "$tmp/hello.pyasm" >"$tmp/nover.pyasm"
"$PYASM" build "$tmp/nover.pyasm" --python 3.11 -o "$tmp/e.pyc"; s=$?
cmp -s "$tmp/a.pyc" "$tmp/e.pyc"; check "--python without a directive" 0 $s $?
PATH=/nonexistent "$PYASM" build "$tmp/nover.pyasm" -o "$tmp/f.pyc" 2>"$tmp/err"; s=$?
grep -q "no target version" "$tmp/err"; check "no version anywhere" 1 $s $?

# disasm: text to standard output or a file, from a file or stdin; the text
# builds back into the same bytes; unreadable input is an error at an offset.
"$PYASM" disasm --help >"$tmp/h" 2>&1; s=$?
grep -q 'pyasm disasm hello.pyc' "$tmp/h"; check "disasm --help shows examples" 0 $s $?
"$PYASM" disasm >/dev/null 2>&1; check "disasm without input is a usage error" 2 $?
"$PYASM" disasm "$tmp/a.pyc" >"$tmp/a.pyasm"; s=$?
grep -q '^\.python 3\.11$' "$tmp/a.pyasm"; check "disasm to stdout" 0 $s $?
"$PYASM" disasm "$tmp/a.pyc" -o "$tmp/a2.pyasm"; check "disasm -o" 0 $?
"$PYASM" disasm - -o - <"$tmp/a.pyc" >"$tmp/a3.pyasm"; check "disasm stdin to stdout" 0 $?
cmp -s "$tmp/a.pyasm" "$tmp/a2.pyasm" && cmp -s "$tmp/a.pyasm" "$tmp/a3.pyasm"
check "disasm gives the same text every way" 0 $?
"$PYASM" build "$tmp/a.pyasm" -o "$tmp/a4.pyc"; s=$?
cmp -s "$tmp/a.pyc" "$tmp/a4.pyc"; check "disasm then build gives the same bytes" 0 $s $?
"$PYASM" disasm "$tmp/a.pyc" --stats 2>"$tmp/err" >/dev/null; s=$?
grep -q 'rebuild check: every code object equal' "$tmp/err"; check "disasm --stats" 0 $s $?

disasm_error() {  # disasm_error NAME BYTES(printf format) EXPECTED_MESSAGE
  printf "$2" >"$tmp/bad.pyc"
  printf 'old text' >"$tmp/bad.pyasm"
  "$PYASM" disasm "$tmp/bad.pyc" -o "$tmp/bad.pyasm" 2>"$tmp/err"; local s=$?
  grep -qF "$tmp/bad.pyc:$3" "$tmp/err" && [ "$(cat "$tmp/bad.pyasm")" = "old text" ]
  check "$1" 1 $s $?
}
disasm_error "disasm of a 2.7 pyc" '\003\363\r\n\0\0\0\0\0\0\0\0' \
  "0x0: error: unsupported magic number 62211 (CPython 2.7); pyasm reads CPython 3.6"
disasm_error "disasm of a 3.14 pyc" '\053\016\r\n\0\0\0\0\0\0\0\0\0\0\0\0' \
  "0x0: error: unsupported magic number 3627 (CPython 3.14 or later)"
disasm_error "disasm of garbage" 'hello, world' \
  "0x0: error: not a pyc: the magic number does not end in \\r\\n"
head -c 40 "$tmp/a.pyc" >"$tmp/trunc.pyc"
"$PYASM" disasm "$tmp/trunc.pyc" 2>"$tmp/err" >"$tmp/out"; s=$?
grep -q "trunc.pyc:0x[0-9a-f]*: error: while reading" "$tmp/err" && [ ! -s "$tmp/out" ]
check "disasm of a truncated pyc: error at an offset, no output" 1 $s $?
"$PYASM" disasm "$tmp/missing.pyc" 2>"$tmp/err"; s=$?
grep -q "missing.pyc: No such file" "$tmp/err"; check "disasm of a missing file" 1 $s $?

# The verifier: `check` reports and writes nothing; `build` refuses code that
# would crash CPython unless --no-verify.
printf '.python 3.12\nRESUME 0\nPUSH_NULL\nRETURN_VALUE\n' >"$tmp/null.pyasm"
"$PYASM" check "$tmp/null.pyasm" 2>"$tmp/err"; s=$?
grep -q "/null.pyasm:4:1: error: RETURN_VALUE uses a stack item that is NULL" "$tmp/err" &&
  [ ! -e "$tmp/null.pyc" ]
check "check reports a verifier error and writes nothing" 1 $s $?
"$PYASM" build "$tmp/null.pyasm" -o "$tmp/null.pyc" 2>/dev/null; s=$?
[ ! -e "$tmp/null.pyc" ]; check "build rejects what the verifier rejects" 1 $s $?
"$PYASM" build --no-verify "$tmp/null.pyasm" -o "$tmp/null.pyc" 2>/dev/null; s=$?
[ -s "$tmp/null.pyc" ]; check "build --no-verify writes it anyway" 0 $s $?
printf '.python 3.12\nRESUME 0\nRETURN_CONST None\n' >"$tmp/ok.pyasm"
"$PYASM" check "$tmp/ok.pyasm" >"$tmp/out" 2>&1; s=$?
[ ! -s "$tmp/out" ] && [ ! -e "$tmp/ok.pyc" ]; check "check of good code: silent, no file" 0 $s $?

# --- The pipeline CLI (issue 6) ----------------------------------------------
"$PYASM" version >"$tmp/v" 2>&1; s=$?
grep -q '^pyasm [0-9]' "$tmp/v" && grep -q '3\.6, .*3\.13' "$tmp/v"
check "version names pyasm's and the CPython versions" 0 $s $?

# Many inputs: -d keeps relative paths, -j2 gives the bytes one-at-a-time
# builds give, a package imports sourceless from the output tree.
PROGRAMS=$(dirname "$EXAMPLES")/testdata/programs
mkdir -p "$tmp/tree/pkg/sub"
cp "$EXAMPLES/hello.pyasm" "$tmp/tree/pkg/__init__.pyasm"
cp "$EXAMPLES/hello.pyasm" "$tmp/tree/pkg/sub/__init__.pyasm"
cp "$EXAMPLES/hello-3.8.pyasm" "$tmp/tree/pkg/old.pyasm"
n=0
for f in "$PROGRAMS"/3.1[123]/*.pyasm; do
  cp "$f" "$tmp/tree/pkg/sub/m$n.pyasm"; n=$((n + 1)); [ $n = 8 ] && break
done
(
  cd "$tmp/tree" || exit 1
  inputs=$(find pkg -name '*.pyasm' | sort)
  for f in $inputs; do "$PYASM" build "$f" -o "one-${f//\//_}.pyc" || exit 1; done
  "$PYASM" build -j2 -d out $inputs || exit 1
  for f in $inputs; do cmp -s "one-${f//\//_}.pyc" "out/${f%.pyasm}.pyc" || exit 1; done
  [ "$(find out -name '*.pyc' | wc -l)" = "$(echo "$inputs" | wc -l)" ] || exit 1
  "$PYASM" build -j 0 -d out2 ./pkg/../pkg/old.pyasm "$PWD/pkg/sub/__init__.pyasm" || exit 1
  cmp -s out/pkg/old.pyc out2/pkg/old.pyc && cmp -s out/pkg/sub/__init__.pyc out2/pkg/sub/__init__.pyc
); check "build -j2 -d DIR: DIR/path.pyc, the bytes of single builds" 0 $?
if python3 -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
  (cd "$tmp/tree/out" && python3 -c 'import pkg.sub' >"$tmp/out") &&
    [ "$(grep -c 'Hello, world!' "$tmp/out")" = 2 ]
  check "the -d tree imports sourceless (pkg/__init__.pyc)" 0 $?
fi
(cd "$tmp/tree" && "$PYASM" build -d out ../hello.pyasm 2>"$tmp/err"); s=$?
grep -q "outside the current directory" "$tmp/err"; check "-d with an input outside ." 2 $s $?
"$PYASM" build -d "$tmp/o" - <"$tmp/hello.pyasm" 2>/dev/null; check "-d with standard input" 2 $?
"$PYASM" build "$tmp/hello.pyasm" "$tmp/ok.pyasm" -o "$tmp/x.pyc" 2>/dev/null
check "-o with two inputs is a usage error" 2 $?
"$PYASM" build "$tmp/hello.pyasm" -o "$tmp/x.pyc" -d "$tmp/o" 2>/dev/null
check "-o and -d together" 2 $?
"$PYASM" build - - -d "$tmp/o" </dev/null 2>/dev/null; check "two '-' inputs" 2 $?
"$PYASM" disasm "$tmp/a.pyc" "$tmp/c.pyc" 2>/dev/null; check "disasm of two pycs needs -d" 2 $?
(cd "$tmp/tree" && "$PYASM" disasm -j2 -d dis out/pkg/old.pyc out/pkg/sub/m0.pyc &&
  "$PYASM" build dis/out/pkg/old.pyasm -o old2.pyc && cmp -s old2.pyc out/pkg/old.pyc &&
  [ -s dis/out/pkg/sub/m0.pyasm ]); check "disasm -j2 -d DIR: DIR/path.pyasm" 0 $?

# Diagnostics of many files come out per file, in input order, whatever
# order they finish in: the first file is slow (a big one), the second fast.
{ echo ".python 3.11"; echo "RESUME 0"
  for i in $(seq 1 6000); do echo "LOAD_CONST $i"; echo "POP_TOP"; done
  echo "LOAD_CONS 1"; echo "RETURN_VALUE"; } >"$tmp/slow.pyasm"
printf '.python 3.11\nRESUME 0\nLOAD_CONS 2\nRETURN_VALUE\n' >"$tmp/fast.pyasm"
"$PYASM" check -j2 "$tmp/slow.pyasm" "$tmp/fast.pyasm" "$tmp/ok.pyasm" "$tmp/bad.pyasm" 2>"$tmp/err2"; s=$?
"$PYASM" check -j1 "$tmp/slow.pyasm" "$tmp/fast.pyasm" "$tmp/ok.pyasm" "$tmp/bad.pyasm" 2>"$tmp/err1"
grep -o '^[^:]*\.pyasm' "$tmp/err2" | xargs -n1 basename | tr '\n' ' ' >"$tmp/order"
cmp -s "$tmp/err1" "$tmp/err2" && [ "$(cat "$tmp/order")" = "slow.pyasm fast.pyasm bad.pyasm " ]
check "-j2 prints each file's diagnostics in input order" 1 $s $?

# Make dependency files, as cc writes them.
cp "$tmp/hello.pyasm" "$tmp/dep in.pyasm"
"$PYASM" build "$tmp/dep in.pyasm" -o "$tmp/d\$1.pyc" -MD -MP; s=$?
printf '%s\n' "$tmp/d\$\$1.pyc: $tmp/dep\\ in.pyasm" >"$tmp/want"
cmp -s "$tmp/want" "$tmp/d\$1.d"; check "-MD writes OUT.d; spaces and \$ escaped" 0 $s $?
"$PYASM" build "$tmp/hello.pyasm" -o "$tmp/x.pyc" -MF "$tmp/deps/x.dep"; s=$?
[ "$(cat "$tmp/deps/x.dep")" = "$tmp/x.pyc: $tmp/hello.pyasm" ]; check "-MF FILE (implies -MD)" 0 $s $?
"$PYASM" build "$tmp/hello.pyasm" -o "$tmp/x.pyc" -MF- >"$tmp/out"; s=$?
[ "$(cat "$tmp/out")" = "$tmp/x.pyc: $tmp/hello.pyasm" ]; check "-MF - writes to standard output" 0 $s $?
(cd "$tmp/tree" && "$PYASM" build -d dd -MD pkg/old.pyasm pkg/sub/__init__.pyasm &&
  [ "$(cat dd/pkg/old.d)" = "dd/pkg/old.pyc: pkg/old.pyasm" ] && [ -s dd/pkg/sub/__init__.d ])
check "-MD with -d: DIR/path.d for each input" 0 $?
"$PYASM" build "$tmp/hello.pyasm" -o - -MD >/dev/null 2>&1; check "-MD with -o - needs -MF" 2 $?
"$PYASM" build "$tmp/hello.pyasm" -o "$tmp/x.pyc" -MP 2>/dev/null; check "-MP alone" 2 $?
rm -f "$tmp/bad.d"; "$PYASM" build "$tmp/bad.pyasm" -MD 2>/dev/null; s=$?
[ ! -e "$tmp/bad.d" ]; check "no dependency file after errors" 1 $s $?
mkdir -p "$tmp/inc/lib"
printf '.include "lib/part.pyasm"\n    RETURN_VALUE\n' >"$tmp/inc/main.pyasm"
printf '.python 3.11\n    RESUME 0\n.include "const.pyasm"\n' >"$tmp/inc/lib/part.pyasm"
printf '    LOAD_CONST None\n' >"$tmp/inc/lib/const.pyasm"
(cd "$tmp/inc" && "$PYASM" build main.pyasm -o main.pyc -MD -MP &&
  printf 'main.pyc: main.pyasm \\\n  lib/part.pyasm \\\n  lib/const.pyasm\n\nlib/part.pyasm:\n\nlib/const.pyasm:\n' >want &&
  cmp -s want main.d); check "-MD -MP lists every .include, with phony targets" 0 $?
mv "$tmp/inc/lib/const.pyasm" "$tmp/inc/const.pyasm"
(cd "$tmp/inc" && "$PYASM" build -I . main.pyasm -o main.pyc -MF - | grep -q ' const.pyasm$')
check "-I DIR finds an .include" 0 $?
(cd "$tmp/inc" && "$PYASM" build main.pyasm -o main.pyc 2>/dev/null); check "... and not without -I" 1 $?

# Headers: an explicit mode or source wins over a .pyc directive.
"$PYASM" build "$tmp/a.pyasm" -o "$tmp/h.pyc" --invalidation-mode unchecked-hash; s=$?
[ "$(od -An -tx1 -j4 -N12 "$tmp/h.pyc" | tr -d ' \n')" = 010000000000000000000000 ]
check "--invalidation-mode replaces a .pyc directive" 0 $s $?
printf 'print(1)\n' >"$tmp/src.py"
"$PYASM" build "$tmp/hello.pyasm" -o "$tmp/h1.pyc" --source "$tmp/src.py" --invalidation-mode checked-hash
SOURCE_DATE_EPOCH=1 "$PYASM" build "$tmp/hello.pyasm" -o "$tmp/h2.pyc" --source "$tmp/src.py"; s=$?
cmp -s "$tmp/h1.pyc" "$tmp/h2.pyc"; check "SOURCE_DATE_EPOCH: checked-hash by default" 0 $s $?
SOURCE_DATE_EPOCH=1 "$PYASM" build "$tmp/hello.pyasm" -o "$tmp/h3.pyc" --source "$tmp/src.py" --invalidation-mode timestamp
[ "$(od -An -tx1 -j4 -N4 "$tmp/h3.pyc" | tr -d ' \n')" = 00000000 ] &&
  [ "$(od -An -tu4 -j12 -N4 "$tmp/h3.pyc" | tr -d ' \n')" = 9 ]
check "SOURCE_DATE_EPOCH: an explicit mode wins" 0 $?
SOURCE_DATE_EPOCH=1 "$PYASM" build "$tmp/hello.pyasm" -o "$tmp/h4.pyc"
cmp -s "$tmp/h4.pyc" "$tmp/a.pyc"; check "SOURCE_DATE_EPOCH without --source: header unchanged" 0 $?
"$PYASM" build "$tmp/hello.pyasm" -o "$tmp/h5.pyc" --source "$tmp/missing.py" 2>"$tmp/err"; s=$?
grep -q "missing.py: No such file" "$tmp/err" && [ ! -e "$tmp/h5.pyc" ]; check "--source missing" 1 $s $?
"$PYASM" build "$tmp/nover.pyasm" --python 3.6 --invalidation-mode checked-hash -o "$tmp/h6.pyc" 2>/dev/null
check "hash mode with --python 3.6" 2 $?
"$PYASM" build "$EXAMPLES/../testdata/programs/3.6/greet.pyasm" --invalidation-mode checked-hash \
  -o "$tmp/h6.pyc" 2>"$tmp/err"; s=$?
grep -q "checked-hash needs CPython 3.7 or later" "$tmp/err"; check "hash mode for a 3.6 file" 1 $s $?
"$PYASM" build "$tmp/hello.pyasm" "$tmp/ok.pyasm" --source "$tmp/src.py" 2>/dev/null
check "--source with two inputs" 2 $?

# Diagnostics: colour, --quiet, --error-limit.
"$PYASM" build "$tmp/bad.pyasm" --color=always 2>"$tmp/err"; grep -q $'\033\\[' "$tmp/err"
check "--color=always colours" 0 $?
NO_COLOR=1 "$PYASM" build "$tmp/bad.pyasm" --color=always 2>"$tmp/err"; grep -q $'\033\\[' "$tmp/err"
check "--color=always wins over NO_COLOR" 0 $?
"$PYASM" build "$tmp/bad.pyasm" 2>"$tmp/err"; grep -q $'\033' "$tmp/err"
check "no colour when standard error is not a terminal" 1 $?
"$PYASM" build "$tmp/bad.pyasm" --color=never 2>"$tmp/err"; grep -q $'\033' "$tmp/err"
check "--color=never" 1 $?
"$PYASM" build "$tmp/bad.pyasm" --color=sometimes 2>/dev/null; check "--color=sometimes" 2 $?
printf '.python 3.11\n.marshal "+consts.7"\nRESUME 0\nLOAD_CONST None\nRETURN_VALUE\n' >"$tmp/warn.pyasm"
"$PYASM" build "$tmp/warn.pyasm" -o "$tmp/w.pyc" 2>"$tmp/err"; s=$?
grep -q "warning: marshal note" "$tmp/err"; check "a warning is shown" 0 $s $?
"$PYASM" build -q "$tmp/warn.pyasm" -o "$tmp/w.pyc" 2>"$tmp/err"; s=$?
[ ! -s "$tmp/err" ]; check "--quiet: no warnings" 0 $s $?
"$PYASM" build --quiet "$tmp/bad.pyasm" 2>"$tmp/err"; s=$?
grep -q "error: unknown opcode" "$tmp/err"; check "--quiet still shows errors" 1 $s $?
{ echo ".python 3.11"; echo "RESUME 0"; for i in 1 2 3 4 5; do echo "LOAD_CONS $i"; done
  echo "RETURN_VALUE"; } >"$tmp/five.pyasm"
"$PYASM" check "$tmp/five.pyasm" --error-limit 2 2>"$tmp/err"; s=$?
[ "$(grep -c ': error:' "$tmp/err")" = 2 ] && grep -q 'too many errors' "$tmp/err"
check "--error-limit 2" 1 $s $?
"$PYASM" check "$tmp/five.pyasm" --error-limit 0 2>"$tmp/err"
[ "$(grep -c ': error:' "$tmp/err")" = 5 ]; check "--error-limit 0: every error" 0 $?
"$PYASM" check "$tmp/five.pyasm" --error-limit -1 2>/dev/null; check "--error-limit -1" 2 $?

# stdin/stdout everywhere.
"$PYASM" check - <"$tmp/hello.pyasm"; check "check -" 0 $?
"$PYASM" build - -o - <"$tmp/hello.pyasm" | "$PYASM" disasm - -o - >"$tmp/s.pyasm"; s=$?
cmp -s "$tmp/s.pyasm" "$tmp/a.pyasm"; check "build - -o - | disasm - -o -" 0 $s $?

# opcodes.
"$PYASM" opcodes --python 3.11 >"$tmp/out"; s=$?
grep -Eq '^ *100 +LOAD_CONST +const +\+1 +- +0$' "$tmp/out"; check "opcodes: the table" 0 $s $?
"$PYASM" opcodes --python 3.12 LOAD_ATTR >"$tmp/out"; s=$?
grep -q 'inline caches: 9' "$tmp/out"; check "opcodes NAME: details" 0 $s $?
"$PYASM" opcodes --python 3.11 LOAD_CONS 2>"$tmp/err"; s=$?
grep -q "did you mean 'LOAD_CONST'" "$tmp/err"; check "opcodes: an unknown name" 1 $s $?
"$PYASM" opcodes --python 3.11 BINARY_ADD 2>"$tmp/err"; s=$?
grep -q "it exists in 3.6" "$tmp/err"; check "opcodes: a name of other versions" 1 $s $?
"$PYASM" opcodes --python 2.7 >/dev/null 2>&1; check "opcodes --python 2.7" 2 $?

# run: the program's exit status and arguments; the temporary pyc is removed.
if command -v python3 >/dev/null && python3 -c 'import py_compile' 2>/dev/null; then
  printf 'import sys\nprint(sys.argv[1:])\nsys.exit(int(sys.argv[1]))\n' >"$tmp/prog.py"
  python3 -c "import py_compile, sys; py_compile.compile(sys.argv[1], cfile=sys.argv[2])" \
    "$tmp/prog.py" "$tmp/prog.pyc" && "$PYASM" disasm "$tmp/prog.pyc" -o "$tmp/prog.pyasm"
  mkdir -p "$tmp/runtmp"
  TMPDIR=$tmp/runtmp "$PYASM" run "$tmp/prog.pyasm" --interpreter python3 -- 3 -x "a b" -MD \
    >"$tmp/out"; s=$?
  [ "$(cat "$tmp/out")" = "['3', '-x', 'a b', '-MD']" ] && [ -z "$(ls -A "$tmp/runtmp")" ]
  check "run: exit status, arguments, temporary pyc removed" 3 $s $?
  "$PYASM" run - --interpreter python3 -- 0 <"$tmp/prog.pyasm" >"$tmp/out"; s=$?
  [ "$(cat "$tmp/out")" = "['0']" ]; check "run - (program from standard input)" 0 $s $?
  printf 'import os, signal\nos.kill(os.getpid(), signal.SIGTERM)\n' >"$tmp/kill.py"
  python3 -c "import py_compile, sys; py_compile.compile(sys.argv[1], cfile=sys.argv[2])" \
    "$tmp/kill.py" "$tmp/kill.pyc" && "$PYASM" disasm "$tmp/kill.pyc" -o "$tmp/kill.pyasm"
  "$PYASM" run "$tmp/kill.pyasm" --interpreter python3; check "run: killed by SIGTERM is 143" 143 $?
fi
"$PYASM" run "$tmp/hello.pyasm" --interpreter "$tmp/no-such-python" 2>"$tmp/err"; s=$?
grep -q "cannot run" "$tmp/err"; check "run: interpreter not found" 127 $s $?
"$PYASM" run "$tmp/bad.pyasm" 2>/dev/null; check "run: errors in the input" 1 $?

"$PYASM" build "$EXAMPLES/hello.pyasm" -o "$tmp/new/dir/h.pyc" 2>/dev/null; s=$?
[ -f "$tmp/new/dir/h.pyc" ]; check "-o into a folder that does not exist yet" 0 $s $?
"$PYASM" disasm "$tmp/new/dir/h.pyc" -o "$tmp/new/other/h.pyasm" 2>/dev/null; s=$?
[ -f "$tmp/new/other/h.pyasm" ]; check "disasm -o into a new folder" 0 $s $?

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
