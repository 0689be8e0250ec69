// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// A scenario's memory timeline: the ordered allocations and frees of one run, and what
// PyTorch's caching allocator makes of them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "gpumem/result.hpp"
#include "gpumem/scenario.hpp"

namespace gpumem {

/// One allocation or free of a run, in order. A free names the allocation it returns by
/// `id` (the index of that allocation among the timeline's allocations); an allocation's
/// own id is its index. Bytes are what the tensor asks for (before the allocator's
/// rounding).
struct TimelineEvent {
  bool alloc = true;
  double bytes = 0;
  std::int32_t id = 0;
  const char* category = "";  ///< weights, optimizer, gradients, kv_cache, activations, logits
  const char* phase = "";     ///< load, prefill, decode; training: forward, backward, optimizer
  const char* tensor = "";    ///< e.g. "mlp.up", "kv.k"
  std::int32_t layer = -1;    ///< the decoder layer, or -1
};

/// What a replay of a timeline through the caching-allocator model gives (bytes above the
/// CUDA context).
struct TimelineSummary {
  double peakAllocatedBytes = 0;  ///< the most bytes live at once (rounded blocks)
  double peakReservedBytes = 0;   ///< the most bytes of segments held at once
  /// the smallest capacity on which every request succeeds, to capacityStep(peakReservedBytes)
  double minimumCapacityBytes = 0;
  std::string peakTensor;  ///< the tensor whose allocation reached the peak
  std::string peakPhase;
};

/// The timeline of a scenario's run on one GPU: Hugging Face Transformers inference
/// (`generate`: weights, the prefill layer by layer, DynamicCache growth by torch.cat per
/// layer and decode step, logits), or two training steps of a plain PyTorch loop (forward,
/// loss, backward per layer, optimizer step, zero_grad; training_timeline.hpp). Fails naming
/// the field for other engines, stacks or splits, which are not modelled as timelines.
Result<std::vector<TimelineEvent>> scenarioTimeline(const Scenario& scenario);

/// Replays `events` through the model of PyTorch's caching allocator
/// (caching_allocator.hpp), with or without expandable segments.
TimelineSummary summarizeTimeline(const std::vector<TimelineEvent>& events,
                                  bool expandableSegments = false);

/// What one replay of `events` (no capacity) holds in cached free blocks at its peak: peak
/// reserved − peak allocated, with or without expandable segments.
double cachedAtPeakBytes(const std::vector<TimelineEvent>& events, bool expandableSegments);

/// The timeline as JSON, what `gpumem timeline --json` prints: the replay's summary, the
/// events, and "points": after each event, the bytes live per category ("categories": those
/// the events use of weights, optimizer, gradients, kv_cache, activations, logits; the
/// requests' own sizes, before the allocator's rounding) and the tensor it allocates or frees,
/// with "peakPoint" the point of the most bytes live.
std::string timelineToJson(const std::vector<TimelineEvent>& events,
                           const TimelineSummary& summary);

/// What the page charts: timelineToJson's document without the events, on one line, its
/// points coarsened to at most `maxPoints` (> 0) when there are more events than that: each
/// point is the one with the most bytes live of a run of consecutive events, so the peak is
/// kept. A tenth of the bytes of the whole document, parsed on every change of an input.
std::string timelineChartJson(const std::vector<TimelineEvent>& events,
                              const TimelineSummary& summary, std::size_t maxPoints);

/// The events as CSV, what `gpumem timeline --csv` prints: one row per allocation or free
/// (index, action, bytes — a free's are those of the allocation it returns —, category,
/// phase, tensor, layer) with the bytes live after it, as in timelineToJson's points.
std::string timelineToCsv(const std::vector<TimelineEvent>& events);

}  // namespace gpumem
