// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// @ts-check
// The entry point: starts the page (app.js) with the wasm core. A visit with a link (or an
// embedded widget) starts compiling the module at once, while the page's modules load. A
// first visit without one is answered from the default scenario's answer that the module
// gave when the site was built (in index.html): the module is fetched only after that first
// result, so the page's first result costs a sixth of the bytes. The single-file offline
// copy inlines the module's bytes.

const inlined = globalThis.gpumemWasmBinary;
/** @type {Promise<WebAssembly.Module> | null} */
let compiling = null;
/** Compiles the module, once, from the network or the offline copy's inlined bytes. */
function compile() {
  compiling ??= inlined
    ? WebAssembly.compile(inlined)
    : WebAssembly.compileStreaming(fetch(new URL("../gpumem.wasm", import.meta.url)));
  return compiling;
}

const recorded = recordedFirstAnswer();
if (!recorded) compile().catch(() => {}); // reported by the page once it has started
// Number formatting for the reader's locale loads its data on first use: do it while the
// page's modules are still arriving, not when the first result is drawn.
new Intl.NumberFormat(navigator.language, { minimumFractionDigits: 2 }).format(1);

const { start } = await import("./app.js");
start(compile, recorded);

/**
 * The module's recorded answers for the default scenario, when this visit shows it: no link
 * in the address (no fragment, no query) and a recording in the page.
 * @returns {Record<string, string> | null}
 */
function recordedFirstAnswer() {
  if (location.hash.length > 1 || location.search.length > 1) return null;
  const text = document.getElementById("first-answer")?.textContent ?? "";
  try {
    return text.trim() ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}
