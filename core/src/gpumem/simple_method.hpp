// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// The seeds' rule of thumb: parameters × bytes per parameter × (1 + overhead), and its
// training counterpart. It knows nothing of the architecture; the architecture-aware
// estimators replace it when a model is described.
#pragma once

#include <string_view>

#include "gpumem/breakdown.hpp"
#include "gpumem/precision.hpp"
#include "gpumem/result.hpp"

namespace gpumem {

enum class Task { kInference, kTraining };

/// Optimizers of the simple training rule, by the states they keep per parameter.
enum class SimpleOptimizer {
  kAdamW,
  kAdam,
  kSgdMomentum,
  kSgd,
  kAdam8bit,
  kLion,
  kAdafactor,
  kNone
};

/// Parses "inference"/"infer" or "training"/"train". Field "mode".
Result<Task> parseTask(std::string_view text);
/// Parses "adamw", "adam", "sgd-momentum" (or "sgd_momentum", "momentum"), "sgd",
/// "adam8bit" (or "adamw-8bit", "8bit-adam"), "lion", "adafactor", "none". Field "optimizer".
Result<SimpleOptimizer> parseSimpleOptimizer(std::string_view text);
/// Canonical id of an optimizer, e.g. "adamw".
std::string_view simpleOptimizerId(SimpleOptimizer optimizer);

/// Inputs of the simple method.
struct SimpleInput {
  double parameters = 0;          ///< number of parameters
  Precision precision;            ///< storage format of weights (and of grads/states)
  double overheadFraction = 0.2;  ///< inference overhead or training safety margin
  Task task = Task::kInference;
  SimpleOptimizer optimizer = SimpleOptimizer::kAdamW;
  double batchSize = 1;                    ///< training: samples per step
  double activationBytesPerSample = 50e6;  ///< training: the seeds' 50 MB per sample
};

/// Largest overhead fraction accepted (10 = +1000%).
inline constexpr double kMaxOverheadFraction = 10.0;

/// The simple estimate. Inference: weights = P × bits/8, overhead = weights × overhead
/// (seeds: M = P × 4 B / (32 / Q) × 1.2). Training: weights + gradients (P × bytes) +
/// optimizer states (states × P × bytes; 8-bit Adam: 2 one-byte states) + activation
/// allowance (batch × bytes per sample) + safety margin (overhead × their sum).
/// Fails naming the field when an input is out of range.
Result<Breakdown> estimateSimple(const SimpleInput& input);

}  // namespace gpumem
