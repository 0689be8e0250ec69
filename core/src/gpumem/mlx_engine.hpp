// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// MLX / mlx-lm on Apple Silicon: the weights in MLX's own quantization, the KV cache mlx-lm
// grows in steps of 256 tokens (rotating caches for sliding windows and --max-kv-size), and
// the prefill it runs in chunks of prefill_step_size tokens. The budget is Metal's working set
// (the GPU catalog's budget for Apple Silicon), not the RAM.
#pragma once

#include <cstdint>

#include "gpumem/breakdown.hpp"
#include "gpumem/inference.hpp"
#include "gpumem/model_architecture.hpp"
#include "gpumem/result.hpp"

namespace gpumem {

/// mlx-lm's KVCache.step (mlx_lm/models/cache.py): a cache grows by 256 tokens at a time.
inline constexpr std::int64_t kMlxCacheStep = 256;

/// Tokens one mlx-lm cache layer holds for a sequence of `tokens`: rounded up to the 256-token
/// step (KVCache.update_and_fetch), at most `maxSize` when the layer's cache rotates
/// (RotatingKVCache: a sliding-window layer's window, or --max-kv-size for every layer of a
/// model without its own make_cache); `maxSize` 0 = no limit.
std::int64_t mlxCachedTokens(std::int64_t tokens, std::int64_t maxSize);

/// mlx-lm generating `generatedTokens` after `promptTokens` for `batch` sequences: the weights
/// (`out` holds them); the KV cache, whose full-attention layers hold mlxCachedTokens(tokens,
/// max_kv_size) — --max-kv-size applies only to models without a make_cache of their own,
/// taken here as models without sliding or recurrent layers — and whose sliding layers hold at
/// most the window (make_cache's RotatingKVCache); a hybrid's recurrent state (in the model's
/// dtype, conv_kernel − 1 inputs as mlx-lm's ArraysCache keeps); and the largest moment of the
/// prefill, which mlx-lm runs in chunks of prefill_step_size (2048) tokens (generate_step):
/// one layer's live values for a chunk (mx.fast.scaled_dot_product_attention's fused kernel
/// stores no scores), or the last chunk's logits, which lazy evaluation computes for every
/// token of it before taking the last one (bf16), plus the last token's fp32 log-probabilities.
/// No CUDA context: Metal's is small and outside the working set's accounting. Fails with
/// field "maxKvSize" when --max-kv-size is negative.
Result<Breakdown> estimateMlx(const ModelArchitecture& arch, const InferenceOptions& o,
                              Breakdown out);

}  // namespace gpumem
