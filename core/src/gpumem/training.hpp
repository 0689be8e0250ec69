// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// The training estimate: model states (weights, master weights, gradients, optimizer states
// and the step's temporaries), autocast weight copies, the activations autograd saves, the
// logits and their fp32 loss tensors, LoRA/QLoRA adapters, CUDA context and the caching
// allocator's reserve — per GPU at the step's peak, for any sharding and parallel layout.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "gpumem/breakdown.hpp"
#include "gpumem/inference.hpp"
#include "gpumem/lora.hpp"
#include "gpumem/model_architecture.hpp"
#include "gpumem/optimizer.hpp"
#include "gpumem/result.hpp"
#include "gpumem/sharding.hpp"
#include "gpumem/training_stack.hpp"

namespace gpumem {

/// What is trained.
enum class TrainingTask {
  kFull,   ///< every parameter gets a gradient and optimizer states
  kLora,   ///< frozen base in the recipe's weight dtype + fp32 LoRA adapters (peft)
  kQlora,  ///< frozen NF4 base with double quantization, bf16 compute, fp32 adapters
};

/// Parses "full", "lora", "qlora". Field "task".
Result<TrainingTask> parseTrainingTask(std::string_view text);

/// Activation (gradient) checkpointing.
enum class Checkpointing {
  kNone,       ///< autograd keeps every layer's saved tensors
  kFull,       ///< each layer keeps only its input and is recomputed in backward
  kSelective,  ///< Korthikanti et al. 2022: only the attention scores are recomputed
};

/// Parses "none" (off, false, no), "full" (on, true, yes), "selective". Field "ckpt".
Result<Checkpointing> parseCheckpointing(std::string_view text);

/// Model-parallel degrees besides data parallel.
struct TrainingParallel {
  std::int64_t tensor = 1;    ///< Megatron tensor parallel
  std::int64_t pipeline = 1;  ///< pipeline stages (1F1B schedule)
  std::int64_t context = 1;   ///< context parallel: the sequence split over GPUs
  std::int64_t expert = 1;    ///< expert parallel: MoE experts split over GPUs
  bool sequence = false;      ///< sequence parallel on top of tensor parallel
};

/// One training configuration.
struct TrainingScenario {
  ModelArchitecture arch;
  PrecisionRecipe recipe = PrecisionRecipe::kMixedBf16;
  OptimizerKind optimizer = OptimizerKind::kAdamW;
  TrainingTask task = TrainingTask::kFull;
  std::int64_t loraRank = 16;
  LoraTargets loraTargets;       ///< default: all linear layers
  bool trainEmbeddings = false;  ///< LoRA/QLoRA: embedding and head trained too
  std::int64_t microBatch = 1;   ///< sequences per GPU per forward pass
  std::int64_t sequence = 2048;  ///< tokens per sequence
  std::int64_t gradientAccumulation = 1;
  Checkpointing checkpointing = Checkpointing::kNone;
  AttentionImplementation attention = AttentionImplementation::kSdpa;
  ShardingStrategy sharding = ShardingStrategy::kDdp;
  bool offloadOptimizer = false;
  bool offloadParameters = false;
  TrainingStack stack = TrainingStack::kPytorch;  ///< the software and its mechanisms
  /// Saved activations (with checkpointing: the checkpointed layer inputs) go to CPU RAM
  /// as they are made and come back for backward (torchtune enable_activation_offloading,
  /// TRL activation_offloading; Unsloth's checkpointing always does).
  bool offloadActivations = false;
  TrainingParallel parallel;
  std::int64_t gpus = 1;         ///< all GPUs of the job
  std::int64_t gpusPerNode = 8;  ///< hybrid shard and the CPU RAM of one node
  double cudaContextBytes = kDefaultCudaContextBytes;
};

/// The estimate for the most loaded GPU.
struct TrainingEstimate {
  Breakdown perGpu;     ///< what is alive on one GPU at its peak, plus context and reserve
  double cpuBytes = 0;  ///< CPU RAM of one node for offloaded states and activations
  std::int64_t dataParallel = 1;  ///< gpus / (tensor × pipeline × context)
  double trainableParams = 0;     ///< whole model
  std::string peakPhase;          ///< "forward", "backward" or "optimizer step"
};

/// Estimates what nvidia-smi shows on each GPU during training: the peak over the phases of
/// a step — end of forward, backward at the loss, backward of the top layer (recomputed
/// under checkpointing), optimizer step — with optimizer states present (they are created
/// by the first step and live through every later one). The formulas of every component are
/// in docs/methodology.md ("Training"); calibrated against 29 measured H100 runs. Fails with
/// the field at fault when an input is out of range.
Result<TrainingEstimate> estimateTraining(const TrainingScenario& scenario);

}  // namespace gpumem
