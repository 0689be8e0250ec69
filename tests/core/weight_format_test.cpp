// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
#include "gpumem/weight_format.hpp"

#include <gtest/gtest.h>

#include "gpumem/model_config.hpp"
#include "test_models.hpp"

namespace gpumem {
namespace {

constexpr double kGiBytes = 1073741824.0;

ModelArchitecture llama31_8b() { return test::llama8b(); }

double gib(const char* format) {
  const auto f = parseWeightFormat(format);
  EXPECT_TRUE(f.ok()) << format;
  return f.ok() ? weightBytes(llama31_8b(), *f) / kGiBytes : 0;
}

// llama.cpp tools/quantize/README.md lists Llama-3.1-8B at F16 14.96 GiB, Q8_0 7.95 GiB and
// Q4_K_M 4.58 GiB (sizes given to two decimals).
TEST(WeightFormat, GgufSizesMatchLlamaCppTable) {
  EXPECT_NEAR(gib("fp16"), 14.96, 0.006);
  EXPECT_NEAR(gib("q8_0"), 7.95, 0.006);
  EXPECT_NEAR(gib("q4_k_m"), 4.58, 0.006);
}

TEST(WeightFormat, BlockExactBitsPerWeight) {
  EXPECT_DOUBLE_EQ(parseWeightFormat("nf4")->linearBits, 4.5);
  EXPECT_NEAR(parseWeightFormat("nf4-dq")->linearBits, 4.127, 0.001);
  EXPECT_NEAR(parseWeightFormat("gptq-4bit-g128")->linearBits, 4 + 20.0 / 128, 1e-12);
  EXPECT_NEAR(parseWeightFormat("awq-3-64")->linearBits, 3 + 19.0 / 64, 1e-12);
  EXPECT_DOUBLE_EQ(parseWeightFormat("mxfp4")->linearBits, 4.25);
  EXPECT_DOUBLE_EQ(parseWeightFormat("q6_k")->linearBits, 6.5625);
}

TEST(WeightFormat, BitsAndBytesKeepsEmbeddingsAndHeadIn16Bits) {
  const auto nf4 = parseWeightFormat("nf4");
  ASSERT_TRUE(nf4.ok());
  EXPECT_DOUBLE_EQ(nf4->embeddingBits, 16);
  EXPECT_DOUBLE_EQ(nf4->outputHeadBits, 16);
  // 2 × 128256 × 4096 embedding/head values stay 2 bytes each.
  const double expectedFloor = 2.0 * 128256 * 4096 * 2;
  EXPECT_GT(weightBytes(llama31_8b(), *nf4), expectedFloor);
}

TEST(WeightFormat, UnknownFormatNamesTheField) {
  const auto f = parseWeightFormat("int3");
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.error().field, "precision");
}

}  // namespace
}  // namespace gpumem
