// What one GPU may hold in the answer: a Mac's Metal budget rather than its unified memory, with
// the verdict following it.
#include <gtest/gtest.h>

#include <cmath>

#include "gpumem/answer.hpp"
#include "gpumem/gpu_catalog.hpp"

using namespace gpumem;

namespace {

using CapacityValues = std::map<std::string, std::string, std::less<>>;

constexpr double kBytesInGiB = 1073741824.0;

Result<Answer> capacityAnswer(const CapacityValues& values, Strictness strictness,
                              AnswerDepth depth = {false, false, false}) {
  const auto s = parseScenario(values, strictness);
  if (!s) return s.error();
  return evaluate(*s, depth);
}

}  // namespace

TEST(GpuCapacity, A16GbM2MayUseTwoThirdsOfItsMemory) {
  const auto a = capacityAnswer({{"gpu", "apple-m2-16gb"}}, Strictness::kStrict);
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ(a->gpuMemoryBytes, 16 * kBytesInGiB);                // the Mac's memory
  EXPECT_DOUBLE_EQ(a->capacityBytes, 16 * kBytesInGiB * 2 / 3);  // what the GPU may use
  EXPECT_EQ(a->fits, std::round(a->perGpu.totalBytes) <= std::round(a->capacityBytes));
  // The capacity note says where the budget comes from and how to raise it.
  EXPECT_NE(a->capacityFormula.find("2/3 × 16 GiB"), std::string::npos) << a->capacityFormula;
  EXPECT_NE(a->capacityFormula.find("recommended working set"), std::string::npos);
  EXPECT_NE(a->capacityFormula.find("iogpu.wired_limit_mb"), std::string::npos);
}

TEST(GpuCapacity, AMacFrom36GbMayUseThreeQuarters) {
  const auto a = capacityAnswer({{"gpu", "apple-m4-max-36gb"}}, Strictness::kStrict);
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_DOUBLE_EQ(a->capacityBytes, 27 * kBytesInGiB);
  EXPECT_NE(a->capacityFormula.find("3/4 × 36 GiB"), std::string::npos) << a->capacityFormula;
}

TEST(GpuCapacity, TheMetalBudgetDecidesTheVerdictOnAMac) {
  // Whatever the totals, the verdict is against the budget, never the whole memory.
  for (const char* gpu : {"apple-m2-16gb", "apple-m2-24gb", "apple-m1-max-32gb",
                          "apple-m3-max-48gb", "apple-m3-ultra-512gb"}) {
    const auto a = capacityAnswer({{"gpu", gpu}, {"contextLength", "4096"}}, Strictness::kStrict,
                                  {true, true, false});
    ASSERT_TRUE(a.ok()) << gpu << ": " << a.error().message;
    EXPECT_LT(a->capacityBytes, a->gpuMemoryBytes) << gpu;
    EXPECT_EQ(a->fits, std::round(a->perGpu.totalBytes) <= std::round(a->capacityBytes)) << gpu;
  }
  // Llama 3.1 8B in bf16 (15 GiB of weights) needs more than the 10.67 GiB a 16 GB Mac gives
  // its GPU.
  const auto small = capacityAnswer({{"gpu", "apple-m2-16gb"}}, Strictness::kStrict);
  ASSERT_TRUE(small.ok());
  EXPECT_FALSE(small->fits);
  EXPECT_GT(small->perGpu.totalBytes, small->capacityBytes);
}
