// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// Byte units. Decimal GB (10^9) is what vendors print; binary GiB (2^30) is what
// CUDA, nvidia-smi (as "MiB") and PyTorch count in. gpumem reports both.
#pragma once

#include <cstdint>

namespace gpumem {

inline constexpr double kBytesPerGB = 1e9;
inline constexpr double kBytesPerGiB = 1073741824.0;
inline constexpr double kBytesPerMiB = 1048576.0;

/// Bytes → decimal gigabytes (10^9 bytes).
constexpr double toGB(double bytes) { return bytes / kBytesPerGB; }
/// Bytes → binary gibibytes (2^30 bytes).
constexpr double toGiB(double bytes) { return bytes / kBytesPerGiB; }

}  // namespace gpumem
