// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// A model read from a file's header (GGUF, safetensors, safetensors index): the exact bytes
// of its weights and, for GGUF, the architecture its metadata describes. The scenario carries
// it as JSON (field "file"), so the CLI and the page size a file the same way.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "gpumem/result.hpp"
#include "gpumem/tensor_inventory.hpp"

namespace gpumem {

/// What an estimate needs of a model file.
struct ModelFile {
  std::string label;               ///< the file's name
  std::string format;              ///< "gguf" or "safetensors"
  double weightBytes = 0;          ///< Σ tensor bytes: the weights as stored
  double tokenEmbeddingBytes = 0;  ///< GGUF token_embd.weight (llama.cpp keeps it on the CPU)
  double parameters = 0;           ///< Σ tensor elements
  std::int64_t tensorCount = 0;
  std::string dominantDtype;  ///< the dtype holding the most bytes, lower case ("bf16", "q4_k")
  std::string configJson;     ///< GGUF: a config.json built from its metadata; else ""
  std::string precision;      ///< the schema's precision choice the dtype stands for, or ""
};

/// The model of a tensor inventory. GGUF metadata (<arch>.block_count, .embedding_length,
/// .attention.head_count[_kv], .feed_forward_length, .context_length, .expert_count, …, as
/// llama.cpp writes them) becomes a config.json of the matching Hugging Face model_type, so
/// the KV cache and activations can be sized; an architecture without a mapping leaves
/// configJson empty (the parameter-count method then uses the exact weights).
ModelFile describeModelFile(const TensorInventory& inventory, std::string_view label);

/// Reads a model file's header from its first bytes: by its name, a .gguf, .safetensors or
/// .safetensors.index.json (whose `prefix` is the whole JSON text). Fails with code
/// kNeedMoreData when the header runs past `prefix` (read more and call again), and with
/// field "file" when the file is not one of these.
Result<ModelFile> readModelFile(std::string_view name, std::span<const std::uint8_t> prefix,
                                std::uint64_t fileSize);

/// The model file as the JSON the scenario's "file" field holds, and back.
std::string modelFileToJson(const ModelFile& file);
Result<ModelFile> modelFileFromJson(std::string_view json);

}  // namespace gpumem
