// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// The tensor types of ggml (GGUF files, llama.cpp) and their block layouts.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace gpumem {

/// A ggml tensor type: `blockElements` values are stored in `blockBytes` bytes.
/// Source: llama.cpp gguf-py/gguf/constants.py (GGMLQuantizationType, GGML_QUANT_SIZES).
struct GgmlType {
  std::uint32_t id;       ///< the type id stored in GGUF tensor infos
  std::string_view name;  ///< e.g. "Q4_K"
  std::uint32_t blockElements;
  std::uint32_t blockBytes;

  /// Bits per weight, block-exact: blockBytes × 8 / blockElements (Q4_K → 4.5).
  double bitsPerWeight() const { return blockBytes * 8.0 / blockElements; }
};

/// Every ggml type still in use, ordered by id.
std::span<const GgmlType> ggmlTypes();
/// The type with id `id`, if known.
std::optional<GgmlType> findGgmlType(std::uint32_t id);
/// The type named `name` (case-insensitive, e.g. "q4_k"), if known.
std::optional<GgmlType> findGgmlType(std::string_view name);

}  // namespace gpumem
