// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
#include "gpumem/persistent_parameters.hpp"

namespace gpumem {
namespace {

/// The tensors that persist, added shape by shape.
class Tally {
 public:
  explicit Tally(double threshold) : threshold_(threshold) {}

  /// `count` tensors of `elements` each: they persist when elements <= the threshold
  /// (mark_persistent_parameters: param.ds_numel <= param_threshold).
  void add(double count, double elements, bool adapter = false) {
    if (count <= 0 || elements <= 0 || elements > threshold_) return;
    (adapter ? out_.adapters : out_.base) += count * elements;
    out_.tensors += count;
  }

  PersistentParameters result() const { return out_; }

 private:
  double threshold_;
  PersistentParameters out_;
};

double d(std::int64_t v) { return static_cast<double>(v); }

/// Hidden-sized norms: each a weight, plus a bias for a LayerNorm with one.
void addNorms(const ModelArchitecture& a, Tally& t) {
  const double norms = d(a.numLayers * a.normsPerLayer - a.omittedNorms) + (a.finalNorm ? 1 : 0) +
                       (a.embeddingNorm ? 1 : 0);
  double perNorm = 1;
  if (a.normKind == NormKind::kNonParametricLayerNorm) perNorm = 0;
  if (a.normKind == NormKind::kLayerNorm && a.normHasBias) perNorm = 2;
  t.add(norms * perNorm, d(a.hiddenSize));
}

/// One attention layer's tensors (modeling code of the model_type: q, k, v, o and their
/// biases, q/k norms, sinks; MLA's down/up projections and latent norms).
void addAttention(const ModelArchitecture& a, double layers, Tally& t) {
  const double h = d(a.hiddenSize);
  if (a.hasMla) {
    const MlaShape& m = a.mla;
    const double heads = d(a.numHeads);
    const double qHead = d(m.qkNopeHeadDim + m.qkRopeHeadDim);
    if (m.qLoraRank > 0) {
      t.add(layers, h * d(m.qLoraRank));              // q_a_proj
      t.add(layers, d(m.qLoraRank));                  // q_a_layernorm
      t.add(layers, d(m.qLoraRank) * heads * qHead);  // q_b_proj
    } else {
      t.add(layers, h * heads * qHead);
    }
    t.add(layers, h * d(m.kvLoraRank + m.qkRopeHeadDim));                      // kv_a_proj
    t.add(layers, d(m.kvLoraRank));                                            // kv_a_layernorm
    t.add(layers, d(m.kvLoraRank) * heads * d(m.qkNopeHeadDim + m.vHeadDim));  // kv_b_proj
    t.add(layers, heads * d(m.vHeadDim) * h);                                  // o_proj
    if (a.oBias) t.add(layers, h);
    if (m.indexHeads > 0) {  // V3.2's lightning indexer: wq_b, wk, k_norm, weights_proj
      const double queryIn = m.qLoraRank > 0 ? d(m.qLoraRank) : h;
      t.add(layers, queryIn * d(m.indexHeads * m.indexHeadDim));
      t.add(layers, h * d(m.indexHeadDim));
      t.add(2 * layers, d(m.indexHeadDim));
      t.add(layers, h * d(m.indexHeads));
    }
    return;
  }
  const double q = d(a.numHeads * a.headDim);
  const double kv = d(a.numKvHeads * a.headDim);
  const double qProjection = a.attentionOutputGate ? 2 * q : q;
  t.add(layers, h * qProjection);
  t.add(2 * layers, h * kv);
  t.add(layers, q * h);
  if (a.qkvBias) {
    t.add(layers, qProjection);
    t.add(2 * layers, kv);
  }
  if (a.oBias) t.add(layers, h);
  const double normTensors = a.qkNormHasBias ? 2 : 1;
  if (a.qkNorm == QkNormKind::kPerHead) t.add(2 * normTensors * layers, d(a.headDim));
  if (a.qkNorm == QkNormKind::kFull) {
    t.add(normTensors * layers, q);
    t.add(normTensors * layers, kv);
  }
  if (a.attentionSinks) t.add(layers, d(a.numHeads));
}

/// `copies` feed-forward blocks hidden → width → hidden, as separate matrices.
void addMlp(const ModelArchitecture& a, double copies, double width, bool bias, Tally& t) {
  const double h = d(a.hiddenSize);
  const double inputs = a.mlpKind == MlpKind::kGated ? 2 : 1;  // gate and up, or up
  t.add(copies * inputs, h * width);
  t.add(copies, width * h);
  if (bias) {
    t.add(copies * inputs, width);
    t.add(copies, h);
  }
}

/// One MoE block per layer: router (+ bias), shared-expert gate, shared experts, and the
/// routed experts — separate matrices per expert, or gpt-oss's fused 3-D parameters
/// (GptOssExperts: gate_up_proj E × h × 2I with its bias E × 2I, down_proj E × I × h with
/// its bias E × h).
void addMoe(const ModelArchitecture& a, double layers, Tally& t) {
  const MoeShape& m = a.moe;
  const double h = d(a.hiddenSize);
  const double experts = d(m.numExperts);
  const double width = d(m.expertIntermediateSize);
  t.add(layers, experts * h);
  if (m.routerBias) t.add(layers, experts);
  if (m.sharedExpertGate) t.add(layers, h);
  addMlp(a, layers * d(m.numSharedExperts), d(m.sharedExpertIntermediateSize), false, t);
  if (!m.fusedExperts) {
    addMlp(a, layers * experts, width, m.expertBias, t);
    return;
  }
  const double inputs = a.mlpKind == MlpKind::kGated ? 2 : 1;
  t.add(layers, experts * h * inputs * width);
  t.add(layers, experts * width * h);
  if (m.expertBias) {
    t.add(layers, experts * inputs * width);
    t.add(layers, experts * h);
  }
}

/// LoRA's matrices on the adapted projections: lora_A rank × in, lora_B out × rank (peft's
/// LoraLayer), per layer and per expert as loraParameterCount counts them.
void addAdapters(const ModelArchitecture& a, const LoraTargets& requested, std::int64_t rank,
                 Tally& t) {
  if (rank <= 0) return;
  const LoraTargets targets = adaptableTargets(a, requested);
  const double r = d(rank);
  for (const LayerLinear& linear : layerLinears(a)) {
    if (!targets.covers(linear.role)) continue;
    const bool inExperts = linear.role == LinearRole::kGate || linear.role == LinearRole::kUp ||
                           linear.role == LinearRole::kDown;
    const double copies = d(a.numLayers) * (inExperts && a.isMoe() ? d(a.moe.numExperts) : 1.0);
    t.add(copies, r * d(linear.inFeatures), true);
    t.add(copies, d(linear.outFeatures) * r, true);
  }
}

}  // namespace

PersistentParameters persistentParameters(const ModelArchitecture& a, double threshold,
                                          const LoraTargets& targets, std::int64_t rank) {
  Tally t(threshold);
  const double h = d(a.hiddenSize);
  t.add(1, d(a.vocabSize + a.extraEmbeddingRows) * h);
  t.add(1, d(a.learnedPositions) * h);
  t.add(1, d(a.encoder.tokenTypes) * h);
  if (!a.tieWordEmbeddings) t.add(1, d(a.vocabSize) * h);
  if (a.outputBias) t.add(1, d(a.vocabSize));
  addNorms(a, t);
  const double attentionLayers =
      d(a.attentionLayerCount() + a.mixerLayerCount(MixerKind::kCrossAttention));
  addAttention(a, attentionLayers, t);
  const double crossLayers = d(a.mixerLayerCount(MixerKind::kCrossAttention));
  t.add(2 * crossLayers, d(a.headDim));  // MllamaTextCrossAttention's q_norm and k_norm
  t.add(2 * crossLayers, 1);             // cross_attn_attn_gate, cross_attn_mlp_gate
  const double ffnLayers = d(a.numLayers - a.mlpFreeLayers);
  const double denseLayers = a.isMoe() ? d(a.moe.denseLayers) : ffnLayers;
  addMlp(a, denseLayers, d(a.intermediateSize), a.mlpBias, t);
  if (a.isMoe()) addMoe(a, ffnLayers - denseLayers, t);
  addAdapters(a, targets, rank, t);
  return t.result();
}

}  // namespace gpumem
