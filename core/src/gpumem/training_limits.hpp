// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// The inverse questions of training: the largest micro-batch, the longest sequence and the
// fewest GPUs that fit.
#pragma once

#include <cstdint>

#include "gpumem/result.hpp"
#include "gpumem/training.hpp"

namespace gpumem {

/// The largest micro-batch whose per-GPU estimate is ≤ `capacityBytes` (binary search over
/// estimateTraining, whose total grows with the micro-batch); 0 when 1 does not fit.
Result<std::int64_t> largestMicroBatchThatFits(const TrainingScenario& scenario,
                                               double capacityBytes);

/// The longest sequence (tokens) whose per-GPU estimate is ≤ `capacityBytes`; 0 when a
/// 1-token sequence does not fit. Capped at kMaxTokens.
Result<std::int64_t> longestSequenceThatFits(const TrainingScenario& scenario,
                                             double capacityBytes);

/// The fewest GPUs (a multiple of tp × pp × cp, up to `maxGpus`) whose per-GPU estimate is
/// ≤ `capacityBytes`: more GPUs shrink the sharded model states (ZeRO/FSDP) and nothing
/// else, so DDP either fits on tp × pp × cp GPUs or never. 0 when none up to maxGpus fits.
Result<std::int64_t> fewestGpusThatFit(const TrainingScenario& scenario, double capacityBytes,
                                       std::int64_t maxGpus = 65536);

}  // namespace gpumem
