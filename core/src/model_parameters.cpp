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

std::int64_t ModelArchitecture::mixerLayerCount(MixerKind kind) const {
  if (mixers.empty()) return kind == MixerKind::kAttention ? numLayers : 0;
  std::int64_t count = 0;
  for (MixerKind mixer : mixers) count += mixer == kind ? 1 : 0;
  return count;
}

std::int64_t ModelArchitecture::attentionLayerCount() const {
  return mixerLayerCount(MixerKind::kAttention) + mixerLayerCount(MixerKind::kAttentionAndMamba);
}

std::int64_t ModelArchitecture::mambaLayerCount() const {
  return mixerLayerCount(MixerKind::kMamba) + mixerLayerCount(MixerKind::kAttentionAndMamba);
}

bool ModelArchitecture::hasRecurrentState() const {
  return mambaLayerCount() > 0 || mixerLayerCount(MixerKind::kLinearAttention) > 0 ||
         mixerLayerCount(MixerKind::kShortConv) > 0;
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

/// DeepSeek V3.2's lightning indexer of one layer (DeepSeek-V3.2-Exp inference/model.py,
/// Indexer): wq_b from the query latent to index_n_heads × index_head_dim, wk from the hidden
/// state to one index_head_dim key, k_norm a LayerNorm with bias over it, and weights_proj
/// from the hidden state to one weight per index head; none of the Linears has a bias.
double lightningIndexerParameters(const ModelArchitecture& arch) {
  const MlaShape& m = arch.mla;
  if (m.indexHeads <= 0) return 0;
  const double h = static_cast<double>(arch.hiddenSize);
  const double heads = static_cast<double>(m.indexHeads);
  const double dim = static_cast<double>(m.indexHeadDim);
  const double queryIn = m.qLoraRank > 0 ? static_cast<double>(m.qLoraRank) : h;
  return queryIn * heads * dim + h * dim + 2 * dim + h * heads;
}

/// Multi-head latent attention of one layer (DeepSeek V2/V3 modeling code), with V3.2's
/// lightning indexer where the config names one.
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
  return q + kvA + kvNorm + kvB + o + lightningIndexerParameters(arch);
}

/// Attention of one layer: projections, biases, q/k norms, sinks.
double attentionParameters(const ModelArchitecture& arch) {
  if (arch.hasMla) return mlaParameters(arch);
  const double h = static_cast<double>(arch.hiddenSize);
  const double q = static_cast<double>(arch.numHeads * arch.headDim);
  const double kv = static_cast<double>(arch.numKvHeads * arch.headDim);
  // Qwen3-Next's q_proj yields the queries and as many output-gate values.
  const double qProjection = arch.attentionOutputGate ? 2 * q : q;
  double total = linear(h, qProjection, arch.qkvBias) + 2 * linear(h, kv, arch.qkvBias) +
                 linear(q, h, arch.oBias);
  // q/k norm weights (and biases when they are LayerNorms with one).
  const double qkNormScale = arch.qkNormHasBias ? 2 : 1;
  if (arch.qkNorm == QkNormKind::kPerHead) {
    total += qkNormScale * 2 * static_cast<double>(arch.headDim);
  }
  if (arch.qkNorm == QkNormKind::kFull) total += qkNormScale * (q + kv);
  if (arch.attentionSinks) total += static_cast<double>(arch.numHeads);
  return total;
}

/// One Mamba mixer. Mamba 1 (modeling_mamba.py): in_proj hidden → 2·d_inner, a depthwise
/// conv1d of d_inner channels, x_proj d_inner → dt_rank + 2·d_state, dt_proj dt_rank → d_inner
/// with bias, A_log d_inner × d_state, D d_inner, out_proj d_inner → hidden (Jamba adds RMSNorms
/// of dt_rank, d_state and d_state). Mamba-2 (modeling_mamba2.py): in_proj hidden → d_inner +
/// conv channels + heads (z, xBC, dt), conv1d over d_inner + 2·groups·d_state channels,
/// dt_bias, A_log and D per head, a gated RMSNorm over d_inner, out_proj d_inner → hidden.
double mambaParameters(const ModelArchitecture& arch) {
  const MambaShape& m = arch.mamba;
  const double h = static_cast<double>(arch.hiddenSize);
  const double inner = static_cast<double>(m.innerSize);
  const double state = static_cast<double>(m.stateSize);
  const double channels = static_cast<double>(m.convChannels());
  const double conv = channels * static_cast<double>(m.convKernel) + (m.convBias ? channels : 0);
  const double out = linear(inner, h, m.outProjBias);
  if (m.version == 1) {
    const double rank = static_cast<double>(m.dtRank);
    return linear(h, 2 * inner, m.projBias) + conv + inner * (rank + 2 * state) +
           linear(rank, inner, true) + inner * state + inner + out +
           (m.dtBcNorms ? rank + 2 * state : 0);
  }
  const double heads = static_cast<double>(m.heads);
  return linear(h, inner + channels + heads, m.projBias) + conv + 3 * heads +
         (m.gatedNorm ? inner : 0) + out;
}

/// One linear-attention mixer. Gated DeltaNet (Qwen3-Next, modeling_qwen3_next.py):
/// in_proj_qkvz hidden → 2·key + 2·value widths, in_proj_ba hidden → 2·value heads, a depthwise
/// conv1d without bias over the q, k, v channels, dt_bias and A_log per value head, a gated
/// RMSNorm of one value head, out_proj value width → hidden. Lightning attention (MiniMax,
/// modeling_minimax.py): qkv_proj hidden → 3·heads·head_dim, an RMSNorm over heads·head_dim,
/// output_gate hidden → heads·head_dim, out_proj heads·head_dim → hidden.
double linearAttentionParameters(const ModelArchitecture& arch) {
  const LinearAttentionShape& l = arch.linearAttention;
  const double h = static_cast<double>(arch.hiddenSize);
  if (l.lightning) {
    const double width = static_cast<double>(arch.numHeads * arch.headDim);
    return 3 * h * width + width + h * width + width * h;
  }
  const double key = static_cast<double>(l.keyHeads * l.keyHeadDim);
  const double value = static_cast<double>(l.valueHeads * l.valueHeadDim);
  const double valueHeads = static_cast<double>(l.valueHeads);
  return h * (2 * key + 2 * value) + h * 2 * valueHeads +
         static_cast<double>(l.convChannels() * l.convKernel) + 2 * valueHeads +
         static_cast<double>(l.valueHeadDim) + value * h;
}

/// LFM2's gated short convolution (modeling_lfm2.py): in_proj hidden → 3·hidden, a depthwise
/// conv1d of conv_L_cache taps, out_proj hidden → hidden, biases when conv_bias.
double shortConvParameters(const ModelArchitecture& arch) {
  const double h = static_cast<double>(arch.hiddenSize);
  const bool bias = arch.shortConvBias;
  return linear(h, 3 * h, bias) + h * static_cast<double>(arch.shortConvKernel) + (bias ? h : 0) +
         linear(h, h, bias);
}

/// One cross-attention mixer (Mllama, modeling_mllama.py MllamaTextCrossAttention and
/// MllamaCrossAttentionDecoderLayer): the q, k, v, o projections of self-attention (k and v
/// read the projected vision states, as wide as the text), a head_dim RMSNorm on q and one on
/// k, and the two scalar tanh gates cross_attn_attn_gate and cross_attn_mlp_gate.
double crossAttentionParameters(const ModelArchitecture& arch, double perLayerAttention) {
  return perLayerAttention + 2 * static_cast<double>(arch.headDim) + 2;
}

/// Every layer's token mixers: attention where the layer attends, the state-space, linear-
/// attention or short-convolution mixer elsewhere (Falcon-H1's layers have both).
double mixerParameters(const ModelArchitecture& arch, double perLayerAttention) {
  return static_cast<double>(arch.attentionLayerCount()) * perLayerAttention +
         static_cast<double>(arch.mixerLayerCount(MixerKind::kCrossAttention)) *
             crossAttentionParameters(arch, perLayerAttention) +
         static_cast<double>(arch.mambaLayerCount()) * mambaParameters(arch) +
         static_cast<double>(arch.mixerLayerCount(MixerKind::kLinearAttention)) *
             linearAttentionParameters(arch) +
         static_cast<double>(arch.mixerLayerCount(MixerKind::kShortConv)) *
             shortConvParameters(arch);
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

/// An encoder's head kept in memory when it is served: BertPooler (dense hidden → hidden with
/// bias), and a sequence-classification head (BertForSequenceClassification: classifier
/// hidden → labels on the pooled output; RobertaClassificationHead: dense hidden → hidden and
/// out_proj hidden → labels; ModernBertPredictionHead: dense, norm, then the classifier).
double encoderHeadParameters(const ModelArchitecture& arch) {
  const EncoderShape& e = arch.encoder;
  if (!e.present) return 0;
  const double h = static_cast<double>(arch.hiddenSize);
  double total = e.pooler ? linear(h, h, true) : 0;
  if (e.classifierLabels > 0) {
    total += (e.classifierDense ? linear(h, h, e.classifierDenseBias) : 0) +
             (e.classifierNorm ? normParameters(arch, h) : 0) +
             linear(h, static_cast<double>(e.classifierLabels), true);
  }
  return total;
}

}  // namespace

ModelParameters countModelParameters(const ModelArchitecture& arch) {
  ModelParameters p;
  const double h = static_cast<double>(arch.hiddenSize);
  const double layers = static_cast<double>(arch.numLayers);
  p.embedding = static_cast<double>(arch.vocabSize + arch.extraEmbeddingRows) * h +
                static_cast<double>(arch.learnedPositions) * h +
                static_cast<double>(arch.encoder.tokenTypes) * h;
  p.outputHead = (arch.tieWordEmbeddings ? 0 : static_cast<double>(arch.vocabSize) * h) +
                 (arch.outputBias ? static_cast<double>(arch.vocabSize) : 0) +
                 encoderHeadParameters(arch);
  p.perLayerAttention = attentionParameters(arch);
  p.attention = mixerParameters(arch, p.perLayerAttention);
  p.norms =
      (layers * static_cast<double>(arch.normsPerLayer) - static_cast<double>(arch.omittedNorms)) *
          normParameters(arch, h) +
      (arch.finalNorm ? normParameters(arch, h) : 0) +
      (arch.embeddingNorm ? normParameters(arch, h) : 0);
  const double ffnLayers = layers - static_cast<double>(arch.mlpFreeLayers);
  const double denseLayers = arch.isMoe() ? static_cast<double>(arch.moe.denseLayers) : ffnLayers;
  p.mlp =
      denseLayers * mlpParameters(arch, static_cast<double>(arch.intermediateSize), arch.mlpBias);
  if (arch.isMoe()) {
    const MoeLayerParameters moe = moeLayerParameters(arch);
    const double moeLayers = ffnLayers - denseLayers;
    p.experts = moeLayers * moe.experts;
    p.routedExperts = moeLayers * moe.routed;
    p.router = moeLayers * moe.router;
    p.activeExperts = moeLayers * moe.active;
  }
  p.vision = countVisionParameters(arch.vision).total();
  p.total =
      p.embedding + p.outputHead + p.attention + p.mlp + p.experts + p.router + p.norms + p.vision;
  return p;
}

ModelArchitecture mtpArchitecture(const ModelArchitecture& arch) {
  ModelArchitecture m = arch;
  m.numLayers = arch.mtpLayers;
  m.mtpLayers = 0;
  m.mixers.clear();  // an MTP layer attends with full attention (Qwen3-Next: gated attention)
  m.slidingWindow = 0;
  m.slidingLayers.assign(static_cast<std::size_t>(m.numLayers), false);
  m.moe.denseLayers = 0;  // past first_k_dense_replace: the MoE block where the model has one
  m.mlpFreeLayers = 0;
  m.omittedNorms = 0;
  m.embeddingNorm = false;
  m.vision = VisionTower{};
  return m;
}

MtpParameters countMtpParameters(const ModelArchitecture& arch) {
  if (arch.mtpLayers <= 0) return {};
  const ModelArchitecture m = mtpArchitecture(arch);
  const ModelParameters p = countModelParameters(m);
  const double h = static_cast<double>(arch.hiddenSize);
  const double modules = static_cast<double>(arch.mtpLayers);
  // countModelParameters(m) holds the decoder layers and one final norm: each module adds
  // enorm, hnorm, eh_proj and its own norm before the head (the final norm counted once).
  const double perModule = 2 * normParameters(arch, h) + 2 * h * h + normParameters(arch, h);
  MtpParameters out;
  const double finalNorm = m.finalNorm ? normParameters(arch, h) : 0;
  out.unique = p.total - p.embedding - p.outputHead - finalNorm + modules * perModule;
  out.sharedCopies = modules * (static_cast<double>(arch.vocabSize) * h * 2);
  return out;
}

}  // namespace gpumem
