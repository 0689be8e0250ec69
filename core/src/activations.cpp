// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
#include "gpumem/activations.hpp"

namespace gpumem {

namespace {

/// Hidden-sized tensors alive at the MLP peak of a layer.
constexpr double kHiddenTensorsAlive = 4;

bool isTanhFormulaGelu(const ModelArchitecture& arch) {
  return arch.hiddenAct == "gelu_new" || arch.hiddenAct == "gelu_fast";
}

}  // namespace

double prefillValuesPerToken(const ModelArchitecture& arch) {
  const double h = static_cast<double>(arch.hiddenSize);
  const double hidden = kHiddenTensorsAlive * h;
  if (arch.isMoe() && arch.moe.denseLayers < arch.numLayers) {
    const double k = static_cast<double>(arch.moe.expertsPerToken);
    const double expert = static_cast<double>(arch.moe.expertIntermediateSize);
    return hidden + k * (4 * expert + 2 * h);
  }
  const double width = static_cast<double>(arch.intermediateSize);
  if (arch.mlpKind == MlpKind::kPlain) return hidden + (isTanhFormulaGelu(arch) ? 4 : 2) * width;
  if (arch.fusedGateUp) return hidden + 4 * width;  // fused gate_up_proj output
  return hidden + 3 * width;
}

double transformersPrefillValuesPerToken(const ModelArchitecture& arch, double activationBytes) {
  const double dense = prefillValuesPerToken(arch);
  if (!arch.isMoe() || arch.moe.denseLayers >= arch.numLayers) return dense;
  // The combine after the down projection: the gathered input and the down output beside
  // their fp32 copies weighted by the router, per routed token.
  constexpr double kFp32 = 4;
  const double h = static_cast<double>(arch.hiddenSize);
  const double combine = 2 * h + 2 * h * kFp32 / activationBytes;
  const double k = static_cast<double>(arch.moe.expertsPerToken);
  const double expert = static_cast<double>(arch.moe.expertIntermediateSize);
  return kHiddenTensorsAlive * h + k * std::max(4 * expert + 2 * h, combine);
}

double eagerScoreBytesPerElement(const ModelArchitecture& arch, double activationBytes) {
  constexpr double kFp32 = 4;
  if (arch.attentionSinks) return 3 * activationBytes;
  if (activationBytes >= kFp32) return 2 * kFp32;
  return activationBytes + 2 * kFp32;
}

double eagerScoreReserveBytesPerElement(const ModelArchitecture& arch, double activationBytes) {
  constexpr double kFp32 = 4;
  return arch.attentionSinks ? activationBytes : activationBytes + kFp32;
}

bool sdpaUsesMathKernel(const ModelArchitecture& arch, double activationBytes) {
  return activationBytes >= 4 && arch.numKvHeads < arch.numHeads;
}

}  // namespace gpumem
