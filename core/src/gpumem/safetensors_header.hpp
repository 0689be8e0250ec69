// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "gpumem/result.hpp"
#include "gpumem/tensor_inventory.hpp"

namespace gpumem {

/// The safetensors library's own limit on the JSON header: 100,000,000 bytes.
inline constexpr std::uint64_t kMaxSafetensorsHeaderBytes = 100'000'000;

/// Bytes of a safetensors file to read so that the whole header is in hand: 8 + the
/// little-endian u64 in the first 8 bytes. Fails (field "file") when the length is
/// absurd or larger than the file.
Result<std::uint64_t> safetensorsHeaderSpan(std::span<const std::uint8_t> first8,
                                            std::uint64_t fileSize);

/// Reads a safetensors header (8-byte length + JSON of {name: {dtype, shape,
/// data_offsets}}; format: huggingface/safetensors README) into a tensor inventory.
/// Checks each tensor's offsets against its dtype × shape. Field "file" on errors;
/// kNeedMoreData when `prefix` is shorter than the header.
Result<TensorInventory> readSafetensorsHeader(std::span<const std::uint8_t> prefix,
                                              std::uint64_t fileSize);

/// Reads a sharded checkpoint's `model.safetensors.index.json`: the total size in
/// bytes (metadata.total_size) and one entry per tensor name (no shapes: the index has
/// none). Field "file" on errors.
Result<TensorInventory> readSafetensorsIndex(std::string_view jsonText);

/// Bytes per element of a safetensors dtype ("BF16" → 2), or 0 when unknown.
double safetensorsDtypeBytes(std::string_view dtype);

}  // namespace gpumem
