#!/usr/bin/env bash
# The pyasm command as a build tool sees it: exit codes, stdin/stdout, output
# files only on success, deterministic bytes. Usage: cli_test.sh PYASM EXAMPLES_DIR
set -u
PYASM=$1
EXAMPLES=$2
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

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
