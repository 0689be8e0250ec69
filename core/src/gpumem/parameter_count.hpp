// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
#pragma once

#include <string_view>

#include "gpumem/result.hpp"

namespace gpumem {

/// The largest parameter count accepted: 1e15 (1,000T). Larger is surely a typo.
inline constexpr double kMaxParameterCount = 1e15;

/// Reads a parameter count the way people write it: "70B", "175b", "1.5T", "350M",
/// "7,000,000,000", "7e9", "125k", "7 billion". Suffixes are decimal (B = 10^9).
/// Fails with field "params" on empty, negative, zero, non-numeric or absurd text.
Result<double> parseParameterCount(std::string_view text);

}  // namespace gpumem
