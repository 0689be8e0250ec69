// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// The allocation timeline of training steps on one GPU: a plain PyTorch loop over a
// Hugging Face Transformers model (+ peft LoRA).
#pragma once

#include <vector>

#include "gpumem/timeline.hpp"
#include "gpumem/training.hpp"

namespace gpumem {

/// The ordered allocations and frees of two training steps of `scenario` (forward,
/// loss.backward(), optimizer.step(), zero_grad(set_to_none=True)), the second with the
/// optimizer states the first step created, with the tensors sized by trainingStepSizes.
/// Forward: per layer, autocast's 16-bit weight copies and the tensors autograd saves
/// (under checkpointing only the layer's input, torch/utils/checkpoint.py); then the final
/// norm, the head's logits, Transformers' ForCausalLMLoss upcast logits.float()
/// (loss_utils.py) and cross_entropy's fp32 log_softmax, after which the upcast and the
/// 16-bit logits are freed. Backward: nll_loss's gradient, log_softmax's gradient (the
/// step's usual peak), the 16-bit logits' gradient, the head's weight gradient, then per
/// layer (recomputed first under checkpointing) the MLP's gradients beside the saved
/// tensors, the layer's weight gradients, and its saved tensors freed. Optimizer:
/// foreach AdamW's sqrt(exp_avg_sq) copies of all states at once (torch/optim/adam.py
/// _multi_tensor_adam), fused AdamW none, for-loop AdamW one state-sized temporary of the
/// largest matrix, SGD's momentum buffers cloned from the gradients at the first step
/// (torch/optim/sgd.py), Adafactor's fp32 copies of the largest matrix's gradient and
/// weight, grad² + eps and the factored second-moment estimate (transformers
/// optimization.py Adafactor.step, _approx_sq_grad); zero_grad frees the gradients.
/// Coarsened for speed as the inference timeline is: layers in up to four groups, each
/// group's saved tensors as one block per kind, one layer's transients simulated per group.
std::vector<TimelineEvent> trainingTimeline(const TrainingScenario& scenario,
                                            const TrainingStepSizes& sizes);

}  // namespace gpumem
