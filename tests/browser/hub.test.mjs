// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// "Load from the Hub": the Hub's URLs are answered with fixtures by request routing, so no
// request leaves the machine; nothing is fetched until the button is pressed, and only the
// page's own origin and the Hub's hosts are ever asked.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ready, startBrowser, text } from './harness.mjs';
import { tinySafetensors } from './model-files.mjs';

let browser;
before(async () => { browser = await startBrowser(); });
after(async () => { await browser.close(); });

const HUB_HOSTS = ['huggingface.co', 'cas-bridge.xethub.hf.co', 'cdn-lfs-us-1.hf.co'];
const CONFIG = JSON.stringify({
  model_type: 'llama', hidden_size: 2048, intermediate_size: 8192, num_hidden_layers: 16,
  num_attention_heads: 32, num_key_value_heads: 8, vocab_size: 128256, tie_word_embeddings: true,
  max_position_embeddings: 131072, head_dim: 64, torch_dtype: 'bfloat16',
});
const INDEX = JSON.stringify({ metadata: { total_size: 2471645184 }, weight_map: { 'model.embed_tokens.weight': 'model-00001-of-00002.safetensors' } });
const single = tinySafetensors();
const CORS = { 'access-control-allow-origin': '*', 'access-control-expose-headers': 'Content-Range, Content-Length' };

/** The Hub as fixtures: path → body or a status. */
const FILES = {
  '/org/indexed/resolve/main/config.json': CONFIG,
  '/org/indexed/resolve/main/model.safetensors.index.json': INDEX,
  '/org/single/resolve/main/config.json': CONFIG,
  '/org/single/resolve/main/model.safetensors': single.buffer,
  '/org/gated/resolve/main/config.json': 401,
  '/xet/config': CONFIG,
  '/repos/single': single.buffer,
  '/org/truncated/resolve/main/config.json': CONFIG,
  '/org/truncated/resolve/main/model.safetensors': single.buffer.subarray(0, 40),
};

/** Routes every request: the page's origin goes through, the Hub's hosts get fixtures. */
async function hubPage() {
  const page = await browser.newPage();
  const origin = new URL(browser.base).origin;
  page.strays = [];
  page.hubRequests = [];
  await page.route('**/*', async (route) => {
    const request = route.request();
    const url = new URL(request.url());
    if (url.origin === origin) return route.continue();
    if (!HUB_HOSTS.includes(url.hostname) || url.protocol !== 'https:') {
      page.strays.push(url.href);
      return route.abort();
    }
    if (request.method() === 'OPTIONS') {
      return route.fulfill({ status: 204, headers: { ...CORS, 'access-control-allow-headers': 'range' } });
    }
    page.hubRequests.push({ url: url.href, range: request.headers().range ?? '' });
    if (url.pathname.startsWith('/offline/')) return route.abort('internetdisconnected');
    const entry = FILES[url.pathname] ?? 404;
    if (typeof entry === 'number') return route.fulfill({ status: entry, headers: CORS, body: '' });
    const body = Buffer.from(entry);
    const range = /^bytes=(\d+)-(\d+)$/.exec(request.headers().range ?? '');
    if (!range) return route.fulfill({ status: 200, headers: CORS, body });
    const end = Math.min(Number(range[2]), body.length - 1);
    return route.fulfill({
      status: 206,
      headers: { ...CORS, 'content-range': `bytes ${range[1]}-${end}/${body.length}` },
      body: body.subarray(Number(range[1]), end + 1),
    });
  });
  await page.goto(browser.base);
  await ready(page);
  return page;
}

/** Types `id` in the model box and presses the button; waits for the page to answer. */
async function load(page, id) {
  await page.fill('[data-testid="model"]', id);
  await page.click('[data-testid="hub-load"]');
  await page.waitForFunction(() => {
    const message = document.querySelector('[data-testid="message"]');
    return !message.textContent.includes('Loading') || message.hidden;
  });
}

function answerJson(page) {
  return page.locator('[data-testid="answer-json"]').textContent().then(JSON.parse);
}

test('nothing is asked of the Hub until the button is pressed', async () => {
  const page = await hubPage();
  await page.fill('[data-testid="model"]', 'org/indexed');
  await page.press('[data-testid="model"]', 'Tab');
  assert.deepEqual(page.hubRequests, []);
  assert.deepEqual(page.strays, []);
  await page.close();
});

test('a model with config.json and an index is loaded from the Hub', async () => {
  const page = await hubPage();
  await load(page, 'org/indexed');
  await page.waitForFunction(() => /org\/indexed/.test(document.querySelector('[data-testid="model-facts"]').textContent));
  assert.ok(await page.locator('[data-testid="message"]').isHidden());
  const json = await answerJson(page);
  assert.ok(json.model.parameters > 1e9, JSON.stringify(json.model));
  assert.deepEqual(page.hubRequests.map((r) => new URL(r.url).pathname), [
    '/org/indexed/resolve/main/config.json', '/org/indexed/resolve/main/model.safetensors.index.json']);
  assert.deepEqual(page.strays, []);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('a model with only model.safetensors is read by a Range request of its header', async () => {
  const page = await hubPage();
  await load(page, 'org/single');
  await page.waitForFunction(() => /org\/single/.test(document.querySelector('[data-testid="model-facts"]').textContent));
  const json = await answerJson(page);
  assert.equal(json.model.parameters, single.elements);
  assert.equal(await page.inputValue('[data-testid="precision"]'), 'bf16');
  const header = page.hubRequests.find((r) => r.url.endsWith('/model.safetensors'));
  assert.match(header.range, /^bytes=0-\d+$/);
  assert.deepEqual(page.strays, []);
  assert.deepEqual(page.problems.filter((p) => !p.includes('404')), []);
  await page.close();
});

// Resolve URLs of LFS and Xet files redirect to the Hub's CDN hosts. Chromium does not hand
// the second leg of a fulfilled 302 to the route, so the hosts are asked directly: the
// Content-Security-Policy lets them through and blocks any other origin before a request.
test('the CSP lets the page reach the Hub\'s CDN hosts and no other origin', async () => {
  const page = await hubPage();
  const statuses = await page.evaluate(async (urls) => {
    const out = [];
    for (const url of urls) {
      try {
        out.push((await fetch(url, { credentials: 'omit' })).status);
      } catch {
        out.push('blocked');
      }
    }
    return out;
  }, ['https://cas-bridge.xethub.hf.co/xet/config', 'https://cdn-lfs-us-1.hf.co/repos/single', 'https://example.com/x']);
  assert.deepEqual(statuses, [200, 200, 'blocked']);
  assert.deepEqual(page.strays, []);
  await page.close();
});

test('a gated model, a missing one, a truncated header and no network each say what happened', async () => {
  const page = await hubPage();
  for (const [id, want] of [
    ['org/gated', /gated or private \(HTTP 401\).*log in on the Hub and accept the licence, or paste the config\.json/],
    ['org/missing', /No model org\/missing on the Hub \(HTTP 404/],
    ['org/truncated', /truncated/],
    ['offline/model', /Could not reach the Hub/],
    ['not a model id', /not a Hugging Face model id/],
  ]) {
    await load(page, id);
    assert.ok(await page.locator('[data-testid="message"]').isVisible(), id);
    assert.match(await text(page, 'message'), want, id);
    assert.doesNotMatch(await text(page, 'model-facts'), new RegExp(id), id);
  }
  assert.deepEqual(page.strays, []);
  await page.close();
});
