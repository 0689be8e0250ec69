// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// `gpumem estimate --method arch (--config FILE.json | --model ID) ...`: the
// architecture-aware inference estimate.
#include <charconv>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "commands.hpp"
#include "gpumem/fit.hpp"
#include "gpumem/inference.hpp"
#include "gpumem/inference_limits.hpp"
#include "gpumem/kv_cache.hpp"
#include "gpumem/model_catalog.hpp"
#include "gpumem/model_config.hpp"
#include "gpumem/precision.hpp"
#include "gpumem/weight_format.hpp"
#include "output.hpp"

namespace gpumem::cli {

Result<std::int64_t> wholeOption(const Args& args, const std::string& name, std::int64_t fallback) {
  const auto text = args.get(name);
  if (!text) return fallback;
  std::int64_t value = 0;
  const char* end = text->data() + text->size();
  const auto [ptr, ec] = std::from_chars(text->data(), end, value);
  if (ec != std::errc() || ptr != end) {
    return makeError(ErrorCode::kInvalidArgument, name,
                     "Expected a whole number, got \"" + *text + "\".");
  }
  return value;
}

Result<std::string> configText(const Args& args) {
  if (const auto path = args.get("config")) {
    std::ifstream in(*path, std::ios::binary);
    if (!in) return makeError(ErrorCode::kInvalidArgument, "config", "Cannot read " + *path + ".");
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  if (const auto id = args.get("model")) {
    const auto model = findCatalogModel(*id);
    if (!model) return model.error();
    return model->configJson;
  }
  return makeError(ErrorCode::kInvalidArgument, "config",
                   "Give --config FILE.json (a Hugging Face config.json) or --model ID.");
}

/// A decimal option (e.g. 0.9); an Error names the option when it is not a number.
Result<double> decimalOption(const Args& args, const std::string& name, double fallback) {
  const auto text = args.get(name);
  if (!text) return fallback;
  double value = 0;
  const char* end = text->data() + text->size();
  const auto [ptr, ec] = std::from_chars(text->data(), end, value);
  if (ec != std::errc() || ptr != end) {
    return makeError(ErrorCode::kInvalidArgument, name,
                     "Expected a number, got \"" + *text + "\".");
  }
  return value;
}

namespace {

Result<InferenceOptions> inferenceOptionsFrom(const Args& args) {
  InferenceOptions o;
  const auto weights = parsePrecision(args.getOr("dtype", args.getOr("precision", "bf16")));
  if (!weights) return weights.error();
  o.weightBytesPerParameter = weights->bytes();
  // Quantized weights are dequantized to a 16-bit compute dtype.
  o.activationBytesPerValue = weights->bytes() >= 2 ? weights->bytes() : 2;
  o.kvBytesPerValue = o.activationBytesPerValue;
  if (const auto format = args.get("format")) {
    const auto parsed = parseWeightFormat(*format);
    if (!parsed) return parsed.error();
    o.weightFormat = parsed->id;
    o.activationBytesPerValue = o.kvBytesPerValue = parsed->computeBytes;
  }
  if (const auto kv = args.get("kv-dtype")) {
    const auto bytes = parseKvCacheBytesPerValue(*kv);
    if (!bytes) return bytes.error();
    o.kvBytesPerValue = *bytes;
  }
  const std::pair<const char*, std::int64_t*> whole[] = {
      {"batch", &o.batch}, {"prompt", &o.promptTokens}, {"generate", &o.generatedTokens}};
  for (const auto& [name, out] : whole) {
    const auto value = wholeOption(args, name, *out);
    if (!value) return value.error();
    *out = *value;
  }
  const auto attention = parseAttentionImplementation(args.getOr("attn", "sdpa"));
  if (!attention) return attention.error();
  o.attention = *attention;
  const auto engine = parseEngineProfile(args.getOr("engine", "transformers"));
  if (!engine) return engine.error();
  o.engine = *engine;
  const std::pair<const char*, std::int64_t*> engineWhole[] = {
      {"block-size", &o.vllm.blockSize},
      {"max-num-seqs", &o.vllm.maxNumSeqs},
      {"max-num-batched-tokens", &o.vllm.maxNumBatchedTokens},
      {"ubatch", &o.llamaCpp.nUbatch},
      {"ngl", &o.llamaCpp.nGpuLayers},
      {"tp", &o.parallel.tensorParallel},
      {"pp", &o.parallel.pipelineParallel},
      {"ep", &o.parallel.expertParallel}};
  for (const auto& [name, out] : engineWhole) {
    const auto value = wholeOption(args, name, *out);
    if (!value) return value.error();
    *out = *value;
  }
  if (const auto utilization = args.get("gpu-memory-utilization")) {
    const auto percent = wholeOption(args, "gpu-memory-utilization", 90);
    if (!percent) return percent.error();
    o.vllm.gpuMemoryUtilization = static_cast<double>(*percent) / 100.0;
  }
  const auto freeFraction =
      decimalOption(args, "free-gpu-memory-fraction", o.trtLlm.freeGpuMemoryFraction);
  if (!freeFraction) return freeFraction.error();
  o.trtLlm.freeGpuMemoryFraction = *freeFraction;
  o.vllm.cudaGraphs = !args.hasFlag("enforce-eager");
  o.llamaCpp.flashAttention = !args.hasFlag("no-flash-attn");
  return o;
}

/// The inverse questions for the chosen GPUs: longest prompt and largest batch that fit.
void printLimits(const ModelArchitecture& arch, const InferenceOptions& options,
                 double capacityBytes) {
  const auto prompt = longestPromptThatFits(arch, options, capacityBytes);
  const auto batch = largestBatchThatFits(arch, options, capacityBytes);
  if (!prompt || !batch) return;
  std::cout << "Longest prompt that fits (batch " << options.batch << ", +"
            << options.generatedTokens << " generated): " << *prompt << " tokens. "
            << "Largest batch at " << options.promptTokens << " tokens: " << *batch << ".\n";
}

}  // namespace

int runEstimateArch(const Args& args) {
  if (args.get("task").has_value()) {
    return runEstimateTraining(args);
  }
  const bool json = args.hasFlag("json");
  const auto text = configText(args);
  if (!text) return reportError(text.error(), json);
  const auto arch = parseModelConfig(*text);
  if (!arch) return reportError(arch.error(), json);
  auto options = inferenceOptionsFrom(args);
  if (!options) return reportError(options.error(), json);
  if (const auto gpuId = args.get("gpu")) {
    const auto found = findGpu(*gpuId);
    if (found) options.value().gpuMemoryBytes = static_cast<double>(found->memoryBytes);
  }
  const auto breakdown = estimateInference(*arch, *options);
  if (!breakdown) return reportError(breakdown.error(), json);
  std::optional<GpuSpec> gpu;
  std::optional<FitVerdict> fit;
  double limitCapacity = 0;
  if (const auto gpuId = args.get("gpu")) {
    const auto found = findGpu(*gpuId);
    if (!found) return reportError(found.error(), json);
    const std::int64_t splitGpus = options->parallel.gpuCount();
    const auto count = wholeOption(args, "gpus", splitGpus);
    if (!count) return reportError(count.error(), json);
    if (*count < 1 || *count > 100000) {
      return reportError(makeError(ErrorCode::kOutOfRange, "gpus",
                                   "The GPU count must be a whole number from 1 to 100,000."),
                         json);
    }
    gpu = *found;
    limitCapacity = 0;
    // A split breakdown is per GPU of the split.
    fit = assessSplitFit(breakdown->totalBytes, static_cast<std::uint64_t>(splitGpus), *gpu,
                         static_cast<std::uint64_t>(*count));
    if (splitGpus > 1) limitCapacity = static_cast<double>(gpu->memoryBytes);
  }
  if (json) {
    auto out = estimateJson(*breakdown, gpu, fit);
    if (fit) {
      const double capacity = limitCapacity > 0 ? limitCapacity : fit->capacityBytes;
      const auto prompt = longestPromptThatFits(*arch, *options, capacity);
      const auto batch = largestBatchThatFits(*arch, *options, capacity);
      if (prompt) out["longestPrompt"] = *prompt;
      if (batch) out["largestBatch"] = *batch;
    }
    std::cout << out.dump(2) << "\n";
  } else {
    printTable(*breakdown, gpu, fit);
    if (fit) printLimits(*arch, *options, limitCapacity > 0 ? limitCapacity : fit->capacityBytes);
  }
  return 0;
}

}  // namespace gpumem::cli
