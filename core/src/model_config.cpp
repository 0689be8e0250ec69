// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// The model_type table: which reader sizes each config.json, and what is refused. The readers
// live in model_types_*.cpp, the generic one in model_config_generic.cpp.
#include "gpumem/model_config.hpp"

#include <array>
#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "gpumem/model_types.hpp"

namespace gpumem {
namespace {

using config::Json;

/// One model_type: the reader of its family and the name the architecture carries ("" for
/// the model_type itself).
struct Mapping {
  std::string_view type;
  config::Reader read;
  std::string_view name = {};
};

// clang-format off
constexpr Mapping kMappings[] = {
    // Llama and its close relatives
    {"llama", config::readLlama},
    {"mistral", config::readMistral},
    {"ministral", config::readMistral},
    {"mixtral", config::readMixtral},
    {"granite", config::readGranite},
    {"granitemoe", config::readGraniteMoe},
    {"granitemoeshared", config::readGraniteMoe},
    {"smollm3", config::readSmolLm3},
    {"helium", config::readHelium},
    {"hunyuan_v1_dense", config::readHunyuanDense},
    {"arcee", config::readArcee},
    {"apertus", config::readApertus},
    {"nemotron", config::readNemotron},
    {"internlm2", config::readInternLm2},
    {"exaone", config::readExaone},
    {"exaone4", config::readExaone4},
    {"seed_oss", config::readSeedOss},
    {"ernie4_5", config::readErnie45},
    {"ernie4_5_moe", config::readErnie45Moe},
    // Qwen
    {"qwen2", config::readQwen2},
    {"qwen2_moe", config::readQwen2Moe},
    {"qwen3", config::readQwen3},
    {"qwen3_moe", config::readQwen3Moe},
    // Gemma
    {"gemma", config::readGemma},
    {"gemma2", config::readGemma2},
    {"gemma3", config::readGemma3},
    {"gemma3_text", config::readGemma3, "gemma3"},
    // Phi
    {"phi", config::readPhi},
    {"phi3", config::readPhi3},
    {"phimoe", config::readPhiMoe},
    // Cohere, GLM
    {"cohere", config::readCohere},
    {"cohere2", config::readCohere2},
    {"glm", config::readGlm},
    {"glm4", config::readGlm4},
    {"glm4_moe", config::readGlm4Moe},
    // GPT-2 style and other early designs
    {"gpt2", config::readGpt2},
    {"gpt_bigcode", config::readGptBigCode},
    {"gptj", config::readGptJ},
    {"bloom", config::readBloom},
    {"starcoder2", config::readStarcoder2},
    {"gpt_neox", config::readGptNeox},
    {"stablelm", config::readStableLm},
    {"falcon", config::readFalcon},
    // OLMo
    {"olmo", config::readOlmo},
    {"olmo2", config::readOlmo2},
    {"olmo3", config::readOlmo3},
    {"olmoe", config::readOlmoe},
    // DeepSeek and designs built on its experts
    {"deepseek", config::readDeepseekV1},
    {"deepseek_v2", config::readDeepseekMla},
    {"deepseek_v3", config::readDeepseekMla},
    // DeepSeek V3.2 adds a lightning indexer to every MLA layer (index_n_heads, index_head_dim).
    {"deepseek_v32", config::readDeepseekMla},
    {"kimi_k2", config::readDeepseekMla},
    {"dots1", config::readDots1},
    {"dbrx", config::readDbrx},
    // gpt-oss, Llama 4
    {"gpt_oss", config::readGptOss},
    {"llama4", config::readLlama4},
    {"llama4_text", config::readLlama4, "llama4"},
    // State-space models, and hybrids of attention with Mamba, linear attention or short
    // convolutions: their recurrent state is sized beside the attention layers' KV cache.
    {"mamba", config::readMamba},
    {"falcon_mamba", config::readMamba},
    {"mamba2", config::readMamba2},
    {"granitemoehybrid", config::readGraniteMoeHybrid},
    {"bamba", config::readBamba},
    {"falcon_h1", config::readFalconH1},
    {"jamba", config::readJamba},
    {"nemotron_h", config::readNemotronH},
    {"qwen3_next", config::readQwen3Next},
    {"minimax", config::readMiniMax},
    {"minimax_text_01", config::readMiniMax, "minimax"},
    {"minimax_m1", config::readMiniMax, "minimax"},
    {"lfm2", config::readLfm2},
    // Bidirectional encoders served for embeddings and reranking: one forward, no KV cache.
    {"bert", config::readBert},
    {"roberta", config::readRoberta},
    {"xlm-roberta", config::readRoberta},
    {"modernbert", config::readModernBert},
    // Vision-language models: the language model, from text_config when the file has one,
    // else from the top level; the vision tower from vision_config (vision_config.cpp).
    {"mistral3", config::readMistral, "mistral"},
    {"llava", config::readLlama, "llama"},
    {"llava_next", config::readLlama, "llama"},
    {"idefics3", config::readLlama, "llama"},
    {"smolvlm", config::readLlama, "llama"},
    {"qwen2_vl", config::readQwen2},
    {"qwen2_vl_text", config::readQwen2},
    {"qwen2_5_vl", config::readQwen2},
    {"qwen2_5_vl_text", config::readQwen2},
    {"qwen3_vl", config::readQwen3},
    {"qwen3_vl_text", config::readQwen3},
    {"qwen3_vl_moe", config::readQwen3Moe},
    {"qwen3_vl_moe_text", config::readQwen3Moe},
    {"mllama", config::readMllama},
    {"mllama_text_model", config::readMllama, "mllama"},
};
// clang-format on

constexpr auto kTypeNames = [] {
  std::array<std::string_view, std::size(kMappings)> names{};
  for (std::size_t i = 0; i < names.size(); ++i) names[i] = kMappings[i].type;
  return names;
}();

/// model_types whose layers are not all attention layers, or whose weights are laid out in a
/// way the standard field names do not describe: a generic read would misstate them.
struct Refusal {
  std::string_view type;
  std::string_view why;
};

constexpr std::string_view kRecurrent =
    "mixes attention with recurrent or state-space layers of a kind gpumem does not size yet";
constexpr Refusal kRefused[] = {
    {"zamba", kRecurrent},
    {"zamba2", kRecurrent},
    {"lfm2_moe", kRecurrent},
    {"recurrent_gemma", kRecurrent},
    {"rwkv", kRecurrent},
    {"xlstm", kRecurrent},
    {"plamo2", kRecurrent},
    {"kimi_linear", kRecurrent},
    {"gemma3n", "has per-layer embeddings and alternating updates the standard fields miss"},
};

std::string supportedList() {
  std::string list;
  for (std::string_view known : kTypeNames) {
    list += (list.empty() ? "" : ", ") + std::string(known);
  }
  return list;
}

Error refusedTypeError(const std::string& type, std::string_view why) {
  return config::configError(
      "model_type \"" + type + "\" " + std::string(why) + ". Supported: " + supportedList() +
      ", and other decoder-only transformers read generically. To size it as a plain "
      "transformer anyway, give a model_type such as llama with hidden_size, "
      "num_hidden_layers, num_attention_heads, num_key_value_heads, head_dim, "
      "intermediate_size, vocab_size and tie_word_embeddings.");
}

/// A text model class's default for one size field, which transformers leaves out of a nested
/// text_config that keeps it.
struct NestedDefault {
  std::string_view type;
  const char* key;
  std::int64_t value;
};

/// LlamaConfig's (configuration_llama.py) and MistralConfig's (configuration_mistral.py)
/// defaults for the sizes: LLaVA 1.5 and LLaVA-NeXT files keep only what differs from them
/// (llava-v1.6-mistral-7b-hf's text_config has no hidden_size, num_hidden_layers or
/// num_attention_heads).
constexpr NestedDefault kNestedDefaults[] = {
    {"llama", "hidden_size", 4096},          {"llama", "intermediate_size", 11008},
    {"llama", "num_hidden_layers", 32},      {"llama", "num_attention_heads", 32},
    {"llama", "vocab_size", 32000},          {"mistral", "hidden_size", 4096},
    {"mistral", "intermediate_size", 14336}, {"mistral", "num_hidden_layers", 32},
    {"mistral", "num_attention_heads", 32},  {"mistral", "num_key_value_heads", 8},
    {"mistral", "vocab_size", 32000},        {"mistral", "max_position_embeddings", 4096 * 32},
    {"mistral", "sliding_window", 4096},
};

/// Gemma 3, Llama 4, Mistral 3, Qwen-VL and other multimodal configs keep the language model
/// in text_config.
const Json& languageModelConfig(const Json& config) {
  const auto it = config.find("text_config");
  if (it != config.end() && it->is_object()) return *it;
  return config;
}

Result<ModelArchitecture> readByType(const Json& config, const std::string& type) {
  for (const Mapping& m : kMappings) {
    if (m.type == type) return m.read(config, m.name.empty() ? type : std::string(m.name));
  }
  for (const Refusal& r : kRefused) {
    if (r.type == type) return refusedTypeError(type, r.why);
  }
  return config::readGeneric(config, type);
}

/// The language model of a config.json: its text_config when it has one, else the top level.
Result<ModelArchitecture> readLanguageModel(const Json& document, const std::string& outerType) {
  const Json& nested = languageModelConfig(document);
  const std::string type = config::stringOr(nested, "model_type", outerType);
  if (&nested == &document) return readByType(document, type);
  Json text = nested;
  // A text_config without tie_word_embeddings: the file's top-level value decides.
  if (!text.contains("tie_word_embeddings") && document.contains("tie_word_embeddings")) {
    text["tie_word_embeddings"] = document["tie_word_embeddings"];
  }
  // transformers builds a nested text_config with its class's defaults and saves only what
  // differs from them.
  for (const NestedDefault& d : kNestedDefaults) {
    if (d.type == type && !text.contains(d.key)) text[d.key] = d.value;
  }
  return readByType(text, type);
}

/// The multi-token-prediction layers a config declares, whatever its model_type:
/// num_nextn_predict_layers (DeepSeek-V3, GLM-4.5, MiMo) or mtp_num_hidden_layers
/// (Qwen3-Next); 0 when it names none or an implausible count.
std::int64_t readMtpLayers(const Json& config) {
  for (const char* key : {"num_nextn_predict_layers", "mtp_num_hidden_layers"}) {
    const std::int64_t layers = config::intOr(config, key, 0);
    if (layers > 0 && layers <= 64) return layers;
  }
  return 0;
}

}  // namespace

std::span<const std::string_view> supportedModelTypes() { return kTypeNames; }

Result<ModelArchitecture> parseModelConfig(std::string_view configJsonText) {
  const Json document = Json::parse(configJsonText, nullptr, false);
  if (document.is_discarded() || !document.is_object()) {
    return makeError(ErrorCode::kParseError, "config",
                     "The config.json text is not a JSON object.");
  }
  const std::string outerType = config::stringOr(document, "model_type", "");
  auto arch = readLanguageModel(document, outerType);
  if (!arch) return arch;
  auto vision = config::readVisionTower(document, outerType, *arch);
  if (!vision) return vision.error();
  ModelArchitecture out = std::move(arch).value();
  out.vision = std::move(vision).value();
  out.mtpLayers = readMtpLayers(languageModelConfig(document));
  return out;
}

}  // namespace gpumem
