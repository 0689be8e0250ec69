// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// The search behind every "largest that fits" question.
#pragma once

#include <cstdint>

#include "gpumem/result.hpp"

namespace gpumem {

/// The largest value in [1, upper] for which `fits(value)` holds, given `fits` is monotone
/// (true up to some value, false after it); 0 when fits(1) is false. Bisection: about
/// log2(upper) calls. `fits` returns Result<bool>; its errors pass through. A `start` in
/// (1, upper) is tried first and the bisection kept on its side, so where `fits` is not
/// monotone the answer is at least `start` exactly when fits(start) holds.
template <class Fits>
Result<std::int64_t> largestFitting(std::int64_t upper, Fits fits, std::int64_t start = 0) {
  std::int64_t good = 0;
  std::int64_t bad = upper + 1;
  if (start > 1 && start < upper) {
    const Result<bool> atStart = fits(start);
    if (!atStart) return atStart.error();
    (*atStart ? good : bad) = start;
  }
  if (good == 0) {
    const Result<bool> first = fits(1);
    if (!first) return first.error();
    if (!*first) return std::int64_t{0};
    good = 1;
  }
  while (bad - good > 1) {
    const std::int64_t middle = good + (bad - good) / 2;
    const Result<bool> ok = fits(middle);
    if (!ok) return ok.error();
    (*ok ? good : bad) = middle;
  }
  return good;
}

}  // namespace gpumem
