// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
#include "gpumem/inference_limits.hpp"

#include "gpumem/monotone_search.hpp"

namespace gpumem {
namespace {

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
