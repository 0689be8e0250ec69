// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// Turns a page scenario into calls of the wasm core and normalises what comes back.
// Every number the page shows comes from here, and so from the core.

import { precisionById } from "./scenario.js";

/**
 * The estimator for one wasm module instance.
 * `fileModel` (optional) is a model read from a dropped file: {configJson?, params,
 * weightBytes, label}.
 */
export class Estimator {
  constructor(wasm) {
    this.wasm = wasm;
    this.gpuList = wasm.gpus();
    this.modelList = wasm.models();
    // The catalog comes with each model's config.json: one parse of the catalog in all.
    this.configCache = new Map(this.modelList.map((m) => [m.id, m.configJson]));
  }

  /**
   * Sets options.configJson: a dropped file's or pasted config, or the catalog model's
   * (kept from models(), since a lookup by id parses the whole catalog). An id the catalog
   * lacks goes to the core as modelId, which names the problem.
   */
  withModel(options, s, fileModel) {
    if (fileModel?.configJson) return { ...options, configJson: fileModel.configJson };
    const configJson = this.configCache.get(s.model);
    return configJson ? { ...options, configJson } : { ...options, modelId: s.model };
  }

  gpuById(id) {
    return this.gpuList.find((g) => g.id === id);
  }

  modelById(id) {
    return this.modelList.find((m) => m.id === id);
  }

  /** Whether the scenario is sized from an architecture (catalog, config or file). */
  usesArchitecture(scenario, fileModel) {
    return Boolean(scenario.model || fileModel?.configJson);
  }

  /** The per-GPU estimate of a scenario: {ok, method, totalBytes, components, fit, ...}. */
  estimate(scenario, fileModel, overrides = {}) {
    const s = { ...scenario, ...overrides };
    if (s.task !== "inference") return this.estimateTraining(s, fileModel);
    if (this.usesArchitecture(s, fileModel)) return this.estimateInference(s, fileModel);
    return this.estimateSimple(s, fileModel);
  }

  inferenceOptions(s, fileModel) {
    const precision = precisionById(s.prec);
    const options = {
      batch: s.batch,
      prompt: Math.max(1, s.ctx - s.gen),
      generate: Math.min(s.gen, Math.max(0, s.ctx - 1)),
      engine: s.engine,
      attn: s.attn,
      gpu: s.gpu,
      gpuCount: s.gpus,
      cp: s.cp,
      sp: s.sp === 1,
      trainEmbeddings: s.te === 1,
      ep: s.ep,
      tp: s.tp,
      pp: s.pp,
      ep: s.ep,
      gpuMemoryUtilization: s.util,
      freeGpuMemoryFraction: s.util,
      nGpuLayers: s.ngl,
    };
    if (!precision || precision.kind === "dtype") options.dtype = s.prec;
    else options.format = s.prec;
    if (s.kv && s.kv !== "auto") options.kvDtype = s.kv;
    return this.withModel(options, s, fileModel);
  }

  estimateInference(s, fileModel) {
    const result = this.wasm.estimateInference(this.inferenceOptions(s, fileModel));
    if (!result.ok) return result;
    return { ...withFileWeights(result, fileModel, s), method: "architecture" };
  }

  /** The seeds' parameter-count method, for a bare parameter count. */
  estimateSimple(s, fileModel) {
    const precision = precisionById(s.prec);
    const catalogParams = s.model ? this.modelById(s.model)?.params : undefined;
    const params = String(fileModel?.params ?? (s.params || catalogParams || ""));
    const bits = precision ? precision.bits : 16;
    const precisionName = precision?.kind === "dtype" ? s.prec : `${Math.round(bits)}bit`;
    const result = this.wasm.estimateSimple({
      params,
      precision: precisionName,
      overheadPercent: s.ovh,
      mode: s.task === "inference" ? "inference" : "training",
      optimizer: simpleOptimizer(s.optim),
      batch: s.batch,
      gpu: s.gpu,
      gpuCount: s.gpus,
    });
    if (!result.ok) return result;
    return { ...result, method: "simple", gpusPerReplica: 1 };
  }

  estimateTraining(s, fileModel) {
    if (typeof this.wasm.estimateTraining !== "function" || !this.usesArchitecture(s, fileModel)) {
      return this.estimateSimple(s, fileModel);
    }
    const options = {
      task: s.task === "train" ? "full" : s.task,
      recipe: s.recipe === "auto" ? undefined : s.recipe,
      optimizer: s.optim,
      microBatch: s.batch,
      seq: s.ctx,
      gradAccum: s.ga,
      ckpt: s.ckpt,
      loraRank: s.rank,
      loraTargets: s.lt,
      sharding: s.zero,
      offloadOptimizer: s.zero !== "ddp" && s.off !== "none",
      offloadParams: s.zero !== "ddp" && s.off === "all",
      tp: s.tp,
      pp: s.pp,
      gpu: s.noLimits ? "" : s.gpu, // with a GPU the core also searches the limits
      gpuCount: s.gpus,
      attn: s.attn,
    };
    const result = this.wasm.estimateTraining(this.withModel(options, s, fileModel));
    if (!result.ok) return result;
    return { ...result, method: "architecture" };
  }

  /** The longest context and largest batch that fit one GPU of the scenario's type. */
  limits(scenario, fileModel) {
    if (!scenario.gpu) return null;
    if (scenario.task === "inference" && this.usesArchitecture(scenario, fileModel)) {
      const r = this.wasm.inferenceLimits(this.inferenceOptions(scenario, fileModel));
      if (!r.ok) return r;
      return { ok: true, maxContext: r.maxContext > 0 ? r.maxContext + scenario.gen : 0,
               maxBatch: r.maxBatch, modelMaxPositions: r.modelMaxPositions };
    }
    if (scenario.task !== "inference" && this.usesArchitecture(scenario, fileModel)) {
      const r = this.estimate(scenario, fileModel);
      if (!r.ok) return r;
      if (r.maxSeq !== undefined && r.maxSeq !== null) {
        return { ok: true, maxContext: r.maxSeq, maxBatch: r.maxMicroBatch ?? 0 };
      }
    }
    return this.searchLimits(scenario, fileModel);
  }

  /** Binary search over the estimator for training and parameter-count scenarios. */
  searchLimits(scenario, fileModel) {
    const capacity = this.gpuById(scenario.gpu)?.memoryBytes;
    if (!capacity) return null;
    const fits = (overrides) => {
      const r = this.estimate(scenario, fileModel, { ...overrides, noLimits: true });
      return r.ok && r.totalBytes <= capacity;
    };
    const largest = (key, hi, lo = 1) => {
      if (!fits({ [key]: lo })) return 0;
      let good = lo;
      let bad = hi + 1;
      if (fits({ [key]: hi })) return hi;
      bad = hi;
      while (bad - good > 1) {
        const mid = Math.floor((good + bad) / 2);
        if (fits({ [key]: mid })) good = mid;
        else bad = mid;
      }
      return good;
    };
    const dependsOnContext = scenario.task !== "inference" || this.usesArchitecture(scenario, fileModel);
    return {
      ok: true,
      maxContext: dependsOnContext ? largest("ctx", 1 << 22, Math.max(2, scenario.gen + 1)) : null,
      maxBatch: largest("batch", 1 << 16),
    };
  }

  /**
   * For every GPU of the catalog, the fewest GPUs of that type that run the scenario:
   * tensor parallel over 1, 2, 4 … 64 GPUs for inference from an architecture, the
   * sharded total otherwise. Returns [{gpu, count, perGpuBytes}] (count 0: not within 64).
   */
  gpuTable(scenario, fileModel) {
    return this.gpuList.map((gpu) => {
      for (const count of [1, 2, 4, 8, 16, 32, 64]) {
        const overrides = { gpu: gpu.id, gpus: count, noLimits: true };
        if (scenario.task === "inference" && this.usesArchitecture(scenario, fileModel)) {
          overrides.tp = count;
          overrides.pp = 1;
        }
        const r = this.estimate(scenario, fileModel, overrides);
        if (!r.ok) continue;
        const perGpu = perGpuBytes(r);
        if (perGpu <= gpu.memoryBytes) return { gpu, count, perGpuBytes: perGpu };
      }
      return { gpu, count: 0, perGpuBytes: NaN };
    });
  }

  /** Per-GPU totals along one axis (ctx or batch) for the charts: [{x, bytes}]. */
  sweep(scenario, fileModel, key, points) {
    const series = [];
    for (const x of points) {
      const overrides = { [key]: x, noLimits: true };
      if (key === "ctx" && x <= scenario.gen) overrides.gen = Math.max(0, x - 1);
      const r = this.estimate(scenario, fileModel, overrides);
      if (r.ok) series.push({ x, bytes: perGpuBytes(r) });
    }
    return series;
  }
}

/** Bytes on each GPU: the core's per-GPU total, or the simple method's total split evenly. */
export function perGpuBytes(result) {
  if (result.method === "simple") return result.totalBytes / Math.max(1, result.fit?.gpuCount ?? 1);
  return result.totalBytes; // the core's estimates are per GPU already
}

/** Maps the page optimizers to the simple method's names. */
function simpleOptimizer(optim) {
  if (optim.startsWith("adamw") || optim === "paged-adamw") return "adamw";
  if (optim.includes("8bit")) return "adam8bit";
  if (optim === "sgd-momentum") return "sgd-momentum";
  if (optim === "sgd") return "sgd";
  return "adamw";
}

/**
 * Replaces the estimated weights with the exact bytes of a dropped model file's tensors
 * (llama.cpp keeps the token embedding in host memory, so it is left out there).
 */
function withFileWeights(result, fileModel, scenario) {
  if (!fileModel?.weightBytes) return result;
  const onGpu = scenario.engine === "llama.cpp" && scenario.task === "inference"
    ? fileModel.weightBytes - (fileModel.tokenEmbeddingBytes ?? 0)
    : fileModel.weightBytes;
  const shards = Math.max(1, (scenario.tp || 1) * (scenario.pp || 1));
  const components = result.components.map((c) =>
    c.name === "weights"
      ? { ...c, bytes: onGpu / (result.method === "simple" ? 1 : shards),
          formula: `exact tensor bytes of ${fileModel.label} (${fileModel.tensorCount} tensors, read from its header)` }
      : c);
  const totalBytes = components.reduce((sum, c) => sum + c.bytes, 0);
  return { ...result, components, totalBytes };
}
