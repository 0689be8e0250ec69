// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
#include "gpumem/inference.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "gpumem/kv_cache.hpp"
#include "gpumem/model_config.hpp"
#include "test_breakdown.hpp"
#include "test_models.hpp"

namespace gpumem {
namespace {

/// Gemma 2 2B's layout with a 4,096-token window on every other layer.
constexpr const char* kGemma2Layout =
    R"({"model_type":"gemma2","hidden_size":2304,"intermediate_size":9216,
        "num_hidden_layers":26,"num_attention_heads":8,"num_key_value_heads":4,
        "head_dim":256,"vocab_size":256000,"sliding_window":4096})";

/// Gemma 3 1B's layout: five sliding layers of 512 tokens per global one.
constexpr const char* kGemma3_1bLayout =
    R"({"model_type":"gemma3_text","hidden_size":1152,"intermediate_size":6912,
        "num_hidden_layers":26,"num_attention_heads":4,"num_key_value_heads":1,
        "head_dim":256,"vocab_size":262144,"sliding_window":512})";

using test::architecture;
using test::component;
using test::llama8b;

/// One prompt's estimates under SDPA (which may materialise attention masks) and under flash
/// attention (which never does): what SDPA adds to a component is what the masks cost there.
struct SdpaAndFlash {
  Breakdown sdpa;
  Breakdown flash;
  double sdpaExtra(const std::string& name) const {
    return component(sdpa, name) - component(flash, name);
  }
};

SdpaAndFlash estimateSdpaAndFlash(const ModelArchitecture& arch, std::int64_t batch,
                                  std::int64_t promptTokens, std::int64_t generatedTokens) {
  InferenceOptions sdpa;
  sdpa.batch = batch;
  sdpa.promptTokens = promptTokens;
  sdpa.generatedTokens = generatedTokens;
  InferenceOptions flash = sdpa;
  flash.attention = AttentionImplementation::kFlash;
  const auto withSdpa = estimateInference(arch, sdpa);
  const auto withFlash = estimateInference(arch, flash);
  EXPECT_TRUE(withSdpa.ok() && withFlash.ok());
  if (!withSdpa.ok() || !withFlash.ok()) return {};
  return {*withSdpa, *withFlash};
}

TEST(KvCache, GroupedQueryAttentionUsesKvHeads) {
  // 2 × 32 layers × 8 KV heads × 128 × 2 B = 131,072 B per token (Llama 3.1 8B, bf16).
  EXPECT_DOUBLE_EQ(kvCacheBytes(llama8b(), 1, 1, 2), 131072.0);
  EXPECT_DOUBLE_EQ(kvCacheBytes(llama8b(), 4, 1000, 2), 4 * 1000 * 131072.0);
}

TEST(KvCache, SlidingLayersStopAtTheWindow) {
  const ModelArchitecture gemma = architecture(kGemma2Layout);
  const double perLayerToken = 2.0 * 4 * 256 * 2;
  // 13 full layers hold 10,000 tokens; 13 sliding layers hold 4,095.
  EXPECT_DOUBLE_EQ(kvCacheBytes(gemma, 1, 10000, 2), perLayerToken * (13 * 10000 + 13 * 4095));
}

TEST(KvCache, MlaCachesTheLatentAndTheRotaryKey) {
  // transformers 5.x caches what vLLM does: the recorded timeline of Moonlight (DeepSeek-V3
  // layout, kv_lora_rank 512, rope 64) grows each layer's cache by 1,024 + 128 B per token
  // in bf16, not the 16 × (192 + 128) × 2 B of decompressed keys and values.
  const ModelArchitecture v3 = architecture(test::kDeepseekV3);
  EXPECT_DOUBLE_EQ(kvValuesPerTokenPerLayer(v3), 512.0 + 64.0);
}

TEST(Inference, ASlidingWindowPromptLongerThanTheWindowMaterialisesItsMask) {
  // Gemma 2 layout with a 4,096-token window. Past the window SDPA cannot take its causal
  // shortcut: generate()'s boolean mask (1 B per query and key of each sequence) lives
  // through the forward; its bf16 additive copy (2 B) lives only inside each sliding layer's
  // attention call. Here the MLP's moment is larger (per token 4 × 2,304 + 3 × 9,216 values
  // against 4 × 2,304 + 2 × 2,048 values + 2 × 16,384 B of mask), so the additive copy is
  // not live at the peak; its 1.07 GB segment is cached, and what the MLP's temporaries
  // leave of it is counted as at most one of them (32,768 tokens × 9,216 × 2 B = 604 MB);
  // so are the two 537 MB segments that building the boolean mask left (2 × 537 MB, more
  // than one temporary).
  const ModelArchitecture gemma = architecture(kGemma2Layout);
  const SdpaAndFlash past = estimateSdpaAndFlash(gemma, 2, 16384, 0);
  EXPECT_DOUBLE_EQ(past.sdpaExtra("activations"), 2.0 * 16384 * 16384 * 1);
  EXPECT_NEAR(past.sdpaExtra("allocator_reserve"), 2 * 32768.0 * 9216 * 2, 1.0);
  // Within the window the shortcut holds and nothing is materialised.
  const SdpaAndFlash within = estimateSdpaAndFlash(gemma, 2, 4096, 0);
  EXPECT_DOUBLE_EQ(component(within.sdpa, "activations"), component(within.flash, "activations"));
}

TEST(Inference, MaskSegmentsSmallerThanAnMlpTemporaryStayIdle) {
  // Gemma 3 1B layout, 8 sequences of 4,096 tokens (window 512). The masks are smaller than
  // one MLP temporary (32,768 tokens × 6,912 × 2 B = 453 MB), so their cached segments sit
  // idle at the MLP's peak: the additive mask, 8 × 4,096² × 2 B, and the two construction
  // temporaries, 2 × 8 × 4,096² × 1 B. The boolean mask itself is live: 8 × 4,096² × 1 B.
  const SdpaAndFlash estimates = estimateSdpaAndFlash(architecture(kGemma3_1bLayout), 8, 4096, 16);
  const double mask = 8.0 * 4096 * 4096;
  EXPECT_NEAR(estimates.sdpaExtra("activations"), mask, 1.0);
  EXPECT_NEAR(estimates.sdpaExtra("allocator_reserve"), 2 * mask + 2 * mask, 1.0);
}

TEST(Inference, TheSlidingLayersPeakMovesFromTheMlpToTheMaskWithoutADrop) {
  // Gemma 3 1B layout: near 19,000 tokens the attention call (additive mask, B·S² × 2 B)
  // outgrows the MLP's temporaries (S × 6,912 × 2 B each) as the layer's peak; the total
  // must keep rising with the prompt across that switch.
  const ModelArchitecture gemma3 = architecture(kGemma3_1bLayout);
  InferenceOptions o;
  o.generatedTokens = 16;
  double previous = 0;
  for (std::int64_t prompt = 16384; prompt <= 24576; prompt += 256) {
    o.promptTokens = prompt;
    const auto estimate = estimateInference(gemma3, o);
    ASSERT_TRUE(estimate.ok());
    EXPECT_GE(estimate->totalBytes, previous) << prompt << " tokens";
    previous = estimate->totalBytes;
  }
}

TEST(Inference, DenseFirstLayersLeaveTheirMlpSegmentsIdleAtTheExpertsPeak) {
  // Moonlight layout (DeepSeek-V3: the first layer dense, 11,264 wide; 64 routed experts).
  // The dense layer's three MLP temporaries, 2 × 4,096 tokens × 11,264 × 2 B each, keep
  // their segments through the expert layers' prefill (the recorded timeline at that shape:
  // 184.5 MB segments idle at the peak); without dense layers nothing is added.
  ModelArchitecture moonlight = architecture(
      R"({"model_type":"deepseek_v3","hidden_size":2048,"intermediate_size":11264,
          "moe_intermediate_size":1408,"num_hidden_layers":27,"num_attention_heads":16,
          "n_routed_experts":64,"num_experts_per_tok":6,"n_shared_experts":2,
          "first_k_dense_replace":1,"kv_lora_rank":512,"q_lora_rank":null,
          "qk_nope_head_dim":128,"qk_rope_head_dim":64,"v_head_dim":128,"vocab_size":163840})");
  ASSERT_EQ(moonlight.moe.denseLayers, 1);
  InferenceOptions o;
  o.batch = 2;
  o.promptTokens = 4096;
  o.generatedTokens = 16;
  const auto dense = estimateInference(moonlight, o);
  moonlight.moe.denseLayers = 0;
  const auto allExperts = estimateInference(moonlight, o);
  ASSERT_TRUE(dense.ok() && allExperts.ok());
  EXPECT_NEAR(component(*dense, "allocator_reserve") - component(*allExperts, "allocator_reserve"),
              3.0 * 2 * 4096 * 11264 * 2, 1.0);
}

TEST(Inference, SlidingLayersHoldTheWholePromptDuringThePrefill) {
  // Gemma 3 1B layout (five sliding layers of 512 tokens per global one). The recorded
  // timeline of an 8,192-token prompt holds each sliding layer's K and V for all 8,192
  // tokens at the prefill peak: the cache keeps a view of the whole prompt. With flash
  // attention (no masks) the prefill peak is then the same as without any window.
  const ModelArchitecture gemma3 = architecture(kGemma3_1bLayout);
  ASSERT_EQ(gemma3.slidingLayerCount(), 22);
  InferenceOptions o;
  o.attention = AttentionImplementation::kFlash;
  o.promptTokens = 8192;
  o.generatedTokens = 1;
  const auto withWindow = estimateInference(gemma3, o);
  ASSERT_TRUE(withWindow.ok());
  ModelArchitecture noWindow = gemma3;
  noWindow.slidingWindow = 0;
  const auto without = estimateInference(noWindow, o);
  ASSERT_TRUE(without.ok());
  const double peakWith =
      component(*withWindow, "kv_cache") + component(*withWindow, "activations");
  const double peakWithout = component(*without, "kv_cache") + component(*without, "activations");
  EXPECT_NEAR(peakWith, peakWithout, 1.0);
  // The final cache is still capped at the window on the sliding layers.
  EXPECT_LT(component(*withWindow, "kv_cache"), component(*without, "kv_cache"));
}

TEST(Inference, ComponentsSumToTotalAndWeightsAreParametersTimesBytes) {
  InferenceOptions o;
  const auto b = estimateInference(llama8b(), o);
  ASSERT_TRUE(b.ok());
  double sum = 0;
  for (const Component& c : b->components) sum += c.bytes;
  EXPECT_DOUBLE_EQ(sum, b->totalBytes);
  EXPECT_DOUBLE_EQ(component(*b, "weights"), 8030261248.0 * 2);
  EXPECT_DOUBLE_EQ(component(*b, "kv_cache"), 528 * 131072.0);
}

TEST(Inference, EagerAttentionStoresScoresAndSdpaDoesNot) {
  InferenceOptions o;
  o.promptTokens = 8192;
  const auto sdpa = estimateInference(llama8b(), o);
  o.attention = AttentionImplementation::kEager;
  const auto eager = estimateInference(llama8b(), o);
  ASSERT_TRUE(sdpa.ok() && eager.ok());
  // One layer's scores: 32 heads × 8192² × (2 B + 4 B + 4 B) ≈ 21.5 GB.
  EXPECT_GT(component(*eager, "activations"), 32.0 * 8192 * 8192 * 10);
  EXPECT_LT(component(*sdpa, "activations"), 8192.0 * 4096 * 30);
}

TEST(Inference, ContextComesFromTheOptions) {
  InferenceOptions o;
  o.cudaContextBytes = 5e8;
  const auto b = estimateInference(llama8b(), o);
  ASSERT_TRUE(b.ok());
  EXPECT_DOUBLE_EQ(component(*b, "cuda_context"), 5e8 + 96.0 * 1048576);
}

TEST(Inference, RejectsOutOfRangeInputsNamingTheField) {
  InferenceOptions o;
  o.batch = 0;
  auto b = estimateInference(llama8b(), o);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().field, "batch");
  o = InferenceOptions{};
  o.promptTokens = 0;
  b = estimateInference(llama8b(), o);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().field, "contextLength");
}

TEST(Inference, ParsesAttentionNames) {
  EXPECT_EQ(*parseAttentionImplementation("SDPA"), AttentionImplementation::kSdpa);
  EXPECT_EQ(*parseAttentionImplementation("flash_attention_2"), AttentionImplementation::kFlash);
  EXPECT_FALSE(parseAttentionImplementation("fast").ok());
}

}  // namespace
}  // namespace gpumem

namespace gpumem {
namespace {

TEST(Inference, WeightFormatSetsTheWeightBytes) {
  InferenceOptions o;
  o.weightFormat = "q4_k_m";
  const auto b = estimateInference(llama8b(), o);
  ASSERT_TRUE(b.ok()) << b.error().message;
  // llama.cpp's table: Llama-3.1-8B Q4_K_M is 4.58 GiB.
  EXPECT_NEAR(component(*b, "weights") / 1073741824.0, 4.58, 0.006);
  o.weightFormat = "int5";
  EXPECT_FALSE(estimateInference(llama8b(), o).ok());
}

}  // namespace
}  // namespace gpumem

namespace gpumem {
namespace {

TEST(KvCache, CacheTypesAreBlockExact) {
  EXPECT_DOUBLE_EQ(*parseKvCacheBytesPerValue("q8_0"), 34.0 / 32);  // 32 int8 + fp16 scale
  EXPECT_DOUBLE_EQ(*parseKvCacheBytesPerValue("q4_0"), 18.0 / 32);  // 16 bytes + fp16 scale
  EXPECT_DOUBLE_EQ(*parseKvCacheBytesPerValue("fp8"), 1.0);
  EXPECT_DOUBLE_EQ(*parseKvCacheBytesPerValue("bf16"), 2.0);
  EXPECT_EQ(parseKvCacheBytesPerValue("q3_k").error().field, "kvDtype");
}

}  // namespace
}  // namespace gpumem
