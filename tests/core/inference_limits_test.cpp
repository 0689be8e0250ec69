// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
#include "gpumem/inference_limits.hpp"

#include <gtest/gtest.h>

#include <cstdint>

#include "gpumem/model_config.hpp"
#include "test_models.hpp"

namespace gpumem {
namespace {

using test::llama8b;

double total(const ModelArchitecture& arch, const InferenceOptions& o) {
  const auto b = estimateInference(arch, o);
  EXPECT_TRUE(b.ok());
  return b.ok() ? b->totalBytes : 0;
}

/// `fitting` is the boundary of one size of the request (`field`): the total fits in
/// `capacity` there and not one above it.
void expectBoundary(const ModelArchitecture& arch, InferenceOptions o,
                    std::int64_t InferenceOptions::*field, std::int64_t fitting, double capacity) {
  o.*field = fitting;
  EXPECT_LE(total(arch, o), capacity);
  o.*field = fitting + 1;
  EXPECT_GT(total(arch, o), capacity);
}

TEST(InferenceLimits, LongestPromptIsTheBoundary) {
  const ModelArchitecture arch = llama8b();
  const InferenceOptions o;
  const double capacity = 40e9;
  const auto longest = longestPromptThatFits(arch, o, capacity);
  ASSERT_TRUE(longest.ok());
  ASSERT_GT(*longest, 1000);
  expectBoundary(arch, o, &InferenceOptions::promptTokens, *longest, capacity);
}

TEST(InferenceLimits, LargestBatchIsTheBoundary) {
  const ModelArchitecture arch = llama8b();
  InferenceOptions o;
  o.promptTokens = 4096;
  const double capacity = 80e9;
  const auto largest = largestBatchThatFits(arch, o, capacity);
  ASSERT_TRUE(largest.ok());
  ASSERT_GT(*largest, 1);
  expectBoundary(arch, o, &InferenceOptions::batch, *largest, capacity);
}

TEST(InferenceLimits, ZeroWhenTheWeightsAloneDoNotFit) {
  const auto longest = longestPromptThatFits(llama8b(), InferenceOptions{}, 10e9);
  ASSERT_TRUE(longest.ok());
  EXPECT_EQ(*longest, 0);
}

}  // namespace
}  // namespace gpumem
