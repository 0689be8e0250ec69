// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// The config.json readers of each model_type, and the field helpers they share (private to
// core/src). One reader per family; model_config.cpp maps model_type names onto them.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "gpumem/model_architecture.hpp"
#include "gpumem/result.hpp"

namespace gpumem::config {

using Json = nlohmann::json;

/// Reads the language model of one config.json into an architecture. `type` is the name
/// the architecture will carry (the config's model_type, or the family's for an alias).
using Reader = Result<ModelArchitecture> (*)(const Json& config, const std::string& type);

// --- Field helpers (model_config_fields.cpp) -----------------------------------------------

Error configError(const std::string& message);
std::string missingFieldMessage(const std::string& type, const char* field);

/// An integer member in [0, 2^40]; nullopt when absent, null, not a number or out of range.
std::optional<std::int64_t> readInt(const Json& object, const char* key);
std::int64_t intOr(const Json& object, const char* key, std::int64_t fallback);
/// The first of `keys` that is present (GPT-2 and Falcon use n_embd/n_head/n_layer names).
std::optional<std::int64_t> readAnyInt(const Json& object, std::initializer_list<const char*> keys);
bool boolOr(const Json& object, const char* key, bool fallback);
std::string stringOr(const Json& object, const char* key, const std::string& fallback);
/// A number field in [0, 1e6]; `fallback` when absent, 0 when present but null.
double numberOr(const Json& object, const char* key, double fallback);
bool isPresentNull(const Json& object, const char* key);
/// Whether a list member contains the integer `value`.
bool listContains(const Json& object, const char* key, std::int64_t value);

/// Reads the fields every Llama-style config shares: hidden_size, intermediate_size,
/// num_hidden_layers, num_attention_heads, num_key_value_heads (default: the heads),
/// head_dim (default: `defaultHeadDim`, else hidden / heads), vocab_size,
/// max_position_embeddings, hidden_act and attention_dropout.
Result<ModelArchitecture> readCommon(const Json& config, const std::string& type,
                                     std::int64_t defaultHeadDim = 0);
/// The architecture, or an error naming intermediate_size when the dense MLP has no width.
Result<ModelArchitecture> requireIntermediate(ModelArchitecture arch);
/// The Llama layout most later families start from: readCommon, q/k/v/o biased when
/// attention_bias, the MLP when mlp_bias, embeddings tied when tie_word_embeddings (default
/// `tiedByDefault`), no sliding window.
Result<ModelArchitecture> readLlamaLike(const Json& config, const std::string& type,
                                        bool tiedByDefault, std::int64_t defaultHeadDim = 0);
/// readLlamaLike without mlp_bias, for families whose configuration has no such field (their
/// MLP, or their experts, are bias-free): readCommon, q/k/v/o biased when attention_bias,
/// embeddings tied when tie_word_embeddings (default false), no sliding window.
Result<ModelArchitecture> readLlamaLikeAttention(const Json& config, const std::string& type,
                                                 bool tiedByDefault = false,
                                                 std::int64_t defaultHeadDim = 0);

/// Sliding-window layers from an explicit layer_types list; false when there is none.
bool readLayerTypes(const Json& config, ModelArchitecture& arch);
void noSlidingWindow(ModelArchitecture& arch);
/// The sliding window (sliding_window, `defaultWindow` when absent, none when null or 0), on
/// the layers layer_types names, else on layer i when `isSliding(i)`.
template <class Predicate>
void setSlidingLayers(const Json& config, ModelArchitecture& arch, std::int64_t defaultWindow,
                      Predicate isSliding) {
  arch.slidingWindow =
      isPresentNull(config, "sliding_window") ? 0 : intOr(config, "sliding_window", defaultWindow);
  if (arch.slidingWindow <= 0) {
    noSlidingWindow(arch);
    return;
  }
  if (readLayerTypes(config, arch)) return;
  arch.slidingLayers.assign(static_cast<std::size_t>(arch.numLayers), false);
  for (std::int64_t i = 0; i < arch.numLayers; ++i) {
    arch.slidingLayers[static_cast<std::size_t>(i)] = isSliding(i);
  }
}
/// How many of the layers 0 … layers − 1 `holds` is true of (the dense layers of a family
/// whose configuration places its mixture-of-experts layers by index or period).
template <class Predicate>
std::int64_t countLayers(std::int64_t layers, Predicate holds) {
  std::int64_t count = 0;
  for (std::int64_t i = 0; i < layers; ++i) count += holds(i) ? 1 : 0;
  return count;
}
/// Sliding layers by a repeating pattern: sliding_window_pattern as a number p (every p-th
/// layer global, Gemma 3, Cohere 2) or as letters ("LLLG": L local, G global, EXAONE 4).
void setPatternSlidingLayers(const Json& config, ModelArchitecture& arch,
                             std::int64_t defaultWindow, std::int64_t defaultPattern);

/// Mixtral's expert layout, which many families reuse: every MoE layer holds `countKey`
/// experts (default `defaultCount`) as wide as intermediate_size, num_experts_per_tok of them
/// (default `defaultPerToken`) routed per token (transformers MixtralSparseMoeBlock).
void readMixtralExperts(const Json& config, ModelArchitecture& arch, const char* countKey,
                        std::int64_t defaultCount, std::int64_t defaultPerToken = 2);
/// A mixture-of-experts architecture whose experts are moe_intermediate_size wide, or an error
/// naming moe_intermediate_size when they have no width, or intermediate_size when its dense
/// layers (moe.denseLayers, if any) have none.
Result<ModelArchitecture> requireMoeWidths(ModelArchitecture arch);
/// DeepSeek's MoE layout (n_routed_experts, num_experts_per_tok, moe_intermediate_size,
/// n_shared_experts, first_k_dense_replace, moe_layer_freq), shared by DeepSeek V1/V2/V3 and
/// dots.llm1. Fails naming moe_intermediate_size when routed experts have no width.
Result<ModelArchitecture> readDeepseekMoe(const Json& config, ModelArchitecture arch);
/// ERNIE 4.5's layout, shared by its dense and MoE readers (model_types_dense.cpp):
/// readCommon with head_dim 128 by default, q/k/v/o and MLP biased when use_bias, embeddings
/// tied unless tie_word_embeddings is false, no sliding window.
Result<ModelArchitecture> readErnie45Layout(const Json& config, const std::string& type);

// --- Readers of the families supported since the first release (model_types_classic.cpp) ---

Result<ModelArchitecture> readLlama(const Json& config, const std::string& type);
Result<ModelArchitecture> readMistral(const Json& config, const std::string& type);
Result<ModelArchitecture> readMixtral(const Json& config, const std::string& type);
Result<ModelArchitecture> readPhi3(const Json& config, const std::string& type);
Result<ModelArchitecture> readQwen2(const Json& config, const std::string& type);
Result<ModelArchitecture> readQwen2Moe(const Json& config, const std::string& type);
Result<ModelArchitecture> readQwen3(const Json& config, const std::string& type);
Result<ModelArchitecture> readQwen3Moe(const Json& config, const std::string& type);
Result<ModelArchitecture> readGemma(const Json& config, const std::string& type);
Result<ModelArchitecture> readGemma2(const Json& config, const std::string& type);
Result<ModelArchitecture> readGemma3(const Json& config, const std::string& type);
Result<ModelArchitecture> readGpt2(const Json& config, const std::string& type);
Result<ModelArchitecture> readGptNeox(const Json& config, const std::string& type);
Result<ModelArchitecture> readFalcon(const Json& config, const std::string& type);
Result<ModelArchitecture> readOlmo(const Json& config, const std::string& type);
Result<ModelArchitecture> readOlmo2(const Json& config, const std::string& type);
Result<ModelArchitecture> readOlmoe(const Json& config, const std::string& type);
Result<ModelArchitecture> readDeepseekMla(const Json& config, const std::string& type);
Result<ModelArchitecture> readGptOss(const Json& config, const std::string& type);
Result<ModelArchitecture> readLlama4(const Json& config, const std::string& type);

// --- Dense decoders added later (model_types_dense.cpp) --------------------------------------

Result<ModelArchitecture> readGranite(const Json& config, const std::string& type);
/// Mllama's language model (Llama 3.2 Vision, modeling_mllama.py MllamaTextModel): a Llama
/// decoder whose cross_attention_layers attend to the image instead of the text.
Result<ModelArchitecture> readMllama(const Json& config, const std::string& type);
Result<ModelArchitecture> readCohere(const Json& config, const std::string& type);
Result<ModelArchitecture> readCohere2(const Json& config, const std::string& type);
Result<ModelArchitecture> readGlm(const Json& config, const std::string& type);
Result<ModelArchitecture> readGlm4(const Json& config, const std::string& type);
Result<ModelArchitecture> readSmolLm3(const Json& config, const std::string& type);
Result<ModelArchitecture> readStarcoder2(const Json& config, const std::string& type);
Result<ModelArchitecture> readGptBigCode(const Json& config, const std::string& type);
Result<ModelArchitecture> readPhi(const Json& config, const std::string& type);
Result<ModelArchitecture> readStableLm(const Json& config, const std::string& type);
Result<ModelArchitecture> readInternLm2(const Json& config, const std::string& type);
Result<ModelArchitecture> readExaone(const Json& config, const std::string& type);
Result<ModelArchitecture> readExaone4(const Json& config, const std::string& type);
Result<ModelArchitecture> readErnie45(const Json& config, const std::string& type);
Result<ModelArchitecture> readSeedOss(const Json& config, const std::string& type);
Result<ModelArchitecture> readHunyuanDense(const Json& config, const std::string& type);
Result<ModelArchitecture> readArcee(const Json& config, const std::string& type);
Result<ModelArchitecture> readApertus(const Json& config, const std::string& type);
Result<ModelArchitecture> readHelium(const Json& config, const std::string& type);
Result<ModelArchitecture> readNemotron(const Json& config, const std::string& type);
Result<ModelArchitecture> readOlmo3(const Json& config, const std::string& type);
Result<ModelArchitecture> readGptJ(const Json& config, const std::string& type);
Result<ModelArchitecture> readBloom(const Json& config, const std::string& type);

// --- Mixtures of experts added later (model_types_moe.cpp) -----------------------------------

Result<ModelArchitecture> readGraniteMoe(const Json& config, const std::string& type);
Result<ModelArchitecture> readGlm4Moe(const Json& config, const std::string& type);
Result<ModelArchitecture> readPhiMoe(const Json& config, const std::string& type);
Result<ModelArchitecture> readErnie45Moe(const Json& config, const std::string& type);
Result<ModelArchitecture> readDeepseekV1(const Json& config, const std::string& type);
Result<ModelArchitecture> readDots1(const Json& config, const std::string& type);
Result<ModelArchitecture> readDbrx(const Json& config, const std::string& type);

// --- State-space models and hybrids (model_types_hybrid.cpp) -------------------------------

Result<ModelArchitecture> readMamba(const Json& config, const std::string& type);
Result<ModelArchitecture> readMamba2(const Json& config, const std::string& type);
Result<ModelArchitecture> readGraniteMoeHybrid(const Json& config, const std::string& type);
Result<ModelArchitecture> readBamba(const Json& config, const std::string& type);
Result<ModelArchitecture> readFalconH1(const Json& config, const std::string& type);
Result<ModelArchitecture> readJamba(const Json& config, const std::string& type);
Result<ModelArchitecture> readNemotronH(const Json& config, const std::string& type);
Result<ModelArchitecture> readQwen3Next(const Json& config, const std::string& type);
Result<ModelArchitecture> readMiniMax(const Json& config, const std::string& type);
Result<ModelArchitecture> readLfm2(const Json& config, const std::string& type);

// --- Bidirectional encoders for embeddings and reranking (model_types_encoder.cpp) --------

Result<ModelArchitecture> readBert(const Json& config, const std::string& type);
Result<ModelArchitecture> readRoberta(const Json& config, const std::string& type);
Result<ModelArchitecture> readModernBert(const Json& config, const std::string& type);

// --- Vision towers of vision-language models (vision_config.cpp) ---------------------------

/// Reads the vision_config (and projector fields) of a vision-language config.json whose
/// outer model_type is `type`; an empty tower when the type has none gpumem reads or the file
/// has no vision_config. `text` is the language model, whose width the projector maps into.
Result<VisionTower> readVisionTower(const Json& document, const std::string& type,
                                    const ModelArchitecture& text);

// --- Any other decoder, from the standard field names (model_config_generic.cpp) -----------

/// Reads a config whose model_type has no mapping from the field names most families share;
/// fails naming the first missing essential (hidden size, layers, heads, vocabulary).
Result<ModelArchitecture> readGeneric(const Json& config, const std::string& type);

}  // namespace gpumem::config
