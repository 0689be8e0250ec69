// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
#include "gpumem/calibration_prediction.hpp"

#include "gpumem/inference.hpp"
#include "gpumem/precision.hpp"

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

Result<double> predictTrainingCase(const CalibrationCase& /*c*/, const ModelArchitecture& /*arch*/,
                                   const CalibrationEnv& /*env*/) {
  return makeError(ErrorCode::kUnsupported, "mode", "Training cases are not estimated yet.");
}

}  // namespace gpumem
