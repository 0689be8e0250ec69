// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// How data-parallel training spreads the model states over GPUs: DDP, ZeRO, FSDP, offload.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "gpumem/result.hpp"

namespace gpumem {

/// Data-parallel sharding of the model states (Rajbhandari et al. 2019, "ZeRO").
enum class ShardingStrategy {
  kDdp,         ///< every GPU holds everything (DistributedDataParallel, or one GPU)
  kZero1,       ///< optimizer states (and fp32 master) partitioned: ZeRO P_os
  kZero2,       ///< + gradients partitioned: ZeRO P_os+g, FSDP SHARD_GRAD_OP
  kZero3,       ///< + parameters partitioned: DeepSpeed ZeRO P_os+g+p
  kFsdp,        ///< PyTorch FSDP FULL_SHARD / FSDP2 fully_shard: divides as ZeRO-3
  kFsdpHybrid,  ///< HSDP (FSDP HYBRID_SHARD): full sharding inside a node, replicas across
};

struct ShardingOptions {
  ShardingStrategy strategy = ShardingStrategy::kDdp;
  std::int64_t dataParallel = 1;   ///< GPUs the states are sharded over (data-parallel degree)
  std::int64_t gpusPerNode = 8;    ///< hybrid shard: shards within one node of this many GPUs
  bool offloadOptimizer = false;   ///< ZeRO-Offload / FSDP CPUOffload: master + states on CPU
  bool offloadParameters = false;  ///< ZeRO-3 / FSDP: parameters on CPU, gathered per layer
  bool offloadToNvme = false;      ///< DeepSpeed ZeRO-3 offload device nvme (ZeRO-Infinity)
  /// FSDP2 fully_shard(reshard_after_forward=False): each layer's gathered parameters stay
  /// from its forward to its backward instead of being freed and gathered again.
  bool reshardAfterForward = true;
  /// DeepSpeed ZeRO-3 stage3_max_live_parameters: the prefetch gathers ahead while fewer
  /// elements than this are gathered (0 = no prefetch: only the module in flight, as
  /// DeepSpeed's memory estimator assumes, and what the reuse distance keeps).
  double maxLiveParameters = 0;
  /// DeepSpeed ZeRO-3 stage3_prefetch_bucket_size: elements each module's hook may gather
  /// ahead of use (0 = no prefetch).
  double prefetchBucketElements = 0;
  /// DeepSpeed ZeRO-3 stage3_max_reuse_distance: a module's gathered parameters stay when the
  /// trace uses them again within this many elements (0 = every module's are released).
  double maxReuseDistance = 0;
  /// DeepSpeed reduce_bucket_size: elements of the 16-bit gradient bucket (contiguous_gradients;
  /// 0 = none). ZeRO-1/2's backward allocates it; ZeRO-3 allocates it at start-up and keeps it.
  double reduceBucketElements = 0;
  /// DeepSpeed ZeRO-1/2 overlap_comm: the backward alternates two reduce buckets instead of one
  /// (ZeRO-3 keeps its one bucket either way).
  bool overlapComm = false;
};

/// Parses ddp (= none), zero1, zero2 (= fsdp-grad-op), zero3, fsdp (= fsdp-full, fsdp2),
/// fsdp-hybrid (= hsdp, hybrid). Fails with field "sharding".
Result<ShardingStrategy> parseShardingStrategy(std::string_view text);

/// Canonical name of a strategy.
std::string shardingName(ShardingStrategy strategy);

/// The number of GPUs each kind of model state is divided among.
struct ShardDivisors {
  double weights = 1;    ///< 16/32-bit parameters (ZeRO-3 and FSDP full/hybrid)
  double gradients = 1;  ///< ZeRO-2 and up
  double optimizer = 1;  ///< master weights and optimizer states: ZeRO-1 and up
};

/// Divisors of the strategy: DDP 1/1/1; ZeRO-1 1/1/N; ZeRO-2 1/N/N; ZeRO-3, FSDP N/N/N; hybrid
/// shard divides by min(N, gpusPerNode) (PyTorch FSDP ShardingStrategy.HYBRID_SHARD).
ShardDivisors shardDivisors(const ShardingOptions& options);

/// Whether the strategy divides the parameters themselves (ZeRO-3, FSDP, HSDP).
bool shardsParameters(ShardingStrategy strategy);

}  // namespace gpumem
