// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
#include "gpumem/model_parameters.hpp"

namespace gpumem {

std::int64_t ModelArchitecture::slidingLayerCount() const {
  if (slidingWindow <= 0) return 0;
  std::int64_t count = 0;
  for (bool sliding : slidingLayers) count += sliding ? 1 : 0;
  return count;
}

std::int64_t ModelArchitecture::queryWidth() const {
  if (hasMla) return numHeads * (mla.qkNopeHeadDim + mla.qkRopeHeadDim);
  return numHeads * headDim;
}

namespace {

/// Parameters of one norm over `width` values.
double normParameters(const ModelArchitecture& arch, double width) {
  switch (arch.normKind) {
    case NormKind::kRmsNorm:
      return width;
    case NormKind::kLayerNorm:
      return arch.normHasBias ? 2 * width : width;
    case NormKind::kNonParametricLayerNorm:
      return 0;
  }
  return width;
}

/// A linear layer in → out, with an optional bias.
double linear(double in, double out, bool bias) { return in * out + (bias ? out : 0); }

/// Multi-head latent attention of one layer (DeepSeek V2/V3 modeling code).
double mlaParameters(const ModelArchitecture& arch) {
  const MlaShape& m = arch.mla;
  const double h = static_cast<double>(arch.hiddenSize);
  const double heads = static_cast<double>(arch.numHeads);
  const double qHead = static_cast<double>(m.qkNopeHeadDim + m.qkRopeHeadDim);
  double q = 0;
  if (m.qLoraRank > 0) {
    const double r = static_cast<double>(m.qLoraRank);
    q = linear(h, r, arch.qkvBias) + r + r * heads * qHead;  // q_a_proj, q_a_layernorm, q_b_proj
  } else {
    q = h * heads * qHead;
  }
  const double kvr = static_cast<double>(m.kvLoraRank);
  const double kvA = linear(h, kvr + static_cast<double>(m.qkRopeHeadDim), arch.qkvBias);
  const double kvNorm = kvr;
  const double kvB = kvr * heads * static_cast<double>(m.qkNopeHeadDim + m.vHeadDim);
  const double o = linear(heads * static_cast<double>(m.vHeadDim), h, arch.oBias);
  return q + kvA + kvNorm + kvB + o;
}

/// Attention of one layer: projections, biases, q/k norms, sinks.
double attentionParameters(const ModelArchitecture& arch) {
  if (arch.hasMla) return mlaParameters(arch);
  const double h = static_cast<double>(arch.hiddenSize);
  const double q = static_cast<double>(arch.numHeads * arch.headDim);
  const double kv = static_cast<double>(arch.numKvHeads * arch.headDim);
  double total =
      linear(h, q, arch.qkvBias) + 2 * linear(h, kv, arch.qkvBias) + linear(q, h, arch.oBias);
  // q/k norm weights (and biases when they are LayerNorms with one).
  const double qkNormScale = arch.qkNormHasBias ? 2 : 1;
  if (arch.qkNorm == QkNormKind::kPerHead) {
    total += qkNormScale * 2 * static_cast<double>(arch.headDim);
  }
  if (arch.qkNorm == QkNormKind::kFull) total += qkNormScale * (q + kv);
  if (arch.attentionSinks) total += static_cast<double>(arch.numHeads);
  return total;
}

/// One feed-forward block hidden → width → hidden.
double mlpParameters(const ModelArchitecture& arch, double width, bool bias) {
  const double h = static_cast<double>(arch.hiddenSize);
  if (arch.mlpKind == MlpKind::kGated) return 2 * linear(h, width, bias) + linear(width, h, bias);
  return linear(h, width, bias) + linear(width, h, bias);
}

/// Experts, router and shared expert of one MoE layer, with the active share.
struct MoeLayerParameters {
  double experts = 0;
  double routed = 0;
  double router = 0;
  double active = 0;
};

MoeLayerParameters moeLayerParameters(const ModelArchitecture& arch) {
  const MoeShape& m = arch.moe;
  const double h = static_cast<double>(arch.hiddenSize);
  const double expert =
      mlpParameters(arch, static_cast<double>(m.expertIntermediateSize), m.expertBias);
  const double shared =
      static_cast<double>(m.numSharedExperts) *
      mlpParameters(arch, static_cast<double>(m.sharedExpertIntermediateSize), false);
  MoeLayerParameters out;
  out.routed = static_cast<double>(m.numExperts) * expert;
  out.experts = out.routed + shared;
  out.router =
      linear(h, static_cast<double>(m.numExperts), m.routerBias) + (m.sharedExpertGate ? h : 0);
  out.active = static_cast<double>(m.expertsPerToken) * expert + shared;
  return out;
}

}  // namespace

ModelParameters countModelParameters(const ModelArchitecture& arch) {
  ModelParameters p;
  const double h = static_cast<double>(arch.hiddenSize);
  const double layers = static_cast<double>(arch.numLayers);
  p.embedding =
      static_cast<double>(arch.vocabSize) * h + static_cast<double>(arch.learnedPositions) * h;
  p.outputHead = (arch.tieWordEmbeddings ? 0 : static_cast<double>(arch.vocabSize) * h) +
                 (arch.outputBias ? static_cast<double>(arch.vocabSize) : 0);
  p.perLayerAttention = attentionParameters(arch);
  p.attention = layers * p.perLayerAttention;
  p.norms = layers * static_cast<double>(arch.normsPerLayer) * normParameters(arch, h) +
            (arch.finalNorm ? normParameters(arch, h) : 0) +
            (arch.embeddingNorm ? normParameters(arch, h) : 0);
  const double denseLayers = arch.isMoe() ? static_cast<double>(arch.moe.denseLayers) : layers;
  p.mlp =
      denseLayers * mlpParameters(arch, static_cast<double>(arch.intermediateSize), arch.mlpBias);
  if (arch.isMoe()) {
    const MoeLayerParameters moe = moeLayerParameters(arch);
    const double moeLayers = layers - denseLayers;
    p.experts = moeLayers * moe.experts;
    p.routedExperts = moeLayers * moe.routed;
    p.router = moeLayers * moe.router;
    p.activeExperts = moeLayers * moe.active;
  }
  p.total = p.embedding + p.outputHead + p.attention + p.mlp + p.experts + p.router + p.norms;
  return p;
}

}  // namespace gpumem
