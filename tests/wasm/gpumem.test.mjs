// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// The wasm module as the page uses it: the exact build in build/site, loaded in Node.
// Scenarios go in as {field: value} (the schema's names); answers come out as the CLI's JSON.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { schemaWalk } from '../schema-walk.mjs';

const site = new URL('../../build/site/', import.meta.url);
// The native CLI (make test-js builds it first and names it in GPUMEM_CLI): a missing CLI
// fails these tests.
const cli = process.env.GPUMEM_CLI ?? new URL('../../build/native/cli/gpumem', import.meta.url).pathname;
const { default: createGpumem } = await import(new URL('gpumem.mjs', site));
const wasm = await createGpumem({
  wasmBinary: await readFile(new URL('gpumem.wasm', site)),
  locateFile: (name) => name,
});

const GB = 1e9;
const evaluate = (values, deep = true) => JSON.parse(wasm.evaluate(JSON.stringify(values), deep));
const component = (answer, name) => answer.components.find((c) => c.name === name);
const schema = JSON.parse(wasm.schema());

test('the seeds: 70B at 16 bit needs 168 GB, which two 80 GB A100s hold because each has ~80 GiB', () => {
  const a = evaluate({ model: '', params: '70B', precision: 'fp16', gpu: 'a100-80gb', gpuCount: '2' });
  assert.equal(a.jobBytes, 168 * GB);
  assert.equal(a.totalBytes, 84 * GB);
  assert.equal(a.gpusNeeded, 2);
  assert.equal(a.fits, true);
  assert.ok(a.gpu.memoryBytes > 84 * GB); // 2 × 80 GB (10^9) would not hold it
});

test('the seeds: 70B at 32 bit is 336 GB and needs four 80 GB GPUs, not two', () => {
  const a = evaluate({ model: '', params: '70b', precision: 'fp32', gpu: 'h100-80gb', gpuCount: '2' });
  assert.equal(a.jobBytes, 336 * GB);
  assert.equal(a.gpusNeeded, 4);
  assert.equal(a.fits, false);
  assert.ok(a.headroomBytes < 0);
});

test('the seeds: 1B is 4 / 2 GB at fp32 / bf16 without overhead; 175B fp32 is 651.9 GiB', () => {
  for (const [precision, gb] of [['fp32', 4], ['bf16', 2]]) {
    assert.equal(evaluate({ model: '', params: '1B', precision, overhead: '0' }).totalBytes, gb * GB, precision);
  }
  const big = evaluate({ model: '', params: '175B', precision: 'fp32', overhead: '0' });
  assert.ok(Math.abs(big.totalBytes / 2 ** 30 - 651.9) < 0.05);
});

test('Llama 3.1 8B in bf16: weights are its 8,030,261,248 parameters × 2 bytes; KV cache is 128 KiB per token', () => {
  const a = evaluate({ model: 'llama-3.1-8b', contextLength: '4096', generatedTokens: '0' });
  assert.equal(component(a, 'weights').bytes, 8030261248 * 2);
  assert.equal(component(a, 'kv_cache').bytes, 4096 * 131072);
});

test('the answer agrees with itself: verdict, headroom, GPUs in use and the limits', () => {
  for (const values of [
    { model: 'llama-3.1-70b', gpu: 'h100-80gb', gpuCount: '2' },
    { model: 'mixtral-8x7b', gpu: 'h100-80gb', gpuCount: '2' },
    { model: 'llama-3.1-70b', engine: 'llama.cpp', precision: 'q4_k_m', gpu: 'rtx-4090', gpuCount: '4' },
    { model: 'llama-3.1-8b', engine: 'vllm', gpuMemoryUtilization: '0.7', contextLength: '32768' },
  ]) {
    const a = evaluate(values);
    assert.equal(a.fits, a.totalBytes <= a.capacityBytes, JSON.stringify(values));
    assert.equal(a.headroomBytes, a.capacityBytes - a.totalBytes);
    assert.ok(a.gpusInUse <= a.gpuCount);
    // llama.cpp sizes its context with -c and -np: no workload context to search there.
    if (values.engine === 'llama.cpp') assert.equal(a.maxContext, null);
    else assert.equal(a.fits, a.maxContext >= Number(values.contextLength ?? 8192), JSON.stringify(values));
  }
});

test('llama.cpp\'s --fit: layers, context and buffers per GPU and host, in its own words', () => {
  // 70B Q4_K_M on one 4090: the context falls to the fit's 4,096 and some layers stay on the host.
  const a = evaluate({ model: 'llama-3.1-70b', engine: 'llama.cpp', precision: 'q4_k_m', gpu: 'rtx-4090' });
  assert.equal(a.contextTokens, 4096);
  assert.ok(a.gpuLayers > 0 && a.gpuLayers < 81, String(a.gpuLayers));
  assert.match(a.kvCacheSummary, new RegExp(`^llama.cpp will put ${a.gpuLayers} of 81 layers on the GPU with a 4,096-token context`));
  const weights = a.components.find((c) => c.name === 'weights').bytes;
  assert.equal(a.buffers.perGpu.model, weights);
  assert.ok(a.buffers.host.model > 0 && a.cpuBytes >= a.buffers.host.model);
  assert.ok(a.totalBytes + 1024 ** 3 <= a.capacityBytes, 'the fit leaves 1 GiB free');
  assert.equal(a.effective.nGpuLayers, String(a.gpuLayers));
  // -ngl and -c as given: the fit moves neither.
  const given = evaluate({ model: 'llama-3.1-70b', engine: 'llama.cpp', precision: 'q4_k_m', gpu: 'rtx-4090', nGpuLayers: '10', ctxSize: '8192' });
  assert.equal(given.gpuLayers, 10);
  assert.equal(given.contextTokens, 8192);
});

test('engines that preallocate a KV pool say how many tokens it holds, in their own words', () => {
  for (const [values, words] of [
    [{ model: 'llama-3.1-8b', engine: 'vllm', gpu: 'h100-80gb' }, /^vLLM will allocate [\d,]+ tokens of KV cache \([\d.]+ GiB\): [\d.]+ concurrent 8k requests$/],
    [{ model: 'llama-3.1-8b', engine: 'sglang', gpu: 'h100-80gb' }, /^SGLang will allocate [\d,]+ tokens/],
    [{ model: 'llama-3.1-8b', engine: 'ollama', numParallel: '2', numCtx: '8192' }, /^Ollama \(llama-server\) will put 33 of 33 layers on the GPU with a 16,384-token context/],
  ]) {
    const a = evaluate(values);
    assert.ok(Number.isInteger(a.kvCacheTokens) && a.kvCacheTokens > 0, JSON.stringify(values));
    assert.match(a.kvCacheSummary, words);
    if (values.engine !== 'ollama') {
      assert.ok(Math.abs(a.maxConcurrency - a.kvCacheTokens / 8192) < 0.01);
      // The verdict is the pool's: it holds the tokens asked for exactly when the answer fits.
      assert.equal(a.fits, a.kvCacheTokens >= 8192 * Number(values.batch ?? 1), JSON.stringify(values));
    } else {
      assert.equal(a.kvCacheTokens, 16384);
      assert.equal(a.maxConcurrency, 2);
    }
  }
  const transformers = evaluate({ model: 'llama-3.1-8b' });
  assert.equal(transformers.kvCacheTokens, null);
  assert.equal(transformers.kvCacheSummary, null);
  // "auto" names what the engine's default resolved to.
  assert.equal(evaluate({ model: 'llama-3.1-8b', engine: 'vllm', gpu: 'h100-80gb' }).effective.gpuMemoryUtilization, '0.92');
  assert.equal(evaluate({ model: 'llama-3.1-8b', engine: 'sglang', gpu: 'h100-80gb' }).effective.memFractionStatic, '0.834');
});

test('every formula is data: the products of its terms sum to the bytes shown', () => {
  for (const values of [
    { model: 'gemma-3-27b', engine: 'llama.cpp', contextLength: '32768' },
    { model: 'llama-3.1-70b', gpu: 'h100-80gb', gpuCount: '4', tensorParallel: '4', engine: 'vllm' },
    { task: 'qlora', model: 'llama-3.1-8b', checkpointing: 'full', batch: '4' },
    { task: 'full', model: 'qwen2.5-7b', sharding: 'zero3', gpuCount: '8', gpu: 'h100-80gb' },
    { model: '', params: '70B', precision: 'nf4', gpuCount: '2' },
  ]) {
    const a = evaluate(values);
    for (const c of a.components) {
      const sum = c.terms.reduce((s, t) => s + t.factors.reduce((p, f) => p * f.value, 1), 0);
      assert.ok(Math.abs(sum - c.bytes) <= 0.5 + 1e-9 * c.bytes, `${JSON.stringify(values)} ${c.name}: ${sum} vs ${c.bytes}`);
      assert.ok(c.formula.length > 0);
      // The share the bar and the table draw is the bytes over the total, in percent.
      assert.ok(Math.abs(c.sharePercent - (c.bytes / a.totalBytes) * 100) < 1e-6, `${c.name}: share ${c.sharePercent}`);
    }
    const shares = a.components.reduce((s, c) => s + c.sharePercent, 0);
    assert.ok(Math.abs(shares - 100) < 0.01, `${JSON.stringify(values)}: shares sum to ${shares}`);
  }
});

test('"Copy JSON" is the CLI\'s --json for the same scenario', () => {
  const cases = [
    [{ model: 'llama-3.1-8b', contextLength: '32768', gpu: 'h100-80gb' }, ['--model', 'llama-3.1-8b', '--context', '32768', '--gpu', 'h100-80gb']],
    [{ model: '', params: '70B', precision: 'nf4', gpuCount: '2' }, ['--params', '70B', '--precision', 'nf4', '--gpus', '2']],
    [{ task: 'qlora', model: 'qwen2.5-7b', checkpointing: 'full', batch: '4' }, ['--task', 'qlora', '--model', 'qwen2.5-7b', '--ckpt', 'full', '--batch', '4']],
  ];
  for (const [values, flags] of cases) {
    const fromPage = wasm.evaluate(JSON.stringify(values), true);
    const fromCli = execFileSync(cli, ['estimate', ...flags, '--json'], { encoding: 'utf8' });
    assert.equal(fromPage.trim(), fromCli.trim(), flags.join(' '));
  }
});

test('bad input comes back as an error naming the field, never a throw or NaN', () => {
  for (const [values, field] of [
    [{ contextLength: '0' }, 'contextLength'], [{ batch: 'lots' }, 'batch'], [{ gpu: 'h900' }, 'gpu'],
    [{ model: 'no-such-model-at-all' }, 'model'], [{ config: '{not json' }, 'config'],
    [{ tensorParallel: '2' }, 'gpuCount'], [{ nonsense: '1' }, 'nonsense'],
  ]) {
    const r = evaluate(values);
    assert.ok(r.error, JSON.stringify(values));
    assert.equal(r.error.field, field, JSON.stringify(values));
    assert.ok(r.error.message.length > 10);
  }
});

test('the schema: every field has a default, a range or choices, where it applies, a link key or none, a flag', () => {
  assert.ok(schema.fields.length >= 35);
  for (const f of schema.fields) {
    assert.equal(typeof f.default, 'string', f.name);
    assert.ok(f.appliesTo.tasks.length > 0, f.name);
    if (f.type === 'integer' || f.type === 'decimal') assert.ok(f.min <= f.max, f.name);
    if (f.type === 'choice') assert.ok(f.choices.length > 0, f.name);
  }
  assert.equal(schema.version, wasm.version());
});

test('every value of every input changes the answer where the input applies', () => {
  // The page's test tries each input's element once; this tries every value the schema
  // walk offers, with the page's comparison: the answer's JSON or its headline total.
  const silent = [];
  let checked = 0;
  for (const { field, task, base, changes } of schemaWalk(wasm, schema)) {
    // The unit changes how the page writes bytes, not the answer; its one other value is
    // the page test's.
    if (field.name === 'unit') continue;
    const before = wasm.evaluate(JSON.stringify(base), true);
    assert.equal(JSON.parse(before).error, undefined, `${field.name} base ${JSON.stringify(base)}`);
    for (const value of changes) {
      // A typed parameter count replaces the chosen model, as on the page.
      const changed = field.name === 'params' ? { ...base, model: '', params: value } : { ...base, [field.name]: value };
      const after = wasm.evaluate(JSON.stringify(changed), true);
      assert.equal(JSON.parse(after).error, undefined, `${field.name}=${value} (${task}): ${after.slice(0, 200)}`);
      checked += 1;
      if (after === before) silent.push(`${field.name}=${value} (${task})`);
    }
  }
  assert.deepEqual(silent, [], `values that changed nothing: ${silent.join(', ')}`);
  assert.ok(checked > 200, `only ${checked} values tried`);
});

test('disabled inputs come with the reason the core gives', () => {
  const reasons = JSON.parse(wasm.disabledFields(JSON.stringify({ engine: 'transformers' })));
  assert.match(reasons.gpuMemoryUtilization, /vLLM/);
  assert.match(reasons.loraRank, /LoRA/);
  assert.equal(reasons.contextLength, undefined);
  const moe = JSON.parse(wasm.disabledFields(JSON.stringify({ model: 'mixtral-8x7b' })));
  assert.equal(moe.expertParallel, undefined);
});

test('links round-trip by field name, and hostile links are refused with the field named', () => {
  const text = wasm.encodeLink(JSON.stringify({ model: 'llama-3.1-8b', contextLength: '32768', gpu: 'h100-80gb' }), '[]');
  const back = JSON.parse(wasm.decodeLink(`#${text}`));
  assert.equal(back.values.contextLength, '32768');
  assert.equal(back.values.gpu, 'h100-80gb');
  for (const [link, field] of [
    ['#model=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E', 'model'], ['#ctx=1e99', 'contextLength'],
    ['#batch=-4', 'batch'], [`#params=${'9'.repeat(5000)}`, 'link'],
  ]) {
    const r = JSON.parse(wasm.decodeLink(link));
    assert.ok(r.error, link.slice(0, 40));
    assert.equal(r.error.field, field);
  }
});

test('the model search takes names, Hub ids and a few words, and lists matches when ambiguous', () => {
  for (const typed of ['Llama 3.1 8B', 'meta-llama/Llama-3.1-8B', 'Llama-3.1-8B-Instruct', 'llama 3.1 8b']) {
    assert.equal(JSON.parse(wasm.findModel(typed)).id, 'llama-3.1-8b', typed);
  }
  const several = JSON.parse(wasm.findModel('gemma 27b'));
  assert.match(several.error.message, /gemma-2-27b.*gemma-3-27b/);
});

test('model file headers: garbage is refused with a message, never a crash', () => {
  const junk = new Uint8Array(4096).map((_, i) => (i * 7919) % 251);
  const gguf = JSON.parse(wasm.readModelFile('junk.gguf', junk, 1e11));
  assert.equal(gguf.error.field, 'file');
  const claimsTooMuch = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]);
  const st = JSON.parse(wasm.readModelFile('x.safetensors', claimsTooMuch, 1e6));
  assert.ok(st.error.message.length > 10);
  const png = JSON.parse(wasm.readModelFile('photo.png', junk, 4096));
  assert.equal(png.error.field, 'file');
});

test('training: a measured H100 run within 15%, and LoRA trains exactly the adapter parameters', () => {
  // Llama 3.2 1B, mixed precision, AdamW, micro-batch 4 × 2,048: 48,600,252,416 bytes measured.
  const full = evaluate({ model: 'llama-3.2-1b', task: 'full', recipe: 'mixed', batch: '4', contextLength: '2048', gpu: 'h100-80gb' });
  assert.ok(Math.abs(full.totalBytes / 48600252416 - 1) < 0.15);
  // Rank 16 on all linear layers of Llama 3.2 1B: 16 × Σ(in + out) over 16 layers = 11,272,192.
  const lora = evaluate({ model: 'llama-3.2-1b', task: 'lora', batch: '8', contextLength: '2048', checkpointing: 'full' });
  assert.equal(lora.trainableParameters, 11272192);
  assert.ok(lora.totalBytes < full.totalBytes);
});

test('sweeps and the GPU table come from the core, fitting GPUs first', () => {
  const values = JSON.stringify({ model: 'llama-3.1-8b' });
  const series = JSON.parse(wasm.sweep(values, 'contextLength', JSON.stringify([1024, 4096, 16384])));
  assert.equal(series.length, 3);
  assert.ok(series[0].bytes < series[1].bytes && series[1].bytes < series[2].bytes);
  const rows = JSON.parse(wasm.gpuTable(values));
  const firstMiss = rows.findIndex((r) => r.gpusNeeded === 0);
  assert.ok(firstMiss === -1 || rows.slice(firstMiss).every((r) => r.gpusNeeded === 0));
  for (const r of rows.filter((row) => row.gpusNeeded > 0)) {
    const there = evaluate({ model: 'llama-3.1-8b', gpu: r.gpuId, gpuCount: String(r.gpusNeeded) }, false);
    assert.equal(there.fits, true, r.gpuId);
  }
});

test('a .gguf and a .safetensors header give the same weights in the CLI and in the page\'s module', async () => {
  const { tinyGguf, tinySafetensors } = await import('../browser/model-files.mjs');
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = mkdtempSync(join(tmpdir(), 'gpumem-files-'));
  try {
    for (const [name, file] of [['tiny.gguf', tinyGguf()], ['model.safetensors', tinySafetensors()]]) {
      const path = join(dir, name);
      writeFileSync(path, file.buffer);
      const described = wasm.readModelFile(name, new Uint8Array(file.buffer), file.buffer.length);
      assert.equal(JSON.parse(described).error, undefined, name);
      const page = JSON.parse(wasm.evaluate(JSON.stringify({ file: described }), true));
      const fromCli = JSON.parse(execFileSync(cli, ['estimate', '--file', path, '--json'], { encoding: 'utf8' }));
      assert.equal(component(fromCli, 'weights').bytes, component(page, 'weights').bytes, name);
      assert.equal(fromCli.totalBytes, page.totalBytes, name);
      assert.equal(fromCli.model.parameters, file.elements ?? fromCli.model.parameters, name);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the page\'s timeline is the CLI\'s timeline --json without its events, its points coarsened with the peak kept', () => {
  const values = { model: 'llama-3.1-8b', contextLength: '4096', generatedTokens: '64' };
  const flags = ['--model', 'llama-3.1-8b', '--context', '4096', '--generate', '64'];
  const fromPage = JSON.parse(wasm.timeline(JSON.stringify(values)));
  const fromCli = JSON.parse(execFileSync(cli, ['timeline', ...flags, '--json'], { encoding: 'utf8' }));
  for (const key of ['peakAllocatedBytes', 'peakReservedBytes', 'minimumCapacityBytes', 'peakTensor', 'peakPhase', 'categories']) {
    assert.deepEqual(fromPage[key], fromCli[key], key);
  }
  assert.equal(fromPage.events, undefined);
  assert.ok(fromCli.events.length > 400, 'the CLI lists every event');
  // Every point the page draws is one of the CLI's, at the same event.
  for (const p of fromPage.points) assert.deepEqual(p, fromCli.points[p.event]);
  assert.ok(fromPage.points.length <= 400);
  const most = (/** @type {any[]} */ points) => Math.max(...points.map((p) => p.liveBytes));
  assert.equal(fromPage.points[fromPage.peakPoint].liveBytes, most(fromCli.points));
  assert.equal(fromPage.points[fromPage.peakPoint].tensor, fromCli.points[fromCli.peakPoint].tensor);
  // Each point's bytes by category add up to its bytes live.
  for (const p of fromPage.points) {
    assert.equal(Object.values(p.byCategory).reduce((a, b) => a + b, 0), p.liveBytes);
  }
  // And the answer's nvidia-smi figure, which the page shows, is the CLI's.
  const answer = JSON.parse(wasm.evaluate(JSON.stringify(values), true));
  const estimate = JSON.parse(execFileSync(cli, ['estimate', ...flags, '--json'], { encoding: 'utf8' }));
  assert.ok(answer.nvidiaSmiBytes > 0);
  assert.equal(answer.nvidiaSmiBytes, estimate.nvidiaSmiBytes);
  assert.equal(answer.minimumCapacityBytes, estimate.minimumCapacityBytes);
});

test('a run with no timeline comes back as an error naming the field', () => {
  const result = JSON.parse(wasm.timeline(JSON.stringify({ model: 'llama-3.1-8b', engine: 'vllm' })));
  assert.equal(result.error.field, 'engine');
});
