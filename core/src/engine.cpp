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

/// The cache of `sequences` sequences of `tokens` tokens over `layers` of the model's
/// layers (a share of them when only some are on the GPU), the sliding ones holding at
/// most `slidingTokens`, at `bytesPerTokenLayer`.
std::vector<Term> cacheTerms(const ModelArchitecture& arch, std::int64_t sequences,
                             std::int64_t layers, std::int64_t tokens, std::int64_t slidingTokens,
                             double bytesPerTokenLayer) {
  const std::int64_t sliding =
      std::min<std::int64_t>(layers, arch.slidingLayerCount() * layers / arch.numLayers);
  const std::int64_t slidingHeld =
      arch.slidingWindow > 0 ? std::min(tokens, slidingTokens) : tokens;
  return tokenLayerTerms({static_cast<double>(sequences), "sequences"}, layers - sliding,
                         {static_cast<double>(tokens), "tokens"}, sliding,
                         {static_cast<double>(slidingHeld), "window tokens"},
                         {bytesPerTokenLayer, "B per token per layer"});
}

double sumBytes(const Breakdown& b) {
  double total = 0;
  for (const Component& c : b.components) total += c.bytes;
  return total;
}

/// The CUDA context at start-up and the kernels loaded on first use.
Component contextComponent(double contextBytes, double kernelBytes) {
  std::vector<Term> terms = {{{{contextBytes, "B"}}, "at start-up"}};
  if (kernelBytes > 0) terms.push_back({{{kernelBytes, "B"}}, "kernels loaded on first use"});
  return makeComponent("cuda_context", "CUDA context", std::move(terms));
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
  const Factor b{o.activationBytesPerValue, "B"};
  out.components.push_back(
      makeComponent("activations", "Activations (profile run)",
                    {{{{static_cast<double>(v.maxNumBatchedTokens), "max_num_batched_tokens"},
                       {prefillValuesPerToken(arch), "values"},
                       b}}}));
  out.components.push_back(makeComponent("logits", "Sampler warm-up",
                                         {{{{static_cast<double>(v.maxNumSeqs), "max_num_seqs"},
                                            {static_cast<double>(arch.vocabSize), "vocab"},
                                            {4, "B"},
                                            {2, "tensors"}}}},
                                         "fp32 logits and probabilities"));
  std::vector<Term> graphs;
  if (v.cudaGraphs) graphs.push_back({{{kVllmCudaGraphBytes, "B"}}});
  out.components.push_back(makeComponent("cuda_graphs", "CUDA graphs", graphs,
                                         v.cudaGraphs ? "as vLLM logs it" : "enforce_eager"));
  out.components.push_back(contextComponent(o.cudaContextBytes, kLazyKernelBytes));

  const std::int64_t tokens = roundUp(o.promptTokens + o.generatedTokens, v.blockSize);
  const std::int64_t slidingTokens = roundUp(arch.slidingWindow, v.blockSize) + v.blockSize;
  const double perTokenLayer = kvValuesPerTokenPerLayer(arch) * o.kvBytesPerValue;
  Component kv =
      makeComponent("kv_cache", "KV cache",
                    cacheTerms(arch, o.batch, arch.numLayers, tokens, slidingTokens, perTokenLayer),
                    "tokens rounded up to blocks of " + count(v.blockSize));
  const auto shares = parallelShares(arch, o.parallel);
  if (o.gpuMemoryBytes > 0 && shares) {
    // Per GPU: the weights and activations of one shard, the cache of its heads and layers.
    const double others = sumBytes(out) - (1 - shares->weights) * out.components[0].bytes -
                          (1 - shares->activations) * out.components[1].bytes;
    const double budget = v.gpuMemoryUtilization * o.gpuMemoryBytes;
    const double pool = budget - others;
    const double perTokenAllLayers =
        perTokenLayer * static_cast<double>(arch.numLayers) * shares->kvCache;
    kv.note += "; vLLM preallocates " + formatBytes(std::max(0.0, pool)) + " (" +
               num(v.gpuMemoryUtilization) + " × GPU − the rest), room for " +
               formatCount(std::max(0.0, std::floor(pool / perTokenAllLayers))) + " tokens";
  }
  out.components.insert(out.components.begin() + 1, std::move(kv));
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
  const std::int64_t repeatingOnGpu = std::min(gpuLayers, layers);
  // Split the weights: embedding (host), output head, repeating layers.
  const ModelParameters p = countModelParameters(arch);
  const Component& file = out.components.front();
  const double total = file.bytes;
  const double bytesPerParam = total / p.total;
  const double embedding =
      o.fileTokenEmbeddingBytes > 0 ? o.fileTokenEmbeddingBytes : p.embedding * bytesPerParam;
  const double head = (arch.tieWordEmbeddings ? p.embedding : p.outputHead) * bytesPerParam;
  const double layerWeights = total - embedding - (arch.tieWordEmbeddings ? 0 : head);
  std::vector<Term> weights;
  if (repeatingOnGpu > 0) {
    weights.push_back({{{static_cast<double>(repeatingOnGpu), "GPU layers"},
                        {layerWeights / static_cast<double>(layers), "B per layer"}}});
  }
  if (gpuLayers > layers) weights.push_back({{{head, "B"}}, "output layer"});
  Component onGpu = makeComponent("weights", "Weights", weights, file.note);
  const double host =
      total - onGpu.bytes + (arch.tieWordEmbeddings && gpuLayers > layers ? head : 0);
  onGpu.note += std::string(onGpu.note.empty() ? "" : "; ") + count(repeatingOnGpu) + " of " +
                count(layers) + " layers on the GPU; the host keeps " + formatBytes(host) +
                " (the token embedding stays on the CPU)";
  out.components.front() = std::move(onGpu);

  const std::int64_t perSeq = o.promptTokens + o.generatedTokens;
  const std::int64_t nCtx = o.batch * perSeq;
  out.components.push_back(makeComponent(
      "kv_cache", "KV cache",
      cacheTerms(arch, o.batch, repeatingOnGpu, perSeq, arch.slidingWindow + s.nUbatch,
                 kvValuesPerTokenPerLayer(arch) * o.kvBytesPerValue),
      "n_ctx " + count(nCtx) + " shared by the sequences"));

  const Factor ubatch{static_cast<double>(std::min<std::int64_t>(s.nUbatch, nCtx)), "n_ubatch"};
  std::vector<Term> compute = {
      {{ubatch, {prefillValuesPerToken(arch), "values"}, {4, "B"}}, "layer"},
      {{ubatch, {static_cast<double>(arch.vocabSize), "logits"}, {4, "B"}}, "output"}};
  if (!s.flashAttention) {
    compute.push_back({{ubatch,
                        {static_cast<double>(nCtx), "n_ctx"},
                        {static_cast<double>(arch.numHeads), "heads"},
                        {4, "B"}},
                       "attention scores"});
  }
  out.components.push_back(makeComponent("activations", "Compute buffer", compute));
  out.components.push_back(contextComponent(o.cudaContextBytes, 0));
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
  out.components.push_back(
      makeComponent("activations", "Activation buffers",
                    {{{{static_cast<double>(t.maxNumTokens), "max_num_tokens"},
                       {prefillValuesPerToken(arch), "values at a layer's peak"},
                       {o.activationBytesPerValue, "B"}}}}));
  const std::int64_t rows = std::min(o.batch, t.maxBatchSize);
  out.components.push_back(
      makeComponent("logits", "Logits",
                    {{{{static_cast<double>(rows), "sequences"},
                       {static_cast<double>(arch.vocabSize), "vocab"},
                       {4, "B"}}}},
                    "fp32; at most max_batch_size " + count(t.maxBatchSize) + " rows"));
  out.components.push_back(contextComponent(o.cudaContextBytes, kLazyKernelBytes));

  const std::int64_t block = t.tokensPerBlock;
  const std::int64_t tokens = roundUp(o.promptTokens + o.generatedTokens, block);
  const std::int64_t slidingTokens = roundUp(arch.slidingWindow, block) + block;
  const double perTokenLayer = kvValuesPerTokenPerLayer(arch) * o.kvBytesPerValue;
  Component kv =
      makeComponent("kv_cache", "KV cache",
                    cacheTerms(arch, o.batch, arch.numLayers, tokens, slidingTokens, perTokenLayer),
                    "tokens rounded up to blocks of " + count(block));
  const auto shares = parallelShares(arch, o.parallel);
  if (o.gpuMemoryBytes > 0 && shares) {
    // Per GPU: what is loaded before the pool is sized (one shard of weights and activations).
    const double loaded = sumBytes(out) - (1 - shares->weights) * out.components[0].bytes -
                          (1 - shares->activations) * out.components[1].bytes;
    const double pool = t.freeGpuMemoryFraction * std::max(0.0, o.gpuMemoryBytes - loaded);
    const double perBlock = perTokenLayer * static_cast<double>(arch.numLayers) * shares->kvCache *
                            static_cast<double>(block);
    const double blocks = std::floor(pool / perBlock);
    kv.note += "; TensorRT-LLM preallocates " + formatBytes(pool) + " (" +
               num(t.freeGpuMemoryFraction) +
               " free_gpu_memory_fraction × the memory free after weights, activations and "
               "runtime buffers), room for " +
               formatCount(blocks) +
               " blocks = " + formatCount(blocks * static_cast<double>(block)) + " tokens";
  }
  out.components.insert(out.components.begin() + 1, std::move(kv));
  out.totalBytes = sumBytes(out);
  return out;
}

}  // namespace gpumem
