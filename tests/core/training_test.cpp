// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// The training estimator: model states at the optimizer step, what checkpointing, LoRA,
// QLoRA, sharding, offload and parallelism change, and the inverse questions.
#include "gpumem/training.hpp"

#include <gtest/gtest.h>

#include "gpumem/model_catalog.hpp"
#include "gpumem/model_config.hpp"
#include "gpumem/model_parameters.hpp"
#include "gpumem/training_activations.hpp"
#include "gpumem/training_limits.hpp"

namespace gpumem {
namespace {

ModelArchitecture llama1b() {
  // Llama 3.2 1B's config.json fields (meta-llama/Llama-3.2-1B).
  return *parseModelConfig(R"({"model_type":"llama","hidden_size":2048,
      "intermediate_size":8192,"num_hidden_layers":16,"num_attention_heads":32,
      "num_key_value_heads":8,"head_dim":64,"vocab_size":128256,"tie_word_embeddings":true})");
}

TrainingScenario scenario() {
  TrainingScenario s;
  s.arch = llama1b();
  s.microBatch = 1;
  s.sequence = 2048;
  return s;
}

double component(const TrainingEstimate& e, const std::string& name) {
  for (const Component& c : e.perGpu.components) {
    if (c.name == name) return c.bytes;
  }
  return -1;
}

TEST(Training, MixedAdamWPeaksAtTheStepWithSixteenBytesPlusATemporary) {
  // AMP keeps fp32 weights (4), fp32 grads (4), two fp32 Adam states (8); the foreach step
  // (torch/optim/adamw.py _multi_tensor_adamw) adds sqrt(exp_avg_sq) for all parameters (4).
  // With 1,024 tokens the backward holds less than that. (At 2,048 tokens the measured
  // peak_alloc of this model is 24.73 GB = 20.01 bytes per parameter.)
  TrainingScenario s = scenario();
  s.sequence = 1024;
  const auto e = estimateTraining(s);
  ASSERT_TRUE(e.ok());
  const double p = countModelParameters(llama1b()).total;
  EXPECT_EQ(e->peakPhase, "optimizer step");
  EXPECT_DOUBLE_EQ(component(*e, "weights") + component(*e, "gradients") +
                       component(*e, "optimizer_states") + component(*e, "optimizer_temporaries"),
                   20 * p);
  EXPECT_DOUBLE_EQ(component(*e, "activations"), 0);
}

TEST(Training, AdafactorStepHoldsFourFp32CopiesOfTheEmbedding) {
  // The recorded allocation timeline of this run (Llama 3.2 1B, pure bf16, Adafactor,
  // checkpointing, 2 × 2048 tokens) peaks inside Adafactor.step on the embedding at
  // 9,151,238,656 B: bf16 weights and gradients (2 × 1,235,814,400 × 2 B) and four fp32
  // tensors of the 128,256 × 2,048 embedding.
  TrainingScenario s = scenario();
  s.microBatch = 2;
  s.recipe = PrecisionRecipe::kPureBf16;
  s.optimizer = OptimizerKind::kAdafactor;
  s.checkpointing = Checkpointing::kFull;
  const auto e = estimateTraining(s);
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_EQ(e->peakPhase, "optimizer step");
  EXPECT_DOUBLE_EQ(component(*e, "optimizer_temporaries"), 4.0 * 4 * 128256 * 2048);
  const double live = component(*e, "weights") + component(*e, "gradients") +
                      component(*e, "optimizer_states") + component(*e, "optimizer_temporaries");
  EXPECT_NEAR(live / 9151238656.0, 1.0, 0.01);
}

TEST(Training, ComponentsSumToTheTotal) {
  const auto e = estimateTraining(scenario());
  ASSERT_TRUE(e.ok());
  double sum = 0;
  for (const Component& c : e->perGpu.components) {
    EXPECT_FALSE(formulaText(c).empty()) << c.name;
    sum += c.bytes;
  }
  EXPECT_DOUBLE_EQ(sum, e->perGpu.totalBytes);
}

TEST(Training, LogitsDominateASmallModelWithALargeVocabulary) {
  // 3 fp32 vocab-sized tensors per token at the loss's backward: 4 × 1024 × 128256 × 12 B.
  TrainingScenario s = scenario();
  s.recipe = PrecisionRecipe::kPureBf16;
  s.microBatch = 4;
  s.sequence = 1024;
  const auto e = estimateTraining(s);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->peakPhase, "backward");
  EXPECT_DOUBLE_EQ(component(*e, "logits"), 4.0 * 1024 * 128256 * 12);
}

TEST(Training, CheckpointingKeepsOnlyLayerInputs) {
  TrainingScenario s = scenario();
  s.recipe = PrecisionRecipe::kPureBf16;
  s.microBatch = 8;
  const auto none = estimateTraining(s);
  s.checkpointing = Checkpointing::kFull;
  const auto full = estimateTraining(s);
  ASSERT_TRUE(none.ok() && full.ok());
  EXPECT_LT(full->perGpu.totalBytes, none->perGpu.totalBytes);
  ActivationRecipe r;
  // bf16 residual stream: 2 bytes × hidden per token per layer.
  EXPECT_DOUBLE_EQ(checkpointBytesPerToken(llama1b(), r), 2.0 * 2048);
  EXPECT_GT(trainingSavedBytesPerToken(llama1b(), r, 2048), 20 * 2.0 * 2048);
}

// LLM.int8: bitsandbytes' MatMul8bitLt keeps each int8 projection's input A for its
// backward (autograd/_functions.py, ctx.tensors = (CAt, subA, A)), which a frozen 16-bit
// linear does not. Per token of a Llama 3.2 1B layer in bf16, all-linear LoRA: the two norm
// outputs read by q/k/v and by gate/up (2,048 each), o_proj's input (32 heads × 64) and
// down_proj's (8,192), 2 B each. With an fp32 base (a plain loop's kbit preparation) peft's
// fp32 copy of an adapted projection's input is that very tensor: with q and v adapted, only
// o's and down's inputs and the MLP norm's output are more, 4 B each; all adapted, none.
TEST(Training, Int8BaseKeepsTheInputOfEachProjection) {
  ActivationRecipe r;
  r.frozenBase = true;
  const auto extra = [&r] {
    r.int8Base = false;
    const double plain = trainingSavedBytesPerToken(llama1b(), r, 2048);
    r.int8Base = true;
    return trainingSavedBytesPerToken(llama1b(), r, 2048) - plain;
  };
  EXPECT_DOUBLE_EQ(extra(), 2.0 * (2048 + 2048 + 2048 + 8192));
  r.computeBytes = r.residualBytes = 4;
  EXPECT_DOUBLE_EQ(extra(), 0);
  r.loraTargets = *parseLoraTargets("q_proj,v_proj");
  EXPECT_DOUBLE_EQ(extra(), 4.0 * (2048 + 2048 + 8192));
}

TEST(Training, EagerAttentionSavesScoresThatGrowWithTheSequence) {
  ActivationRecipe r;
  const double sdpa = trainingSavedBytesPerToken(llama1b(), r, 4096);
  r.attention = AttentionImplementation::kEager;
  const double eager = trainingSavedBytesPerToken(llama1b(), r, 4096);
  EXPECT_DOUBLE_EQ(eager - sdpa, 32.0 * 4096 * (4 + 2));  // heads × seq × (fp32 + bf16)
}

TEST(Training, LoraTrainsOnlyTheAdapter) {
  TrainingScenario s = scenario();
  s.recipe = PrecisionRecipe::kPureBf16;
  s.task = TrainingTask::kLora;
  const auto e = estimateTraining(s);
  ASSERT_TRUE(e.ok());
  // All-linear rank 16: 16 × Σ(in + out) over q,k,v,o,gate,up,down × 16 layers.
  const double perLayer =
      16.0 * ((2048 + 2048) + 2 * (2048 + 512) + (2048 + 2048) + 2 * (2048 + 8192) + (8192 + 2048));
  EXPECT_DOUBLE_EQ(e->trainableParams, perLayer * 16);
  EXPECT_DOUBLE_EQ(component(*e, "lora_adapter"), perLayer * 16 * 4);
  EXPECT_DOUBLE_EQ(component(*e, "optimizer_states"), perLayer * 16 * 8);
}

// gpt-oss keeps its experts as 3-D parameters (GptOssExperts), which PEFT cannot wrap: an
// all-linear rank-16 LoRA of gpt-oss-20b adapts q, k, v and o only. PyTorch counted the
// measured run's trainable parameters: 7,962,624 (calibration-2.jsonl, gpt-oss-20b lora).
TEST(Training, LoraAdaptsNoFusedExpert) {
  const auto model = findCatalogModel("gpt-oss-20b");
  ASSERT_TRUE(model.ok()) << model.error().message;
  const auto arch = parseModelConfig(model->configJson);
  ASSERT_TRUE(arch.ok()) << arch.error().message;
  TrainingScenario s = scenario();
  s.arch = *arch;
  s.recipe = PrecisionRecipe::kPureBf16;
  s.task = TrainingTask::kLora;
  const auto e = estimateTraining(s);
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_DOUBLE_EQ(e->trainableParams, 7962624.0);
  // Only the experts' projections named: peft finds no module to wrap, and says so.
  s.loraTargets = *parseLoraTargets("gate_up_proj,down_proj");
  const auto none = estimateTraining(s);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().field, "loraTargets");
}

TEST(Training, QloraStoresTheBaseInAboutFourBits) {
  TrainingScenario s = scenario();
  s.recipe = PrecisionRecipe::kPureBf16;
  s.task = TrainingTask::kLora;
  const auto lora = estimateTraining(s);
  s.task = TrainingTask::kQlora;
  s.stack = TrainingStack::kTrl;  // TRL casts the embedding back to bf16 after peft's upcast
  const auto qlora = estimateTraining(s);
  ASSERT_TRUE(lora.ok() && qlora.ok());
  const double ratio = component(*qlora, "weights") / component(*lora, "weights");
  // Projections drop from 16 to ≈ 4.127 bits; the tied 263M embedding stays bf16.
  EXPECT_GT(ratio, 0.35);
  EXPECT_LT(ratio, 0.6);
}

TEST(Training, ZeroThreeShrinksWithMoreGpusAndOffloadMovesStatesToCpu) {
  TrainingScenario s = scenario();
  s.sharding = ShardingStrategy::kZero3;
  s.gpus = 8;
  const auto eight = estimateTraining(s);
  s.gpus = 64;
  const auto sixtyFour = estimateTraining(s);
  ASSERT_TRUE(eight.ok() && sixtyFour.ok());
  EXPECT_LT(component(*sixtyFour, "optimizer_states"), component(*eight, "optimizer_states"));
  EXPECT_EQ(sixtyFour->dataParallel, 64);
  s.offloadOptimizer = true;
  const auto offloaded = estimateTraining(s);
  ASSERT_TRUE(offloaded.ok());
  EXPECT_DOUBLE_EQ(component(*offloaded, "optimizer_states"), 0);
  EXPECT_GT(offloaded->cpuBytes, 0);
}

TEST(Training, TensorParallelSplitsWeightsAndLogits) {
  TrainingScenario s = scenario();
  s.recipe = PrecisionRecipe::kPureBf16;
  s.microBatch = 4;
  const auto one = estimateTraining(s);
  s.parallel.tensor = 2;
  s.gpus = 2;
  const auto two = estimateTraining(s);
  ASSERT_TRUE(one.ok() && two.ok());
  EXPECT_NEAR(component(*two, "logits"), component(*one, "logits") / 2, 1);
  EXPECT_LT(component(*two, "weights"), 0.6 * component(*one, "weights"));
}

TEST(Training, InvalidInputsNameTheirField) {
  TrainingScenario s = scenario();
  s.microBatch = 0;
  EXPECT_EQ(estimateTraining(s).error().field, "batch");
  s = scenario();
  s.parallel.tensor = 3;
  s.gpus = 3;
  EXPECT_EQ(estimateTraining(s).error().field, "tensorParallel");
  s = scenario();
  s.parallel.tensor = 2;
  s.gpus = 3;
  EXPECT_EQ(estimateTraining(s).error().field, "gpuCount");
  EXPECT_EQ(parseTrainingTask("dpo").error().field, "task");
  EXPECT_EQ(parseCheckpointing("sometimes").error().field, "checkpointing");
  EXPECT_EQ(*parseCheckpointing("selective"), Checkpointing::kSelective);
}

TEST(TrainingLimits, LargestMicroBatchIsTheLastThatFits) {
  TrainingScenario s = scenario();
  s.recipe = PrecisionRecipe::kPureBf16;
  const double capacity = 40e9;
  const auto batch = largestMicroBatchThatFits(s, capacity);
  ASSERT_TRUE(batch.ok());
  ASSERT_GT(*batch, 0);
  s.microBatch = *batch;
  EXPECT_LE(estimateTraining(s)->perGpu.totalBytes, capacity);
  s.microBatch = *batch + 1;
  EXPECT_GT(estimateTraining(s)->perGpu.totalBytes, capacity);
}

TEST(TrainingLimits, LongestSequenceIsTheLastThatFits) {
  TrainingScenario s = scenario();
  s.recipe = PrecisionRecipe::kPureBf16;
  const double capacity = 40e9;
  const auto sequence = longestSequenceThatFits(s, capacity);
  ASSERT_TRUE(sequence.ok());
  ASSERT_GT(*sequence, 0);
  s.sequence = *sequence;
  EXPECT_LE(estimateTraining(s)->perGpu.totalBytes, capacity);
  s.sequence = *sequence + 1;
  EXPECT_GT(estimateTraining(s)->perGpu.totalBytes, capacity);
}

TEST(TrainingLimits, FewestGpusShardsAnEightBillionModel) {
  // Llama 3.1 8B, mixed AdamW needs 16 B/param of states (≈ 128 GB): not one 80 GB card;
  // ZeRO-3 spreads it. DDP never fits.
  TrainingScenario s;
  s.arch = *parseModelConfig(R"({"model_type":"llama","hidden_size":4096,
      "intermediate_size":14336,"num_hidden_layers":32,"num_attention_heads":32,
      "num_key_value_heads":8,"vocab_size":128256})");
  s.sequence = 1024;
  s.checkpointing = Checkpointing::kFull;
  const double h100 = 85017493504.0;
  EXPECT_EQ(*fewestGpusThatFit(s, h100, 1024), 0);
  s.sharding = ShardingStrategy::kZero3;
  const auto gpus = fewestGpusThatFit(s, h100, 1024);
  ASSERT_TRUE(gpus.ok());
  EXPECT_GE(*gpus, 2);
  s.gpus = *gpus;
  EXPECT_LE(estimateTraining(s)->perGpu.totalBytes, h100);
  s.gpus = *gpus - 1;
  EXPECT_GT(estimateTraining(s)->perGpu.totalBytes, h100);
}

}  // namespace
}  // namespace gpumem
