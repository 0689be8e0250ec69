// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
#include "gpumem/caching_allocator.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>

namespace gpumem {
namespace {

constexpr std::int64_t kMiB = 1 << 20;

using Kind = AllocatorEvent::Kind;

AllocatorEvent alloc(std::int64_t bytes) { return {Kind::kAlloc, bytes, 0}; }
AllocatorEvent freeOf(std::int32_t id) { return {Kind::kFree, 0, id}; }

TEST(CachingAllocator, RoundsRequestsTo512Bytes) {
  EXPECT_EQ(allocator::roundedSize(1), 512);
  EXPECT_EQ(allocator::roundedSize(512), 512);
  EXPECT_EQ(allocator::roundedSize(513), 1024);
}

TEST(CachingAllocator, SegmentSizesFollowThePools) {
  // A one-byte tensor takes a 2 MiB small segment; 5 MiB a 20 MiB one; 11 MiB its own
  // segment rounded up to 2 MiB, 12 MiB.
  EXPECT_EQ(replayTimeline({alloc(1)}).peakReserved, 2 * kMiB);
  EXPECT_EQ(replayTimeline({alloc(5 * kMiB)}).peakReserved, 20 * kMiB);
  EXPECT_EQ(replayTimeline({alloc(11 * kMiB)}).peakReserved, 12 * kMiB);
  EXPECT_EQ(replayTimeline({alloc(1 * kMiB)}).peakReserved, 2 * kMiB);
  EXPECT_EQ(replayTimeline({alloc(1 * kMiB + 1)}).peakReserved, 20 * kMiB);
}

TEST(CachingAllocator, RequestsShareASplitSegment) {
  // Four 5 MiB tensors: the first takes a 20 MiB segment, the next three its remainder.
  EXPECT_EQ(replayTimeline({alloc(5 * kMiB), alloc(5 * kMiB), alloc(5 * kMiB), alloc(5 * kMiB)})
                .peakReserved,
            20 * kMiB);
  // A fifth needs a second segment.
  EXPECT_EQ(replayTimeline({alloc(5 * kMiB), alloc(5 * kMiB), alloc(5 * kMiB), alloc(5 * kMiB),
                            alloc(5 * kMiB)})
                .peakReserved,
            40 * kMiB);
}

TEST(CachingAllocator, ALargeRemainderOfAMebibyteOrLessIsNotSplit) {
  // 19.5 MiB from a 20 MiB segment leaves 0.5 MiB: handed out whole (20 MiB allocated),
  // and a following 1.5 MiB request needs a segment of its own.
  const ReplayResult r = replayTimeline({alloc(19 * kMiB + kMiB / 2), alloc(kMiB + kMiB / 2)});
  EXPECT_EQ(r.peakAllocated, 20 * kMiB + 3 * kMiB / 2);
  EXPECT_EQ(r.peakReserved, 20 * kMiB + 20 * kMiB);
}

TEST(CachingAllocator, FreedBlocksAreCachedAndReused) {
  // 12 MiB freed, then 12 MiB again: the cached block serves it.
  EXPECT_EQ(replayTimeline({alloc(12 * kMiB), freeOf(0), alloc(12 * kMiB)}).peakReserved,
            12 * kMiB);
  // A larger request cannot use the cached block: both stay reserved.
  EXPECT_EQ(replayTimeline({alloc(12 * kMiB), freeOf(0), alloc(14 * kMiB)}).peakReserved,
            26 * kMiB);
}

TEST(CachingAllocator, FreedNeighboursMerge) {
  // Two 8 MiB halves of a 20 MiB segment, freed, merge back into one 20 MiB block that
  // holds an 18 MiB request.
  EXPECT_EQ(
      replayTimeline({alloc(8 * kMiB), alloc(8 * kMiB), freeOf(0), freeOf(1), alloc(18 * kMiB)})
          .peakReserved,
      20 * kMiB);
}

TEST(CachingAllocator, BestFitTakesTheSmallestBlockThatHolds) {
  // Cached: a 12 MiB block and a 30 MiB block. A 12 MiB request takes the 12 MiB one, so
  // a 30 MiB request after it needs no new segment.
  const std::vector<AllocatorEvent> events{alloc(12 * kMiB), alloc(30 * kMiB), freeOf(0),
                                           freeOf(1),        alloc(12 * kMiB), alloc(30 * kMiB)};
  EXPECT_EQ(replayTimeline(events).peakReserved, 42 * kMiB);
}

TEST(CachingAllocator, ACapReleasesTheCacheBeforeFailing) {
  // 12 MiB cached, 14 MiB asked for under a 16 MiB cap: the cached segment goes back to
  // the device and the request succeeds; under 13 MiB it fails.
  const std::vector<AllocatorEvent> events{alloc(12 * kMiB), freeOf(0), alloc(14 * kMiB)};
  EXPECT_TRUE(replayTimeline(events, {16 * kMiB, false}).succeeded);
  const ReplayResult capped = replayTimeline(events, {13 * kMiB, false});
  EXPECT_FALSE(capped.succeeded);
  EXPECT_EQ(capped.failedEvent, 2U);
  EXPECT_EQ(minimumCapacity(events, false), 14 * kMiB);
}

TEST(CachingAllocator, ASplitSegmentIsNotReleased) {
  // A 20 MiB segment with a 5 MiB block in use cannot go back: a 40 MiB request on a
  // 50 MiB cap fails even though only 5 MiB are in use.
  const std::vector<AllocatorEvent> events{alloc(5 * kMiB), alloc(5 * kMiB), freeOf(1),
                                           alloc(40 * kMiB)};
  EXPECT_FALSE(replayTimeline(events, {50 * kMiB, false}).succeeded);
  EXPECT_EQ(minimumCapacity(events, false), 60 * kMiB);
}

TEST(CachingAllocator, ExpandableSegmentsGrowByPages) {
  // Growing requests that never fit a freed block: 12, 14, 16 MiB, each freed before the
  // next. Plain segments cache all three (12 + 14 + 16 = 42 MiB); one expandable segment
  // reuses its start and maps 20 MiB pages up to 16 MiB: one page.
  const std::vector<AllocatorEvent> events{alloc(12 * kMiB), freeOf(0),        alloc(14 * kMiB),
                                           freeOf(1),        alloc(16 * kMiB), freeOf(2)};
  EXPECT_EQ(replayTimeline(events).peakReserved, 42 * kMiB);
  EXPECT_EQ(replayTimeline(events, {0, true}).peakReserved, 20 * kMiB);
  EXPECT_EQ(minimumCapacity(events, true), 20 * kMiB);
}

TEST(CachingAllocator, TheCapacityStepIsATenthOfAPercentInWholeAllocatorRoundings) {
  EXPECT_EQ(capacityStep(0), 2 * kMiB);
  EXPECT_EQ(capacityStep(1024 * 2 * kMiB), 2 * kMiB);
  EXPECT_EQ(capacityStep(1024 * 4 * kMiB - 1), 2 * kMiB);
  EXPECT_EQ(capacityStep(1024 * 4 * kMiB), 4 * kMiB);
  // 18 GB: 17.6 MB is a thousandth of it; the largest 2 MiB × 2^k within that is 16 MiB.
  EXPECT_EQ(capacityStep(18'000'000'000), 16 * kMiB);
}

TEST(CachingAllocator, ExpandableSegmentsUnmapFreePagesUnderACap) {
  // 30 MiB, then 10 MiB kept while the 30 MiB is freed, then 35 MiB: the 30 MiB hole's
  // whole pages are unmapped to make room.
  const std::vector<AllocatorEvent> events{alloc(30 * kMiB), alloc(10 * kMiB), freeOf(0),
                                           alloc(35 * kMiB)};
  const ReplayResult free = replayTimeline(events, {0, true});
  EXPECT_EQ(free.peakReserved, 80 * kMiB);  // 40 MiB mapped, then 35 MiB more from 40 MiB
  EXPECT_TRUE(replayTimeline(events, {60 * kMiB, true}).succeeded);
}

struct TraceCase {
  std::string name;
  std::int64_t segmentsPeak = 0;
  std::vector<AllocatorEvent> events;
};

/// Reads tests/data/allocator-traces.txt (format: tools/derive-allocator-fixture.mjs).
std::vector<TraceCase> readTraces() {
  std::ifstream in(std::string(GPUMEM_TEST_DATA_DIR) + "/allocator-traces.txt");
  std::vector<TraceCase> cases;
  std::string line;
  std::int32_t allocations = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream words(line);
    std::string word;
    words >> word;
    if (word == "case") {
      cases.emplace_back();
      words >> cases.back().name;
      allocations = 0;
      continue;
    }
    if (word == "segments_peak") {
      words >> cases.back().segmentsPeak;
      continue;
    }
    if (word == "peak_reserved") continue;
    do {
      if (word == "E") {
        cases.back().events.push_back({Kind::kEmptyCache, 0, 0});
      } else if (word[0] == '-') {
        cases.back().events.push_back(freeOf(allocations + std::stoi(word)));
      } else {
        cases.back().events.push_back(alloc(std::stoll(word) * 512));
        ++allocations;
      }
    } while (words >> word);
  }
  return cases;
}

TEST(CachingAllocator, ReplaysRecordedRunsToTheirSegmentPeak) {
  // Six runs recorded by torch.cuda.memory._record_memory_history on an H200 (PyTorch
  // 2.11): the segments the allocator really reserved at their peak, within 2%.
  const std::vector<TraceCase> cases = readTraces();
  ASSERT_EQ(cases.size(), 6U);
  for (const TraceCase& c : cases) {
    ASSERT_GT(c.segmentsPeak, 0) << c.name;
    const ReplayResult r = replayTimeline(c.events);
    EXPECT_TRUE(r.succeeded);
    EXPECT_NEAR(static_cast<double>(r.peakReserved), static_cast<double>(c.segmentsPeak),
                0.02 * static_cast<double>(c.segmentsPeak))
        << c.name;
    // The replay needs no more than it reserved, nor less than it held at once.
    const std::int64_t minimum = minimumCapacity(c.events, false);
    EXPECT_LE(minimum, r.peakReserved + allocator::kRoundLarge) << c.name;
    EXPECT_GE(minimum, r.peakAllocated) << c.name;
    // Searched to a coarser step, the capacity found still runs, and no more than one step
    // above the finest search's.
    const std::int64_t step = 8 * allocator::kRoundLarge;
    const std::int64_t coarse = minimumCapacity(c.events, false, r, step);
    EXPECT_TRUE(replayTimeline(c.events, {coarse, false}).succeeded) << c.name;
    EXPECT_GE(coarse, minimum) << c.name;
    EXPECT_LT(coarse, minimum + step) << c.name;
  }
}

}  // namespace
}  // namespace gpumem
