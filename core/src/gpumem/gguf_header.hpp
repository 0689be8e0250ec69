// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <span>

#include "gpumem/result.hpp"
#include "gpumem/tensor_inventory.hpp"

namespace gpumem {

/// Limits that refuse hostile GGUF headers before they cost memory or time.
inline constexpr std::uint64_t kMaxGgufTensors = 1'000'000;
inline constexpr std::uint64_t kMaxGgufMetadata = 1'000'000;
inline constexpr std::uint64_t kMaxGgufStringBytes = 64ull << 20;
inline constexpr std::uint32_t kMaxGgufDimensions = 8;

/// Reads the header of a GGUF file (versions 2 and 3) from its first bytes: metadata
/// scalars (arrays as their length) and every tensor's name, shape, ggml type and
/// block-exact size. Format: ggml docs/gguf.md. `fileSize` is the whole file's size;
/// when `prefix` ends inside the header and the file is longer, the error code is
/// kNeedMoreData (read a longer prefix and call again). Field "file" on errors.
Result<TensorInventory> readGgufHeader(std::span<const std::uint8_t> prefix,
                                       std::uint64_t fileSize);

}  // namespace gpumem
