// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
#include "gpumem/model_states.hpp"

#include <algorithm>

namespace gpumem {
namespace {

/// fp32 copy of each gradient that ZeRO-Offload keeps on the CPU for the update.
constexpr double kOffloadedGradientBytes = 4.0;
/// ZeRO-3 gathers one layer's 16-bit parameters and keeps its 16-bit gradients.
constexpr double kGatheredBytesPerParam = 4.0;

double gpusSharingCpu(const ShardingOptions& sharding) {
  return static_cast<double>(std::clamp<std::int64_t>(
      sharding.gpusPerNode, 1, std::max<std::int64_t>(1, sharding.dataParallel)));
}

bool shardsParameters(ShardingStrategy strategy) {
  return strategy == ShardingStrategy::kZero3 || strategy == ShardingStrategy::kFsdpHybrid;
}

}  // namespace

ModelStates estimateModelStates(const ModelStateInputs& in) {
  const ShardDivisors div = shardDivisors(in.sharding);
  const bool frozen = in.optimizer == OptimizerKind::kNone;
  const double trainable = frozen ? 0.0 : in.trainableParams;
  const double heldForward = frozen ? in.trainableParams + in.frozenParams : in.frozenParams;

  ModelStates s;
  s.weights =
      (trainable * weightBytesPerParameter(in.recipe) +
       heldForward * (frozen ? weightBytesPerParameter(in.recipe) : in.frozenBytesPerParam)) /
      div.weights;
  s.master = trainable * masterBytesPerParameter(in.recipe) / div.optimizer;
  s.gradients = trainable * gradientBytesPerParameter(in.recipe) / div.gradients;
  s.optimizer = trainable *
                optimizerStateBytesPerParameter(in.optimizer, in.recipe, in.matrixSide) /
                div.optimizer;
  s.temporaries =
      trainable * optimizerTemporaryBytesPerParameter(in.optimizer, in.recipe) / div.optimizer;
  if (shardsParameters(in.sharding.strategy) && div.weights > 1) {
    s.gatheredLayer = kGatheredBytesPerParam * in.largestLayerParams;
  }

  const double perNode = gpusSharingCpu(in.sharding);
  if (in.sharding.offloadOptimizer && !frozen) {
    const double offloaded = s.master + s.optimizer + s.temporaries +
                             trainable * kOffloadedGradientBytes / div.optimizer;
    s.cpu += offloaded * perNode;
    s.master = 0;
    s.optimizer = 0;
    s.temporaries = 0;
    s.gradients = 0;
    if (s.gatheredLayer == 0) s.gatheredLayer = kGatheredBytesPerParam * in.largestLayerParams;
  }
  if (in.sharding.offloadParameters && shardsParameters(in.sharding.strategy)) {
    s.cpu += s.weights * perNode;
    s.weights = 0;
    s.gatheredLayer = kGatheredBytesPerParam * in.largestLayerParams;
  }
  return s;
}

DeepSpeedZero3Estimate deepSpeedZero3ModelStates(double totalParams, double largestLayerParams,
                                                 double gpusPerNode, double nodes,
                                                 bool offloadOptimizer, bool offloadParameters,
                                                 double bufferFactor) {
  const double gpus = gpusPerNode * nodes;
  const double largestLayerBytes = 4.0 * largestLayerParams;
  DeepSpeedZero3Estimate e;
  if (offloadOptimizer && offloadParameters) {
    e.gpuBytes = largestLayerBytes;
    e.cpuBytes = totalParams * 18.0 / nodes * bufferFactor;
  } else if (offloadOptimizer) {
    e.gpuBytes = largestLayerBytes + 2.0 * totalParams / gpus;
    e.cpuBytes = totalParams * 16.0 / nodes * bufferFactor;
  } else {
    e.gpuBytes = largestLayerBytes + 18.0 * totalParams / gpus;
    e.cpuBytes = largestLayerParams * 4.0 * gpusPerNode * bufferFactor;
  }
  return e;
}

}  // namespace gpumem
