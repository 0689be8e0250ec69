#!/usr/bin/env bash
# End-to-end checks of the native CLI: the numbers and messages a user sees.
# Usage: cli_test.sh PATH_TO_GPUMEM
set -u
cli="$1"
failures=0
passes=0
check() {  # check NAME EXPECTED_SUBSTRING ACTUAL
  if [[ "$3" == *"$2"* ]]; then echo "ok   $1"; passes=$((passes + 1)); else echo "FAIL $1: wanted '$2' in: $3"; failures=$((failures + 1)); fi
}

out=$("$cli" estimate --method simple --params 70B --precision fp16 --json)
check "70B fp16 is 168 GB" '"totalBytes": 168000000000' "$out"
out=$("$cli" estimate --method simple --params 70B --precision fp8 --json)
check "70B fp8 is 84 GB" '"totalBytes": 84000000000' "$out"
out=$("$cli" estimate --params 70B --precision fp32 --gpu h100-80gb --json)
check "70B fp32 needs four H100s" '"gpusNeeded": 4' "$out"
out=$("$cli" estimate --params 7B --precision bf16 --mode training --optimizer adamw --json)
check "training lists optimizer states" '"name": "optimizer_states"' "$out"

out=$("$cli" estimate --params -5B --precision fp16 2>&1); rc=$?
check "negative params names the field" "--params" "$out"
check "negative params exits 2" "2" "$rc"
out=$("$cli" estimate --params 7B --precision fp13x 2>&1); rc=$?
check "unknown precision names the field" "--precision" "$out"
out=$("$cli" estimate --params "" --precision fp16 --json 2>/dev/null)
check "empty params gives a JSON error" '"field": "params"' "$out"
out=$("$cli" estimate --params 7B --gpu nope 2>&1)
check "unknown gpu names the field" "--gpu" "$out"

echo "$passes passed, $failures failed"
[ "$failures" -eq 0 ]
