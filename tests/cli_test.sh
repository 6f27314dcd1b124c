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

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
