// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// Transient memory of one forward pass over the prompt (prefill), inference mode.
#pragma once

#include <cstdint>

#include "gpumem/model_architecture.hpp"

namespace gpumem {

/// Values alive per prompt token at the MLP peak of a layer (inference, no autograd):
/// four hidden-sized tensors (residual stream, normed input, the block output being added,
/// the norm's temporary) plus the MLP's own temporaries —
///  gated MLP: act(gate), up, and their product: 3 × intermediate (fused gate_up, Phi-3:
///  4 × intermediate); plain MLP: its input projection and the activation's temporaries
///  (GELU written out as tanh formula, GPT-2 "gelu_new": 4 × intermediate, else 2 ×);
///  MoE: each token is copied to its k experts, which hold gate_up (2 × expert width),
///  the activation and the product (1 + 1), and their output: k × (4 × expert + 2 × hidden).
double prefillValuesPerToken(const ModelArchitecture& arch);

/// prefillValuesPerToken for Hugging Face Transformers at `activationBytes` per value. Its
/// grouped MoE experts (transformers 5.x integrations/moe.py) peak either at the gate/up
/// projections or at the combine after the down projection, where the gathered input and
/// the down output sit beside their fp32 router-weighted copies: 2 × hidden values plus
/// 2 × hidden fp32 per routed token (Moonlight's recorded timeline: 12 × hidden bytes per
/// routed token in bf16).
double transformersPrefillValuesPerToken(const ModelArchitecture& arch, double activationBytes);

/// Bytes per attention score that eager attention keeps alive at its softmax. Most
/// models (modeling_llama.py eager_attention_forward): the scores in the model dtype, their
/// fp32 copy and the fp32 softmax, b + 8 (8 for fp32 models). Models with attention sinks
/// (gpt-oss) concatenate the sink logit, subtract the row maximum and take the softmax in
/// the model dtype: three score tensors of b bytes (gpt-oss's measured 6.7 B per score in
/// bf16, at 1 and 8 sequences).
double eagerScoreBytesPerElement(const ModelArchitecture& arch, double activationBytes);

/// Bytes per score of the score tensors the caching allocator keeps after eager attention:
/// one per dtype the softmax passes through (b + 4; b with attention sinks).
double eagerScoreReserveBytesPerElement(const ModelArchitecture& arch, double activationBytes);

/// Whether PyTorch's SDPA falls back to the math kernel, which stores the scores: fp32
/// inputs rule out flash attention, and the memory-efficient kernel takes no grouped-query
/// (enable_gqa) inputs, so fp32 with fewer KV heads than query heads goes to math.
bool sdpaUsesMathKernel(const ModelArchitecture& arch, double activationBytes);

}  // namespace gpumem
