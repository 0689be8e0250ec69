// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
#include "gpumem/engine.hpp"

#include <gtest/gtest.h>

#include "gpumem/format.hpp"
#include "gpumem/model_config.hpp"
#include "test_breakdown.hpp"
#include "test_models.hpp"

namespace gpumem {
namespace {

using test::component;
using test::llama8b;

std::string formulaOf(const Breakdown& b, const std::string& name) {
  for (const Component& c : b.components) {
    if (c.name == name) return formulaText(c);
  }
  ADD_FAILURE() << "no component " << name;
  return "";
}

TEST(Engine, ParsesNames) {
  EXPECT_EQ(*parseEngineProfile("vLLM"), EngineProfile::kVllm);
  EXPECT_EQ(*parseEngineProfile("llama.cpp"), EngineProfile::kLlamaCpp);
  EXPECT_EQ(*parseEngineProfile("hf"), EngineProfile::kTransformers);
  EXPECT_EQ(*parseEngineProfile("tensorrt-llm"), EngineProfile::kTensorRtLlm);
  EXPECT_EQ(*parseEngineProfile("TRTLLM"), EngineProfile::kTensorRtLlm);
  EXPECT_EQ(*parseEngineProfile("trt-llm"), EngineProfile::kTensorRtLlm);
  EXPECT_EQ(parseEngineProfile("tgi").error().field, "engine");
}

TEST(Engine, VllmRoundsTheCacheUpToWholeBlocks) {
  InferenceOptions o;
  o.engine = EngineProfile::kVllm;
  o.promptTokens = 1000;
  o.generatedTokens = 1;  // 1001 tokens → 63 blocks of 16 = 1008 tokens
  const auto b = estimateInference(llama8b(), o);
  ASSERT_TRUE(b.ok()) << b.error().message;
  EXPECT_DOUBLE_EQ(component(*b, "kv_cache"), 1008 * 131072.0);
}

TEST(Engine, VllmCachesTheMlaLatentOnly) {
  const auto v3 = parseModelConfig(
      R"({"model_type":"deepseek_v3","hidden_size":7168,"intermediate_size":18432,
          "moe_intermediate_size":2048,"num_hidden_layers":61,"num_attention_heads":128,
          "n_routed_experts":256,"q_lora_rank":1536,"kv_lora_rank":512,
          "qk_nope_head_dim":128,"qk_rope_head_dim":64,"v_head_dim":128,"vocab_size":129280})");
  ASSERT_TRUE(v3.ok());
  InferenceOptions o;
  o.engine = EngineProfile::kVllm;
  o.promptTokens = 16;
  o.generatedTokens = 0;
  const auto b = estimateInference(*v3, o);
  ASSERT_TRUE(b.ok());
  EXPECT_DOUBLE_EQ(component(*b, "kv_cache"), 16.0 * 61 * 576 * 2);
}

TEST(Engine, LlamaCppPartialOffloadKeepsLayersOnTheHost) {
  InferenceOptions o;
  o.engine = EngineProfile::kLlamaCpp;
  const auto all = estimateInference(llama8b(), o);
  o.llamaCpp.nGpuLayers = 16;
  const auto half = estimateInference(llama8b(), o);
  ASSERT_TRUE(all.ok() && half.ok());
  // Half the layers: half the cache; the weights lose half the layers and the head.
  EXPECT_DOUBLE_EQ(component(*half, "kv_cache") * 2, component(*all, "kv_cache"));
  EXPECT_LT(component(*half, "weights"), component(*all, "weights") / 2);
  // The token embedding stays on the CPU: 128256 × 4096 × 2 B are not on the GPU.
  EXPECT_NEAR(component(*all, "weights"), (8030261248.0 - 128256.0 * 4096) * 2, 1);
}

TEST(Engine, TrtLlmRoundsTheCacheUpToWholeBlocks) {
  InferenceOptions o;
  o.engine = EngineProfile::kTensorRtLlm;
  o.promptTokens = 1025;
  o.generatedTokens = 5;  // 1030 tokens
  // Llama 3.1 8B: 32 layers × 2 (K, V) × 8 KV heads × 128 × 2 B = 131072 B per token.
  const auto b32 = estimateInference(llama8b(), o);
  ASSERT_TRUE(b32.ok()) << b32.error().message;
  EXPECT_DOUBLE_EQ(component(*b32, "kv_cache"), 1056 * 131072.0);  // 33 blocks of 32
  o.trtLlm.tokensPerBlock = 64;
  const auto b64 = estimateInference(llama8b(), o);
  ASSERT_TRUE(b64.ok());
  EXPECT_DOUBLE_EQ(component(*b64, "kv_cache"), 1088 * 131072.0);  // 17 blocks of 64
}

TEST(Engine, TrtLlmSizesBuffersAndTheFreeMemoryPool) {
  InferenceOptions o;
  o.engine = EngineProfile::kTensorRtLlm;
  o.gpuMemoryBytes = 80e9;
  const auto b = estimateInference(llama8b(), o);
  ASSERT_TRUE(b.ok()) << b.error().message;
  // 8192 max_num_tokens × (4 × 4096 hidden + 3 × 14336 gated MLP) values × 2 B.
  EXPECT_DOUBLE_EQ(component(*b, "activations"), 8192.0 * 59392 * 2);
  EXPECT_DOUBLE_EQ(component(*b, "logits"), 128256.0 * 4);  // 1 sequence, fp32
  EXPECT_DOUBLE_EQ(component(*b, "cuda_context"), kDefaultCudaContextBytes + 96 * 1048576.0);
  // Loaded before the pool: 16060522496 weights + 973078528 + 513024 + 751632384 =
  // 17785746432 B; the pool is 0.9 × (80e9 − that) = 55992828211 B, which holds
  // 13349 blocks of 32 tokens × 131072 B.
  const std::string kv = formulaOf(*b, "kv_cache");
  EXPECT_NE(kv.find("preallocates " + formatBytes(0.9 * (80e9 - 17785746432.0))), std::string::npos)
      << kv;
  EXPECT_NE(kv.find("room for " + formatCount(13349) + " blocks"), std::string::npos) << kv;
  // The workload's own need is what the total counts.
  EXPECT_DOUBLE_EQ(b->totalBytes, 17785746432.0 + component(*b, "kv_cache"));
}

TEST(Engine, TrtLlmRejectsSettingsOutOfRange) {
  InferenceOptions o;
  o.engine = EngineProfile::kTensorRtLlm;
  o.trtLlm.freeGpuMemoryFraction = 0;
  EXPECT_EQ(estimateInference(llama8b(), o).error().field, "freeGpuMemoryFraction");
  o.trtLlm.freeGpuMemoryFraction = 0.9;
  o.trtLlm.tokensPerBlock = 0;
  EXPECT_EQ(estimateInference(llama8b(), o).error().field, "engine");
}

}  // namespace
}  // namespace gpumem
