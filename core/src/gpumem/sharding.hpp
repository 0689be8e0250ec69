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
  kZero3,       ///< + parameters partitioned: ZeRO P_os+g+p, FSDP FULL_SHARD
  kFsdpHybrid,  ///< FSDP HYBRID_SHARD: full sharding inside a node, replicas across nodes
};

struct ShardingOptions {
  ShardingStrategy strategy = ShardingStrategy::kDdp;
  std::int64_t dataParallel = 1;   ///< GPUs the states are sharded over (data-parallel degree)
  std::int64_t gpusPerNode = 8;    ///< hybrid shard: shards within one node of this many GPUs
  bool offloadOptimizer = false;   ///< ZeRO-Offload / FSDP CPUOffload: master + states on CPU
  bool offloadParameters = false;  ///< ZeRO-3 / FSDP: parameters on CPU, gathered per layer
};

/// Parses ddp (= none), zero1, zero2 (= fsdp-grad-op), zero3 (= fsdp, fsdp-full),
/// fsdp-hybrid. Fails with field "sharding".
Result<ShardingStrategy> parseShardingStrategy(std::string_view text);

/// Canonical name of a strategy.
std::string shardingName(ShardingStrategy strategy);

/// The number of GPUs each kind of model state is divided among.
struct ShardDivisors {
  double weights = 1;    ///< 16/32-bit parameters (ZeRO-3 and FSDP full/hybrid)
  double gradients = 1;  ///< ZeRO-2 and up
  double optimizer = 1;  ///< master weights and optimizer states: ZeRO-1 and up
};

/// Divisors of the strategy: DDP 1/1/1; ZeRO-1 1/1/N; ZeRO-2 1/N/N; ZeRO-3 N/N/N; hybrid
/// shard divides by min(N, gpusPerNode) (PyTorch FSDP ShardingStrategy.HYBRID_SHARD).
ShardDivisors shardDivisors(const ShardingOptions& options);

}  // namespace gpumem
