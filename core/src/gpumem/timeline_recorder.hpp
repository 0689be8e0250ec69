// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// Writes a timeline's events: allocations with their ids, frees naming them.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "gpumem/timeline.hpp"

namespace gpumem {

/// Appends events to a timeline and hands out allocation ids; the category, phase and
/// layer in force are stamped on each event.
class TimelineRecorder {
 public:
  explicit TimelineRecorder(std::vector<TimelineEvent>& out) : out_(out) {}
  const char* category = "activations";
  const char* phase = "load";
  std::int32_t layer = -1;

  /// Records an allocation of `bytes` (rounded to whole bytes, at least one) and returns its id.
  std::int32_t alloc(double bytes, const char* tensor) {
    out_.push_back({true, std::max(1.0, std::round(bytes)), next_, category, phase, tensor, layer});
    return next_++;
  }
  /// Records the free of allocation `id`; a negative id (nothing allocated) records nothing.
  void free(std::int32_t id) {
    if (id < 0) return;
    out_.push_back({false, 0, id, category, phase, "", layer});
  }

 private:
  std::vector<TimelineEvent>& out_;
  std::int32_t next_ = 0;
};

}  // namespace gpumem
