// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// Number formatting for the formulas shown beside each component.
#pragma once

#include <cstdint>
#include <string>

namespace gpumem {

/// A count in short form: 70000000000 → "70B", 1235814400 → "1.236B", 512 → "512".
std::string formatCount(double count);
/// Bytes in decimal GB with 2 decimals: 1.68e11 → "168.00 GB"; below 1 GB in MB.
std::string formatBytes(double bytes);
/// A plain number with up to `decimals` decimals and no trailing zeros: 0.5 → "0.5".
std::string formatNumber(double value, int decimals = 3);

/// The factors a component's formula names, as the formula prints them.
namespace formula {
/// A real factor: up to three decimals (formatNumber).
inline std::string num(double value) { return formatNumber(value, 3); }
/// A whole factor, in full: 131072 → "131072".
inline std::string count(std::int64_t value) { return std::to_string(value); }
}  // namespace formula

/// ⌈a / b⌉ for positive b: the share of `a` items the busiest of `b` workers gets.
constexpr std::int64_t ceilDiv(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }

}  // namespace gpumem
