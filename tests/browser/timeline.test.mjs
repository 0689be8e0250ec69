// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// The allocation timeline and the allocator's figures on the page.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { answered, gigabytes, ready, startBrowser, text } from './harness.mjs';

let browser;
before(async () => { browser = await startBrowser(); });
after(async () => { await browser.close(); });

test('Transformers inference: a stacked timeline of generate() with its peak naming a tensor', async () => {
  const page = await browser.newPage();
  await page.goto(browser.base);
  await ready(page);
  assert.equal(await page.locator('[data-testid="engine"]').inputValue(), 'transformers');
  const chart = page.locator('[data-testid="timeline-chart"]');
  // Weights, KV cache and activations each draw a band.
  for (const category of ['weights', 'kv_cache', 'activations']) {
    assert.equal(await chart.locator(`path.area[data-category="${category}"]`).count(), 1, category);
  }
  const peak = chart.locator('[data-testid="timeline-peak"]');
  assert.equal(await peak.count(), 1);
  const tensor = await peak.getAttribute('data-tensor');
  // A tensor's name as PyTorch's modules call it (module.tensor), not a category or a number.
  assert.match(tensor, /^[a-z_]+\.[a-z_.]+$/);
  const title = await peak.locator('title').textContent();
  assert.ok(title.includes(tensor), title);
  // The peak allocated exceeds the weights alone (16.06 GB of bf16 Llama 3.1 8B) and is
  // below what the GPU holds (the default scenario fits on an RTX 4090).
  const peakBytes = gigabytes(await text(page, 'timeline-peak-label'));
  assert.ok(peakBytes > 16.06e9 && peakBytes < 24e9, `peak ${peakBytes}`);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('nvidia-smi and the least memory it needs sit beside the answer, as the answer JSON has them', async () => {
  const page = await browser.newPage();
  await page.goto(browser.base);
  await ready(page);
  const answer = JSON.parse(await page.locator('[data-testid="answer-json"]').textContent());
  const line = page.locator('[data-testid="allocator-view"]');
  assert.ok(await line.isVisible());
  assert.equal(Number(await line.getAttribute('data-nvidia-smi')), answer.nvidiaSmiBytes);
  assert.equal(Number(await line.getAttribute('data-minimum-capacity')), answer.minimumCapacityBytes);
  // The displayed figures round the same bytes to 10 MB.
  assert.ok(Math.abs(gigabytes(await text(page, 'nvidia-smi')) - answer.nvidiaSmiBytes) <= 5e6);
  assert.ok(Math.abs(gigabytes(await text(page, 'minimum-capacity')) - answer.minimumCapacityBytes) <= 5e6);
  // Needing at least Y can never exceed what the run shows at its peak, nor be below the weights.
  assert.ok(answer.minimumCapacityBytes <= answer.nvidiaSmiBytes);
  assert.ok(answer.minimumCapacityBytes > 16.06e9);
  // And what expandable segments would show, never more than today.
  assert.equal(Number(await line.getAttribute('data-expandable-nvidia-smi')), answer.expandableNvidiaSmiBytes);
  assert.ok(Math.abs(gigabytes(await text(page, 'expandable-nvidia-smi')) - answer.expandableNvidiaSmiBytes) <= 5e6);
  assert.ok(answer.expandableNvidiaSmiBytes <= answer.nvidiaSmiBytes);
  await page.close();
});

test('a fit within the estimate\'s measured error is marked borderline, in the core\'s words', async () => {
  const page = await browser.newPage();
  // Full training of Llama 3.2 1B, 2 × 8,192 tokens, on an H100: 3.7 GB of headroom on 81 GB.
  await page.goto(`${browser.base}#v=1&model=llama-3.2-1b&task=full&batch=2&ctx=8192&gpu=h100-80gb`);
  await ready(page);
  const answer = JSON.parse(await page.locator('[data-testid="answer-json"]').textContent());
  assert.equal(answer.fits, true);
  assert.equal(answer.borderline, true);
  // Borderline exactly when the headroom is within the measured error's share of the total.
  assert.ok(Math.abs(answer.headroomBytes) <= answer.measuredErrorShare * answer.totalBytes);
  const verdict = page.locator('[data-testid="verdict"]');
  assert.equal(await verdict.getAttribute('data-borderline'), 'true');
  assert.equal((await text(page, 'borderline')).trim(), `${answer.borderlineNote}.`);
  assert.deepEqual(page.problems, []);
  await page.close();
  // The default scenario has room to spare: no mark.
  const plain = await browser.newPage();
  await plain.goto(browser.base);
  await ready(plain);
  assert.equal(await plain.locator('[data-testid="borderline"]').count(), 0);
  assert.equal(await plain.locator('[data-testid="verdict"]').getAttribute('data-borderline'), 'false');
  await plain.close();
});

test('an engine without a timeline shows the reason instead of a chart', async () => {
  const page = await browser.newPage();
  await page.goto(browser.base);
  await ready(page);
  await answered(page, () => page.selectOption('[data-testid="engine"]', 'vllm'));
  await ready(page);
  const chart = page.locator('[data-testid="timeline-chart"]');
  assert.equal(await chart.locator('svg').count(), 0);
  assert.equal(await chart.locator('[data-testid="timeline-peak"]').count(), 0);
  assert.match(await chart.locator('[data-testid="timeline-note"]').innerText(), /transformers/i);
  await page.close();
});

test('full training: the chart shows two steps, forward, backward and optimizer, stacked by category', async () => {
  const page = await browser.newPage();
  await page.goto(browser.base);
  await ready(page);
  await answered(page, () => page.selectOption('[data-testid="mode"]', 'full'));
  await ready(page);
  const chart = page.locator('[data-testid="timeline-chart"]');
  assert.equal(await chart.locator('[data-testid="timeline-note"]').count(), 0);
  // Weights, the optimizer states the first step creates, gradients, saved activations and
  // the loss's vocabulary-wide tensors each draw a band.
  for (const category of ['weights', 'optimizer', 'gradients', 'activations', 'logits']) {
    assert.equal(await chart.locator(`path.area[data-category="${category}"]`).count(), 1, category);
  }
  // Each band is drawn in its legend swatch's colour (five categories: none left black).
  const colours = await chart.evaluate((root) => {
    const bands = [...root.querySelectorAll('path.area')].map((p) => getComputedStyle(p).fill);
    const swatches = [...root.querySelectorAll('.timeline-legend .swatch')].map((s) => getComputedStyle(s).backgroundColor);
    return { bands, swatches };
  });
  assert.deepEqual(colours.bands, colours.swatches);
  assert.equal(new Set(colours.bands).size, 5);
  // The caption names what is charted.
  assert.match(await page.locator('figure:has([data-testid="timeline-chart"]) figcaption').innerText(), /two training steps/);
  // Two steps: each phase named where it starts.
  const phases = await chart.locator('text.phase-label').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-phase')));
  assert.deepEqual(phases, ['forward', 'backward', 'optimizer', 'forward', 'backward', 'optimizer']);
  const peak = chart.locator('[data-testid="timeline-peak"]');
  assert.equal(await peak.count(), 1);
  assert.match(await peak.getAttribute('data-tensor'), /^[a-z_0-9]+\.[a-z_.0-9]+$/);
  assert.deepEqual(page.problems, []);
  await page.close();
});
