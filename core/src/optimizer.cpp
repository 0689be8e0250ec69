// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
#include "gpumem/optimizer.hpp"

#include <array>
#include <utility>

#include "text.hpp"

namespace gpumem {
namespace {

constexpr std::array<std::pair<const char*, PrecisionRecipe>, 12> kRecipeNames{{
    {"fp32", PrecisionRecipe::kFp32},
    {"mixed", PrecisionRecipe::kMixedBf16},
    {"mixed-bf16", PrecisionRecipe::kMixedBf16},
    {"mixed-fp16", PrecisionRecipe::kMixedFp16},
    {"bf16", PrecisionRecipe::kPureBf16},
    {"pure-bf16", PrecisionRecipe::kPureBf16},
    {"fp16-master", PrecisionRecipe::kFp16MasterFp32},
    {"deepspeed-fp16", PrecisionRecipe::kFp16MasterFp32},
    {"bf16-master", PrecisionRecipe::kBf16MasterFp32},
    {"deepspeed-bf16", PrecisionRecipe::kBf16MasterFp32},
    {"fp8", PrecisionRecipe::kFp8},
    {"amp", PrecisionRecipe::kMixedBf16},
}};

// The first name of each is canonical; the others include the Hugging Face Trainer's `optim`
// names (transformers' OptimizerNames) as people write them in TrainingArguments.
constexpr std::array<std::pair<const char*, OptimizerKind>, 27> kOptimizerNames{{
    {"adamw", OptimizerKind::kAdamW},
    {"adam", OptimizerKind::kAdamW},
    {"adamw_torch", OptimizerKind::kAdamW},
    {"adamw-fused", OptimizerKind::kAdamWFused},
    {"adamw_torch_fused", OptimizerKind::kAdamWFused},
    {"adamw-forloop", OptimizerKind::kAdamWForLoop},
    {"adam8bit", OptimizerKind::kAdam8bit},
    {"adamw8bit", OptimizerKind::kAdam8bit},
    {"adamw_bnb_8bit", OptimizerKind::kAdam8bit},
    {"adamw_8bit", OptimizerKind::kAdam8bit},
    {"paged-adam8bit", OptimizerKind::kPagedAdam8bit},
    {"paged_adamw_8bit", OptimizerKind::kPagedAdam8bit},
    {"paged-adamw", OptimizerKind::kPagedAdamW},
    {"paged_adamw_32bit", OptimizerKind::kPagedAdamW},
    {"sgd", OptimizerKind::kSgd},
    {"sgd-momentum", OptimizerKind::kSgdMomentum},
    {"adafactor", OptimizerKind::kAdafactor},
    {"lion", OptimizerKind::kLion},
    {"lion_32bit", OptimizerKind::kLion},
    {"lion8bit", OptimizerKind::kLion8bit},
    {"lion_8bit", OptimizerKind::kLion8bit},
    {"paged-lion", OptimizerKind::kPagedLion},
    {"paged_lion_32bit", OptimizerKind::kPagedLion},
    {"paged-lion8bit", OptimizerKind::kPagedLion8bit},
    {"paged_lion_8bit", OptimizerKind::kPagedLion8bit},
    {"none", OptimizerKind::kNone},
    {"frozen", OptimizerKind::kNone},
}};

constexpr double kFp32Bytes = 4.0;
constexpr double kHalfBytes = 2.0;
/// bitsandbytes quantises optimizer states in blocks of 256 values, one fp32 absmax each
/// (bitsandbytes/functional.py, optimizer_update_8bit_blockwise: blocksize 256).
constexpr double kBlockwiseQuantBlock = 256.0;
/// One 8-bit blockwise state: a uint8 per value plus its block's fp32 absmax.
constexpr double kBlockwiseStateBytes = 1.0 + kFp32Bytes / kBlockwiseQuantBlock;

}  // namespace

Result<PrecisionRecipe> parsePrecisionRecipe(std::string_view text) {
  const std::string key = text::lower(text::trim(text));
  for (const auto& [name, recipe] : kRecipeNames) {
    if (key == name) return recipe;
  }
  return makeError(ErrorCode::kInvalidArgument, "recipe",
                   "Unknown precision recipe " + text::quote(text) +
                       "; use fp32, mixed, mixed-fp16, bf16, fp16-master, bf16-master or fp8.");
}

Result<OptimizerKind> parseOptimizer(std::string_view text) {
  const std::string key = text::lower(text::trim(text));
  for (const auto& [name, optimizer] : kOptimizerNames) {
    if (key == name) return optimizer;
  }
  return makeError(ErrorCode::kInvalidArgument, "optimizer",
                   "Unknown optimizer " + text::quote(text) +
                       "; use adamw, adamw-fused, adamw-forloop, adam8bit, paged-adam8bit, "
                       "paged-adamw, sgd, sgd-momentum, adafactor, lion, lion8bit, paged-lion, "
                       "paged-lion8bit or none (or a Trainer optim name such as "
                       "paged_adamw_8bit).");
}

std::string recipeName(PrecisionRecipe recipe) {
  for (const auto& [name, value] : kRecipeNames) {
    if (value == recipe) return name;
  }
  return "?";
}

std::string optimizerName(OptimizerKind optimizer) {
  for (const auto& [name, value] : kOptimizerNames) {
    if (value == optimizer) return name;
  }
  return "?";
}

double weightBytesPerParameter(PrecisionRecipe recipe) {
  switch (recipe) {
    case PrecisionRecipe::kFp32:
    case PrecisionRecipe::kMixedBf16:
    case PrecisionRecipe::kMixedFp16:
      return kFp32Bytes;
    default:
      return kHalfBytes;
  }
}

double masterBytesPerParameter(PrecisionRecipe recipe) {
  switch (recipe) {
    case PrecisionRecipe::kFp16MasterFp32:
    case PrecisionRecipe::kBf16MasterFp32:
    case PrecisionRecipe::kFp8:
      return kFp32Bytes;
    default:
      return 0.0;
  }
}

double gradientBytesPerParameter(PrecisionRecipe recipe) { return weightBytesPerParameter(recipe); }

double stateValueBytes(PrecisionRecipe recipe) {
  return recipe == PrecisionRecipe::kPureBf16 ? kHalfBytes : kFp32Bytes;
}

double optimizerStateBytesPerParameter(OptimizerKind optimizer, PrecisionRecipe recipe,
                                       double matrixSide) {
  const double value = stateValueBytes(recipe);
  switch (optimizer) {
    case OptimizerKind::kAdamW:
    case OptimizerKind::kAdamWFused:
    case OptimizerKind::kAdamWForLoop:
      return 2.0 * value;
    case OptimizerKind::kPagedAdamW:
      return 2.0 * kFp32Bytes;
    case OptimizerKind::kAdam8bit:
    case OptimizerKind::kPagedAdam8bit:
      return 2.0 * kBlockwiseStateBytes;
    case OptimizerKind::kSgdMomentum:
    case OptimizerKind::kLion:
      return value;
    case OptimizerKind::kPagedLion:
      return kFp32Bytes;
    case OptimizerKind::kLion8bit:
    case OptimizerKind::kPagedLion8bit:
      // Lion (Chen et al. 2023) keeps the momentum alone: one state, not Adam's two.
      return kBlockwiseStateBytes;
    case OptimizerKind::kAdafactor:
      return matrixSide > 0 ? value * 2.0 / matrixSide : value;
    case OptimizerKind::kSgd:
    case OptimizerKind::kNone:
      return 0.0;
  }
  return 0.0;
}

double optimizerTemporaryBytesPerParameter(OptimizerKind optimizer, PrecisionRecipe recipe) {
  switch (optimizer) {
    case OptimizerKind::kAdamW:
      return stateValueBytes(recipe);
    default:
      return 0.0;
  }
}

double optimizerLargestTensorBytesPerParameter(OptimizerKind optimizer, PrecisionRecipe recipe) {
  const bool sixteenBit = weightBytesPerParameter(recipe) < kFp32Bytes;
  switch (optimizer) {
    case OptimizerKind::kAdafactor:
      return sixteenBit ? 4 * kFp32Bytes : 2 * kFp32Bytes;
    case OptimizerKind::kAdamWForLoop:
      return stateValueBytes(recipe);
    default:
      return 0.0;
  }
}

bool optimizerIsPaged(OptimizerKind optimizer) {
  return optimizer == OptimizerKind::kPagedAdam8bit || optimizer == OptimizerKind::kPagedAdamW ||
         optimizer == OptimizerKind::kPagedLion || optimizer == OptimizerKind::kPagedLion8bit;
}

}  // namespace gpumem
