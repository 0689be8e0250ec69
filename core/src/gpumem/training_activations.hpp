// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// What autograd keeps for the backward pass of one training step, per token, derived from
// the tensors each PyTorch / Hugging Face Transformers operation saves (torch
// derivatives.yaml: an op saves an input only when the gradient it feeds is needed).
#pragma once

#include <cstdint>

#include "gpumem/inference.hpp"
#include "gpumem/lora.hpp"
#include "gpumem/model_architecture.hpp"

namespace gpumem {

/// How the forward pass of a training step runs.
struct ActivationRecipe {
  double computeBytes = 2;   ///< dtype of matmul inputs/outputs (bf16 2; fp32 4; fp8 ≈ 1)
  double residualBytes = 2;  ///< dtype of the residual stream (the weights' dtype: AMP 4)
  bool autocast = false;     ///< torch.autocast: each linear casts its own input copy
  bool frozenBase = false;   ///< LoRA/QLoRA: base weights need no gradient
  LoraTargets loraTargets;   ///< adapted projections (frozenBase only)
  AttentionImplementation attention = AttentionImplementation::kSdpa;
  double tensorParallel = 1;      ///< Megatron TP: attention and MLP tensors split t ways
  bool sequenceParallel = false;  ///< TP + SP: hidden-sized tensors split t ways too
  /// Fused RMSNorm (keeps its 16-bit input and an fp32 1/rms per token) and SwiGLU (keeps
  /// gate and up, recomputes silu): Liger's and Unsloth's kernels.
  bool fusedKernels = false;
  /// Unsloth's LoRA autograd functions: a projection group keeps its 16-bit input once (no
  /// fp32 copy per adapter) and the MLP recomputes down_proj's input.
  bool fusedLora = false;
  /// LLM.int8 base (frozenBase): bitsandbytes' MatMul8bitLt keeps each int8 projection's
  /// input for its backward (autograd/_functions.py: ctx.tensors = (CAt, subA, A) whenever
  /// the input needs a gradient), which a 16-bit frozen linear does not.
  bool int8Base = false;
};

/// Bytes autograd saves per token in one decoder layer (no checkpointing), summed from:
/// norms — RMSNorm computed in fp32 (Llama: the fp32 input copy 4h, the normalised value
/// in the input dtype for the weight's gradient; Gemma: the fp32 input and the fp32
/// normalised value); LayerNorm keeps its input; the normed output once in the compute
/// dtype, or under autocast one cast copy per consuming linear (q, k, v separately; fused
/// qkv / gate_up once); attention — q and k after RoPE, v, the SDPA output, the o_proj
/// input, the fp32 log-sum-exp (eager: + the fp32 softmax and its cast, heads × seq values
/// per token); MLP — gated: gate, act(gate), up, product (4 × intermediate); GPT-2's
/// written-out tanh GELU: its fp32 temporaries; MoE: k routed experts' MLPs and token
/// copies; dropout masks (1 byte). With a frozen base (LoRA), base linears save no input;
/// each adapter saves an fp32 copy of its input (peft casts x to the adapter's fp32 dtype).
/// `sequence` is the tokens per sequence (eager scores grow with it).
double trainingSavedBytesPerToken(const ModelArchitecture& arch, const ActivationRecipe& recipe,
                                  std::int64_t sequence);

/// Bytes kept per token for the final norm before the head, and the embedding output.
double finalNormSavedBytesPerToken(const ModelArchitecture& arch, const ActivationRecipe& recipe);

/// Bytes per token of the gradients a layer's backward holds at once beside its saved
/// tensors, at the MLP's elementwise backward: the gradient of the product (down_proj's
/// input gradient) and those of gate and up — 3 × intermediate in the compute dtype for a
/// gated MLP (2 × for a plain one; k routed experts and the shared ones for MoE), split by
/// tensor parallel. Checked against the slope of Unsloth's published max-context tables
/// (Llama 3.1 8B and Llama 3.3 70B, where one recomputed layer is most of what grows).
double layerBackwardBytesPerToken(const ModelArchitecture& arch, const ActivationRecipe& recipe);

/// Bytes per token of the layer input each checkpointed layer keeps (full recomputation,
/// torch.utils.checkpoint): the residual stream, hidden × residual bytes.
double checkpointBytesPerToken(const ModelArchitecture& arch, const ActivationRecipe& recipe);

/// Bytes per token alive in the loss at the backward peak: Transformers' ForCausalLMLoss
/// upcasts the logits to fp32 (logits.float()), log_softmax keeps its fp32 output, and the
/// backward holds that output, the NLL gradient and the log_softmax gradient at once:
/// 3 × 4 × vocab (+ 2 × vocab for Gemma 2's tanh soft-capping, which keeps tanh's output).
double lossBackwardBytesPerToken(const ModelArchitecture& arch, double logitBytes);

/// Bytes per token alive at the end of the forward: logits in their dtype, the fp32 copy
/// and the log_softmax output (the copy is the logits themselves when they are fp32).
double lossForwardBytesPerToken(const ModelArchitecture& arch, double logitBytes);

}  // namespace gpumem
