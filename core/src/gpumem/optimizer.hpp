// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// Training precision recipes and optimizers: what each keeps per trainable parameter.
#pragma once

#include <string>
#include <string_view>

#include "gpumem/result.hpp"

namespace gpumem {

/// How weights, gradients and optimizer states are stored during training.
enum class PrecisionRecipe {
  kFp32,            ///< fp32 weights, gradients and states; fp32 compute
  kMixedBf16,       ///< PyTorch AMP: fp32 weights/grads/states, bf16 autocast copies
  kMixedFp16,       ///< PyTorch AMP with fp16 autocast (plus a loss scaler)
  kPureBf16,        ///< bf16 weights, gradients and optimizer states
  kFp16MasterFp32,  ///< DeepSpeed/Megatron: fp16 weights+grads, fp32 master + states (2+2+12)
  kBf16MasterFp32,  ///< the same with bf16 weights and gradients
  kFp8,             ///< Transformer Engine fp8: bf16 weights, fp32 master, fp8 GEMM copies
};

/// The optimizer that updates the trainable parameters.
enum class OptimizerKind {
  kAdamW,          ///< torch AdamW/Adam, foreach implementation (PyTorch's CUDA default)
  kAdamWFused,     ///< torch AdamW/Adam with fused=True: one kernel, no step temporaries
  kAdamWForLoop,   ///< torch AdamW with foreach=False: temporaries of one tensor at a time
  kAdam8bit,       ///< bitsandbytes 8-bit Adam: two uint8 states + fp32 absmax per 256 values
  kPagedAdam8bit,  ///< bitsandbytes paged 8-bit Adam (states in CUDA unified memory)
  kPagedAdamW,     ///< bitsandbytes paged 32-bit AdamW
  kSgd,            ///< SGD without momentum: no state
  kSgdMomentum,    ///< SGD with momentum: one buffer
  kAdafactor,      ///< Adafactor, factored second moment (row + column), no first moment
  kLion,           ///< Lion: one momentum buffer
  kLion8bit,       ///< bitsandbytes 8-bit Lion: one uint8 momentum + fp32 absmax per 256
  kPagedLion,      ///< bitsandbytes paged 32-bit Lion (its momentum in CUDA unified memory)
  kPagedLion8bit,  ///< bitsandbytes paged 8-bit Lion
  kNone,           ///< frozen model: no gradients, no optimizer
};

/// Parses a recipe name: fp32, mixed (= mixed-bf16), mixed-fp16, bf16 (= pure-bf16),
/// fp16-master (= deepspeed-fp16), bf16-master, fp8. Fails with field "recipe".
Result<PrecisionRecipe> parsePrecisionRecipe(std::string_view text);

/// Parses an optimizer name: adamw (= adam), adamw-fused, adamw-forloop, adam8bit,
/// paged-adam8bit, paged-adamw, sgd, sgd-momentum, adafactor, lion, lion8bit, paged-lion,
/// paged-lion8bit, none, and the Hugging Face Trainer's optim names for them
/// (adamw_torch_fused, adamw_bnb_8bit, paged_adamw_8bit, paged_lion_32bit, …). Fails with field
/// "optimizer".
Result<OptimizerKind> parseOptimizer(std::string_view text);

/// Canonical names (the first spelling the parsers accept).
std::string recipeName(PrecisionRecipe recipe);
std::string optimizerName(OptimizerKind optimizer);

/// Bytes the recipe keeps per parameter for the weights the forward pass reads
/// (fp32: 4; mixed: 4, the fp32 weights themselves; pure bf16, master recipes, fp8: 2).
double weightBytesPerParameter(PrecisionRecipe recipe);

/// Bytes of a separate fp32 master copy per trainable parameter: 4 for the master recipes
/// and fp8 (Micikevicius et al. 2018, "Mixed Precision Training"; ZeRO's K = 12 counts it
/// with Adam's two states), 0 when the weights themselves are fp32 or pure bf16.
double masterBytesPerParameter(PrecisionRecipe recipe);

/// Bytes of one gradient per trainable parameter: the gradient takes the dtype of the
/// parameter it belongs to (PyTorch autograd accumulates .grad in the parameter's dtype).
double gradientBytesPerParameter(PrecisionRecipe recipe);

/// Bytes of one optimizer state value: fp32 (4) unless the recipe is pure bf16, where
/// torch optimizers create their states like the parameter (torch.zeros_like(param)).
double stateValueBytes(PrecisionRecipe recipe);

/// Optimizer state bytes per trainable parameter. Adam/AdamW/paged AdamW: 2 states
/// (exp_avg, exp_avg_sq; Kingma & Ba 2015); 8-bit Adam: 2 uint8 states + one fp32 absmax per
/// 256-value block per state (Dettmers et al. 2022, "8-bit Optimizers via Block-wise
/// Quantization"; bitsandbytes/functional.py, blocksize 256); SGD with momentum and Lion:
/// 1 state, Lion's momentum (Chen et al. 2023), 8-bit Lion: one uint8 state + its absmax;
/// bitsandbytes' 32-bit (paged) optimizers keep fp32 states whatever the parameter dtype
/// (bitsandbytes/optim/optimizer.py, init_state: dtype=torch.float32); Adafactor: the
/// row and column second-moment factors of an n×m matrix, (n+m)/(n·m) values per parameter
/// (Shazeer & Stern 2018), approximated with square matrices of side `matrixSide`.
double optimizerStateBytesPerParameter(OptimizerKind optimizer, PrecisionRecipe recipe,
                                       double matrixSide);

/// Transient bytes per trainable parameter at the optimizer step. The foreach AdamW step
/// (torch/optim/adamw.py, _multi_tensor_adamw) materialises sqrt(exp_avg_sq) for every
/// parameter at once: one state-sized list; the for-loop version does it one tensor at a
/// time (optimizerLargestTensorBytesPerParameter); fused and 8-bit kernels need none.
double optimizerTemporaryBytesPerParameter(OptimizerKind optimizer, PrecisionRecipe recipe);

/// Transient bytes, per parameter of the largest trainable matrix, of an optimizer step
/// that updates one parameter at a time (its peak follows the largest matrix, usually the
/// embedding). transformers' Adafactor.step (optimization.py) makes fp32 copies of a
/// 16-bit parameter's gradient and of the parameter, then the squared gradient and the
/// factored estimate (_approx_sq_grad): four fp32 tensors of its shape at once, 16 B; for
/// fp32 parameters the copies are the tensors themselves, 8 B. The for-loop AdamW
/// (_single_tensor_adamw) holds one state-sized sqrt(exp_avg_sq) denominator.
double optimizerLargestTensorBytesPerParameter(OptimizerKind optimizer, PrecisionRecipe recipe);

/// Whether the optimizer's states live in CUDA unified (paged) memory that the driver
/// evicts to CPU RAM under pressure (bitsandbytes paged optimizers).
bool optimizerIsPaged(OptimizerKind optimizer);

}  // namespace gpumem
