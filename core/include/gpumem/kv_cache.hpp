// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// Bytes of the key/value cache.
#pragma once

#include <cstdint>

#include "gpumem/model_architecture.hpp"

namespace gpumem {

/// Values one token stores per layer in the cache of Hugging Face Transformers: K and V of
/// every KV head, 2 × kv_heads × head_dim (grouped/multi-query attention share KV heads).
/// MLA models in Transformers cache decompressed keys (heads × (nope + rope)) and values
/// (heads × v_head_dim), not the latent.
double kvValuesPerTokenPerLayer(const ModelArchitecture& arch);

/// Bytes of the cache holding `tokens` tokens for each of `batch` sequences:
/// Σ over layers of batch × min(tokens, window − 1 on sliding layers) × values × bytes.
/// A sliding layer of the Transformers DynamicCache keeps sliding_window − 1 tokens
/// (DynamicSlidingWindowLayer).
double kvCacheBytes(const ModelArchitecture& arch, std::int64_t batch, std::int64_t tokens,
                    double bytesPerValue);

}  // namespace gpumem
