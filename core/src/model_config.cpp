// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// Field names and defaults follow the transformers configuration classes
// (src/transformers/models/<type>/configuration_<type>.py) and, for the per-layer layout,
// the matching modeling_<type>.py.
#include "gpumem/model_config.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace gpumem {
namespace {

using Json = nlohmann::json;

constexpr std::array<std::string_view, 23> kSupportedTypes = {
    "llama",       "mistral",     "mixtral", "qwen2",  "qwen2_moe",   "qwen3",
    "qwen3_moe",   "gemma",       "gemma2",  "gemma3", "gemma3_text", "phi3",
    "gpt2",        "gpt_neox",    "falcon",  "olmo",   "olmo2",       "olmoe",
    "deepseek_v2", "deepseek_v3", "gpt_oss", "llama4", "llama4_text"};

constexpr std::int64_t kMaxDimension = 1LL << 40;

Error configError(const std::string& message) {
  return makeError(ErrorCode::kInvalidArgument, "config", message);
}

/// Reads an integer member; nullopt when absent, null or not a number.
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

/// The first of `keys` that is present (GPT-2 and Falcon use n_embd/n_head/n_layer names).
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

/// A number field in [0, 1e6]; `fallback` when absent, 0 when present but null.
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

/// Whether a list member contains the integer `value`.
bool listContains(const Json& object, const char* key, std::int64_t value) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_array()) return false;
  for (const Json& item : *it) {
    if (item.is_number() && static_cast<std::int64_t>(item.get<double>()) == value) return true;
  }
  return false;
}

std::string missingFieldMessage(const std::string& type, const char* field) {
  return "The config.json of model_type \"" + type + "\" lacks a positive \"" + field +
         "\"; it is needed to size the model.";
}

/// Sliding-window layers from an explicit layer_types list; false when there is none.
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

/// Sets the sliding window and marks layer i sliding when `isSliding(i)`.
template <class Predicate>
void setSlidingLayers(const Json& config, ModelArchitecture& arch, std::int64_t defaultWindow,
                      Predicate isSliding) {
  arch.slidingWindow =
      isPresentNull(config, "sliding_window") ? 0 : intOr(config, "sliding_window", defaultWindow);
  if (arch.slidingWindow <= 0) {
    arch.slidingWindow = 0;
    arch.slidingLayers.assign(static_cast<std::size_t>(arch.numLayers), false);
    return;
  }
  if (readLayerTypes(config, arch)) return;
  arch.slidingLayers.assign(static_cast<std::size_t>(arch.numLayers), false);
  for (std::int64_t i = 0; i < arch.numLayers; ++i) {
    arch.slidingLayers[static_cast<std::size_t>(i)] = isSliding(i);
  }
}

void noSlidingWindow(ModelArchitecture& arch) {
  arch.slidingWindow = 0;
  arch.slidingLayers.assign(static_cast<std::size_t>(arch.numLayers), false);
}

/// Reads the fields every Llama-style config shares: hidden_size, intermediate_size,
/// num_hidden_layers, num_attention_heads, num_key_value_heads, head_dim, vocab_size.
Result<ModelArchitecture> readCommon(const Json& config, const std::string& type,
                                     std::int64_t defaultHeadDim = 0) {
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
  arch.slidingLayers.assign(static_cast<std::size_t>(arch.numLayers), false);
  return arch;
}

Result<ModelArchitecture> requireIntermediate(ModelArchitecture arch) {
  if (arch.intermediateSize <= 0) {
    return configError(missingFieldMessage(arch.modelType, "intermediate_size"));
  }
  return arch;
}

// --- Llama family ---------------------------------------------------------------------

Result<ModelArchitecture> parseLlamaLike(const Json& config, const std::string& type) {
  auto common = readCommon(config, type);
  if (!common) return common;
  ModelArchitecture arch = std::move(common).value();
  const bool attentionBias = boolOr(config, "attention_bias", false);
  arch.qkvBias = attentionBias;
  arch.oBias = attentionBias;
  arch.mlpBias = boolOr(config, "mlp_bias", false);
  arch.tieWordEmbeddings = boolOr(config, "tie_word_embeddings", false);
  if (type == "mistral") {
    setSlidingLayers(config, arch, 4096, [](std::int64_t) { return true; });
  } else if (type == "phi3") {
    setSlidingLayers(config, arch, 0, [](std::int64_t) { return true; });
  } else {
    noSlidingWindow(arch);
  }
  return requireIntermediate(std::move(arch));
}

Result<ModelArchitecture> parseMixtral(const Json& config) {
  auto parsed = parseLlamaLike(config, "mixtral");
  if (!parsed) return parsed;
  ModelArchitecture arch = std::move(parsed).value();
  setSlidingLayers(config, arch, 0, [](std::int64_t) { return true; });
  arch.moe.numExperts = intOr(config, "num_local_experts", 8);
  arch.moe.expertsPerToken = intOr(config, "num_experts_per_tok", 2);
  arch.moe.expertIntermediateSize = arch.intermediateSize;
  return arch;
}

// --- Qwen ------------------------------------------------------------------------------

/// Qwen2/Qwen3 sliding window: only when use_sliding_window, on layers ≥ max_window_layers.
void setQwenSlidingLayers(const Json& config, ModelArchitecture& arch) {
  if (!boolOr(config, "use_sliding_window", false)) {
    noSlidingWindow(arch);
    return;
  }
  const std::int64_t first = intOr(config, "max_window_layers", arch.numLayers);
  setSlidingLayers(config, arch, 4096, [first](std::int64_t i) { return i >= first; });
}

/// Qwen MoE layer layout: layer i is sparse unless listed in mlp_only_layers, and only
/// when (i + 1) is a multiple of decoder_sparse_step.
std::int64_t qwenDenseLayers(const Json& config, std::int64_t layers) {
  const std::int64_t step = std::max<std::int64_t>(1, intOr(config, "decoder_sparse_step", 1));
  std::int64_t dense = 0;
  for (std::int64_t i = 0; i < layers; ++i) {
    const bool sparse = !listContains(config, "mlp_only_layers", i) && (i + 1) % step == 0;
    dense += sparse ? 0 : 1;
  }
  return dense;
}

Result<ModelArchitecture> parseQwen(const Json& config, const std::string& type) {
  const bool qwen3 = type == "qwen3" || type == "qwen3_moe";
  auto common = readCommon(config, type, qwen3 ? 128 : 0);
  if (!common) return common;
  ModelArchitecture arch = std::move(common).value();
  arch.tieWordEmbeddings = boolOr(config, "tie_word_embeddings", false);
  if (qwen3) {
    arch.qkvBias = boolOr(config, "attention_bias", false);
    arch.oBias = arch.qkvBias;
    arch.qkNorm = QkNormKind::kPerHead;
  } else {
    arch.qkvBias = true;  // Qwen2Attention: q/k/v with bias, o without
  }
  setQwenSlidingLayers(config, arch);
  if (type == "qwen2_moe" || type == "qwen3_moe") {
    arch.moe.numExperts = intOr(config, "num_experts", type == "qwen2_moe" ? 60 : 128);
    arch.moe.expertsPerToken = intOr(config, "num_experts_per_tok", type == "qwen2_moe" ? 4 : 8);
    arch.moe.expertIntermediateSize =
        intOr(config, "moe_intermediate_size", type == "qwen2_moe" ? 1408 : 768);
    arch.moe.denseLayers = qwenDenseLayers(config, arch.numLayers);
    if (type == "qwen2_moe") {
      arch.moe.numSharedExperts = 1;
      arch.moe.sharedExpertIntermediateSize =
          intOr(config, "shared_expert_intermediate_size", 5632);
      arch.moe.sharedExpertGate = true;
    }
    if (arch.moe.denseLayers > 0) return requireIntermediate(std::move(arch));
    return arch;
  }
  return requireIntermediate(std::move(arch));
}

// --- Gemma -----------------------------------------------------------------------------

Result<ModelArchitecture> parseGemma(const Json& config, const std::string& type) {
  auto common = readCommon(config, type, 256);
  if (!common) return common;
  ModelArchitecture arch = std::move(common).value();
  arch.hiddenAct =
      stringOr(config, "hidden_activation", stringOr(config, "hidden_act", "gelu_pytorch_tanh"));
  arch.tieWordEmbeddings = boolOr(config, "tie_word_embeddings", true);
  arch.qkvBias = boolOr(config, "attention_bias", false);
  arch.oBias = arch.qkvBias;
  if (type == "gemma") {
    noSlidingWindow(arch);
  } else if (type == "gemma2") {
    arch.normsPerLayer = 4;  // input, post-attention, pre- and post-feedforward
    arch.finalLogitSoftcap = numberOr(config, "final_logit_softcapping", 30.0);
    setSlidingLayers(config, arch, 4096, [](std::int64_t i) { return i % 2 == 0; });
  } else {
    arch.normsPerLayer = 4;
    arch.qkNorm = QkNormKind::kPerHead;
    const std::int64_t pattern =
        std::max<std::int64_t>(1, intOr(config, "sliding_window_pattern", 6));
    setSlidingLayers(config, arch, 4096,
                     [pattern](std::int64_t i) { return (i + 1) % pattern != 0; });
  }
  return requireIntermediate(std::move(arch));
}

// --- GPT-2, GPT-NeoX, Falcon -------------------------------------------------------------

Result<ModelArchitecture> parseGpt2(const Json& config) {
  auto common = readCommon(config, "gpt2");
  if (!common) return common;
  ModelArchitecture arch = std::move(common).value();
  arch.intermediateSize = intOr(config, "n_inner", 4 * arch.hiddenSize);
  if (arch.intermediateSize <= 0) arch.intermediateSize = 4 * arch.hiddenSize;
  arch.maxPositions = intOr(config, "n_positions", 1024);
  arch.learnedPositions = arch.maxPositions;
  arch.hiddenAct = stringOr(config, "activation_function", "gelu_new");
  arch.dropout = numberOr(config, "resid_pdrop", 0.1);  // GPT2Config default
  arch.mlpKind = MlpKind::kPlain;
  arch.normKind = NormKind::kLayerNorm;
  arch.normHasBias = true;
  arch.qkvBias = arch.oBias = arch.mlpBias = true;  // Conv1D layers all carry biases
  arch.tieWordEmbeddings = boolOr(config, "tie_word_embeddings", true);
  noSlidingWindow(arch);
  return arch;
}

Result<ModelArchitecture> parseGptNeox(const Json& config) {
  auto common = readCommon(config, "gpt_neox");
  if (!common) return common;
  ModelArchitecture arch = std::move(common).value();
  arch.hiddenAct = stringOr(config, "hidden_act", "gelu");
  arch.mlpKind = MlpKind::kPlain;
  arch.normKind = NormKind::kLayerNorm;
  arch.normHasBias = true;
  arch.qkvBias = arch.oBias = boolOr(config, "attention_bias", true);
  arch.mlpBias = true;
  arch.tieWordEmbeddings = boolOr(config, "tie_word_embeddings", false);
  noSlidingWindow(arch);
  return requireIntermediate(std::move(arch));
}

Result<ModelArchitecture> parseFalcon(const Json& config) {
  auto common = readCommon(config, "falcon");
  if (!common) return common;
  ModelArchitecture arch = std::move(common).value();
  const bool newArchitecture = boolOr(config, "new_decoder_architecture", false);
  const bool multiQuery = boolOr(config, "multi_query", true);
  if (newArchitecture) {
    arch.numKvHeads = intOr(config, "num_kv_heads", arch.numHeads);
  } else {
    arch.numKvHeads = multiQuery ? 1 : arch.numHeads;
  }
  arch.intermediateSize = intOr(config, "ffn_hidden_size", 4 * arch.hiddenSize);
  if (arch.intermediateSize <= 0) arch.intermediateSize = 4 * arch.hiddenSize;
  arch.headDim = arch.hiddenSize / arch.numHeads;
  arch.hiddenAct = stringOr(config, "activation", "gelu");
  arch.mlpKind = MlpKind::kPlain;
  arch.normKind = NormKind::kLayerNorm;
  arch.normHasBias = true;
  const bool bias = boolOr(config, "bias", false);
  arch.qkvBias = arch.oBias = arch.mlpBias = bias;
  arch.parallelAttention = boolOr(config, "parallel_attn", true);
  if (newArchitecture) {
    arch.normsPerLayer = intOr(config, "num_ln_in_parallel_attn", 2);
  } else {
    arch.normsPerLayer = arch.parallelAttention ? 1 : 2;
  }
  arch.tieWordEmbeddings = boolOr(config, "tie_word_embeddings", true);
  noSlidingWindow(arch);
  return arch;
}

// --- OLMo --------------------------------------------------------------------------------

Result<ModelArchitecture> parseOlmo(const Json& config, const std::string& type) {
  auto common = readCommon(config, type);
  if (!common) return common;
  ModelArchitecture arch = std::move(common).value();
  arch.tieWordEmbeddings = boolOr(config, "tie_word_embeddings", false);
  arch.qkvBias = arch.oBias = boolOr(config, "attention_bias", false);
  noSlidingWindow(arch);
  if (type == "olmo") {
    arch.normKind = NormKind::kNonParametricLayerNorm;  // OlmoLayerNorm has no weights
  } else {
    arch.qkNorm = QkNormKind::kFull;  // q_norm and k_norm over the whole projection
  }
  if (type == "olmoe") {
    arch.moe.numExperts = intOr(config, "num_experts", 64);
    arch.moe.expertsPerToken = intOr(config, "num_experts_per_tok", 8);
    arch.moe.expertIntermediateSize = arch.intermediateSize;
  }
  return requireIntermediate(std::move(arch));
}

// --- DeepSeek V2/V3 ----------------------------------------------------------------------

Result<ModelArchitecture> parseDeepseek(const Json& config, const std::string& type) {
  auto common = readCommon(config, type);
  if (!common) return common;
  ModelArchitecture arch = std::move(common).value();
  arch.tieWordEmbeddings = boolOr(config, "tie_word_embeddings", false);
  arch.qkvBias = arch.oBias = boolOr(config, "attention_bias", false);
  arch.hasMla = true;
  arch.mla.qLoraRank = intOr(config, "q_lora_rank", 0);
  arch.mla.kvLoraRank = intOr(config, "kv_lora_rank", 512);
  arch.mla.qkNopeHeadDim = intOr(config, "qk_nope_head_dim", 128);
  arch.mla.qkRopeHeadDim = intOr(config, "qk_rope_head_dim", 64);
  arch.mla.vHeadDim = intOr(config, "v_head_dim", 128);
  arch.headDim = arch.mla.qkNopeHeadDim + arch.mla.qkRopeHeadDim;
  arch.numKvHeads = arch.numHeads;
  noSlidingWindow(arch);
  arch.moe.numExperts = intOr(config, "n_routed_experts", 0);
  if (arch.isMoe()) {
    arch.moe.expertsPerToken = intOr(config, "num_experts_per_tok", 8);
    arch.moe.expertIntermediateSize = intOr(config, "moe_intermediate_size", 0);
    arch.moe.numSharedExperts = intOr(config, "n_shared_experts", 0);
    arch.moe.sharedExpertIntermediateSize = arch.moe.expertIntermediateSize;
    const std::int64_t firstDense = intOr(config, "first_k_dense_replace", 0);
    const std::int64_t frequency = std::max<std::int64_t>(1, intOr(config, "moe_layer_freq", 1));
    std::int64_t dense = 0;
    for (std::int64_t i = 0; i < arch.numLayers; ++i) {
      dense += (i >= firstDense && i % frequency == 0) ? 0 : 1;
    }
    arch.moe.denseLayers = dense;
    if (arch.moe.expertIntermediateSize <= 0) {
      return configError(missingFieldMessage(type, "moe_intermediate_size"));
    }
    if (dense == 0) return arch;
  }
  return requireIntermediate(std::move(arch));
}

// --- gpt-oss -----------------------------------------------------------------------------

Result<ModelArchitecture> parseGptOss(const Json& config) {
  auto common = readCommon(config, "gpt_oss", 64);
  if (!common) return common;
  ModelArchitecture arch = std::move(common).value();
  arch.tieWordEmbeddings = boolOr(config, "tie_word_embeddings", false);
  arch.qkvBias = arch.oBias = boolOr(config, "attention_bias", true);
  arch.attentionSinks = true;
  arch.moe.numExperts = intOr(config, "num_local_experts", 128);
  arch.moe.expertsPerToken =
      readAnyInt(config, {"num_experts_per_tok", "experts_per_token"}).value_or(4);
  arch.moe.expertIntermediateSize = arch.intermediateSize;
  arch.moe.expertBias = true;
  arch.moe.routerBias = true;
  setSlidingLayers(config, arch, 128, [](std::int64_t i) { return i % 2 == 0; });
  return requireIntermediate(std::move(arch));
}

// --- Llama 4 (text part) -----------------------------------------------------------------

Result<ModelArchitecture> parseLlama4(const Json& config) {
  auto common = readCommon(config, "llama4", 128);
  if (!common) return common;
  ModelArchitecture arch = std::move(common).value();
  arch.tieWordEmbeddings = boolOr(config, "tie_word_embeddings", false);
  arch.qkvBias = arch.oBias = boolOr(config, "attention_bias", false);
  noSlidingWindow(arch);
  const std::int64_t expertWidth = arch.intermediateSize > 0 ? arch.intermediateSize : 8192;
  arch.intermediateSize = intOr(config, "intermediate_size_mlp", 16384);
  arch.moe.numExperts = intOr(config, "num_local_experts", 16);
  arch.moe.expertsPerToken = intOr(config, "num_experts_per_tok", 1);
  arch.moe.expertIntermediateSize = expertWidth;
  arch.moe.numSharedExperts = 1;
  arch.moe.sharedExpertIntermediateSize = expertWidth;
  const std::int64_t step =
      std::max<std::int64_t>(1, intOr(config, "interleave_moe_layer_step", 1));
  std::int64_t dense = 0;
  for (std::int64_t i = 0; i < arch.numLayers; ++i) {
    const bool listed =
        config.contains("moe_layers") ? listContains(config, "moe_layers", i) : (i + 1) % step == 0;
    dense += listed ? 0 : 1;
  }
  arch.moe.denseLayers = dense;
  return arch;
}

Error unknownTypeError(const std::string& type) {
  std::string list;
  for (std::string_view known : kSupportedTypes) {
    list += (list.empty() ? "" : ", ") + std::string(known);
  }
  const std::string what = type.empty() ? "The config.json has no \"model_type\""
                                        : "model_type \"" + type + "\" is not supported";
  return configError(what + ". Supported: " + list +
                     ". To size another decoder-only model, give a supported model_type with "
                     "hidden_size, num_hidden_layers, num_attention_heads, num_key_value_heads, "
                     "head_dim, intermediate_size, vocab_size and tie_word_embeddings.");
}

/// Gemma 3 and Llama 4 multimodal configs keep the language model in text_config.
const Json& languageModelConfig(const Json& config) {
  const auto it = config.find("text_config");
  if (it != config.end() && it->is_object()) return *it;
  return config;
}

Result<ModelArchitecture> parseByType(const Json& config, const std::string& type) {
  if (type == "llama" || type == "mistral" || type == "phi3") return parseLlamaLike(config, type);
  if (type == "mixtral") return parseMixtral(config);
  if (type == "qwen2" || type == "qwen2_moe" || type == "qwen3" || type == "qwen3_moe") {
    return parseQwen(config, type);
  }
  if (type == "gemma" || type == "gemma2") return parseGemma(config, type);
  if (type == "gemma3" || type == "gemma3_text") return parseGemma(config, "gemma3");
  if (type == "gpt2") return parseGpt2(config);
  if (type == "gpt_neox") return parseGptNeox(config);
  if (type == "falcon") return parseFalcon(config);
  if (type == "olmo" || type == "olmo2" || type == "olmoe") return parseOlmo(config, type);
  if (type == "deepseek_v2" || type == "deepseek_v3") return parseDeepseek(config, type);
  if (type == "gpt_oss") return parseGptOss(config);
  if (type == "llama4" || type == "llama4_text") return parseLlama4(config);
  return unknownTypeError(type);
}

/// The module layouts a family's code uses, as flags the estimators read (they never
/// compare model_type themselves).
void setLayoutFlags(ModelArchitecture& arch) {
  const std::string& t = arch.modelType;
  arch.fusedQkv = t == "phi3" || t == "gpt2" || t == "gpt_neox" || t == "falcon";
  arch.fusedGateUp = t == "phi3";
  arch.normInFp32 = t.rfind("gemma", 0) == 0;
}

}  // namespace

std::span<const std::string_view> supportedModelTypes() { return kSupportedTypes; }

Result<ModelArchitecture> parseModelConfig(std::string_view configJsonText) {
  const Json document = Json::parse(configJsonText, nullptr, false);
  if (document.is_discarded() || !document.is_object()) {
    return makeError(ErrorCode::kParseError, "config",
                     "The config.json text is not a JSON object.");
  }
  const std::string outerType = stringOr(document, "model_type", "");
  const Json& config = languageModelConfig(document);
  std::string type = stringOr(config, "model_type", outerType);
  if (type == "gemma3_text" || (outerType == "gemma3" && &config != &document)) type = "gemma3";
  if (type == "llama4_text" || (outerType == "llama4" && &config != &document)) type = "llama4";
  auto arch = parseByType(config, type);
  if (arch) setLayoutFlags(arch.value());
  return arch;
}

}  // namespace gpumem
