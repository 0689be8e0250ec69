// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// The training estimate: model states (weights, master weights, gradients, optimizer states
// and the step's temporaries), autocast weight copies, the activations autograd saves, the
// logits and their fp32 loss tensors, LoRA/QLoRA adapters, CUDA context and the caching
// allocator's reserve — per GPU at the step's peak, for any sharding and parallel layout.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

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
  /// Trainer's per_device_eval_batch_size when it evaluates during training: an evaluation
  /// forward of this many sequences between steps; 0 = no evaluation (eval_strategy "no").
  std::int64_t evalBatch = 0;
  Checkpointing checkpointing = Checkpointing::kNone;
  AttentionImplementation attention = AttentionImplementation::kSdpa;
  ShardingStrategy sharding = ShardingStrategy::kDdp;
  bool offloadOptimizer = false;
  bool offloadParameters = false;
  bool offloadToNvme = false;                     ///< ZeRO-3's offload to NVMe instead of CPU RAM
  TrainingStack stack = TrainingStack::kPytorch;  ///< the software and its mechanisms
  /// Saved activations (with checkpointing: the checkpointed layer inputs) go to CPU RAM
  /// as they are made and come back for backward (torchtune enable_activation_offloading,
  /// TRL activation_offloading; Unsloth's checkpointing always does).
  bool offloadActivations = false;
  /// QLoRA: bnb_4bit_use_double_quant, the absmax of each 64 weights quantised to 8 bits
  /// with an fp32 constant per 256 blocks (Dettmers et al. 2023, section 3).
  bool doubleQuant = true;
  /// QLoRA: bnb_4bit_quant_type fp4 instead of nf4 (the same 4 bits and constants).
  bool fp4 = false;
  /// QLoRA: bnb_4bit_quant_storage is a float dtype (bf16), which FSDP and ZeRO-3 can shard;
  /// with uint8 storage the 4-bit base stays whole on every GPU.
  bool floatQuantStorage = true;
  /// LoRA on an LLM.int8 base (load_in_8bit): 8-bit projections.
  bool base8bit = false;
  /// FSDP / HSDP: reshard_after_forward (false keeps gathered parameters to the backward).
  bool reshardAfterForward = true;
  /// DeepSpeed ZeRO-3: stage3_max_live_parameters (0 = the layer in flight only).
  double maxLiveParameters = 0;
  /// DeepSpeed ZeRO-3: stage3_param_persistence_threshold in elements (0 = none persist).
  double persistenceThreshold = 0;
  /// DeepSpeed ZeRO-3: stage3_prefetch_bucket_size in elements (0 = no prefetch).
  double prefetchBucketElements = 0;
  /// DeepSpeed ZeRO-3: stage3_max_reuse_distance in elements (0 = nothing kept for reuse).
  double maxReuseDistance = 0;
  /// DeepSpeed ZeRO-1/2/3: reduce_bucket_size in elements (0 = no bucket counted).
  double reduceBucketElements = 0;
  /// DeepSpeed ZeRO-1/2: overlap_comm (two alternating reduce buckets instead of one).
  bool overlapComm = false;
  TrainingParallel parallel;
  std::int64_t gpus = 1;         ///< all GPUs of the job
  std::int64_t gpusPerNode = 8;  ///< hybrid shard and the CPU RAM of one node
  double cudaContextBytes = kDefaultCudaContextBytes;
  /// A search's capacity: when the bytes before the allocator reserve already pass it, the
  /// step is not replayed (no reserve can make it fit) and the reserve is left at zero. The
  /// default replays every step.
  double replayCeilingBytes = std::numeric_limits<double>::infinity();
};

/// The estimate for the most loaded GPU.
struct TrainingEstimate {
  Breakdown perGpu;      ///< what is alive on one GPU at its peak, plus context and reserve
  double cpuBytes = 0;   ///< CPU RAM of one node for offloaded states and activations
  double nvmeBytes = 0;  ///< NVMe of one node for states offloaded there
  std::int64_t dataParallel = 1;  ///< gpus / (tensor × pipeline × context)
  double trainableParams = 0;     ///< whole model
  std::string peakPhase;          ///< "forward", "backward" or "optimizer step"
  /// With an evaluation pass (evalBatch > 0): the tensors live at its peak (states, the eval
  /// batch's layer in flight and logits), without the CUDA context and allocator reserve.
  double evaluationLiveBytes = 0;
};

/// The tensors of one training step on one GPU, sized as estimateTraining sizes them at its
/// peak: what trainingTimeline (training_timeline.hpp) orders into allocations and frees.
struct TrainingStepSizes {
  double weights = 0;       ///< every parameter in its storage dtype (LoRA: with adapters)
  double master = 0;        ///< fp32 master copy (master recipes)
  double gradients = 0;     ///< one gradient per trainable parameter
  double headGradient = 0;  ///< the output head's (or tied embedding's) share of them
  /// The trainable tensors of one layer, in parameters (q, k, v, o and the MLP's matrices;
  /// LoRA: the layer's adapters as one), which the gradients, the optimizer states and the
  /// step's temporaries are allocated per; the head's is `headTensor`, the rest (an untied
  /// embedding, norms, biases) `otherTrainable`.
  std::vector<double> layerTensors;
  double headTensor = 0;
  double otherTrainable = 0;
  double gradientBytesPerParameter = 0;
  double stateBytesPerParameter = 0;
  double temporaryBytesPerParameter = 0;
  double optimizerStates = 0;  ///< created by the first optimizer step
  double stepTemporaries = 0;  ///< foreach AdamW's sqrt(exp_avg_sq) copies, all at once
  double largestMatrix = 0;    ///< parameters of the largest trainable matrix
  double largestMatrixStepBytesPerParameter = 0;  ///< Adafactor / for-loop AdamW, at once
  double layerWeightCopies = 0;  ///< autocast's 16-bit copies of the layers' projections
  double headWeightCopy = 0;     ///< ... and of the head
  std::int64_t layers = 0;
  double savedPerLayer = 0;     ///< what autograd keeps of one layer (no checkpointing)
  double mlpSavedPerLayer = 0;  ///< the intermediate-width part of it
  double hiddenTensor = 0;      ///< one saved hidden-width tensor (tokens × hidden, compute dtype)
  double mlpTensor = 0;         ///< one saved intermediate-width tensor
  double checkpointPerLayer = 0;  ///< the layer input a checkpointed layer keeps
  double finalNorm = 0;           ///< the final norm's saved tensors
  double layerGradients = 0;      ///< the MLP gradients one layer's backward holds at once
  double hiddenGradient = 0;      ///< the gradient flowing between layers
  double logits = 0;              ///< the head's output in its dtype
  double logitsFp32 = 0;          ///< tokens × vocab × 4 (fp32 upcast, log_softmax, grads)
  double softcap = 0;             ///< Gemma 2's tanh soft-capping output, kept for backward
};

/// The sizes of one step of `scenario`. Fails naming the field for what the timeline does
/// not model: several GPUs, offload, sharding, QLoRA, selective checkpointing, a training
/// stack other than a plain PyTorch loop, an optimizer other than AdamW (foreach, fused,
/// for-loop), SGD or Adafactor.
Result<TrainingStepSizes> trainingStepSizes(const TrainingScenario& scenario);

/// Estimates what nvidia-smi shows on each GPU during training: the peak over the phases of
/// a step — end of forward, backward at the loss, backward of the top layer (recomputed
/// under checkpointing), optimizer step — with optimizer states present (they are created
/// by the first step and live through every later one). The formulas of every component are
/// in docs/methodology.md ("Training"); calibrated against 29 measured H100 runs. Fails with
/// the field at fault when an input is out of range.
Result<TrainingEstimate> estimateTraining(const TrainingScenario& scenario);

}  // namespace gpumem
