#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan+UBSan) into build-fuzz/ and runs
# each for SECONDS (default 60). The corpora grow in build-fuzz/corpus-*
# (seeded from testdata/ and tests/fuzz/corpus-pyc/, not committed); a crash,
# leak or timeout leaves its input in build-fuzz/artifacts/ and fails the run.
#
# Usage: tests/fuzz/run.sh [SECONDS] [TARGET...]   (targets: fuzz_text fuzz_pyc)
#   tests/fuzz/run.sh 30        what CI runs
#   tests/fuzz/run.sh 3600      the documented long run (an hour per target)
# Then minimize a crash with
#   build-fuzz/tests/fuzz/fuzz_pyc -minimize_crash=1 -runs=100000 build-fuzz/artifacts/crash-...
# and add it as a regression file (docs/testing.md, "Fuzzing").
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_text fuzz_pyc)

out=build-fuzz
if [ ! -f $out/CMakeCache.txt ]; then
  CC=clang CXX=clang++ cmake -S . -B $out -DPYASM_FUZZ=ON -DPYASM_BUILD_TESTS=OFF \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
cmake --build $out -j2 --target "${targets[@]}" >/dev/null

# Seeds. Text: the first byte picks the version of a file without .python
# (fuzz_text.cpp); every .pyasm of testdata gets the version of its folder.
mkdir -p $out/corpus-text $out/corpus-pyc $out/artifacts
while IFS= read -r f; do
  minor=$(basename "$(dirname "$f")" | sed -n 's/^3\.\([0-9]*\)$/\1/p')
  seed=$out/corpus-text/seed-$(echo "$f" | tr '/' '_')
  { printf "\\$(printf '%03o' $(( (${minor:-11} - 6) + 48 )))"; cat "$f"; } > "$seed"
done < <(find testdata -name '*.pyasm')
cp tests/fuzz/corpus-pyc/*.pyc testdata/bad-pyc/*.pyc $out/corpus-pyc/
# The regressions (testdata/fuzz/, README.md there) are seeds too.
find testdata/fuzz/pyc -type f ! -name '.*' -exec cp {} $out/corpus-pyc/ \;
find testdata/fuzz/text -type f ! -name '.*' -exec cp {} $out/corpus-text/ \;

status=0
for t in "${targets[@]}"; do
  corpus=$out/corpus-${t#fuzz_}
  # Text: short inputs run far faster and reach the same code; the seeds are
  # cut to their first 8 KB.
  opts=(-max_len=16384)
  [ "$t" = fuzz_text ] && opts=(-dict=tests/fuzz/pyasm.dict -max_len=8192)
  echo "== $t: $seconds s, corpus $corpus"
  # -rss_limit_mb: any input must stay well inside it (bounded memory);
  # -timeout: any input must finish in seconds (no hangs).
  # PYASM_FUZZ_SEED fixes libFuzzer's random seed (CI: a smoke test that
  # replays the same exploration; the long run explores anew each time).
  [ -n "${PYASM_FUZZ_SEED:-}" ] && opts+=(-seed="$PYASM_FUZZ_SEED")
  if ! $out/tests/fuzz/$t "${opts[@]}" -max_total_time="$seconds" -timeout=10 \
      -rss_limit_mb=1024 -print_final_stats=1 \
      -artifact_prefix=$out/artifacts/$t- "$corpus" 2> $out/$t.log; then
    status=1
    echo "$t: FAILED, see $out/$t.log and $out/artifacts/"
    # The report itself, so a CI log shows what failed.
    grep -E -A12 'ERROR: |runtime error:|SUMMARY:|deadly signal|Test unit written' $out/$t.log |
      head -n 60 || true
  fi
  grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+ *DONE)' $out/$t.log || true
  tail -n 3 $out/$t.log
done
exit $status
