// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
#include "gpumem/format.hpp"

#include <cmath>
#include <cstdio>

namespace gpumem {

std::string formatNumber(double value, int decimals) {
  if (!std::isfinite(value)) return "?";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  std::string s = buf;
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  return s;
}

std::string formatCount(double count) {
  const double a = std::fabs(count);
  if (a >= 1e12) return formatNumber(count / 1e12, 3) + "T";
  if (a >= 1e9) return formatNumber(count / 1e9, 3) + "B";
  if (a >= 1e6) return formatNumber(count / 1e6, 3) + "M";
  if (a >= 1e4) return formatNumber(count / 1e3, 3) + "K";
  return formatNumber(count, 3);
}

std::string formatBytes(double bytes) {
  char buf[64];
  if (std::fabs(bytes) >= 1e9) {
    std::snprintf(buf, sizeof buf, "%.2f GB", bytes / 1e9);
  } else {
    std::snprintf(buf, sizeof buf, "%.1f MB", bytes / 1e6);
  }
  return buf;
}

}  // namespace gpumem
