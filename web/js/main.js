// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// @ts-check
// The entry point: starts compiling the wasm core at once, while the page's modules load,
// then starts the page (app.js) with it. The single-file offline copy inlines the bytes.

const inlined = globalThis.gpumemWasmBinary;
const compiled = inlined
  ? WebAssembly.compile(inlined)
  : WebAssembly.compileStreaming(fetch(new URL("../gpumem.wasm", import.meta.url)));
compiled.catch(() => {}); // reported by the page once it has started
// Number formatting for the reader's locale loads its data on first use: do it while the
// page's modules are still arriving, not when the first result is drawn.
new Intl.NumberFormat(navigator.language, { minimumFractionDigits: 2 }).format(1);

const { start } = await import("./app.js");
start(compiled);
