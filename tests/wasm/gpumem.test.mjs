// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// The wasm module as the page uses it: the exact build in build/site, loaded in Node.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';

const site = new URL('../../build/site/', import.meta.url);
const { default: createGpumem } = await import(new URL('gpumem.mjs', site));
const wasm = await createGpumem({
  wasmBinary: await readFile(new URL('gpumem.wasm', site)),
  locateFile: (name) => name,
});

const GB = 1e9;
const component = (result, name) => result.components.find((c) => c.name === name);

test('the seeds: 70B at 16 bit needs 168 GB, which two 80 GB A100s hold because each has ~80 GiB', () => {
  const r = wasm.estimateSimple({ params: '70B', precision: 'fp16', gpu: 'a100-80gb', gpuCount: 2 });
  assert.equal(r.ok, true);
  assert.ok(Math.abs(r.totalBytes - 168 * GB) < 1e3);
  assert.equal(r.fit.gpusNeeded, 2);
  assert.equal(r.fit.fits, true);
  // 168 GB over two GPUs of exactly 80 GB (10^9) would not fit: the catalog counts real bytes.
  assert.ok(r.fit.memoryBytes > 84 * GB);
});

test('the seeds: 70B at 32 bit is 336 GB and needs four 80 GB GPUs, not two', () => {
  const r = wasm.estimateSimple({ params: '70b', precision: 'fp32', gpu: 'h100-80gb', gpuCount: 2 });
  assert.ok(Math.abs(r.totalBytes - 336 * GB) < 1e3);
  assert.equal(r.fit.gpusNeeded, 4);
  assert.equal(r.fit.fits, false);
});

test('the seeds: 1B is 4 / 2 / 1 GB at fp32 / bf16 / int8 without overhead; 175B fp32 is 700 GB', () => {
  for (const [precision, gb] of [['fp32', 4], ['bf16', 2], ['int8', 1]]) {
    const r = wasm.estimateSimple({ params: '1B', precision, overheadPercent: 0 });
    assert.ok(Math.abs(r.totalBytes - gb * GB) < 1, precision);
  }
  const big = wasm.estimateSimple({ params: '175B', precision: 'fp32', overheadPercent: 0 });
  assert.ok(Math.abs(big.totalBytes / 2 ** 30 - 651.9) < 0.05);
});

test('Llama 3.1 8B in bf16: weights are its 8,030,261,248 parameters × 2 bytes; KV cache is 128 KiB per token', () => {
  const r = wasm.estimateInference({ modelId: 'llama-3.1-8b', dtype: 'bf16', batch: 1, prompt: 8000, generate: 192 });
  assert.equal(r.ok, true);
  assert.equal(component(r, 'weights').bytes, 8030261248 * 2);
  // 2 (K and V) × 32 layers × 8 KV heads × 128 dims × 2 bytes = 131,072 bytes per token.
  assert.equal(component(r, 'kv_cache').bytes, 131072 * 8192);
  const sum = r.components.reduce((s, c) => s + c.bytes, 0);
  assert.ok(Math.abs(sum - r.totalBytes) < 1);
});

test('more context or more sequences never needs less memory', () => {
  let last = 0;
  for (const prompt of [128, 1024, 8192, 65536]) {
    const r = wasm.estimateInference({ modelId: 'qwen2.5-7b', prompt, generate: 16 });
    assert.ok(r.totalBytes >= last);
    last = r.totalBytes;
  }
  last = 0;
  for (const batch of [1, 2, 8, 64]) {
    const r = wasm.estimateInference({ modelId: 'qwen2.5-7b', prompt: 2048, batch });
    assert.ok(r.totalBytes >= last);
    last = r.totalBytes;
  }
});

test('tensor parallel splits the weights across GPUs', () => {
  const one = wasm.estimateInference({ modelId: 'llama-3.1-70b', dtype: 'bf16', tp: 1 });
  const four = wasm.estimateInference({ modelId: 'llama-3.1-70b', dtype: 'bf16', tp: 4, gpu: 'h100-80gb', gpuCount: 4 });
  assert.ok(component(four, 'weights').bytes < component(one, 'weights').bytes / 3.5);
  assert.equal(four.gpusPerReplica, 4);
  assert.equal(four.fit.fits, true);
});

test('the longest context that fits is the boundary: it fits and one more token does not', () => {
  const options = { modelId: 'llama-3.1-8b', dtype: 'bf16', batch: 1, generate: 256, gpu: 'rtx-4090' };
  const limits = wasm.inferenceLimits(options);
  assert.equal(limits.ok, true);
  const capacity = wasm.gpus().find((g) => g.id === 'rtx-4090').memoryBytes;
  const at = wasm.estimateInference({ ...options, prompt: limits.maxContext });
  const past = wasm.estimateInference({ ...options, prompt: limits.maxContext + 1 });
  assert.ok(at.totalBytes <= capacity);
  assert.ok(past.totalBytes > capacity);
  assert.ok(limits.maxBatch >= 1);
});

test('bad input comes back as an error naming the field, never a throw or NaN', () => {
  const cases = [
    [{ modelId: 'llama-3.1-8b', batch: 0 }, 'batch'],
    [{ modelId: 'llama-3.1-8b', batch: 1.5 }, 'batch'],
    [{ modelId: 'llama-3.1-8b', prompt: Number.NaN }, 'context'],
    [{ modelId: 'llama-3.1-8b', gpu: 'no-such-gpu' }, 'gpu'],
    [{ modelId: 'no-such-model' }, 'model'],
    [{ modelId: 'llama-3.1-8b', format: 'q9_z' }, 'format'],
    [{ modelId: 'llama-3.1-8b', tp: 0 }, 'tensorParallel'],
  ];
  for (const [options, field] of cases) {
    const r = wasm.estimateInference(options);
    assert.equal(r.ok, false, JSON.stringify(options));
    assert.equal(r.error.field, field, JSON.stringify(options));
    assert.ok(r.error.message.length > 10);
  }
  const simple = wasm.estimateSimple({ params: 'seventy', precision: 'fp16' });
  assert.equal(simple.ok, false);
  assert.equal(simple.error.field, 'params');
});

test('a config.json is parsed into the architecture; an unknown model_type names what it needs', () => {
  const config = JSON.stringify({
    model_type: 'llama', hidden_size: 2048, intermediate_size: 8192, num_hidden_layers: 16,
    num_attention_heads: 32, num_key_value_heads: 8, vocab_size: 128256, tie_word_embeddings: true,
    max_position_embeddings: 131072,
  });
  const parsed = wasm.parseConfig(config);
  assert.equal(parsed.ok, true);
  assert.equal(parsed.params, 1235814400); // Llama 3.2 1B, as measured on an H100
  const unknown = wasm.parseConfig('{"model_type": "mystery"}');
  assert.equal(unknown.ok, false);
  assert.match(unknown.error.message, /hidden_size|model_type/);
  assert.equal(wasm.parseConfig('{not json').ok, false);
});

test('links round-trip, and hostile links are refused with the field named', () => {
  const text = wasm.encodeLink({ v: '1', model: 'llama-3.1-8b', ctx: '32768', gpu: 'h100-80gb' });
  const back = wasm.decodeLink(`#${text}`);
  assert.equal(back.ok, true);
  assert.equal(back.values.ctx, '32768');
  assert.equal(back.values.gpu, 'h100-80gb');
  const hostile = [
    ['#model=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E', 'model'],
    ['#ctx=1e99', 'context'],
    ['#batch=-4', 'batch'],
    [`#params=${'9'.repeat(5000)}`, null],
  ];
  for (const [link, field] of hostile) {
    const r = wasm.decodeLink(link);
    assert.equal(r.ok, false, link.slice(0, 40));
    if (field) assert.equal(r.error.field, field);
  }
});

test('the catalogs: 60+ models, the GPUs the issue lists, memory in real bytes', () => {
  const models = wasm.models();
  assert.ok(models.length >= 60);
  assert.ok(models.every((m) => m.id && m.name && m.params > 0));
  const gpus = wasm.gpus();
  assert.equal(gpus.find((g) => g.id === 'h100-80gb').memoryBytes, 85017493504);
  for (const id of ['a100-40gb', 'a100-80gb', 'h200-141gb', 'b200', 'l4', 'l40s', 'rtx-3090', 'rtx-4090', 'rtx-5090', 't4', 'v100-16gb', 'v100-32gb', 'mi300x', 'tpu-v4']) {
    assert.ok(gpus.some((g) => g.id === id), id);
  }
});

test('model file headers: garbage is refused with a message, never a crash', () => {
  const junk = new Uint8Array(4096).map((_, i) => (i * 7919) % 251);
  const gguf = wasm.readGgufHeader(junk, 1e11);
  assert.equal(gguf.ok, false);
  const claimsTooMuch = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]);
  const span = wasm.safetensorsHeaderSpan(claimsTooMuch, 1e6);
  assert.equal(span.ok, false);
  assert.ok(span.error.message.length > 10);
});

test('training: a measured H100 run within 15%, and LoRA trains exactly the adapter parameters', () => {
  // Llama 3.2 1B, mixed precision, AdamW, micro-batch 4 × 2,048: 48,600,252,416 bytes measured.
  const full = wasm.estimateTraining({ modelId: 'llama-3.2-1b', task: 'full', recipe: 'mixed', microBatch: 4, seq: 2048 });
  assert.equal(full.ok, true);
  assert.ok(Math.abs(full.totalBytes / 48600252416 - 1) < 0.15);
  // Rank 16 on all linear layers of Llama 3.2 1B: 16 × Σ(in + out) over 16 layers = 11,272,192.
  const lora = wasm.estimateTraining({ modelId: 'llama-3.2-1b', task: 'lora', microBatch: 8, seq: 2048, ckpt: 'full' });
  assert.equal(lora.trainableParams, 11272192);
  assert.ok(lora.totalBytes < full.totalBytes);
});

test('training: ZeRO-3 over more GPUs needs less per GPU; bad values name their field', () => {
  const options = { modelId: 'llama-3.1-8b', task: 'full', microBatch: 1, seq: 2048, ckpt: 'full', sharding: 'zero3' };
  const eight = wasm.estimateTraining({ ...options, gpuCount: 8 });
  const sixtyFour = wasm.estimateTraining({ ...options, gpuCount: 64 });
  assert.ok(sixtyFour.totalBytes < eight.totalBytes);
  const withGpu = wasm.estimateTraining({ ...options, gpuCount: 8, gpu: 'h100-80gb' });
  assert.ok(withGpu.gpusNeeded >= 1);
  assert.ok(withGpu.maxMicroBatch >= 1);
  for (const [bad, field] of [[{ microBatch: 0 }, 'microBatch'], [{ optimizer: 'adamx' }, 'optimizer'], [{ sharding: 'zero9' }, 'sharding']]) {
    const r = wasm.estimateTraining({ ...options, ...bad });
    assert.equal(r.ok, false);
    assert.equal(r.error.field, field);
  }
});
