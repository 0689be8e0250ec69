// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
#include "gpumem/engine.hpp"

#include <gtest/gtest.h>

#include "gpumem/model_config.hpp"

namespace gpumem {
namespace {

ModelArchitecture llama8b() {
  const auto arch = parseModelConfig(
      R"({"model_type":"llama","hidden_size":4096,"intermediate_size":14336,
          "num_hidden_layers":32,"num_attention_heads":32,"num_key_value_heads":8,
          "vocab_size":128256})");
  EXPECT_TRUE(arch.ok());
  return *arch;
}

double component(const Breakdown& b, const std::string& name) {
  for (const Component& c : b.components) {
    if (c.name == name) return c.bytes;
  }
  ADD_FAILURE() << "no component " << name;
  return 0;
}

TEST(Engine, ParsesNames) {
  EXPECT_EQ(*parseEngineProfile("vLLM"), EngineProfile::kVllm);
  EXPECT_EQ(*parseEngineProfile("llama.cpp"), EngineProfile::kLlamaCpp);
  EXPECT_EQ(*parseEngineProfile("hf"), EngineProfile::kTransformers);
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

}  // namespace
}  // namespace gpumem
