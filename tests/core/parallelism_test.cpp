// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
#include "gpumem/parallelism.hpp"

#include <gtest/gtest.h>

#include "gpumem/inference.hpp"
#include "gpumem/kv_cache.hpp"
#include "gpumem/model_config.hpp"
#include "test_models.hpp"

namespace gpumem {
namespace {

ModelArchitecture llama70b() { return test::llama70b(); }

ModelArchitecture mixtral(int experts = 8) {
  const auto arch = parseModelConfig(
      R"({"model_type":"mixtral","hidden_size":4096,"intermediate_size":14336,
          "num_hidden_layers":32,"num_attention_heads":32,"num_key_value_heads":8,
          "vocab_size":32000,"num_local_experts":)" +
      std::to_string(experts) + R"(,"num_experts_per_tok":2})");
  EXPECT_TRUE(arch.ok());
  return *arch;
}

// Mixtral 8x7B: 46,702,792,704 parameters, of which the routed experts are
// 32 layers × 8 experts × 3 × 4096 × 14336 = 45,097,156,608.
constexpr double kMixtralParams = 46702792704.0;
constexpr double kMixtralRouted = 45097156608.0;

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
  EXPECT_EQ(parallelShares(llama70b(), {3, 1}).error().field, "tensorParallel");
  EXPECT_EQ(parallelShares(llama70b(), {1, 81}).error().field, "pipelineParallel");
}

TEST(Parallelism, ExpertParallelSpreadsTheRoutedExperts) {
  const auto s = parallelShares(mixtral(), {1, 1, 8});
  ASSERT_TRUE(s.ok()) << s.error().message;
  // One expert of each layer per GPU; attention, router, norms, embedding and head whole:
  // 46702792704 − 7/8 × 45097156608 = 7242780672 parameters.
  EXPECT_NEAR(s->weights, (kMixtralParams - kMixtralRouted * 7 / 8) / kMixtralParams, 1e-12);
  EXPECT_NEAR(s->weights * kMixtralParams, 7242780672.0, 1);
  EXPECT_DOUBLE_EQ(s->kvCache, 1.0);  // attention is data parallel: all KV heads per replica
  const ParallelLayout layout{1, 1, 8};
  EXPECT_EQ(layout.gpuCount(), 8);
  EXPECT_EQ(layout.attentionReplicas(), 8);
}

TEST(Parallelism, ExpertParallelInsideTensorParallelKeepsTheTpShare) {
  // TensorRT-LLM's moe_tp × moe_ep = tp: the routed weights per GPU stay 1/tp.
  const auto tp = parallelShares(mixtral(), {8, 1, 1});
  const auto both = parallelShares(mixtral(), {8, 1, 2});
  ASSERT_TRUE(tp.ok() && both.ok());
  EXPECT_DOUBLE_EQ(both->weights, tp->weights);
  EXPECT_EQ((ParallelLayout{8, 1, 2}.gpuCount()), 8);
  // tp 2, ep 8: routed experts / 8, everything else / 2, over 8 GPUs in 4 replicas.
  const auto wide = parallelShares(mixtral(), {2, 1, 8});
  ASSERT_TRUE(wide.ok());
  EXPECT_NEAR(wide->weights * kMixtralParams,
              (kMixtralParams - kMixtralRouted - 32 * 4096 * 8 - (2 * 32 + 1) * 4096) / 2 +
                  kMixtralRouted / 8 + 32 * 4096 * 8 + (2 * 32 + 1) * 4096,
              1);
  EXPECT_EQ((ParallelLayout{2, 1, 8}.attentionReplicas()), 4);
}

TEST(Parallelism, ExpertParallelSplitsTheInferenceBreakdown) {
  InferenceOptions o;
  o.batch = 16;
  o.promptTokens = 512;
  o.generatedTokens = 16;
  o.parallel = {1, 1, 8};
  const auto b = estimateInference(mixtral(), o);
  ASSERT_TRUE(b.ok()) << b.error().message;
  double weights = 0;
  double kv = 0;
  for (const Component& c : b->components) {
    if (c.name == "weights") weights = c.bytes;
    if (c.name == "kv_cache") kv = c.bytes;
  }
  EXPECT_NEAR(weights, 7242780672.0 * 2, 4);
  // 16 sequences over 8 attention replicas: 2 per GPU × 528 tokens × 32 layers × 2 (K, V)
  // × 8 KV heads × 128 × 2 B.
  EXPECT_DOUBLE_EQ(kv, 2.0 * 528 * 32 * 2 * 8 * 128 * 2);
}

TEST(Parallelism, RejectsExpertSplitsTheModelCannotTake) {
  EXPECT_EQ(parallelShares(mixtral(), {1, 1, 3}).error().field, "expertParallel");
  EXPECT_EQ(parallelShares(mixtral(), {1, 1, 16}).error().field, "expertParallel");
  EXPECT_EQ(parallelShares(mixtral(), {1, 1, 0}).error().field, "expertParallel");
  EXPECT_EQ(parallelShares(llama70b(), {1, 1, 2}).error().field, "expertParallel");
  // 12 experts over 12 GPUs is fine alone, but not with tp 8 (neither divides the other).
  EXPECT_TRUE(parallelShares(mixtral(12), {1, 1, 12}).ok());
  EXPECT_EQ(parallelShares(mixtral(12), {8, 1, 12}).error().field, "expertParallel");
  InferenceOptions o;
  o.parallel = {1, 1, 3};
  EXPECT_EQ(estimateInference(mixtral(), o).error().field, "expertParallel");
}

}  // namespace
}  // namespace gpumem
