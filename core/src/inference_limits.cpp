// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
#include "gpumem/inference_limits.hpp"

namespace gpumem {
namespace {

/// Largest value in [1, upper] for which `fits(value)` holds, given fits is monotone
/// (true then false); 0 when fits(1) is false. Errors from the estimator pass through.
template <class Fits>
Result<std::int64_t> largestFitting(std::int64_t upper, Fits fits) {
  const Result<bool> first = fits(1);
  if (!first) return first.error();
  if (!*first) return std::int64_t{0};
  std::int64_t good = 1;
  std::int64_t bad = upper + 1;
  while (bad - good > 1) {
    const std::int64_t middle = good + (bad - good) / 2;
    const Result<bool> ok = fits(middle);
    if (!ok) return ok.error();
    (*ok ? good : bad) = middle;
  }
  return good;
}

Result<bool> totalFits(const ModelArchitecture& arch, const InferenceOptions& options,
                       double capacityBytes) {
  const auto estimate = estimateInference(arch, options);
  if (!estimate) return estimate.error();
  return estimate->totalBytes <= capacityBytes;
}

}  // namespace

Result<std::int64_t> longestPromptThatFits(const ModelArchitecture& arch,
                                           const InferenceOptions& options, double capacityBytes) {
  InferenceOptions trial = options;
  return largestFitting(kMaxTokens - options.generatedTokens, [&](std::int64_t prompt) {
    trial.promptTokens = prompt;
    return totalFits(arch, trial, capacityBytes);
  });
}

Result<std::int64_t> largestBatchThatFits(const ModelArchitecture& arch,
                                          const InferenceOptions& options, double capacityBytes) {
  InferenceOptions trial = options;
  return largestFitting(kMaxBatch, [&](std::int64_t batch) {
    trial.batch = batch;
    return totalFits(arch, trial, capacityBytes);
  });
}

}  // namespace gpumem
