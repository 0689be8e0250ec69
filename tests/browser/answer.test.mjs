// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// One scenario, one answer, on the page: every input of the core's schema does something or
// is disabled with its reason; the verdict agrees with the numbers; errors stay until fixed.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { schemaWalk } from '../schema-walk.mjs';
import { SITE, answered, ready, startBrowser, text } from './harness.mjs';

let browser;
before(async () => { browser = await startBrowser(); });
after(async () => { await browser.close(); });

const { default: createGpumem } = await import(new URL('gpumem.mjs', `file://${SITE}`));
const wasm = await createGpumem({ wasmBinary: await readFile(new URL('gpumem.wasm', `file://${SITE}`)), locateFile: (n) => n });
const schema = JSON.parse(wasm.schema());
const link = (values) => wasm.encodeLink(JSON.stringify(values), '[]');

/** Opens a scenario by its link in an open page (a hash change, as Back would) and waits. */
async function show(page, values) {
  const hash = `#${link(values)}`;
  if (await page.evaluate(() => location.hash) === hash) return;
  await answered(page, () => page.evaluate((h) => { location.hash = h; }, hash));
}

/** What the page shows as its answer: the core's JSON and the headline. */
async function shown(page) {
  return {
    json: await page.locator('[data-testid="answer-json"]').textContent(),
    total: await text(page, 'total'),
    message: (await page.locator('[data-testid="message"]').isVisible()) ? await text(page, 'message') : '',
  };
}

/**
 * In the page, in one step: opens the base scenario by its link (as Back would), notes the
 * answer, sets the field's input to `value` and fires its input and change events (the page
 * answers synchronously), and notes the answer again.
 */
async function tryChange(page, hash, name, value, shownValue) {
  return page.evaluate(async ({ hash, name, value, shownValue }) => {
    const revision = () => document.body.dataset.revision;
    if (location.hash !== hash) {
      const before = revision();
      location.hash = hash;
      await new Promise((resolve) => { const poll = () => (revision() !== before ? resolve() : setTimeout(poll, 5)); poll(); });
    }
    const message = document.querySelector('[data-testid="message"]');
    const snapshot = () => ({
      json: document.querySelector('[data-testid="answer-json"]').textContent,
      total: document.querySelector('[data-testid="total"]').textContent,
      message: message.hidden ? '' : message.textContent,
    });
    const before = snapshot();
    const element = document.querySelector(`[data-field="${name}"]`);
    const enabled = !element.disabled;
    const target = element.type === 'radio' ? document.querySelector(`[data-field="${name}"][value="${value}"]`) : element;
    if (target.type === 'checkbox' || target.type === 'radio') target.checked = target.type === 'radio' || value === 'true';
    else target.value = shownValue;
    target.dispatchEvent(new Event('input', { bubbles: true }));
    target.dispatchEvent(new Event('change', { bubbles: true }));
    return { before, after: snapshot(), enabled };
  }, { hash, name, value, shownValue });
}

const modelNames = new Map(JSON.parse(wasm.models()).map((m) => [m.id, m.name]));

test('every input of the schema changes the answer where it applies, and is disabled with a reason where not', async () => {
  // The module's tests try every value of every input in every task it applies to; here
  // each input's element is tried once, in the first task where a value changes something,
  // and a menu must offer every value the schema lists.
  const page = await browser.newPage();
  await page.goto(browser.base);
  await ready(page);
  const silent = [];
  const tried = new Set();
  let checked = 0;
  for (const { field, task, base, changes } of schemaWalk(wasm, schema)) {
    if (tried.has(field.name)) continue;
    assert.ok(await page.locator(`[data-field="${field.name}"]`).count() > 0, `no input carries data-field="${field.name}"`);
    if (field.type === 'choice') {
      const offered = await page.evaluate((name) => [...document.querySelectorAll(`[data-field="${name}"]`)]
        .flatMap((e) => (e.tagName === 'SELECT' ? [...e.options].map((o) => o.value) : [e.value])), field.name);
      assert.deepEqual(field.choices.map((c) => c.id).filter((id) => !offered.includes(id)), [], `${field.name}: menu lacks these`);
    }
    if (!changes.length) continue;
    tried.add(field.name);
    const value = changes[0];
    const shownValue = field.name === 'model' ? modelNames.get(value) : value;
    const { before, after, enabled } = await tryChange(page, `#${link(base)}`, field.name, value, shownValue);
    assert.equal(before.message, '', `${field.name} base ${JSON.stringify(base)}: ${before.message}`);
    assert.ok(enabled, `${field.name} is disabled for ${task}`);
    assert.equal(after.message, '', `${field.name}=${value}: ${after.message}`);
    checked += 1;
    if (after.json === before.json && after.total === before.total) silent.push(`${field.name}=${value} (${task})`);
  }
  assert.deepEqual(silent, [], `inputs that changed nothing: ${silent.join(', ')}`);
  assert.equal(checked, tried.size);
  assert.ok(checked > 60, `only ${checked} inputs tried`);
  // Where a field does not apply, it is disabled and says why.
  await show(page, { task: 'inference', engine: 'transformers' });
  for (const name of ['loraRank', 'nGpuLayers', 'gpuMemoryUtilization', 'optimizer', 'overhead']) {
    assert.ok(await page.locator(`[data-field="${name}"]`).isDisabled(), name);
    assert.match(await page.locator(`small.why[data-why="${name}"]`).innerText(), /Not used: \w+/, name);
  }
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('an encoder: generated tokens, the KV dtype and the engine are disabled with their reason, and the answer is one forward', async () => {
  const page = await browser.newPage();
  await page.goto(`${browser.base}#${link({ model: 'bge-m3', batch: '8', contextLength: '512', engine: 'vllm' })}`);
  await ready(page);
  for (const name of ['generatedTokens', 'kvDtype', 'engine']) {
    assert.ok(await page.locator(`[data-field="${name}"]`).isDisabled(), name);
    assert.match(await page.locator(`small.why[data-why="${name}"]`).innerText(), /encoder/, name);
  }
  // The engine's own settings follow: the encoder is sized as transformers runs it.
  assert.ok(await page.locator('[data-field="gpuMemoryUtilization"]').isDisabled());
  assert.ok(!(await page.locator('[data-field="batch"]').isDisabled()));
  const answer = JSON.parse(await page.locator('[data-testid="answer-json"]').textContent());
  assert.equal(answer.model.encoder, true);
  assert.deepEqual(answer.components.filter((c) => ['kv_cache', 'logits'].includes(c.name)), []);
  assert.match(await text(page, 'method-note'), /no KV cache and no decode/);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('Llama 3.2 Vision: images per request fill the cross-attention cache, one context token each', async () => {
  const page = await browser.newPage();
  await page.goto(`${browser.base}#${link({ model: 'llama-3.2-11b-vision', imagesPerRequest: '2' })}`);
  await ready(page);
  assert.ok(!(await page.locator('[data-field="imagesPerRequest"]').isDisabled()));
  const cross = (json) => JSON.parse(json).components.find((c) => c.name === 'cross_attention_kv');
  const withImages = await shown(page);
  // 2 images × 4 tiles × 1,601 states × 8 cross-attention layers × K and V × 8 KV heads × 128 × 2 B.
  assert.equal(cross(withImages.json)?.bytes, 2 * 4 * 1601 * 8 * 2 * 8 * 128 * 2);
  assert.equal(JSON.parse(withImages.json).model.vision.tokensPerImage, 6404);
  assert.match(await text(page, 'breakdown'), /Cross-attention KV cache \(images\)/);
  // No image: no cross-attention cache, and a smaller total.
  await answered(page, () => page.locator('[data-field="imagesPerRequest"]').fill('0'));
  const without = await shown(page);
  assert.equal(cross(without.json), undefined);
  assert.ok(JSON.parse(without.json).totalBytes < JSON.parse(withImages.json).totalBytes);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('70B in bf16 on two H100s without tensor parallel: the layers are split, and the verdict matches the total', async () => {
  const page = await browser.newPage();
  await page.goto(`${browser.base}#${link({ model: 'llama-3.1-70b', gpu: 'h100-80gb', gpuCount: '2' })}`);
  await ready(page);
  const answer = JSON.parse(await page.locator('[data-testid="answer-json"]').textContent());
  assert.equal(answer.gpusInUse, 2);
  assert.match(await text(page, 'gpus-needed'), /GPUs in use: 2 of 2/);
  assert.equal(await page.locator('[data-testid="verdict"]').getAttribute('data-fits'), String(answer.totalBytes <= answer.capacityBytes));
  assert.equal(answer.fits, answer.maxContext >= 8192);
  await page.close();
});

test('vLLM: gpu_memory_utilization changes the verdict, and a shortfall is never called headroom', async () => {
  const page = await browser.newPage();
  await page.goto(`${browser.base}#${link({ model: 'llama-3.1-8b', engine: 'vllm', contextLength: '32768', gpuMemoryUtilization: '0.95' })}`);
  await ready(page);
  assert.equal(await page.locator('[data-testid="verdict"]').getAttribute('data-fits'), 'true');
  await page.fill('[data-testid="gpu-util"]', '0.7');
  await page.locator('[data-testid="gpu-util"]').dispatchEvent('change');
  await ready(page);
  assert.equal(await page.locator('[data-testid="verdict"]').getAttribute('data-fits'), 'false');
  const verdict = await text(page, 'verdict');
  assert.match(verdict, /short by/);
  assert.doesNotMatch(verdict, /headroom/);
  await page.close();
});

test('an engine that preallocates its KV cache says how many tokens it holds, and what "auto" resolved to', async () => {
  const page = await browser.newPage();
  await page.goto(`${browser.base}#${link({ model: 'llama-3.1-8b', engine: 'vllm', gpu: 'h100-80gb' })}`);
  await ready(page);
  const pool = page.locator('[data-testid="kv-pool"]');
  const answer = JSON.parse(await page.locator('[data-testid="answer-json"]').textContent());
  assert.match(await pool.innerText(), /^vLLM will allocate [\d,]+ tokens of KV cache \([\d.]+ GiB\): [\d.]+ concurrent 8k requests\.$/);
  assert.equal(await pool.getAttribute('data-tokens'), String(answer.kvCacheTokens));
  // The empty box of an "auto" setting names the engine's default for this GPU and release.
  assert.equal(await page.inputValue('[data-testid="gpu-util"]'), '');
  assert.equal(await page.getAttribute('[data-testid="gpu-util"]', 'placeholder'), 'auto: 0.92');
  assert.equal(await page.getAttribute('[data-testid="max-num-seqs"]', 'placeholder'), 'auto: 1024');
  await page.selectOption('[data-testid="engine-version"]', '0.10');
  await ready(page);
  assert.equal(await page.getAttribute('[data-testid="gpu-util"]', 'placeholder'), 'auto: 0.9');
  // SGLang's fraction, computed from the GPU.
  await page.selectOption('[data-testid="engine"]', 'sglang');
  await ready(page);
  assert.match(await pool.innerText(), /^SGLang will allocate [\d,]+ tokens/);
  assert.equal(await page.getAttribute('[data-testid="mem-fraction-static"]', 'placeholder'), 'auto: 0.834');
  // Transformers grows its cache as it goes: no pool to speak of.
  await page.selectOption('[data-testid="engine"]', 'transformers');
  await ready(page);
  assert.ok(await pool.isHidden());
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('llama.cpp says what its --fit chose, and the host memory the layers left on the CPU need', async () => {
  const page = await browser.newPage();
  await page.goto(`${browser.base}#${link({ model: 'llama-3.1-70b', engine: 'llama.cpp', precision: 'q4_k_m', gpu: 'rtx-4090' })}`);
  await ready(page);
  const answer = JSON.parse(await page.locator('[data-testid="answer-json"]').textContent());
  assert.match(await page.locator('[data-testid="kv-pool"]').innerText(),
    new RegExp(`^llama.cpp will put ${answer.gpuLayers} of 81 layers on the GPU with a 4,096-token context`));
  assert.match(await text(page, 'gpus-needed'), /CPU RAM: [\d.]+ GB/);
  // The empty -ngl box names what the fit chose.
  assert.equal(await page.getAttribute('[data-testid="ngl"]', 'placeholder'), `auto: ${answer.gpuLayers}`);
  // Turning the fit off puts every layer on the GPU at the trained context: it no longer fits.
  await page.locator('[data-testid="fit"]').uncheck();
  await ready(page);
  assert.equal(await page.locator('[data-testid="verdict"]').getAttribute('data-fits'), 'false');
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('a capacity typed in the box replaces the GPU\'s memory, and the verdict follows it', async () => {
  const page = await browser.newPage();
  await page.goto(`${browser.base}#${link({ model: 'llama-3.1-8b', gpu: 'rtx-4090' })}`);
  await ready(page);
  const verdict = () => page.locator('[data-testid="verdict"]').getAttribute('data-fits');
  const answer = async () => JSON.parse(await page.locator('[data-testid="answer-json"]').textContent());
  assert.equal(await verdict(), 'true');
  // A custom GPU needs its memory first: the menu says so until the box has one.
  assert.ok(await page.locator('[data-testid="gpu"] option[value="custom"]').isDisabled());
  for (const [typed, fits, bytes] of [['12GiB', 'false', 12 * 2 ** 30], ['22.07GiB', 'true', Math.round(22.07 * 2 ** 30)]]) {
    await page.fill('[data-testid="gpu-memory"]', typed);
    await page.locator('[data-testid="gpu-memory"]').dispatchEvent('change');
    await ready(page);
    assert.equal(await verdict(), fits, typed);
    const a = await answer();
    assert.equal(a.capacityBytes, bytes, typed);
    assert.equal(a.fits, a.totalBytes <= a.capacityBytes);
    assert.match(a.gpu.name, new RegExp(`RTX 4090 24GB, custom ${typed.replace('GiB', ' GiB')}`));
    assert.match(await text(page, 'verdict'), fits === 'true' ? /^Fits/ : /short by/);
  }
  assert.match(await page.evaluate(() => location.hash), /mem=22\.07GiB/);
  // With a capacity typed, the menu's custom GPU takes it.
  assert.ok(!(await page.locator('[data-testid="gpu"] option[value="custom"]').isDisabled()));
  await page.selectOption('[data-testid="gpu"]', 'custom');
  await ready(page);
  assert.equal((await answer()).gpu.name, 'custom GPU, 22.07 GiB');
  // A unit the core does not read is an error naming the box.
  await page.fill('[data-testid="gpu-memory"]', '24XB');
  await page.locator('[data-testid="gpu-memory"]').dispatchEvent('change');
  assert.match(await text(page, 'message'), /gpuMemory/);
  assert.equal(await page.locator('[data-testid="gpu-memory"]').getAttribute('aria-invalid'), 'true');
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('a Mac\'s GPU may use Metal\'s working set, not the whole unified memory', async () => {
  const page = await browser.newPage();
  await page.goto(`${browser.base}#${link({ model: 'llama-3.2-1b', gpu: 'apple-m2-16gb' })}`);
  await ready(page);
  const a = JSON.parse(await page.locator('[data-testid="answer-json"]').textContent());
  assert.equal(a.gpu.memoryBytes, 16 * 2 ** 30);
  assert.equal(a.capacityBytes, Math.round((16 * 2 ** 30 * 2) / 3));
  assert.match(a.capacityFormula, /2\/3 × 16 GiB of unified memory/);
  assert.match(await page.locator('[data-testid="gpu"] option[value="apple-m2-16gb"]').innerText(), /GPU budget 10\.67 GiB/);
  await page.close();
});

test('an error stays until it is fixed, and no number of another model is shown meanwhile', async () => {
  const page = await browser.newPage();
  await page.goto(browser.base);
  await ready(page);
  await page.locator('[data-testid="config-details"] summary').click();
  await page.fill('[data-testid="config"]', '{"model_type": "mystery"}');
  await page.locator('[data-testid="config"]').dispatchEvent('change');
  assert.match(await text(page, 'message'), /config/);
  assert.equal(await text(page, 'total'), '—');
  assert.doesNotMatch(await text(page, 'verdict'), /Fits/);
  // Editing another input does not silently compute the previous model.
  await page.fill('[data-testid="batch"]', '2');
  await page.locator('[data-testid="batch"]').dispatchEvent('change');
  assert.match(await text(page, 'message'), /config/);
  assert.equal(await text(page, 'total'), '—');
  await page.close();
});

test('"Copy link" after a pasted config says a link cannot carry it', async () => {
  await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(browser.base).origin });
  const page = await browser.newPage();
  await page.goto(browser.base);
  await ready(page);
  await page.locator('[data-testid="config-details"] summary').click();
  await page.fill('[data-testid="config"]', JSON.stringify({ model_type: 'gpt2', n_embd: 768, n_layer: 12, n_head: 12, n_positions: 1024, vocab_size: 50257 }));
  await ready(page);
  await page.click('[data-testid="share"]');
  assert.match(await text(page, 'copy-status'), /cannot carry/);
  await page.close();
});

test('the model box takes a Hugging Face id and an instruct variant', async () => {
  const page = await browser.newPage();
  await page.goto(browser.base);
  await ready(page);
  for (const typed of ['meta-llama/Llama-3.1-8B', 'Llama-3.1-8B-Instruct']) {
    await page.fill('[data-testid="model"]', 'Qwen 2.5 7B');
    await page.locator('[data-testid="model"]').dispatchEvent('change');
    await page.fill('[data-testid="model"]', typed);
    await page.locator('[data-testid="model"]').dispatchEvent('change');
    await ready(page);
    assert.equal(await page.inputValue('[data-testid="model"]'), 'Llama 3.1 8B', typed);
  }
  await page.close();
});

test('the embedded widget shows the engine and replaces history instead of pushing', async () => {
  const page = await browser.newPage();
  await page.goto(`${browser.base}?embed=1#v=1&gpu=h100-80gb`);
  await ready(page);
  assert.ok(await page.locator('[data-testid="engine"]').isVisible());
  const length = await page.evaluate(() => history.length);
  await page.fill('[data-testid="context"]', '16384');
  await page.locator('[data-testid="context"]').dispatchEvent('change');
  await ready(page);
  assert.equal(await page.evaluate(() => history.length), length);
  await page.close();
});

test('120 random scenarios: the verdict, headroom and GPU counts agree with the total, no NaN or blank', async () => {
  const page = await browser.newPage();
  await page.goto(browser.base);
  await ready(page);
  let seed = 20261129;
  const random = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
  const pick = (list) => list[Math.floor(random() * list.length)];
  const models = JSON.parse(wasm.models()).map((m) => m.id);
  const gpus = schema.fields.find((f) => f.name === 'gpu').choices.map((c) => c.id);
  const choices = (name) => schema.fields.find((f) => f.name === name).choices.map((c) => c.id);
  let answered = 0;
  // The core's own tests check the same invariants over thousands of scenarios; these check
  // that the page shows what the core answered.
  for (let i = 0; i < 120; i += 1) {
    const values = {
      task: pick(choices('task')), model: pick(models), gpu: pick(gpus), gpuCount: pick(['1', '2', '4', '8']),
      engine: pick(choices('engine')), precision: pick(choices('precision')), checkpointing: pick(choices('checkpointing')),
      contextLength: String(pick([512, 2048, 8192, 32768, 131072])), batch: String(pick([1, 2, 8, 32])),
      generatedTokens: String(pick([0, 64, 256])), sharding: pick(choices('sharding')), unit: pick(['gb', 'gib']),
    };
    const shown = await page.evaluate(async (hash) => {
      const revision = () => document.body.dataset.revision;
      if (location.hash !== hash) {
        const before = revision();
        location.hash = hash;
        await new Promise((resolve) => { const poll = () => (revision() !== before ? resolve() : setTimeout(poll, 5)); poll(); });
      }
      const read = (id) => document.querySelector(`[data-testid="${id}"]`);
      return {
        body: document.querySelector('main').innerText,
        json: read('answer-json').textContent,
        message: read('message').hidden ? '' : read('message').textContent,
        total: read('total').textContent,
        verdict: read('verdict').innerText,
        fits: read('verdict').dataset.fits,
        gpus: read('gpus-needed').textContent,
        suggestion: read('suggestion').textContent,
      };
    }, `#${link(values)}`);
    assert.doesNotMatch(shown.body, /NaN|undefined|Infinity/, JSON.stringify(values));
    if (shown.message) {
      assert.equal(shown.total, '—', `an error shows no total: ${shown.message}`);
      continue;
    }
    answered += 1;
    const a = JSON.parse(shown.json);
    assert.equal(a.fits, a.totalBytes <= a.capacityBytes);
    assert.equal(a.headroomBytes, a.capacityBytes - a.totalBytes);
    assert.equal(shown.fits, String(a.fits));
    assert.match(shown.verdict, a.fits ? /^Fits/ : /^Does not fit[\s\S]*short by/);
    assert.notEqual(shown.total.trim(), '');
    if (a.gpusNeeded > 0) assert.match(shown.gpus, new RegExp(`GPUs needed: ${a.gpusNeeded} ×`));
    if (!a.fits && a.gpusNeeded > 0) assert.match(shown.suggestion, new RegExp(`fit on ${a.gpusNeeded} ×`));
  }
  assert.ok(answered > 36, `only ${answered} of 120 scenarios were answered`);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('when it does not fit, the suggestions work: one click applies one, and the page shows what it said', async () => {
  const page = await browser.newPage();
  await page.goto(`${browser.base}#${link({ task: 'qlora', model: 'llama-3.1-8b', contextLength: '8192', batch: '4', gpu: 'rtx-4090' })}`);
  await ready(page);
  assert.equal(await page.locator('[data-testid="verdict"]').getAttribute('data-fits'), 'false');
  const advice = page.locator('[data-testid="advice"] button');
  const labels = await advice.allInnerTexts();
  assert.ok(labels.some((l) => /checkpointing/.test(l)), labels.join(' | '));
  // The first suggestion fits; applying it gives exactly the total it promised.
  const first = advice.first();
  assert.equal(await first.getAttribute('data-fits'), 'true', labels[0]);
  const promised = /([\d.,]+ GB) per GPU/.exec(await first.innerText())[1];
  await first.click();
  await ready(page);
  assert.equal(await text(page, 'total'), promised);
  assert.equal(await page.locator('[data-testid="verdict"]').getAttribute('data-fits'), 'true');
  // The page shows the change the suggestion named (a stack, or checkpointing).
  if (/Unsloth/.test(labels[0])) assert.equal(await page.inputValue('[data-testid="stack"]'), 'unsloth');
  else assert.equal(await page.inputValue('[data-testid="ckpt"]'), 'full');
  // Each stack's row: the current one is marked and shows the headline's total; using another
  // stack gives the total its row showed.
  const stacks = page.locator('[data-testid="stack-table"] tbody tr');
  assert.equal(await stacks.count(), schema.fields.find((f) => f.name === 'stack').choices.length);
  const current = await page.inputValue('[data-testid="stack"]');
  const perGpu = async (row) => /[\d.,]+ GB/.exec(await row.locator('td').nth(1).innerText())[0];
  assert.equal(await perGpu(page.locator(`[data-testid="stack-table"] tr.current[data-stack="${current}"]`)), await text(page, 'total'));
  const other = page.locator('[data-testid="stack-table"] tr[data-stack="torchtune"]');
  const promisedByRow = await perGpu(other);
  await other.getByRole('button', { name: /^Use / }).click();
  await ready(page);
  assert.equal(await page.inputValue('[data-testid="stack"]'), 'torchtune');
  assert.equal(await text(page, 'total'), promisedByRow);
  await page.close();
});
