#!/usr/bin/env bash
# make test's suites in lanes that share the machine's cores.
#   page lane:    the browser module, the site, the page's suite in Chromium. It is the
#                 longest chain, and Chromium alone keeps the cores busy, so it goes first.
#   sanitizer lane: the sanitizer build, the sanitized suite, then the module in Node; as
#                 much work as the page lane, so it shares the cores with it evenly.
#   wasm lane:    at a lower priority, filling what the others leave: once the module is
#                 built, the wasm build of the test suite, its run and the page's types.
# Each step's output is printed whole when it ends; the script fails if any step failed,
# naming it. Usage: tools/test-lanes.sh JOBS
set -uo pipefail
cd "$(dirname "$0")/.."
jobs=${1:-$(nproc)}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Runs `make TARGET` with its output kept until it ends, then printed in one piece.
step() {
  local target=$1 status=0
  make --no-print-directory -j"$jobs" "$target" >"$work/$target.log" 2>&1 || status=$?
  {
    flock 9
    echo "── make $target: $([[ $status == 0 ]] && echo passed || echo "FAILED ($status)")"
    cat "$work/$target.log"
  } 9>"$work/print.lock"
  [[ $status == 0 ]] || echo "$target" >>"$work/failed"
  return "$status"
}

page_lane() {
  if step site; then
    touch "$work/site.ready"
    step run-browser
  else
    touch "$work/site.failed"
  fi
}

sanitizer_lane() {
  step sanitize || return 0
  step run-sanitize
  until [[ -e $work/site.ready || -e $work/site.failed ]]; do sleep 1; done
  [[ -e $work/site.ready ]] && step run-js
  return 0
}

wasm_lane() {
  until [[ -e $work/site.ready || -e $work/site.failed ]]; do sleep 1; done
  [[ -e $work/site.ready ]] && step wasm-tests && step run-wasm
  step typecheck
  return 0
}

page_lane &
lanes=($!)
sanitizer_lane &
lanes+=($!)
nice -n 10 bash -c "$(declare -f step wasm_lane); work='$work' jobs='$jobs' wasm_lane" &
lanes+=($!)
wait "${lanes[@]}"
if [[ -e $work/failed ]]; then
  echo "make test: failed: $(tr '\n' ' ' <"$work/failed")" >&2
  exit 1
fi
