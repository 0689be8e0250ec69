// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// The Hugging Face Transformers profile, calibrated against H100 measurements
// (tests/data/calibration.jsonl; docs/methodology.md has the derivation and the table).
#include "gpumem/inference.hpp"

#include <algorithm>
#include <string>

#include "gpumem/activations.hpp"
#include "gpumem/encoder_inference.hpp"
#include "gpumem/engine.hpp"
#include "gpumem/format.hpp"
#include "gpumem/kv_cache.hpp"
#include "gpumem/mlx_engine.hpp"
#include "gpumem/model_parameters.hpp"
#include "gpumem/recurrent_state.hpp"
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
  if (name == "sglang") return EngineProfile::kSglang;
  if (name == "mlx" || name == "mlx-lm" || name == "mlx_lm") return EngineProfile::kMlx;
  if (name == "ollama") return EngineProfile::kOllama;
  return makeError(ErrorCode::kInvalidArgument, "engine",
                   "Unknown engine " + text::quote(text) +
                       "; use transformers, vllm, llama.cpp, tensorrt-llm, sglang or ollama.");
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
  std::vector<Term> activations;  ///< above the final KV cache, at the peak
  double scoresReserve = 0;
  std::string note;
};

/// `terms` with every product negated: what a formula subtracts.
std::vector<Term> negated(std::vector<Term> terms, const std::string& label) {
  for (Term& t : terms) {
    t.factors.insert(t.factors.begin(), {-1, ""});
    t.label = label;
  }
  return terms;
}

double sumOf(const std::vector<Term>& terms) {
  double sum = 0;
  for (const Term& t : terms) sum += t.product();
  return sum;
}

/// The peak of live tensors besides weights and logits is the larger of the prefill
/// (cache of the prompt + the layer's transients) and the last decode step (full cache
/// + the torch.cat copy of one layer's K or V).
Peak activationPeak(const ModelArchitecture& arch, const InferenceOptions& o,
                    const std::vector<Term>& kvFinal) {
  const Factor b{o.activationBytesPerValue, "B"};
  const Factor tokens{static_cast<double>(o.batch) * static_cast<double>(o.promptTokens),
                      "prompt tokens"};
  const Factor scores{scoreElements(arch, o), "scores"};
  std::vector<Term> prefill = {
      {{tokens, {transformersPrefillValuesPerToken(arch, b.value), "values"}, b}, "prefill"}};
  Peak peak;
  if (o.attention == AttentionImplementation::kEager) {
    const std::vector<Term> eager = {
        {{tokens, {4 * static_cast<double>(arch.hiddenSize), "hidden values"}, b},
         "eager hidden states"},
        {{scores, {eagerScoreBytesPerElement(arch, b.value), "B"}}, "eager scores"}};
    if (sumOf(eager) > sumOf(prefill)) prefill = eager;
    peak.scoresReserve = scores.value * eagerScoreReserveBytesPerElement(arch, b.value);
  } else if (o.attention == AttentionImplementation::kSdpa && sdpaUsesMathKernel(arch, b.value)) {
    prefill.push_back({{scores, {2, "copies"}, b}, "SDPA math kernel"});
  }
  if (o.attention == AttentionImplementation::kSdpa && arch.slidingLayerCount() > 0 &&
      o.promptTokens > arch.slidingWindow) {
    // A prompt longer than the window cannot use SDPA's is_causal shortcut on the sliding
    // layers: transformers' sdpa_mask materialises one boolean mask (1 B per query and key,
    // broadcast over the sequences) for the whole forward, and SDPA turns it into an
    // additive mask of the activation dtype per sequence for each sliding layer's call (the
    // recorded Gemma 3 timelines: 67 MB and 134 MB at 8,192 tokens; 4.2 MB and 2 × 8.4 MB
    // for two sequences of 2,048).
    const Factor queries{static_cast<double>(o.promptTokens), "queries"};
    const Factor keys{static_cast<double>(o.promptTokens), "keys"};
    prefill.push_back({{queries, keys, {1, "B"}}, "sliding-window mask"});
    prefill.push_back({{{static_cast<double>(o.batch), "sequences"}, queries, keys, b},
                       "its additive copy in SDPA"});
  }
  // During the prefill a sliding layer's cache (DynamicSlidingWindowLayer.update,
  // transformers 5.x cache_utils.py) keeps its last sliding_window − 1 tokens as a slice,
  // a view, of the whole prompt's keys and values: the whole prompt stays allocated until
  // the first decode step replaces it (Gemma 3 1B's recorded timeline at 8,192 tokens: 22
  // sliding layers × K and V of 4,194,304 B = 8,192 tokens × 256 × 2 B at the peak).
  ModelArchitecture whole = arch;
  whole.slidingWindow = 0;
  std::vector<Term> prompt = kvCacheTerms(whole, o.batch, o.promptTokens, o.kvBytesPerValue);
  for (Term& t : prompt) t.label = "prompt cache";
  const double final = sumOf(kvFinal);
  const double decodeCopy = final / (2.0 * static_cast<double>(arch.numLayers));
  if (sumOf(prompt) + sumOf(prefill) >= final + decodeCopy) {
    peak.activations = prefill;
    peak.activations.insert(peak.activations.end(), prompt.begin(), prompt.end());
    const auto minus = negated(kvFinal, "final cache");
    peak.activations.insert(peak.activations.end(), minus.begin(), minus.end());
    peak.note = "the prefill peaks: its transients and the prompt's cache, above the final cache";
  } else {
    peak.activations = kvFinal;
    for (Term& t : peak.activations) {
      t.factors.push_back({1.0 / (2.0 * static_cast<double>(arch.numLayers)), "(one layer's K)"});
    }
    peak.note = "the last decode step peaks: torch.cat copies one layer's K or V";
  }
  return peak;
}

}  // namespace

Result<Component> weightComponent(const ModelArchitecture& arch, const InferenceOptions& o) {
  const ModelParameters counted = countModelParameters(arch);
  const Factor params{counted.total, "parameters"};
  if (o.fileWeightBytes > 0) {
    return makeComponent("weights", "Weights", {{{{o.fileWeightBytes, "B"}}}},
                         "exact tensor bytes of " + o.fileDescription + ", read from its header");
  }
  // A vision-language model: the language model and the vision tower as lines of their own.
  const bool vision = counted.vision > 0;
  const Factor language{counted.total - counted.vision, "parameters"};
  const Factor tower{counted.vision, "parameters"};
  const std::string towerLabel = "vision tower (" + arch.vision.kind + " encoder + projector)";
  if (o.weightFormat.empty()) {
    const Factor b{o.weightBytesPerParameter, "B"};
    if (!vision) return makeComponent("weights", "Weights", {{{params, b}}});
    return makeComponent("weights", "Weights",
                         {{{language, b}, "language model"}, {{tower, b}, towerLabel}});
  }
  const auto format = parseWeightFormat(o.weightFormat);
  if (!format) return format.error();
  const double all = weightBytes(arch, *format);
  if (!vision) {
    const double bits = all * 8 / params.value;
    return makeComponent("weights", "Weights", {{{params, {bits, "bits"}, {0.125, "B per bit"}}}},
                         format->label + ", scales and unquantized tensors included");
  }
  const double towerBytes = counted.vision * format->visionBits / 8;
  const double languageBits = (all - towerBytes) * 8 / language.value;
  return makeComponent(
      "weights", "Weights",
      {{{language, {languageBits, "bits"}, {0.125, "B per bit"}}, "language model"},
       {{tower, {format->visionBits, "bits"}, {0.125, "B per bit"}}, towerLabel}},
      format->label + ", scales and unquantized tensors included; the vision tower unquantized");
}

Component visionEncoderComponent(const ModelArchitecture& arch, const InferenceOptions& o) {
  const VisionTower& t = arch.vision;
  if (o.imagesPerRequest <= 0 || !t.present()) {
    return makeComponent("vision_encoder", "Vision encoder (prefill)", {});
  }
  const bool wholeBatch = o.engine == EngineProfile::kTransformers;
  const double images =
      static_cast<double>(o.imagesPerRequest) * (wholeBatch ? static_cast<double>(o.batch) : 1);
  const double h = static_cast<double>(t.hiddenSize);
  const double attentionLive = 6 * h;  // residual, norm, q, k, v, attention output
  const double mlpLive = 2 * h + (t.gatedMlp ? 3 : 2) * static_cast<double>(t.intermediateSize);
  const Factor n{images, "images"};
  const Factor b{o.activationBytesPerValue, "B"};
  const double tiles = static_cast<double>(t.tilesPerImage);
  const double patches = static_cast<double>(t.patchesPerImage);
  std::vector<Term> terms;
  terms.push_back(
      {{n, {tiles * patches, "patches"}, {std::max(attentionLive, mlpLive), "values per patch"}, b},
       "one encoder layer's live tensors"});
  if (o.attention == AttentionImplementation::kEager && wholeBatch) {
    terms.push_back({{n,
                      {tiles * static_cast<double>(t.numHeads), "tiles × heads"},
                      {patches, "queries"},
                      {patches, "keys"},
                      b},
                     "eager attention scores"});
  }
  terms.push_back({{n,
                    {static_cast<double>(t.tokensPerImage), "image tokens"},
                    {static_cast<double>(arch.hiddenSize), "hidden"},
                    b},
                   "image embeddings for the language model"});
  return makeComponent(
      "vision_encoder", "Vision encoder (prefill)", terms,
      (wholeBatch ? "the batch's images in one pass" : "one request's images per encoder pass") +
          std::string("; ") + std::to_string(t.tokensPerImage) +
          " tokens per image: " + t.tokensNote);
}

Component crossAttentionCacheComponent(const ModelArchitecture& arch, const InferenceOptions& o) {
  const std::int64_t layers = arch.mixerLayerCount(MixerKind::kCrossAttention);
  if (o.imagesPerRequest <= 0 || layers <= 0 || !arch.vision.present()) {
    return makeComponent("cross_attention_kv", "Cross-attention KV cache (images)", {});
  }
  return makeComponent(
      "cross_attention_kv", "Cross-attention KV cache (images)",
      {{{{static_cast<double>(o.batch), "requests"},
         {static_cast<double>(o.imagesPerRequest), "images"},
         {static_cast<double>(arch.vision.tokensPerImage), "vision states"},
         {static_cast<double>(layers), "cross-attention layers"},
         {2, "K and V"},
         {static_cast<double>(arch.numKvHeads * arch.headDim), "KV heads × head_dim"},
         {o.kvBytesPerValue, "B"}}}},
      "computed once from each request's images and kept for the whole generation; it does not "
      "grow with the text (" +
          arch.vision.tokensNote + ")");
}

namespace {

/// One replica's breakdown, before the split across GPUs.
Result<Breakdown> estimateOnOneGpu(const ModelArchitecture& arch, const InferenceOptions& o) {
  Breakdown out;
  const auto weights = weightComponent(arch, o);
  if (!weights) return weights.error();
  out.components.push_back(*weights);
  if (o.imagesPerRequest > 0 && arch.vision.present()) {
    out.components.push_back(visionEncoderComponent(arch, o));
    if (arch.vision.crossAttention) out.components.push_back(crossAttentionCacheComponent(arch, o));
  }
  // An encoder (embeddings, reranking) is sized as transformers runs its one forward.
  if (arch.encoder.present) return estimateEncoderInference(arch, o, std::move(out));
  switch (o.engine) {
    case EngineProfile::kVllm:
      return estimateVllm(arch, o, std::move(out));
    case EngineProfile::kLlamaCpp:
      return estimateLlamaCpp(arch, o, std::move(out));
    case EngineProfile::kTensorRtLlm:
      return estimateTrtLlm(arch, o, std::move(out));
    case EngineProfile::kSglang:
      return estimateSglang(arch, o, std::move(out));
    case EngineProfile::kOllama:
      return estimateLlamaCpp(arch, o, std::move(out));
    case EngineProfile::kMlx:
      return estimateMlx(arch, o, std::move(out));
    case EngineProfile::kTransformers:
      break;
  }

  const std::int64_t tokens = o.promptTokens + o.generatedTokens;
  const std::vector<Term> kv = kvCacheTerms(arch, o.batch, tokens, o.kvBytesPerValue);
  out.components.push_back(makeComponent(
      "kv_cache", "KV cache", kv,
      arch.slidingLayerCount() > 0 ? "a sliding layer keeps sliding_window − 1 tokens" : ""));

  if (arch.hasRecurrentState()) {
    out.components.push_back(recurrentStateComponent(
        arch, o.batch, o.activationBytesPerValue, ConvWindow::kWholeKernel,
        "one fixed-size state per sequence, whatever its length, in the model's dtype; "
        "transformers keeps the whole conv_kernel window of each convolution"));
  }

  const Peak peak = activationPeak(arch, o, kv);
  out.components.push_back(
      makeComponent("activations", "Activations (peak)", peak.activations, peak.note));

  out.components.push_back(
      makeComponent("logits", "Logits",
                    {{{{static_cast<double>(o.batch), "sequences"},
                       {static_cast<double>(arch.vocabSize), "vocab"},
                       {o.activationBytesPerValue + 4, "B"}}}},
                    "the last position only (logits_to_keep), and its fp32 copy"));

  out.components.push_back(
      makeComponent("cuda_context", "CUDA context",
                    {{{{o.cudaContextBytes, "B"}}, "at start-up"},
                     {{{kLazyKernelBytes, "B"}}, "kernels loaded on first use"}}));

  std::vector<Term> reserve = kv;
  for (Term& t : reserve) {
    t.factors.push_back({kCatGrowthReserveShare, ""});
    t.label = "torch.cat growth: ½ × cache";
  }
  reserve.push_back({{{kLargeBufferSegmentBytes, "B"}}, "a large-buffer segment"});
  if (peak.scoresReserve > 0) {
    reserve.push_back({{{peak.scoresReserve, "B"}}, "one score tensor per dtype"});
  }
  out.components.push_back(makeComponent("allocator_reserve", "Allocator reserve", reserve,
                                         "cached by PyTorch's allocator, not freed"));
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
      c.note += std::string(c.note.empty() ? "" : "; ") + "⌈" + count(o.batch) + " sequences / " +
                count(replicas) + " attention replicas (EP / TP)⌉ per GPU";
    }
  }
  return out;
}

}  // namespace gpumem
