// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// Derivation and the check against measured runs: docs/methodology.md, "Training".
#include "gpumem/training_activations.hpp"

namespace gpumem {
namespace {

constexpr double kFp32 = 4;
constexpr double kMaskBytes = 1;  ///< dropout keeps a bool mask

/// Saved bytes per token, split into hidden-sized parts (replicated under tensor parallel
/// unless sequence parallel) and parts that tensor parallel splits.
struct Saved {
  double hidden = 0;
  double split = 0;
};

bool fusedQkv(const ModelArchitecture& arch) { return arch.fusedQkv; }

bool fusedGateUp(const ModelArchitecture& arch) { return arch.fusedGateUp; }

bool gemmaNorm(const ModelArchitecture& arch) { return arch.normInFp32; }

/// Bytes per value an LLM.int8 projection keeps of its input (MatMul8bitLt holds A for the
/// backward): its dtype's, unless an adapter already keeps that very tensor (peft casts x to
/// fp32, no copy when it is fp32 already).
double int8KeptInput(const ActivationRecipe& r, double bytes, bool adapted) {
  if (!r.int8Base || r.fusedLora) return 0;
  return bytes >= kFp32 && adapted ? 0 : bytes;
}

/// One norm whose output feeds `consumers` linears, `adapted` of them with LoRA adapters.
double normBytes(const ModelArchitecture& arch, const ActivationRecipe& r, int consumers,
                 int adapted) {
  const double h = static_cast<double>(arch.hiddenSize);
  const bool fusedNorm = r.fusedKernels && arch.normKind == NormKind::kRmsNorm;
  if (r.frozenBase) {
    // fp32 input (the fused kernel: its 16-bit input and 1/rms); adapters' fp32 x
    // (Unsloth's LoRA functions: one 16-bit copy for the group).
    const double norm = fusedNorm ? r.residualBytes * h + kFp32 : kFp32 * h;
    if (r.fusedLora) return norm + (adapted > 0 ? r.computeBytes * h : 0);
    // LLM.int8's matmuls keep the normed output they read, one tensor for all consumers.
    const double int8 = consumers > 0 ? int8KeptInput(r, r.residualBytes, adapted > 0) * h : 0;
    return norm + adapted * kFp32 * h + int8;
  }
  double kept = 0;
  if (fusedNorm) {
    kept = r.residualBytes * h + kFp32;
  } else if (arch.normKind == NormKind::kRmsNorm) {
    kept = gemmaNorm(arch) ? 2 * kFp32 * h : kFp32 * h + r.residualBytes * h;
  } else {
    kept = r.residualBytes * h;  // native_layer_norm keeps its input (+ mean, rstd per token)
  }
  if (consumers == 0) return kept;
  return kept + (r.autocast ? consumers * r.computeBytes * h : r.residualBytes * h);
}

int adaptedCount(const ActivationRecipe& r, std::initializer_list<LinearRole> roles) {
  if (!r.frozenBase) return 0;
  int n = 0;
  for (LinearRole role : roles) n += r.loraTargets.covers(role) ? 1 : 0;
  return n;
}

Saved attentionBytes(const ModelArchitecture& arch, const ActivationRecipe& r,
                     std::int64_t sequence) {
  const double c = r.computeBytes;
  const double h = static_cast<double>(arch.hiddenSize);
  const double q = static_cast<double>(arch.queryWidth());
  const double kv = arch.hasMla ? q : static_cast<double>(arch.numKvHeads * arch.headDim);
  const double v = arch.hasMla ? static_cast<double>(arch.numHeads * arch.mla.vHeadDim) : kv;
  const double out = arch.hasMla ? v : q;
  Saved s;
  const int consumers = fusedQkv(arch) ? 1 : 3;
  s.hidden +=
      normBytes(arch, r, consumers,
                adaptedCount(r, {LinearRole::kQuery, LinearRole::kKey, LinearRole::kValue}));
  if (arch.learnedPositions > 0) {
    s.split += (q + kv + v) * c;  // GPT-2: q, k, v are views of the fused c_attn output
  } else if (fusedQkv(arch)) {
    s.split += (q + kv + v) * c + (q + kv) * c;  // fused output (v is a view) + rotated q, k
  } else {
    s.split += (q + kv + v) * c;  // rotated q and k, v
  }
  s.split += out * c;  // SDPA output
  if (r.frozenBase) {
    const double adapterInput = r.fusedLora ? c : kFp32;
    s.split += r.loraTargets.covers(LinearRole::kOutput) ? adapterInput * out : 0;
    // kept by o_proj's int8 matmul
    s.split += int8KeptInput(r, c, r.loraTargets.covers(LinearRole::kOutput)) * out;
  } else {
    s.split += out * c;  // o_proj input (the contiguous transpose of the output)
  }
  const double heads = static_cast<double>(arch.numHeads);
  s.split += kFp32 * heads;  // log-sum-exp
  if (r.attention == AttentionImplementation::kEager) {
    s.split += heads * static_cast<double>(sequence) * (kFp32 + c);  // fp32 softmax + cast
  }
  if (arch.dropout > 0) s.hidden += kMaskBytes * h;                   // residual dropout mask
  if (arch.normsPerLayer >= 4) s.hidden += normBytes(arch, r, 0, 0);  // post-attention norm
  return s;
}

double gatedMlpBytes(const ActivationRecipe& r, double width) {
  const double c = r.computeBytes;
  // The fused SwiGLU keeps gate and up only (silu is recomputed in backward).
  const double act = r.fusedKernels ? 2 * width * c : 3 * width * c;
  if (r.frozenBase) {
    if (r.fusedLora) return act;  // Unsloth's LoRA MLP recomputes down_proj's input
    const bool down = r.loraTargets.covers(LinearRole::kDown);
    // down_proj's int8 matmul keeps its input
    return act + (down ? kFp32 * width : 0) + int8KeptInput(r, c, down) * width;
  }
  return act + width * c;  // gate (kept by act), act(gate), up, product (down_proj input)
}

double plainMlpBytes(const ModelArchitecture& arch, const ActivationRecipe& r, double width) {
  const double c = r.computeBytes;
  const bool tanhFormula = arch.hiddenAct == "gelu_new" || arch.hiddenAct == "gelu_fast";
  if (!tanhFormula) {
    return 2 * width * c;  // fc output (kept by gelu), gelu output (fc2 input)
  }
  // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))): pow keeps x (autocast: its fp32 copy),
  // tanh its output, the product both factors, fc2 its input.
  if (r.autocast) return (kFp32 + kFp32 + c + kFp32 + c) * width;
  return 5 * c * width;
}

Saved mlpBytes(const ModelArchitecture& arch, const ActivationRecipe& r) {
  const double h = static_cast<double>(arch.hiddenSize);
  Saved s;
  const int consumers = arch.mlpKind == MlpKind::kGated && !fusedGateUp(arch) ? 2 : 1;
  s.hidden += normBytes(arch, r, consumers, adaptedCount(r, {LinearRole::kGate, LinearRole::kUp}));
  const bool moeLayer = arch.isMoe() && arch.moe.denseLayers < arch.numLayers;
  if (moeLayer) {
    const double k = static_cast<double>(arch.moe.expertsPerToken);
    const double expert = static_cast<double>(arch.moe.expertIntermediateSize);
    const double shared = static_cast<double>(arch.moe.numSharedExperts) *
                          static_cast<double>(arch.moe.sharedExpertIntermediateSize);
    // Each routed copy of the token: its input to the expert and the expert's MLP tensors;
    // the router's fp32 logits and softmax.
    s.split += k * (h * r.computeBytes + gatedMlpBytes(r, expert)) + gatedMlpBytes(r, shared);
    s.hidden += 2 * kFp32 * static_cast<double>(arch.moe.numExperts);
  } else if (arch.mlpKind == MlpKind::kGated) {
    s.split += gatedMlpBytes(r, static_cast<double>(arch.intermediateSize));
  } else {
    s.split += plainMlpBytes(arch, r, static_cast<double>(arch.intermediateSize));
  }
  if (arch.dropout > 0) s.hidden += kMaskBytes * h;
  if (arch.normsPerLayer >= 4) s.hidden += normBytes(arch, r, 0, 0);  // post-feedforward norm
  return s;
}

double combine(const Saved& s, const ActivationRecipe& r) {
  const double t = r.tensorParallel < 1 ? 1 : r.tensorParallel;
  return s.hidden / (r.sequenceParallel ? t : 1) + s.split / t;
}

}  // namespace

double trainingSavedBytesPerToken(const ModelArchitecture& arch, const ActivationRecipe& recipe,
                                  std::int64_t sequence) {
  const Saved attention = attentionBytes(arch, recipe, sequence);
  const Saved mlp = mlpBytes(arch, recipe);
  return combine({attention.hidden + mlp.hidden, attention.split + mlp.split}, recipe);
}

double finalNormSavedBytesPerToken(const ModelArchitecture& arch, const ActivationRecipe& recipe) {
  const double h = static_cast<double>(arch.hiddenSize);
  // The embedding output itself is kept only as the first norm's fp32 input (counted in the
  // layer); GPT-2's embedding dropout adds its mask.
  const double embedding = arch.dropout > 0 ? kMaskBytes * h : 0;
  const double norm = normBytes(arch, recipe, recipe.frozenBase ? 0 : 1, 0);
  return combine({embedding + norm, 0}, recipe);
}

double layerBackwardBytesPerToken(const ModelArchitecture& arch, const ActivationRecipe& recipe) {
  const double c = recipe.computeBytes;
  const double gated = arch.mlpKind == MlpKind::kGated ? 3 : 2;
  double width = static_cast<double>(arch.intermediateSize);
  if (arch.isMoe() && arch.moe.denseLayers < arch.numLayers) {
    width = static_cast<double>(arch.moe.expertsPerToken) *
                static_cast<double>(arch.moe.expertIntermediateSize) +
            static_cast<double>(arch.moe.numSharedExperts) *
                static_cast<double>(arch.moe.sharedExpertIntermediateSize);
  }
  return combine({0, gated * width * c}, recipe);
}

double checkpointBytesPerToken(const ModelArchitecture& arch, const ActivationRecipe& recipe) {
  return combine({recipe.residualBytes * static_cast<double>(arch.hiddenSize), 0}, recipe);
}

double lossBackwardBytesPerToken(const ModelArchitecture& arch, double logitBytes) {
  (void)logitBytes;
  const double v = static_cast<double>(arch.vocabSize);
  const double softcap = arch.finalLogitSoftcap > 0 ? 2 * v : 0;
  return 3 * kFp32 * v + softcap;
}

double lossForwardBytesPerToken(const ModelArchitecture& arch, double logitBytes) {
  const double v = static_cast<double>(arch.vocabSize);
  const double copy = logitBytes >= kFp32 ? 0 : kFp32 * v;
  const double softcap = arch.finalLogitSoftcap > 0 ? 2 * v : 0;
  return logitBytes * v + copy + kFp32 * v + softcap;
}

}  // namespace gpumem
