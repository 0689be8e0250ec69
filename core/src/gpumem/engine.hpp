// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// Engine profiles other than Hugging Face Transformers: how vLLM, llama.cpp and TensorRT-LLM
// size their buffers. Not calibrated on measurements (the calibration set is Transformers only):
// each component follows the engine's documented allocation rule.
#pragma once

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

/// vLLM (V1 engine): weights; the KV cache the workload needs in blocks of block_size tokens
/// (page = coef × block_size × kv_heads × head_dim × dtype, coef 1 for the MLA latent, 2
/// otherwise; sliding layers hold the window); the profile run's activations for
/// max_num_batched_tokens tokens (flash attention, no scores); the sampler warm-up over
/// max_num_seqs rows of fp32 logits and probabilities; CUDA graphs; the CUDA context. When
/// options.gpuMemoryBytes is known, the KV formula also says what vLLM preallocates:
/// gpu_memory_utilization × memory − everything else, and how many tokens that holds.
/// `out` holds the weights component already.
Result<Breakdown> estimateVllm(const ModelArchitecture& arch, const InferenceOptions& o,
                               Breakdown out);

/// llama.cpp: the model buffer on the GPU (the token embedding stays in host memory; with
/// n_gpu_layers < layers + 1 only that share of the layers, and the output layer stays on
/// the CPU), the KV cache for n_ctx = batch × (prompt + generated) tokens of the offloaded
/// layers (sliding layers: window + n_ubatch), the compute buffer (n_ubatch tokens of fp32
/// activations and logits, plus n_ubatch × n_ctx × heads fp32 scores without flash
/// attention), and the CUDA context. Host memory is named in the weights formula.
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
