// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// Multi-GPU inference: tensor parallel (Megatron-style column/row splits) and pipeline
// parallel (contiguous layer stages). Turns a one-GPU breakdown into the breakdown of the
// most loaded GPU.
#pragma once

#include <cstdint>

#include "gpumem/breakdown.hpp"
#include "gpumem/model_architecture.hpp"
#include "gpumem/result.hpp"

namespace gpumem {

/// How a model is split over GPUs.
struct ParallelLayout {
  std::int64_t tensorParallel = 1;    ///< GPUs each layer is split over
  std::int64_t pipelineParallel = 1;  ///< stages of consecutive layers
  std::int64_t gpuCount() const { return tensorParallel * pipelineParallel; }
};

/// Share of each kind of memory one GPU holds (the first pipeline stage, which also holds the
/// embedding; with PP the head sits on the last stage, and the larger of the two is taken).
struct ParallelShares {
  double weights = 1;      ///< projections / tp, vocab-parallel embedding and head / tp,
                           ///< norms and routers replicated; ceil(layers / pp) layers
  double kvCache = 1;      ///< kv heads split over tp (replicated when kv_heads < tp:
                           ///< ceil(kv_heads / tp) per GPU), ceil(layers / pp) layers
  double activations = 1;  ///< MLP and attention temporaries / tp, hidden-sized replicated
};

/// The shares for `layout`. Fails with field "tp" when tp does not divide the heads, or "pp"
/// when there are more stages than layers.
Result<ParallelShares> parallelShares(const ModelArchitecture& arch, const ParallelLayout& layout);

/// Scales the components of a one-GPU `breakdown` to the most loaded GPU of `layout`:
/// weights, kv_cache, activations and allocator_reserve (which follows the cache) by their
/// shares; logits (gathered whole), CUDA context, graphs stay per GPU. Formulas say so.
Result<Breakdown> splitAcrossGpus(const ModelArchitecture& arch, const ParallelLayout& layout,
                                  Breakdown breakdown);

}  // namespace gpumem
