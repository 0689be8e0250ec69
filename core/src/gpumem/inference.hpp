// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// The architecture-aware inference estimate: weights, KV cache, prefill activations,
// logits, CUDA context and the caching allocator's reserve, each with its formula.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "gpumem/breakdown.hpp"
#include "gpumem/eagle_head.hpp"
#include "gpumem/model_architecture.hpp"
#include "gpumem/parallelism.hpp"
#include "gpumem/result.hpp"

namespace gpumem {

/// How attention is computed during prefill.
enum class AttentionImplementation {
  kSdpa,   ///< torch scaled_dot_product_attention (flash / memory-efficient kernels)
  kEager,  ///< explicit q·kᵀ, softmax in fp32, ·v: the scores are materialised
  kFlash,  ///< flash-attention kernels: scores never stored
};

/// Parses "sdpa", "eager", "flash" (or "flash_attention_2"). Field "attn".
Result<AttentionImplementation> parseAttentionImplementation(std::string_view text);

/// The engine whose memory behaviour is modelled.
enum class EngineProfile {
  kTransformers,  ///< PyTorch + Hugging Face Transformers generate(), DynamicCache
  kVllm,          ///< vLLM: paged KV blocks, profile run, CUDA graphs, memory fraction
  kLlamaCpp,      ///< llama.cpp: GGUF buffers, n_ctx KV cache, compute buffer, offload
  kTensorRtLlm,   ///< TensorRT-LLM: paged KV blocks, free-memory fraction for the KV pool
  kSglang,        ///< SGLang: a static fraction of the free memory for weights and KV pool
  kOllama,        ///< Ollama: llama.cpp's buffers with Ollama's own defaults
  kMlx,           ///< MLX / mlx-lm on Apple Silicon: stepped KV cache, chunked prefill
};

/// Parses "transformers" (or "hf"), "vllm", "llama.cpp" (or "llamacpp"), "tensorrt-llm"
/// (or "trtllm", "trt-llm"), "sglang", "ollama", "mlx" (or "mlx-lm"). Field "engine".
Result<EngineProfile> parseEngineProfile(std::string_view text);

/// How a vLLM release sizes its KV pool (vllm/v1/worker/gpu_worker.py
/// determine_available_memory; vllm/utils/mem_utils.py memory_profiling).
enum class VllmVersion {
  /// 0.8 to 0.9.1, the first V1 worker: budget − (torch peak with the weights + everything
  /// else in use on the GPU), the CUDA context and other processes included.
  k0_9,
  /// 0.9.2 to 0.20 (PR #19312 brought V0's memory_profiling, used by V0 since 0.7, to V1):
  /// budget − (weights + the profile run's torch peak + non-torch growth since start-up);
  /// the CUDA context and NCCL are measured before the baseline and fall outside the budget.
  k0_10,
  /// 0.21 on (PR #38284): also the CUDA graphs' profiled estimate; utilization 0.92 by default.
  k0_21,
};

/// Parses "0.9", "0.10", "0.21" (a release in a range maps to it: "0.11" → 0.10's accounting,
/// "0.25" → 0.21's). Field "engineVersion".
Result<VllmVersion> parseVllmVersion(std::string_view text);

/// The schema's name of a vLLM accounting: "0.9", "0.10" or "0.21".
std::string_view vllmVersionName(VllmVersion version);

/// vLLM settings that size its memory (vllm/config: CacheConfig, SchedulerConfig).
struct VllmSettings {
  double gpuMemoryUtilization = 0.92;        ///< fraction of the GPU vLLM may take
  std::int64_t blockSize = 16;               ///< tokens per KV block
  std::int64_t maxNumSeqs = 256;             ///< sequences per step (sampler warm-up size)
  std::int64_t maxNumBatchedTokens = 2048;   ///< tokens per step: the profile run's prefill
  bool cudaGraphs = true;                    ///< false with enforce_eager
  VllmVersion version = VllmVersion::k0_21;  ///< whose accounting sizes the KV pool
};

/// SGLang settings that size its memory (python/sglang/srt/server_args.py).
struct SglangSettings {
  /// Share of the memory free at start-up for weights and the KV pool (mem_fraction_static).
  double memFractionStatic = 0.88;
};

/// llama.cpp settings (common/arg.cpp: -c, -b, -ub, -ngl, -fa, --cache-type-k/v, -np,
/// --n-cpu-moe, --swa-full).
struct LlamaCppSettings {
  std::int64_t nUbatch = 512;  ///< physical batch: the compute buffer's token count
  /// Logical batch (-b). llama-context.cpp clamps it to n_ctx (causal models) and the physical
  /// batch to it: n_ubatch = min(n_batch, n_ubatch), so only that clamp reaches the memory.
  std::int64_t nBatch = 2048;
  std::int64_t nGpuLayers = -1;  ///< layers offloaded; -1 = all (+ the output layer)
  bool flashAttention = true;    ///< no n_ubatch × n_ctx score matrix
  /// KV cells (n_ctx) shared by the sequences; 0 = batch × (prompt + generated), as Ollama
  /// asks for num_ctx × num_parallel.
  std::int64_t nCtx = 0;
  /// Sequences (llama-server's slots, -np); 0 = batch.
  std::int64_t nSeq = 0;
  /// Bytes per cached K and V value (--cache-type-k/-v); 0 = kvBytesPerValue.
  double cacheKBytes = 0;
  double cacheVBytes = 0;
  /// Layers, from the first, whose routed experts stay in host memory (--n-cpu-moe).
  std::int64_t nCpuMoe = 0;
  /// Sliding-window layers cache all n_ctx cells (--swa-full), not n_swa × slots + n_ubatch.
  bool swaFull = false;
  /// One KV buffer shared by the slots (kv_unified: llama-server's default when -np is not
  /// given); false gives each slot a stream of its own, as an explicit -np does.
  bool kvUnified = true;
};

/// TensorRT-LLM settings that size its memory. Defaults as TensorRT-LLM documents them:
/// KvCacheConfig.free_gpu_memory_fraction = 0.9 ("TensorRT LLM will try to allocate 90% of
/// free GPU memory for KV cache", examples/kvcacheconfig; trtllm-serve's
/// --kv_cache_free_gpu_memory_fraction: "after allocating model weights and buffers") and
/// KvCacheConfig.tokens_per_block = 32 (tensorrt_llm/llmapi/llm_args.py; engines built with
/// older trtllm-build releases used 64); max_num_tokens = 8192 and max_batch_size = 2048
/// (BaseLlmArgs in the same file).
struct TrtLlmSettings {
  double freeGpuMemoryFraction = 0.9;  ///< share of the memory left after loading for KV
  std::int64_t tokensPerBlock = 32;    ///< tokens per paged KV block
  std::int64_t maxNumTokens = 8192;    ///< tokens per engine step: sizes the activations
  std::int64_t maxBatchSize = 2048;    ///< sequences per step: bounds the logits rows
};

/// mlx-lm settings (mlx_lm/generate.py generate_step, the mlx_lm.generate and mlx_lm.server
/// options).
struct MlxSettings {
  std::int64_t maxKvSize = 0;           ///< --max-kv-size: a rotating cache of N tokens; 0 = none
  std::int64_t prefillStepSize = 2048;  ///< prompt tokens processed per chunk
};

/// The CUDA context PyTorch 2.11 creates on an H100 (CUDA 13): bytes in use after
/// initialisation and a first allocation, as measured in the calibration set's env line.
inline constexpr double kDefaultCudaContextBytes = 650969088.0;

/// Inputs of an inference estimate.
struct InferenceOptions {
  double weightBytesPerParameter = 2;  ///< bf16/fp16 = 2, fp32 = 4 (when weightFormat is empty)
  std::string weightFormat;    ///< a parseWeightFormat name (nf4, gptq-4bit-g128, q4_k_m, …)
  double kvBytesPerValue = 2;  ///< KV cache element size (the weights' dtype in HF)
  double activationBytesPerValue = 2;  ///< activation dtype = the weights' compute dtype
  std::int64_t batch = 1;
  std::int64_t promptTokens = 512;
  std::int64_t generatedTokens = 16;
  /// Images in each request's prompt (a vision-language model). Their tokens are already in
  /// promptTokens; this sizes the vision encoder's run (visionEncoderComponent).
  std::int64_t imagesPerRequest = 0;
  AttentionImplementation attention = AttentionImplementation::kSdpa;
  EngineProfile engine = EngineProfile::kTransformers;
  double cudaContextBytes = kDefaultCudaContextBytes;  ///< what the driver takes at start-up
  double gpuMemoryBytes = 0;  ///< memory of one GPU, when known (vLLM's pool is a fraction)
  VllmSettings vllm;
  /// A draft model for speculative decoding (vLLM's speculative_config model, llama.cpp's
  /// --model-draft); null = none. Its weights are taken in the target's weight format.
  std::shared_ptr<const ModelArchitecture> draft;
  /// MTP speculative decoding with the model's own multi-token-prediction layers: the tokens
  /// proposed per step (vLLM's speculative_config num_speculative_tokens with method "mtp",
  /// SGLang's --speculative-num-steps); 0 = off. Needs arch.mtpLayers > 0.
  std::int64_t mtpSpeculativeTokens = 0;
  /// An EAGLE or EAGLE-3 head drafting for the model (vLLM's speculative_config method
  /// eagle/eagle3, SGLang's --speculative-algorithm EAGLE/EAGLE3); kNone = none.
  EagleMethod eagleMethod = EagleMethod::kNone;
  /// The EAGLE-3 head's draft_vocab_size (its lm_head's rows and d2t's entries).
  std::int64_t eagleDraftVocabSize = 32000;
  /// Tokens the EAGLE head proposes per step (vLLM's num_speculative_tokens, SGLang's
  /// --speculative-num-steps with top-k 1); 0 = SGLang's automatic 5 steps, top-k 4, 8 draft
  /// tokens (vLLM then takes 5).
  std::int64_t eagleSpeculativeTokens = 0;
  LlamaCppSettings llamaCpp;
  TrtLlmSettings trtLlm;
  SglangSettings sglang;
  MlxSettings mlx;
  ParallelLayout parallel;  ///< tensor/pipeline/expert split; the breakdown is then per GPU
  /// Exact bytes of all weights, read from a model file's header (0: computed from the
  /// architecture and the format).
  double fileWeightBytes = 0;
  double fileTokenEmbeddingBytes = 0;  ///< of which the token embedding (GGUF token_embd)
  std::string fileDescription;         ///< e.g. "model.gguf (291 tensors)", for the formula
};

/// The vision encoder's memory at prefill for `o.imagesPerRequest` images per request: the
/// live tensors of one encoder layer for every patch of the images encoded together (the
/// residual, its norm, q/k/v and the attention output, or the norm and the MLP's
/// intermediate values, whichever is larger), the score matrix per tile with eager attention,
/// and the image embeddings handed to the language model (tokens × hidden). Transformers
/// encodes the images of the whole batch in one pass; the serving engines encode one
/// request's images at a time within their step budget. Empty without images or a tower.
Component visionEncoderComponent(const ModelArchitecture& arch, const InferenceOptions& o);

/// The K and V that the cross-attention layers of a model like Mllama (Llama 3.2 Vision)
/// cache for `o.imagesPerRequest` images per request: requests × images × vision states per
/// image × cross-attention layers × 2 × KV heads × head_dim × bytes. Per modeling_mllama.py
/// (MllamaTextCrossAttention projects the vision states once and keeps them in the cache for
/// every later step); empty without images or cross-attention layers.
Component crossAttentionCacheComponent(const ModelArchitecture& arch, const InferenceOptions& o);

/// Largest batch and token counts accepted.
inline constexpr std::int64_t kMaxBatch = 1 << 20;
inline constexpr std::int64_t kMaxTokens = 1LL << 26;

/// Estimates the GPU memory of generating `generatedTokens` tokens after a prompt of
/// `promptTokens`, for `batch` sequences, the way nvidia-smi reports it: the CUDA context
/// plus everything PyTorch's caching allocator reserved at the peak. Components:
/// weights, kv_cache, activations (prefill peak above the cache), logits, cuda_context,
/// allocator_reserve. Other engines: see engine.hpp. With several GPUs (options.parallel)
/// the breakdown is the most loaded GPU's (parallelism.hpp); with data-parallel attention
/// replicas (expertParallel > tensorParallel) each replica holds ⌈batch / replicas⌉ of the
/// sequences, and the KV formula says so. Fails naming the field when an input is out of
/// range.
Result<Breakdown> estimateInference(const ModelArchitecture& arch, const InferenceOptions& options);

}  // namespace gpumem
