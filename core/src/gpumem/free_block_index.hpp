// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// The caching allocator's free blocks of one pool, ordered for best fit.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace gpumem {

/// A free block's place in its pool, ordered by size, then address (PyTorch's best fit:
/// BlockComparatorSize), then the block's index.
struct FreeBlockKey {
  std::int64_t size;
  std::int64_t address;
  std::int32_t block;
  friend bool operator==(const FreeBlockKey&, const FreeBlockKey&) = default;
  friend bool operator<(const FreeBlockKey& x, const FreeBlockKey& y) {
    if (x.size != y.size) return x.size < y.size;
    if (x.address != y.address) return x.address < y.address;
    return x.block < y.block;
  }
};

/// The free blocks of one pool in (size, address) order: a sorted list cut into runs of at
/// most kRun keys, so that an insertion or removal moves one run, not the whole list (a
/// training step's replay holds hundreds of free blocks and makes thousands of requests).
class FreeBlockIndex {
 public:
  static constexpr std::size_t kRun = 64;

  /// The block of the smallest key not less than (size, −1, −1): the best fit for `size`;
  /// −1 when every free block is smaller.
  std::int32_t bestFit(std::int64_t size) const {
    const FreeBlockKey probe{size, -1, -1};
    const auto run = firstRunNotBelow(probe);
    if (run == runs_.end()) return -1;
    return std::lower_bound(run->begin(), run->end(), probe)->block;
  }

  void insert(const FreeBlockKey& key) {
    if (runs_.empty()) {
      runs_.push_back({key});
      return;
    }
    auto run = firstRunNotBelow(key);
    if (run == runs_.end()) --run;  // above every key: the last run takes it
    run->insert(std::lower_bound(run->begin(), run->end(), key), key);
    if (run->size() > kRun) {
      std::vector<FreeBlockKey> upper(run->begin() + kRun / 2, run->end());
      run->resize(kRun / 2);
      runs_.insert(run + 1, std::move(upper));
    }
  }

  void erase(const FreeBlockKey& key) {
    const auto run = firstRunNotBelow(key);
    if (run == runs_.end()) return;
    const auto it = std::lower_bound(run->begin(), run->end(), key);
    if (it == run->end() || !(*it == key)) return;
    run->erase(it);
    if (run->empty()) runs_.erase(run);
  }

  /// Removes every key for which `drop(key)` holds, in order.
  template <class Drop>
  void eraseIf(Drop drop) {
    for (std::vector<FreeBlockKey>& run : runs_) std::erase_if(run, drop);
    std::erase_if(runs_, [](const std::vector<FreeBlockKey>& run) { return run.empty(); });
  }

  /// Calls `visit(key)` for every key, in order.
  template <class Visit>
  void forEach(Visit visit) const {
    for (const std::vector<FreeBlockKey>& run : runs_) {
      for (const FreeBlockKey& key : run) visit(key);
    }
  }

 private:
  using Runs = std::vector<std::vector<FreeBlockKey>>;

  /// The first run whose largest key is not below `key` (runs are never empty).
  Runs::const_iterator firstRunNotBelow(const FreeBlockKey& key) const {
    return std::lower_bound(
        runs_.begin(), runs_.end(), key,
        [](const std::vector<FreeBlockKey>& run, const FreeBlockKey& k) { return run.back() < k; });
  }
  Runs::iterator firstRunNotBelow(const FreeBlockKey& key) {
    return std::lower_bound(
        runs_.begin(), runs_.end(), key,
        [](const std::vector<FreeBlockKey>& run, const FreeBlockKey& k) { return run.back() < k; });
  }

  Runs runs_;
};

}  // namespace gpumem
