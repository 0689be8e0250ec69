// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
#include "gpumem/parallelism.hpp"

#include <gtest/gtest.h>

#include "gpumem/model_config.hpp"

namespace gpumem {
namespace {

ModelArchitecture llama70b() {
  const auto arch = parseModelConfig(
      R"({"model_type":"llama","hidden_size":8192,"intermediate_size":28672,
          "num_hidden_layers":80,"num_attention_heads":64,"num_key_value_heads":8,
          "vocab_size":128256})");
  EXPECT_TRUE(arch.ok());
  return *arch;
}

TEST(Parallelism, TensorParallelSplitsAlmostAllWeights) {
  const auto s = parallelShares(llama70b(), {8, 1});
  ASSERT_TRUE(s.ok());
  // Only the norms (≈ 1.3M of 70.6B parameters) are replicated.
  EXPECT_NEAR(s->weights, 1.0 / 8, 1e-4);
  EXPECT_GT(s->weights, 1.0 / 8);
  EXPECT_DOUBLE_EQ(s->kvCache, 1.0 / 8);  // 8 KV heads over 8 GPUs
}

TEST(Parallelism, KvHeadsAreReplicatedBeyondTheirCount) {
  const auto s = parallelShares(llama70b(), {16, 1});
  ASSERT_TRUE(s.ok());
  EXPECT_DOUBLE_EQ(s->kvCache, 1.0 / 8);  // 8 KV heads cannot split 16 ways
}

TEST(Parallelism, PipelineStagesHoldTheirLayers) {
  const auto s = parallelShares(llama70b(), {1, 3});
  ASSERT_TRUE(s.ok());
  EXPECT_DOUBLE_EQ(s->kvCache, 27.0 / 80);  // ceil(80 / 3) layers on the fullest stage
}

TEST(Parallelism, RejectsSplitsTheModelCannotTake) {
  EXPECT_EQ(parallelShares(llama70b(), {3, 1}).error().field, "tp");
  EXPECT_EQ(parallelShares(llama70b(), {1, 81}).error().field, "pp");
}

}  // namespace
}  // namespace gpumem
