// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "gpumem/result.hpp"

namespace gpumem {

/// A number format for stored values: its identifier and bits per value.
struct Precision {
  std::string id;      ///< canonical id, e.g. "bf16", "fp8_e4m3", "int4", "bits5"
  std::string label;   ///< for people, e.g. "BF16 (bfloat16, 2 bytes)"
  double bits = 16.0;  ///< storage bits per value (tf32 is stored in 32 bits)

  double bytes() const { return bits / 8.0; }
};

/// The named precisions of the simple method, in menu order (fp32 … nf4).
std::span<const Precision> namedPrecisions();

/// Resolves a precision name, case-insensitively: fp32, tf32, fp16, bf16, fp8 (=e4m3),
/// fp8_e4m3, fp8_e5m2, int8, int4, nf4, or any width 1–32 written "5bit", "5-bit",
/// "bits5" or "q5". Fails with field "precision" otherwise.
Result<Precision> parsePrecision(std::string_view text);

}  // namespace gpumem
