// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// The scenario the page shows: its defaults, the choices each input offers, and how it
// travels in a link. Links are validated by the wasm core (decodeLink) before use.

/** What the first screen answers: Llama 3.1 8B in bf16, 8k context, one sequence, RTX 4090. */
export const DEFAULT_SCENARIO = Object.freeze({
  task: "inference",
  model: "llama-3.1-8b",
  params: "",
  prec: "bf16",
  kv: "auto",
  ctx: 8192,
  gen: 256,
  batch: 1,
  engine: "transformers",
  attn: "sdpa",
  gpu: "rtx-4090",
  gpus: 1,
  tp: 1,
  pp: 1,
  ep: 1,
  ovh: 20,
  optim: "adamw",
  recipe: "auto",
  ckpt: "none",
  zero: "ddp",
  rank: 16,
  lt: "all-linear",
  te: 0,
  cp: 1,
  sp: 0,
  ga: 1,
  off: "none",
  util: 0.9,
  ngl: -1,
  unit: "gb",
});

export const TASKS = [
  ["inference", "Inference (serve)"],
  ["train", "Full training / fine-tuning"],
  ["lora", "LoRA fine-tuning"],
  ["qlora", "QLoRA fine-tuning (4-bit base)"],
];

/**
 * Weight precisions and quantization formats. `dtype` entries are plain storage types;
 * the others are weight formats the core sizes tensor by tensor. `bits` is what the
 * parameter-count-only method uses.
 */
export const PRECISIONS = [
  { id: "bf16", label: "BF16", kind: "dtype", bits: 16 },
  { id: "fp16", label: "FP16", kind: "dtype", bits: 16 },
  { id: "fp32", label: "FP32", kind: "dtype", bits: 32 },
  { id: "fp8", label: "FP8 (e4m3, block scales)", kind: "format", bits: 8 },
  { id: "int8", label: "INT8 (bitsandbytes LLM.int8)", kind: "format", bits: 8 },
  { id: "nf4", label: "NF4 (bitsandbytes)", kind: "format", bits: 4.5 },
  { id: "nf4-dq", label: "NF4 + double quant (QLoRA)", kind: "format", bits: 4.127 },
  { id: "gptq-4bit-g128", label: "GPTQ 4-bit, group 128", kind: "format", bits: 4.25 },
  { id: "awq-4bit-g128", label: "AWQ 4-bit, group 128", kind: "format", bits: 4.25 },
  { id: "gptq-8bit-g128", label: "GPTQ 8-bit, group 128", kind: "format", bits: 8.19 },
  { id: "mxfp4", label: "MXFP4", kind: "format", bits: 4.25 },
  { id: "nvfp4", label: "NVFP4", kind: "format", bits: 4.5 },
  { id: "q8_0", label: "GGUF Q8_0", kind: "format", bits: 8.5 },
  { id: "q6_k", label: "GGUF Q6_K", kind: "format", bits: 6.5625 },
  { id: "q5_k_m", label: "GGUF Q5_K_M", kind: "format", bits: 5.5 },
  { id: "q4_k_m", label: "GGUF Q4_K_M", kind: "format", bits: 4.5 },
  { id: "q4_0", label: "GGUF Q4_0", kind: "format", bits: 4.5 },
  { id: "q3_k_m", label: "GGUF Q3_K_M", kind: "format", bits: 3.4375 },
  { id: "q2_k", label: "GGUF Q2_K", kind: "format", bits: 2.625 },
];

export const KV_DTYPES = [
  ["auto", "Same as compute (bf16/fp16)"],
  ["fp16", "FP16"],
  ["bf16", "BF16"],
  ["fp8", "FP8"],
  ["int8", "INT8"],
  ["q8_0", "llama.cpp q8_0"],
  ["q4_0", "llama.cpp q4_0"],
  ["fp32", "FP32"],
];

export const ENGINES = [
  ["transformers", "PyTorch / Transformers"],
  ["vllm", "vLLM"],
  ["llama.cpp", "llama.cpp"],
  ["tensorrt-llm", "TensorRT-LLM"],
];

export const ATTENTIONS = [
  ["sdpa", "SDPA (default)"],
  ["flash", "FlashAttention"],
  ["eager", "Eager (stores scores)"],
];

export const OPTIMIZERS = [
  ["adamw", "AdamW (torch, foreach)"],
  ["adamw-fused", "AdamW (fused)"],
  ["adam8bit", "8-bit Adam (bitsandbytes)"],
  ["paged-adam8bit", "Paged 8-bit Adam"],
  ["paged-adamw", "Paged AdamW"],
  ["adafactor", "Adafactor"],
  ["lion", "Lion"],
  ["sgd-momentum", "SGD + momentum"],
  ["sgd", "SGD"],
  ["adamw-forloop", "AdamW (torch, for-loop)"],
  ["none", "None (frozen, forward and backward only)"],
];

export const RECIPES = [
  ["auto", "Usual for the task (mixed; bf16 base for LoRA)"],
  ["mixed", "Mixed precision (fp32 master, bf16 autocast)"],
  ["mixed-fp16", "Mixed precision (fp16 autocast)"],
  ["bf16", "Pure bf16"],
  ["fp16-master", "fp16 + fp32 master (DeepSpeed)"],
  ["bf16-master", "bf16 + fp32 master"],
  ["fp8", "FP8 (Transformer Engine, approx.)"],
  ["fp32", "FP32"],
];

export const LORA_TARGETS = [
  ["all-linear", "All linear layers"],
  ["attention", "Attention (q, k, v, o)"],
  ["q_proj,v_proj", "q_proj and v_proj"],
  ["mlp", "MLP (gate, up, down)"],
];

export const OFFLOAD = [
  ["none", "Nothing"],
  ["optimizer", "Optimizer states (ZeRO-Offload)"],
  ["all", "Optimizer and parameters (ZeRO-3)"],
];

export const CHECKPOINTING = [
  ["none", "None"],
  ["full", "Full (every layer)"],
  ["selective", "Selective (attention)"],
];

export const SHARDING = [
  ["ddp", "DDP (replicated)"],
  ["zero1", "ZeRO-1"],
  ["zero2", "ZeRO-2 / FSDP grad-op"],
  ["zero3", "ZeRO-3 / FSDP full shard"],
  ["fsdp-hybrid", "FSDP hybrid shard"],
];

/** Link key ↔ scenario key: the link schema of the core (scenario_link.cpp). */
const LINK_KEYS = {
  task: "task",
  model: "model",
  params: "params",
  prec: "prec",
  kv: "kv",
  ctx: "ctx",
  gen: "gen",
  batch: "batch",
  engine: "engine",
  attn: "attn",
  gpu: "gpu",
  gpus: "gpus",
  tp: "tp",
  pp: "pp",
  ep: "ep",
  ovh: "ovh",
  optim: "optim",
  recipe: "recipe",
  ckpt: "ckpt",
  zero: "zero",
  rank: "rank",
  lt: "lt",
  te: "te",
  cp: "cp",
  sp: "sp",
  ga: "ga",
  off: "off",
  util: "util",
  ngl: "ngl",
  unit: "unit",
};

const NUMERIC_KEYS = new Set(["ctx", "gen", "batch", "gpus", "tp", "pp", "ep", "ovh", "rank", "ga", "util", "ngl", "te", "cp", "sp"]);

/** The values of `scenario` that differ from the defaults, as link key/value strings. */
export function scenarioToLinkValues(scenario) {
  const values = { v: "1" };
  for (const [key, linkKey] of Object.entries(LINK_KEYS)) {
    const value = scenario[key];
    if (value === undefined || value === "" || value === DEFAULT_SCENARIO[key]) continue;
    values[linkKey] = String(value);
  }
  if (scenario.model === "" && DEFAULT_SCENARIO.model !== "") values.model = "none";
  return values;
}

/**
 * Applies validated link values (from the core's decodeLink) over the defaults.
 * Choices a select does not offer are reported, not silently used.
 */
export function scenarioFromLinkValues(values) {
  const scenario = { ...DEFAULT_SCENARIO };
  for (const [key, linkKey] of Object.entries(LINK_KEYS)) {
    if (!(linkKey in values)) continue;
    scenario[key] = NUMERIC_KEYS.has(key) ? Number(values[linkKey]) : values[linkKey];
  }
  if (scenario.model === "none") scenario.model = "";
  return scenario;
}

/** Whether a choice id is one of a [id, label] list. */
export function offers(list, id) {
  return list.some((entry) => (Array.isArray(entry) ? entry[0] : entry.id) === id);
}

/** The precision entry of an id (or undefined). */
export function precisionById(id) {
  return PRECISIONS.find((p) => p.id === id);
}

/** A short, human title of a scenario for comparisons. */
export function scenarioTitle(scenario, modelName) {
  const who = modelName || scenario.params || "custom";
  const task = TASKS.find(([id]) => id === scenario.task)?.[1].split(" ")[0] ?? scenario.task;
  return `${who} · ${task} · ${scenario.prec} · ${scenario.ctx} tok × ${scenario.batch}`;
}
