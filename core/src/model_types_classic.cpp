// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// Readers of the families gpumem sized from its first release: Llama, Mistral, Mixtral, Qwen 2/3,
// Gemma 1/2/3, Phi-3, GPT-2, GPT-NeoX, Falcon, OLMo, DeepSeek V2/V3, gpt-oss, Llama 4. Field
// names and defaults follow the transformers configuration classes
// (src/transformers/models/<type>/configuration_<type>.py) and, for the per-layer layout, the
// matching modeling_<type>.py.
#include <algorithm>
#include <cstdint>
#include <string>

#include "gpumem/model_types.hpp"

namespace gpumem::config {
namespace {

/// Llama's layout, shared by Mistral and Phi-3: attention_bias on q/k/v/o, mlp_bias.
Result<ModelArchitecture> readLlamaLayout(const Json& config, const std::string& type) {
  auto common = readCommon(config, type);
  if (!common) return common;
  ModelArchitecture arch = std::move(common).value();
  const bool attentionBias = boolOr(config, "attention_bias", false);
  arch.qkvBias = attentionBias;
  arch.oBias = attentionBias;
  arch.mlpBias = boolOr(config, "mlp_bias", false);
  arch.tieWordEmbeddings = boolOr(config, "tie_word_embeddings", false);
  noSlidingWindow(arch);
  return arch;
}

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

/// Qwen2 (q/k/v biased, o not) and Qwen3 (per-head q/k norms, head_dim 128 by default).
Result<ModelArchitecture> readQwenLayout(const Json& config, const std::string& type, bool qwen3) {
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
  return arch;
}

/// The experts of Qwen2-MoE (with a gated shared expert) and Qwen3-MoE.
Result<ModelArchitecture> addQwenExperts(const Json& config, ModelArchitecture arch, bool qwen2) {
  arch.moe.numExperts = intOr(config, "num_experts", qwen2 ? 60 : 128);
  arch.moe.expertsPerToken = intOr(config, "num_experts_per_tok", qwen2 ? 4 : 8);
  arch.moe.expertIntermediateSize = intOr(config, "moe_intermediate_size", qwen2 ? 1408 : 768);
  arch.moe.denseLayers = qwenDenseLayers(config, arch.numLayers);
  if (qwen2) {
    arch.moe.numSharedExperts = 1;
    arch.moe.sharedExpertIntermediateSize = intOr(config, "shared_expert_intermediate_size", 5632);
    arch.moe.sharedExpertGate = true;
  }
  if (arch.moe.denseLayers > 0) return requireIntermediate(std::move(arch));
  return arch;
}

/// Gemma's common fields: head_dim 256, hidden_activation, tied embeddings, (1 + w) norms.
Result<ModelArchitecture> readGemmaLayout(const Json& config, const std::string& type) {
  auto common = readCommon(config, type, 256);
  if (!common) return common;
  ModelArchitecture arch = std::move(common).value();
  arch.hiddenAct =
      stringOr(config, "hidden_activation", stringOr(config, "hidden_act", "gelu_pytorch_tanh"));
  arch.tieWordEmbeddings = boolOr(config, "tie_word_embeddings", true);
  arch.qkvBias = boolOr(config, "attention_bias", false);
  arch.oBias = arch.qkvBias;
  arch.normInFp32 = true;  // GemmaRMSNorm multiplies by (1 + w) in fp32
  return arch;
}

/// OLMo 1 (LayerNorm without weights), OLMo 2 and OLMoE (q/k norms over the projections).
Result<ModelArchitecture> readOlmoLayout(const Json& config, const std::string& type, bool olmo1) {
  auto common = readCommon(config, type);
  if (!common) return common;
  ModelArchitecture arch = std::move(common).value();
  arch.tieWordEmbeddings = boolOr(config, "tie_word_embeddings", false);
  arch.qkvBias = arch.oBias = boolOr(config, "attention_bias", false);
  noSlidingWindow(arch);
  if (olmo1) {
    arch.normKind = NormKind::kNonParametricLayerNorm;  // OlmoLayerNorm has no weights
  } else {
    arch.qkNorm = QkNormKind::kFull;  // q_norm and k_norm over the whole projection
  }
  return arch;
}

}  // namespace

// --- Llama family ---------------------------------------------------------------------

Result<ModelArchitecture> readLlama(const Json& config, const std::string& type) {
  auto arch = readLlamaLayout(config, type);
  if (!arch) return arch;
  return requireIntermediate(std::move(arch).value());
}

Result<ModelArchitecture> readMistral(const Json& config, const std::string& type) {
  auto parsed = readLlamaLayout(config, type);
  if (!parsed) return parsed;
  ModelArchitecture arch = std::move(parsed).value();
  setSlidingLayers(config, arch, 4096, [](std::int64_t) { return true; });
  return requireIntermediate(std::move(arch));
}

Result<ModelArchitecture> readPhi3(const Json& config, const std::string& type) {
  auto parsed = readLlamaLayout(config, type);
  if (!parsed) return parsed;
  ModelArchitecture arch = std::move(parsed).value();
  setSlidingLayers(config, arch, 0, [](std::int64_t) { return true; });
  arch.fusedQkv = true;     // qkv_proj
  arch.fusedGateUp = true;  // gate_up_proj
  return requireIntermediate(std::move(arch));
}

Result<ModelArchitecture> readMixtral(const Json& config, const std::string& type) {
  auto parsed = readLlama(config, type);
  if (!parsed) return parsed;
  ModelArchitecture arch = std::move(parsed).value();
  setSlidingLayers(config, arch, 0, [](std::int64_t) { return true; });
  readMixtralExperts(config, arch, "num_local_experts", 8);
  return arch;
}

// --- Qwen ------------------------------------------------------------------------------

Result<ModelArchitecture> readQwen2(const Json& config, const std::string& type) {
  auto arch = readQwenLayout(config, type, false);
  if (!arch) return arch;
  return requireIntermediate(std::move(arch).value());
}

Result<ModelArchitecture> readQwen3(const Json& config, const std::string& type) {
  auto arch = readQwenLayout(config, type, true);
  if (!arch) return arch;
  return requireIntermediate(std::move(arch).value());
}

Result<ModelArchitecture> readQwen2Moe(const Json& config, const std::string& type) {
  auto arch = readQwenLayout(config, type, false);
  if (!arch) return arch;
  return addQwenExperts(config, std::move(arch).value(), true);
}

Result<ModelArchitecture> readQwen3Moe(const Json& config, const std::string& type) {
  auto arch = readQwenLayout(config, type, true);
  if (!arch) return arch;
  return addQwenExperts(config, std::move(arch).value(), false);
}

// --- Gemma -----------------------------------------------------------------------------

Result<ModelArchitecture> readGemma(const Json& config, const std::string& type) {
  auto parsed = readGemmaLayout(config, type);
  if (!parsed) return parsed;
  ModelArchitecture arch = std::move(parsed).value();
  noSlidingWindow(arch);
  return requireIntermediate(std::move(arch));
}

Result<ModelArchitecture> readGemma2(const Json& config, const std::string& type) {
  auto parsed = readGemmaLayout(config, type);
  if (!parsed) return parsed;
  ModelArchitecture arch = std::move(parsed).value();
  arch.normsPerLayer = 4;  // input, post-attention, pre- and post-feedforward
  arch.finalLogitSoftcap = numberOr(config, "final_logit_softcapping", 30.0);
  setSlidingLayers(config, arch, 4096, [](std::int64_t i) { return i % 2 == 0; });
  return requireIntermediate(std::move(arch));
}

Result<ModelArchitecture> readGemma3(const Json& config, const std::string& type) {
  auto parsed = readGemmaLayout(config, type);
  if (!parsed) return parsed;
  ModelArchitecture arch = std::move(parsed).value();
  arch.normsPerLayer = 4;
  arch.qkNorm = QkNormKind::kPerHead;
  setPatternSlidingLayers(config, arch, 4096, 6);
  return requireIntermediate(std::move(arch));
}

// --- GPT-2, GPT-NeoX, Falcon -------------------------------------------------------------

Result<ModelArchitecture> readGpt2(const Json& config, const std::string& type) {
  auto common = readCommon(config, type);
  if (!common) return common;
  ModelArchitecture arch = std::move(common).value();
  arch.intermediateSize = intOr(config, "n_inner", 4 * arch.hiddenSize);
  if (arch.intermediateSize <= 0) arch.intermediateSize = 4 * arch.hiddenSize;
  arch.maxPositions = intOr(config, "n_positions", 1024);
  arch.learnedPositions = arch.maxPositions;
  arch.hiddenAct = stringOr(config, "activation_function", "gelu_new");
  arch.dropout = numberOr(config, "resid_pdrop", 0.1);  // GPT2Config default
  arch.attentionDropout = numberOr(config, "attn_pdrop", 0.1);
  arch.mlpKind = MlpKind::kPlain;
  arch.normKind = NormKind::kLayerNorm;
  arch.normHasBias = true;
  arch.qkvBias = arch.oBias = arch.mlpBias = true;  // Conv1D layers all carry biases
  arch.fusedQkv = true;                             // c_attn
  arch.tieWordEmbeddings = boolOr(config, "tie_word_embeddings", true);
  noSlidingWindow(arch);
  return arch;
}

Result<ModelArchitecture> readGptNeox(const Json& config, const std::string& type) {
  auto common = readCommon(config, type);
  if (!common) return common;
  ModelArchitecture arch = std::move(common).value();
  arch.hiddenAct = stringOr(config, "hidden_act", "gelu");
  arch.mlpKind = MlpKind::kPlain;
  arch.normKind = NormKind::kLayerNorm;
  arch.normHasBias = true;
  arch.qkvBias = arch.oBias = boolOr(config, "attention_bias", true);
  arch.mlpBias = true;
  arch.fusedQkv = true;  // query_key_value
  arch.tieWordEmbeddings = boolOr(config, "tie_word_embeddings", false);
  noSlidingWindow(arch);
  return requireIntermediate(std::move(arch));
}

Result<ModelArchitecture> readFalcon(const Json& config, const std::string& type) {
  auto common = readCommon(config, type);
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
  arch.fusedQkv = true;  // query_key_value
  arch.tieWordEmbeddings = boolOr(config, "tie_word_embeddings", true);
  noSlidingWindow(arch);
  return arch;
}

// --- OLMo --------------------------------------------------------------------------------

Result<ModelArchitecture> readOlmo(const Json& config, const std::string& type) {
  auto arch = readOlmoLayout(config, type, true);
  if (!arch) return arch;
  return requireIntermediate(std::move(arch).value());
}

Result<ModelArchitecture> readOlmo2(const Json& config, const std::string& type) {
  auto arch = readOlmoLayout(config, type, false);
  if (!arch) return arch;
  return requireIntermediate(std::move(arch).value());
}

Result<ModelArchitecture> readOlmoe(const Json& config, const std::string& type) {
  auto parsed = readOlmoLayout(config, type, false);
  if (!parsed) return parsed;
  ModelArchitecture arch = std::move(parsed).value();
  readMixtralExperts(config, arch, "num_experts", 64, 8);
  return requireIntermediate(std::move(arch));
}

// --- DeepSeek V2/V3 ----------------------------------------------------------------------

Result<ModelArchitecture> readDeepseekMla(const Json& config, const std::string& type) {
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
  if (config.contains("index_n_heads")) {  // DeepSeek V3.2's sparse attention
    arch.mla.indexHeads = intOr(config, "index_n_heads", 64);
    arch.mla.indexHeadDim = intOr(config, "index_head_dim", 128);
  }
  arch.headDim = arch.mla.qkNopeHeadDim + arch.mla.qkRopeHeadDim;
  arch.numKvHeads = arch.numHeads;
  noSlidingWindow(arch);
  return readDeepseekMoe(config, std::move(arch));
}

// --- gpt-oss -----------------------------------------------------------------------------

Result<ModelArchitecture> readGptOss(const Json& config, const std::string& type) {
  auto common = readCommon(config, type, 64);
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
  arch.moe.fusedExperts = true;  // modeling_gpt_oss.py GptOssExperts
  setSlidingLayers(config, arch, 128, [](std::int64_t i) { return i % 2 == 0; });
  return requireIntermediate(std::move(arch));
}

// --- Llama 4 (text part) -----------------------------------------------------------------

Result<ModelArchitecture> readLlama4(const Json& config, const std::string& type) {
  auto common = readCommon(config, type, 128);
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

}  // namespace gpumem::config
