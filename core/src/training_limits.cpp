// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
#include "gpumem/training_limits.hpp"

#include "gpumem/monotone_search.hpp"

namespace gpumem {
namespace {

Result<bool> fits(const TrainingScenario& scenario, double capacityBytes) {
  const auto estimate = estimateTraining(scenario);
  if (!estimate) return estimate.error();
  return estimate->perGpu.totalBytes <= capacityBytes;
}

}  // namespace

Result<std::int64_t> largestMicroBatchThatFits(const TrainingScenario& scenario,
                                               double capacityBytes) {
  TrainingScenario trial = scenario;
  return largestFitting(kMaxBatch, [&](std::int64_t batch) {
    trial.microBatch = batch;
    return fits(trial, capacityBytes);
  });
}

Result<std::int64_t> longestSequenceThatFits(const TrainingScenario& scenario,
                                             double capacityBytes) {
  TrainingScenario trial = scenario;
  return largestFitting(kMaxTokens, [&](std::int64_t sequence) {
    trial.sequence = sequence;
    return fits(trial, capacityBytes);
  });
}

Result<std::int64_t> fewestGpusThatFit(const TrainingScenario& scenario, double capacityBytes,
                                       std::int64_t maxGpus) {
  const std::int64_t step =
      scenario.parallel.tensor * scenario.parallel.pipeline * scenario.parallel.context;
  TrainingScenario trial = scenario;
  // Sharded states shrink as 1/N: try the multiples of `step` in doubling, then bisect.
  std::int64_t low = 0;
  std::int64_t high = step;
  while (true) {
    trial.gpus = high;
    const auto ok = fits(trial, capacityBytes);
    if (!ok) return ok.error();
    if (*ok) break;
    low = high;
    if (high >= maxGpus) return std::int64_t{0};
    high = std::min(maxGpus / step * step, high * 2);
    if (high <= low) return std::int64_t{0};
  }
  while (high - low > step) {
    const std::int64_t middle = (low + (high - low) / 2) / step * step;
    if (middle <= low) break;
    trial.gpus = middle;
    const auto ok = fits(trial, capacityBytes);
    if (!ok) return ok.error();
    (*ok ? high : low) = middle;
  }
  return high;
}

}  // namespace gpumem
