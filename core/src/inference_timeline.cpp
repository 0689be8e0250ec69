// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
#include "gpumem/inference_timeline.hpp"

#include <algorithm>
#include <cmath>

#include "gpumem/activations.hpp"
#include "gpumem/caching_allocator.hpp"
#include "gpumem/kv_cache.hpp"
#include "gpumem/timeline_recorder.hpp"

namespace gpumem {

namespace {

constexpr double kFp32 = 4;

using Recorder = TimelineRecorder;

/// RMSNorm in fp32 (modeling_llama.py LlamaRMSNorm.forward): the upcast, the rsqrt product,
/// then the output in the model dtype.
std::int32_t norm(Recorder& r, double tokens, double h, double b) {
  const std::int32_t up = r.alloc(tokens * h * kFp32, "norm.fp32");
  const std::int32_t scaled = r.alloc(tokens * h * kFp32, "norm.rsqrt");
  r.free(up);
  const std::int32_t out = r.alloc(tokens * h * b, "norm.out");
  r.free(scaled);
  return out;
}

/// apply_rotary_pos_emb: x·cos + rotate_half(x)·sin, one temporary beside the result.
std::int32_t rope(Recorder& r, double bytes, const char* name) {
  const std::int32_t tmp = r.alloc(bytes, "rope.tmp");
  const std::int32_t out = r.alloc(bytes, name);
  r.free(tmp);
  return out;
}

/// Simulated layer groups and decode steps: enough to place the blocks the way the
/// allocator sees them, few enough for a replay of a few hundred events.
constexpr std::int32_t kLayerGroups = 4;
constexpr std::int64_t kDecodeSteps = 4;

struct LayerGroup {
  std::int32_t first = 0;    ///< its first layer
  std::int64_t full = 0;     ///< full-attention layers in it
  std::int64_t sliding = 0;  ///< sliding-window layers in it
};

/// The layers split into up to kLayerGroups consecutive groups of near-equal size.
std::vector<LayerGroup> layerGroups(const ModelArchitecture& arch) {
  const std::int64_t layers = std::max<std::int64_t>(1, arch.numLayers);
  const std::int64_t count = std::min<std::int64_t>(layers, kLayerGroups);
  const bool sliding = arch.slidingLayerCount() > 0;
  std::vector<LayerGroup> groups;
  for (std::int64_t g = 0; g < count; ++g) {
    const std::int64_t begin = layers * g / count;
    const std::int64_t end = layers * (g + 1) / count;
    LayerGroup group;
    group.first = static_cast<std::int32_t>(begin);
    for (std::int64_t l = begin; l < end; ++l) {
      // A hybrid's Mamba, linear-attention and convolution layers cache no keys and values.
      if (!arch.mixers.empty() &&
          arch.mixers[static_cast<std::size_t>(l)] != MixerKind::kAttention &&
          arch.mixers[static_cast<std::size_t>(l)] != MixerKind::kAttentionAndMamba) {
        continue;
      }
      const bool isSliding = sliding && static_cast<std::size_t>(l) < arch.slidingLayers.size() &&
                             arch.slidingLayers[static_cast<std::size_t>(l)];
      ++(isSliding ? group.sliding : group.full);
    }
    groups.push_back(group);
  }
  return groups;
}

struct Shape {
  double h = 0, query = 0, kvHalf = 0, mlp = 0, vocab = 0, b = 0, kvb = 0;
  double batch = 0, prompt = 0;
};

}  // namespace

std::vector<TimelineEvent> transformersInferenceTimeline(const ModelArchitecture& arch,
                                                         const InferenceOptions& o,
                                                         double weightBytes) {
  std::vector<TimelineEvent> events;
  Recorder r(events);
  Shape s;
  s.h = static_cast<double>(arch.hiddenSize);
  s.query = static_cast<double>(arch.queryWidth());
  s.kvHalf = kvValuesPerTokenPerLayer(arch) / 2;
  s.b = o.activationBytesPerValue;
  s.kvb = o.kvBytesPerValue;
  s.mlp = std::max(0.0, transformersPrefillValuesPerToken(arch, s.b) - 4 * s.h) / 3;
  s.vocab = static_cast<double>(arch.vocabSize);
  s.batch = static_cast<double>(o.batch);
  s.prompt = static_cast<double>(o.promptTokens);
  const double tokens = s.batch * s.prompt;
  const bool sliding = arch.slidingLayerCount() > 0;
  const bool masked = o.attention == AttentionImplementation::kSdpa && sliding &&
                      o.promptTokens > arch.slidingWindow;
  const bool eager = o.attention == AttentionImplementation::kEager;
  const bool math = o.attention == AttentionImplementation::kSdpa && sdpaUsesMathKernel(arch, s.b);

  r.category = "weights";
  r.alloc(weightBytes, "weights");

  r.phase = "prefill";
  r.category = "activations";
  std::int32_t x = r.alloc(tokens * s.h * s.b, "embedding");
  const double headDim = static_cast<double>(std::max<std::int64_t>(arch.headDim, 1));
  const std::int32_t cos = r.alloc(tokens * headDim * s.b, "rotary.cos");
  const std::int32_t sin = r.alloc(tokens * headDim * s.b, "rotary.sin");
  const std::int32_t mask = masked ? r.alloc(s.prompt * s.prompt, "mask.sliding") : -1;
  // Layers in up to kLayerGroups groups: each group's layers repeat the same transients, so
  // one is simulated per group, with the group's caches as one K and one V block.
  const std::vector<LayerGroup> groups = layerGroups(arch);
  std::vector<std::int32_t> keys(groups.size());
  std::vector<std::int32_t> values(groups.size());
  for (std::size_t g = 0; g < groups.size(); ++g) {
    const LayerGroup& group = groups[g];
    r.layer = group.first;
    const std::int32_t n1 = norm(r, tokens, s.h, s.b);
    const std::int32_t q = r.alloc(tokens * s.query * s.b, "attn.q");
    const std::int32_t k = r.alloc(tokens * s.kvHalf * s.b, "attn.k");
    const std::int32_t v = r.alloc(tokens * s.kvHalf * s.b, "attn.v");
    const std::int32_t qe = rope(r, tokens * s.query * s.b, "attn.q_rope");
    const std::int32_t ke = rope(r, tokens * s.kvHalf * s.b, "attn.k_rope");
    r.free(q);
    r.free(k);
    r.category = "kv_cache";
    const double layers = static_cast<double>(group.full + group.sliding);
    keys[g] = r.alloc(layers * tokens * s.kvHalf * s.kvb, "kv.k");
    values[g] = r.alloc(layers * tokens * s.kvHalf * s.kvb, "kv.v");
    r.category = "activations";
    r.free(ke);
    r.free(v);
    std::vector<std::int32_t> scores;
    if (masked && group.sliding > 0) {
      scores.push_back(r.alloc(s.batch * s.prompt * s.prompt * s.b, "attn.additive_mask"));
    }
    const double perHead = s.batch * static_cast<double>(arch.numHeads) * s.prompt * s.prompt;
    if (eager) {
      const double bytes = eagerScoreBytesPerElement(arch, s.b);
      scores.push_back(r.alloc(perHead * s.b, "attn.scores"));
      scores.push_back(r.alloc(perHead * (bytes - s.b), "attn.softmax"));
    } else if (math) {
      scores.push_back(r.alloc(perHead * s.b, "attn.scores"));
      scores.push_back(r.alloc(perHead * s.b, "attn.softmax"));
    }
    const std::int32_t attn = r.alloc(tokens * s.query * s.b, "attn.out");
    for (const std::int32_t id : scores) r.free(id);
    const std::int32_t proj = r.alloc(tokens * s.h * s.b, "attn.o_proj");
    r.free(attn);
    r.free(qe);
    r.free(n1);
    const std::int32_t x2 = r.alloc(tokens * s.h * s.b, "residual.attn");
    r.free(proj);
    const std::int32_t n2 = norm(r, tokens, s.h, s.b);
    const std::int32_t gate = r.alloc(tokens * s.mlp * s.b, "mlp.gate");
    const std::int32_t act = r.alloc(tokens * s.mlp * s.b, "mlp.act");
    r.free(gate);
    const std::int32_t up = r.alloc(tokens * s.mlp * s.b, "mlp.up");
    const std::int32_t product = r.alloc(tokens * s.mlp * s.b, "mlp.product");
    r.free(act);
    r.free(up);
    const std::int32_t down = r.alloc(tokens * s.h * s.b, "mlp.down");
    r.free(product);
    r.free(n2);
    const std::int32_t x3 = r.alloc(tokens * s.h * s.b, "residual.mlp");
    r.free(down);
    r.free(x2);
    r.free(x);  // the layer's input, released when the layer returns
    x = x3;
  }
  r.layer = -1;
  const std::int32_t last = norm(r, tokens, s.h, s.b);
  r.category = "logits";
  std::int32_t logits = r.alloc(s.batch * s.vocab * s.b, "logits");
  std::int32_t logitsFp32 = r.alloc(s.batch * s.vocab * kFp32, "logits.fp32");
  r.free(logits);
  r.category = "activations";
  r.free(last);
  r.free(x);
  r.free(cos);
  r.free(sin);
  r.free(mask);

  // Decode: generated − 1 steps (the prefill gives the first token), grouped.
  r.phase = "decode";
  const std::int64_t steps = std::max<std::int64_t>(0, o.generatedTokens - 1);
  const std::int64_t simulated = std::min<std::int64_t>(steps, kDecodeSteps);
  const double window = static_cast<double>(arch.slidingWindow);
  // Decode caches are per layer (a layer's grown K or V fits a freed one only within the
  // 2 MiB rounding of its segment, so grouping them would overstate what is cached).
  std::vector<std::int32_t> layerKeys(
      static_cast<std::size_t>(std::max<std::int64_t>(1, arch.numLayers)), -1);
  std::vector<std::int32_t> layerValues(layerKeys.size(), -1);
  for (std::int64_t step = 1; step <= simulated; ++step) {
    // The first simulated step jumps to the last few tokens, which then grow one by one.
    const double cached = s.prompt + static_cast<double>(steps - simulated + step);
    for (std::size_t g = 0; g < groups.size(); ++g) {
      const LayerGroup& group = groups[g];
      const std::int64_t count = group.full + group.sliding;
      r.category = "kv_cache";
      for (std::int64_t i = 0; i < count; ++i) {
        const auto l = static_cast<std::size_t>(group.first + i);
        r.layer = static_cast<std::int32_t>(l);
        const bool slidingLayer = sliding && l < arch.slidingLayers.size() && arch.slidingLayers[l];
        // A sliding layer's cat joins the window − 1 kept tokens and the new one.
        const double held = slidingLayer ? std::min(cached, window) : cached;
        const double bytes = s.batch * held * s.kvHalf * s.kvb;
        const std::int32_t k = r.alloc(bytes, "kv.k");
        r.free(layerKeys[l]);
        layerKeys[l] = k;
        const std::int32_t v = r.alloc(bytes, "kv.v");
        r.free(layerValues[l]);
        layerValues[l] = v;
      }
      // The prefill's cache of the group goes once its layers have grown theirs.
      r.free(keys[g]);
      r.free(values[g]);
      keys[g] = values[g] = -1;
    }
    r.layer = -1;
    r.category = "logits";
    r.free(logitsFp32);
    logits = r.alloc(s.batch * s.vocab * s.b, "logits");
    logitsFp32 = r.alloc(s.batch * s.vocab * kFp32, "logits.fp32");
    r.free(logits);
  }
  return events;
}

namespace {

/// The events as the caching-allocator model's requests.
std::vector<AllocatorEvent> allocatorRequests(const std::vector<TimelineEvent>& events) {
  std::vector<AllocatorEvent> requests;
  requests.reserve(events.size());
  for (const TimelineEvent& e : events) {
    requests.push_back({e.alloc ? AllocatorEvent::Kind::kAlloc : AllocatorEvent::Kind::kFree,
                        static_cast<std::int64_t>(e.bytes), e.id});
  }
  return requests;
}

}  // namespace

double cachedAtPeakBytes(const std::vector<TimelineEvent>& events, bool expandableSegments) {
  const ReplayResult replay = replayTimeline(allocatorRequests(events), {0, expandableSegments});
  return static_cast<double>(replay.peakReserved - replay.peakAllocated);
}

TimelineSummary summarizeTimeline(const std::vector<TimelineEvent>& events,
                                  bool expandableSegments) {
  const std::vector<AllocatorEvent> requests = allocatorRequests(events);
  TimelineSummary out;
  const ReplayResult replay = replayTimeline(requests, {0, expandableSegments});
  out.peakAllocatedBytes = static_cast<double>(replay.peakAllocated);
  out.peakReservedBytes = static_cast<double>(replay.peakReserved);
  out.minimumCapacityBytes = static_cast<double>(
      minimumCapacity(requests, expandableSegments, replay, capacityStep(replay.peakReserved)));
  const TimelineEvent& peak = events[static_cast<std::size_t>(replay.peakAllocatedAt)];
  out.peakTensor = peak.tensor;
  out.peakPhase = peak.phase;
  return out;
}

}  // namespace gpumem
