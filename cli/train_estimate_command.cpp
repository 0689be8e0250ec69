// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// `gpumem estimate --method arch --task full|lora|qlora ...`: the training estimate per GPU,
// the CPU RAM offload needs, and the inverse questions when a GPU is chosen.
#include <iostream>
#include <optional>
#include <string>

#include "commands.hpp"
#include "gpumem/fit.hpp"
#include "gpumem/format.hpp"
#include "gpumem/gpu_catalog.hpp"
#include "gpumem/model_config.hpp"
#include "gpumem/training.hpp"
#include "gpumem/training_limits.hpp"
#include "output.hpp"

namespace gpumem::cli {
namespace {

Result<bool> readNames(const Args& args, TrainingScenario& s) {
  const auto task = parseTrainingTask(args.getOr("task", "full"));
  if (!task) return task.error();
  s.task = *task;
  const auto recipe =
      parsePrecisionRecipe(args.getOr("recipe", s.task == TrainingTask::kFull ? "mixed" : "bf16"));
  if (!recipe) return recipe.error();
  s.recipe = *recipe;
  const auto optimizer = parseOptimizer(args.getOr("optimizer", "adamw"));
  if (!optimizer) return optimizer.error();
  s.optimizer = *optimizer;
  const auto ckpt = parseCheckpointing(args.getOr("ckpt", "none"));
  if (!ckpt) return ckpt.error();
  s.checkpointing = *ckpt;
  const auto attention = parseAttentionImplementation(args.getOr("attn", "sdpa"));
  if (!attention) return attention.error();
  s.attention = *attention;
  const auto targets = parseLoraTargets(args.getOr("lora-targets", "all-linear"));
  if (!targets) return targets.error();
  s.loraTargets = *targets;
  const auto sharding = parseShardingStrategy(args.getOr("sharding", "ddp"));
  if (!sharding) return sharding.error();
  s.sharding = *sharding;
  return true;
}

Result<bool> readNumbers(const Args& args, TrainingScenario& s) {
  const std::pair<const char*, std::int64_t*> whole[] = {{"micro-batch", &s.microBatch},
                                                         {"seq", &s.sequence},
                                                         {"grad-accum", &s.gradientAccumulation},
                                                         {"lora-rank", &s.loraRank},
                                                         {"tp", &s.parallel.tensor},
                                                         {"pp", &s.parallel.pipeline},
                                                         {"cp", &s.parallel.context},
                                                         {"ep", &s.parallel.expert},
                                                         {"gpus", &s.gpus},
                                                         {"gpus-per-node", &s.gpusPerNode}};
  for (const auto& [name, out] : whole) {
    const auto value = wholeOption(args, name, *out);
    if (!value) return value.error();
    *out = *value;
  }
  return true;
}

Result<TrainingScenario> scenarioFrom(const Args& args) {
  const auto text = configText(args);
  if (!text) return text.error();
  const auto arch = parseModelConfig(*text);
  if (!arch) return arch.error();
  TrainingScenario s;
  s.arch = *arch;
  s.gpus = s.parallel.tensor;
  if (const auto named = readNames(args, s); !named) return named.error();
  if (const auto numbers = readNumbers(args, s); !numbers) return numbers.error();
  if (!args.get("gpus")) {
    s.gpus = s.parallel.tensor * s.parallel.pipeline * s.parallel.context;
  }
  s.parallel.sequence = args.hasFlag("sp");
  s.offloadOptimizer = args.hasFlag("offload-optimizer");
  s.offloadParameters = args.hasFlag("offload-params");
  s.trainEmbeddings = args.hasFlag("train-embeddings");
  return s;
}

/// Whether the per-GPU total fits one GPU of `gpu`, and the fewest GPUs that would.
FitVerdict trainingFit(const TrainingScenario& s, const TrainingEstimate& e, const GpuSpec& gpu) {
  const double memory = static_cast<double>(gpu.memoryBytes);
  FitVerdict v;
  v.gpuCount = static_cast<std::uint64_t>(s.gpus);
  v.fits = e.perGpu.totalBytes <= memory;
  const auto fewest = fewestGpusThatFit(s, memory);
  v.gpusNeeded = fewest ? static_cast<std::uint64_t>(*fewest) : 0;
  v.capacityBytes = memory * static_cast<double>(s.gpus);
  v.headroomBytes = memory - e.perGpu.totalBytes;
  return v;
}

}  // namespace

int runEstimateTraining(const Args& args) {
  const bool json = args.hasFlag("json");
  const auto scenario = scenarioFrom(args);
  if (!scenario) return reportError(scenario.error(), json);
  const auto estimate = estimateTraining(*scenario);
  if (!estimate) return reportError(estimate.error(), json);
  std::optional<GpuSpec> gpu;
  std::optional<FitVerdict> fit;
  if (const auto gpuId = args.get("gpu")) {
    const auto found = findGpu(*gpuId);
    if (!found) return reportError(found.error(), json);
    gpu = *found;
    fit = trainingFit(*scenario, *estimate, *gpu);
  }
  const double memory = gpu ? static_cast<double>(gpu->memoryBytes) : 0;
  const auto batch = gpu ? largestMicroBatchThatFits(*scenario, memory) : Result<std::int64_t>(0);
  const auto sequence = gpu ? longestSequenceThatFits(*scenario, memory) : Result<std::int64_t>(0);
  if (json) {
    auto out = estimateJson(estimate->perGpu, gpu, fit);
    out["perGpu"] = true;
    out["peakPhase"] = estimate->peakPhase;
    out["dataParallel"] = estimate->dataParallel;
    out["trainableParams"] = estimate->trainableParams;
    out["cpuBytes"] = estimate->cpuBytes;
    if (gpu && batch) out["maxMicroBatch"] = *batch;
    if (gpu && sequence) out["maxSeq"] = *sequence;
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  printTable(estimate->perGpu, gpu, fit);
  std::cout << "Per GPU, peak at the " << estimate->peakPhase << "; data parallel "
            << estimate->dataParallel << ".";
  if (estimate->cpuBytes > 0)
    std::cout << " CPU RAM per node: " << formatBytes(estimate->cpuBytes) << ".";
  std::cout << "\n";
  if (gpu && batch && sequence) {
    std::cout << "Largest micro-batch that fits at " << scenario->sequence << " tokens: " << *batch
              << ". Longest sequence at micro-batch " << scenario->microBatch << ": " << *sequence
              << " tokens.\n";
  }
  return 0;
}

}  // namespace gpumem::cli
