// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// The inverse questions: the longest prompt and the largest batch that fit in a memory budget.
#pragma once

#include <cstdint>

#include "gpumem/inference.hpp"
#include "gpumem/model_architecture.hpp"
#include "gpumem/result.hpp"

namespace gpumem {

/// The longest prompt (tokens, with options.generatedTokens generated after it) whose
/// estimateInference total is ≤ `capacityBytes`, found by binary search over the estimator
/// (the total grows with the prompt). 0 when not even a 1-token prompt fits; capped at
/// kMaxTokens. Fails only when the options are invalid.
Result<std::int64_t> longestPromptThatFits(const ModelArchitecture& arch,
                                           const InferenceOptions& options, double capacityBytes);

/// The largest batch whose estimate is ≤ `capacityBytes` (0 when batch 1 does not fit;
/// capped at kMaxBatch).
Result<std::int64_t> largestBatchThatFits(const ModelArchitecture& arch,
                                          const InferenceOptions& options, double capacityBytes);

}  // namespace gpumem
