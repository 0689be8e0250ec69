// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
#include "gpumem/model_file.hpp"

#include <map>
#include <nlohmann/json.hpp>

#include "gpumem/gguf_header.hpp"
#include "gpumem/safetensors_header.hpp"
#include "text.hpp"

namespace gpumem {
namespace {

/// GGUF general.architecture → the Hugging Face model_type whose config reader sizes it.
constexpr std::pair<std::string_view, std::string_view> kGgufModelTypes[] = {
    {"llama", "llama"},        {"mistral", "mistral"}, {"qwen2", "qwen2"},
    {"qwen3", "qwen3"},        {"gemma", "gemma"},     {"gemma2", "gemma2"},
    {"gemma3", "gemma3_text"}, {"phi3", "phi3"},       {"qwen2moe", "qwen2_moe"},
    {"qwen3moe", "qwen3_moe"}, {"mixtral", "mixtral"},
};

std::string_view modelTypeOf(std::string_view ggufArchitecture) {
  for (const auto& [gguf, hf] : kGgufModelTypes) {
    if (gguf == ggufArchitecture) return hf;
  }
  return {};
}

double metadataNumber(const TensorInventory& inventory, const std::string& key) {
  return text::parseDecimal(inventory.metadataValue(key)).value_or(0);
}

const TensorInfo* findTensor(const TensorInventory& inventory, std::string_view name) {
  for (const TensorInfo& t : inventory.tensors) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

/// A config.json from GGUF metadata, or "" when the architecture has no mapping.
std::string ggufConfig(const TensorInventory& inventory) {
  const std::string arch = inventory.metadataValue("general.architecture");
  const std::string_view modelType = modelTypeOf(arch);
  const TensorInfo* embedding = findTensor(inventory, "token_embd.weight");
  const auto get = [&](const char* key) { return metadataNumber(inventory, arch + "." + key); };
  if (modelType.empty() || !embedding || embedding->shape.size() < 2 || !(get("block_count") > 0)) {
    return "";
  }
  const double heads = get("attention.head_count");
  nlohmann::json config = {
      {"model_type", modelType},
      {"hidden_size", get("embedding_length")},
      {"num_hidden_layers", get("block_count")},
      {"num_attention_heads", heads},
      {"num_key_value_heads",
       get("attention.head_count_kv") > 0 ? get("attention.head_count_kv") : heads},
      {"intermediate_size", get("feed_forward_length")},
      {"vocab_size", static_cast<double>(embedding->shape[1])},
      {"max_position_embeddings", get("context_length") > 0 ? get("context_length") : 4096},
      {"tie_word_embeddings", findTensor(inventory, "output.weight") == nullptr},
  };
  if (get("attention.key_length") > 0) config["head_dim"] = get("attention.key_length");
  if (get("expert_count") > 0) {
    config["num_local_experts"] = config["num_experts"] = get("expert_count");
    config["num_experts_per_tok"] = get("expert_used_count");
    config["moe_intermediate_size"] = get("expert_feed_forward_length") > 0
                                          ? get("expert_feed_forward_length")
                                          : get("feed_forward_length");
  }
  if (get("attention.sliding_window") > 0)
    config["sliding_window"] = get("attention.sliding_window");
  return config.dump();
}

std::string dominantDtype(const TensorInventory& inventory) {
  std::map<std::string, double> bytesByType;
  for (const TensorInfo& t : inventory.tensors) bytesByType[text::lower(t.dtype)] += t.bytes;
  std::string best;
  double bestBytes = -1;
  for (const auto& [dtype, bytes] : bytesByType) {
    if (bytes > bestBytes) {
      best = dtype;
      bestBytes = bytes;
    }
  }
  return best;
}

/// The precision choice a file's dominant dtype stands for (safetensors and GGUF names).
std::string precisionOf(const std::string& dtype) {
  constexpr std::pair<std::string_view, std::string_view> kNames[] = {
      {"bf16", "bf16"}, {"f16", "fp16"},    {"f32", "fp32"},    {"f8_e4m3", "fp8"},
      {"q8_0", "q8_0"}, {"q6_k", "q6_k"},   {"q5_k", "q5_k_m"}, {"q4_k", "q4_k_m"},
      {"q4_0", "q4_0"}, {"q3_k", "q3_k_m"}, {"q2_k", "q2_k"},   {"i8", "int8"},
  };
  for (const auto& [name, precision] : kNames) {
    if (dtype == name) return std::string(precision);
  }
  return "";
}

bool endsWith(const std::string& name, std::string_view suffix) {
  return name.size() >= suffix.size() &&
         name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

ModelFile describeModelFile(const TensorInventory& inventory, std::string_view label) {
  ModelFile file;
  file.label = std::string(label);
  file.format = inventory.format;
  file.weightBytes = inventory.totalBytes;
  file.parameters = inventory.totalElements;
  file.tensorCount = static_cast<std::int64_t>(inventory.tensors.size());
  file.dominantDtype = dominantDtype(inventory);
  file.precision = precisionOf(file.dominantDtype);
  if (inventory.format == "gguf") {
    if (const TensorInfo* embedding = findTensor(inventory, "token_embd.weight")) {
      file.tokenEmbeddingBytes = embedding->bytes;
    }
    file.configJson = ggufConfig(inventory);
  }
  return file;
}

Result<ModelFile> readModelFile(std::string_view name, std::span<const std::uint8_t> prefix,
                                std::uint64_t fileSize) {
  const std::string lowered = text::lower(name);
  Result<TensorInventory> inventory = makeError(
      ErrorCode::kInvalidArgument, "file",
      text::quote(name) + " is not a .gguf, .safetensors or .safetensors.index.json file.");
  if (endsWith(lowered, ".gguf")) {
    inventory = readGgufHeader(prefix, fileSize);
  } else if (endsWith(lowered, ".safetensors")) {
    const auto span =
        safetensorsHeaderSpan(prefix.first(std::min<std::size_t>(8, prefix.size())), fileSize);
    if (!span) return span.error();
    if (*span > prefix.size()) {
      return makeError(ErrorCode::kNeedMoreData, "file",
                       "Read the first " + std::to_string(*span) + " bytes of the file.");
    }
    inventory = readSafetensorsHeader(prefix, fileSize);
  } else if (endsWith(lowered, ".index.json")) {
    inventory = readSafetensorsIndex(
        std::string_view(reinterpret_cast<const char*>(prefix.data()), prefix.size()));
  }
  if (!inventory) {
    Error error = inventory.error();
    error.field = "file";
    return error;
  }
  return describeModelFile(*inventory, name);
}

std::string modelFileToJson(const ModelFile& f) {
  return nlohmann::json{{"label", f.label},
                        {"format", f.format},
                        {"weightBytes", f.weightBytes},
                        {"tokenEmbeddingBytes", f.tokenEmbeddingBytes},
                        {"parameters", f.parameters},
                        {"tensorCount", f.tensorCount},
                        {"dominantDtype", f.dominantDtype},
                        {"configJson", f.configJson},
                        {"precision", f.precision}}
      .dump();
}

Result<ModelFile> modelFileFromJson(std::string_view json) {
  const auto doc = nlohmann::json::parse(json, nullptr, false);
  const auto bad = makeError(ErrorCode::kParseError, "file",
                             "The model file description is not one gpumem wrote.");
  if (doc.is_discarded() || !doc.is_object()) return bad;
  ModelFile f;
  const auto number = [&](const char* key) {
    const auto it = doc.find(key);
    return it != doc.end() && it->is_number() ? it->get<double>() : -1.0;
  };
  const auto string = [&](const char* key) {
    const auto it = doc.find(key);
    return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  f.label = string("label");
  f.format = string("format");
  f.weightBytes = number("weightBytes");
  f.tokenEmbeddingBytes = number("tokenEmbeddingBytes");
  f.parameters = number("parameters");
  f.tensorCount = static_cast<std::int64_t>(number("tensorCount"));
  f.dominantDtype = string("dominantDtype");
  f.configJson = string("configJson");
  f.precision = string("precision");
  // An index gives the weights' bytes but not their count (0): the config.json gives that.
  const bool counted = f.parameters > 0 || (f.format == "safetensors-index" && f.parameters == 0);
  const bool sane = f.weightBytes > 0 && f.weightBytes < 1e16 && counted && f.parameters < 1e16 &&
                    f.tokenEmbeddingBytes >= 0 && f.tokenEmbeddingBytes <= f.weightBytes &&
                    f.tensorCount >= 0;
  if (!sane) return bad;
  return f;
}

}  // namespace gpumem
