// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// Reads a model from a local file without uploading it: only the header is sliced out of
// the file (File.slice) and parsed by the wasm core. config.json text is parsed whole.

const MiB = 1 << 20;
const MAX_GGUF_HEADER = 64 * MiB;
const MAX_TEXT_FILE = 8 * MiB;

/** What a file was read as: {ok, model: {label, params, weightBytes, ...}} or {ok:false, error}. */
export async function readModelFile(wasm, file) {
  const name = file.name.toLowerCase();
  try {
    if (name.endsWith(".gguf")) return await readGguf(wasm, file);
    if (name.endsWith(".safetensors")) return await readSafetensors(wasm, file);
    if (name.endsWith(".json")) return await readJsonFile(wasm, file);
  } catch (error) {
    return failure("model-file", `Could not read ${file.name}: ${error.message}`);
  }
  return failure("model-file", `${file.name} is not a .gguf, .safetensors, .safetensors.index.json or config.json file.`);
}

function failure(field, message) {
  return { ok: false, error: { field, message } };
}

async function bytesOf(file, start, end) {
  return new Uint8Array(await file.slice(start, end).arrayBuffer());
}

/** GGUF: read 1 MiB of header, then longer slices while the core asks for more. */
async function readGguf(wasm, file) {
  let length = Math.min(file.size, MiB);
  for (;;) {
    const inventory = wasm.readGgufHeader(await bytesOf(file, 0, length), file.size);
    if (inventory.ok) return { ok: true, model: ggufModel(inventory, file.name) };
    const needMore = inventory.error.code === "need_more_data" && length < file.size;
    if (!needMore || length >= MAX_GGUF_HEADER) return failure("model-file", inventory.error.message);
    length = Math.min(file.size, length * 4, MAX_GGUF_HEADER);
  }
}

/** safetensors: the first 8 bytes say how long the JSON header is; read exactly that. */
async function readSafetensors(wasm, file) {
  const span = wasm.safetensorsHeaderSpan(await bytesOf(file, 0, 8), file.size);
  if (!span.ok) return failure("model-file", span.error.message);
  const inventory = wasm.readSafetensorsHeader(await bytesOf(file, 0, span.bytes), file.size);
  if (!inventory.ok) return failure("model-file", inventory.error.message);
  return { ok: true, model: inventoryModel(inventory, file.name) };
}

/** A .safetensors.index.json (sizes of a sharded checkpoint) or a config.json. */
async function readJsonFile(wasm, file) {
  if (file.size > MAX_TEXT_FILE) return failure("model-file", `${file.name} is too large for a JSON model description.`);
  const text = await file.text();
  if (file.name.toLowerCase().endsWith(".index.json")) {
    const inventory = wasm.readSafetensorsIndex(text);
    if (!inventory.ok) return failure("model-file", inventory.error.message);
    return { ok: true, model: inventoryModel(inventory, file.name) };
  }
  return readConfigText(wasm, text, file.name);
}

/** A pasted or dropped config.json: the architecture the core parses from it. */
export function readConfigText(wasm, text, label = "config.json") {
  const parsed = wasm.parseConfig(text);
  if (!parsed.ok) return failure("config", parsed.error.message);
  return {
    ok: true,
    model: { label, configJson: text, params: parsed.params, modelType: parsed.modelType, arch: parsed },
  };
}

function inventoryModel(inventory, label) {
  return {
    label,
    params: inventory.totalElements,
    weightBytes: inventory.totalBytes,
    tensorCount: inventory.tensors.length,
    dominantDtype: dominantDtype(inventory.tensors),
  };
}

/** The dtype holding the most bytes (what the checkpoint is "in"). */
function dominantDtype(tensors) {
  const bytesByType = new Map();
  for (const t of tensors) bytesByType.set(t.dtype, (bytesByType.get(t.dtype) ?? 0) + t.bytes);
  let best = "";
  let bestBytes = -1;
  for (const [dtype, bytes] of bytesByType) {
    if (bytes > bestBytes) [best, bestBytes] = [dtype, bytes];
  }
  return best.toLowerCase();
}

/**
 * A GGUF file: its exact tensor bytes, and a config.json built from its metadata
 * (<arch>.block_count, .embedding_length, …) so the KV cache and activations can be sized.
 */
function ggufModel(inventory, label) {
  const model = inventoryModel(inventory, label);
  const embedding = inventory.tensors.find((t) => t.name === "token_embd.weight");
  model.tokenEmbeddingBytes = embedding?.bytes ?? 0;
  const config = ggufConfig(inventory, embedding);
  if (config) model.configJson = JSON.stringify(config);
  return model;
}

const GGUF_MODEL_TYPES = {
  llama: "llama", mistral: "mistral", qwen2: "qwen2", qwen3: "qwen3", gemma: "gemma",
  gemma2: "gemma2", gemma3: "gemma3_text", phi3: "phi3", qwen2moe: "qwen2_moe", qwen3moe: "qwen3_moe",
};

function ggufConfig(inventory, embedding) {
  const meta = Object.fromEntries(Object.entries(inventory.metadata));
  const arch = meta["general.architecture"];
  const modelType = GGUF_MODEL_TYPES[arch];
  const get = (key) => Number(meta[`${arch}.${key}`]);
  if (!modelType || !embedding || !(get("block_count") > 0)) return null;
  const heads = get("attention.head_count");
  const config = {
    model_type: modelType,
    hidden_size: get("embedding_length"),
    num_hidden_layers: get("block_count"),
    num_attention_heads: heads,
    num_key_value_heads: get("attention.head_count_kv") || heads,
    intermediate_size: get("feed_forward_length"),
    vocab_size: embedding.shape[1],
    max_position_embeddings: get("context_length") || 4096,
    tie_word_embeddings: !inventory.tensors.some((t) => t.name === "output.weight"),
  };
  if (get("attention.key_length") > 0) config.head_dim = get("attention.key_length");
  if (get("expert_count") > 0) {
    config.num_local_experts = config.num_experts = get("expert_count");
    config.num_experts_per_tok = get("expert_used_count");
    config.moe_intermediate_size = get("expert_feed_forward_length") || config.intermediate_size;
  }
  if (get("attention.sliding_window") > 0) config.sliding_window = get("attention.sliding_window");
  return config;
}
