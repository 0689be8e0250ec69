// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// The inputs: filling the choices, writing a scenario into them, and reading one back with
// every value checked. A bad value gives a message naming its field, never a NaN.

import { byTestId, fillSelect, h } from "./dom.js";
import {
  ATTENTIONS, CHECKPOINTING, ENGINES, KV_DTYPES, LORA_TARGETS, OFFLOAD, OPTIMIZERS, PRECISIONS, RECIPES,
  SHARDING, TASKS,
} from "./scenario.js";

/** The number inputs: scenario key, test id, field name for messages, range. */
const NUMBER_FIELDS = [
  { key: "ctx", id: "context", label: "Context length", min: 1, max: 10_000_000 },
  { key: "batch", id: "batch", label: "Batch", min: 1, max: 100_000 },
  { key: "gen", id: "generate", label: "Generated tokens", min: 0, max: 10_000_000 },
  { key: "gpus", id: "gpu-count", label: "Number of GPUs", min: 1, max: 100_000 },
  { key: "tp", id: "tp", label: "Tensor parallel", min: 1, max: 1024 },
  { key: "pp", id: "pp", label: "Pipeline parallel", min: 1, max: 1024 },
  { key: "ep", id: "ep", label: "Expert parallel", min: 1, max: 1024 },
  { key: "ovh", id: "overhead", label: "Overhead", min: 0, max: 1000, decimal: true },
  { key: "rank", id: "rank", label: "LoRA rank", min: 1, max: 4096 },
  { key: "ga", id: "grad-accum", label: "Gradient accumulation", min: 1, max: 65536 },
  { key: "util", id: "gpu-util", label: "The memory fraction", min: 0.05, max: 1, decimal: true },
  { key: "ngl", id: "ngl", label: "GPU layers (-1 = all)", min: -1, max: 100000 },
  { key: "cp", id: "cp", label: "Context parallel", min: 1, max: 1024 },
];

/** Checkboxes: scenario key (0 or 1) and test id. */
const CHECKBOX_FIELDS = [
  { key: "te", id: "train-embeddings" },
  { key: "sp", id: "sequence-parallel" },
];

const SELECT_FIELDS = [
  { key: "task", id: "mode", options: TASKS },
  { key: "prec", id: "precision", options: PRECISIONS.map((p) => [p.id, p.label]) },
  { key: "kv", id: "kv-dtype", options: KV_DTYPES },
  { key: "engine", id: "engine", options: ENGINES },
  { key: "attn", id: "attn", options: ATTENTIONS },
  { key: "recipe", id: "recipe", options: RECIPES },
  { key: "optim", id: "optimizer", options: OPTIMIZERS },
  { key: "ckpt", id: "ckpt", options: CHECKPOINTING },
  { key: "zero", id: "sharding", options: SHARDING },
  { key: "off", id: "offload", options: OFFLOAD },
  { key: "lt", id: "lora-targets", options: LORA_TARGETS },
];

/** Fills every select, the GPU list and the model datalist. */
export function fillChoices(estimator) {
  for (const field of SELECT_FIELDS) fillSelect(byTestId(field.id), field.options);
  const gpuOptions = estimator.gpuList.map((g) => [g.id, `${g.name} (${g.marketing})`]);
  fillSelect(byTestId("gpu"), gpuOptions);
}

/** Fills the model search's suggestions (after the first result: 77 options). */
export function fillModelList(estimator) {
  const list = document.getElementById("model-list");
  list.replaceChildren(...estimator.modelList.map((m) => h("option", { value: m.name }, m.id)));
}

/** Writes a scenario into the inputs. */
export function writeForm(scenario, modelName) {
  for (const field of SELECT_FIELDS) byTestId(field.id).value = scenario[field.key];
  for (const field of NUMBER_FIELDS) byTestId(field.id).value = String(scenario[field.key]);
  for (const field of CHECKBOX_FIELDS) byTestId(field.id).checked = scenario[field.key] === 1;
  byTestId("gpu").value = scenario.gpu;
  byTestId("model").value = modelName;
  byTestId("params").value = scenario.params;
  byTestId("context-range").value = String(Math.log2(Math.max(1, scenario.ctx)));
  byTestId("batch-range").value = String(Math.log2(Math.max(1, scenario.batch)));
  for (const radio of document.querySelectorAll('input[name="unit"]')) radio.checked = radio.value === scenario.unit;
}

/**
 * Reads the inputs into a scenario based on `current`. Returns {scenario} or
 * {error: {field, message}} for the first value that is not acceptable.
 */
export function readForm(current, estimator) {
  const scenario = { ...current };
  for (const field of SELECT_FIELDS) scenario[field.key] = byTestId(field.id).value;
  scenario.gpu = byTestId("gpu").value;
  for (const field of NUMBER_FIELDS) {
    const text = byTestId(field.id).value.trim();
    const value = Number(text);
    const whole = field.decimal || Number.isInteger(value);
    if (text === "" || !Number.isFinite(value) || !whole || value < field.min || value > field.max) {
      const kind = field.decimal ? "a number" : "a whole number";
      return { error: { field: field.id, message: `${field.label} must be ${kind} from ${field.min.toLocaleString()} to ${field.max.toLocaleString()}.` } };
    }
    scenario[field.key] = value;
  }
  for (const field of CHECKBOX_FIELDS) scenario[field.key] = byTestId(field.id).checked ? 1 : 0;
  scenario.unit = document.querySelector('input[name="unit"]:checked')?.value ?? "gb";
  const modelText = byTestId("model").value.trim();
  scenario.params = byTestId("params").value.trim();
  if (modelText) {
    const model = findModel(estimator, modelText);
    if (!model) return { error: { field: "model", message: `No model called “${modelText}” in the catalog. Pick one from the list, or give a parameter count.` } };
    scenario.model = model.id;
  } else {
    scenario.model = "";
  }
  if (!scenario.model && !scenario.params) scenario.params = "";
  return { scenario };
}

/** A catalog model by id or by name, ignoring case. */
export function findModel(estimator, text) {
  const wanted = text.toLowerCase().trim();
  const exact = estimator.modelList.find((m) => m.id === wanted || m.name.toLowerCase() === wanted);
  if (exact) return exact;
  // "llama 3.1 8b instruct" or "qwen 7b": the one model whose name and id hold every word.
  const words = wanted.split(/[\s,]+/).filter(Boolean);
  const matches = estimator.modelList.filter((m) => {
    const haystack = `${m.name} ${m.id} ${m.family}`.toLowerCase();
    return words.every((word) => haystack.includes(word));
  });
  return matches.length === 1 ? matches[0] : undefined;
}

/** Which sections apply: training inputs for training tasks, LoRA rank for LoRA/QLoRA. */
export function showRelevantInputs(scenario, usesArchitecture) {
  const training = scenario.task !== "inference";
  document.body.classList.toggle("task-train", training);
  document.body.classList.toggle("task-lora", scenario.task === "lora" || scenario.task === "qlora");
  document.body.classList.toggle("method-simple", !usesArchitecture);
  document.body.classList.toggle("engine-vllm", scenario.engine === "vllm");
  document.body.classList.toggle("engine-trtllm", scenario.engine === "tensorrt-llm");
  document.body.classList.toggle("engine-llamacpp", scenario.engine === "llama.cpp");
  document.body.classList.toggle("sharded", scenario.zero !== "ddp");
}

/** Slider positions → values: context 2^x (rounded to a power-of-two-ish token count), batch 2^x. */
export function sliderValue(id, position) {
  const value = Math.round(2 ** Number(position));
  return id === "context-range" ? value : Math.max(1, value);
}
