// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// LoRA / QLoRA adapters: which linear layers get them and how many parameters they add.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "gpumem/model_architecture.hpp"
#include "gpumem/result.hpp"

namespace gpumem {

/// A linear projection of one transformer layer, by role.
enum class LinearRole { kQuery, kKey, kValue, kOutput, kGate, kUp, kDown };

/// One linear projection of a layer: its role and shape (in → out features).
struct LayerLinear {
  LinearRole role;
  std::int64_t inFeatures = 0;
  std::int64_t outFeatures = 0;
};

/// The linear projections of one dense layer (the MLP of a plain block has no gate).
/// MoE layers count the routed experts' projections once per expert.
std::vector<LayerLinear> layerLinears(const ModelArchitecture& arch);

/// Which projections carry adapters.
struct LoraTargets {
  bool query = true, key = true, value = true, output = true;
  bool gate = true, up = true, down = true;
  bool covers(LinearRole role) const;
};

/// Parses target modules: "all-linear", "attention" (q,k,v,o), "mlp", or a comma-separated
/// list of Hugging Face module names (q_proj,k_proj,v_proj,o_proj,gate_proj,up_proj,
/// down_proj; qkv_proj and gate_up_proj of fused models; GPT-2's c_attn, c_fc).
/// Fails with field "lora_targets".
Result<LoraTargets> parseLoraTargets(std::string_view text);

/// The projections `targets` names that PEFT can adapt in `arch`: with fused experts (3-D
/// parameters, no nn.Linear) and no dense layer, none of the MLP's (peft tuners_utils
/// adapts nn.Linear modules only, whatever target_modules says).
LoraTargets adaptableTargets(const ModelArchitecture& arch, LoraTargets targets);

/// Adapter parameters: rank·(in + out) per adapted projection (A: in→r, B: r→out;
/// Hu et al. 2021, "LoRA"), over every layer (experts once each).
double loraParameterCount(const ModelArchitecture& arch, const LoraTargets& targets,
                          std::int64_t rank);

}  // namespace gpumem
