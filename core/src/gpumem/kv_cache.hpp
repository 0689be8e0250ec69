// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// Bytes of the key/value cache.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "gpumem/breakdown.hpp"
#include "gpumem/model_architecture.hpp"
#include "gpumem/result.hpp"

namespace gpumem {

/// Values one token stores per layer in the KV cache: K and V of every KV head,
/// 2 × kv_heads × head_dim (grouped/multi-query attention share KV heads). MLA models cache
/// their compressed latent and the shared rotary key, kv_lora_rank + qk_rope_head_dim, in
/// every engine we model: transformers 5.x (the recorded timeline of Moonlight grows each
/// layer's cache by (512 + 64) × 2 B per token), vLLM, SGLang, TensorRT-LLM and llama.cpp.
double kvValuesPerTokenPerLayer(const ModelArchitecture& arch);

/// Bytes per cached value for a KV cache type: fp32 4, fp16/bf16 2, fp8/int8 1, and the
/// llama.cpp cache types q8_0, q4_0, q4_1, q5_0, q5_1, iq4_nl at their block-exact size
/// (q8_0: 34 bytes per 32 values = 1.0625). Field "kv-dtype".
Result<double> parseKvCacheBytesPerValue(std::string_view text);

/// Bytes of the cache holding `tokens` tokens for each of `batch` sequences:
/// Σ over attention layers of batch × min(tokens, window − 1 on sliding layers) × values ×
/// bytes. Mamba, linear-attention and short-convolution layers keep no KV cache (their fixed
/// state: recurrent_state.hpp).
/// A sliding layer of the Transformers DynamicCache keeps sliding_window − 1 tokens
/// (DynamicSlidingWindowLayer).
double kvCacheBytes(const ModelArchitecture& arch, std::int64_t batch, std::int64_t tokens,
                    double bytesPerValue);

/// kvCacheBytes as formula terms: one product for the full-attention layers, one for the
/// sliding-window layers (when the model has them).
std::vector<Term> kvCacheTerms(const ModelArchitecture& arch, std::int64_t batch,
                               std::int64_t tokens, double bytesPerValue);

/// The layers of a cache that stores `bytesPerTokenLayer` per token and layer: a product
/// for the `fullLayers` that hold every token and one for the `slidingLayers` that hold
/// only `slidingTokens` (left out when there are none).
std::vector<Term> tokenLayerTerms(const Factor& sequences, std::int64_t fullLayers,
                                  const Factor& tokens, std::int64_t slidingLayers,
                                  const Factor& slidingTokens, const Factor& bytesPerTokenLayer);

}  // namespace gpumem
