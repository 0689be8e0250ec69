// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// Fuzzes the GGUF header reader with attacker-controlled bytes: it must return a value
// or an Error naming "file", never crash, hang or allocate from unchecked counts.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "gpumem/gguf_header.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  for (const std::uint64_t fileSize : {static_cast<std::uint64_t>(size), std::uint64_t{1} << 40}) {
    const auto inventory = gpumem::readGgufHeader(bytes, fileSize);
    if (!inventory.ok()) {
      if (inventory.error().field != "file" || inventory.error().message.empty()) std::abort();
      continue;
    }
    if (!std::isfinite(inventory->totalBytes) || inventory->totalBytes < 0) std::abort();
    if (inventory->headerBytes > size) std::abort();
  }
  return 0;
}
