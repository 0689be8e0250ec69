// What one GPU may hold in the answer: a Mac's Metal budget rather than its unified memory, and
// a custom capacity (gpuMemory) in place of the catalog's, with the verdict following either.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

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

TEST(GpuCapacity, ACustomCapacityReplacesTheCatalogsMemory) {
  const auto a = capacityAnswer({{"gpuMemory", "22.07GiB"}}, Strictness::kStrict);
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_DOUBLE_EQ(a->gpuMemoryBytes, 22.07 * kBytesInGiB);
  EXPECT_DOUBLE_EQ(a->capacityBytes, 22.07 * kBytesInGiB);
  EXPECT_EQ(a->gpuId, "custom");
  EXPECT_EQ(a->gpuName, "custom GPU, 22.07 GiB");
  EXPECT_NE(a->capacityFormula.find("22.07 GiB given as gpuMemory"), std::string::npos);
  // With a GPU named, the GPU keeps its name and takes the capacity given.
  const auto named =
      capacityAnswer({{"gpu", "rtx-4090"}, {"gpuMemory", "20GiB"}}, Strictness::kStrict);
  ASSERT_TRUE(named.ok());
  EXPECT_EQ(named->gpuId, "rtx-4090");
  EXPECT_EQ(named->gpuName, "NVIDIA GeForce RTX 4090 24GB, custom 20 GiB");
  EXPECT_DOUBLE_EQ(named->capacityBytes, 20 * kBytesInGiB);
  // On a Mac the value given is the limit itself (a raised iogpu.wired_limit_mb): no 2/3.
  const auto mac =
      capacityAnswer({{"gpu", "apple-m2-16gb"}, {"gpuMemory", "14GiB"}}, Strictness::kStrict);
  ASSERT_TRUE(mac.ok());
  EXPECT_DOUBLE_EQ(mac->capacityBytes, 14 * kBytesInGiB);
  // gpu custom is the same as leaving the GPU out.
  const auto custom =
      capacityAnswer({{"gpu", "custom"}, {"gpuMemory", "24GB"}}, Strictness::kStrict);
  ASSERT_TRUE(custom.ok());
  EXPECT_EQ(custom->gpuName, "custom GPU, 22.35 GiB");
  EXPECT_DOUBLE_EQ(custom->capacityBytes, 24e9);
}

TEST(GpuCapacity, TheVerdictFollowsTheCustomCapacity) {
  // Llama 3.1 8B in bf16 at 8k needs about 17 GB: it fits in 22.07 GiB, not in 12 GiB.
  const auto roomy =
      capacityAnswer({{"gpuMemory", "22.07GiB"}}, Strictness::kStrict, {true, true, false});
  const auto tight =
      capacityAnswer({{"gpuMemory", "12GiB"}}, Strictness::kStrict, {true, true, false});
  ASSERT_TRUE(roomy.ok() && tight.ok());
  EXPECT_DOUBLE_EQ(roomy->perGpu.totalBytes, tight->perGpu.totalBytes);
  EXPECT_TRUE(roomy->fits);
  EXPECT_FALSE(tight->fits);
  EXPECT_DOUBLE_EQ(roomy->headroomBytes, 22.07 * kBytesInGiB - roomy->perGpu.totalBytes);
  // The fewest GPUs and the limits are counted in GPUs of the capacity given.
  EXPECT_EQ(roomy->gpusNeeded, 1);
  EXPECT_GE(tight->gpusNeeded, 2);
  EXPECT_GT(roomy->maxContext, tight->maxContext);
}

TEST(GpuCapacity, BadSizesAndAMissingCustomCapacityNameGpuMemory) {
  for (const char* bad : {"24XB", "lots", "24", "-1GiB"}) {
    const auto a = capacityAnswer({{"gpuMemory", bad}}, Strictness::kStrict);
    ASSERT_FALSE(a.ok()) << bad;
    EXPECT_EQ(a.error().field, "gpuMemory") << bad;
  }
  for (const Strictness strictness : {Strictness::kStrict, Strictness::kLenient}) {
    const auto a = capacityAnswer({{"gpu", "custom"}}, strictness);
    ASSERT_FALSE(a.ok());
    EXPECT_EQ(a.error().field, "gpuMemory");
  }
  // An empty box is no custom capacity (the page sends "" when nothing is typed).
  const auto empty = capacityAnswer({{"gpuMemory", ""}}, Strictness::kLenient);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->gpuId, "rtx-4090");
}

TEST(GpuCapacity, CustomCapacitiesAndMacsKeepTheAnswerConsistent) {
  // A random walk over capacities, Macs and tasks: the verdict is total ≤ capacity, the
  // capacity never exceeds the memory, and a larger capacity never turns a fit into a miss.
  std::mt19937_64 rng(20261130);
  const char* tasks[] = {"inference", "full", "lora", "qlora"};
  const char* engines[] = {"transformers", "vllm", "llama.cpp", "tensorrt-llm"};
  const char* gpus[] = {"apple-m1-8gb",         "apple-m2-24gb",        "apple-m3-max-96gb",
                        "apple-m3-ultra-512gb", "jetson-orin-nano-4gb", "rtx-3060-8gb"};
  int answered = 0;
  for (int i = 0; i < 300; ++i) {
    CapacityValues v;
    v["task"] = tasks[rng() % 4];
    v["engine"] = engines[rng() % 4];
    v["model"] = rng() % 2 ? "llama-3.2-1b" : "qwen2.5-7b";
    v["contextLength"] = std::to_string(512 << (rng() % 7));
    const double gib = 1 + static_cast<double>(rng() % 20000) / 100;
    const bool custom = rng() % 2;
    if (custom) {
      v["gpuMemory"] = std::to_string(gib) + "GiB";
    } else {
      v["gpu"] = gpus[rng() % 6];
    }
    const auto a = capacityAnswer(v, Strictness::kLenient, kVerdictOnly);
    if (!a) continue;
    ++answered;
    EXPECT_EQ(a->fits, std::round(a->perGpu.totalBytes) <= std::round(a->capacityBytes));
    EXPECT_LE(a->capacityBytes, a->gpuMemoryBytes + 0.5);
    EXPECT_GT(a->capacityBytes, 0);
    if (custom && a->fits) {
      CapacityValues more = v;
      more["gpuMemory"] = std::to_string(gib * 2) + "GiB";
      const auto bigger = capacityAnswer(more, Strictness::kLenient, kVerdictOnly);
      ASSERT_TRUE(bigger.ok());
      EXPECT_TRUE(bigger->fits) << v["gpuMemory"];
    }
  }
  EXPECT_GT(answered, 200);
}
