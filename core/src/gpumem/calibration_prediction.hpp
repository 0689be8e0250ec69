// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// Predictions of what nvidia-smi shows for one calibration case: the estimators run with the
// case's settings and the measuring machine's CUDA context.
#pragma once

#include "gpumem/calibration_case.hpp"
#include "gpumem/model_architecture.hpp"
#include "gpumem/result.hpp"

namespace gpumem {

/// Predicted device bytes of an inference case: estimateInference with the Transformers
/// profile, the case's dtype (weights, KV cache and activations), batch, prompt, generated
/// tokens and attention, and the env's measured start-up context.
Result<double> predictInferenceCase(const CalibrationCase& c, const ModelArchitecture& arch,
                                    const CalibrationEnv& env);

/// Predicted device bytes of a training case: estimateTraining on one GPU with measure.py's
/// settings (mixed = AMP bf16, bf16 = pure bf16, lora = peft fp32 adapters on a bf16 base,
/// sgd = momentum 0.9), the case's micro-batch, sequence and checkpointing, and the env's
/// measured start-up context.
Result<double> predictTrainingCase(const CalibrationCase& c, const ModelArchitecture& arch,
                                   const CalibrationEnv& env);

}  // namespace gpumem
