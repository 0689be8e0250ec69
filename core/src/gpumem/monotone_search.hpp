// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// The search behind every "largest that fits" question.
#pragma once

#include <cstdint>
#include <optional>

#include "gpumem/result.hpp"

namespace gpumem {

/// The largest value in [low, high] for which `fits(value)` holds; low − 1 when fits(low) is
/// false. Bisection: about log2(high − low) calls. `fits` returns Result<bool>; its errors
/// pass through. A `start` in (low, high) is tried first (or taken as `startFits` when the
/// caller knows it) and the bisection kept on its side, so where `fits` is not monotone the
/// answer is at least `start` exactly when fits(start) holds, and fits wherever it is found.
template <class Fits>
Result<std::int64_t> largestFittingIn(std::int64_t low, std::int64_t high, Fits fits,
                                      std::int64_t start = 0,
                                      std::optional<bool> startFits = std::nullopt) {
  std::int64_t good = low - 1;  // fits (or below the range)
  std::int64_t bad = high + 1;  // does not fit (or above the range)
  if (start > low && start < high) {
    const Result<bool> atStart = startFits ? Result<bool>(*startFits) : fits(start);
    if (!atStart) return atStart.error();
    (*atStart ? good : bad) = start;
  }
  if (good < low) {
    const Result<bool> first = fits(low);
    if (!first) return first.error();
    if (!*first) return low - 1;
    good = low;
  }
  while (bad - good > 1) {
    const std::int64_t middle = good + (bad - good) / 2;
    const Result<bool> ok = fits(middle);
    if (!ok) return ok.error();
    (*ok ? good : bad) = middle;
  }
  return good;
}

/// largestFittingIn over [1, upper]: 0 when fits(1) is false.
template <class Fits>
Result<std::int64_t> largestFitting(std::int64_t upper, Fits fits, std::int64_t start = 0) {
  return largestFittingIn(1, upper, fits, start);
}

}  // namespace gpumem
