// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// Measures the page's budgets in headless Chromium and prints them (numbers for the notes,
// not a pass/fail test): bytes of the first visit (raw and gzip -9, as a static host serves
// them) — all of it, and what the page requested before its first result —, time to the
// first result, and the time from an input change to the next frame.
// Usage: node tools/bench-page.mjs [SITE_DIR]
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import playwright from 'playwright-core';
import { serve } from './serve.mjs';

const site = process.argv[2] ?? 'build/site';
const server = await serve(site, 0);
const base = `http://127.0.0.1:${server.address().port}/`;
const browser = await playwright.chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

const median = (values) => values.slice().sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function firstVisit() {
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const page = await context.newPage();
  const paths = [];
  page.on('request', (r) => paths.push(new URL(r.url()).pathname));
  await page.goto(base);
  await page.waitForSelector('body[data-ready="true"]');
  const { firstResult, before } = await page.evaluate(() => {
    const mark = performance.getEntriesByName('gpumem:first-result')[0].startTime;
    const requested = performance.getEntriesByType('resource').filter((r) => r.startTime < mark);
    return { firstResult: mark, before: ['/', ...requested.map((r) => new URL(r.name).pathname)] };
  });
  await context.close();
  return { paths: [...new Set(paths)], firstResult, before: new Set(before) };
}

async function inputToFrame(hash = '') {
  const page = await browser.newPage();
  await page.goto(base + hash);
  await page.waitForSelector('body[data-ready="true"]');
  const times = await page.evaluate(async () => {
    const input = document.querySelector('[data-testid="context"]');
    const out = [];
    for (let i = 0; i < 40; ++i) {
      const start = performance.now();
      input.value = String(4096 + 512 * i);
      input.dispatchEvent(new Event('input', { bubbles: true }));
      await new Promise((done) => requestAnimationFrame(() => done()));
      out.push(performance.now() - start);
      await new Promise((done) => setTimeout(done, 60)); // let the slower tables finish
    }
    return out;
  });
  const work = await page.evaluate(async () => {
    const input = document.querySelector('[data-testid="precision"]');
    const out = [];
    for (const value of ['fp32', 'bf16', 'q4_k_m', 'fp8', 'bf16']) {
      const start = performance.now();
      input.value = value;
      input.dispatchEvent(new Event('input', { bubbles: true }));
      out.push(performance.now() - start); // synchronous estimate + DOM update
    }
    return out;
  });
  await page.close();
  return { frame: median(times), synchronous: median(work) };
}

const visits = [];
for (let i = 0; i < 5; ++i) visits.push(await firstVisit());
const { paths, before } = visits[0];
let raw = 0;
let gz = 0;
let gzBefore = 0;
const rows = [];
for (const path of paths) {
  const file = join(site, path.endsWith('/') ? `${path}index.html` : path);
  const body = readFileSync(file);
  const zipped = gzipSync(body, { level: 9 }).length;
  raw += body.length;
  gz += zipped;
  if (before.has(path)) gzBefore += zipped;
  const when = before.has(path) ? 'before the first result' : 'after it';
  rows.push(`  ${path.padEnd(24)} ${String(body.length).padStart(8)} B raw ${String(zipped).padStart(8)} B gzip  ${when}`);
}
const input = await inputToFrame();
// A training step replayed through the caching-allocator model on every estimate.
const training = await inputToFrame('#v=1&model=llama-3.2-1b&task=full&batch=2&gpu=h100-80gb');
console.log('first visit (every file the page requests):');
console.log(rows.join('\n'));
console.log(`  total ${(raw / 1024).toFixed(1)} KiB raw, ${(gz / 1024).toFixed(1)} KiB gzip (${gz} B)`);
console.log(`  before the first result: ${(gzBefore / 1024).toFixed(1)} KiB gzip (${gzBefore} B)`);
console.log(`first result after navigation: median ${median(visits.map((v) => v.firstResult)).toFixed(0)} ms of 5 loads`);
console.log(`input change → next frame: median ${input.frame.toFixed(1)} ms; synchronous recompute + redraw ${input.synchronous.toFixed(2)} ms`);
console.log(`training (Llama 3.2 1B full, 2 sequences, replayed): input change → next frame: median ${training.frame.toFixed(1)} ms; synchronous ${training.synchronous.toFixed(2)} ms`);
await browser.close();
server.close();
