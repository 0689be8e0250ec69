// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// Model states of training — weights, master weights, gradients, optimizer states — per GPU,
// after sharding and offload, plus the CPU RAM that offload needs.
#pragma once

#include <vector>

#include "gpumem/breakdown.hpp"
#include "gpumem/optimizer.hpp"
#include "gpumem/sharding.hpp"

namespace gpumem {

/// What the model states depend on.
struct ModelStateInputs {
  double trainableParams = 0;      ///< parameters that get gradients and optimizer states
  double frozenParams = 0;         ///< parameters held for the forward pass only
  double frozenBytesPerParam = 2;  ///< storage of frozen parameters (bf16 2, NF4 ≈ 0.52)
  /// The frozen parameters stay whole on every GPU under ZeRO-3/FSDP and their parameter
  /// offload: FSDP shards floating-point parameters only (bitsandbytes' FSDP-QLoRA guide),
  /// so a 4-bit base stored as uint8 is not sharded.
  bool frozenReplicated = false;
  PrecisionRecipe recipe = PrecisionRecipe::kMixedBf16;
  OptimizerKind optimizer = OptimizerKind::kAdamW;
  double matrixSide = 4096;  ///< typical weight-matrix side (Adafactor's factors)
  /// Bytes of each frozen parameter that stay whole on every GPU even where ZeRO-3/FSDP
  /// shards the rest: a 4-bit base's quantisation constants (bitsandbytes' QuantState, an
  /// attribute of the module rather than a parameter), besides frozenBytesPerParam.
  double frozenUnshardedBytesPerParam = 0;
  double largestLayerParams = 0;  ///< largest single module, gathered whole by ZeRO-3
  /// DeepSpeed ZeRO-3's parameter coordinator (estimateModelStates): the output head's
  /// parameters (one tensor, used at the end of the forward and again at the start of the
  /// backward) and a layer's largest weight matrix (the largest other module it gathers).
  double headParams = 0;
  double largestMatrixParams = 0;
  /// Bytes of each of its parameters while gathered: 16-bit, or a 4-bit base's packed data.
  double gatheredBytesPerParam = 2;
  /// Of its parameters, those with gradients (LoRA: the layer's adapters); negative: all.
  double layerTrainableParams = -1;
  /// Bytes per such parameter beside the gathered ones: its 16-bit gradient (full
  /// training), or an fp32 adapter's weight and gradient, which the base does not include.
  double layerTrainableBytes = 2;
  double largestTrainableMatrix = 0;  ///< parameters of the largest trainable tensor
  /// DeepSpeed ZeRO-3 (stage3_param_persistence_threshold, persistent_parameters.hpp): the
  /// parameters in tensors small enough to persist, whose whole copy every GPU keeps besides
  /// its shard, at persistentBytesPerParam each; the LoRA matrices among them in fp32.
  double persistentParams = 0;
  double persistentBytesPerParam = 2;
  double persistentAdapterParams = 0;
  /// LLM.int8's row scales: bitsandbytes' Int8Params keeps SCB, one fp32 scale per output
  /// row of each int8 weight, an attribute rather than a parameter, so whole on every GPU.
  double int8ScaleRows = 0;
  ShardingOptions sharding;
};

/// Bytes on one GPU (and, for offload, in the CPU RAM of one node).
struct ModelStates {
  double weights = 0;        ///< trainable + frozen parameters in their storage dtype
  double master = 0;         ///< fp32 master copy (master recipes)
  double gradients = 0;      ///< one gradient per trainable parameter
  double optimizer = 0;      ///< optimizer states
  double temporaries = 0;    ///< optimizer step temporaries (foreach AdamW)
  double gatheredLayer = 0;  ///< ZeRO-3/FSDP: one layer's gathered 16-bit params and grads
  double reduceBucket = 0;   ///< DeepSpeed: the backward's 16-bit gradient bucket(s)
  double commBuffers = 0;    ///< DeepSpeed ZeRO-3: the reduce bucket kept from start-up
  double cpu = 0;            ///< CPU RAM of one node holding offloaded states
  double nvme = 0;           ///< NVMe of one node holding states offloaded there (ZeRO-Infinity)
  /// The formula terms of each GPU state above; their products sum to its bytes.
  struct Terms {
    std::vector<Term> weights, master, gradients, optimizer, temporaries, gatheredLayer,
        reduceBucket, commBuffers;
  } terms;
  /// Everything resident on the GPU.
  double gpuTotal() const {
    return weights + master + gradients + optimizer + temporaries + gatheredLayer + reduceBucket +
           commBuffers;
  }
};

/// Model states per GPU. Per trainable parameter the recipe and optimizer give weights w,
/// master m, gradients g and states s bytes (optimizer.hpp); ZeRO divides (m+s) by N at stage
/// 1, g too at stage 2 and w too at stage 3 (Rajbhandari et al. 2019, Fig. 1: with w=g=2 and
/// K=m+s=12, (2+2+K)Ψ, (2+2)Ψ+KΨ/N, 2Ψ+(2+K)Ψ/N, (2+2+K)Ψ/N). Stage 3 gathers one layer at a
/// time: 4 bytes per parameter of the largest layer (16-bit weights and gradients, as in
/// DeepSpeed's estimate_zero3_model_states_mem_needs). Optimizer offload moves master,
/// states and an fp32 gradient copy to CPU RAM (ZeRO-Offload, Ren et al. 2021) and the
/// GPU's gradients stream out; parameter offload moves the weights too. Paged optimizers
/// (bitsandbytes PagedAdamW, PagedAdamW8bit: states in CUDA unified memory, evicted under
/// pressure and prefetched per tensor for its update) keep on the GPU only the largest
/// matrix's states and need CPU RAM for all of them.
/// As implemented: DeepSpeed ZeRO-3's parameter coordinator (partitioned_param_coordinator.py)
/// gathers the module in flight whatever its caps, prefetches while fewer than
/// stage3_max_live_parameters elements are gathered (stage3_prefetch_bucket_size per module
/// hook) until the last tensor it takes carries the count past the cap (at most max live +
/// the largest tensor: 1e9 + 525M elements for Llama 3.1 8B, 3.05 GB, where transformers'
/// DeepSpeed guide says "~2GB"), and keeps what the trace reuses within
/// stage3_max_reuse_distance (the head, from its forward to its backward): the largest of
/// the three, at most all the parameters, in 16 bits. FSDP2 with
/// reshard_after_forward=False keeps every layer's gathered parameters from the forward to
/// the backward. DeepSpeed's reduce buckets (contiguous_gradients, on by default), in the
/// engine's 16-bit dtype: ZeRO-1/2's backward allocates one bucket of reduce_bucket_size
/// elements, two with overlap_comm, which alternate while one is being reduced, and frees them
/// after the backward (deepspeed/runtime/zero/stage_1_and_2.py, setup_buckets and
/// _release_ipg_buffers); ZeRO-3 allocates one such bucket when the optimizer is built and keeps
/// it (stage3.py, "IPG"), and its backward's reduce-scatter interleaves each full bucket into a
/// new tensor of as many elements (coalesced_collectives.py, reduce_scatter_coalesced): up to
/// min(reduce_bucket_size, the trainable parameters). allgather_bucket_size allocates nothing
/// (the all-gather after the step writes into the flat parameter buffer it slices).
/// ZeRO-3 offload to NVMe (ZeRO-Infinity, Rajbhandari et al. 2021) puts the master weights,
/// optimizer states (and with parameter offload the 16-bit parameters) on NVMe; CPU RAM keeps
/// the fp32 gradients, the step's temporaries and DeepSpeed's pinned swap buffers
/// (offload_optimizer: buffer_count 4 × min(sub_group_size 1e9, the shard) fp32 elements;
/// offload_param: buffer_count 5 × buffer_size 1e8 16-bit elements; DeepSpeed config docs).
ModelStates estimateModelStates(const ModelStateInputs& inputs);

/// DeepSpeed's own ZeRO-3 model-state estimate, GPU and CPU bytes.
struct DeepSpeedZero3Estimate {
  double gpuBytes = 0;
  double cpuBytes = 0;
};

/// The formula of deepspeed/runtime/zero/stage3.py estimate_zero3_model_states_mem_needs
/// (what estimate_zero3_model_states_mem_needs_all_live prints), with zero_init on:
/// GPU = 4·largest + (18·Ψ/N without offload, 2·Ψ/N with optimizer offload, 0 with both);
/// CPU = Ψ·(0 | 16 | 18)/nodes · bufferFactor (1.5), or 4·largest·gpusPerNode·bufferFactor
/// without offload. N = gpusPerNode·nodes.
DeepSpeedZero3Estimate deepSpeedZero3ModelStates(double totalParams, double largestLayerParams,
                                                 double gpusPerNode, double nodes,
                                                 bool offloadOptimizer, bool offloadParameters,
                                                 double bufferFactor = 1.5);

}  // namespace gpumem
