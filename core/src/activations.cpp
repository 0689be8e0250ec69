// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
#include "gpumem/activations.hpp"

#include <algorithm>

namespace gpumem {

namespace {

/// Hidden-sized tensors alive at the MLP peak of a layer.
constexpr double kHiddenTensorsAlive = 4;

bool isTanhFormulaGelu(const ModelArchitecture& arch) {
  return arch.hiddenAct == "gelu_new" || arch.hiddenAct == "gelu_fast";
}

}  // namespace

/// Values per token a hybrid's widest non-attention mixer holds at its peak: the in_proj
/// output and the convolved copy of its conv channels (Mamba, Gated DeltaNet), 0 without one.
double mixerValuesPerToken(const ModelArchitecture& arch) {
  double values = 0;
  if (arch.mambaLayerCount() > 0) {
    const MambaShape& m = arch.mamba;
    const double inner = static_cast<double>(m.innerSize);
    const double channels = static_cast<double>(m.convChannels());
    const double projection =
        m.version == 1 ? 2 * inner : inner + channels + static_cast<double>(m.heads);
    values = std::max(values, projection + channels);
  }
  if (arch.mixerLayerCount(MixerKind::kLinearAttention) > 0) {
    const LinearAttentionShape& l = arch.linearAttention;
    const double width =
        l.lightning ? 4 * static_cast<double>(arch.numHeads * arch.headDim)
                    : static_cast<double>(2 * l.convChannels() + l.valueHeads * l.valueHeadDim);
    values = std::max(values, width);
  }
  return values;
}

/// The feed-forward part of prefillValuesPerToken: the MLP's or the active experts' values.
double feedForwardValuesPerToken(const ModelArchitecture& arch) {
  const double h = static_cast<double>(arch.hiddenSize);
  if (arch.isMoe() && arch.moe.denseLayers < arch.numLayers) {
    const double k = static_cast<double>(arch.moe.expertsPerToken);
    const double expert = static_cast<double>(arch.moe.expertIntermediateSize);
    return k * (4 * expert + 2 * h);
  }
  const double width = static_cast<double>(arch.intermediateSize);
  if (arch.mlpKind == MlpKind::kPlain) return (isTanhFormulaGelu(arch) ? 4 : 2) * width;
  if (arch.fusedGateUp) return 4 * width;  // fused gate_up_proj output
  return 3 * width;
}

double prefillValuesPerToken(const ModelArchitecture& arch) {
  const double hidden = kHiddenTensorsAlive * static_cast<double>(arch.hiddenSize);
  return hidden + std::max(feedForwardValuesPerToken(arch), mixerValuesPerToken(arch));
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
