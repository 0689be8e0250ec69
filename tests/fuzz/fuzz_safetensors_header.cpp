// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// Fuzzes the safetensors header and index readers with arbitrary bytes.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string_view>

#include "gpumem/safetensors_header.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  const auto inventory = gpumem::readSafetensorsHeader(bytes, size + 4096);
  if (inventory.ok()) {
    if (!std::isfinite(inventory->totalBytes) || inventory->totalBytes < 0) std::abort();
  } else if (inventory.error().field != "file") {
    std::abort();
  }
  const auto index =
      gpumem::readSafetensorsIndex(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!index.ok() && index.error().field != "file") std::abort();
  return 0;
}
