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

/// The largest value in [1, upper] of one size of the scenario (`field`: the micro-batch or
/// the sequence) at which it fits; 0 when 1 does not.
Result<std::int64_t> largestFittingSize(const TrainingScenario& scenario, double capacityBytes,
                                        std::int64_t upper, std::int64_t TrainingScenario::*field) {
  TrainingScenario trial = scenario;
  return largestFitting(
      upper,
      [&](std::int64_t value) {
        trial.*field = value;
        return fits(trial, capacityBytes);
      },
      scenario.*field);
}

}  // namespace

Result<std::int64_t> largestMicroBatchThatFits(const TrainingScenario& scenario,
                                               double capacityBytes) {
  return largestFittingSize(scenario, capacityBytes, kMaxBatch, &TrainingScenario::microBatch);
}

Result<std::int64_t> longestSequenceThatFits(const TrainingScenario& scenario,
                                             double capacityBytes) {
  return largestFittingSize(scenario, capacityBytes, kMaxTokens, &TrainingScenario::sequence);
}

Result<std::int64_t> fewestGpusThatFit(const TrainingScenario& scenario, double capacityBytes,
                                       std::int64_t maxGpus) {
  const std::int64_t step =
      scenario.parallel.tensor * scenario.parallel.pipeline * scenario.parallel.context;
  TrainingScenario trial = scenario;
  const auto fitsOn = [&](std::int64_t gpus) {
    trial.gpus = gpus;
    return fits(trial, capacityBytes);
  };
  // Sharded states shrink as 1/N: try the multiples of `step` in doubling, then bisect.
  std::int64_t low = 0;
  std::int64_t high = step;
  while (true) {
    const auto ok = fitsOn(high);
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
    const auto ok = fitsOn(middle);
    if (!ok) return ok.error();
    (*ok ? high : low) = middle;
  }
  return high;
}

}  // namespace gpumem
