// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
#include <charconv>
#include <iostream>
#include <string>

#include "commands.hpp"
#include "gpumem/fit.hpp"
#include "gpumem/parameter_count.hpp"
#include "gpumem/simple_method.hpp"
#include "output.hpp"

namespace gpumem::cli {
namespace {

Result<SimpleInput> simpleInputFrom(const Args& args) {
  SimpleInput in;
  const auto params = parseParameterCount(args.getOr("params", ""));
  if (!params) return params.error();
  in.parameters = *params;
  const auto precision = parsePrecision(args.getOr("precision", "bf16"));
  if (!precision) return precision.error();
  in.precision = *precision;
  const auto task = parseTask(args.getOr("mode", "inference"));
  if (!task) return task.error();
  in.task = *task;
  const auto optimizer = parseSimpleOptimizer(args.getOr("optimizer", "adamw"));
  if (!optimizer) return optimizer.error();
  in.optimizer = *optimizer;
  const auto overhead = decimalOption(args, "overhead", 20);
  if (!overhead) return overhead.error();
  in.overheadFraction = *overhead / 100.0;
  const auto batch = decimalOption(args, "batch", 1);
  if (!batch) return batch.error();
  in.batchSize = *batch;
  const auto perSample = decimalOption(args, "activation-mb", 50);
  if (!perSample) return perSample.error();
  in.activationBytesPerSample = *perSample * 1e6;
  return in;
}

}  // namespace

int runEstimate(const Args& args) {
  const bool json = args.hasFlag("json");
  const std::string method = args.getOr("method", "simple");
  if (method == "arch") return runEstimateArch(args);
  if (method != "simple") {
    return reportError(makeError(ErrorCode::kInvalidArgument, "method",
                                 "Unknown method \"" + method + "\"; use simple or arch."),
                       json);
  }
  const auto input = simpleInputFrom(args);
  if (!input) return reportError(input.error(), json);
  const auto breakdown = estimateSimple(*input);
  if (!breakdown) return reportError(breakdown.error(), json);

  std::optional<GpuSpec> gpu;
  std::optional<FitVerdict> fit;
  if (const auto gpuId = args.get("gpu")) {
    const auto found = findGpu(*gpuId);
    if (!found) return reportError(found.error(), json);
    const auto count = decimalOption(args, "gpus", 1);
    if (!count) return reportError(count.error(), json);
    if (*count < 1 || *count > 100000 || *count != static_cast<double>(static_cast<long>(*count))) {
      return reportError(makeError(ErrorCode::kOutOfRange, "gpus",
                                   "The GPU count must be a whole number from 1 to 100,000."),
                         json);
    }
    gpu = *found;
    fit = assessFit(breakdown->totalBytes, *gpu, static_cast<std::uint64_t>(*count));
  }
  if (json) {
    std::cout << estimateJson(*breakdown, gpu, fit).dump(2) << "\n";
  } else {
    printTable(*breakdown, gpu, fit);
  }
  return 0;
}

}  // namespace gpumem::cli
