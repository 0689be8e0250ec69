// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
#include "gpumem/engine.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "gpumem/activations.hpp"
#include "gpumem/format.hpp"
#include "gpumem/kv_cache.hpp"
#include "gpumem/model_parameters.hpp"
#include "gpumem/parallelism.hpp"
#include "gpumem/runtime_overhead.hpp"
#include "gpumem/weight_format.hpp"

namespace gpumem {
namespace {

using formula::count;
using formula::num;

std::int64_t roundUp(std::int64_t value, std::int64_t multiple) {
  return (value + multiple - 1) / multiple * multiple;
}

/// KV values per token per layer in vLLM: the MLA latent once, else K and V of each KV head.
double vllmValuesPerTokenPerLayer(const ModelArchitecture& arch) {
  if (arch.hasMla) return static_cast<double>(arch.mla.kvLoraRank + arch.mla.qkRopeHeadDim);
  return 2.0 * static_cast<double>(arch.numKvHeads * arch.headDim);
}

/// Token-layers held for one sequence of `tokens` when sliding layers keep `slidingTokens`.
double tokenLayers(const ModelArchitecture& arch, std::int64_t layers, std::int64_t tokens,
                   std::int64_t slidingTokens) {
  const std::int64_t sliding =
      std::min<std::int64_t>(layers, arch.slidingLayerCount() * layers / arch.numLayers);
  const std::int64_t slidingHeld =
      arch.slidingWindow > 0 ? std::min(tokens, slidingTokens) : tokens;
  return static_cast<double>(layers - sliding) * static_cast<double>(tokens) +
         static_cast<double>(sliding) * static_cast<double>(slidingHeld);
}

double sumBytes(const Breakdown& b) {
  double total = 0;
  for (const Component& c : b.components) total += c.bytes;
  return total;
}

}  // namespace

Result<Breakdown> estimateVllm(const ModelArchitecture& arch, const InferenceOptions& o,
                               Breakdown out) {
  const VllmSettings& v = o.vllm;
  if (v.blockSize < 1 || v.maxNumSeqs < 1 || v.maxNumBatchedTokens < 1 ||
      !(v.gpuMemoryUtilization > 0 && v.gpuMemoryUtilization <= 1)) {
    return makeError(ErrorCode::kOutOfRange, "engine",
                     "vLLM needs block size, max_num_seqs and max_num_batched_tokens ≥ 1 and "
                     "gpu_memory_utilization in (0, 1].");
  }
  const double b = o.activationBytesPerValue;
  const double profileTokens = static_cast<double>(v.maxNumBatchedTokens);
  const double perToken = prefillValuesPerToken(arch);
  out.components.push_back({"activations", "Activations (profile run)",
                            profileTokens * perToken * b,
                            num(profileTokens) + " max_num_batched_tokens × " +
                                formatCount(perToken) + " values × " + num(b) + " B"});
  const double sampler =
      static_cast<double>(v.maxNumSeqs) * static_cast<double>(arch.vocabSize) * 4 * 2;
  out.components.push_back({"logits", "Sampler warm-up", sampler,
                            count(v.maxNumSeqs) + " max_num_seqs × " + count(arch.vocabSize) +
                                " vocab × 4 B × 2 (fp32 logits and probabilities)"});
  out.components.push_back({"cuda_graphs", "CUDA graphs", v.cudaGraphs ? kVllmCudaGraphBytes : 0,
                            v.cudaGraphs ? "about 0.5 GiB as vLLM logs it" : "enforce_eager"});
  out.components.push_back({"cuda_context", "CUDA context", o.cudaContextBytes + kLazyKernelBytes,
                            formatBytes(o.cudaContextBytes) + " + 96 MiB of kernels"});

  const std::int64_t tokens = roundUp(o.promptTokens + o.generatedTokens, v.blockSize);
  const std::int64_t slidingTokens = roundUp(arch.slidingWindow, v.blockSize) + v.blockSize;
  const double perTokenLayer = vllmValuesPerTokenPerLayer(arch) * o.kvBytesPerValue;
  const double kv = static_cast<double>(o.batch) * perTokenLayer *
                    tokenLayers(arch, arch.numLayers, tokens, slidingTokens);
  std::string formula = count(o.batch) + " × " + count(tokens) + " tokens (blocks of " +
                        count(v.blockSize) + ") × " + count(arch.numLayers) + " layers × " +
                        formatCount(perTokenLayer) + " B";
  const auto shares = parallelShares(arch, o.parallel);
  if (o.gpuMemoryBytes > 0 && shares) {
    // Per GPU: the weights and activations of one shard, the cache of its heads and layers.
    const double others = sumBytes(out) - (1 - shares->weights) * out.components[0].bytes -
                          (1 - shares->activations) * out.components[1].bytes;
    const double budget = v.gpuMemoryUtilization * o.gpuMemoryBytes;
    const double pool = budget - others;
    const double perTokenAllLayers =
        perTokenLayer * static_cast<double>(arch.numLayers) * shares->kvCache;
    formula += "; vLLM preallocates " + formatBytes(std::max(0.0, pool)) + " (" +
               num(v.gpuMemoryUtilization) + " × GPU − the rest), room for " +
               formatCount(std::max(0.0, std::floor(pool / perTokenAllLayers))) + " tokens";
  }
  out.components.insert(out.components.begin() + 1, {"kv_cache", "KV cache", kv, formula});
  out.totalBytes = sumBytes(out);
  return out;
}

Result<Breakdown> estimateLlamaCpp(const ModelArchitecture& arch, const InferenceOptions& o,
                                   Breakdown out) {
  const LlamaCppSettings& s = o.llamaCpp;
  if (s.nUbatch < 1) {
    return makeError(ErrorCode::kOutOfRange, "engine", "n_ubatch must be at least 1.");
  }
  const std::int64_t layers = arch.numLayers;
  const std::int64_t gpuLayers =
      s.nGpuLayers < 0 ? layers + 1 : std::min<std::int64_t>(s.nGpuLayers, layers + 1);
  // Split the weights: embedding (host), output head, repeating layers.
  const ModelParameters p = countModelParameters(arch);
  const double total = out.components.front().bytes;
  const double bytesPerParam = total / p.total;
  const double embedding =
      o.fileTokenEmbeddingBytes > 0 ? o.fileTokenEmbeddingBytes : p.embedding * bytesPerParam;
  const double head = (arch.tieWordEmbeddings ? p.embedding : p.outputHead) * bytesPerParam;
  const double layerWeights = total - embedding - (arch.tieWordEmbeddings ? 0 : head);
  const double onGpuLayers = static_cast<double>(std::min(gpuLayers, layers));
  const double gpuWeights =
      layerWeights * onGpuLayers / static_cast<double>(layers) + (gpuLayers > layers ? head : 0);
  out.components.front().bytes = gpuWeights;
  out.components.front().formula +=
      "; on the GPU: " + count(std::min(gpuLayers, layers)) + " of " + count(layers) + " layers" +
      (gpuLayers > layers ? " + output" : "") + ", host keeps " +
      formatBytes(total - gpuWeights + (arch.tieWordEmbeddings && gpuLayers > layers ? head : 0)) +
      " (token embedding on the CPU)";

  const std::int64_t perSeq = o.promptTokens + o.generatedTokens;
  const std::int64_t nCtx = o.batch * perSeq;
  const double perTokenLayer = kvValuesPerTokenPerLayer(arch) * o.kvBytesPerValue;
  const double kv =
      static_cast<double>(o.batch) * perTokenLayer *
      tokenLayers(arch, std::min(gpuLayers, layers), perSeq, arch.slidingWindow + s.nUbatch);
  out.components.push_back({"kv_cache", "KV cache", kv,
                            "n_ctx " + count(nCtx) + " × " + count(std::min(gpuLayers, layers)) +
                                " GPU layers × " + formatCount(perTokenLayer) + " B"});

  const double ubatch = static_cast<double>(std::min<std::int64_t>(s.nUbatch, nCtx));
  double compute = ubatch * (prefillValuesPerToken(arch) + static_cast<double>(arch.vocabSize)) * 4;
  std::string computeFormula = num(ubatch) + " n_ubatch × (" +
                               formatCount(prefillValuesPerToken(arch)) + " + " +
                               count(arch.vocabSize) + " logits) × 4 B";
  if (!s.flashAttention) {
    compute += ubatch * static_cast<double>(nCtx) * static_cast<double>(arch.numHeads) * 4;
    computeFormula += " + n_ubatch × n_ctx × " + count(arch.numHeads) + " heads × 4 B scores";
  }
  out.components.push_back({"activations", "Compute buffer", compute, computeFormula});
  out.components.push_back({"cuda_context", "CUDA context", o.cudaContextBytes,
                            formatBytes(o.cudaContextBytes) + " at start-up"});
  out.totalBytes = sumBytes(out);
  return out;
}

Result<Breakdown> estimateTrtLlm(const ModelArchitecture& arch, const InferenceOptions& o,
                                 Breakdown out) {
  const TrtLlmSettings& t = o.trtLlm;
  if (!(t.freeGpuMemoryFraction > 0 && t.freeGpuMemoryFraction <= 1)) {
    return makeError(ErrorCode::kOutOfRange, "freeGpuMemoryFraction",
                     "free_gpu_memory_fraction must be in (0, 1].");
  }
  if (t.tokensPerBlock < 1 || t.maxNumTokens < 1 || t.maxBatchSize < 1) {
    return makeError(ErrorCode::kOutOfRange, "engine",
                     "TensorRT-LLM needs tokens_per_block, max_num_tokens and max_batch_size ≥ 1.");
  }
  const double b = o.activationBytesPerValue;
  const double stepTokens = static_cast<double>(t.maxNumTokens);
  const double perToken = prefillValuesPerToken(arch);
  out.components.push_back({"activations", "Activation buffers", stepTokens * perToken * b,
                            num(stepTokens) + " max_num_tokens × " + formatCount(perToken) +
                                " values at a layer's peak × " + num(b) + " B"});
  const std::int64_t rows = std::min(o.batch, t.maxBatchSize);
  out.components.push_back({"logits", "Logits",
                            static_cast<double>(rows) * static_cast<double>(arch.vocabSize) * 4,
                            count(rows) + " sequences (≤ max_batch_size " + count(t.maxBatchSize) +
                                ") × " + count(arch.vocabSize) + " vocab × 4 B (fp32)"});
  out.components.push_back({"cuda_context", "CUDA context", o.cudaContextBytes + kLazyKernelBytes,
                            formatBytes(o.cudaContextBytes) + " + 96 MiB of kernels"});

  const std::int64_t block = t.tokensPerBlock;
  const std::int64_t tokens = roundUp(o.promptTokens + o.generatedTokens, block);
  const std::int64_t slidingTokens = roundUp(arch.slidingWindow, block) + block;
  const double perTokenLayer = vllmValuesPerTokenPerLayer(arch) * o.kvBytesPerValue;
  const double kv = static_cast<double>(o.batch) * perTokenLayer *
                    tokenLayers(arch, arch.numLayers, tokens, slidingTokens);
  std::string formula = count(o.batch) + " × " + count(tokens) + " tokens (blocks of " +
                        count(block) + ") × " + count(arch.numLayers) + " layers × " +
                        formatCount(perTokenLayer) + " B";
  const auto shares = parallelShares(arch, o.parallel);
  if (o.gpuMemoryBytes > 0 && shares) {
    // Per GPU: what is loaded before the pool is sized (one shard of weights and activations).
    const double loaded = sumBytes(out) - (1 - shares->weights) * out.components[0].bytes -
                          (1 - shares->activations) * out.components[1].bytes;
    const double pool = t.freeGpuMemoryFraction * std::max(0.0, o.gpuMemoryBytes - loaded);
    const double perBlock = perTokenLayer * static_cast<double>(arch.numLayers) * shares->kvCache *
                            static_cast<double>(block);
    const double blocks = std::floor(pool / perBlock);
    formula += "; TensorRT-LLM preallocates " + formatBytes(pool) + " (" +
               num(t.freeGpuMemoryFraction) +
               " free_gpu_memory_fraction × the memory free after weights, activations and "
               "runtime buffers), room for " +
               formatCount(blocks) +
               " blocks = " + formatCount(blocks * static_cast<double>(block)) + " tokens";
  }
  out.components.insert(out.components.begin() + 1, {"kv_cache", "KV cache", kv, formula});
  out.totalBytes = sumBytes(out);
  return out;
}

}  // namespace gpumem
