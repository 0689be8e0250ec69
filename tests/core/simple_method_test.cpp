// The seeds' worked examples, reproduced by the simple method. Where a seed's arithmetic
// is wrong, the test states the right number and why.
#include "gpumem/simple_method.hpp"

#include <gtest/gtest.h>

#include "gpumem/answer.hpp"
#include "gpumem/gpu_catalog.hpp"
#include "gpumem/units.hpp"

namespace {

using namespace gpumem;

Breakdown serve(double params, const char* precision, double overhead = 0.2) {
  SimpleInput in;
  in.parameters = params;
  in.precision = *parsePrecision(precision);
  in.overheadFraction = overhead;
  const auto result = estimateSimple(in);
  EXPECT_TRUE(result.ok());
  return *result;
}

TEST(SimpleMethod, Llama70BAt16BitNeeds168GB) {
  // Seed: M = (P × 4 B / (32 / Q)) × 1.2 = 70e9 × 2 B × 1.2 = 168 GB.
  EXPECT_NEAR(serve(70e9, "fp16").totalBytes, 168e9, 1);
}

/// The answer for a bare parameter count on `gpus` GPUs of `gpuId`.
Answer answerFor(const char* params, const char* precision, const char* gpuId, const char* gpus) {
  const auto s = parseScenario(
      {{"params", params}, {"precision", precision}, {"gpu", gpuId}, {"gpuCount", gpus}},
      Strictness::kStrict);
  EXPECT_TRUE(s.ok()) << s.error().message;
  const auto a = evaluate(*s);
  EXPECT_TRUE(a.ok()) << a.error().message;
  return *a;
}

TEST(SimpleMethod, TwoEightyGBA100sHold168GBOnlyBecauseTheyHoldGiB) {
  // 168 GB > 2 × 80 GB = 160 GB, yet two "80 GB" A100s fit it: each exposes about
  // 80 GiB (85.9 GB) to programs. Counting in real bytes gives the seed's answer.
  const Answer a = answerFor("70B", "fp16", "a100-80gb", "2");
  EXPECT_NEAR(a.jobBytes, 168e9, 1);
  EXPECT_NEAR(a.perGpu.totalBytes, 84e9, 1);
  EXPECT_EQ(a.gpusNeeded, 2);
  EXPECT_TRUE(a.fits);
}

TEST(SimpleMethod, Llama70BAt32BitNeedsFourEightyGBGpus) {
  // 336 GB; the seed's "at least two H100 80 GB" is wrong: 2 × 79.2 GiB is 170 GB.
  const Answer a = answerFor("70B", "fp32", "h100-80gb", "2");
  EXPECT_NEAR(a.jobBytes, 336e9, 1);
  EXPECT_EQ(a.gpusNeeded, 4);
  EXPECT_FALSE(a.fits);
  EXPECT_LT(a.headroomBytes, 0);
}

TEST(SimpleMethod, OneBillionParametersAtEachPrecisionWithoutOverhead) {
  EXPECT_NEAR(serve(1e9, "fp32", 0).totalBytes, 4e9, 1);
  EXPECT_NEAR(serve(1e9, "bf16", 0).totalBytes, 2e9, 1);
  EXPECT_NEAR(serve(1e9, "int8", 0).totalBytes, 1e9, 1);
}

TEST(SimpleMethod, SevenBillionInBf16Is14GBOfWeights) {
  EXPECT_NEAR(serve(7e9, "bf16", 0).totalBytes, 14e9, 1);
}

TEST(SimpleMethod, ThirteenBillionAtQ8IsAbout13GBOfWeights) {
  EXPECT_NEAR(serve(13e9, "int8", 0).totalBytes, 13e9, 1);
}

TEST(SimpleMethod, Gpt3At32BitIs700GBOr651Point9GiB) {
  const double total = serve(175e9, "fp32", 0).totalBytes;
  EXPECT_NEAR(total, 700e9, 1);
  EXPECT_NEAR(toGiB(total), 651.9, 0.05);
}

TEST(SimpleMethod, Llama70BInFp8Is84GBNot21GB) {
  // The seed states 21 GB: it multiplies by 1 byte *and* divides by 32/8, counting the
  // precision twice. 70e9 × 1 B × 1.2 = 84 GB.
  EXPECT_NEAR(serve(70e9, "fp8").totalBytes, 84e9, 1);
}

TEST(SimpleMethod, OverheadIsItsOwnComponent) {
  const Breakdown b = serve(10e9, "fp16", 0.2);
  ASSERT_EQ(b.components.size(), 2u);
  EXPECT_EQ(b.components[0].name, "weights");
  EXPECT_NEAR(b.components[0].bytes, 20e9, 1);
  EXPECT_EQ(b.components[1].name, "overhead");
  EXPECT_NEAR(b.components[1].bytes, 4e9, 1);
  EXPECT_NE(formulaText(b.components[0]).find("2 B"), std::string::npos) << formulaText(b.components[0]);
}

Breakdown train(double params, const char* precision, SimpleOptimizer optimizer,
                double overhead = 0, double batch = 1, double perSample = 0) {
  SimpleInput in;
  in.parameters = params;
  in.precision = *parsePrecision(precision);
  in.overheadFraction = overhead;
  in.task = Task::kTraining;
  in.optimizer = optimizer;
  in.batchSize = batch;
  in.activationBytesPerSample = perSample;
  const auto result = estimateSimple(in);
  EXPECT_TRUE(result.ok());
  return *result;
}

double component(const Breakdown& b, const std::string& name) {
  for (const auto& c : b.components) {
    if (c.name == name) return c.bytes;
  }
  ADD_FAILURE() << "no component " << name;
  return -1;
}

TEST(SimpleTraining, ThirteenBillionFp32AdamWHas208GBOfModelStates) {
  // Seed 13B example, component by component: 52 (weights) + 52 (grads) + 104 (AdamW).
  // The seed's 437 GB adds grads and states on top of "4 × inference", which already
  // contains them.
  const Breakdown b = train(13e9, "fp32", SimpleOptimizer::kAdamW);
  EXPECT_NEAR(component(b, "weights"), 52e9, 1);
  EXPECT_NEAR(component(b, "gradients"), 52e9, 1);
  EXPECT_NEAR(component(b, "optimizer_states"), 104e9, 1);
  EXPECT_NEAR(b.totalBytes, 208e9, 1);
}

TEST(SimpleTraining, OptimizerStatesPerParameter) {
  EXPECT_NEAR(component(train(1e9, "fp32", SimpleOptimizer::kAdam), "optimizer_states"), 8e9, 1);
  EXPECT_NEAR(component(train(1e9, "fp32", SimpleOptimizer::kSgdMomentum), "optimizer_states"), 4e9,
              1);
  EXPECT_NEAR(component(train(1e9, "fp32", SimpleOptimizer::kSgd), "optimizer_states"), 0, 1);
  // 8-bit Adam keeps two one-byte states whatever the weights' precision.
  EXPECT_NEAR(component(train(1e9, "bf16", SimpleOptimizer::kAdam8bit), "optimizer_states"), 2e9,
              1);
}

TEST(SimpleTraining, ActivationAllowanceScalesWithBatch) {
  // Seed: 50 MB per sample × 32 = 1600 MB.
  const Breakdown b = train(1e9, "bf16", SimpleOptimizer::kAdamW, 0, 32, 50e6);
  EXPECT_NEAR(component(b, "activations"), 1600e6, 1);
}

TEST(SimpleTraining, SafetyMarginAppliesToTheSum) {
  const Breakdown b = train(1e9, "fp32", SimpleOptimizer::kAdamW, 0.1, 1, 0);
  EXPECT_NEAR(component(b, "safety_margin"), 16e9 * 0.1, 1);
  EXPECT_NEAR(b.totalBytes, 17.6e9, 1);
}

TEST(SimpleMethod, RejectsOutOfRangeInputsNamingTheField) {
  SimpleInput in;
  in.parameters = 7e9;
  in.precision = *parsePrecision("bf16");
  in.overheadFraction = -0.1;
  auto r = estimateSimple(in);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "overhead");
  in.overheadFraction = 0.2;
  in.parameters = -5;
  r = estimateSimple(in);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "params");
  in.parameters = 7e9;
  in.task = Task::kTraining;
  in.batchSize = 0;
  r = estimateSimple(in);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "batch");
}

}  // namespace
