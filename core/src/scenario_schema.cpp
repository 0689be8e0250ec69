// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// The table of every scenario input. Ranges are the ones the estimators accept; help lines
// are what the CLI's --help and the page's hints say.
#include <algorithm>
#include <string>

#include "gpumem/scenario.hpp"

namespace gpumem {
namespace {

using namespace applies;
using Type = FieldType;

constexpr FieldChoice kTasks[] = {
    {"inference", "Inference (serve)"},
    {"full", "Full training / fine-tuning"},
    {"lora", "LoRA fine-tuning"},
    {"qlora", "QLoRA fine-tuning (4-bit base)"},
};

constexpr FieldChoice kPrecisions[] = {
    {"bf16", "BF16"},
    {"fp16", "FP16"},
    {"fp32", "FP32"},
    {"fp8", "FP8 (e4m3, block scales)"},
    {"int8", "INT8 (bitsandbytes LLM.int8)"},
    {"nf4", "NF4 (bitsandbytes)"},
    {"nf4-dq", "NF4 + double quant (QLoRA)"},
    {"gptq-4bit-g128", "GPTQ 4-bit, group 128"},
    {"awq-4bit-g128", "AWQ 4-bit, group 128"},
    {"gptq-8bit-g128", "GPTQ 8-bit, group 128"},
    {"mxfp4", "MXFP4"},
    {"nvfp4", "NVFP4"},
    {"q8_0", "GGUF Q8_0"},
    {"q6_k", "GGUF Q6_K"},
    {"q5_k_m", "GGUF Q5_K_M"},
    {"q4_k_m", "GGUF Q4_K_M"},
    {"q4_0", "GGUF Q4_0"},
    {"q3_k_m", "GGUF Q3_K_M"},
    {"q2_k", "GGUF Q2_K"},
    {"mlx-8bit", "MLX 8-bit (group 64)"},
    {"mlx-4bit", "MLX 4-bit (group 64)"},
};

constexpr FieldChoice kKvDtypes[] = {
    {"auto", "Same as compute (bf16/fp16)"},
    {"fp16", "FP16"},
    {"bf16", "BF16"},
    {"fp8", "FP8"},
    {"int8", "INT8"},
    {"q8_0", "llama.cpp q8_0"},
    {"q4_0", "llama.cpp q4_0"},
    {"fp32", "FP32"},
};

// llama.cpp's --cache-type-k/-v (common/arg.cpp kv_cache_types; bf16 is accepted there too,
// the same size as f16).
constexpr FieldChoice kLlamaCacheTypes[] = {
    {"f16", "f16"},   {"f32", "f32"},       {"q8_0", "q8_0"}, {"q4_0", "q4_0"},
    {"q4_1", "q4_1"}, {"iq4_nl", "iq4_nl"}, {"q5_0", "q5_0"}, {"q5_1", "q5_1"},
};

constexpr FieldChoice kRecipes[] = {
    {"auto", "Usual for the task (mixed; bf16 base for LoRA)"},
    {"mixed", "Mixed precision (fp32 master, bf16 autocast)"},
    {"mixed-fp16", "Mixed precision (fp16 autocast)"},
    {"bf16", "Pure bf16"},
    {"fp16-master", "fp16 + fp32 master (DeepSpeed)"},
    {"bf16-master", "bf16 + fp32 master"},
    {"fp8", "FP8 (Transformer Engine, approx.)"},
    {"fp32", "FP32"},
};

// The EAGLE heads the serving engines draft with: vLLM's speculative_config "method" and
// SGLang's --speculative-algorithm.
constexpr FieldChoice kSpeculativeMethods[] = {
    {"none", "None (or a draft model / MTP layers)"},
    {"eagle", "EAGLE head (vLLM eagle, SGLang EAGLE)"},
    {"eagle3", "EAGLE-3 head (vLLM eagle3, SGLang EAGLE3)"},
};

constexpr FieldChoice kEngines[] = {
    {"transformers", "PyTorch / Transformers"}, {"vllm", "vLLM"},     {"llama.cpp", "llama.cpp"},
    {"tensorrt-llm", "TensorRT-LLM"},           {"sglang", "SGLang"}, {"ollama", "Ollama"},
    {"mlx", "MLX (mlx-lm, Apple Silicon)"},
};

// How vLLM sizes its KV pool, by release (docs/methodology.md section 6 gives the sources).
constexpr FieldChoice kVllmVersions[] = {
    {"0.21", "0.21 or later: CUDA graphs profiled into the budget"},
    {"0.10", "0.9.2 to 0.20: weights, profile run, non-torch growth"},
    {"0.9", "0.8 to 0.9.1 (V1): the CUDA context counts too"},
};

constexpr FieldChoice kVllmEntrypoints[] = {
    {"serve", "vllm serve (the OpenAI-compatible server)"},
    {"llm", "LLM(...) in Python (larger default batches)"},
};

constexpr FieldChoice kMaxModelLens[] = {
    {"context", "The context above"},
    {"auto", "auto: the longest that fits in the KV cache"},
};

constexpr FieldChoice kAttentions[] = {
    {"sdpa", "SDPA / FlashAttention (scores never stored)"},
    {"eager", "Eager (stores the scores)"},
};

constexpr FieldChoice kOptimizers[] = {
    {"adamw", "AdamW (torch, foreach)"},
    {"adamw-fused", "AdamW (fused)"},
    {"adamw-forloop", "AdamW (torch, for-loop)"},
    {"adam8bit", "8-bit Adam (bitsandbytes)"},
    {"paged-adam8bit", "Paged 8-bit Adam"},
    {"paged-adamw", "Paged AdamW"},
    {"adafactor", "Adafactor"},
    {"lion", "Lion"},
    {"lion8bit", "8-bit Lion (bitsandbytes)"},
    {"paged-lion", "Paged Lion"},
    {"paged-lion8bit", "Paged 8-bit Lion"},
    {"sgd-momentum", "SGD + momentum"},
    {"sgd", "SGD"},
    {"none", "None (frozen, forward and backward only)"},
};

constexpr FieldChoice kCheckpointing[] = {
    {"auto", "The stack's default (PyTorch, Liger: none; TRL, Unsloth, torchtune: full)"},
    {"none", "None"},
    {"full", "Full (every layer)"},
    {"selective", "Selective (attention)"},
};

constexpr FieldChoice kStacks[] = {
    {"pytorch", "PyTorch + Transformers/PEFT loop"},
    {"trl", "Hugging Face Trainer / TRL SFTTrainer"},
    {"unsloth", "Unsloth (offloaded checkpoints, fused loss)"},
    {"liger", "Liger kernels (fused linear cross-entropy)"},
    {"torchtune", "torchtune recipes (chunked loss)"},
};

constexpr FieldChoice kSharding[] = {
    {"ddp", "DDP (replicated)"},
    {"zero1", "DeepSpeed ZeRO-1"},
    {"zero2", "DeepSpeed ZeRO-2 (as FSDP grad-op shards)"},
    {"zero3", "DeepSpeed ZeRO-3"},
    {"fsdp", "FSDP full shard (fully_shard)"},
    {"fsdp-hybrid", "HSDP (FSDP hybrid shard)"},
};

// DeepSpeed's offload_optimizer / offload_param device.
constexpr FieldChoice kOffloadDevices[] = {
    {"cpu", "CPU RAM"},
    {"nvme", "NVMe"},
};

constexpr FieldChoice kOffload[] = {
    {"none", "Nothing"},
    {"optimizer", "Optimizer states (ZeRO-Offload)"},
    {"all", "Optimizer and parameters (ZeRO-3)"},
};

// bitsandbytes' 4-bit data types (BitsAndBytesConfig bnb_4bit_quant_type).
constexpr FieldChoice kQuantTypes[] = {
    {"nf4", "NF4 (normal float)"},
    {"fp4", "FP4 (4-bit float)"},
};

// BitsAndBytesConfig bnb_4bit_quant_storage: the dtype the packed 4-bit values are held in.
constexpr FieldChoice kQuantStorages[] = {
    {"bf16", "bfloat16 (shardable by FSDP / ZeRO-3)"},
    {"uint8", "uint8 (bitsandbytes' default)"},
};

constexpr FieldChoice kLoraTargets[] = {
    {"all-linear", "All linear layers"},
    {"attention", "Attention (q, k, v, o)"},
    {"q_proj,v_proj", "q_proj and v_proj"},
    {"mlp", "MLP (gate, up, down)"},
};

constexpr FieldChoice kUnits[] = {
    {"gb", "GB (10^9 bytes)"},
    {"gib", "GiB (2^30 bytes)"},
};

constexpr FieldChoice kGpuChoices[] = {
    {"custom", "Custom GPU (its memory in the box below)"},
};

constexpr FieldScope kAlways{};
// llama.cpp and Ollama size their context with their own options (--ctx-size and --parallel,
// num_ctx and num_parallel), not the workload's.
constexpr unsigned kWorkloadEngines = kAllEngines & ~(kLlamaCpp | kOllama);
constexpr FieldScope kArchitectureOnly{kAllTasks, kArchitecture, kWorkloadEngines};
constexpr FieldScope kInferenceArchitecture{kInference, kArchitecture, kAllEngines};
constexpr FieldScope kInferenceWorkload{kInference, kArchitecture, kWorkloadEngines};
// llama.cpp names its cache types itself (--cache-type-k/-v); Ollama takes OLLAMA_KV_CACHE_TYPE.
constexpr FieldScope kKvDtypeScope{kInference, kArchitecture, kAllEngines & ~kLlamaCpp};
constexpr FieldScope kTrainingArchitecture{kTraining, kArchitecture, kAllEngines};

constexpr FieldScope engineOnly(unsigned engines) {
  return FieldScope{kInference, kArchitecture, engines};
}

constexpr std::int64_t kMaxContext = 10'000'000;
constexpr std::int64_t kMaxBatchSize = 1'048'576;
constexpr std::int64_t kMaxGpus = 100'000;
constexpr std::int64_t kMaxDegree = 1024;

// clang-format off
constexpr FieldSpec kFields[] = {
    // The model: one of a catalog id, a config.json, a model file or a parameter count.
    {"model", Type::kText, "llama-3.1-8b", 0, 120, "", kAlways, "model", "model",
     "A model of the catalog, by id or name (gpumem models lists them)."},
    {"params", Type::kText, "", 0, 32, "parameters", {kInference | kFull, kAllMethods, kAllEngines},
     "params", "params",
     "A bare parameter count such as 70B, 350M or 1.5T (the parameter-count method)."},
    {"config", Type::kFile, "", 0, 4 << 20, "", kAlways, "", "config",
     "A Hugging Face config.json (the CLI reads the path; the page takes a paste or drop)."},
    {"file", Type::kFile, "", 0, 4 << 20, "", kAlways, "", "file",
     "A .gguf, .safetensors or .safetensors.index.json: only its header is read."},
    {"task", Type::kChoice, "inference", 0, 0, "", kAlways, "task", "task",
     "Serve the model, train it fully, or fine-tune it with LoRA or QLoRA.", kTasks},
    {"precision", Type::kChoice, "bf16", 0, 0, "",
     {kInference | kFull, kAllMethods, kAllEngines, FieldCondition::kNotTrainingArchitecture},
     "prec", "precision", "How the weights are stored: a dtype or a quantization format.",
     kPrecisions},
    {"kvDtype", Type::kChoice, "auto", 0, 0, "", kKvDtypeScope, "kv", "kv-dtype",
     "The KV cache's element type; auto = the compute dtype (Ollama: OLLAMA_KV_CACHE_TYPE; "
     "llama.cpp: --cache-type-k/-v).",
     kKvDtypes},
    {"recipe", Type::kChoice, "auto", 0, 0, "", {kFull | kLora, kArchitecture, kAllEngines},
     "recipe", "recipe",
     "The training precision recipe: which dtypes the weights, gradients and states use.",
     kRecipes},
    // The workload.
    {"contextLength", Type::kInteger, "8192", 1, kMaxContext, "tokens", kArchitectureOnly, "ctx",
     "context", "Tokens per sequence: prompt plus generated tokens (training: the sequence length)."},
    {"generatedTokens", Type::kInteger, "256", 0, kMaxContext - 1, "tokens",
     kInferenceWorkload, "gen", "generate",
     "Of the context, how many tokens are generated (the rest is the prompt)."},
    {"imagesPerRequest", Type::kInteger, "0", 0, 64, "images",
     {kInference, kArchitecture, kAllEngines, FieldCondition::kVisionModel}, "img", "images",
     "Images in each request's prompt (a vision-language model): each adds its image tokens "
     "to the context and runs the vision encoder at prefill."},
    {"batch", Type::kInteger, "1", 1, kMaxBatchSize, "sequences",
     {kAllTasks, kAllMethods, kWorkloadEngines, FieldCondition::kNotParameterCountInference},
     "batch", "batch",
     "Sequences processed together: concurrent requests, or the training micro-batch."},
    {"engine", Type::kChoice, "transformers", 0, 0, "", kInferenceArchitecture, "engine",
     "engine", "The inference engine whose memory behaviour is modelled.", kEngines},
    {"attention", Type::kChoice, "sdpa", 0, 0, "",
     {kAllTasks, kArchitecture, kTransformers}, "attn", "attn",
     "How attention is computed: fused kernels, or eager with the scores stored.", kAttentions},
    {"engineVersion", Type::kChoice, "0.21", 0, 0, "", engineOnly(kVllm), "vv",
     "engine-version",
     "The vLLM release whose memory accounting applies: what its profiler charges to the "
     "budget before the KV pool.",
     kVllmVersions},
    {"entrypoint", Type::kChoice, "serve", 0, 0, "", engineOnly(kVllm), "entry", "entrypoint",
     "How vLLM is started, which sets the default batch limits: vllm serve, or LLM(...) in "
     "Python (16,384 tokens per step on 70 GiB and more, A100 aside; else 8,192).",
     kVllmEntrypoints},
    {"maxModelLen", Type::kChoice, "context", 0, 0, "", engineOnly(kVllm), "mml",
     "max-model-len",
     "vLLM's max_model_len: the context above, or auto (--max-model-len auto, vLLM 0.12 on): the "
     "longest one request can have in the KV cache, at most the model's trained length.",
     kMaxModelLens},
    {"gpuMemoryUtilization", Type::kDecimal, "auto", 0.05, 1, "fraction", engineOnly(kVllm),
     "util", "gpu-memory-utilization",
     "vLLM's share of each GPU's memory; auto = 0.92 from 0.21, 0.9 before."},
    {"maxNumSeqs", Type::kInteger, "auto", 1, 65536, "sequences", engineOnly(kVllm), "mns",
     "max-num-seqs",
     "vLLM's sequences per step (sizes the sampler's warm-up); auto = the entry point's default "
     "for the GPU (1024 on 70 GiB and more, A100 aside; else 256)."},
    {"maxNumBatchedTokens", Type::kInteger, "auto", 1, 1 << 20, "tokens", engineOnly(kVllm),
     "mnbt", "max-num-batched-tokens",
     "vLLM's tokens per step (sizes the profiled activations); auto = the entry point's default "
     "for the GPU (vllm serve: 8192 on 70 GiB and more, A100 aside, else 2048; LLM(...): "
     "16384, else 8192)."},
    {"blockSize", Type::kInteger, "auto", 1, 1024, "tokens", engineOnly(kVllm), "bs",
     "block-size",
     "Tokens per paged KV block; auto = 16, or 64 for multi-head latent attention (FlashMLA)."},
    {"enforceEager", Type::kBoolean, "false", 0, 0, "", engineOnly(kVllm), "eager",
     "enforce-eager", "vLLM without CUDA graphs (saves their memory)."},
    {"nGpuLayers", Type::kInteger, "auto", -1, 100000, "layers", engineOnly(kLlamaCpp), "ngl",
     "n-gpu-layers",
     "llama.cpp's layers on the GPU (-ngl), the output layer counted as one more; auto = "
     "--fit's choice (all with --fit off); -1 = all."},
    {"ctxSize", Type::kInteger, "0", 0, kMaxContext, "tokens", engineOnly(kLlamaCpp), "nctx",
     "ctx-size",
     "llama.cpp's context (-c): KV cells shared by the slots; 0 = the model's trained length, "
     "which --fit cuts down to fit (not below 4,096)."},
    {"parallel", Type::kInteger, "auto", 1, 256, "slots", engineOnly(kLlamaCpp), "np",
     "parallel",
     "llama-server's slots (-np); auto = 4 slots sharing one KV cache (kv_unified); N = N "
     "slots with n_ctx / N cells each (with -c 0 the fit starts from N × the trained length)."},
    {"numCtx", Type::kInteger, "auto", 1, kMaxContext, "tokens", engineOnly(kOllama), "nc",
     "num-ctx",
     "Ollama's num_ctx (OLLAMA_CONTEXT_LENGTH, or PARAMETER num_ctx): tokens per slot; auto = "
     "by the GPUs' total memory, 262,144 from 47 GiB, 32,768 from 23 GiB, else 4,096, at most "
     "the model's trained length."},
    {"numParallel", Type::kInteger, "1", 1, 256, "slots", engineOnly(kOllama), "npar",
     "num-parallel",
     "OLLAMA_NUM_PARALLEL: requests served at once; llama-server gets -c num_ctx × "
     "num_parallel and -np num_parallel."},
    {"fit", Type::kBoolean, "true", 0, 0, "", engineOnly(kLlamaCpp), "fit", "fit",
     "llama.cpp's --fit on|off: a dry run that cuts the context and moves MoE experts, then "
     "layers, to the host until every GPU keeps --fit-target free."},
    {"fitTarget", Type::kInteger, "1024", 0, 1 << 20, "MiB", engineOnly(kLlamaCpp), "fitt",
     "fit-target", "llama.cpp's --fit-target: memory --fit leaves free on each GPU."},
    {"cacheTypeK", Type::kChoice, "f16", 0, 0, "", engineOnly(kLlamaCpp), "ctk", "cache-type-k",
     "llama.cpp's K cache type (-ctk).", kLlamaCacheTypes},
    {"cacheTypeV", Type::kChoice, "f16", 0, 0, "", engineOnly(kLlamaCpp), "ctv", "cache-type-v",
     "llama.cpp's V cache type (-ctv; quantized V needs flash attention).", kLlamaCacheTypes},
    {"nCpuMoe", Type::kInteger, "0", 0, 100000, "layers",
     {kInference, kArchitecture, kLlamaCpp, FieldCondition::kMixtureOfExperts}, "ncmoe",
     "n-cpu-moe",
     "llama.cpp's --n-cpu-moe: the routed experts of the first N layers stay in host memory "
     "(--fit then keeps the layers as they are)."},
    {"ubatchSize", Type::kInteger, "512", 1, 65536, "tokens", engineOnly(kLlamaCpp), "ub",
     "ubatch-size", "llama.cpp's physical batch (-ub): the compute buffer's tokens."},
    {"batchSize", Type::kInteger, "2048", 1, 1 << 20, "tokens", engineOnly(kLlamaCpp), "nb",
     "batch-size",
     "llama.cpp's logical batch (-b): the physical batch is at most this (n_ubatch = "
     "min(n_batch, n_ubatch)), which is all it changes in memory."},
    {"swaFull", Type::kBoolean, "false", 0, 0, "",
     {kInference, kArchitecture, kLlamaCpp, FieldCondition::kSlidingWindow}, "swaf", "swa-full",
     "llama.cpp's --swa-full: the sliding-window layers cache all n_ctx cells instead of the "
     "window of each slot plus one physical batch."},
    {"flashAttention", Type::kBoolean, "true", 0, 0, "", engineOnly(kLlamaCpp | kOllama), "fa",
     "flash-attn",
     "Flash attention (llama.cpp -fa, OLLAMA_FLASH_ATTENTION; on where the GPU supports it): "
     "no score matrix in the compute buffer."},
    {"draftModel", Type::kText, "", 0, 120, "", engineOnly(kVllm | kLlamaCpp | kSglang), "draft",
     "model-draft",
     "A draft model of the catalog for speculative decoding (vLLM's speculative_config model, "
     "llama.cpp's --model-draft, SGLang's --speculative-algorithm STANDALONE "
     "--speculative-draft-model-path); empty = none. Its weights and its own KV cache for the "
     "same context are added; vLLM's one KV pool then holds both models' layers, SGLang gives "
     "the draft a pool of its own."},
    {"speculativeMethod", Type::kChoice, "none", 0, 0, "", engineOnly(kVllm | kSglang), "spm",
     "speculative-method",
     "Speculative decoding with an EAGLE or EAGLE-3 head trained for the model (vLLM's "
     "--speculative-config '{\"method\":\"eagle3\",\"model\":...}'; SGLang's "
     "--speculative-algorithm EAGLE3 --speculative-draft-model-path ...): one decoder layer "
     "sized from the model, sharing its token embedding (EAGLE-1 also its lm_head). Its "
     "weights and its layer's KV are added (vLLM: in the one pool; SGLang: in a pool of its "
     "own); numSpeculativeTokens is then the head's tokens per step (0 = 5).",
     kSpeculativeMethods},
    {"draftVocabSize", Type::kInteger, "32000", 1, 1 << 20, "tokens",
     {kInference, kArchitecture, kVllm | kSglang, FieldCondition::kEagle3Head}, "dvs",
     "draft-vocab-size",
     "The EAGLE-3 head's draft_vocab_size (its config.json): rows of its own lm_head and "
     "entries of d2t; 32,000 in the published Llama and Qwen heads."},
    {"numSpeculativeTokens", Type::kInteger, "0", 0, 16, "tokens",
     {kInference, kArchitecture, kVllm | kSglang, FieldCondition::kSpeculativeTokens}, "nst",
     "num-speculative-tokens",
     "MTP speculative decoding with the model's own multi-token-prediction layers: tokens "
     "proposed per step (vLLM's --speculative-config '{\"method\":\"mtp\","
     "\"num_speculative_tokens\":N}'; SGLang's --speculative-algorithm EAGLE "
     "--speculative-num-steps N, top-k 1); 0 = off. The MTP layers' weights (loaded only then) "
     "and their KV are added (vLLM: in the one pool, with N lookahead slots per request; "
     "SGLang: in a pool of their own). With an EAGLE head (speculativeMethod): its tokens per "
     "step, 0 = 5 (SGLang's automatic 5 steps, top-k 4, 8 draft tokens)."},
    {"freeGpuMemoryFraction", Type::kDecimal, "0.9", 0.05, 1, "fraction",
     engineOnly(kTensorRtLlm), "kvfrac", "free-gpu-memory-fraction",
     "TensorRT-LLM's share of the memory free after loading that goes to the KV cache."},
    {"memFractionStatic", Type::kDecimal, "auto", 0.05, 0.99, "fraction", engineOnly(kSglang),
     "mfs", "mem-fraction-static",
     "SGLang's share of the free memory for weights and the KV pool; auto = as SGLang computes "
     "it from the GPU's memory, prefill chunk, CUDA-graph batch and parallel size."},
    {"maxKvSize", Type::kInteger, "0", 0, kMaxContext, "tokens", engineOnly(kMlx), "mkv",
     "max-kv-size",
     "mlx-lm's --max-kv-size: every layer keeps a rotating cache of this many tokens (models "
     "with their own sliding-window or hybrid caches ignore it); 0 = the whole context."},
    // Training.
    {"optimizer", Type::kChoice, "adamw", 0, 0, "", {kTraining, kAllMethods, kAllEngines},
     "optim", "optimizer", "The optimizer, which decides the states kept per parameter.",
     kOptimizers},
    {"stack", Type::kChoice, "pytorch", 0, 0, "", kTrainingArchitecture, "stack", "stack",
     "The fine-tuning software: its loss kernel, fused kernels, offloading and defaults.",
     kStacks},
    {"checkpointing", Type::kChoice, "auto", 0, 0, "", kTrainingArchitecture, "ckpt", "ckpt",
     "Activation checkpointing: keep every layer's saved tensors, or recompute them; auto = "
     "the stack's default.",
     kCheckpointing},
    {"activationOffload", Type::kBoolean, "false", 0, 0, "", kTrainingArchitecture, "aoff",
     "activation-offload",
     "Move saved activations (with checkpointing: the layer inputs) to CPU RAM until the "
     "backward needs them; Unsloth's checkpointing always does."},
    {"gradientAccumulation", Type::kInteger, "1", 1, 65536, "steps", kTrainingArchitecture,
     "ga", "grad-accum", "Micro-batches per optimizer step (gradients persist between them)."},
    {"evalBatch", Type::kInteger, "0", 0, 65536, "sequences", kTrainingArchitecture, "eb",
     "per-device-eval-batch-size",
     "Evaluation during training (Trainer's per_device_eval_batch_size with eval_strategy "
     "steps or epoch): a forward of this many sequences between optimizer steps, with the "
     "optimizer states held and the logits materialised; 0 = no evaluation (eval_strategy "
     "\"no\", the default)."},
    {"sharding", Type::kChoice, "ddp", 0, 0, "", kTrainingArchitecture, "zero", "sharding",
     "How data-parallel GPUs share the model states: DDP, ZeRO or FSDP.", kSharding},
    {"offload", Type::kChoice, "none", 0, 0, "",
     {kTraining, kArchitecture, kAllEngines, FieldCondition::kSharded}, "off", "offload",
     "What ZeRO/FSDP keeps in CPU RAM instead of on the GPU.", kOffload},
    {"offloadDevice", Type::kChoice, "cpu", 0, 0, "",
     {kTraining, kArchitecture, kAllEngines, FieldCondition::kZero3Offload}, "odev",
     "offload-device",
     "DeepSpeed ZeRO-3's offload device: CPU RAM, or NVMe, where the offloaded "
     "states go while CPU RAM keeps the gradients and pinned swap buffers.",
     kOffloadDevices},
    {"loraRank", Type::kInteger, "16", 1, 4096, "", {kAdapters, kArchitecture, kAllEngines},
     "rank", "lora-rank", "The rank of the LoRA adapters."},
    {"loraTargets", Type::kText, "all-linear", 0, 120, "", {kAdapters, kArchitecture, kAllEngines},
     "lt", "lora-targets",
     "The modules that get adapters: all-linear, attention, mlp or names like q_proj,v_proj.",
     kLoraTargets},
    {"trainEmbeddings", Type::kBoolean, "false", 0, 0, "",
     {kAdapters, kArchitecture, kAllEngines}, "te", "train-embeddings",
     "Also train the embedding and the output head (modules_to_save)."},
    {"loadIn8bit", Type::kBoolean, "false", 0, 0, "", {kLora, kArchitecture, kAllEngines}, "l8",
     "load-in-8bit",
     "LoRA on an 8-bit base (BitsAndBytesConfig load_in_8bit, LLM.int8): 1 B per projection "
     "weight instead of the recipe's 2 or 4."},
    {"quantType", Type::kChoice, "nf4", 0, 0, "", {kQlora, kArchitecture, kAllEngines}, "qt",
     "bnb-4bit-quant-type",
     "bnb_4bit_quant_type: NF4 or FP4. Both store 4 bits per weight with the same constants, "
     "so the memory is the same; the answer names the type.",
     kQuantTypes},
    {"doubleQuant", Type::kBoolean, "true", 0, 0, "", {kQlora, kArchitecture, kAllEngines},
     "dq", "double-quant",
     "bnb_4bit_use_double_quant (on in QLoRA's recipe, off in BitsAndBytesConfig): the fp32 "
     "absmax of each 64 weights becomes 8 bits, 0.127 instead of 0.5 bits per weight."},
    {"quantStorage", Type::kChoice, "bf16", 0, 0, "",
     {kQlora, kArchitecture, kAllEngines, FieldCondition::kShardsParameters}, "qs",
     "quant-storage",
     "bnb_4bit_quant_storage: the same packed bytes either way, but FSDP and ZeRO-3 shard only "
     "floating-point parameters, so a uint8 4-bit base stays whole on every GPU.",
     kQuantStorages},
    {"contextParallel", Type::kInteger, "1", 1, kMaxDegree, "GPUs", kTrainingArchitecture, "cp",
     "cp", "GPUs each sequence is split over (context parallel)."},
    {"sequenceParallel", Type::kBoolean, "false", 0, 0, "",
     {kTraining, kArchitecture, kAllEngines, FieldCondition::kTensorParallel}, "sp", "sp",
     "Megatron sequence parallel on top of tensor parallel."},
    {"reduceBucketSize", Type::kDecimal, "500000000", 0, 1e11, "elements",
     {kTraining, kArchitecture, kAllEngines, FieldCondition::kDeepSpeedZero}, "rbs",
     "reduce-bucket-size",
     "DeepSpeed reduce_bucket_size (default 5e8): the gradient bucket (contiguous_gradients), "
     "2 B per element (bf16/fp16). ZeRO-1/2's backward allocates it (two with overlap_comm); "
     "ZeRO-3 keeps one from start-up and its reduce-scatter copies a full one."},
    {"overlapComm", Type::kBoolean, "false", 0, 0, "",
     {kTraining, kArchitecture, kAllEngines, FieldCondition::kDeepSpeedZero12}, "oc",
     "overlap-comm",
     "DeepSpeed overlap_comm (default false for ZeRO-1/2): the backward alternates two "
     "reduce_bucket_size buckets so one is reduced while the other fills. ZeRO-3 (where it "
     "defaults to true) keeps one bucket either way."},
    {"stage3MaxLiveParameters", Type::kDecimal, "1000000000", 0, 1e12, "parameters",
     {kTraining, kArchitecture, kAllEngines, FieldCondition::kDeepSpeedZero3}, "s3mlp",
     "stage3-max-live-parameters",
     "DeepSpeed stage3_max_live_parameters (default 1e9): the prefetch gathers ahead until this "
     "many elements are gathered, and the last tensor it takes may pass it (the head: 1e9 + "
     "525M for Llama 3.1 8B, about 3 GB in 16 bits); the module in flight is gathered anyway."},
    {"stage3ParamPersistenceThreshold", Type::kDecimal, "100000", 0, 1e12, "elements",
     {kTraining, kArchitecture, kAllEngines, FieldCondition::kDeepSpeedZero3}, "s3ppt",
     "stage3-param-persistence-threshold",
     "DeepSpeed stage3_param_persistence_threshold (default 1e5): tensors of at most this many "
     "elements (norms, biases, small routers and LoRA matrices) stay whole on every GPU."},
    {"stage3PrefetchBucketSize", Type::kDecimal, "50000000", 0, 1e12, "elements",
     {kTraining, kArchitecture, kAllEngines, FieldCondition::kDeepSpeedZero3}, "s3pbs",
     "stage3-prefetch-bucket-size",
     "DeepSpeed stage3_prefetch_bucket_size (default 5e7): elements each module's hook may "
     "gather ahead, while fewer than stage3_max_live_parameters are gathered; any value above "
     "0 fills that cap (0: no prefetch, only the module in flight and what is kept)."},
    {"stage3MaxReuseDistance", Type::kDecimal, "1000000000", 0, 1e12, "elements",
     {kTraining, kArchitecture, kAllEngines, FieldCondition::kDeepSpeedZero3}, "s3mrd",
     "stage3-max-reuse-distance",
     "DeepSpeed stage3_max_reuse_distance (default 1e9): a module's gathered parameters stay "
     "if the trace uses them again within this many elements (the head, from its forward to "
     "its backward; 0 releases everything)."},
    {"reshardAfterForward", Type::kBoolean, "true", 0, 0, "",
     {kTraining, kArchitecture, kAllEngines, FieldCondition::kFsdpSharding}, "raf",
     "reshard-after-forward",
     "FSDP2 fully_shard reshard_after_forward: false keeps every layer's gathered parameters "
     "from its forward to its backward (no second all-gather, all parameters unsharded)."},
    {"gpusPerNode", Type::kInteger, "8", 1, 1024, "GPUs",
     {kTraining, kArchitecture, kAllEngines, FieldCondition::kHybridOrOffload}, "gpn",
     "gpus-per-node",
     "GPUs per node: the hybrid shard's group and the CPU RAM offload needs per node."},
    // The parameter-count method.
    {"overhead", Type::kDecimal, "20", 0, 1000, "%",
     {kInference | kFull, kParameterCount, kAllEngines},
     "ovh", "overhead",
     "The parameter-count method's allowance on top of the weights (or the training states)."},
    {"activationPerSample", Type::kDecimal, "50", 0, 1e7, "MB",
     {kFull, kParameterCount, kAllEngines}, "act", "activation-mb",
     "The parameter-count method's activation memory per training sample."},
    // The hardware and how the model is split over it.
    {"gpu", Type::kChoice, "rtx-4090", 0, 0, "", kAlways, "gpu", "gpu",
     "The GPU (gpumem gpus lists them; memory as the runtime reports it), or custom.",
     kGpuChoices},
    {"gpuMemory", Type::kText, "", 0, 32, "", kAlways, "mem", "gpu-memory",
     "Memory per GPU in place of the catalog's: 22.07GiB, 24GB, 24000MiB or bytes (GB = 10^9, "
     "GiB = 2^30); on a Mac, the GPU's working-set limit."},
    {"gpuCount", Type::kInteger, "1", 1, kMaxGpus, "GPUs", kAlways, "gpus", "gpus",
     "GPUs available: the split's GPUs, with any more as data-parallel replicas."},
    {"tensorParallel", Type::kInteger, "1", 1, kMaxDegree, "GPUs",
     {kAllTasks, kArchitecture, kTransformers | kVllm | kTensorRtLlm | kSglang}, "tp", "tp",
     "GPUs each layer is split over (tensor parallel)."},
    {"pipelineParallel", Type::kInteger, "1", 1, kMaxDegree, "stages",
     {kAllTasks, kArchitecture, kTransformers | kVllm | kTensorRtLlm | kSglang}, "pp", "pp",
     "Stages of consecutive layers (pipeline parallel)."},
    {"expertParallel", Type::kInteger, "1", 1, kMaxDegree, "GPUs",
     {kAllTasks, kArchitecture, kTransformers | kVllm | kTensorRtLlm | kSglang,
      FieldCondition::kMixtureOfExperts},
     "ep", "ep", "GPUs a mixture-of-experts layer's experts are spread over."},
    // How the page shows it.
    {"unit", Type::kChoice, "gb", 0, 0, "", kAlways, "unit", "",
     "Units of the page: GB (10^9 bytes) or GiB (2^30 bytes).", kUnits},
};
// clang-format on

std::size_t editDistance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

std::string_view fieldTypeName(FieldType type) {
  switch (type) {
    case Type::kInteger:
      return "integer";
    case Type::kDecimal:
      return "decimal";
    case Type::kChoice:
      return "choice";
    case Type::kBoolean:
      return "boolean";
    case Type::kText:
      return "text";
    case Type::kFile:
      return "file";
  }
  return "text";
}

std::span<const FieldSpec> scenarioSchema() { return kFields; }

const FieldSpec* findField(std::string_view name) {
  for (const FieldSpec& f : kFields) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

const FieldSpec* findFieldByFlag(std::string_view flag) {
  for (const FieldSpec& f : kFields) {
    if (!f.flag.empty() && f.flag == flag) return &f;
  }
  return nullptr;
}

const FieldSpec* findFieldByLink(std::string_view key) {
  for (const FieldSpec& f : kFields) {
    if (!f.link.empty() && f.link == key) return &f;
  }
  return nullptr;
}

std::string nearestName(std::string_view typed, std::span<const std::string> candidates) {
  std::string best;
  std::size_t bestDistance = typed.size() / 2 + 2;
  for (const std::string& candidate : candidates) {
    const std::size_t d = editDistance(typed, candidate);
    const bool prefix = candidate.starts_with(typed) && typed.size() >= 2;
    if (d < bestDistance || (prefix && best.empty())) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

}  // namespace gpumem
