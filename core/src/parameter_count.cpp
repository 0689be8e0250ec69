// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
#include "gpumem/parameter_count.hpp"

#include <cmath>
#include <cstdlib>
#include <string>

#include "text.hpp"

namespace gpumem {
namespace {

Error paramsError(ErrorCode code, const std::string& why) { return makeError(code, "params", why); }

/// Decimal multiplier of a suffix such as "b", "billion", "m", "t"; 0 when unknown.
double suffixMultiplier(std::string_view suffix) {
  const std::string s = text::lower(text::trim(suffix));
  if (s.empty()) return 1;
  if (s == "k" || s == "thousand") return 1e3;
  if (s == "m" || s == "mn" || s == "million") return 1e6;
  if (s == "b" || s == "bn" || s == "g" || s == "billion") return 1e9;
  if (s == "t" || s == "trillion") return 1e12;
  return 0;
}

/// Parses an unsigned decimal with optional ',' / '_' group separators, one '.', and an
/// optional exponent ("7e9"). Returns the number of characters consumed (0 if none).
std::size_t parseMantissa(std::string_view s, double& value) {
  std::string digits;
  std::size_t i = 0;
  bool sawDigit = false, sawDot = false;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (c >= '0' && c <= '9') {
      digits += c;
      sawDigit = true;
    } else if ((c == ',' || c == '_') && sawDigit && !sawDot) {
      continue;
    } else if (c == '.' && !sawDot) {
      digits += c;
      sawDot = true;
    } else {
      break;
    }
  }
  if (!sawDigit) return 0;
  if (i + 1 < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    std::size_t j = i + 1;
    std::string exponent;
    if (s[j] == '+' || s[j] == '-') exponent += s[j++];
    while (j < s.size() && s[j] >= '0' && s[j] <= '9' && exponent.size() < 4) exponent += s[j++];
    if (!exponent.empty() && exponent.back() >= '0' && exponent.back() <= '9') {
      digits += 'e' + exponent;
      i = j;
    }
  }
  value = std::strtod(digits.c_str(), nullptr);
  return i;
}

}  // namespace

Result<double> parseParameterCount(std::string_view input) {
  const std::string_view s = text::trim(input);
  if (s.empty()) {
    return paramsError(ErrorCode::kInvalidArgument,
                       "Enter a parameter count, such as 7B, 70B or 350M.");
  }
  if (s.front() == '-') {
    return paramsError(ErrorCode::kOutOfRange, "The parameter count must be positive.");
  }
  double mantissa = 0;
  const std::size_t used = parseMantissa(s, mantissa);
  if (used == 0) {
    return paramsError(ErrorCode::kInvalidArgument,
                       "Cannot read " + text::quote(s) +
                           " as a parameter count; write it like 7B, 1.5T, 350M or 7000000000.");
  }
  const double multiplier = suffixMultiplier(s.substr(used));
  if (multiplier == 0) {
    return paramsError(ErrorCode::kInvalidArgument,
                       "Unknown unit in " + text::quote(s) + "; use K, M, B or T.");
  }
  const double count = mantissa * multiplier;
  if (!std::isfinite(count) || count < 1) {
    return paramsError(ErrorCode::kOutOfRange, "The parameter count must be at least 1.");
  }
  if (count > kMaxParameterCount) {
    return paramsError(ErrorCode::kOutOfRange, "The parameter count " + text::quote(s) +
                                                   " is larger than 1,000T; check the unit.");
  }
  return std::round(count);
}

}  // namespace gpumem
