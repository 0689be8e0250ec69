// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
#include "gpumem/tensor_inventory.hpp"

namespace gpumem {

std::string TensorInventory::metadataValue(const std::string& key) const {
  for (const auto& [k, v] : metadata) {
    if (k == key) return v;
  }
  return "";
}

void addTensor(TensorInventory& inventory, TensorInfo tensor) {
  inventory.totalElements += tensor.elements;
  inventory.totalBytes += tensor.bytes;
  inventory.tensors.push_back(std::move(tensor));
}

}  // namespace gpumem
