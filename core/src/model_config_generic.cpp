// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// A config.json whose model_type has no mapping, read from the field names most Hugging Face
// configuration classes share, with Llama's layout wherever the file says nothing.
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "gpumem/model_types.hpp"

namespace gpumem {

std::string ModelArchitecture::genericReadingNote() const {
  if (!readGenerically) return "";
  std::string fields;
  for (const std::string& field : genericFields) fields += (fields.empty() ? "" : ", ") + field;
  const std::string what = modelType.empty()
                               ? "The config.json has no model_type"
                               : "model_type \"" + modelType + "\" has no dedicated mapping";
  return what + ": read generically from " + fields +
         ", as a Llama-like decoder where the file is silent (check the parameter count).";
}

namespace config {
namespace {

/// Reads fields and remembers the names it found them under.
class FieldReader {
 public:
  explicit FieldReader(const Json& config) : config_(config) {}

  std::optional<std::int64_t> integer(std::initializer_list<const char*> keys) {
    for (const char* key : keys) {
      if (auto value = readInt(config_, key)) {
        used(key);
        return value;
      }
    }
    return std::nullopt;
  }
  std::optional<bool> flag(std::initializer_list<const char*> keys) {
    for (const char* key : keys) {
      const auto it = config_.find(key);
      if (it != config_.end() && it->is_boolean()) {
        used(key);
        return it->get<bool>();
      }
    }
    return std::nullopt;
  }
  std::optional<std::string> text(std::initializer_list<const char*> keys) {
    for (const char* key : keys) {
      const auto it = config_.find(key);
      if (it != config_.end() && it->is_string()) {
        used(key);
        return it->get_ref<const std::string&>();
      }
    }
    return std::nullopt;
  }
  bool has(const char* key) const { return config_.contains(key); }
  void used(const char* key) { fields_.emplace_back(key); }
  std::vector<std::string> fields() && { return std::move(fields_); }
  /// The name a field was read under, when it was read under one of `keys`.
  bool readAs(std::initializer_list<const char*> keys) const {
    return std::any_of(fields_.begin(), fields_.end(), [&](const std::string& f) {
      return std::find(keys.begin(), keys.end(), f) != keys.end();
    });
  }

 private:
  const Json& config_;
  std::vector<std::string> fields_;
};

std::string genericMissingMessage(const std::string& type, const char* field,
                                  const char* alternatives) {
  const std::string what = type.empty() ? "The config.json has no model_type"
                                        : "model_type \"" + type + "\" has no dedicated mapping";
  return what + ", and its config.json lacks a positive \"" + field + "\" (" + alternatives +
         "), which gpumem needs to size it generically. Give hidden_size, num_hidden_layers, "
         "num_attention_heads, num_key_value_heads, head_dim, intermediate_size, vocab_size and "
         "tie_word_embeddings, or use a supported model_type.";
}

/// Layer kinds other than attention (layer_types entries such as "linear_attention",
/// "mamba", "conv"), or fields only state-space and linear-attention models have.
std::string nonAttentionLayers(const Json& config) {
  const auto types = config.find("layer_types");
  if (types != config.end() && types->is_array()) {
    for (const Json& item : *types) {
      if (!item.is_string()) continue;
      const std::string& kind = item.get_ref<const std::string&>();
      if (kind != "full_attention" && kind != "sliding_attention" && kind != "attention" &&
          kind != "chunked_attention") {
        return "layer_types names \"" + kind + "\" layers";
      }
    }
  }
  for (const char* key :
       {"ssm_state_size", "mamba_d_state", "mamba_n_heads", "attn_type_list", "layers_block_type",
        "hybrid_override_pattern", "linear_num_value_heads"}) {
    if (config.contains(key)) return std::string("it has \"") + key + "\"";
  }
  return "";
}

}  // namespace

Result<ModelArchitecture> readGeneric(const Json& config, const std::string& type) {
  if (boolOr(config, "is_encoder_decoder", false)) {
    return configError("model_type \"" + type +
                       "\" is an encoder-decoder model; gpumem sizes decoder-only transformers.");
  }
  if (const std::string layers = nonAttentionLayers(config); !layers.empty()) {
    return configError("model_type \"" + type + "\" has no dedicated mapping and " + layers +
                       ": it mixes attention with recurrent or state-space layers, whose state "
                       "gpumem does not size yet.");
  }
  FieldReader read(config);
  ModelArchitecture arch;
  arch.modelType = type;
  arch.readGenerically = true;
  const auto hidden = read.integer({"hidden_size", "n_embd", "d_model"});
  if (!hidden || *hidden <= 0) {
    return configError(genericMissingMessage(type, "hidden_size", "or n_embd, d_model"));
  }
  const auto layers = read.integer({"num_hidden_layers", "n_layer", "num_layers", "n_layers"});
  if (!layers || *layers <= 0) {
    return configError(
        genericMissingMessage(type, "num_hidden_layers", "or n_layer, num_layers, n_layers"));
  }
  if (*layers > 100000) return configError("num_hidden_layers is implausibly large.");
  const auto heads = read.integer({"num_attention_heads", "n_head", "n_heads"});
  if (!heads || *heads <= 0) {
    return configError(genericMissingMessage(type, "num_attention_heads", "or n_head, n_heads"));
  }
  const auto vocab = read.integer({"vocab_size", "padded_vocab_size"});
  if (!vocab || *vocab <= 0) {
    return configError(genericMissingMessage(type, "vocab_size", "or padded_vocab_size"));
  }
  arch.hiddenSize = *hidden;
  arch.numLayers = *layers;
  arch.numHeads = *heads;
  arch.vocabSize = *vocab;

  // Key/value heads: explicit, or one for multi-query attention, else one per query head.
  arch.numKvHeads =
      read.integer({"num_key_value_heads", "num_kv_heads", "n_kv_heads", "multi_query_group_num"})
          .value_or(0);
  if (arch.numKvHeads <= 0) arch.numKvHeads = read.flag({"multi_query"}).value_or(false) ? 1 : 0;
  if (arch.numKvHeads <= 0) arch.numKvHeads = arch.numHeads;
  arch.headDim = read.integer({"head_dim", "kv_channels"}).value_or(0);
  if (arch.headDim <= 0) arch.headDim = arch.hiddenSize / arch.numHeads;
  if (arch.headDim <= 0)
    return configError(genericMissingMessage(type, "head_dim", "or kv_channels"));

  // GPT-style names mean GPT-2's plain MLP and LayerNorms; otherwise Llama's gated MLP.
  const bool gptStyle = read.readAs({"n_embd"});
  arch.intermediateSize =
      read.integer({"intermediate_size", "ffn_hidden_size", "n_inner", "ffn_dim", "d_ff"})
          .value_or(0);
  const bool gptMlp = gptStyle || read.readAs({"n_inner", "ffn_dim", "d_ff"});
  if (arch.intermediateSize <= 0) {
    arch.intermediateSize = 4 * arch.hiddenSize;
    read.used("(4 × hidden as the MLP width)");
  }
  arch.mlpKind = gptMlp ? MlpKind::kPlain : MlpKind::kGated;
  arch.hiddenAct = read.text({"hidden_act", "activation_function", "hidden_activation"})
                       .value_or(gptMlp ? "gelu_new" : "silu");
  const bool layerNorm =
      !read.has("rms_norm_eps") && (gptStyle || read.has("layer_norm_eps") ||
                                    read.has("layer_norm_epsilon") || read.has("norm_epsilon"));
  if (layerNorm) {
    arch.normKind = NormKind::kLayerNorm;
    arch.normHasBias = true;
  }

  const bool anyBias = read.flag({"bias", "use_bias"}).value_or(false);
  arch.qkvBias = read.flag({"attention_bias", "qkv_bias", "add_qkv_bias"}).value_or(anyBias);
  arch.oBias = arch.qkvBias && !read.has("add_qkv_bias");
  arch.mlpBias = read.flag({"mlp_bias"}).value_or(anyBias);
  // Absent: untied, the larger of the two counts.
  arch.tieWordEmbeddings = read.flag({"tie_word_embeddings"}).value_or(false);
  if (read.flag({"use_qk_norm", "qk_layernorm", "qk_norm"}).value_or(false)) {
    arch.qkNorm = QkNormKind::kPerHead;
  }
  arch.maxPositions =
      read.integer({"max_position_embeddings", "n_positions", "seq_length"}).value_or(0);

  // Sliding window: per layer_types, else on every layer unless use_sliding_window is false.
  noSlidingWindow(arch);
  const bool slidingAllowed = read.flag({"use_sliding_window"}).value_or(true);
  const auto window = read.integer({"sliding_window"});
  if (slidingAllowed && window && *window > 0) {
    arch.slidingWindow = *window;
    if (readLayerTypes(config, arch)) {
      read.used("layer_types");
    } else {
      arch.slidingLayers.assign(static_cast<std::size_t>(arch.numLayers), true);
    }
  }

  // Mixture of experts.
  arch.moe.numExperts =
      read.integer({"num_local_experts", "num_experts", "n_routed_experts", "moe_num_experts"})
          .value_or(0);
  if (arch.isMoe()) {
    arch.moe.expertsPerToken =
        read.integer({"num_experts_per_tok", "moe_k", "moe_top_k", "top_k", "num_selected_experts"})
            .value_or(2);
    arch.moe.expertIntermediateSize =
        read.integer({"moe_intermediate_size", "expert_intermediate_size"})
            .value_or(arch.intermediateSize);
    arch.moe.numSharedExperts =
        read.integer({"n_shared_experts", "num_shared_experts", "moe_num_shared_experts"})
            .value_or(0);
    arch.moe.sharedExpertIntermediateSize =
        read.integer({"shared_expert_intermediate_size"}).value_or(arch.moe.expertIntermediateSize);
    if (arch.moe.sharedExpertIntermediateSize > 0 && arch.moe.numSharedExperts == 0 &&
        read.readAs({"shared_expert_intermediate_size"})) {
      arch.moe.numSharedExperts = 1;
    }
    arch.moe.denseLayers =
        std::min(arch.numLayers, read.integer({"first_k_dense_replace"}).value_or(0));
  }
  arch.genericFields = std::move(read).fields();
  return arch;
}

}  // namespace config
}  // namespace gpumem
