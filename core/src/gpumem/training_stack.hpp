// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// Fine-tuning stacks: what each of plain PyTorch, TRL's SFTTrainer, Unsloth, Liger kernels
// and torchtune changes in a training step's memory, as a set of mechanisms the training
// estimate applies (docs/methodology.md, "Training stacks").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "gpumem/breakdown.hpp"
#include "gpumem/result.hpp"

namespace gpumem {

/// The software that runs the fine-tuning.
enum class TrainingStack {
  kPytorch,    ///< a plain loop over a Transformers model (+ peft): the measured baseline
  kTrl,        ///< Transformers' Trainer / TRL's SFTTrainer with their defaults
  kUnsloth,    ///< Unsloth: offloaded checkpoints, fused loss, its norm/MLP/LoRA kernels
  kLiger,      ///< Liger kernels patched into a Transformers model
  kTorchtune,  ///< torchtune's single-device and distributed recipes
};

/// Parses "pytorch", "trl" (hf, trainer), "unsloth", "liger", "torchtune". Field "stack".
Result<TrainingStack> parseTrainingStack(std::string_view text);

/// The stack's id as the schema spells it.
std::string stackName(TrainingStack stack);

/// How the output head and the loss are computed.
enum class LossKernel {
  kMaterialized,   ///< all B·S·V logits, upcast to fp32, log_softmax (Transformers' loss)
  kFusedChunked,   ///< Liger's fused linear cross-entropy: one chunk of logits at a time
  kCut,            ///< Apple's cut cross-entropy (Unsloth): logits never stored
  kChunkedOutput,  ///< torchtune's CEWithChunkedOutputLoss: 8 chunks, each upcast alone
};

/// The mechanisms a stack changes, each a visible term of the estimate.
struct StackMechanisms {
  LossKernel loss = LossKernel::kMaterialized;
  /// Fused RMSNorm (saves its input and 1/rms) and SwiGLU (saves gate and up, recomputes
  /// silu) kernels: Liger's LigerRMSNorm / LigerSiLUMulFunction, Unsloth's fast kernels.
  bool fusedKernels = false;
  /// Unsloth's LoRA autograd functions: each fused projection group keeps its 16-bit input
  /// once, no fp32 copy per adapter.
  bool fusedLora = false;
  /// Checkpointed layer inputs always go to CPU RAM (Unsloth's "unsloth" gradient
  /// checkpointing); other stacks offload only when asked (activationOffload).
  bool offloadActivations = false;
  /// torchtune's optimizer_in_bwd: each parameter steps and frees its gradient as soon as
  /// the gradient is ready, so no full gradient buffer exists (full training, no
  /// accumulation).
  bool optimizerInBackward = false;
  /// TRL's SFTTrainer logs entropy and token accuracy: a contiguous copy of the shifted
  /// logits and one 128-token chunk of fp32 entropy tensors after the loss forward.
  bool metricLogitsCopy = false;
  /// Gradient checkpointing when the checkpointing field is "auto".
  bool checkpointsByDefault = false;
  /// QLoRA through peft's prepare_model_for_kbit_training: every parameter that is not
  /// 4-bit (norms; embedding and head unless the trainer casts them back) becomes fp32,
  /// and bitsandbytes returns each projection's output in its input's dtype, so the
  /// residual stream and the layers' tensors are fp32 from the first norm on.
  bool kbitUpcast = false;
};

/// The mechanisms of `stack` (sources: TRL SFTConfig — gradient_checkpointing defaults to
/// True; Unsloth's use_gradient_checkpointing="unsloth" and Apple CCE; Liger's
/// apply_liger_kernel_to_* defaults — rope, rms_norm, swiglu, fused_linear_cross_entropy;
/// torchtune recipes — enable_activation_checkpointing, enable_activation_offloading,
/// CEWithChunkedOutputLoss, optimizer_in_bwd).
StackMechanisms stackMechanisms(TrainingStack stack);

/// Liger's fused linear cross-entropy chunk: the tokens whose logits are live at once,
/// min(BT, next power of two of ⌈BT / ⌈V/H⌉⌉) — transient logits bounded by about BT × H
/// (liger_kernel/ops/fused_linear_cross_entropy.py).
double ligerChunkTokens(double tokens, double vocab, double hidden);

/// torchtune's CEWithChunkedOutputLoss splits the output into this many chunks.
inline constexpr double kTorchtuneOutputChunks = 8;

/// TRL's entropy_from_logits works on this many tokens' logits at a time.
inline constexpr double kTrlEntropyChunkTokens = 128;

/// What the output head and the loss need, per GPU, at the end of the forward and at the
/// start of the backward.
struct LossShape {
  double tokens = 0;             ///< tokens of the micro-batch on this GPU
  double vocab = 0;              ///< vocabulary on this GPU (÷ tensor parallel)
  double hidden = 0;             ///< the head's input width
  double logitBytes = 2;         ///< the head's output dtype (the compute dtype)
  double softcapBytes = 0;       ///< extra fp32-style bytes per logit for tanh soft-capping
  double headGradientBytes = 0;  ///< > 0 when the head is trained: its gradient's dtype
};

/// The loss's tensors under a fused or chunked kernel, as formula terms (the materialised
/// kernel stays in the training estimate, where it was measured):
/// - Liger FLCE: the forward computes the hidden-state gradient (B·T·H in the input
///   dtype, kept for backward), the loss per token (fp32) and one chunk of logits
///   (ligerChunkTokens × V); a trained head's gradient is accumulated there too;
/// - cut cross-entropy: the fp32 log-sum-exp per token forward; the backward recomputes the
///   logits block by block and writes only the hidden-state gradient (Wijmans et al. 2024);
/// - torchtune's chunked output: all 16-bit logits (the chunks together), their fp32
///   log_softmax outputs (saved for backward), one chunk's fp32 upcast; backward: the
///   saved outputs, one chunk's two fp32 gradients and the 16-bit logits' gradient.
std::vector<Term> stackLossForward(LossKernel kernel, const LossShape& shape);
std::vector<Term> stackLossBackward(LossKernel kernel, const LossShape& shape);

}  // namespace gpumem
