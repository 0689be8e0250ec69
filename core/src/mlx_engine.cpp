// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
#include "gpumem/mlx_engine.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "gpumem/activations.hpp"
#include "gpumem/format.hpp"
#include "gpumem/kv_cache.hpp"
#include "gpumem/recurrent_state.hpp"

namespace gpumem {
namespace {

using formula::count;

double mlxTotalBytes(const Breakdown& b) {
  double total = 0;
  for (const Component& c : b.components) total += c.bytes;
  return total;
}

/// The KV cache of `o.batch` sequences as mlx-lm allocates it.
Component mlxKvCache(const ModelArchitecture& arch, const InferenceOptions& o) {
  const std::int64_t tokens = o.promptTokens + o.generatedTokens;
  // --max-kv-size makes every layer a RotatingKVCache, unless the model builds its own caches
  // (make_cache: the sliding-window and hybrid models), which ignore it.
  const bool ownCaches = arch.slidingLayerCount() > 0 || arch.hasRecurrentState();
  const std::int64_t limit = ownCaches ? 0 : o.mlx.maxKvSize;
  const std::int64_t held = mlxCachedTokens(tokens, limit);
  const std::int64_t window = mlxCachedTokens(tokens, arch.slidingWindow);
  const std::int64_t attention = arch.attentionLayerCount();
  const std::int64_t sliding = std::min(attention, arch.slidingLayerCount());
  const double perTokenLayer = kvValuesPerTokenPerLayer(arch) * o.kvBytesPerValue;
  std::string note = "grown in steps of " + count(kMlxCacheStep) + " tokens (KVCache.step)";
  if (limit > 0) note += "; --max-kv-size " + count(limit) + ": a rotating cache of that many";
  if (o.mlx.maxKvSize > 0 && ownCaches) {
    note += "; --max-kv-size is ignored: the model builds its own caches (make_cache)";
  }
  if (sliding > 0) note += "; sliding layers rotate within their window";
  return makeComponent(
      "kv_cache", "KV cache",
      tokenLayerTerms({static_cast<double>(o.batch), "sequences"}, attention - sliding,
                      {static_cast<double>(held), "tokens held"}, sliding,
                      {static_cast<double>(window), "window tokens"},
                      {perTokenLayer, "B per token per layer"}),
      note);
}

/// The prefill's largest moment: a chunk's layer, or the last chunk's logits.
Component mlxPrefillPeak(const ModelArchitecture& arch, const InferenceOptions& o) {
  const double chunk = static_cast<double>(
      std::max<std::int64_t>(1, std::min(o.promptTokens, o.mlx.prefillStepSize)));
  const Factor sequences{static_cast<double>(o.batch), "sequences"};
  const Factor tokens{chunk, "tokens per prefill chunk"};
  const Factor vocab{static_cast<double>(arch.vocabSize), "vocab"};
  const Term layer({sequences,
                    tokens,
                    {prefillValuesPerToken(arch), "values"},
                    {o.activationBytesPerValue, "B"}},
                   "one layer's live values");
  const Term logits({sequences, tokens, vocab, {o.activationBytesPerValue, "B"}},
                    "the last chunk's logits");
  const Term last({sequences, vocab, {4, "B"}}, "fp32 log-probabilities of the last token");
  const bool logitsPeak = logits.product() > layer.product();
  return makeComponent(
      "activations", "Prefill (peak)", {logitsPeak ? logits : layer, last},
      "mlx-lm prefills in chunks of " + count(o.mlx.prefillStepSize) +
          " tokens (prefill_step_size); the larger of a layer's values and the chunk's logits, "
          "here the " +
          (logitsPeak ? std::string("logits") : std::string("layer")));
}

}  // namespace

std::int64_t mlxCachedTokens(std::int64_t tokens, std::int64_t maxSize) {
  const std::int64_t stepped = (tokens + kMlxCacheStep - 1) / kMlxCacheStep * kMlxCacheStep;
  return maxSize > 0 ? std::min(stepped, maxSize) : stepped;
}

Result<Breakdown> estimateMlx(const ModelArchitecture& arch, const InferenceOptions& o,
                              Breakdown out) {
  if (o.mlx.maxKvSize < 0 || o.mlx.prefillStepSize < 1) {
    return makeError(
        ErrorCode::kOutOfRange, "maxKvSize",
        "--max-kv-size must be 0 (no limit) or more, and the prefill step at least 1.");
  }
  out.components.push_back(mlxKvCache(arch, o));
  if (arch.hasRecurrentState()) {
    out.components.push_back(recurrentStateComponent(
        arch, o.batch, o.activationBytesPerValue, ConvWindow::kKernelMinusOne,
        "one fixed-size state per sequence, whatever its length; mlx-lm's ArraysCache keeps "
        "conv_kernel − 1 inputs of each convolution"));
  }
  out.components.push_back(mlxPrefillPeak(arch, o));
  out.totalBytes = mlxTotalBytes(out);
  return out;
}

}  // namespace gpumem
