// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// Records what the built module answers for the page's first result on a visit without a
// link — the schema, the catalog list, and for the default scenario the inputs that do not
// apply, the answer and its link — into index.html (<script id="first-answer">). The page
// draws that first result from the recording and fetches the module after it, so a first
// visit's result needs the page's own files only. The recording is the module's own output,
// made by the same build, so the first result is the one the module gives; a call the
// recording lacks is left to the module (see recordedModule in js/core.js).
// Usage: node tools/build-first-answer.mjs SITE_DIR   (rewrites SITE_DIR/index.html)
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const site = resolve(process.argv[2] ?? 'build/site');
const { default: createGpumem } = await import(pathToFileURL(join(site, 'gpumem.mjs')).href);
const { Core, callKey } = await import(new URL('../web/js/core.js', import.meta.url).href);
const wasm = await createGpumem({ wasmBinary: readFileSync(join(site, 'gpumem.wasm')), locateFile: (name) => name });

/** @type {Record<string, string>} */
const recorded = {};
const recording = new Proxy(wasm, {
  get(module, name) {
    const member = module[name];
    if (typeof member !== 'function') return member;
    return (...args) => {
      const text = member.apply(module, args);
      recorded[callKey(String(name), args)] = text;
      return text;
    };
  },
});

// The calls of the page's first update (app.js update() on the scenario of an empty
// address): the core's defaults with no pasted config and no file, and the link of them.
const core = new Core(recording);
const defaults = core.defaults();
const values = { ...defaults, config: '', file: '' };
core.disabledFields(values);
const { answer } = core.evaluate(values, true);
if (answer.error) throw new Error(`the default scenario has no answer: ${answer.error.message}`);
core.encodeLink(defaults, []);

const element = '<script type="application/json" id="first-answer"></script>';
const html = readFileSync(join(site, 'index.html'), 'utf8');
if (!html.includes(element)) throw new Error(`index.html has no ${element}`);
const json = JSON.stringify(recorded).replaceAll('</', '<\\/').replaceAll('<!--', '<\\u0021--');
writeFileSync(join(site, 'index.html'), html.replace(element, () => element.replace('></', `>${json}</`)));
console.log(`first answer recorded: ${Object.keys(recorded).length} calls, ${(json.length / 1024).toFixed(0)} KiB`);
