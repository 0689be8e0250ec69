#!/usr/bin/env bash
# Runs every libFuzzer target in BUILD_DIR for SECONDS from its checked-in seed corpus
# (tests/fuzz/corpus/NAME) and prints executions per target. Fails on any finding.
# Usage: tools/fuzz-smoke.sh BUILD_DIR SECONDS
set -euo pipefail
build="$1"
seconds="$2"
for target in "$build"/tests/fuzz/fuzz_*; do
  name=$(basename "$target")
  name=${name#fuzz_}
  work="$build/corpus/$name"
  mkdir -p "$work"
  seeds=()
  [ -d "tests/fuzz/corpus/$name" ] && seeds=("tests/fuzz/corpus/$name")
  echo "fuzz $name for $seconds s"
  if ! "$target" -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="$build/" \
      "$work" "${seeds[@]}" >"$build/$name.log" 2>&1; then
    grep -E "ERROR|SUMMARY|Test unit written" "$build/$name.log" || tail -20 "$build/$name.log"
    echo "fuzz $name: finding (see $build/$name.log)"
    exit 1
  fi
  grep -E "stat::number_of_executed_units" "$build/$name.log"
done
