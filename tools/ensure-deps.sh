#!/usr/bin/env bash
# Installs the Debian packages and Node modules a make target needs, if missing.
# Usage: tools/ensure-deps.sh native|wasm|browser|sanitize ...
# As root it installs with apt-get; otherwise it prints the exact command and fails.
set -euo pipefail

packages_for() {
  case "$1" in
    native) echo "cmake g++ make libgtest-dev libbenchmark-dev nlohmann-json3-dev libcurl4-openssl-dev python3" ;;
    wasm) echo "emscripten nlohmann-json3-dev nodejs googletest" ;;
    browser) echo "chromium nodejs npm" ;;
    sanitize) echo "clang-14 libclang-rt-14-dev" ;;
    js) echo "nodejs npm" ;;
    *) echo "unknown dependency group: $1" >&2; exit 2 ;;
  esac
}

missing=()
for group in "$@"; do
  for pkg in $(packages_for "$group"); do
    if [ "$pkg" = nodejs ] || [ "$pkg" = npm ]; then
      command -v "${pkg/nodejs/node}" >/dev/null 2>&1 && continue
    fi
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
done

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "Installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "Missing packages: ${missing[*]}" >&2
    echo "Install them with:  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

# Node modules: playwright-core (browser tests), esbuild (minifies the site's modules) and
# typescript (checks the page's JavaScript), all from package-lock.json.
for group in "$@"; do
  case "$group" in
    browser | js)
      if [ ! -d node_modules/playwright-core ] || [ ! -x node_modules/.bin/esbuild ] ||
        [ ! -x node_modules/.bin/tsc ]; then
        npm ci --no-audit --no-fund --loglevel=error
      fi
      ;;
  esac
done
