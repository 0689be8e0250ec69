// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// Number formatting for the formulas shown beside each component.
#pragma once

#include <string>

namespace gpumem {

/// A count in short form: 70000000000 → "70B", 1235814400 → "1.236B", 512 → "512".
std::string formatCount(double count);
/// Bytes in decimal GB with 2 decimals: 1.68e11 → "168.00 GB"; below 1 GB in MB.
std::string formatBytes(double bytes);
/// A plain number with up to `decimals` decimals and no trailing zeros: 0.5 → "0.5".
std::string formatNumber(double value, int decimals = 3);

}  // namespace gpumem
