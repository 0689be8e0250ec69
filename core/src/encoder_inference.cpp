// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// One encoder forward with transformers (BertModel, XLMRobertaModel, ModernBertModel; sdpa or
// eager attention), derived from their modeling files; docs/methodology.md has the derivation.
#include "gpumem/encoder_inference.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "gpumem/runtime_overhead.hpp"

namespace gpumem {

double encoderPeakValuesPerToken(const ModelArchitecture& arch) {
  const EncoderShape& e = arch.encoder;
  const double h = static_cast<double>(arch.hiddenSize);
  const double q = static_cast<double>(arch.numHeads * arch.headDim);
  const double kv = static_cast<double>(arch.numKvHeads * arch.headDim);
  const double inter = static_cast<double>(arch.intermediateSize);
  const double norm = e.preNorm ? h : 0;
  const double rotated = e.rotary ? q + kv : 0;
  // input, (norm), q, k, v, (rotated q and k), SDPA output and its contiguous copy
  const double attention = h + norm + q + 2 * kv + rotated + 2 * q;
  // input, attention output (pre-norm: the residual sum too, and the norm's output), and the
  // intermediate values: plain MLP before and after the activation; gated Wi (2 ×), act, product
  const double mlp = 2 * h + norm + (arch.mlpKind == MlpKind::kGated ? 4 : 2) * inter;
  return std::max(attention, mlp);
}

Result<Breakdown> estimateEncoderInference(const ModelArchitecture& arch, const InferenceOptions& o,
                                           Breakdown out) {
  if (o.generatedTokens != 0) {
    return makeError(ErrorCode::kInvalidArgument, "generatedTokens",
                     "An encoder generates no tokens; generatedTokens must be 0.");
  }
  const Factor b{o.activationBytesPerValue, "B"};
  const Factor sequences{static_cast<double>(o.batch), "sequences"};
  const Factor tokens{static_cast<double>(o.promptTokens), "tokens"};
  std::vector<Term> activations = {
      {{sequences, tokens, {encoderPeakValuesPerToken(arch), "values per token"}, b},
       "one layer's live tensors"}};
  if (o.batch > 1) {
    // A padded batch: transformers builds a bidirectional mask (batch × 1 × tokens × tokens,
    // bool) once per forward, and SDPA adds its additive copy for each layer's call. One
    // sequence alone needs no mask (transformers skips it when nothing is padded).
    const double masks = arch.slidingLayerCount() > 0 ? 2 : 1;
    activations.push_back(
        {{sequences, tokens, tokens, {masks, "masks"}, {1, "B"}},
         masks > 1 ? "padding masks (global and sliding-window layers)" : "padding mask"});
    activations.push_back({{sequences, tokens, tokens, b}, "its additive copy in SDPA"});
  }
  if (o.attention == AttentionImplementation::kEager) {
    activations.push_back({{sequences,
                            {static_cast<double>(arch.numHeads), "heads"},
                            tokens,
                            tokens,
                            {2, "copies"},
                            b},
                           "eager scores and probabilities"});
  }
  out.components.push_back(makeComponent(
      "activations", "Activations (one forward)", activations,
      "bidirectional attention over each whole sequence, no KV cache and no decode: the batch "
      "is read once and each sequence yields its embedding or score"));
  out.components.push_back(
      makeComponent("cuda_context", "CUDA context",
                    {{{{o.cudaContextBytes, "B"}}, "at start-up"},
                     {{{kLazyKernelBytes, "B"}}, "kernels loaded on first use"}}));
  out.components.push_back(
      makeComponent("allocator_reserve", "Allocator reserve",
                    {{{{kLargeBufferSegmentBytes, "B"}}, "a large-buffer segment"}},
                    "cached by PyTorch's allocator, not freed"));
  out.totalBytes = sumComponents(out.components);
  return out;
}

}  // namespace gpumem
