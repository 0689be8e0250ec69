// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
#include "gpumem/caching_allocator.hpp"

#include <algorithm>

namespace gpumem {

namespace allocator {

std::int64_t roundedSize(std::int64_t bytes) {
  if (bytes < kMinBlockSize) return kMinBlockSize;
  return (bytes + kMinBlockSize - 1) / kMinBlockSize * kMinBlockSize;
}

std::int64_t segmentSize(std::int64_t rounded) {
  if (rounded <= kSmallSize) return kSmallBuffer;
  if (rounded < kMinLargeAlloc) return kLargeBuffer;
  return (rounded + kRoundLarge - 1) / kRoundLarge * kRoundLarge;
}

}  // namespace allocator

namespace {

using namespace allocator;

/// should_split: a remainder is kept as its own free block when the small pool's is at
/// least 512 B, or the large pool's more than 1 MiB; otherwise the block is handed out whole.
bool shouldSplit(bool small, std::int64_t remaining) {
  return small ? remaining >= kMinBlockSize : remaining > kSmallSize;
}

/// The page an expandable segment maps at a time: 2 MiB for the small pool, 20 MiB for the
/// large one (ExpandableSegment's segment_size).
std::int64_t pageSize(bool small) { return small ? kSmallBuffer : kLargeBuffer; }

}  // namespace

CachingAllocator::CachingAllocator(AllocatorOptions options) : options_(options) {}

std::int32_t CachingAllocator::newBlock(const Block& block) {
  if (!unusedBlocks_.empty()) {
    const std::int32_t index = unusedBlocks_.back();
    unusedBlocks_.pop_back();
    blocks_[static_cast<std::size_t>(index)] = block;
    return index;
  }
  blocks_.push_back(block);
  return static_cast<std::int32_t>(blocks_.size() - 1);
}

void CachingAllocator::insertFree(std::int32_t index) {
  const Block& b = blocks_[static_cast<std::size_t>(index)];
  (b.small ? freeSmall_ : freeLarge_).insert({b.size, b.address, index});
}

void CachingAllocator::eraseFree(std::int32_t index) {
  const Block& b = blocks_[static_cast<std::size_t>(index)];
  (b.small ? freeSmall_ : freeLarge_).erase({b.size, b.address, index});
}

std::int32_t CachingAllocator::findFree(bool small, std::int64_t size) {
  return (small ? freeSmall_ : freeLarge_).bestFit(size);
}

bool CachingAllocator::fitsCapacity(std::int64_t more) const {
  return options_.capacityBytes <= 0 || reserved_ + more <= options_.capacityBytes;
}

void CachingAllocator::releaseCachedSegments() {
  for (FreeBlockIndex* pool : {&freeSmall_, &freeLarge_}) {
    pool->eraseIf([&](const FreeBlockKey& key) {
      const std::int32_t index = key.block;
      const Block& b = blocks_[static_cast<std::size_t>(index)];
      if (b.prev != -1 || b.next != -1) return false;
      reserved_ -= b.size;
      unusedBlocks_.push_back(index);
      return true;
    });
  }
}

std::int32_t CachingAllocator::newSegment(bool small, std::int64_t size) {
  const std::int64_t bytes = segmentSize(size);
  if (!fitsCapacity(bytes)) {
    releaseCachedSegments();
    if (!fitsCapacity(bytes)) return -1;
  }
  reserved_ += bytes;
  peakReserved_ = std::max(peakReserved_, reserved_);
  // Segments get ascending addresses: best fit breaks ties between equal free blocks by
  // address, and a newer segment sits above the older ones.
  const std::int32_t index = newBlock({nextAddress_, bytes, -1, -1, false, small});
  nextAddress_ += bytes;
  return index;
}

void CachingAllocator::mapRange(bool small, std::int64_t begin, std::int64_t end) {
  std::vector<std::uint8_t>& pages = small ? smallPages_ : largePages_;
  const std::int64_t page = pageSize(small);
  const auto last = static_cast<std::size_t>((end + page - 1) / page);
  if (pages.size() < last) pages.resize(last, 0);
  for (auto p = static_cast<std::size_t>(begin / page); p < last; ++p) {
    if (pages[p] == 0) {
      pages[p] = 1;
      reserved_ += page;
    }
  }
  peakReserved_ = std::max(peakReserved_, reserved_);
}

void CachingAllocator::unmapFreePages() {
  for (const FreeBlockIndex* pool : {&freeSmall_, &freeLarge_}) {
    pool->forEach([&](const FreeBlockKey& key) {
      const Block& b = blocks_[static_cast<std::size_t>(key.block)];
      std::vector<std::uint8_t>& pages = b.small ? smallPages_ : largePages_;
      const std::int64_t page = pageSize(b.small);
      // Only the pages wholly inside the free block (release_expandable_segment).
      const std::int64_t first = (b.address + page - 1) / page;
      const std::int64_t end = (b.address + b.size) / page;
      for (std::int64_t p = first; p < end && p < static_cast<std::int64_t>(pages.size()); ++p) {
        if (pages[static_cast<std::size_t>(p)] != 0) {
          pages[static_cast<std::size_t>(p)] = 0;
          reserved_ -= page;
        }
      }
    });
  }
}

std::int32_t CachingAllocator::growExpandable(bool small, std::int64_t size) {
  std::int32_t& tail = small ? smallTail_ : largeTail_;
  if (tail >= 0 && blocks_[static_cast<std::size_t>(tail)].free) {
    eraseFree(tail);
    Block& b = blocks_[static_cast<std::size_t>(tail)];
    b.size = std::max(b.size, size);
    return tail;
  }
  const std::int64_t address = tail < 0 ? 0
                                        : blocks_[static_cast<std::size_t>(tail)].address +
                                              blocks_[static_cast<std::size_t>(tail)].size;
  const std::int32_t index = newBlock({address, size, tail, -1, false, small});
  if (tail >= 0) blocks_[static_cast<std::size_t>(tail)].next = index;
  tail = index;
  return index;
}

std::int32_t CachingAllocator::allocate(std::int64_t bytes) {
  const std::int64_t size = roundedSize(bytes);
  const bool small = size <= kSmallSize;
  std::int32_t index = findFree(small, size);
  if (options_.expandableSegments) {
    // The pages the block will cover, mapped first; the capacity counts mapped pages.
    std::int64_t start = 0;
    if (index >= 0) {
      start = blocks_[static_cast<std::size_t>(index)].address;
    } else {
      const std::int32_t tail = small ? smallTail_ : largeTail_;
      if (tail >= 0) {
        const Block& t = blocks_[static_cast<std::size_t>(tail)];
        start = t.free ? t.address : t.address + t.size;
      }
    }
    const std::vector<std::uint8_t>& pages = small ? smallPages_ : largePages_;
    const std::int64_t page = pageSize(small);
    auto unmapped = [&] {
      std::int64_t missing = 0;
      for (std::int64_t p = start / page; p < (start + size + page - 1) / page; ++p) {
        if (p >= static_cast<std::int64_t>(pages.size()) ||
            pages[static_cast<std::size_t>(p)] == 0) {
          missing += page;
        }
      }
      return missing;
    };
    if (!fitsCapacity(unmapped())) {
      unmapFreePages();
      if (!fitsCapacity(unmapped())) return -1;
    }
    if (index >= 0) {
      eraseFree(index);
    } else {
      index = growExpandable(small, size);
    }
    mapRange(small, start, start + size);
  } else if (index >= 0) {
    eraseFree(index);
  } else {
    index = newSegment(small, size);
    if (index < 0) return -1;
  }
  Block& b = blocks_[static_cast<std::size_t>(index)];
  b.free = false;
  const std::int64_t remaining = b.size - size;
  if (shouldSplit(small, remaining)) {
    const Block rest{b.address + size, remaining, index, b.next, true, small};
    b.size = size;
    const std::int32_t r = newBlock(rest);
    Block& block = blocks_[static_cast<std::size_t>(index)];  // newBlock may reallocate
    if (block.next >= 0) blocks_[static_cast<std::size_t>(block.next)].prev = r;
    block.next = r;
    std::int32_t& tail = small ? smallTail_ : largeTail_;
    if (tail == index) tail = r;
    insertFree(r);
  }
  allocated_ += blocks_[static_cast<std::size_t>(index)].size;
  peakAllocated_ = std::max(peakAllocated_, allocated_);
  return index;
}

void CachingAllocator::release(std::int32_t handle) {
  if (handle < 0 || static_cast<std::size_t>(handle) >= blocks_.size()) return;
  std::int32_t index = handle;
  Block* b = &blocks_[static_cast<std::size_t>(index)];
  if (b->free) return;
  allocated_ -= b->size;
  b->free = true;
  std::int32_t& tail = b->small ? smallTail_ : largeTail_;
  // Merge with a free neighbour on either side (try_merge_blocks).
  if (b->prev >= 0 && blocks_[static_cast<std::size_t>(b->prev)].free) {
    const std::int32_t p = b->prev;
    eraseFree(p);
    Block& prev = blocks_[static_cast<std::size_t>(p)];
    prev.size += b->size;
    prev.next = b->next;
    if (b->next >= 0) blocks_[static_cast<std::size_t>(b->next)].prev = p;
    if (tail == index) tail = p;
    unusedBlocks_.push_back(index);
    index = p;
    b = &blocks_[static_cast<std::size_t>(index)];
  }
  if (b->next >= 0 && blocks_[static_cast<std::size_t>(b->next)].free) {
    const std::int32_t n = b->next;
    eraseFree(n);
    const Block& next = blocks_[static_cast<std::size_t>(n)];
    b->size += next.size;
    b->next = next.next;
    if (next.next >= 0) blocks_[static_cast<std::size_t>(next.next)].prev = index;
    if (tail == n) tail = index;
    unusedBlocks_.push_back(n);
  }
  insertFree(index);
}

void CachingAllocator::emptyCache() {
  if (options_.expandableSegments) {
    unmapFreePages();
  } else {
    releaseCachedSegments();
  }
}

ReplayResult replayTimeline(const std::vector<AllocatorEvent>& events,
                            const AllocatorOptions& options) {
  CachingAllocator allocator(options);
  ReplayResult out;
  std::vector<std::int32_t> handles;
  handles.reserve(events.size() / 2 + 1);
  for (std::size_t i = 0; i < events.size(); ++i) {
    const AllocatorEvent& e = events[i];
    switch (e.kind) {
      case AllocatorEvent::Kind::kAlloc: {
        const std::int32_t handle = allocator.allocate(e.bytes);
        if (handle < 0) {
          out.succeeded = false;
          out.failedEvent = i;
          out.peakAllocated = allocator.peakAllocatedBytes();
          out.peakReserved = allocator.peakReservedBytes();
          return out;
        }
        handles.push_back(handle);
        if (allocator.allocatedBytes() == allocator.peakAllocatedBytes()) {
          out.peakAllocatedAt = static_cast<std::int64_t>(i);
        }
        break;
      }
      case AllocatorEvent::Kind::kFree:
        if (e.id >= 0 && static_cast<std::size_t>(e.id) < handles.size()) {
          allocator.release(handles[static_cast<std::size_t>(e.id)]);
          handles[static_cast<std::size_t>(e.id)] = -1;
        }
        break;
      case AllocatorEvent::Kind::kEmptyCache:
        allocator.emptyCache();
        break;
    }
  }
  out.peakAllocated = allocator.peakAllocatedBytes();
  out.peakReserved = allocator.peakReservedBytes();
  return out;
}

std::int64_t minimumCapacity(const std::vector<AllocatorEvent>& events, bool expandableSegments,
                             std::int64_t granularity) {
  return minimumCapacity(events, expandableSegments,
                         replayTimeline(events, {0, expandableSegments}), granularity);
}

std::int64_t minimumCapacity(const std::vector<AllocatorEvent>& events, bool expandableSegments,
                             const ReplayResult& uncapped, std::int64_t granularity) {
  if (granularity < 1) granularity = 1;
  // Invariant: `good` succeeds, `bad` fails (no capacity below the peak allocated can).
  std::int64_t good = (uncapped.peakReserved + granularity - 1) / granularity;
  std::int64_t bad = uncapped.peakAllocated / granularity - 1;
  // A step whose idle blocks all sit in segments still in use (a replayed training step,
  // mostly) needs all it reserves: one capped replay a step below says so.
  if (good - bad > 1) {
    const ReplayResult below =
        replayTimeline(events, {(good - 1) * granularity, expandableSegments});
    (below.succeeded ? good : bad) = good - 1;
  }
  while (good - bad > 1) {
    const std::int64_t middle = bad + (good - bad) / 2;
    const ReplayResult capped = replayTimeline(events, {middle * granularity, expandableSegments});
    (capped.succeeded ? good : bad) = middle;
  }
  return good * granularity;
}

std::int64_t capacityStep(std::int64_t peakReserved) {
  std::int64_t step = allocator::kRoundLarge;
  while (step * 2 <= peakReserved / 1024) step *= 2;
  return step;
}

}  // namespace gpumem
