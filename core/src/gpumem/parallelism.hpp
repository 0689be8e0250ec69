// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// Multi-GPU inference: tensor parallel (Megatron-style column/row splits), pipeline
// parallel (contiguous layer stages) and expert parallel (whole routed experts spread over
// GPUs). Turns a one-GPU breakdown into the breakdown of the most loaded GPU.
#pragma once

#include <cstdint>

#include "gpumem/breakdown.hpp"
#include "gpumem/model_architecture.hpp"
#include "gpumem/result.hpp"

namespace gpumem {

/// How a model is split over GPUs.
///
/// Expert parallel e spreads the routed experts of every MoE layer over e GPUs of a stage,
/// each holding numExperts / e whole experts (vLLM --enable-expert-parallel, TensorRT-LLM
/// moe_expert_parallel_size). With e ≤ tp (e must divide tp) the experts stay inside the
/// tensor-parallel group, as TensorRT-LLM's moe_tp × moe_ep = tp: each GPU still holds 1/tp of
/// the routed weights. With e > tp (tp must divide e) attention runs data parallel over
/// e / tp replicas (vLLM's EP = TP × DP, TensorRT-LLM's enable_attention_dp): attention,
/// shared experts, norms, embedding and head are split by tp only and replicated across the
/// replicas, each replica serving ⌈batch / replicas⌉ of the sequences.
struct ParallelLayout {
  std::int64_t tensorParallel = 1;    ///< GPUs each layer is split over
  std::int64_t pipelineParallel = 1;  ///< stages of consecutive layers
  std::int64_t expertParallel = 1;    ///< GPUs the routed experts of a layer are spread over
  /// GPUs of one stage: max(tp, ep).
  std::int64_t stageGpus() const {
    return expertParallel > tensorParallel ? expertParallel : tensorParallel;
  }
  /// GPUs the model occupies: pp × max(tp, ep).
  std::int64_t gpuCount() const { return pipelineParallel * stageGpus(); }
  /// Data-parallel attention replicas in a stage: ep / tp when ep > tp, else 1.
  std::int64_t attentionReplicas() const {
    return tensorParallel >= 1 && expertParallel > tensorParallel ? expertParallel / tensorParallel
                                                                  : 1;
  }
};

/// Share of each kind of memory one GPU holds (the first pipeline stage, which also holds the
/// embedding; with PP the head sits on the last stage, and the larger of the two is taken).
struct ParallelShares {
  double weights = 1;      ///< projections and shared experts / tp, routed experts /
                           ///< max(tp, ep), vocab-parallel embedding and head / tp, norms
                           ///< and routers replicated; ceil(layers / pp) layers
  double kvCache = 1;      ///< kv heads split over tp (replicated when kv_heads < tp:
                           ///< ceil(kv_heads / tp) per GPU), ceil(layers / pp) layers
  double activations = 1;  ///< MLP and attention temporaries / tp, hidden-sized replicated
};

/// The shares for `layout` (Megatron-LM's tensor/pipeline split; expert parallel as in
/// vLLM's and TensorRT-LLM's MoE layers, see ParallelLayout). Fails with field "tp" when tp
/// does not divide the heads, "pp" when there are more stages than layers, and
/// "expertParallel" when ep is set for a dense model, does not divide the routed experts, or
/// is neither a divisor nor a multiple of tp.
Result<ParallelShares> parallelShares(const ModelArchitecture& arch, const ParallelLayout& layout);

/// Scales the components of a one-GPU `breakdown` to the most loaded GPU of `layout`:
/// weights, kv_cache, activations and allocator_reserve (which follows the cache) by their
/// shares; logits (gathered whole), CUDA context, graphs stay per GPU. Formulas say so.
/// With attention replicas (ep > tp) `breakdown` must already be that of one replica's
/// sequences; estimateInference does this.
Result<Breakdown> splitAcrossGpus(const ModelArchitecture& arch, const ParallelLayout& layout,
                                  Breakdown breakdown);

}  // namespace gpumem
