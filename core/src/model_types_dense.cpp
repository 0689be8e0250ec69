// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// Readers of dense decoder families beyond the first release. Field names and defaults follow
// the transformers configuration classes (src/transformers/models/<type>/configuration_<type>.py),
// the per-layer modules the matching modeling_<type>.py (or, for InternLM2 and EXAONE 3, the
// modeling code published with the checkpoints).
#include <algorithm>
#include <cstdint>
#include <string>

#include "gpumem/model_types.hpp"

namespace gpumem::config {
namespace {

/// Cohere's decoder layer: one LayerNorm without bias (computed in fp32) feeding attention
/// and MLP in parallel; embeddings tied by default.
Result<ModelArchitecture> readCohereLayout(const Json& config, const std::string& type) {
  auto parsed = readLlamaLike(config, type, true);
  if (!parsed) return parsed;
  ModelArchitecture arch = std::move(parsed).value();
  arch.mlpBias = false;  // CohereMLP: gate/up/down without bias
  arch.normKind = NormKind::kLayerNorm;
  arch.normHasBias = false;
  arch.normInFp32 = true;  // CohereLayerNorm upcasts to fp32 and multiplies the weight there
  arch.normsPerLayer = 1;
  arch.parallelAttention = true;
  return arch;
}

/// GLM-4 (model_type glm) and GLM-4-0414 (glm4): 2 key/value heads of 128 by default, q/k/v
/// biased when attention_bias (default true), o not; one fused gate_up projection.
Result<ModelArchitecture> readGlmLayout(const Json& config, const std::string& type) {
  auto common = readCommon(config, type, 128);
  if (!common) return common;
  ModelArchitecture arch = std::move(common).value();
  arch.numKvHeads = intOr(config, "num_key_value_heads", 2);
  if (arch.numKvHeads <= 0) arch.numKvHeads = 2;
  arch.qkvBias = boolOr(config, "attention_bias", true);
  arch.oBias = false;
  arch.fusedGateUp = true;  // Phi3MLP's gate_up_proj
  arch.tieWordEmbeddings = boolOr(config, "tie_word_embeddings", false);
  noSlidingWindow(arch);
  return arch;
}

/// A feed-forward block act(x·W_up)·W_down without a gate (Arcee's ReLU², Apertus's xIELU,
/// Nemotron's ReLU²).
void usePlainMlp(ModelArchitecture& arch, const Json& config, const char* defaultAct) {
  arch.mlpKind = MlpKind::kPlain;
  arch.hiddenAct = stringOr(config, "hidden_act", defaultAct);
}

}  // namespace

Result<ModelArchitecture> readGranite(const Json& config, const std::string& type) {
  // Granite 3.x is Llama with scalar multipliers (embedding, residual, attention, logits):
  // they change no tensor.
  auto arch = readLlamaLike(config, type, false);
  if (!arch) return arch;
  return requireIntermediate(std::move(arch).value());
}

Result<ModelArchitecture> readCohere(const Json& config, const std::string& type) {
  auto parsed = readCohereLayout(config, type);
  if (!parsed) return parsed;
  ModelArchitecture arch = std::move(parsed).value();
  // use_qk_norm: CohereLayerNorm over (heads, head_dim) for q and (kv_heads, head_dim) for k.
  if (boolOr(config, "use_qk_norm", false)) arch.qkNorm = QkNormKind::kFull;
  return requireIntermediate(std::move(arch));
}

Result<ModelArchitecture> readCohere2(const Json& config, const std::string& type) {
  auto parsed = readCohereLayout(config, type);
  if (!parsed) return parsed;
  ModelArchitecture arch = std::move(parsed).value();
  arch.headDim = arch.hiddenSize / arch.numHeads;  // Cohere2Config sets head_dim so
  // Three sliding-window layers to one global layer (sliding_window_pattern 4).
  setPatternSlidingLayers(config, arch, 4096, 4);
  return requireIntermediate(std::move(arch));
}

Result<ModelArchitecture> readGlm(const Json& config, const std::string& type) {
  auto arch = readGlmLayout(config, type);
  if (!arch) return arch;
  return requireIntermediate(std::move(arch).value());
}

Result<ModelArchitecture> readGlm4(const Json& config, const std::string& type) {
  auto parsed = readGlmLayout(config, type);
  if (!parsed) return parsed;
  ModelArchitecture arch = std::move(parsed).value();
  // input, post_self_attn, post_attention and post_mlp norms.
  arch.normsPerLayer = 4;
  return requireIntermediate(std::move(arch));
}

Result<ModelArchitecture> readSmolLm3(const Json& config, const std::string& type) {
  // Llama with RoPE left out of every fourth layer (no weights change).
  auto parsed = readLlamaLike(config, type, true);
  if (!parsed) return parsed;
  ModelArchitecture arch = std::move(parsed).value();
  // Sliding window only when use_sliding_window, on the layers without RoPE.
  if (boolOr(config, "use_sliding_window", false)) {
    const std::int64_t interval =
        std::max<std::int64_t>(1, intOr(config, "no_rope_layer_interval", 4));
    const auto list = config.find("no_rope_layers");
    const bool listed = list != config.end() && list->is_array() &&
                        static_cast<std::int64_t>(list->size()) == arch.numLayers;
    setSlidingLayers(config, arch, 0, [&](std::int64_t i) {
      if (!listed) return (i + 1) % interval == 0;  // every interval-th layer has no RoPE
      const Json& hasRope = (*list)[static_cast<std::size_t>(i)];  // 1: RoPE, 0: none
      return hasRope.is_number() && hasRope.get<double>() == 0;
    });
  }
  return requireIntermediate(std::move(arch));
}

Result<ModelArchitecture> readStarcoder2(const Json& config, const std::string& type) {
  auto common = readCommon(config, type);
  if (!common) return common;
  ModelArchitecture arch = std::move(common).value();
  arch.numKvHeads = intOr(config, "num_key_value_heads", 2);
  if (arch.numKvHeads <= 0) arch.numKvHeads = 2;
  arch.hiddenAct = stringOr(config, "hidden_act", "gelu_pytorch_tanh");
  arch.mlpKind = MlpKind::kPlain;  // c_fc, c_proj
  arch.normKind = NormKind::kLayerNorm;
  arch.normHasBias = true;
  arch.qkvBias = arch.oBias = arch.mlpBias = boolOr(config, "use_bias", true);
  arch.tieWordEmbeddings = boolOr(config, "tie_word_embeddings", true);
  arch.dropout = numberOr(config, "residual_dropout", 0);
  setSlidingLayers(config, arch, 0, [](std::int64_t) { return true; });
  return requireIntermediate(std::move(arch));
}

Result<ModelArchitecture> readGptBigCode(const Json& config, const std::string& type) {
  // GPT-2's layout with multi-query attention: c_attn projects hidden → hidden + 2 × head_dim.
  auto common = readCommon(config, type);
  if (!common) return common;
  ModelArchitecture arch = std::move(common).value();
  arch.numKvHeads = boolOr(config, "multi_query", true) ? 1 : arch.numHeads;
  arch.headDim = arch.hiddenSize / arch.numHeads;
  arch.intermediateSize = intOr(config, "n_inner", 4 * arch.hiddenSize);
  if (arch.intermediateSize <= 0) arch.intermediateSize = 4 * arch.hiddenSize;
  arch.maxPositions = intOr(config, "n_positions", 1024);
  arch.learnedPositions = arch.maxPositions;
  arch.hiddenAct = stringOr(config, "activation_function", "gelu_pytorch_tanh");
  arch.dropout = numberOr(config, "resid_pdrop", 0.1);
  arch.attentionDropout = numberOr(config, "attn_pdrop", 0.1);
  arch.mlpKind = MlpKind::kPlain;
  arch.normKind = NormKind::kLayerNorm;
  arch.normHasBias = true;
  arch.qkvBias = arch.oBias = arch.mlpBias = true;
  arch.fusedQkv = true;
  arch.tieWordEmbeddings = boolOr(config, "tie_word_embeddings", true);
  noSlidingWindow(arch);
  return arch;
}

Result<ModelArchitecture> readPhi(const Json& config, const std::string& type) {
  // Phi-1/1.5/2: one LayerNorm feeding attention and a plain fc1/fc2 MLP in parallel; every
  // linear layer (the output head too) has a bias.
  auto common = readCommon(config, type);
  if (!common) return common;
  ModelArchitecture arch = std::move(common).value();
  arch.hiddenAct = stringOr(config, "hidden_act", "gelu_new");
  arch.mlpKind = MlpKind::kPlain;
  arch.normKind = NormKind::kLayerNorm;
  arch.normHasBias = true;
  arch.normsPerLayer = 1;
  arch.parallelAttention = true;
  arch.qkvBias = arch.oBias = arch.mlpBias = true;
  arch.outputBias = true;
  arch.dropout = numberOr(config, "resid_pdrop", 0);
  if (boolOr(config, "qk_layernorm", false)) {
    arch.qkNorm = QkNormKind::kPerHead;  // one LayerNorm(head_dim) each for q and k
    arch.qkNormHasBias = true;
  }
  arch.tieWordEmbeddings = boolOr(config, "tie_word_embeddings", false);
  noSlidingWindow(arch);
  return requireIntermediate(std::move(arch));
}

Result<ModelArchitecture> readStableLm(const Json& config, const std::string& type) {
  auto common = readCommon(config, type);
  if (!common) return common;
  ModelArchitecture arch = std::move(common).value();
  arch.normKind = NormKind::kLayerNorm;
  arch.normHasBias = true;
  arch.qkvBias = boolOr(config, "use_qkv_bias", false);
  arch.oBias = false;
  arch.dropout = numberOr(config, "hidden_dropout", 0);
  if (boolOr(config, "use_parallel_residual", false)) {
    arch.parallelAttention = true;
    arch.normsPerLayer = 1;
  }
  // qk_layernorm: one bias-free LayerNorm(head_dim) per head, for q and for k.
  if (boolOr(config, "qk_layernorm", false)) arch.qkNorm = QkNormKind::kFull;
  arch.tieWordEmbeddings = boolOr(config, "tie_word_embeddings", false);
  noSlidingWindow(arch);
  return requireIntermediate(std::move(arch));
}

Result<ModelArchitecture> readInternLm2(const Json& config, const std::string& type) {
  // InternLM2 (modeling_internlm2.py beside the checkpoints): wqkv fused, wo, w1/w3/w2.
  auto common = readCommon(config, type);
  if (!common) return common;
  ModelArchitecture arch = std::move(common).value();
  arch.qkvBias = arch.oBias = boolOr(config, "bias", true);
  arch.fusedQkv = true;
  arch.tieWordEmbeddings = boolOr(config, "tie_word_embeddings", false);
  noSlidingWindow(arch);
  return requireIntermediate(std::move(arch));
}

Result<ModelArchitecture> readExaone(const Json& config, const std::string& type) {
  // EXAONE 3 / 3.5 (modeling_exaone.py beside the checkpoints): Llama's tensors under GPT-2
  // style names (num_layers, activation_function, c_fc_0/c_fc_1/c_proj).
  auto common = readCommon(config, type);
  if (!common) return common;
  ModelArchitecture arch = std::move(common).value();
  arch.hiddenAct = stringOr(config, "activation_function", "silu");
  if (arch.intermediateSize <= 0) arch.intermediateSize = 4 * arch.hiddenSize;
  arch.tieWordEmbeddings = boolOr(config, "tie_word_embeddings", true);
  noSlidingWindow(arch);
  return arch;
}

Result<ModelArchitecture> readExaone4(const Json& config, const std::string& type) {
  // Norms after attention and after the MLP (no input norm), per-head q/k norms; three local
  // layers to one global (sliding_window_pattern 4 or "LLLG").
  auto common = readCommon(config, type);
  if (!common) return common;
  ModelArchitecture arch = std::move(common).value();
  arch.qkNorm = QkNormKind::kPerHead;
  arch.tieWordEmbeddings = boolOr(config, "tie_word_embeddings", false);
  setPatternSlidingLayers(config, arch, 4096, 4);
  return requireIntermediate(std::move(arch));
}

Result<ModelArchitecture> readErnie45Layout(const Json& config, const std::string& type) {
  auto common = readCommon(config, type, 128);
  if (!common) return common;
  ModelArchitecture arch = std::move(common).value();
  arch.qkvBias = arch.oBias = arch.mlpBias = boolOr(config, "use_bias", false);
  arch.tieWordEmbeddings = boolOr(config, "tie_word_embeddings", true);
  noSlidingWindow(arch);
  return arch;
}

Result<ModelArchitecture> readErnie45(const Json& config, const std::string& type) {
  auto arch = readErnie45Layout(config, type);
  if (!arch) return arch;
  return requireIntermediate(std::move(arch).value());
}

Result<ModelArchitecture> readSeedOss(const Json& config, const std::string& type) {
  auto common = readCommon(config, type, 128);
  if (!common) return common;
  ModelArchitecture arch = std::move(common).value();
  arch.qkvBias = boolOr(config, "attention_bias", true);
  arch.oBias = boolOr(config, "attention_out_bias", false);
  arch.mlpBias = boolOr(config, "mlp_bias", false);
  arch.dropout = numberOr(config, "residual_dropout", 0);  // after attention and after the MLP
  arch.tieWordEmbeddings = boolOr(config, "tie_word_embeddings", false);
  noSlidingWindow(arch);
  return requireIntermediate(std::move(arch));
}

Result<ModelArchitecture> readHunyuanDense(const Json& config, const std::string& type) {
  // Llama with a per-head RMSNorm on queries and keys (query_layernorm, key_layernorm).
  auto parsed = readLlamaLike(config, type, false, 128);
  if (!parsed) return parsed;
  ModelArchitecture arch = std::move(parsed).value();
  arch.qkNorm = QkNormKind::kPerHead;
  return requireIntermediate(std::move(arch));
}

Result<ModelArchitecture> readArcee(const Json& config, const std::string& type) {
  auto parsed = readLlamaLike(config, type, false);
  if (!parsed) return parsed;
  ModelArchitecture arch = std::move(parsed).value();
  usePlainMlp(arch, config, "relu2");  // up_proj, down_proj
  return requireIntermediate(std::move(arch));
}

Result<ModelArchitecture> readApertus(const Json& config, const std::string& type) {
  auto parsed = readLlamaLike(config, type, false);
  if (!parsed) return parsed;
  ModelArchitecture arch = std::move(parsed).value();
  usePlainMlp(arch, config, "xielu");  // up_proj, down_proj
  arch.qkNorm = QkNormKind::kPerHead;
  return requireIntermediate(std::move(arch));
}

Result<ModelArchitecture> readHelium(const Json& config, const std::string& type) {
  auto arch = readLlamaLike(config, type, false, 128);
  if (!arch) return arch;
  return requireIntermediate(std::move(arch).value());
}

Result<ModelArchitecture> readNemotron(const Json& config, const std::string& type) {
  // Nemotron-4 / Minitron: LayerNorm1P (weight and bias), a plain ReLU² MLP.
  auto parsed = readLlamaLike(config, type, false);
  if (!parsed) return parsed;
  ModelArchitecture arch = std::move(parsed).value();
  usePlainMlp(arch, config, "relu2");
  arch.normKind = NormKind::kLayerNorm;
  arch.normHasBias = true;
  return requireIntermediate(std::move(arch));
}

Result<ModelArchitecture> readOlmo3(const Json& config, const std::string& type) {
  // OLMo 2's layout (q/k norms over the projections, norms after attention and MLP) with three
  // sliding-window layers to one global layer.
  auto parsed = readLlamaLikeAttention(config, type);
  if (!parsed) return parsed;
  ModelArchitecture arch = std::move(parsed).value();
  arch.qkNorm = QkNormKind::kFull;
  setSlidingLayers(config, arch, 4096, [](std::int64_t i) { return (i + 1) % 4 != 0; });
  return requireIntermediate(std::move(arch));
}

Result<ModelArchitecture> readGptJ(const Json& config, const std::string& type) {
  // GPT-J: one LayerNorm feeding attention (q/k/v/out without bias) and a plain fc_in/fc_out
  // MLP (with biases) in parallel; the output head has a bias.
  auto common = readCommon(config, type);
  if (!common) return common;
  ModelArchitecture arch = std::move(common).value();
  arch.intermediateSize = intOr(config, "n_inner", 4 * arch.hiddenSize);
  if (arch.intermediateSize <= 0) arch.intermediateSize = 4 * arch.hiddenSize;
  arch.maxPositions = intOr(config, "n_positions", 2048);
  arch.hiddenAct = stringOr(config, "activation_function", "gelu_new");
  arch.dropout = numberOr(config, "resid_pdrop", 0);
  arch.attentionDropout = numberOr(config, "attn_pdrop", 0);
  arch.mlpKind = MlpKind::kPlain;
  arch.normKind = NormKind::kLayerNorm;
  arch.normHasBias = true;
  arch.normsPerLayer = 1;
  arch.parallelAttention = true;
  arch.mlpBias = true;
  arch.outputBias = true;
  arch.tieWordEmbeddings = boolOr(config, "tie_word_embeddings", false);
  noSlidingWindow(arch);
  return arch;
}

Result<ModelArchitecture> readBloom(const Json& config, const std::string& type) {
  // BLOOM: ALiBi (no position table), LayerNorms with bias, a fused query_key_value and every
  // linear layer biased, a plain 4 × hidden GELU MLP, and a LayerNorm over the embeddings.
  Json sizes = config;
  if (const auto embed = readInt(config, "n_embed"); embed && !config.contains("hidden_size")) {
    sizes["hidden_size"] = *embed;  // BloomConfig's older name for it
  }
  auto common = readCommon(sizes, type);
  if (!common) return common;
  ModelArchitecture arch = std::move(common).value();
  arch.intermediateSize = 4 * arch.hiddenSize;
  arch.hiddenAct = "gelu";  // BloomGelu
  arch.mlpKind = MlpKind::kPlain;
  arch.normKind = NormKind::kLayerNorm;
  arch.normHasBias = true;
  arch.qkvBias = arch.oBias = arch.mlpBias = true;
  arch.fusedQkv = true;
  arch.embeddingNorm = true;  // word_embeddings_layernorm
  arch.dropout = numberOr(config, "hidden_dropout", 0);
  arch.tieWordEmbeddings = boolOr(config, "tie_word_embeddings", true);
  noSlidingWindow(arch);
  return arch;
}

Result<ModelArchitecture> readMllama(const Json& config, const std::string& type) {
  // MllamaTextConfig's defaults (configuration_mllama.py) are the 11B's: files written by
  // later transformers releases keep only what differs from them.
  Json text = config;
  const std::pair<const char*, Json> defaults[] = {
      {"hidden_size", 4096},          {"intermediate_size", 14336},
      {"num_hidden_layers", 40},      {"num_attention_heads", 32},
      {"num_key_value_heads", 8},     {"vocab_size", 128256},
      {"tie_word_embeddings", false}, {"cross_attention_layers", {3, 8, 13, 18, 23, 28, 33, 38}}};
  for (const auto& [key, value] : defaults) {
    if (!text.contains(key) || text[key].is_null()) text[key] = value;
  }
  auto parsed = readLlamaLike(text, type, false);
  if (!parsed) return parsed;
  ModelArchitecture arch = std::move(parsed).value();
  // embed_tokens has vocab_size + 8 rows (the <|image|> token among them); lm_head vocab_size.
  arch.extraEmbeddingRows = 8;
  const Json& cross = text["cross_attention_layers"];
  if (!cross.is_array()) {
    return configError("cross_attention_layers of model_type \"" + type +
                       "\" must be a list of layer indices.");
  }
  arch.mixers.assign(static_cast<std::size_t>(arch.numLayers), MixerKind::kAttention);
  // MllamaTextModel makes layer i a cross-attention layer when i is in the list: indices past
  // the last layer name none.
  for (const Json& index : cross) {
    if (!index.is_number_integer() || index.get<std::int64_t>() < 0) {
      return configError("cross_attention_layers of model_type \"" + type +
                         "\" must hold layer indices (whole numbers from 0).");
    }
    const auto layer = index.get<std::int64_t>();
    if (layer < arch.numLayers)
      arch.mixers[static_cast<std::size_t>(layer)] = MixerKind::kCrossAttention;
  }
  return requireIntermediate(std::move(arch));
}

}  // namespace gpumem::config
