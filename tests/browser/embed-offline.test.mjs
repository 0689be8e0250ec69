// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// The widget inside a blog post's iframe, the page with the network off, and the
// single-file offline copy opened from disk.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { SITE, ready, startBrowser, text } from './harness.mjs';

let browser;
before(async () => { browser = await startBrowser({ serviceWorkers: 'allow' }); });
after(async () => { await browser.close(); });

test('the embed widget shows chosen inputs, the bar and the verdict, and posts its height', async () => {
  const page = await browser.newPage();
  const src = `${browser.base}?embed=1#v=1&gpu=h100-80gb&ctx=32768`;
  // The blog post hosting the iframe (loopback pages may only be framed from loopback).
  await page.route(`${browser.base}post.html`, (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>post</title><body><p>A post.</p></body>' }));
  await page.goto(`${browser.base}post.html`);
  await page.evaluate((url) => {
    window.heights = [];
    addEventListener('message', (e) => { if (e.data?.type === 'gpumem:height') window.heights.push(e.data.height); });
    const frame = document.createElement('iframe');
    frame.src = url;
    frame.width = '600';
    document.body.append(frame);
  }, src);
  await page.waitForFunction(() => window.heights.length > 0 && window.heights.at(-1) > 100, null, { timeout: 15000 });
  const frame = page.frames().find((f) => f.url().includes('embed=1'));
  await frame.waitForSelector('body[data-ready="true"]');
  assert.ok(await frame.locator('[data-testid="bar"]').isVisible());
  assert.ok(await frame.locator('[data-testid="verdict"]').isVisible());
  assert.ok(await frame.locator('[data-testid="model"]').isVisible());
  assert.ok(!(await frame.locator('[data-testid="params"]').isVisible()));
  assert.ok(!(await frame.locator('[data-testid="gpu-table"]').isVisible()));
  const open = await frame.locator('[data-testid="open-full"]').getAttribute('href');
  assert.match(open, /gpu=h100-80gb/);
  assert.doesNotMatch(open, /embed/);
  await page.close();
});

test('the full page offers an iframe snippet of the current scenario', async () => {
  const page = await browser.newPage();
  await page.goto(`${browser.base}#v=1&gpu=l40s`);
  await ready(page);
  const snippet = await page.inputValue('[data-testid="embed-snippet"]');
  assert.match(snippet, /^<iframe src="http:\/\/127\.0\.0\.1:\d+\/\?embed=1#v=1&amp;gpu=l40s|^<iframe src="http:\/\/127\.0\.0\.1:\d+\/\?embed=1#v=1&gpu=l40s/);
  await page.close();
});

test('after one visit the page works with the network off', async () => {
  const page = await browser.newPage();
  await page.goto(browser.base);
  await ready(page);
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.reload();
  await ready(page);
  await browser.context.setOffline(true);
  try {
    await page.reload();
    await ready(page);
    assert.match(await text(page, 'total'), /\d+\.\d+ GB/);
  } finally {
    await browser.context.setOffline(false);
  }
  await page.close();
});

test('the single-file download works from file:// with nothing else', async () => {
  const page = await browser.newPage();
  await page.goto(`file://${SITE}offline.html#v=1&gpu=a100-80gb`);
  await ready(page);
  assert.match(await text(page, 'total'), /\d+\.\d+ GB/);
  assert.equal(await page.inputValue('[data-testid="gpu"]'), 'a100-80gb');
  const outside = page.requests.filter((url) => !url.startsWith('file:') && !url.startsWith('blob:') && !url.startsWith('data:'));
  assert.deepEqual(outside, []);
  assert.deepEqual(page.problems, []);
  await page.close();
});
