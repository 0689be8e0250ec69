// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// Links and files from strangers: nothing runs, nothing is requested, a clear message is
// shown and the page falls back to its defaults.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ready, startBrowser, text } from './harness.mjs';
import { tinyGguf, tinySafetensors } from './model-files.mjs';

let browser;
before(async () => { browser = await startBrowser(); });
after(async () => { await browser.close(); });

const HOSTILE_LINKS = [
  ['#v=1&model=%3Cimg%20src%3Dx%20onerror%3D%22window.pwned%3D1%22%3E', 'model'],
  ['#v=1&prec=%22%3E%3Csvg%20onload%3Dalert(1)%3E', 'precision'],
  ['#v=1&gpu=javascript:alert(1)', 'gpu'],
  ['?model=%3Cscript%3Ealert(1)%3C/script%3E', 'model'],
  ['#v=1&ctx=999999999999999999999', 'contextLength'],
  ['#v=1&batch=abc', 'batch'],
  ['#v=1&gpus=1e400', 'gpuCount'],
  [`#v=1&params=${'7'.repeat(100000)}`, 'link'],
  ['#v=1&cmp=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E', 'compare'],
];

test('hostile links run nothing, request nothing, and say which field is wrong', async () => {
  const page = await browser.newPage();
  await page.goto(browser.base);
  await ready(page);
  const defaultTotal = await text(page, 'total');
  const origin = new URL(browser.base).origin;
  for (const [link, field] of HOSTILE_LINKS) {
    page.requests.length = 0;
    await page.goto('about:blank');
    await page.goto(`${browser.base}${link}`);
    await ready(page);
    const message = await text(page, 'message');
    assert.ok(await page.locator('[data-testid="message"]').isVisible(), link.slice(0, 60));
    assert.ok(message.toLowerCase().includes(field.toLowerCase()), `${link.slice(0, 60)} → ${message.slice(0, 200)}`);
    assert.equal(await text(page, 'total'), defaultTotal, link.slice(0, 60));
    assert.equal(await page.evaluate(() => window.pwned), undefined);
    // (The page's one inline script is the recorded first answer: JSON, never run.)
    assert.equal(await page.locator('img, script:not([src]):not(#first-answer)').count(), 0);
    const strays = page.requests.filter((url) => !url.startsWith(origin) || /\/x$|javascript:/.test(url));
    assert.deepEqual(strays, [], link.slice(0, 60));
  }
  // A link that decodes but names no model gives no numbers at all — never another model's.
  await page.goto('about:blank');
  await page.goto(`${browser.base}#v=1&model=not-a-model`);
  await ready(page);
  assert.match(await text(page, 'message'), /model/);
  assert.equal(await text(page, 'total'), '—');
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('a safetensors file is read from its header only and gives the exact parameter count', async () => {
  const page = await browser.newPage();
  await page.goto(browser.base);
  await ready(page);
  const file = tinySafetensors();
  await page.locator('[data-testid="config-details"] summary').click();
  await page.setInputFiles('[data-testid="model-file"]', { name: 'model.safetensors', mimeType: 'application/octet-stream', buffer: file.buffer });
  await page.waitForFunction(() => /model\.safetensors/.test(document.querySelector('[data-testid="model-facts"]').textContent));
  const json = JSON.parse(await page.locator('[data-testid="answer-json"]').textContent());
  assert.equal(json.model.parameters, file.elements);
  assert.equal(await page.inputValue('[data-testid="precision"]'), 'bf16');
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('a GGUF file gives exact weights and an architecture for the KV cache', async () => {
  const page = await browser.newPage();
  await page.goto(browser.base);
  await ready(page);
  const file = tinyGguf();
  await page.locator('[data-testid="config-details"] summary').click();
  await page.setInputFiles('[data-testid="model-file"]', { name: 'tiny.gguf', mimeType: 'application/octet-stream', buffer: file.buffer });
  await page.waitForFunction(() => /tiny\.gguf/.test(document.querySelector('[data-testid="model-facts"]').textContent));
  const formula = await page.locator('tr[data-component="weights"] .formula').textContent();
  assert.match(formula, /exact tensor bytes of tiny\.gguf \(16 tensors/);
  const weights = await page.locator('tr[data-component="weights"] td').first().innerText();
  assert.equal(weights, `${(file.bytes / 1e6).toFixed(2)} MB`); // 201,728 fp16 values: 0.40 MB
  assert.ok(await page.locator('tr[data-component="kv_cache"]').count() === 1);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('a file that is not what its name says gives a message, not a frozen tab', async () => {
  const page = await browser.newPage();
  await page.goto(browser.base);
  await ready(page);
  await page.locator('[data-testid="config-details"] summary').click();
  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(1 << 20, 7)]);
  for (const name of ['weights.gguf', 'weights.safetensors', 'config.json']) {
    await page.setInputFiles('[data-testid="model-file"]', { name, mimeType: 'application/octet-stream', buffer: png });
    await page.waitForFunction(() => !document.querySelector('[data-testid="message"]').hidden
      && !/Reading/.test(document.querySelector('[data-testid="message"]').textContent));
    assert.match(await text(page, 'message'), /file|config/, name);
    // Still responsive: an edit recomputes.
    await page.fill('[data-testid="batch"]', '2');
  }
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('a pasted config.json is sized from its architecture; a broken one names the problem', async () => {
  const page = await browser.newPage();
  await page.goto(browser.base);
  await ready(page);
  await page.locator('[data-testid="config-details"] summary').click();
  const config = {
    model_type: 'qwen2', hidden_size: 896, intermediate_size: 4864, num_hidden_layers: 24,
    num_attention_heads: 14, num_key_value_heads: 2, vocab_size: 151936, tie_word_embeddings: true,
    max_position_embeddings: 32768,
  };
  await page.fill('[data-testid="config"]', JSON.stringify(config));
  await page.waitForFunction(() => /qwen2/.test(document.querySelector('[data-testid="model-facts"]').textContent));
  assert.match(await text(page, 'model-facts'), /494/); // Qwen2.5-0.5B: 494,032,768 parameters
  await page.fill('[data-testid="config"]', '{"model_type": "llama", "hidden_size": "<b>big</b>"}');
  assert.match(await text(page, 'message'), /config|hidden_size/);
  assert.equal(await page.locator('b').count(), 0);
  await page.close();
});

test('a dropped config.json file is read like a pasted one', async () => {
  const page = await browser.newPage();
  await page.goto(browser.base);
  await ready(page);
  await page.locator('[data-testid="config-details"] summary').click();
  const config = { model_type: 'gpt2', n_embd: 768, n_layer: 12, n_head: 12, n_positions: 1024, vocab_size: 50257 };
  await page.setInputFiles('[data-testid="model-file"]', { name: 'config.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(config)) });
  await page.waitForFunction(() => /config\.json/.test(document.querySelector('[data-testid="model-facts"]').textContent));
  assert.match(await text(page, 'model-facts'), /124/); // GPT-2: 124,439,808 parameters
  assert.deepEqual(page.problems, []);
  await page.close();
});
