// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// The allocation timeline of Hugging Face Transformers' generate() on one GPU.
#pragma once

#include <vector>

#include "gpumem/inference.hpp"
#include "gpumem/model_architecture.hpp"
#include "gpumem/timeline.hpp"

namespace gpumem {

/// The ordered allocations and frees of generate() (transformers 5.x, PyTorch 2.x) for
/// `options`, with `weightBytes` of weights loaded first. Per layer of the prefill, the
/// order the recorded timelines show (modeling_llama.py): the RMSNorm's fp32 upcast and
/// rsqrt product, the q/k/v projections, their rotary copies, the cache's K and V, the
/// attention output (with the sliding-window additive mask or the eager scores where they
/// are materialised), o_proj and the residual add; then the MLP's gate, activation, up and
/// product, down and the residual add, the layer's input freed when the layer returns.
/// The sizes are the estimator's own (activations.hpp, kv_cache.hpp): the MLP's three
/// tensors share transformersPrefillValuesPerToken − 4h values per token. Sliding layers
/// keep the whole prompt until the first decode step. Each decode step grows every layer's
/// K and V by torch.cat (DynamicCache.update: the grown tensor is allocated before the old
/// one is freed). Coarsened for speed: the prefill's layers form up to four groups, one
/// layer's transients simulated per group with the group's caches as one K and one V
/// block; the decode simulates its last four steps, layer by layer.
std::vector<TimelineEvent> transformersInferenceTimeline(const ModelArchitecture& arch,
                                                         const InferenceOptions& options,
                                                         double weightBytes);

}  // namespace gpumem
