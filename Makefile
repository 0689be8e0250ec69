# gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
# Quick start: `make serve` (build and serve the page) and `make test` (every suite).
# Both install what is missing (Debian packages as root, Node modules with npm ci).

SHELL := /bin/bash
JOBS ?= $(shell nproc)
PORT ?= 8000
NATIVE := build/native
WASM := build/wasm
SITE := build/site
export NODE_PATH := /usr/share/nodejs

.PHONY: all native wasm site serve test test-native test-sanitize fuzz-smoke test-wasm test-js test-browser bench clean format

all: native site

## native: the CLI at build/native/gpumem and the native test binary (warnings are errors)
native:
	@tools/ensure-deps.sh native
	cmake -S . -B $(NATIVE) -DCMAKE_BUILD_TYPE=Release -DGPUMEM_WERROR=ON >/dev/null
	cmake --build $(NATIVE) -j$(JOBS)
	@ln -sf cli/gpumem $(NATIVE)/gpumem

## wasm: the browser module and the wasm build of the test suite
wasm:
	@tools/ensure-deps.sh wasm
	emcmake cmake -S . -B $(WASM) -DCMAKE_BUILD_TYPE=Release -DGPUMEM_WERROR=ON \
	  -DCMAKE_CROSSCOMPILING_EMULATOR=$$(command -v node) >/dev/null
	cmake --build $(WASM) -j$(JOBS)

## site: the deployable site in build/site (exactly what GitHub Pages serves)
site: wasm
	rm -rf $(SITE) && mkdir -p $(SITE)
	cp -r web/. $(SITE)/
	cp $(WASM)/wasm/gpumem.mjs $(WASM)/wasm/gpumem.wasm $(SITE)/
	node tools/build-offline.mjs $(SITE)

## serve: build the site and serve it at http://127.0.0.1:$(PORT)/
serve: site
	@tools/ensure-deps.sh browser
	node tools/serve.mjs $(SITE) $(PORT)

test: test-native test-sanitize fuzz-smoke test-wasm test-js test-browser
	@echo "make test: all suites passed"

test-native: native
	cd $(NATIVE) && ctest --output-on-failure -j$(JOBS)

## test-sanitize: the native suite under AddressSanitizer and UndefinedBehaviorSanitizer
test-sanitize:
	@tools/ensure-deps.sh native sanitize
	CXX=clang++-14 cmake -S . -B build/sanitize -DCMAKE_BUILD_TYPE=Debug -DGPUMEM_SANITIZE=ON \
	  -DGPUMEM_CLI=ON >/dev/null
	cmake --build build/sanitize -j$(JOBS)
	cd build/sanitize && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --output-on-failure -j$(JOBS)

## fuzz-smoke: each libFuzzer target for FUZZ_SECONDS (default 30) from its seed corpus
FUZZ_SECONDS ?= 30
fuzz-smoke:
	@tools/ensure-deps.sh native sanitize
	CXX=clang++-14 cmake -S . -B build/fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGPUMEM_FUZZ=ON \
	  -DGPUMEM_TESTS=OFF -DGPUMEM_CLI=OFF -DGPUMEM_SANITIZE=ON >/dev/null
	cmake --build build/fuzz -j$(JOBS)
	tools/fuzz-smoke.sh build/fuzz $(FUZZ_SECONDS)

test-wasm: wasm
	cd $(WASM) && ctest --output-on-failure -j$(JOBS)

test-js: site
	node --test tests/wasm/

test-browser: site
	@tools/ensure-deps.sh browser
	node --test --test-concurrency=1 tests/browser/

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
