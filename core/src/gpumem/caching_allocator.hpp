// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// A model of PyTorch's CUDA caching allocator (c10/cuda/CUDACachingAllocator.cpp), for
// replaying a run's allocation timeline: what it reserves, and the smallest capacity on
// which the run's requests all succeed.
#pragma once

#include <cstdint>
#include <vector>

#include "gpumem/free_block_index.hpp"

namespace gpumem {

/// The allocator's constants (CUDACachingAllocator.cpp, PyTorch 2.x): requests are rounded
/// up to 512 B (kMinBlockSize); requests up to 1 MiB (kSmallSize) come from the small pool,
/// whose segments are 2 MiB (kSmallBuffer); larger requests below 10 MiB (kMinLargeAlloc)
/// get a 20 MiB segment (kLargeBuffer), and from 10 MiB on a segment of the request rounded
/// up to 2 MiB (kRoundLarge).
namespace allocator {
inline constexpr std::int64_t kMinBlockSize = 512;
inline constexpr std::int64_t kSmallSize = 1 << 20;
inline constexpr std::int64_t kSmallBuffer = 2 << 20;
inline constexpr std::int64_t kLargeBuffer = 20 << 20;
inline constexpr std::int64_t kMinLargeAlloc = 10 << 20;
inline constexpr std::int64_t kRoundLarge = 2 << 20;

/// A request's block size: at least 512 B, rounded up to a multiple of 512 B (round_size).
std::int64_t roundedSize(std::int64_t bytes);

/// The segment cudaMalloc'd for a request of `rounded` bytes that no cached block can
/// serve (get_allocation_size): 2 MiB for the small pool, 20 MiB below 10 MiB, else the
/// request rounded up to 2 MiB.
std::int64_t segmentSize(std::int64_t rounded);
}  // namespace allocator

/// One step of an allocation timeline: a request of `bytes` (kAlloc), which later events
/// name by its index among the timeline's allocations; the free of allocation `id`
/// (kFree); or torch.cuda.empty_cache() (kEmptyCache), which returns every cached segment
/// with no block in use.
struct AllocatorEvent {
  enum class Kind : std::uint8_t { kAlloc, kFree, kEmptyCache };
  Kind kind = Kind::kAlloc;
  std::int64_t bytes = 0;  ///< kAlloc: the bytes the tensor asked for
  std::int32_t id = 0;     ///< kFree: which allocation (0 = the timeline's first)
};

/// Options of a replay. `capacityBytes` caps what the allocator may reserve (0: no cap):
/// a request that would pass it first makes the allocator release its cached, unsplit
/// segments and retry (release_cached_blocks), and fails when that is not enough — PyTorch's
/// "CUDA out of memory". `expandableSegments` is PYTORCH_CUDA_ALLOC_CONF=
/// expandable_segments:True: one segment per pool that grows by mapping pages (2 MiB small,
/// 20 MiB large) at its end, and whose free whole pages are unmapped on release.
struct AllocatorOptions {
  std::int64_t capacityBytes = 0;
  bool expandableSegments = false;
};

/// What a replay of a timeline gives.
struct ReplayResult {
  bool succeeded = true;             ///< every request was served within the capacity
  std::size_t failedEvent = 0;       ///< the index of the request that failed, if one did
  std::int64_t peakAllocated = 0;    ///< the largest sum of live blocks (rounded sizes)
  std::int64_t peakReserved = 0;     ///< the largest sum of segments (mapped pages) held
  std::int64_t peakAllocatedAt = 0;  ///< the event index of the allocation peak
};

/// The caching allocator for one device and one stream: blocks carved out of segments,
/// free blocks cached per pool and found by best fit on (size, address), split when the
/// remainder is worth keeping (small pool: ≥ 512 B; large pool: > 1 MiB), merged with free
/// neighbours when freed (CUDACachingAllocator.cpp: get_free_block, should_split,
/// free_block, release_cached_blocks).
class CachingAllocator {
 public:
  explicit CachingAllocator(AllocatorOptions options = {});

  /// Serves a request of `bytes`; returns a handle, or -1 when the capacity cannot hold it
  /// even after releasing the cache.
  std::int32_t allocate(std::int64_t bytes);
  /// Frees the block behind `handle` (from allocate) into its pool's cache.
  void release(std::int32_t handle);
  /// torch.cuda.empty_cache(): returns every cached segment that has no block in use.
  void emptyCache();

  std::int64_t allocatedBytes() const { return allocated_; }
  std::int64_t reservedBytes() const { return reserved_; }
  std::int64_t peakAllocatedBytes() const { return peakAllocated_; }
  std::int64_t peakReservedBytes() const { return peakReserved_; }

 private:
  struct Block {
    std::int64_t address = 0;
    std::int64_t size = 0;
    std::int32_t prev = -1;
    std::int32_t next = -1;
    bool free = false;
    bool small = false;
  };
  std::int32_t newBlock(const Block& block);
  std::int32_t findFree(bool small, std::int64_t size);
  std::int32_t newSegment(bool small, std::int64_t size);
  std::int32_t growExpandable(bool small, std::int64_t size);
  void mapRange(bool small, std::int64_t begin, std::int64_t end);
  void unmapFreePages();
  void insertFree(std::int32_t block);
  void eraseFree(std::int32_t block);
  void releaseCachedSegments();
  bool fitsCapacity(std::int64_t more) const;

  AllocatorOptions options_;
  std::vector<Block> blocks_;
  std::vector<std::int32_t> unusedBlocks_;
  FreeBlockIndex freeSmall_, freeLarge_;  ///< each pool's free blocks, best fit first
  std::int64_t nextAddress_ = 0;
  std::int64_t allocated_ = 0, reserved_ = 0, peakAllocated_ = 0, peakReserved_ = 0;
  // Expandable segments: the pages each pool's one segment has mapped, and its last block.
  std::vector<std::uint8_t> smallPages_, largePages_;
  std::int32_t smallTail_ = -1, largeTail_ = -1;
};

/// Replays `events` through a CachingAllocator with `options`: the peaks, and whether every
/// request succeeded within options.capacityBytes.
ReplayResult replayTimeline(const std::vector<AllocatorEvent>& events,
                            const AllocatorOptions& options = {});

/// The smallest capacity, to `granularity` bytes, on which replayTimeline succeeds:
/// bisection between the peak allocated (no run needs less) and the uncapped peak reserved
/// (enough by construction), by capped replays.
std::int64_t minimumCapacity(const std::vector<AllocatorEvent>& events, bool expandableSegments,
                             std::int64_t granularity = allocator::kRoundLarge);

/// minimumCapacity, given the uncapped replay of the same events (which bounds the search).
std::int64_t minimumCapacity(const std::vector<AllocatorEvent>& events, bool expandableSegments,
                             const ReplayResult& uncapped, std::int64_t granularity);

/// The step a minimum capacity is searched to for a run reserving `peakReserved` bytes:
/// 2 MiB (the allocator's large-segment rounding), or the largest power-of-two multiple of
/// it within 1/1024 of the peak — a tenth of a percent, below the two decimals of the GB
/// it is shown in; each halving of the step costs one more replay of the run.
std::int64_t capacityStep(std::int64_t peakReserved);

}  // namespace gpumem
