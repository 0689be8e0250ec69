// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// The architecture-aware inference estimate: weights, KV cache, prefill activations,
// logits, CUDA context and the caching allocator's reserve, each with its formula.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "gpumem/breakdown.hpp"
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
};

/// Parses "transformers" (or "hf"), "vllm", "llama.cpp" (or "llamacpp"). Field "engine".
Result<EngineProfile> parseEngineProfile(std::string_view text);

/// vLLM settings that size its memory (vllm/config: CacheConfig, SchedulerConfig).
struct VllmSettings {
  double gpuMemoryUtilization = 0.9;        ///< fraction of the GPU vLLM may take
  std::int64_t blockSize = 16;              ///< tokens per KV block
  std::int64_t maxNumSeqs = 256;            ///< sequences per step (sampler warm-up size)
  std::int64_t maxNumBatchedTokens = 8192;  ///< tokens per step: the profile run's prefill
  bool cudaGraphs = true;                   ///< false with enforce_eager
};

/// llama.cpp settings (common/arg.cpp: -c, -ub, -ngl, -fa, --cache-type-k/v).
struct LlamaCppSettings {
  std::int64_t nUbatch = 512;    ///< physical batch: the compute buffer's token count
  std::int64_t nGpuLayers = -1;  ///< layers offloaded; -1 = all (+ the output layer)
  bool flashAttention = true;    ///< no n_ubatch × n_ctx score matrix
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
  AttentionImplementation attention = AttentionImplementation::kSdpa;
  EngineProfile engine = EngineProfile::kTransformers;
  double cudaContextBytes = kDefaultCudaContextBytes;  ///< what the driver takes at start-up
  double gpuMemoryBytes = 0;  ///< memory of one GPU, when known (vLLM's pool is a fraction)
  VllmSettings vllm;
  LlamaCppSettings llamaCpp;
  ParallelLayout parallel;  ///< tensor/pipeline split; the breakdown is then per GPU
};

/// Largest batch and token counts accepted.
inline constexpr std::int64_t kMaxBatch = 1 << 20;
inline constexpr std::int64_t kMaxTokens = 1LL << 26;

/// Estimates the GPU memory of generating `generatedTokens` tokens after a prompt of
/// `promptTokens`, for `batch` sequences, the way nvidia-smi reports it: the CUDA context
/// plus everything PyTorch's caching allocator reserved at the peak. Components:
/// weights, kv_cache, activations (prefill peak above the cache), logits, cuda_context,
/// allocator_reserve. Fails naming the field when an input is out of range.
Result<Breakdown> estimateInference(const ModelArchitecture& arch, const InferenceOptions& options);

}  // namespace gpumem
