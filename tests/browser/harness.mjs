// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// Shared set-up of the browser tests: the built site served on 127.0.0.1, a headless
// Chromium shared by the files of a test process, and a record of every request and console
// error.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import playwright from 'playwright-core';
import { serve } from '../../tools/serve.mjs';

export const SITE = new URL('../../build/site/', import.meta.url).pathname;

// One headless Chromium per test process and service-worker setting, shared by the test
// files that process runs (make test runs the files in two groups, tests/browser/group-*.mjs):
// starting Chromium and its first page costs as much as four later page loads. It is a
// persistent context, whose code cache lets a later page reuse the wasm module V8 compiled
// (an incognito context recompiles it on every load, a third more per load). Each file has
// its own server, so its own origin: its storage, cache and service worker are its own.
const shared = new Map();  // serviceWorkers setting → {context: Promise, users, profile}

function sharedContext(serviceWorkers) {
  let entry = shared.get(serviceWorkers);
  if (!entry) {
    const profile = mkdtempSync(join(tmpdir(), 'gpumem-chromium-'));
    entry = { profile, users: 0, context: playwright.chromium.launchPersistentContext(profile, {
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      headless: true,
      // One renderer process for every page: a page opened after the first reuses its
      // process and the module V8 already compiled there, which halves what a page load
      // costs (the suite is bound by the two cores Chromium shares with the builds).
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
        '--renderer-process-limit=1', '--disable-site-isolation-trials'],
      viewport: { width: 1280, height: 900 },
      serviceWorkers,
    }) };
    shared.set(serviceWorkers, entry);
  }
  entry.users += 1;
  return entry;
}

/**
 * Starts a server of the site and joins the process's browser; returns {base, context,
 * newPage, close}. The page's service worker is blocked unless `serviceWorkers` is 'allow'
 * (the offline tests): it changes nothing else the tests look at, and costs an eighth of
 * every page load. With it blocked, the site is served with GitHub Pages' caching
 * (max-age=600), which saves a seventh of each later load; the offline tests get no
 * caching, so that only the service worker can answer when the network is off.
 */
export async function startBrowser({ serviceWorkers = 'block' } = {}) {
  const server = await serve(SITE, 0, { maxAge: serviceWorkers === 'block' ? 600 : 0 });
  const base = `http://127.0.0.1:${server.address().port}/`;
  const entry = sharedContext(serviceWorkers);
  const context = await entry.context;
  /** A page that records requests, page errors and dialogs (none should happen). */
  async function newPage() {
    const page = await context.newPage();
    page.requests = [];
    page.problems = [];
    page.on('request', (r) => page.requests.push(r.url()));
    page.on('pageerror', (e) => page.problems.push(`pageerror: ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error') page.problems.push(`console: ${m.text()}`); });
    page.on('dialog', async (d) => { page.problems.push(`dialog: ${d.message()}`); await d.dismiss(); });
    return page;
  }
  /** Stops the server; the last file of the process to close also closes Chromium. */
  async function close() {
    server.close();
    entry.users -= 1;
    if (entry.users === 0) {
      shared.delete(serviceWorkers);
      await context.close();
      rmSync(entry.profile, { recursive: true, force: true });
    }
  }
  return { base, context, newPage, close };
}

/** Waits until the page has painted a result and finished its slower tables. */
export async function ready(page) {
  await page.waitForSelector('body[data-ready="true"]', { timeout: 15000 });
}

/** The page's text of a data-testid. */
export function text(page, id) {
  return page.locator(`[data-testid="${id}"]`).first().innerText();
}

/** Bytes of a displayed "12.34 GB" value. */
export function gigabytes(display) {
  const match = /([\d.,]+)\s*GB/.exec(display);
  if (!match) throw new Error(`no GB value in “${display}”`);
  return Number(match[1].replaceAll(',', '')) * 1e9;
}

/**
 * Runs `action` and waits until the page has answered it (the headline and verdict are
 * drawn synchronously; the charts and tables may still be coming).
 */
export async function answered(page, action) {
  const before = await page.evaluate(() => document.body.dataset.revision ?? '0');
  await action();
  await page.waitForFunction((b) => (document.body.dataset.revision ?? '0') !== b, before, { timeout: 15000 });
}
