// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// DeepSpeed ZeRO-3's persistent parameters: the small tensors every GPU keeps whole.
#pragma once

#include <cstdint>

#include "gpumem/lora.hpp"
#include "gpumem/model_architecture.hpp"

namespace gpumem {

/// Elements of the tensors DeepSpeed ZeRO-3 keeps whole on every GPU.
struct PersistentParameters {
  double base = 0;      ///< the model's own tensors (norms, biases, q/k norms, small routers)
  double adapters = 0;  ///< LoRA's lora_A / lora_B matrices small enough to persist
  double tensors = 0;   ///< how many tensors persist
};

/// The parameters in tensors of at most `threshold` elements, which DeepSpeed ZeRO-3 does
/// not release after use (stage3_param_persistence_threshold, 1e5 by default,
/// deepspeed/runtime/zero/config.py; parameter_offload.py mark_persistent_parameters marks a
/// parameter persistent when ds_numel <= threshold; partitioned_param_coordinator.py never
/// releases one; stage3.py gathers them again after each step). Each is still partitioned
/// (its shard and its gradient and optimizer-state shards are the sharded states), and its
/// whole 16-bit copy stays on every GPU besides. Counted tensor by tensor from the
/// architecture: the hidden-sized norms (weight, and bias for a LayerNorm with one), q/k
/// norms, MLA's latent norms, attention biases and sinks, dense-MLP and expert biases, MoE
/// routers and shared-expert gates, the token-type table; with `rank` > 0, the LoRA
/// matrices of `targets` (lora_A rank × in, lora_B out × rank, one pair per projection and
/// per expert). The state-space, linear-attention and convolution mixers' own small tensors
/// and a vision tower's are not counted.
PersistentParameters persistentParameters(const ModelArchitecture& arch, double threshold,
                                          const LoraTargets& targets, std::int64_t rank);

}  // namespace gpumem
