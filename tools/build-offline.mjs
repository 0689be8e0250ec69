// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// Builds offline.html: the whole calculator in one file that works from file:// —
// the stylesheet, every ES module and the wasm binary (base64) inlined. The modules are
// loaded from blob: URLs in dependency order; a Content-Security-Policy with the hashes of
// the inline script and style allows nothing else.
// Usage: node tools/build-offline.mjs SITE_DIR   (writes SITE_DIR/offline.html)
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const site = process.argv[2] ?? 'build/site';
const read = (path) => readFileSync(join(site, path), 'utf8');

const modules = { 'gpumem.mjs': read('gpumem.mjs') };
for (const name of readdirSync(join(site, 'js')).filter((n) => n.endsWith('.js'))) {
  modules[`js/${name}`] = read(`js/${name}`);
}
const wasmBase64 = readFileSync(join(site, 'gpumem.wasm')).toString('base64');

// The loader runs in the page: it turns each module into a blob: URL after rewriting its
// relative imports to the blob: URLs of its dependencies, then imports js/main.js.
const loader = `
const sources = ${JSON.stringify(modules).replaceAll('</', '<\\/')};
const wasm = Uint8Array.from(atob("${wasmBase64}"), (c) => c.charCodeAt(0));
globalThis.gpumemWasmBinary = wasm;
const urls = {};
const resolve = (from, spec) => {
  const parts = from.split("/").slice(0, -1);
  for (const piece of spec.split("/")) {
    if (piece === "..") parts.pop(); else if (piece !== ".") parts.push(piece);
  }
  return parts.join("/");
};
const load = (path) => {
  if (urls[path]) return urls[path];
  const code = sources[path].replace(/(from\\s*|import\\s*\\(\\s*)"(\\.{1,2}\\/[^"]+)"/g,
    (all, head, spec) => head + JSON.stringify(load(resolve(path, spec))));
  urls[path] = URL.createObjectURL(new Blob([code], { type: "text/javascript" }));
  return urls[path];
};
import(load("js/main.js"));
`;

const css = read('style.css');
const sha = (text) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
let html = read('index.html');
const csp = `default-src 'none'; script-src ${sha(loader)} blob: 'wasm-unsafe-eval'; style-src ${sha(css)}; img-src data:; object-src 'none'; base-uri 'none'; form-action 'none'`;
html = html
  .replace(/<meta http-equiv="Content-Security-Policy" content="[^"]*">/, `<meta http-equiv="Content-Security-Policy" content="${csp}">`)
  .replace('<link rel="stylesheet" href="style.css">', () => `<style>${css}</style>`)
  .replace(/<link rel="manifest"[^>]*>\s*/, '')
  .replace(/<link rel="icon"[^>]*>\s*/, '')
  .replace(/\s*<!-- Fetch the whole module graph[^>]*-->/, '')
  .replace(/<link rel="(modulepreload|preload)"[^>]*>\s*/g, '')
  .replace('<script type="module" src="js/main.js"></script>', () => `<script type="module">${loader}</script>`)
  .replace(/\s*<a href="offline.html"[^>]*>[^<]*<\/a>\./, ' This is the single-file offline copy.');
writeFileSync(join(site, 'offline.html'), html);
console.log(`offline.html: ${(html.length / 1024).toFixed(0)} KiB`);
