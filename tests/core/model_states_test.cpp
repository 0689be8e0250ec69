// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// Model states per GPU: recipes × optimizers, ZeRO/FSDP sharding and offload, checked
// against published figures.
#include "gpumem/model_states.hpp"

#include <gtest/gtest.h>

using namespace gpumem;

namespace {

constexpr double kGB = 1e9;
constexpr double kGiBytes = 1024.0 * 1024.0 * 1024.0;

ModelStateInputs zeroPaperModel(ShardingStrategy strategy) {
  // Rajbhandari et al. 2019, "ZeRO: Memory Optimizations Toward Training Trillion Parameter
  // Models", Figure 1: Ψ = 7.5B parameters, mixed-precision Adam (K = 12), N_d = 64 GPUs.
  ModelStateInputs in;
  in.trainableParams = 7.5e9;
  in.recipe = PrecisionRecipe::kFp16MasterFp32;
  in.optimizer = OptimizerKind::kAdamWFused;
  in.sharding.strategy = strategy;
  in.sharding.dataParallel = 64;
  return in;
}

}  // namespace

TEST(ModelStates, ZeroPaperFigureOne) {
  // Figure 1 of the ZeRO paper: 120 GB (baseline DDP), 31.4 GB (P_os), 16.6 GB (P_os+g),
  // 1.9 GB (P_os+g+p) of model states per device.
  EXPECT_NEAR(estimateModelStates(zeroPaperModel(ShardingStrategy::kDdp)).gpuTotal() / kGB, 120.0,
              0.05);
  EXPECT_NEAR(estimateModelStates(zeroPaperModel(ShardingStrategy::kZero1)).gpuTotal() / kGB, 31.4,
              0.05);
  EXPECT_NEAR(estimateModelStates(zeroPaperModel(ShardingStrategy::kZero2)).gpuTotal() / kGB, 16.6,
              0.05);
  EXPECT_NEAR(estimateModelStates(zeroPaperModel(ShardingStrategy::kZero3)).gpuTotal() / kGB, 1.9,
              0.05);
}

TEST(ModelStates, DeepSpeedZero3EstimateForT0_3B) {
  // Hugging Face transformers' DeepSpeed integration docs ("Memory requirements"):
  // estimate_zero3_model_states_mem_needs_all_live for bigscience/T0_3B, 1 GPU, 1 node,
  // 2783M total params, 65M largest layer params:
  //   offload_param=none, offload_optimizer=none: 46.91 GiB GPU
  //   offload_param=none, offload_optimizer=cpu: 5.43 GiB GPU, 62.23 GiB CPU
  //   offload_param=cpu,  offload_optimizer=cpu: 0.25 GiB GPU, 70.00 GiB CPU
  const double total = 2783e6;
  const double largest = 65e6;
  // The published counts are rounded to 1M (±0.5M each: ±(18+4)·0.5M bytes = ±0.010 GiB on
  // the GPU figure) and the GiB figures to 0.01 (±0.005), so agreement within 0.02 GiB is
  // what the rounded inputs allow. The CPU figures are 24–27 bytes per parameter, so a count
  // shown as 2783M but up to 1M larger moves them by up to 0.025 GiB: tolerance 0.03 GiB.
  const auto none = deepSpeedZero3ModelStates(total, largest, 1, 1, false, false);
  EXPECT_NEAR(none.gpuBytes / kGiBytes, 46.91, 0.02);
  const auto opt = deepSpeedZero3ModelStates(total, largest, 1, 1, true, false);
  EXPECT_NEAR(opt.gpuBytes / kGiBytes, 5.43, 0.02);
  EXPECT_NEAR(opt.cpuBytes / kGiBytes, 62.23, 0.03);
  const auto both = deepSpeedZero3ModelStates(total, largest, 1, 1, true, true);
  EXPECT_NEAR(both.gpuBytes / kGiBytes, 0.25, 0.02);
  EXPECT_NEAR(both.cpuBytes / kGiBytes, 70.00, 0.03);
}

TEST(ModelStates, GeneralEstimateAgreesWithDeepSpeedBeforeItsBufferFactor) {
  // Same T0_3B case through the general estimator (fp16 weights + fp32 master + Adam):
  // without offload DeepSpeed's GPU figure is exactly 4·largest + 18Ψ... our 16Ψ + 4·largest
  // plus the 2Ψ foreach temporary of a non-fused Adam.
  ModelStateInputs in;
  in.trainableParams = 2783e6;
  in.largestLayerParams = 65e6;
  in.recipe = PrecisionRecipe::kFp16MasterFp32;
  in.optimizer = OptimizerKind::kAdamWFused;
  in.sharding.strategy = ShardingStrategy::kZero3;
  in.sharding.offloadOptimizer = true;
  const auto s = estimateModelStates(in);
  EXPECT_NEAR((s.gpuTotal()) / kGiBytes, (2.0 * 2783e6 + 4.0 * 65e6) / kGiBytes, 1e-9);
  // CPU: master 4 + Adam 8 + fp32 gradient 4 = 16 bytes per parameter (DeepSpeed's 16
  // before its 1.5 buffer factor).
  EXPECT_NEAR(s.cpu, 16.0 * 2783e6, 1.0);
}

TEST(ModelStates, BytesPerParameterOfRecipesAndOptimizers) {
  ModelStateInputs in;
  in.trainableParams = 1e9;
  in.optimizer = OptimizerKind::kAdamWFused;
  in.recipe = PrecisionRecipe::kMixedBf16;  // fp32 weights, grads, two fp32 states
  EXPECT_DOUBLE_EQ(estimateModelStates(in).gpuTotal(), 16e9);
  in.recipe = PrecisionRecipe::kPureBf16;  // bf16 everything: 2 + 2 + 4
  EXPECT_DOUBLE_EQ(estimateModelStates(in).gpuTotal(), 8e9);
  in.recipe = PrecisionRecipe::kFp16MasterFp32;  // 2 + 2 + 12
  EXPECT_DOUBLE_EQ(estimateModelStates(in).gpuTotal(), 16e9);
  in.optimizer = OptimizerKind::kAdamW;  // foreach: + one fp32 state-sized temporary
  EXPECT_DOUBLE_EQ(estimateModelStates(in).gpuTotal(), 20e9);
  in.recipe = PrecisionRecipe::kMixedBf16;
  in.optimizer = OptimizerKind::kSgd;
  EXPECT_DOUBLE_EQ(estimateModelStates(in).gpuTotal(), 8e9);
  in.optimizer = OptimizerKind::kSgdMomentum;
  EXPECT_DOUBLE_EQ(estimateModelStates(in).gpuTotal(), 12e9);
  in.optimizer = OptimizerKind::kLion;
  EXPECT_DOUBLE_EQ(estimateModelStates(in).gpuTotal(), 12e9);
  in.optimizer = OptimizerKind::kAdam8bit;  // 2 uint8 + 2 fp32 absmax per 256
  EXPECT_NEAR(estimateModelStates(in).optimizer, 1e9 * 2.0 * (1.0 + 4.0 / 256.0), 1.0);
  in.optimizer = OptimizerKind::kLion8bit;  // Lion's one momentum: 1 uint8 + fp32 per 256
  EXPECT_NEAR(estimateModelStates(in).optimizer, 1e9 * (1.0 + 4.0 / 256.0), 1.0);
  in.optimizer = OptimizerKind::kAdafactor;  // (n+m)/(n·m) fp32 values per parameter
  in.matrixSide = 4096;
  EXPECT_NEAR(estimateModelStates(in).optimizer, 1e9 * 4.0 * 2.0 / 4096.0, 1.0);
  in.optimizer = OptimizerKind::kNone;  // frozen: weights only
  EXPECT_DOUBLE_EQ(estimateModelStates(in).gpuTotal(), 4e9);
}

// bitsandbytes' paged optimizers: the states wait in CPU RAM, the GPU pages in one matrix's
// at a time; the 32-bit ones keep fp32 states even for bf16 parameters (init_state).
TEST(ModelStates, PagedOptimizersKeepTheirStatesInCpuRam) {
  struct Row {
    OptimizerKind optimizer;
    double stateBytes;  // per parameter, from bitsandbytes' state layout
  };
  const Row rows[] = {
      {OptimizerKind::kPagedAdamW, 2 * 4.0},
      {OptimizerKind::kPagedAdam8bit, 2 * (1 + 4.0 / 256)},
      {OptimizerKind::kPagedLion, 4.0},
      {OptimizerKind::kPagedLion8bit, 1 + 4.0 / 256},
  };
  for (const Row& row : rows) {
    ModelStateInputs in;
    in.trainableParams = 1e9;
    in.largestTrainableMatrix = 1e6;
    in.recipe = PrecisionRecipe::kPureBf16;
    in.optimizer = row.optimizer;
    const auto s = estimateModelStates(in);
    EXPECT_NEAR(s.cpu, 1e9 * row.stateBytes, 1.0) << optimizerName(row.optimizer);
    EXPECT_NEAR(s.optimizer, 1e6 * row.stateBytes, 1e-3) << optimizerName(row.optimizer);
  }
}

// FSDP shards floating-point parameters only: a frozen base flagged as not shardable (a
// uint8-stored 4-bit base) stays whole on each of the 8 GPUs while the rest is divided.
TEST(ModelStates, FrozenBaseThatCannotBeShardedStaysWhole) {
  ModelStateInputs in;
  in.trainableParams = 8e6;
  in.frozenParams = 1e9;
  in.frozenBytesPerParam = 0.5;
  in.recipe = PrecisionRecipe::kFp32;
  in.optimizer = OptimizerKind::kAdamWFused;
  in.sharding.strategy = ShardingStrategy::kZero3;
  in.sharding.dataParallel = 8;
  const double trainable = 8e6 * 4 / 8;  // fp32 weights, sharded
  EXPECT_NEAR(estimateModelStates(in).weights, trainable + 1e9 * 0.5 / 8, 1e-3);
  in.frozenReplicated = true;
  EXPECT_NEAR(estimateModelStates(in).weights, trainable + 1e9 * 0.5, 1e-3);
}

// The buffers as implemented, with the frameworks' documented defaults. An 8B model whose
// largest layer (the head) has 525M parameters, over 8 GPUs:
// - DeepSpeed ZeRO-1/2's backward allocates reduce_bucket_size 16-bit elements (5e8 by
//   default, DeepSpeed's config docs): 5e8 × 2 B = 1 GB; with overlap_comm a second bucket
//   of the same size (stage_1_and_2.py setup_buckets): 2 × 5e8 × 2 B = 2 GB. (The "4.5×"
//   rule of thumb in the transformers and DeepSpeed docs — 5e8 × 2 B × 2 × 4.5 = 9 GB —
//   is not what the source allocates.)
// - DeepSpeed ZeRO-3 keeps one reduce_bucket_size bucket from start-up (5e8 × 2 B = 1 GB,
//   whatever overlap_comm says) and its backward's reduce-scatter copies a full bucket
//   (another 1 GB), or only the trainable parameters when they are fewer (4e7 × 2 B);
//   with any stage3_prefetch_bucket_size its prefetch fills stage3_max_live_parameters and
//   the last tensor it takes, the head, carries it past: (1e9 + 5.25e8) × 2 B, not the
//   "~2GB" of transformers' DeepSpeed guide; 1e8 live: (1e8 + 5.25e8) × 2 B; plus the
//   layer's 16-bit gradients;
// - FSDP2 with reshard_after_forward=False keeps all 8B parameters gathered in 16 bits;
//   with the default True, one layer's parameters and gradients (4 B each).
TEST(ModelStates, ShardingBuffersAsImplemented) {
  struct Row {
    const char* what;
    ShardingStrategy strategy;
    double trainable;
    double maxLive;
    bool reshard;
    double bucket;
    bool overlap;
    double gathered;
    double reduceBucket;
    double kept;
  };
  const double params = 8e9;
  const double layer = 5.25e8;
  const Row rows[] = {
      {"zero2 bucket", ShardingStrategy::kZero2, params, 0, true, 5e8, false, 0, 1e9, 0},
      {"zero2 overlap_comm", ShardingStrategy::kZero2, params, 0, true, 5e8, true, 0, 2e9, 0},
      {"zero1 bucket", ShardingStrategy::kZero1, params, 0, true, 2e8, false, 0, 4e8, 0},
      {"zero1 overlap_comm", ShardingStrategy::kZero1, params, 0, true, 2e8, true, 0, 8e8, 0},
      {"zero3 live", ShardingStrategy::kZero3, params, 1e9, true, 0, false,
       2 * (1e9 + layer) + 2 * layer, 0, 0},
      {"zero3 live below a layer", ShardingStrategy::kZero3, params, 1e8, true, 0, false,
       2 * (1e8 + layer) + 2 * layer, 0, 0},
      {"zero3 bucket", ShardingStrategy::kZero3, params, 0, true, 5e8, false, 4 * layer, 1e9, 1e9},
      {"zero3 overlap_comm", ShardingStrategy::kZero3, params, 0, true, 5e8, true, 4 * layer, 1e9,
       1e9},
      {"zero3 few trainable", ShardingStrategy::kZero3, 4e7, 0, true, 5e8, true, 4 * layer, 8e7,
       1e9},
      {"fsdp", ShardingStrategy::kFsdp, params, 0, true, 0, false, 4 * layer, 0, 0},
      {"fsdp kept", ShardingStrategy::kFsdp, params, 0, false, 0, false, 2 * params + 2 * layer, 0,
       0},
  };
  for (const Row& row : rows) {
    ModelStateInputs in;
    in.trainableParams = row.trainable;
    in.frozenParams = params - row.trainable;
    in.largestLayerParams = layer;
    in.recipe = PrecisionRecipe::kBf16MasterFp32;
    in.sharding.strategy = row.strategy;
    in.sharding.dataParallel = 8;
    in.sharding.maxLiveParameters = row.maxLive;
    in.sharding.prefetchBucketElements = 5e7;
    in.sharding.reshardAfterForward = row.reshard;
    in.sharding.reduceBucketElements = row.bucket;
    in.sharding.overlapComm = row.overlap;
    const auto s = estimateModelStates(in);
    EXPECT_NEAR(s.gatheredLayer, row.gathered, 1.0) << row.what;
    EXPECT_NEAR(s.reduceBucket, row.reduceBucket, 1.0) << row.what;
    EXPECT_NEAR(s.commBuffers, row.kept, 1.0) << row.what;
  }
}

// DeepSpeed ZeRO-3's parameter coordinator (partitioned_param_coordinator.py) on Llama 3.1
// 8B: the head is 128,256 × 4,096 = 525,336,576 elements, the largest layer matrix (gate,
// up, down) 4,096 × 14,336 = 58,720,256, all 8,030,261,248, over 8 GPUs, 16-bit (2 B).
// - DeepSpeed's defaults (prefetch bucket 5e7, max live 1e9, reuse distance 1e9): each
//   module's hook prefetches while fewer than 1e9 elements are gathered, so the count climbs
//   to 1e9 and the head, taken last, carries it to 1e9 + 525,336,576: 3,050,673,152 B.
// - max live 1e8: 1e8 + 525,336,576 elements, 1,250,673,152 B.
// - no prefetch (bucket 0, or max live 0): the head in flight, and kept from its forward to
//   its backward (nothing runs between), 525,336,576 × 2 = 1,050,673,152 B.
// - no prefetch, reuse distance 4e9: a module stays when twice the parameters after it are
//   under 4e9, so the forward's last 2e9 elements stay, plus the 58,720,256 of the module
//   straddling the line: 2,058,720,256 × 2 B, which also beats the prefetch's 1.525e9.
// - reuse distance 0 and no prefetch: the module in flight only, the head, 1,050,673,152 B.
// - a model whose 1.2e9 parameters are fewer than 1e9 + the head: all of them, 2.4e9 B.
//   (A base left whole on every GPU is not among them.)
// The layer's 16-bit gradients are left out (layerTrainableBytes 0) to show the parameters.
TEST(ModelStates, Zero3CoordinatorGathersTheModuleThePrefetchAndWhatItReuses) {
  const double head = 128256.0 * 4096;
  const double matrix = 4096.0 * 14336;
  ModelStateInputs in;
  in.trainableParams = 8030261248;
  in.largestLayerParams = head;
  in.headParams = head;
  in.largestMatrixParams = matrix;
  in.layerTrainableBytes = 0;
  in.recipe = PrecisionRecipe::kBf16MasterFp32;
  in.sharding.strategy = ShardingStrategy::kZero3;
  in.sharding.dataParallel = 8;
  in.sharding.maxLiveParameters = 1e9;
  in.sharding.prefetchBucketElements = 5e7;
  in.sharding.maxReuseDistance = 1e9;
  const auto gathered = [&](const ModelStateInputs& x) {
    const ModelStates s = estimateModelStates(x);
    double sum = 0;
    for (const Term& t : s.terms.gatheredLayer) sum += t.product();
    EXPECT_NEAR(sum, s.gatheredLayer, 1e-3);  // the terms multiply out to the bytes shown
    return s.gatheredLayer;
  };
  EXPECT_NEAR(gathered(in), 3050673152.0, 1.0);
  ModelStateInputs smallLive = in;
  smallLive.sharding.maxLiveParameters = 1e8;
  EXPECT_NEAR(gathered(smallLive), 1250673152.0, 1.0);
  ModelStateInputs noPrefetch = in;
  noPrefetch.sharding.prefetchBucketElements = 0;
  EXPECT_NEAR(gathered(noPrefetch), 1050673152.0, 1.0);
  ModelStateInputs noLive = in;
  noLive.sharding.maxLiveParameters = 0;
  EXPECT_NEAR(gathered(noLive), 1050673152.0, 1.0);
  ModelStateInputs farReuse = noPrefetch;
  farReuse.sharding.maxReuseDistance = 4e9;
  EXPECT_NEAR(gathered(farReuse), 2 * (2e9 + 58720256.0), 1.0);
  farReuse.sharding.prefetchBucketElements = 5e7;
  EXPECT_NEAR(gathered(farReuse), 2 * (2e9 + 58720256.0), 1.0);
  ModelStateInputs released = noPrefetch;
  released.sharding.maxReuseDistance = 0;
  EXPECT_NEAR(gathered(released), 1050673152.0, 1.0);
  // Where the head is smaller than a layer matrix, the matrix is the module in flight.
  released.headParams = 1e7;
  EXPECT_NEAR(gathered(released), 2 * matrix, 1.0);
  ModelStateInputs small = in;
  small.trainableParams = 1.2e9;
  EXPECT_NEAR(gathered(small), 2.4e9, 1.0);
  // A base that is not sharded (a uint8 4-bit base) is never gathered: of 4e7 trainable
  // adapter parameters beside it, all, 8e7 B.
  ModelStateInputs replicated = in;
  replicated.trainableParams = 4e7;
  replicated.frozenParams = 8e9;
  replicated.frozenReplicated = true;
  EXPECT_NEAR(gathered(replicated), 8e7, 1.0);
}

// DeepSpeed ZeRO-3's persistent parameters keep a whole copy on every GPU besides their
// shard: 266,240 bf16 norm weights (Llama 3.1 8B's 65 norms of 4,096) add 532,480 B to the
// 8e9 × 2 B / 8 of sharded weights, and 2e7 fp32 LoRA elements 8e7 B. The copy stays on the
// GPU under parameter offload (DeepSpeed makes a persistent parameter's partition on the
// local device); ZeRO-2 and FSDP have no such thing, and one GPU shards nothing.
TEST(ModelStates, Zero3KeepsPersistentParametersWhole) {
  ModelStateInputs in;
  in.trainableParams = 8e9;
  in.largestLayerParams = 5e8;
  in.recipe = PrecisionRecipe::kBf16MasterFp32;
  in.sharding.strategy = ShardingStrategy::kZero3;
  in.sharding.dataParallel = 8;
  in.persistentParams = 65.0 * 4096;
  in.persistentBytesPerParam = 2;
  in.persistentAdapterParams = 2e7;
  const double sharded = 8e9 * 2 / 8;
  EXPECT_NEAR(estimateModelStates(in).weights, sharded + 532480 + 8e7, 1e-3);
  in.sharding.offloadOptimizer = in.sharding.offloadParameters = true;
  EXPECT_NEAR(estimateModelStates(in).weights, 532480 + 8e7, 1e-3);
  in.sharding.offloadOptimizer = in.sharding.offloadParameters = false;
  for (ShardingStrategy other : {ShardingStrategy::kZero2, ShardingStrategy::kFsdp}) {
    in.sharding.strategy = other;
    const double weights = other == ShardingStrategy::kFsdp ? sharded : 8e9 * 2;
    EXPECT_NEAR(estimateModelStates(in).weights, weights, 1e-3);
  }
  in.sharding.strategy = ShardingStrategy::kZero3;
  in.sharding.dataParallel = 1;
  EXPECT_NEAR(estimateModelStates(in).weights, 8e9 * 2, 1e-3);
}

// ZeRO-Infinity (ZeRO-3 offload to NVMe), 8B trainable parameters over one node of 8 GPUs,
// bf16 with fp32 master and fused Adam: NVMe holds master + two states, 12 B × 8e9; each
// GPU's CPU RAM keeps its 1e9-element shard's fp32 gradients (4 GB) and DeepSpeed's optimizer
// swap pool, buffer_count 4 × one sub-group (sub_group_size 1e9 = the shard) × 4 B = 16 GB
// (SwapBufferManager(num_elems=largest_numel, count=buffer_count)); with parameter offload
// too, NVMe also holds the 16-bit parameters (2 B × 8e9) and CPU RAM 5 × 1e8 16-bit
// elements of parameter buffers per GPU (offload_param buffer_count, buffer_size).
TEST(ModelStates, NvmeOffloadPutsTheStatesOnTheDrive) {
  ModelStateInputs in;
  in.trainableParams = 8e9;
  in.largestLayerParams = 5e8;
  in.recipe = PrecisionRecipe::kBf16MasterFp32;
  in.optimizer = OptimizerKind::kAdamWFused;
  in.sharding.strategy = ShardingStrategy::kZero3;
  in.sharding.dataParallel = 8;
  in.sharding.gpusPerNode = 8;
  in.sharding.offloadOptimizer = true;
  in.sharding.offloadToNvme = true;
  const auto optimizerOnly = estimateModelStates(in);
  EXPECT_NEAR(optimizerOnly.nvme, 12.0 * 8e9, 1e3);
  EXPECT_NEAR(optimizerOnly.cpu, 8 * (4.0 * 1e9 + 4 * 1e9 * 4.0), 1e3);
  in.sharding.offloadParameters = true;
  const auto both = estimateModelStates(in);
  EXPECT_NEAR(both.nvme, (12.0 + 2.0) * 8e9, 1e3);
  EXPECT_NEAR(both.cpu, 8 * (4.0 * 1e9 + 4 * 1e9 * 4.0 + 5 * 1e8 * 2.0), 1e3);
  EXPECT_NEAR(both.gpuTotal(), 4.0 * 5e8, 1e-3);  // the gathered layer alone
}

TEST(ModelStates, HybridShardDividesWithinANodeOnly) {
  ModelStateInputs in = zeroPaperModel(ShardingStrategy::kFsdpHybrid);
  in.sharding.gpusPerNode = 8;
  const auto hybrid = estimateModelStates(in);
  EXPECT_NEAR(hybrid.gpuTotal(), 16.0 * 7.5e9 / 8.0, 1.0);
}

TEST(ModelStates, ParameterOffloadLeavesOneGatheredLayer) {
  ModelStateInputs in = zeroPaperModel(ShardingStrategy::kZero3);
  in.sharding.dataParallel = 8;
  in.sharding.gpusPerNode = 8;
  in.largestLayerParams = 1e8;
  in.sharding.offloadOptimizer = true;
  in.sharding.offloadParameters = true;
  const auto s = estimateModelStates(in);
  EXPECT_DOUBLE_EQ(s.gpuTotal(), 4.0 * 1e8);
  // The node's CPU holds all 8 shards: (4 master + 8 Adam + 4 fp32 grad + 2 weights) · Ψ.
  EXPECT_NEAR(s.cpu, 18.0 * 7.5e9, 1e3);
}

TEST(ModelStates, ParsesNames) {
  EXPECT_EQ(*parsePrecisionRecipe("Mixed"), PrecisionRecipe::kMixedBf16);
  EXPECT_EQ(*parseOptimizer("paged-adam8bit"), OptimizerKind::kPagedAdam8bit);
  // The Hugging Face Trainer's optim names (transformers' OptimizerNames).
  EXPECT_EQ(*parseOptimizer("paged_adamw_8bit"), OptimizerKind::kPagedAdam8bit);
  EXPECT_EQ(*parseOptimizer("paged_adamw_32bit"), OptimizerKind::kPagedAdamW);
  EXPECT_EQ(*parseOptimizer("adamw_torch_fused"), OptimizerKind::kAdamWFused);
  EXPECT_EQ(*parseOptimizer("lion_8bit"), OptimizerKind::kLion8bit);
  EXPECT_EQ(*parseOptimizer("paged_lion_8bit"), OptimizerKind::kPagedLion8bit);
  EXPECT_EQ(*parseOptimizer("paged_lion_32bit"), OptimizerKind::kPagedLion);
  EXPECT_EQ(*parseShardingStrategy("fsdp-full"), ShardingStrategy::kFsdp);
  EXPECT_EQ(*parseShardingStrategy("hsdp"), ShardingStrategy::kFsdpHybrid);
  EXPECT_FALSE(parsePrecisionRecipe("fp12").ok());
  EXPECT_EQ(parseOptimizer("adamax").error().field, "optimizer");
  EXPECT_EQ(parseShardingStrategy("zero4").error().field, "sharding");
}

// FSDP-QLoRA: a 70B base's layer of 856M projection weights is gathered as its packed 4-bit
// data (0.5 B each), with its 1.29M fp32 adapter parameters' weights and gradients (8 B);
// the 0.127 bits of quantisation constants per weight (0.0159 B) stay whole on each GPU, and
// stay there when parameter offload moves the sharded rest to CPU RAM.
TEST(ModelStates, QloraBaseIsGatheredAsPackedDataAndItsConstantsStayWhole) {
  ModelStateInputs in;
  in.trainableParams = 1.0e8;
  in.frozenParams = 6.9e10;
  in.frozenBytesPerParam = 0.5;
  in.frozenUnshardedBytesPerParam = 0.127 / 8;
  in.recipe = PrecisionRecipe::kFp32;
  in.optimizer = OptimizerKind::kAdamWFused;
  in.largestLayerParams = 8.56e8;
  in.gatheredBytesPerParam = 0.5;
  in.layerTrainableParams = 1.29e6;
  in.layerTrainableBytes = 8;
  in.sharding.strategy = ShardingStrategy::kFsdp;
  in.sharding.dataParallel = 2;
  const auto s = estimateModelStates(in);
  EXPECT_NEAR(s.gatheredLayer, 8.56e8 * 0.5 + 1.29e6 * 8, 1.0);
  EXPECT_NEAR(s.weights, 1.0e8 * 4 / 2 + 6.9e10 * 0.5 / 2 + 6.9e10 * 0.127 / 8, 1e3);
  in.sharding.offloadOptimizer = true;
  in.sharding.offloadParameters = true;
  EXPECT_NEAR(estimateModelStates(in).weights, 6.9e10 * 0.127 / 8, 1e3);
}
