// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// Engine profiles other than Hugging Face Transformers: how vLLM, SGLang, llama.cpp, Ollama
// and TensorRT-LLM size their buffers. Not calibrated on our own measurements (the
// calibration set is Transformers only): each component follows the engine's allocation
// rule, and tests/core/engine_logs_test.cpp checks them against published start-up logs.
#pragma once

#include <cstdint>
#include <string_view>

#include "gpumem/breakdown.hpp"
#include "gpumem/inference.hpp"
#include "gpumem/model_architecture.hpp"
#include "gpumem/result.hpp"

namespace gpumem {

/// The weights component of an estimate: parameters × bytes, or weightBytes() of
/// options.weightFormat. Fails with field "format" on an unknown format.
Result<Component> weightComponent(const ModelArchitecture& arch, const InferenceOptions& o);

/// CUDA graphs vLLM captures for decode batch sizes: vLLM logs their size at start-up
/// ("Graph capturing finished … took X GiB"); about 0.5 GiB for 7–70B models.
inline constexpr double kVllmCudaGraphBytes = 0.5 * 1073741824.0;

/// Memory outside PyTorch's allocator that grows during vLLM's profile run (attention and
/// cuBLAS workspaces; NCCL and custom all-reduce buffers with several GPUs), as vLLM logs it
/// ("non_torch_memory takes X GiB"): 0.01 to 0.26 GiB on one GPU in the start-up logs of
/// tests/core/engine_logs_test.cpp and the threads it cites (median 0.08 GiB), 0.25 GiB per
/// GPU at tensor parallel 2 (vllm-project/vllm#13061).
inline constexpr double kVllmNonTorchBytes = 0.08 * 1073741824.0;
inline constexpr double kVllmNonTorchParallelBytes = 0.25 * 1073741824.0;

/// vLLM's default gpu_memory_utilization: 0.92 from 0.21 (PR #38284 turned the CUDA-graph
/// estimate on and raised the default to keep the pool), 0.9 before.
double vllmDefaultUtilization(VllmVersion version);

/// How vLLM is started: its defaults differ (vllm/engine/arg_utils.py, the usage context).
enum class VllmEntrypoint {
  kServe,  ///< `vllm serve`, the OpenAI-compatible server (UsageContext.OPENAI_API_SERVER)
  kLlm,    ///< `LLM(...)` in Python (UsageContext.LLM_CLASS)
};

/// Parses "serve" or "llm" (any case; "LLM" too). Field "entrypoint".
Result<VllmEntrypoint> parseVllmEntrypoint(std::string_view text);

/// What vLLM schedules per step when max_num_batched_tokens and max_num_seqs are not given
/// (vllm/engine/arg_utils.py, EngineArgs._set_default_max_num_seqs_and_batched_tokens_args, by
/// usage context): on GPUs of 70 GiB or more whose name has no "a100" (PR #17885) `vllm serve`
/// takes 8192 tokens and 1024 sequences and `LLM(...)` 16384 and 1024; elsewhere 2048 and 256,
/// and 8192 and 256.
struct VllmSchedulerDefaults {
  std::int64_t maxNumBatchedTokens = 2048;
  std::int64_t maxNumSeqs = 256;
};
VllmSchedulerDefaults vllmSchedulerDefaults(double gpuMemoryBytes, std::string_view gpuName,
                                            VllmEntrypoint entrypoint);

/// vLLM's KV block size when --block-size is not given: 16 tokens (CacheConfig), 64 for
/// multi-head latent attention, which FlashMLA requires (vLLM PR #13747).
std::int64_t vllmDefaultBlockSize(const ModelArchitecture& arch);

/// vLLM: weights; the KV cache the workload needs in blocks of block_size tokens (page =
/// coef × block_size × kv_heads × head_dim × dtype, coef 1 for the MLA latent, 2 otherwise;
/// sliding layers hold the window); the profile run's torch peak, the larger of the forward
/// pass over max_num_batched_tokens tokens (flash attention, no scores) and the sampler's
/// fp32 logits and probabilities over min(max_num_seqs, max_num_batched_tokens) rows;
/// non-torch memory; CUDA graphs; the CUDA context. When options.gpuMemoryBytes is known the
/// breakdown carries the KV pool vLLM preallocates, as options.vllm.version accounts it:
/// gpu_memory_utilization × memory − what that release charges to the budget (the weights,
/// the profile peak and non-torch growth; 0.8–0.9.1 also the CUDA context; 0.21 on also the
/// CUDA graphs), in whole blocks. What the release leaves outside its budget (the context,
/// the graphs) must still fit in the GPU: the capacity is min(memory, budget + those).
/// `out` holds the weights component already.
Result<Breakdown> estimateVllm(const ModelArchitecture& arch, const InferenceOptions& o,
                               Breakdown out);

/// What SGLang derives from the GPU's memory when mem_fraction_static is not given
/// (python/sglang/srt/server_args.py _handle_gpu_memory_settings): the prefill chunk and the
/// largest CUDA-graph batch by memory tier, then reserved = 512 + max(chunk, 2048) × 1.5 +
/// cuda_graph_max_bs × 2 + tp × pp / 8 × 1024 MiB, at least 10 GiB on GPUs of more than 60 GiB,
/// and mem_fraction_static = (memory − reserved) / memory rounded to 3 decimals.
struct SglangDefaults {
  std::int64_t chunkedPrefillSize = 0;
  std::int64_t cudaGraphMaxBs = 0;
  double reservedMiB = 0;
  double memFractionStatic = 0;
};
/// The tokens SGLang adds to both KV pools with speculative decoding (model_runner.py
/// init_memory_pool, draft_runner_cache_size): max_num_reqs × (steps × topk + draft tokens) +
/// 100, where max_num_reqs = min(max(pool tokens / context_len × 512, 2048), 4096) and
/// context_len is the model's (max_position_embeddings).
std::int64_t sglangSpeculativeHeadroom(std::int64_t poolTokens, std::int64_t contextLength,
                                       std::int64_t steps, std::int64_t topk,
                                       std::int64_t draftTokens);

/// How SGLang drafts for speculative decoding (--speculative-algorithm), which sets what its
/// server_args.py adds to the reserve behind mem_fraction_static: 2,048 MiB for EAGLE/NEXTN
/// (an MTP layer or an EAGLE head: "eagle draft models and cuda graphs"), 6,144 MiB for
/// STANDALONE (a separate draft model), added after the 10 GiB floor.
enum class SglangSpeculation { kNone, kEagle, kStandalone };

SglangDefaults sglangDefaults(double gpuMemoryBytes, std::int64_t tensorParallel,
                              std::int64_t pipelineParallel,
                              SglangSpeculation speculation = SglangSpeculation::kNone);

/// SGLang: weights; the KV cache the workload needs (every layer caches every token; the MLA
/// latent once, no × 2); what mem_fraction_static leaves for activations and CUDA graphs,
/// (1 − f) × the memory free at start-up; the CUDA context. The KV pool is what SGLang's
/// profile_max_num_token computes: the memory free after loading − (1 − f) × the memory free
/// at start-up = f × (memory − context) − weights, per GPU, in tokens of
/// kv_heads/tp × head_dim × layers × 2 × dtype (MLA: (kv_lora_rank + rope dim) × layers ×
/// dtype). The pool holds the requested tokens exactly when the total fits in the memory.
/// With speculative decoding (the model's MTP layers, or a draft model: --speculative-algorithm
/// EAGLE/NEXTN or STANDALONE) the drafter's weights and its workload share of a KV pool of its
/// own are added, and both pools hold the profiled tokens plus SGLang's headroom
/// (sglangSpeculativeHeadroom).
Result<Breakdown> estimateSglang(const ModelArchitecture& arch, const InferenceOptions& o,
                                 Breakdown out);

/// Ollama's defaults for a load (server/routes.go, server/sched.go, llm/llama_server.go).
struct OllamaDefaults {
  std::int64_t defaultNumCtx = 4096;  ///< num_ctx by the total VRAM: ≥ 47 GiB 262144, ≥ 23 GiB
                                      ///< 32768, else 4096
  std::int64_t numBatch = 512;        ///< -b = -ub: 512, 1024 past 4096 tokens, 2048 past 32768
  double predictedBytes = 0;          ///< PredictServerVRAM: file + f16 KV with embd/heads dims
};

/// Ollama's num_ctx default for `totalVramBytes` of GPU memory (all GPUs together).
std::int64_t ollamaDefaultNumCtx(double totalVramBytes);

/// Ollama's automatic num_batch for `contextTokens` = num_ctx × num_parallel: 2048 past 32768
/// tokens and 1024 past 4096 when the predicted VRAM leaves 60 % / 75 % of the available memory
/// and its surcharge (2 GiB / 768 MiB) stays within 80 %; else 512; without flash attention on
/// CUDA, 512, or 256 past 4096 tokens on GPUs of 8 GiB or less.
OllamaDefaults ollamaDefaults(const ModelArchitecture& arch, double fileBytes,
                              std::int64_t contextTokens, double availableBytes,
                              double gpuMemoryBytes, bool flashAttention);

/// llama.cpp (and Ollama, which runs llama-server): the model buffer on the GPU (the token
/// embedding stays in host memory; with n_gpu_layers < layers + 1 only that share of the
/// layers, and the output layer stays on the CPU), the KV cache for n_ctx = batch × (prompt +
/// generated) tokens of the offloaded layers (sliding layers: window × slots + n_ubatch cells,
/// rounded up to 256 as llama-kv-cache-iswa.cpp pads them), the compute
/// buffer, and the CUDA context. The compute buffer is ggml's allocator reusing memory across
/// the graph, so its size is that of the largest moment: the output, n_ubatch × (vocab +
/// hidden) fp32; without flash attention one layer's n_ubatch × n_ctx × heads fp32 scores with
/// the mask and four hidden-sized tensors; with it the MLP's gate and up outputs with four
/// hidden-sized tensors. Host memory is named in the weights formula. The breakdown carries
/// the n_ctx cells as its KV pool.
Result<Breakdown> estimateLlamaCpp(const ModelArchitecture& arch, const InferenceOptions& o,
                                   Breakdown out);

/// TensorRT-LLM: weights (the engine's weight format); the KV cache the workload needs in
/// paged blocks of tokens_per_block tokens (the MLA latent once per token, else K and V of
/// each KV head; sliding layers hold the window in whole blocks plus one); the activation
/// buffers, which TensorRT sizes at build time for max_num_tokens tokens — "activation size
/// will be close to max number of input tokens × some constant factor" (TensorRT-LLM
/// docs/source/reference/memory.md) — with the factor taken as the values live per token at
/// a layer's MLP peak, prefillValuesPerToken(), at the activation dtype; fp32 logits of
/// min(batch, max_batch_size) sequences; the CUDA context (+ 96 MiB of kernels). When
/// options.gpuMemoryBytes is known, the KV formula also says what TensorRT-LLM preallocates:
/// free_gpu_memory_fraction × (memory − weights − activations − logits − context), the free
/// memory once the engine is loaded, and how many tokens that holds. `out` holds the weights
/// component already. Fails with field "free-gpu-memory-fraction" outside (0, 1], or "engine"
/// when a size setting is below 1.
Result<Breakdown> estimateTrtLlm(const ModelArchitecture& arch, const InferenceOptions& o,
                                 Breakdown out);

}  // namespace gpumem
