// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// What a model file says about its tensors, read from its header only.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace gpumem {

/// One tensor as a file header describes it.
struct TensorInfo {
  std::string name;                  ///< e.g. "model.layers.0.self_attn.q_proj.weight"
  std::string dtype;                 ///< the file's own type name, e.g. "BF16", "Q4_K"
  std::vector<std::uint64_t> shape;  ///< dimensions as stored
  double elements = 0;               ///< product of the shape
  double bytes = 0;                  ///< bytes of data in the file (block-exact for GGUF)
};

/// Every tensor of a model file and the totals a memory estimate needs.
struct TensorInventory {
  std::string format;  ///< "safetensors" or "gguf"
  std::vector<TensorInfo> tensors;
  double totalElements = 0;       ///< sum of elements: the parameter count of the file
  double totalBytes = 0;          ///< sum of tensor bytes: the weights as stored
  std::uint64_t headerBytes = 0;  ///< bytes of the file the header occupies
  /// Scalar metadata as text (GGUF key/values; safetensors "__metadata__"), in file order.
  std::vector<std::pair<std::string, std::string>> metadata;

  /// The metadata value for `key`, or "" when absent.
  std::string metadataValue(const std::string& key) const;
};

/// Adds a tensor to the inventory's totals.
void addTensor(TensorInventory& inventory, TensorInfo tensor);

}  // namespace gpumem
