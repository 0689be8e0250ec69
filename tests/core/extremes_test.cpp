// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// The largest real cases stay exact and finite: a 2T-parameter MoE at a 1M-token context
// with 1,024 sequences, for inference and for training over many GPUs.
#include <gtest/gtest.h>

#include <cmath>

#include "gpumem/inference.hpp"
#include "gpumem/model_config.hpp"
#include "gpumem/model_parameters.hpp"
#include "gpumem/training.hpp"
#include "test_breakdown.hpp"

using namespace gpumem;

namespace {

/// A Mixtral-style MoE of about 2 trillion parameters: 64 layers, 80 experts of
/// 3 × 8192 × 16384 weights each.
ModelArchitecture twoTrillionMoe() {
  const auto arch = parseModelConfig(R"({
    "model_type": "mixtral", "hidden_size": 8192, "intermediate_size": 16384,
    "num_hidden_layers": 64, "num_attention_heads": 64, "num_key_value_heads": 8,
    "head_dim": 128, "vocab_size": 128256, "num_local_experts": 80,
    "num_experts_per_tok": 2, "max_position_embeddings": 1048576})");
  EXPECT_TRUE(arch.ok()) << arch.error().message;
  return *arch;
}

using gpumem::test::component;

}  // namespace

TEST(Extremes, TwoTrillionMoeAtAMillionTokensTimesThousandSequences) {
  const ModelArchitecture arch = twoTrillionMoe();
  const double experts = 64.0 * 80 * 3 * 8192 * 16384;
  EXPECT_GT(countModelParameters(arch).total, experts);
  EXPECT_LT(countModelParameters(arch).total, 2.2e12);
  InferenceOptions o;
  o.promptTokens = 1 << 20;
  o.generatedTokens = 0;
  o.batch = 1024;
  const auto estimate = estimateInference(arch, o);
  ASSERT_TRUE(estimate.ok()) << estimate.error().message;
  // K and V × 64 layers × 8 heads × 128 dims × 2 bytes = 262,144 bytes per token.
  EXPECT_DOUBLE_EQ(component(*estimate, "kv_cache"), 262144.0 * (1 << 20) * 1024);
  for (const auto& c : estimate->components) {
    EXPECT_TRUE(std::isfinite(c.bytes) && c.bytes >= 0) << c.name;
  }
  EXPECT_TRUE(std::isfinite(estimate->totalBytes));
  EXPECT_GT(estimate->totalBytes, 262144.0 * (1 << 20) * 1024);
}

TEST(Extremes, EagerScoresOfAMillionTokensDoNotOverflow) {
  InferenceOptions o;
  o.promptTokens = 1 << 20;
  o.batch = 1024;
  o.attention = AttentionImplementation::kEager;
  const auto estimate = estimateInference(twoTrillionMoe(), o);
  ASSERT_TRUE(estimate.ok()) << estimate.error().message;
  // One layer's fp32 scores alone: 1024 × 64 heads × (2^20)^2 × 4 bytes ≈ 2.9e17.
  EXPECT_GT(component(*estimate, "activations"), 1024.0 * 64 * std::pow(2.0, 40) * 2);
  EXPECT_TRUE(std::isfinite(estimate->totalBytes));
}

TEST(Extremes, TrainingTheTwoTrillionMoeOnThousandsOfGpus) {
  TrainingScenario s;
  s.arch = twoTrillionMoe();
  s.sequence = 1 << 20;
  s.microBatch = 1024;
  s.sharding = ShardingStrategy::kZero3;
  s.gpus = 16384;
  s.checkpointing = Checkpointing::kFull;
  const auto estimate = estimateTraining(s);
  ASSERT_TRUE(estimate.ok()) << estimate.error().message;
  for (const auto& c : estimate->perGpu.components) {
    EXPECT_TRUE(std::isfinite(c.bytes) && c.bytes >= 0) << c.name;
  }
  EXPECT_TRUE(std::isfinite(estimate->perGpu.totalBytes));
  // Full checkpointing keeps at least each layer's input: 64 × tokens × 8192 × 2 bytes.
  EXPECT_GT(estimate->perGpu.totalBytes, 64.0 * 1024 * (1 << 20) * 8192 * 2);
}
