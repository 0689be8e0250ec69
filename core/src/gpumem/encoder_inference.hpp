// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// An encoder served for embeddings or reranking (BERT, XLM-RoBERTa, ModernBERT): the memory of
// one forward over a batch of sequences. No KV cache and no decode: every token is read once.
#pragma once

#include "gpumem/breakdown.hpp"
#include "gpumem/inference.hpp"
#include "gpumem/model_architecture.hpp"
#include "gpumem/result.hpp"

namespace gpumem {

/// Values per token live at the peak of one encoder layer's forward under torch.no_grad, from
/// transformers' modeling files: the larger of the attention step and the MLP step.
/// Attention (post-norm BERT): the layer's input, q, k and v, SDPA's output and its contiguous
/// copy (6 × hidden); a pre-norm layer (ModernBERT) also holds the norm's output and, with
/// rotary positions, the rotated q and k (9 × hidden). MLP: the layer's input, the attention
/// output and the intermediate before and after the activation (2 × hidden + 2 × intermediate);
/// ModernBERT's gated MLP holds the residual, the norm's output, Wi's 2 × intermediate, the
/// activation and the product (3 × hidden + 4 × intermediate).
double encoderPeakValuesPerToken(const ModelArchitecture& arch);

/// Adds to `out` (which holds the weights) what one forward of `o.batch` sequences of
/// `o.promptTokens` tokens needs with transformers: the peak of one layer's live tensors; with
/// several sequences, the padding mask transformers builds (batch × tokens × tokens booleans
/// for the whole forward, two for ModernBERT's global and sliding-window layers) and SDPA's
/// additive copy of it in the activation dtype during each layer's call; with eager attention,
/// the scores and probabilities (2 × batch × heads × tokens² values); the CUDA context with its
/// lazily loaded kernels; and one partly used large-buffer segment of the caching allocator.
/// `o.generatedTokens` must be 0: an encoder generates nothing.
Result<Breakdown> estimateEncoderInference(const ModelArchitecture& arch, const InferenceOptions& o,
                                           Breakdown out);

}  // namespace gpumem
