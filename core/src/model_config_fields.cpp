// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// Field helpers the config.json readers share. Defaults follow the transformers configuration
// classes (src/transformers/models/<type>/configuration_<type>.py).
#include <algorithm>
#include <cstdint>
#include <string>

#include "gpumem/model_types.hpp"

namespace gpumem::config {

constexpr std::int64_t kMaxDimension = 1LL << 40;

Error configError(const std::string& message) {
  return makeError(ErrorCode::kInvalidArgument, "config", message);
}

std::string missingFieldMessage(const std::string& type, const char* field) {
  return "The config.json of model_type \"" + type + "\" lacks a positive \"" + field +
         "\"; it is needed to size the model.";
}

std::optional<std::int64_t> readInt(const Json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_number()) return std::nullopt;
  const double value = it->get<double>();
  if (!(value >= 0) || value > static_cast<double>(kMaxDimension)) return std::nullopt;
  return static_cast<std::int64_t>(value);
}

std::int64_t intOr(const Json& object, const char* key, std::int64_t fallback) {
  return readInt(object, key).value_or(fallback);
}

std::optional<std::int64_t> readAnyInt(const Json& object,
                                       std::initializer_list<const char*> keys) {
  for (const char* key : keys) {
    if (auto value = readInt(object, key)) return value;
  }
  return std::nullopt;
}

bool boolOr(const Json& object, const char* key, bool fallback) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_boolean()) return fallback;
  return it->get<bool>();
}

std::string stringOr(const Json& object, const char* key, const std::string& fallback) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return fallback;
  return it->get_ref<const std::string&>();
}

double numberOr(const Json& object, const char* key, double fallback) {
  const auto it = object.find(key);
  if (it == object.end()) return fallback;
  if (!it->is_number()) return 0;
  const double value = it->get<double>();
  return value >= 0 && value <= 1e6 ? value : fallback;
}

bool isPresentNull(const Json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_null();
}

bool listContains(const Json& object, const char* key, std::int64_t value) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_array()) return false;
  for (const Json& item : *it) {
    if (item.is_number() && static_cast<std::int64_t>(item.get<double>()) == value) return true;
  }
  return false;
}

Result<ModelArchitecture> readCommon(const Json& config, const std::string& type,
                                     std::int64_t defaultHeadDim) {
  ModelArchitecture arch;
  arch.modelType = type;
  const auto hidden = readAnyInt(config, {"hidden_size", "n_embd", "d_model"});
  const auto layers = readAnyInt(config, {"num_hidden_layers", "n_layer", "num_layers"});
  const auto heads = readAnyInt(config, {"num_attention_heads", "n_head"});
  const auto vocab = readInt(config, "vocab_size");
  if (!hidden || *hidden <= 0) return configError(missingFieldMessage(type, "hidden_size"));
  if (!layers || *layers <= 0) {
    return configError(missingFieldMessage(type, "num_hidden_layers"));
  }
  if (!heads || *heads <= 0) {
    return configError(missingFieldMessage(type, "num_attention_heads"));
  }
  if (!vocab || *vocab <= 0) return configError(missingFieldMessage(type, "vocab_size"));
  if (*layers > 100000) return configError("num_hidden_layers is implausibly large.");
  arch.hiddenSize = *hidden;
  arch.numLayers = *layers;
  arch.numHeads = *heads;
  arch.vocabSize = *vocab;
  arch.numKvHeads = intOr(config, "num_key_value_heads", arch.numHeads);
  if (arch.numKvHeads <= 0) arch.numKvHeads = arch.numHeads;
  const std::int64_t fallbackHeadDim =
      defaultHeadDim > 0 ? defaultHeadDim : arch.hiddenSize / arch.numHeads;
  arch.headDim = intOr(config, "head_dim", fallbackHeadDim);
  if (arch.headDim <= 0) arch.headDim = fallbackHeadDim;
  arch.intermediateSize = intOr(config, "intermediate_size", 0);
  arch.maxPositions = intOr(config, "max_position_embeddings", 0);
  arch.hiddenAct = stringOr(config, "hidden_act", "silu");
  arch.attentionDropout = numberOr(config, "attention_dropout", 0);
  arch.slidingLayers.assign(static_cast<std::size_t>(arch.numLayers), false);
  return arch;
}

Result<ModelArchitecture> requireIntermediate(ModelArchitecture arch) {
  if (arch.intermediateSize <= 0) {
    return configError(missingFieldMessage(arch.modelType, "intermediate_size"));
  }
  return arch;
}

Result<ModelArchitecture> readLlamaLikeAttention(const Json& config, const std::string& type,
                                                 bool tiedByDefault, std::int64_t defaultHeadDim) {
  auto common = readCommon(config, type, defaultHeadDim);
  if (!common) return common;
  ModelArchitecture arch = std::move(common).value();
  arch.qkvBias = arch.oBias = boolOr(config, "attention_bias", false);
  arch.tieWordEmbeddings = boolOr(config, "tie_word_embeddings", tiedByDefault);
  noSlidingWindow(arch);
  return arch;
}

Result<ModelArchitecture> readLlamaLike(const Json& config, const std::string& type,
                                        bool tiedByDefault, std::int64_t defaultHeadDim) {
  auto parsed = readLlamaLikeAttention(config, type, tiedByDefault, defaultHeadDim);
  if (!parsed) return parsed;
  ModelArchitecture arch = std::move(parsed).value();
  arch.mlpBias = boolOr(config, "mlp_bias", false);
  return arch;
}

bool readLayerTypes(const Json& config, ModelArchitecture& arch) {
  const auto it = config.find("layer_types");
  if (it == config.end() || !it->is_array() ||
      static_cast<std::int64_t>(it->size()) != arch.numLayers) {
    return false;
  }
  arch.slidingLayers.assign(static_cast<std::size_t>(arch.numLayers), false);
  std::size_t i = 0;
  for (const Json& item : *it) {
    arch.slidingLayers[i++] =
        item.is_string() && item.get_ref<const std::string&>() == "sliding_attention";
  }
  return true;
}

void noSlidingWindow(ModelArchitecture& arch) {
  arch.slidingWindow = 0;
  arch.slidingLayers.assign(static_cast<std::size_t>(arch.numLayers), false);
}

void setPatternSlidingLayers(const Json& config, ModelArchitecture& arch,
                             std::int64_t defaultWindow, std::int64_t defaultPattern) {
  const std::string letters = stringOr(config, "sliding_window_pattern", "");
  if (!letters.empty()) {
    setSlidingLayers(config, arch, defaultWindow, [&letters](std::int64_t i) {
      return letters[static_cast<std::size_t>(i) % letters.size()] == 'L';
    });
    return;
  }
  const std::int64_t pattern =
      std::max<std::int64_t>(1, intOr(config, "sliding_window_pattern", defaultPattern));
  setSlidingLayers(config, arch, defaultWindow,
                   [pattern](std::int64_t i) { return (i + 1) % pattern != 0; });
}

void readMixtralExperts(const Json& config, ModelArchitecture& arch, const char* countKey,
                        std::int64_t defaultCount, std::int64_t defaultPerToken) {
  arch.moe.numExperts = intOr(config, countKey, defaultCount);
  arch.moe.expertsPerToken = intOr(config, "num_experts_per_tok", defaultPerToken);
  arch.moe.expertIntermediateSize = arch.intermediateSize;
}

Result<ModelArchitecture> requireMoeWidths(ModelArchitecture arch) {
  if (arch.moe.expertIntermediateSize <= 0) {
    return configError(missingFieldMessage(arch.modelType, "moe_intermediate_size"));
  }
  if (arch.moe.denseLayers == 0) return arch;
  return requireIntermediate(std::move(arch));
}

Result<ModelArchitecture> readDeepseekMoe(const Json& config, ModelArchitecture arch) {
  arch.moe.numExperts = intOr(config, "n_routed_experts", 0);
  if (!arch.isMoe()) return requireIntermediate(std::move(arch));
  arch.moe.expertsPerToken = intOr(config, "num_experts_per_tok", 8);
  arch.moe.expertIntermediateSize = intOr(config, "moe_intermediate_size", 0);
  arch.moe.numSharedExperts = intOr(config, "n_shared_experts", 0);
  arch.moe.sharedExpertIntermediateSize = arch.moe.expertIntermediateSize;
  // Layer i is sparse from first_k_dense_replace on, every moe_layer_freq-th layer.
  const std::int64_t firstDense = intOr(config, "first_k_dense_replace", 0);
  const std::int64_t frequency = std::max<std::int64_t>(1, intOr(config, "moe_layer_freq", 1));
  arch.moe.denseLayers = countLayers(
      arch.numLayers, [&](std::int64_t i) { return i < firstDense || i % frequency != 0; });
  return requireMoeWidths(std::move(arch));
}

}  // namespace gpumem::config
