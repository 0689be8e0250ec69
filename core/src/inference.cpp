// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// The Hugging Face Transformers profile, calibrated against H100 measurements
// (tests/data/calibration.jsonl; docs/methodology.md has the derivation and the table).
#include "gpumem/inference.hpp"

#include <algorithm>
#include <string>

#include "gpumem/activations.hpp"
#include "gpumem/engine.hpp"
#include "gpumem/format.hpp"
#include "gpumem/kv_cache.hpp"
#include "gpumem/model_parameters.hpp"
#include "gpumem/runtime_overhead.hpp"
#include "gpumem/weight_format.hpp"
#include "text.hpp"

namespace gpumem {

Result<EngineProfile> parseEngineProfile(std::string_view text) {
  const std::string name = text::lower(text::trim(text));
  if (name == "transformers" || name == "hf" || name == "pytorch") {
    return EngineProfile::kTransformers;
  }
  if (name == "vllm") return EngineProfile::kVllm;
  if (name == "llama.cpp" || name == "llamacpp" || name == "llama-cpp") {
    return EngineProfile::kLlamaCpp;
  }
  if (name == "tensorrt-llm" || name == "trtllm" || name == "trt-llm") {
    return EngineProfile::kTensorRtLlm;
  }
  return makeError(ErrorCode::kInvalidArgument, "engine",
                   "Unknown engine " + text::quote(text) +
                       "; use transformers, vllm, llama.cpp or tensorrt-llm.");
}

Result<AttentionImplementation> parseAttentionImplementation(std::string_view text) {
  const std::string name = text::lower(text::trim(text));
  if (name == "sdpa") return AttentionImplementation::kSdpa;
  if (name == "eager") return AttentionImplementation::kEager;
  if (name == "flash" || name == "flash_attention_2" || name == "flash-attention") {
    return AttentionImplementation::kFlash;
  }
  return makeError(
      ErrorCode::kInvalidArgument, "attn",
      "Unknown attention implementation " + text::quote(text) + "; use sdpa, eager or flash.");
}

namespace {

using formula::count;
using formula::num;

Result<bool> checkOptions(const ModelArchitecture& arch, const InferenceOptions& o) {
  if (arch.numLayers <= 0 || arch.hiddenSize <= 0) {
    return makeError(ErrorCode::kInvalidArgument, "config", "The model has no layers.");
  }
  if (o.batch < 1 || o.batch > kMaxBatch) {
    return makeError(ErrorCode::kOutOfRange, "batch", "Batch must be between 1 and 1048576.");
  }
  if (o.promptTokens < 1 || o.promptTokens > kMaxTokens) {
    return makeError(ErrorCode::kOutOfRange, "contextLength",
                     "Prompt tokens must be between 1 and 67108864.");
  }
  if (o.generatedTokens < 0 || o.generatedTokens > kMaxTokens) {
    return makeError(ErrorCode::kOutOfRange, "generatedTokens",
                     "Generated tokens must be between 0 and 67108864.");
  }
  if (!(o.weightBytesPerParameter > 0) || !(o.kvBytesPerValue > 0) ||
      !(o.activationBytesPerValue > 0)) {
    return makeError(ErrorCode::kOutOfRange, "precision", "Bytes per value must be positive.");
  }
  if (!(o.cudaContextBytes >= 0)) {
    return makeError(ErrorCode::kOutOfRange, "context", "The CUDA context cannot be negative.");
  }
  return true;
}

/// Materialised attention scores of one layer's prefill: batch × heads × prompt².
double scoreElements(const ModelArchitecture& arch, const InferenceOptions& o) {
  const double s = static_cast<double>(o.promptTokens);
  return static_cast<double>(o.batch) * static_cast<double>(arch.numHeads) * s * s;
}

struct Peak {
  double activations = 0;  ///< above the final KV cache, at the peak
  double scoresReserve = 0;
  std::string formula;
};

/// The peak of live tensors besides weights and logits is the larger of the prefill
/// (cache of the prompt + the layer's transients) and the last decode step (full cache
/// + the torch.cat copy of one layer's K or V).
Peak activationPeak(const ModelArchitecture& arch, const InferenceOptions& o, double kvFinal) {
  const double b = o.activationBytesPerValue;
  const double tokens = static_cast<double>(o.batch) * static_cast<double>(o.promptTokens);
  const double perToken = prefillValuesPerToken(arch);
  double prefill = tokens * perToken * b;
  std::string formula = formatCount(tokens) + " prompt tokens × " + formatCount(perToken) +
                        " values × " + num(b) + " B";
  Peak peak;
  const double scores = scoreElements(arch, o);
  if (o.attention == AttentionImplementation::kEager) {
    const double perScore = eagerScoreBytesPerElement(b);
    const double hidden = tokens * 4 * static_cast<double>(arch.hiddenSize) * b;
    const double eager = hidden + scores * perScore;
    formula = "max(" + formula + ", eager scores " + formatCount(scores) + " × " + num(perScore) +
              " B + hidden)";
    prefill = std::max(prefill, eager);
    peak.scoresReserve = scores * (b + 4);
  } else if (o.attention == AttentionImplementation::kSdpa && sdpaUsesMathKernel(arch, b)) {
    prefill += scores * 2 * b;
    formula += " + SDPA math kernel scores " + formatCount(scores) + " × 2 × " + num(b) + " B";
  }
  const double kvPrompt = kvCacheBytes(arch, o.batch, o.promptTokens, o.kvBytesPerValue);
  const double decodeCopy = kvFinal / (2.0 * static_cast<double>(arch.numLayers));
  const double prefillPeak = kvPrompt + prefill;
  const double decodePeak = kvFinal + decodeCopy;
  if (prefillPeak >= decodePeak) {
    peak.activations = prefillPeak - kvFinal;
    peak.formula = "prefill: " + formula + " − cache growth after the prompt";
  } else {
    peak.activations = decodeCopy;
    peak.formula = "last decode step: one layer's K copy during torch.cat = cache / (2 × " +
                   count(arch.numLayers) + " layers)";
  }
  peak.activations = std::max(0.0, peak.activations);
  return peak;
}

}  // namespace

Result<Component> weightComponent(const ModelArchitecture& arch, const InferenceOptions& o) {
  const double params = countModelParameters(arch).total;
  if (o.fileWeightBytes > 0) {
    return Component{"weights", "Weights", o.fileWeightBytes,
                     "exact tensor bytes of " + o.fileDescription + ", read from its header"};
  }
  if (o.weightFormat.empty()) {
    return Component{
        "weights", "Weights", params * o.weightBytesPerParameter,
        formatCount(params) + " parameters × " + num(o.weightBytesPerParameter) + " B"};
  }
  const auto format = parseWeightFormat(o.weightFormat);
  if (!format) return format.error();
  const double bytes = weightBytes(arch, *format);
  return Component{"weights", "Weights", bytes,
                   formatCount(params) + " parameters in " + format->label + " (" +
                       num(bytes * 8 / params) + " bits per weight on average)"};
}

namespace {

/// One replica's breakdown, before the split across GPUs.
Result<Breakdown> estimateOnOneGpu(const ModelArchitecture& arch, const InferenceOptions& o) {
  Breakdown out;
  const auto weights = weightComponent(arch, o);
  if (!weights) return weights.error();
  out.components.push_back(*weights);
  switch (o.engine) {
    case EngineProfile::kVllm:
      return estimateVllm(arch, o, std::move(out));
    case EngineProfile::kLlamaCpp:
      return estimateLlamaCpp(arch, o, std::move(out));
    case EngineProfile::kTensorRtLlm:
      return estimateTrtLlm(arch, o, std::move(out));
    case EngineProfile::kTransformers:
      break;
  }

  const std::int64_t tokens = o.promptTokens + o.generatedTokens;
  const double kv = kvCacheBytes(arch, o.batch, tokens, o.kvBytesPerValue);
  std::string kvFormula = "2 (K,V) × " + count(arch.numLayers) + " layers × " +
                          formatCount(kvValuesPerTokenPerLayer(arch) / 2) + " values × " +
                          count(o.batch) + " × " + count(tokens) + " tokens × " +
                          num(o.kvBytesPerValue) + " B";
  if (arch.slidingLayerCount() > 0) {
    kvFormula += "; " + count(arch.slidingLayerCount()) + " sliding layers hold ≤ " +
                 count(arch.slidingWindow - 1) + " tokens";
  }
  out.components.push_back({"kv_cache", "KV cache", kv, kvFormula});

  const Peak peak = activationPeak(arch, o, kv);
  out.components.push_back({"activations", "Activations (peak)", peak.activations, peak.formula});

  const double logitBytes = o.activationBytesPerValue + 4;
  const double logits =
      static_cast<double>(o.batch) * static_cast<double>(arch.vocabSize) * logitBytes;
  out.components.push_back({"logits", "Logits", logits,
                            count(o.batch) + " × 1 position (logits_to_keep) × " +
                                count(arch.vocabSize) + " vocab × (" +
                                num(o.activationBytesPerValue) + " B + 4 B fp32 copy)"});

  out.components.push_back(
      {"cuda_context", "CUDA context", o.cudaContextBytes + kLazyKernelBytes,
       formatBytes(o.cudaContextBytes) + " at start-up + 96 MiB of kernels loaded on first use"});

  const double reserve =
      kCatGrowthReserveShare * kv + peak.scoresReserve + kLargeBufferSegmentBytes;
  std::string reserveFormula = "½ × KV cache (torch.cat growth) + 20 MiB segment";
  if (peak.scoresReserve > 0)
    reserveFormula += " + one score tensor per dtype (" + formatBytes(peak.scoresReserve) + ")";
  out.components.push_back({"allocator_reserve", "Allocator reserve", reserve, reserveFormula});
  out.totalBytes = sumComponents(out.components);
  return out;
}

}  // namespace

Result<Breakdown> estimateInference(const ModelArchitecture& arch, const InferenceOptions& o) {
  const auto valid = checkOptions(arch, o);
  if (!valid) return valid.error();
  // Data-parallel attention replicas (expert parallel wider than tensor parallel) each
  // serve their own share of the sequences.
  const std::int64_t replicas = o.parallel.attentionReplicas();
  if (replicas == 1) {
    auto one = estimateOnOneGpu(arch, o);
    if (!one) return one;
    return splitAcrossGpus(arch, o.parallel, std::move(one).value());
  }
  InferenceOptions local = o;
  local.batch = (o.batch + replicas - 1) / replicas;
  auto one = estimateOnOneGpu(arch, local);
  if (!one) return one;
  auto split = splitAcrossGpus(arch, o.parallel, std::move(one).value());
  if (!split) return split;
  Breakdown out = std::move(split).value();
  for (Component& c : out.components) {
    if (c.name == "kv_cache") {
      c.formula += "; ⌈" + count(o.batch) + " sequences / " + count(replicas) +
                   " attention replicas (EP / TP)⌉ = " + count(local.batch) + " per GPU";
    }
  }
  return out;
}

}  // namespace gpumem
