// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
#include "gpumem/sharding.hpp"

#include <algorithm>

#include "choice_table.hpp"

namespace gpumem {
namespace {

constexpr ChoiceTable<ShardingStrategy, 13> kShardingNames{{
    {"ddp", ShardingStrategy::kDdp},
    {"none", ShardingStrategy::kDdp},
    {"zero0", ShardingStrategy::kDdp},
    {"zero1", ShardingStrategy::kZero1},
    {"zero2", ShardingStrategy::kZero2},
    {"fsdp-grad-op", ShardingStrategy::kZero2},
    {"zero3", ShardingStrategy::kZero3},
    {"fsdp", ShardingStrategy::kFsdp},
    {"fsdp-full", ShardingStrategy::kFsdp},
    {"fsdp2", ShardingStrategy::kFsdp},
    {"fsdp-hybrid", ShardingStrategy::kFsdpHybrid},
    {"hsdp", ShardingStrategy::kFsdpHybrid},
    {"hybrid", ShardingStrategy::kFsdpHybrid},
}};

}  // namespace

Result<ShardingStrategy> parseShardingStrategy(std::string_view text) {
  if (const auto strategy = lookupChoice(kShardingNames, text)) return *strategy;
  return makeError(ErrorCode::kInvalidArgument, "sharding",
                   "Unknown sharding strategy " + text::quote(text) +
                       "; use ddp, zero1, zero2, zero3, fsdp, fsdp-grad-op or fsdp-hybrid (hsdp).");
}

std::string shardingName(ShardingStrategy strategy) { return choiceName(kShardingNames, strategy); }

ShardDivisors shardDivisors(const ShardingOptions& options) {
  const double n = static_cast<double>(std::max<std::int64_t>(1, options.dataParallel));
  switch (options.strategy) {
    case ShardingStrategy::kDdp:
      return {1, 1, 1};
    case ShardingStrategy::kZero1:
      return {1, 1, n};
    case ShardingStrategy::kZero2:
      return {1, n, n};
    case ShardingStrategy::kZero3:
    case ShardingStrategy::kFsdp:
      return {n, n, n};
    case ShardingStrategy::kFsdpHybrid: {
      const double node = static_cast<double>(
          std::clamp<std::int64_t>(options.gpusPerNode, 1, options.dataParallel));
      return {node, node, node};
    }
  }
  return {1, 1, 1};
}

bool shardsParameters(ShardingStrategy strategy) {
  return strategy == ShardingStrategy::kZero3 || strategy == ShardingStrategy::kFsdp ||
         strategy == ShardingStrategy::kFsdpHybrid;
}

}  // namespace gpumem
