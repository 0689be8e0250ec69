// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
#include "gpumem/simple_method.hpp"

#include <cmath>
#include <string>

#include "gpumem/format.hpp"
#include "gpumem/parameter_count.hpp"
#include "text.hpp"

namespace gpumem {
namespace {

struct OptimizerStates {
  double count;          ///< states per parameter
  double bytesOverride;  ///< bytes per state, or 0 to use the weights' precision
};

OptimizerStates statesOf(SimpleOptimizer optimizer) {
  switch (optimizer) {
    case SimpleOptimizer::kAdamW:
    case SimpleOptimizer::kAdam:
      return {2, 0};
    case SimpleOptimizer::kSgdMomentum:
      return {1, 0};
    case SimpleOptimizer::kSgd:
      return {0, 0};
    case SimpleOptimizer::kAdam8bit:
      return {2, 1};
    case SimpleOptimizer::kLion:
      return {1, 0};  // one momentum per parameter
    case SimpleOptimizer::kAdafactor:
    case SimpleOptimizer::kNone:
      return {0, 0};  // Adafactor's factored rows and columns are negligible at this level
  }
  return {2, 0};
}

Result<bool> validate(const SimpleInput& in) {
  if (!std::isfinite(in.parameters) || in.parameters < 1 || in.parameters > kMaxParameterCount) {
    return makeError(ErrorCode::kOutOfRange, "params",
                     "The parameter count must be between 1 and 1,000T.");
  }
  if (!std::isfinite(in.overheadFraction) || in.overheadFraction < 0 ||
      in.overheadFraction > kMaxOverheadFraction) {
    return makeError(ErrorCode::kOutOfRange, "overhead",
                     "The overhead must be between 0% and 1000%.");
  }
  if (!(in.precision.bits >= 1 && in.precision.bits <= 32)) {
    return makeError(ErrorCode::kOutOfRange, "precision", "Bits per value must be 1 to 32.");
  }
  if (in.task == Task::kTraining) {
    if (!std::isfinite(in.batchSize) || in.batchSize < 1 || in.batchSize > 1e6) {
      return makeError(ErrorCode::kOutOfRange, "batch", "The batch size must be 1 to 1,000,000.");
    }
    if (!std::isfinite(in.activationBytesPerSample) || in.activationBytesPerSample < 0 ||
        in.activationBytesPerSample > 1e13) {
      return makeError(ErrorCode::kOutOfRange, "activationPerSample",
                       "Activation memory per sample must be 0 to 10 TB.");
    }
  }
  return true;
}

Breakdown inferenceBreakdown(const SimpleInput& in) {
  const Factor params{in.parameters, "parameters"};
  const Factor bytes{in.precision.bytes(), "B"};
  Breakdown b;
  b.components.push_back(makeComponent("weights", "Weights", {{{params, bytes}}}, in.precision.id));
  b.components.push_back(makeComponent("overhead", "Overhead",
                                       {{{params, bytes, {in.overheadFraction, "overhead"}}}},
                                       "a share of the weights for the runtime"));
  b.totalBytes = sumComponents(b.components);
  return b;
}

Breakdown trainingBreakdown(const SimpleInput& in) {
  const OptimizerStates states = statesOf(in.optimizer);
  const Factor params{in.parameters, "parameters"};
  const Factor bytes{in.precision.bytes(), "B"};
  const Factor stateBytes{states.bytesOverride > 0 ? states.bytesOverride : bytes.value, "B"};
  Breakdown b;
  b.components.push_back(makeComponent("weights", "Weights", {{{params, bytes}}}, in.precision.id));
  b.components.push_back(
      makeComponent("gradients", "Gradients", {{{params, bytes}}}, in.precision.id));
  b.components.push_back(
      makeComponent("optimizer_states", "Optimizer states",
                    {{{params, {static_cast<double>(states.count), "states"}, stateBytes}}},
                    std::string(simpleOptimizerId(in.optimizer))));
  b.components.push_back(makeComponent(
      "activations", "Activations (allowance)",
      {{{{in.batchSize, "samples"}, {in.activationBytesPerSample, "B per sample"}}}}));
  const double subtotal = sumComponents(b.components);
  b.components.push_back(makeComponent("safety_margin", "Safety margin",
                                       {{{{subtotal, "B"}, {in.overheadFraction, "margin"}}}},
                                       "a share of everything above"));
  b.totalBytes = sumComponents(b.components);
  return b;
}

}  // namespace

Result<Task> parseTask(std::string_view input) {
  const std::string s = text::lower(text::trim(input));
  if (s == "inference" || s == "infer" || s == "serve") return Task::kInference;
  if (s == "training" || s == "train") return Task::kTraining;
  return makeError(ErrorCode::kInvalidArgument, "task",
                   "Unknown mode " + text::quote(input) + "; use inference or training.");
}

Result<SimpleOptimizer> parseSimpleOptimizer(std::string_view input) {
  std::string s = text::lower(text::trim(input));
  for (char& c : s) {
    if (c == '_' || c == ' ') c = '-';
  }
  if (s == "adamw") return SimpleOptimizer::kAdamW;
  if (s == "adam") return SimpleOptimizer::kAdam;
  if (s == "sgd-momentum" || s == "momentum" || s == "sgdm") return SimpleOptimizer::kSgdMomentum;
  if (s == "sgd") return SimpleOptimizer::kSgd;
  if (s == "adam8bit" || s == "adamw8bit" || s == "adamw-8bit" || s == "adam-8bit" ||
      s == "8bit-adam")
    return SimpleOptimizer::kAdam8bit;
  if (s == "lion") return SimpleOptimizer::kLion;
  if (s == "adafactor") return SimpleOptimizer::kAdafactor;
  if (s == "none") return SimpleOptimizer::kNone;
  return makeError(ErrorCode::kInvalidArgument, "optimizer",
                   "Unknown optimizer " + text::quote(input) +
                       "; use adamw, adam, sgd-momentum, sgd, adam8bit, lion, adafactor or none.");
}

std::string_view simpleOptimizerId(SimpleOptimizer optimizer) {
  switch (optimizer) {
    case SimpleOptimizer::kAdamW:
      return "adamw";
    case SimpleOptimizer::kAdam:
      return "adam";
    case SimpleOptimizer::kSgdMomentum:
      return "sgd-momentum";
    case SimpleOptimizer::kSgd:
      return "sgd";
    case SimpleOptimizer::kAdam8bit:
      return "adam8bit";
    case SimpleOptimizer::kLion:
      return "lion";
    case SimpleOptimizer::kAdafactor:
      return "adafactor";
    case SimpleOptimizer::kNone:
      return "none";
  }
  return "adamw";
}

Result<Breakdown> estimateSimple(const SimpleInput& input) {
  if (auto valid = validate(input); !valid) return valid.error();
  return input.task == Task::kInference ? inferenceBreakdown(input) : trainingBreakdown(input);
}

}  // namespace gpumem
