// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// The Hugging Face Transformers profile, calibrated against H100 measurements
// (tests/data/calibration.jsonl; docs/methodology.md has the derivation and the table).
#include "gpumem/inference.hpp"

#include <algorithm>
#include <cmath>
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
  /// Cached segments of the prefill that its peak cannot use (slidingMaskSegment,
  /// denseMlpSegments), each a term of the allocator reserve.
  std::vector<Term> idleSegments;
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

/// Values per prompt token of one of the MLP's temporaries in the prefill (act(gate), up or
/// their product; transformersPrefillValuesPerToken holds three of them): the intermediate
/// width, twice it for a fused gate_up output, k × the expert width for routed experts.
double mlpTemporaryValuesPerToken(const ModelArchitecture& arch) {
  if (arch.isMoe() && arch.moe.denseLayers < arch.numLayers) {
    return static_cast<double>(arch.moe.expertsPerToken) *
           static_cast<double>(arch.moe.expertIntermediateSize);
  }
  const double width = static_cast<double>(arch.intermediateSize);
  return arch.fusedGateUp ? 2 * width : width;
}

/// The sliding layers of a prompt longer than the window (SDPA). They cannot use SDPA's
/// is_causal shortcut: transformers' sdpa_mask (masking_utils.py) materialises one boolean
/// mask for the whole forward, 1 B per query and key of each sequence (generate() passes an
/// attention mask, and padding_mask_function indexes it by sequence; a training forward
/// without one broadcasts a single mask over the batch), and SDPA turns it into an additive
/// mask of the activation dtype per sequence for each sliding layer's call, freed when the
/// call returns (the recorded Gemma 3 timelines: 67 MB and 134 MB at 8,192 tokens; 4.2 MB
/// and 2 × 8.4 MB for two sequences of 2,048 in training). The additive mask and the MLP's
/// temporaries are never live together: the layer's peak is the larger of the attention
/// call (the mask beside the query and the attention output) and the MLP. At the MLP's peak
/// the mask's segment is cached: when it is smaller than one MLP temporary the whole segment
/// sits idle (segments never merge); otherwise temporaries take it (`get_free_block`'s best
/// fit; Gemma 3 1B's timeline at 8,192 tokens puts the 113 MB product in the 134 MB mask
/// block) and leave less than one temporary of it: the reserve counts min(mask, one
/// temporary). Building the boolean mask, and_masks (sliding overlay, causal, padding)
/// allocates a new mask-sized result at each step, three live at once (Gemma 3 1B's
/// timeline: three 67 MB segments at 8,192 tokens); the two it frees stay cached, idle at
/// the MLP's peak while they are too small for its temporaries, taken by them once they
/// hold one: the reserve counts min(2 × mask, one temporary). Both bounds rise with the
/// prompt and the batch, which keeps the estimate monotonic in them.
void slidingMaskMoment(const ModelArchitecture& arch, const InferenceOptions& o,
                       std::vector<Term>& prefill, Peak& peak) {
  const Factor b{o.activationBytesPerValue, "B"};
  const Factor sequences{static_cast<double>(o.batch), "sequences"};
  const Factor queries{static_cast<double>(o.promptTokens), "queries"};
  const Factor keys{static_cast<double>(o.promptTokens), "keys"};
  const Factor tokens{sequences.value * queries.value, "prompt tokens"};
  const Term additive{{sequences, queries, keys, b}, "its additive copy in SDPA"};
  const double hidden = 4 * static_cast<double>(arch.hiddenSize);
  const double query = static_cast<double>(arch.queryWidth());
  const std::vector<Term> attention = {{{tokens, {hidden, "hidden values"}, b}, "hidden states"},
                                       {{tokens, {2 * query, "query and output values"}, b},
                                        "the attention call's query and output"},
                                       additive};
  const Term temporary{{tokens, {mlpTemporaryValuesPerToken(arch), "intermediate values"}, b},
                       "one MLP temporary"};
  // The idle part of cached segments, bounded by one MLP temporary.
  const auto idleUpToOneTemporary = [&](Term segment, const std::string& label) {
    if (segment.product() > temporary.product()) segment = temporary;
    segment.label = label;
    if (segment.product() > 0) peak.idleSegments.push_back(segment);
  };
  // Whichever of the two peaks, the other's segments are cached: at the MLP's peak the
  // additive mask's, at the attention call's the MLP temporaries' (at least one of them, as
  // the larger mask cannot use them), so min(mask, one temporary) is idle either way.
  if (sumOf(attention) > sumOf(prefill)) prefill = attention;
  idleUpToOneTemporary(additive, "the additive mask's segment, or the MLP's, idle at the peak");
  const Term mask{{sequences, queries, keys, {1, "B"}}, "sliding-window mask"};
  prefill.push_back(mask);
  Term building = mask;
  building.factors.push_back({2, "temporaries"});
  idleUpToOneTemporary(building, "the mask's construction temporaries");
}

/// The prefill of a mixture-of-experts model whose first layers are dense (DeepSeek's
/// first_k_dense_replace): the dense MLP's three temporaries (tokens × its intermediate
/// width each) get segments of their own in the first layers, and the routed experts'
/// grouped requests (transformers 5.x integrations/moe.py) are of other sizes, so at the
/// experts' peak those segments are cached and idle (Moonlight's recorded timeline at 2 ×
/// 4,096 tokens: 2 × 184.5 MB and 151 of 184.5 MB free in them at the peak).
void denseMlpSegments(const ModelArchitecture& arch, const InferenceOptions& o, Peak& peak) {
  if (!arch.isMoe() || arch.moe.denseLayers <= 0 || arch.moe.denseLayers >= arch.numLayers) {
    return;
  }
  peak.idleSegments.push_back(
      {{{static_cast<double>(o.batch) * static_cast<double>(o.promptTokens), "prompt tokens"},
        {3 * static_cast<double>(arch.intermediateSize), "dense MLP values"},
        {o.activationBytesPerValue, "B"}},
       "the dense layers' MLP segments, idle at the experts' peak"});
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
    slidingMaskMoment(arch, o, prefill, peak);
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
  // The prefill's idle segments stay reserved through the decode (the allocator never
  // returns them during the run), whichever moment peaks.
  denseMlpSegments(arch, o, peak);
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
  reserve.insert(reserve.end(), peak.idleSegments.begin(), peak.idleSegments.end());
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
