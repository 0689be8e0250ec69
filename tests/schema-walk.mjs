// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// The schema walk shared by the module's tests (every value of every input, in Node) and
// the page's (each input's element, in Chromium): for each field and task, a scenario in
// which the field applies and the values a person could change it to.

/** The scenario in which `field` applies to `task`, from what the schema says it needs. */
export function baseFor(field, task) {
  const values = { task };
  const applies = field.appliesTo;
  const countOnly = !applies.methods.includes('architecture')
    || (applies.when === 'not training from an architecture' && task !== 'inference');
  if (countOnly) Object.assign(values, { model: '', params: '7B' });
  if (task === 'inference' && !applies.engines.includes('transformers')) values.engine = applies.engines[0];
  if (applies.when === 'sharding is not ddp' || applies.when === 'zero3 or fsdp shards the parameters') Object.assign(values, { sharding: 'zero3', gpuCount: '8' });
  if (applies.when === 'deepspeed zero1 or zero2') Object.assign(values, { sharding: 'zero2', gpuCount: '8' });
  if (applies.when === 'deepspeed zero1, zero2 or zero3') Object.assign(values, { sharding: 'zero3', gpuCount: '8' });
  if (applies.when === 'deepspeed zero3') Object.assign(values, { sharding: 'zero3', gpuCount: '8' });
  if (applies.when === 'deepspeed zero3 with offload') Object.assign(values, { sharding: 'zero3', gpuCount: '8', offload: 'optimizer' });
  if (applies.when === 'fsdp or hsdp') Object.assign(values, { sharding: 'fsdp', gpuCount: '8' });
  if (applies.when === 'hybrid sharding or offload') Object.assign(values, { sharding: 'fsdp-hybrid', gpuCount: '16' });
  if (applies.when === 'tensorParallel > 1') Object.assign(values, { tensorParallel: '2', gpuCount: '8' });
  if (applies.when === 'the model has a vision tower') values.model = 'gemma-3-4b';
  if (applies.when === 'the model has sliding-window layers') values.model = 'gemma-3-4b';
  if (applies.when === 'the model has multi-token-prediction layers') values.model = 'deepseek-v3';
  if (applies.when === 'the model has multi-token-prediction layers or an EAGLE head drafts') values.model = 'deepseek-v3';
  if (applies.when === 'an EAGLE-3 head drafts') values.speculativeMethod = 'eagle3';
  if (applies.when === 'the model is a mixture of experts') Object.assign(values, { model: 'mixtral-8x7b', gpuCount: '8', gpu: 'h100-80gb' });
  if (['tensorParallel', 'pipelineParallel', 'contextParallel'].includes(field.name)) values.gpuCount = '8';
  // DeepSpeed's prefetch fills stage3_max_live_parameters and past it what a small model has,
  // whatever the reuse distance: the distance shows with the prefetch off.
  if (field.name === 'stage3MaxReuseDistance') values.stage3PrefetchBucketSize = '0';
  if (task !== 'inference' && !countOnly) values.model ??= 'llama-3.2-1b';
  return values;
}

/** Values other than the default that the field can take, as a person would set them. */
export function alternatives(field, base) {
  const current = base[field.name] ?? field.default;
  if (field.type === 'choice' || (field.type === 'text' && field.choices.length)) {
    const ids = field.choices.map((c) => c.id).filter((id) => id !== current);
    // A long menu (the GPU catalog) is sampled evenly: eight entries, first and last among them.
    if (ids.length <= 12) return ids;
    return Array.from({ length: 8 }, (_, i) => ids[Math.round((i * (ids.length - 1)) / 7)]);
  }
  if (field.type === 'boolean') return [current === 'true' ? 'false' : 'true'];
  if (field.name === 'model') return ['qwen2.5-7b'];
  if (field.name === 'params') return ['13B'];
  if (field.name === 'generatedTokens') return ['1024'];
  if (field.name === 'gpuMemory') return ['22.07GiB'];
  if (field.name === 'draftModel') return ['llama-3.2-1b'];
  // -b matters only below -ub (512), which it caps.
  if (field.name === 'batchSize') return ['256'];
  // Doubling DeepSpeed's 1e5 persists no more tensors of a small model; 0 persists none.
  if (field.name === 'stage3ParamPersistenceThreshold') return ['0'];
  // The prefetch's 1e9 + the head already gathers all of a small model: fewer, not more.
  if (field.name === 'stage3MaxLiveParameters') return ['300000000'];
  // Any bucket above 0 fills stage3_max_live_parameters: 0 turns the prefetch off.
  if (field.name === 'stage3PrefetchBucketSize') return ['0'];
  const n = Number(current);
  const inRange = [n * 2, n + 1, field.min].filter((x) => x !== n && x >= field.min && x <= field.max);
  return [String(inRange[0])];
}

/**
 * Every (field, task, base scenario, values to try) of the schema, leaving out the values
 * the core disables there and the one "auto" already resolved to: trying them is no change.
 * `wasm` is the module (its disabledFields and evaluate).
 */
export function* schemaWalk(wasm, schema) {
  for (const field of schema.fields) {
    if (field.type === 'file') continue; // the files have tests of their own
    for (const task of field.appliesTo.tasks) {
      const base = baseFor(field, task);
      const disabled = JSON.parse(wasm.disabledFields(JSON.stringify(base)));
      const effective = JSON.parse(wasm.evaluate(JSON.stringify(base), false)).effective ?? {};
      const changes = alternatives(field, base).filter((v) => !(`${field.name}=${v}` in disabled) && effective[field.name] !== v);
      yield { field, task, base, changes };
    }
  }
}
