# gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
# Quick start: `make serve` (build and serve the page) and `make test` (every suite).
# Both install what is missing (Debian packages as root, Node modules with npm ci).

SHELL := /bin/bash
JOBS ?= $(shell nproc)
PORT ?= 8000
NATIVE := build/native
SANITIZE := build/sanitize
WASM := build/wasm
SITE := build/site
export NODE_PATH := /usr/share/nodejs

# A build folder's own make. Under `make -jN` its
# compiles take their turns from the same N job slots; run alone it uses $(JOBS) cores.
BUILD = $(MAKE) --no-print-directory $(if $(findstring jobserver,$(MAKEFLAGS)),,-j$(JOBS)) -C
# Unity builds: each target's sources compiled sixteen to a file, so the standard library,
# nlohmann/json and GoogleTest are parsed a few times per build instead of once per file
# (about half the compile time of every build). A clash between two files' local helpers
# is a compile error here, not a silent change.
UNITY := -DCMAKE_UNITY_BUILD=ON -DCMAKE_UNITY_BUILD_BATCH_SIZE=16

.PHONY: all native sanitize wasm wasm-module site serve test test-native test-sanitize \
        fuzz-smoke test-wasm test-js test-browser typecheck bench clean format \
        wasm-tests run-sanitize run-wasm run-js run-browser

all: native site

## native: the CLI at build/native/gpumem and the native test binary (warnings are errors)
native:
	@tools/ensure-deps.sh native
	cmake -G "Unix Makefiles" -S . -B $(NATIVE) -DCMAKE_BUILD_TYPE=Release -DGPUMEM_WERROR=ON $(UNITY) >/dev/null
	+$(BUILD) $(NATIVE)
	@ln -sf cli/gpumem $(NATIVE)/gpumem

## sanitize: one clang build with AddressSanitizer, UndefinedBehaviorSanitizer and
## libFuzzer's coverage instrumentation: the test suite and the CLI, and the fuzz targets
## when make fuzz-smoke asks for them (-O1: the property tests and the fuzzers run several times faster than unoptimised;
## line tables only, enough for symbolised reports, at half the compile time of -g)
sanitize:
	@tools/ensure-deps.sh native sanitize
	CXX=clang++-14 cmake -G "Unix Makefiles" -S . -B $(SANITIZE) -DCMAKE_BUILD_TYPE=Debug \
	  -DCMAKE_CXX_FLAGS_DEBUG="-O1 -gline-tables-only" \
	  -DGPUMEM_SANITIZE=ON -DGPUMEM_FUZZ=ON -DGPUMEM_TESTS=ON -DGPUMEM_CLI=ON $(UNITY) >/dev/null
	+$(BUILD) $(SANITIZE)

## wasm-module: the browser module alone (gpumem.mjs + gpumem.wasm), all the page needs
wasm-module:
	@tools/ensure-deps.sh wasm
	emcmake cmake -G "Unix Makefiles" -S . -B $(WASM) -DCMAKE_BUILD_TYPE=Release -DGPUMEM_WERROR=ON \
	  -DCMAKE_CROSSCOMPILING_EMULATOR=$$(command -v node) $(UNITY) >/dev/null
	+$(BUILD) $(WASM) gpumem_wasm

## wasm: the browser module and the wasm build of the test suite
wasm: wasm-module
	+@$(MAKE) --no-print-directory wasm-tests

# The wasm build of the test suite in the build folder make wasm-module configured.
wasm-tests:
	+$(BUILD) $(WASM)

## site: the deployable site in build/site (exactly what GitHub Pages serves)
site: wasm-module
	rm -rf $(SITE) && mkdir -p $(SITE)
	cp -r web/. $(SITE)/
	@tools/ensure-deps.sh js
	node_modules/.bin/esbuild $(SITE)/js/*.js --minify --format=esm --target=es2022 \
	  --outdir=$(SITE)/js --allow-overwrite --log-level=warning
	cp $(WASM)/wasm/gpumem.mjs $(WASM)/wasm/gpumem.wasm $(SITE)/
	# Emscripten's glue is only whitespace-stripped at -Oz; minified it is 2.3 KB smaller gzipped.
	node_modules/.bin/esbuild $(SITE)/gpumem.mjs --minify --format=esm --target=es2022 \
	  --outfile=$(SITE)/gpumem.mjs --allow-overwrite --log-level=warning
	node tools/build-first-answer.mjs $(SITE)
	node tools/build-offline.mjs $(SITE)

## serve: build the site and serve it at http://127.0.0.1:$(PORT)/
serve: site
	@tools/ensure-deps.sh browser
	node tools/serve.mjs $(SITE) $(PORT)

## test: every suite: the GoogleTest suite and the CLI's checks natively under ASan and
## UBSan (one clang build, which also holds the fuzz targets whose seed corpora it
## replays), the same suite compiled to wasm under Node, the module in Node, the page in
## Chromium, and the page's types. Two lanes share the cores (tools/test-lanes.sh): the
## browser module, the site and the page's suite, the longest chain, first; the sanitizer
## and wasm test builds and the other suites beside it at a lower priority. The plain
## Release build (make test-native: GCC, warnings as errors, one ctest entry per test)
## runs the same suite as its own CI job. (fuzz-smoke is separate: it runs for a fixed time.)
test:
	@tools/ensure-deps.sh native sanitize wasm js browser
	@tools/test-lanes.sh $(JOBS)
	@echo "make test: all suites passed"

test-native: native
	cd $(NATIVE) && ctest --output-on-failure -j$(JOBS)

## test-sanitize: the native suite and the CLI checks under ASan and UBSan
test-sanitize: sanitize
	+@$(MAKE) --no-print-directory run-sanitize

## fuzz-smoke: the libFuzzer targets, built on the sanitize build, each replaying its seed
## corpus and then fuzzing for FUZZ_SECONDS (default 30)
FUZZ_SECONDS ?= 30
fuzz-smoke: sanitize
	+$(BUILD) $(SANITIZE) fuzzers
	tools/fuzz-smoke.sh $(SANITIZE) $(FUZZ_SECONDS)

test-wasm: wasm
	+@$(MAKE) --no-print-directory run-wasm

## test-js: the wasm module in Node (with the CLI beside it: "Copy JSON" must equal --json;
## the sanitized build's CLI, which make test builds anyway)
test-js: site sanitize
	+@$(MAKE) --no-print-directory run-js

## typecheck: the page's JavaScript through TypeScript's checker (JSDoc types, no output)
typecheck:
	@tools/ensure-deps.sh js
	node_modules/.bin/tsc -p tsconfig.json

## test-browser: the page in headless Chromium: the test files in two groups run side by
## side (tests/browser/group-*.mjs), each group sharing one Chromium; each file has its own
## server and browser context
test-browser: site
	+@$(MAKE) --no-print-directory run-browser

# Each suite alone, on what is already built (make test's lanes run these once their
# builds are done).
run-sanitize:
	cd $(SANITIZE) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --output-on-failure -j$(JOBS)
run-wasm:
	cd $(WASM) && ctest --output-on-failure -j$(JOBS)
run-js:
	GPUMEM_CLI=$(SANITIZE)/cli/gpumem node --test tests/wasm/
run-browser:
	@tools/ensure-deps.sh browser
	@for f in tests/browser/*.test.mjs; do grep -q "'./$${f##*/}'" tests/browser/group-*.mjs \
	  || { echo "$$f is in no tests/browser/group-*.mjs"; exit 1; }; done
	node --test --test-concurrency=2 tests/browser/group-1.mjs tests/browser/group-2.mjs

## bench: timings and sizes for the notes (not part of make test): the core under Google
## Benchmark, then the page's transfer size, time to first result and input-to-frame time
bench: site
	@tools/ensure-deps.sh native browser
	cmake -S . -B build/bench -DCMAKE_BUILD_TYPE=Release -DGPUMEM_BENCHMARKS=ON -DGPUMEM_TESTS=OFF >/dev/null
	cmake --build build/bench -j$(JOBS) --target gpumem_bench
	build/bench/bench/gpumem_bench
	node tools/bench-page.mjs $(SITE)

format:
	clang-format -i $$(git ls-files '*.cpp' '*.hpp')

clean:
	rm -rf build
