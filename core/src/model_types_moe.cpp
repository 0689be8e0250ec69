// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// Readers of mixture-of-experts families beyond the first release. Field names and defaults
// follow the transformers configuration classes
// (src/transformers/models/<type>/configuration_<type>.py), the expert layout the matching
// modeling_<type>.py (for DeepSeek V1, modeling_deepseek.py beside the checkpoints).
#include <algorithm>
#include <cstdint>
#include <string>

#include "gpumem/model_types.hpp"

namespace gpumem::config {

Result<ModelArchitecture> readGraniteMoe(const Json& config, const std::string& type) {
  // Granite 3.x MoE: every layer's MLP is num_local_experts experts of intermediate_size
  // (input_linear holds gate and up, output_linear down) behind a bias-free router;
  // granitemoeshared adds one shared MLP of shared_intermediate_size.
  auto parsed = readLlamaLikeAttention(config, type);
  if (!parsed) return parsed;
  ModelArchitecture arch = std::move(parsed).value();
  readMixtralExperts(config, arch, "num_local_experts", 8);
  const std::int64_t shared = intOr(config, "shared_intermediate_size", 0);
  if (shared > 0) {
    arch.moe.numSharedExperts = 1;
    arch.moe.sharedExpertIntermediateSize = shared;
  }
  return requireIntermediate(std::move(arch));
}

Result<ModelArchitecture> readGlm4Moe(const Json& config, const std::string& type) {
  // GLM-4.5: GQA with q/k/v biases (attention_bias), optional per-head q/k norms, DeepSeek's
  // expert layout (first_k_dense_replace dense layers, n_shared_experts shared experts).
  auto common = readCommon(config, type, 128);
  if (!common) return common;
  ModelArchitecture arch = std::move(common).value();
  arch.qkvBias = boolOr(config, "attention_bias", false);
  arch.oBias = false;
  if (boolOr(config, "use_qk_norm", false)) arch.qkNorm = QkNormKind::kPerHead;
  arch.tieWordEmbeddings = boolOr(config, "tie_word_embeddings", false);
  noSlidingWindow(arch);
  return readDeepseekMoe(config, std::move(arch));
}

Result<ModelArchitecture> readPhiMoe(const Json& config, const std::string& type) {
  // Phi-3.5-MoE: LayerNorms with bias, attention biases when attention_bias, an output head
  // bias when lm_head_bias, num_local_experts w1/w3/w2 experts in every layer.
  auto common = readCommon(config, type);
  if (!common) return common;
  ModelArchitecture arch = std::move(common).value();
  arch.normKind = NormKind::kLayerNorm;
  arch.normHasBias = true;
  arch.qkvBias = arch.oBias = boolOr(config, "attention_bias", false);
  arch.outputBias = boolOr(config, "lm_head_bias", false);
  arch.tieWordEmbeddings = boolOr(config, "tie_word_embeddings", false);
  setSlidingLayers(config, arch, 0, [](std::int64_t) { return true; });
  readMixtralExperts(config, arch, "num_local_experts", 16);
  return requireIntermediate(std::move(arch));
}

Result<ModelArchitecture> readErnie45Moe(const Json& config, const std::string& type) {
  // ERNIE 4.5 MoE: layer i is sparse when moe_layer_start_index ≤ i ≤ moe_layer_end_index and
  // (i + 1) is a multiple of moe_layer_interval; sparse layers hold moe_num_experts routed
  // experts and moe_num_shared_experts shared ones, all of moe_intermediate_size.
  auto parsed = readErnie45Layout(config, type);
  if (!parsed) return parsed;
  ModelArchitecture arch = std::move(parsed).value();
  arch.moe.numExperts = intOr(config, "moe_num_experts", 64);
  arch.moe.expertsPerToken = intOr(config, "moe_k", 6);
  arch.moe.expertIntermediateSize = intOr(config, "moe_intermediate_size", 1536);
  arch.moe.numSharedExperts = intOr(config, "moe_num_shared_experts", 0);
  arch.moe.sharedExpertIntermediateSize = arch.moe.expertIntermediateSize;
  arch.moe.expertBias = arch.mlpBias;
  const std::int64_t start = intOr(config, "moe_layer_start_index", 1);
  const auto end = readInt(config, "moe_layer_end_index");  // -1 (absent here): the last layer
  const std::int64_t last = end ? *end : arch.numLayers - 1;
  const std::int64_t interval = std::max<std::int64_t>(1, intOr(config, "moe_layer_interval", 1));
  arch.moe.denseLayers = countLayers(arch.numLayers, [&](std::int64_t i) {
    const bool sparse = i >= start && i <= last && (i + 1) % interval == 0;
    return !sparse;
  });
  return requireMoeWidths(std::move(arch));
}

Result<ModelArchitecture> readDeepseekV1(const Json& config, const std::string& type) {
  // DeepSeekMoE (model_type deepseek): standard multi-head attention, DeepSeek's expert layout.
  auto parsed = readLlamaLikeAttention(config, type);
  if (!parsed) return parsed;
  return readDeepseekMoe(config, std::move(parsed).value());
}

Result<ModelArchitecture> readDots1(const Json& config, const std::string& type) {
  // dots.llm1: Qwen3's attention (per-head q/k norms) with DeepSeek V3's expert layout.
  auto parsed = readLlamaLikeAttention(config, type);
  if (!parsed) return parsed;
  ModelArchitecture arch = std::move(parsed).value();
  arch.qkNorm = QkNormKind::kPerHead;
  return readDeepseekMoe(config, std::move(arch));
}

Result<ModelArchitecture> readDbrx(const Json& config, const std::string& type) {
  // DBRX: sizes under d_model, n_heads, n_layers, attn_config.kv_n_heads and ffn_config
  // (ffn_hidden_size, moe_num_experts, moe_top_k); a fused Wqkv, LayerNorms without bias,
  // every layer's MLP a mixture of experts.
  const auto attention = config.find("attn_config");
  const auto ffn = config.find("ffn_config");
  const Json empty = Json::object();
  const Json& attn = attention != config.end() && attention->is_object() ? *attention : empty;
  const Json& experts = ffn != config.end() && ffn->is_object() ? *ffn : empty;
  Json sizes = config;
  if (const auto v = readInt(config, "d_model")) sizes["hidden_size"] = *v;
  if (const auto v = readInt(config, "n_heads")) sizes["num_attention_heads"] = *v;
  if (const auto v = readInt(config, "n_layers")) sizes["num_hidden_layers"] = *v;
  if (const auto v = readInt(attn, "kv_n_heads")) sizes["num_key_value_heads"] = *v;
  if (const auto v = readInt(experts, "ffn_hidden_size")) sizes["intermediate_size"] = *v;
  auto common = readCommon(sizes, type);
  if (!common) return common;
  ModelArchitecture arch = std::move(common).value();
  arch.maxPositions = intOr(config, "max_seq_len", 2048);
  arch.normKind = NormKind::kLayerNorm;
  arch.normHasBias = false;
  arch.fusedQkv = true;
  arch.dropout = numberOr(config, "resid_pdrop", 0);
  arch.tieWordEmbeddings = boolOr(config, "tie_word_embeddings", false);
  noSlidingWindow(arch);
  arch.moe.numExperts = intOr(experts, "moe_num_experts", 4);
  arch.moe.expertsPerToken = intOr(experts, "moe_top_k", 1);
  arch.moe.expertIntermediateSize = arch.intermediateSize;
  return requireIntermediate(std::move(arch));
}

}  // namespace gpumem::config
