// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
#include "gpumem/lora.hpp"

#include "text.hpp"

namespace gpumem {
namespace {

double expertCopies(const ModelArchitecture& arch) {
  if (!arch.isMoe()) return 1.0;
  return static_cast<double>(arch.moe.numExperts);
}

bool addRoles(std::string_view name, LoraTargets& t) {
  if (name == "q_proj" || name == "q")
    t.query = true;
  else if (name == "k_proj" || name == "k")
    t.key = true;
  else if (name == "v_proj" || name == "v")
    t.value = true;
  else if (name == "o_proj" || name == "dense" || name == "out_proj")
    t.output = true;
  else if (name == "gate_proj" || name == "w1")
    t.gate = true;
  else if (name == "up_proj" || name == "w3" || name == "c_fc" || name == "fc1")
    t.up = true;
  else if (name == "down_proj" || name == "w2" || name == "fc2")
    t.down = true;
  else if (name == "qkv_proj" || name == "c_attn" || name == "query_key_value")
    t.query = t.key = t.value = true;
  else if (name == "gate_up_proj")
    t.gate = t.up = true;
  else if (name == "c_proj")
    t.output = t.down = true;
  else
    return false;
  return true;
}

}  // namespace

std::vector<LayerLinear> layerLinears(const ModelArchitecture& arch) {
  const std::int64_t h = arch.hiddenSize;
  const std::int64_t q = arch.queryWidth();
  const std::int64_t kv = arch.numKvHeads * arch.headDim;
  const std::int64_t i = arch.isMoe() ? arch.moe.expertIntermediateSize : arch.intermediateSize;
  std::vector<LayerLinear> linears = {{LinearRole::kQuery, h, q},
                                      {LinearRole::kKey, h, kv},
                                      {LinearRole::kValue, h, kv},
                                      {LinearRole::kOutput, q, h}};
  if (arch.mlpKind == MlpKind::kGated) linears.push_back({LinearRole::kGate, h, i});
  linears.push_back({LinearRole::kUp, h, i});
  linears.push_back({LinearRole::kDown, i, h});
  return linears;
}

bool LoraTargets::covers(LinearRole role) const {
  switch (role) {
    case LinearRole::kQuery:
      return query;
    case LinearRole::kKey:
      return key;
    case LinearRole::kValue:
      return value;
    case LinearRole::kOutput:
      return output;
    case LinearRole::kGate:
      return gate;
    case LinearRole::kUp:
      return up;
    case LinearRole::kDown:
      return down;
  }
  return false;
}

Result<LoraTargets> parseLoraTargets(std::string_view text) {
  const std::string key = text::lower(text::trim(text));
  if (key.empty() || key == "all-linear" || key == "all") return LoraTargets{};
  LoraTargets none{false, false, false, false, false, false, false};
  if (key == "attention" || key == "attn") {
    none.query = none.key = none.value = none.output = true;
    return none;
  }
  if (key == "mlp") {
    none.gate = none.up = none.down = true;
    return none;
  }
  std::string_view rest = key;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    const std::string_view name = text::trim(rest.substr(0, comma));
    if (!addRoles(name, none)) {
      return makeError(ErrorCode::kInvalidArgument, "loraTargets",
                       "Unknown LoRA target module " + text::quote(name) +
                           "; use all-linear, attention, mlp or names like q_proj,v_proj.");
    }
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
  }
  return none;
}

LoraTargets adaptableTargets(const ModelArchitecture& arch, LoraTargets targets) {
  if (arch.isMoe() && arch.moe.fusedExperts && arch.moe.denseLayers == 0) {
    targets.gate = targets.up = targets.down = false;
  }
  return targets;
}

double loraParameterCount(const ModelArchitecture& arch, const LoraTargets& requested,
                          std::int64_t rank) {
  const LoraTargets targets = adaptableTargets(arch, requested);
  double perLayer = 0;
  for (const LayerLinear& linear : layerLinears(arch)) {
    if (!targets.covers(linear.role)) continue;
    const bool inExperts = linear.role == LinearRole::kGate || linear.role == LinearRole::kUp ||
                           linear.role == LinearRole::kDown;
    const double copies = inExperts ? expertCopies(arch) : 1.0;
    perLayer += copies * static_cast<double>(rank) *
                static_cast<double>(linear.inFeatures + linear.outFeatures);
  }
  return perLayer * static_cast<double>(arch.numLayers);
}

}  // namespace gpumem
