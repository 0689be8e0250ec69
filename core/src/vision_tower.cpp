// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
#include "gpumem/vision_tower.hpp"

namespace gpumem {
namespace {

double linear(double in, double out, bool bias) { return in * out + (bias ? out : 0); }

/// One encoder layer: attention (q, k, v, o), the MLP and the two norms around them.
double encoderLayer(const VisionTower& t) {
  const double h = static_cast<double>(t.hiddenSize);
  const double i = static_cast<double>(t.intermediateSize);
  const double attention = 4 * linear(h, h, t.attentionBias);
  const double mlp = t.gatedMlp ? 2 * linear(h, i, t.mlpBias) + linear(i, h, t.mlpBias)
                                : linear(h, i, t.mlpBias) + linear(i, h, t.mlpBias);
  const double norm = t.layerNorm ? 2 * h : h;
  return attention + mlp + 2 * norm;
}

/// The patch embedding, class token and position table.
double embeddings(const VisionTower& t) {
  const double h = static_cast<double>(t.hiddenSize);
  const double patchInputs =
      static_cast<double>(t.channels * t.temporalPatch * t.patchSize * t.patchSize);
  return patchInputs * h + (t.patchBias ? h : 0) + (t.classToken ? h : 0) +
         static_cast<double>(t.positionRows) * h;
}

}  // namespace

VisionParameters countVisionParameters(const VisionTower& t) {
  VisionParameters p;
  if (!t.present()) return p;
  const double h = static_cast<double>(t.hiddenSize);
  const double norm = t.layerNorm ? 2 * h : h;
  p.encoder = embeddings(t) + static_cast<double>(t.numLayers) * encoderLayer(t) +
              (t.preNorm ? norm : 0) + (t.postNorm ? norm : 0) +
              static_cast<double>(t.encoderExtras);
  for (const VisionLinear& l : t.projector) {
    p.projector += static_cast<double>(l.count) *
                   linear(static_cast<double>(l.in), static_cast<double>(l.out), l.bias);
  }
  for (const VisionNorm& n : t.projectorNorms) {
    p.projector += static_cast<double>(n.count) * static_cast<double>(n.width) * (n.bias ? 2 : 1);
  }
  p.projector += static_cast<double>(t.extraParameters);
  return p;
}

}  // namespace gpumem
