// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
#include "gpumem/calibration_prediction.hpp"

#include "gpumem/inference.hpp"
#include "gpumem/precision.hpp"
#include "gpumem/training.hpp"

namespace gpumem {

Result<double> predictInferenceCase(const CalibrationCase& c, const ModelArchitecture& arch,
                                    const CalibrationEnv& env) {
  const auto precision = parsePrecision(c.dtype);
  if (!precision) return precision.error();
  const auto attention = parseAttentionImplementation(c.attn);
  if (!attention) return attention.error();
  InferenceOptions options;
  options.weightBytesPerParameter = precision->bytes();
  options.kvBytesPerValue = precision->bytes();
  options.activationBytesPerValue = precision->bytes();
  options.batch = c.batch;
  options.promptTokens = c.seq;
  options.generatedTokens = c.newTokens;
  options.attention = *attention;
  if (env.contextBytes > 0) options.cudaContextBytes = env.contextBytes;
  const auto estimate = estimateInference(arch, options);
  if (!estimate) return estimate.error();
  return estimate->totalBytes;
}

Result<double> predictTrainingCase(const CalibrationCase& c, const ModelArchitecture& arch,
                                   const CalibrationEnv& env) {
  TrainingScenario s;
  s.arch = arch;
  if (c.mode == "mixed") {
    s.recipe = PrecisionRecipe::kMixedBf16;
  } else if (c.mode == "bf16" || c.mode == "lora") {
    s.recipe = PrecisionRecipe::kPureBf16;  // measure.py: a bf16 model, no autocast
  } else if (c.mode == "fp32") {
    s.recipe = PrecisionRecipe::kFp32;
  } else {
    return makeError(ErrorCode::kUnsupported, "mode", "Unknown training mode " + c.mode + ".");
  }
  if (c.mode == "lora") {
    s.task = TrainingTask::kLora;
    s.loraRank = c.loraRank;
    std::string targets;
    for (const std::string& t : c.loraTargets) targets += (targets.empty() ? "" : ",") + t;
    const auto parsed = parseLoraTargets(targets);
    if (!parsed) return parsed.error();
    s.loraTargets = *parsed;
  }
  // measure.py's "sgd" is torch.optim.SGD with momentum 0.9.
  const auto optimizer = parseOptimizer(c.optimizer == "sgd" ? "sgd-momentum" : c.optimizer);
  if (!optimizer) return optimizer.error();
  s.optimizer = *optimizer;
  s.microBatch = c.batch;
  s.sequence = c.seq;
  s.checkpointing = c.gradientCheckpointing ? Checkpointing::kFull : Checkpointing::kNone;
  if (env.contextBytes > 0) s.cudaContextBytes = env.contextBytes;
  const auto estimate = estimateTraining(s);
  if (!estimate) return estimate.error();
  return estimate->perGpu.totalBytes;
}

}  // namespace gpumem
