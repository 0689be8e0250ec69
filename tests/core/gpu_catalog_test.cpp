// The GPU catalog: required devices present, memory in real bytes, lookups.
#include "gpumem/gpu_catalog.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "gpumem/units.hpp"

using namespace gpumem;

namespace {

constexpr std::uint64_t kGiB = 1ULL << 30;

std::uint64_t memoryOf(std::string_view id) {
  const auto gpu = findGpu(id);
  EXPECT_TRUE(gpu.ok()) << id;
  return gpu.ok() ? gpu->memoryBytes : 0;
}

}  // namespace

TEST(GpuCatalog, H100ReportsTheBytesCudaShows) {
  const auto h100 = findGpu("h100-80gb");
  ASSERT_TRUE(h100.ok());
  EXPECT_EQ(h100->memoryBytes, 85017493504ULL);
}

TEST(GpuCatalog, IdsAreUniqueAndEveryEntryIsPlausible) {
  std::set<std::string> ids;
  for (const GpuSpec& g : gpuCatalog()) {
    EXPECT_TRUE(ids.insert(std::string(g.id)).second) << g.id;
    // From a 4 GB Jetson Orin Nano to a 512 GB Mac Studio.
    EXPECT_GE(g.memoryBytes, 4ULL << 30) << g.id;
    EXPECT_LE(g.memoryBytes, 512ULL << 30) << g.id;
    EXPECT_GT(g.budgetFraction, 0.5) << g.id;
    EXPECT_LE(g.budgetFraction, 1.0) << g.id;
    EXPECT_FALSE(g.source.empty()) << g.id;
    EXPECT_FALSE(g.name.empty()) << g.id;
    EXPECT_FALSE(g.vendor.empty()) << g.id;
    EXPECT_FALSE(g.marketing.empty()) << g.id;
  }
}

TEST(GpuCatalog, IdsAreLowercaseHyphenTokens) {
  for (const GpuSpec& g : gpuCatalog()) {
    ASSERT_FALSE(g.id.empty());
    EXPECT_NE(g.id.front(), '-') << g.id;
    EXPECT_NE(g.id.back(), '-') << g.id;
    for (const char c : g.id) {
      const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
      EXPECT_TRUE(ok) << g.id;
    }
    // Every id finds its own entry.
    const auto found = findGpu(g.id);
    ASSERT_TRUE(found.ok()) << g.id;
    EXPECT_EQ(found->memoryBytes, g.memoryBytes) << g.id;
  }
}

TEST(GpuCatalog, TheRequiredAcceleratorsArePresent) {
  for (const char* id : {"a100-40gb",
                         "a100-40gb-pcie",
                         "a100-80gb",
                         "a100-80gb-pcie",
                         "h100-80gb",
                         "h100-pcie",
                         "h100-nvl",
                         "h200-141gb",
                         "b200",
                         "gh200",
                         "l4",
                         "l40s",
                         "l40",
                         "a10",
                         "a10g",
                         "rtx-a6000",
                         "rtx-6000-ada",
                         "rtx-3090",
                         "rtx-4090",
                         "rtx-5090",
                         "rtx-4080",
                         "rtx-3060",
                         "rtx-4060-ti-16gb",
                         "t4",
                         "v100-16gb",
                         "v100-32gb",
                         "p100-16gb",
                         "mi250x",
                         "mi300x",
                         "mi325x",
                         "tpu-v4",
                         "tpu-v5e",
                         "tpu-v5p",
                         "gaudi2",
                         "gaudi3"}) {
    EXPECT_TRUE(findGpu(id).ok()) << id;
  }
}

TEST(GpuCatalog, ConsumerAndWorkstationCardsOfEveryMemorySizeArePresent) {
  const struct {
    const char* id;
    std::uint64_t gib;
  } parts[] = {// NVIDIA GeForce 20 to 50 series, each memory size of a model its own entry.
               {"rtx-2060-6gb", 6},
               {"rtx-2060-12gb", 12},
               {"rtx-2060-super", 8},
               {"rtx-2070", 8},
               {"rtx-2070-super", 8},
               {"rtx-2080", 8},
               {"rtx-2080-super", 8},
               {"rtx-2080-ti", 11},
               {"rtx-3050", 8},
               {"rtx-3050-6gb", 6},
               {"rtx-3060-8gb", 8},
               {"rtx-3060-ti", 8},
               {"rtx-3070", 8},
               {"rtx-3070-ti", 8},
               {"rtx-3080-10gb", 10},
               {"rtx-3080-12gb", 12},
               {"rtx-3080-ti", 12},
               {"rtx-3090-ti", 24},
               {"rtx-4060", 8},
               {"rtx-4060-ti-8gb", 8},
               {"rtx-4070", 12},
               {"rtx-4070-super", 12},
               {"rtx-4070-ti", 12},
               {"rtx-4070-ti-super", 16},
               {"rtx-4080-super", 16},
               {"rtx-5050", 8},
               {"rtx-5060", 8},
               {"rtx-5060-ti-8gb", 8},
               {"rtx-5060-ti-16gb", 16},
               {"rtx-5070", 12},
               {"rtx-5070-ti", 16},
               {"rtx-5080", 16},
               // NVIDIA unified memory.
               {"jetson-agx-orin-64gb", 64},
               {"jetson-agx-orin-32gb", 32},
               {"jetson-orin-nx-16gb", 16},
               {"jetson-orin-nx-8gb", 8},
               {"jetson-orin-nano-8gb", 8},
               {"jetson-orin-nano-4gb", 4},
               // AMD Radeon RX 7000 and 9000, Instinct.
               {"rx-7600", 8},
               {"rx-7600-xt", 16},
               {"rx-7700-xt", 12},
               {"rx-7800-xt", 16},
               {"rx-7900-gre", 16},
               {"rx-7900-xt", 20},
               {"rx-7900-xtx", 24},
               {"rx-9060-xt-8gb", 8},
               {"rx-9060-xt-16gb", 16},
               {"rx-9070-gre", 12},
               {"rx-9070", 16},
               {"rx-9070-xt", 16},
               {"mi210", 64},
               {"mi250", 64},
               {"mi355x", 288},
               // Intel Arc A and B series.
               {"arc-a310", 4},
               {"arc-a380", 6},
               {"arc-a580", 8},
               {"arc-a750", 8},
               {"arc-a770-8gb", 8},
               {"arc-a770-16gb", 16},
               {"arc-b570", 10},
               {"arc-b580", 12},
               {"arc-pro-b50", 16},
               {"arc-pro-b60", 24}};
  for (const auto& p : parts) {
    const auto gpu = findGpu(p.id);
    ASSERT_TRUE(gpu.ok()) << p.id;
    // Nominal: the GiB as sold, and nothing caps what programs may use of it.
    EXPECT_EQ(gpu->memoryBytes, p.gib * kGiB) << p.id;
    EXPECT_NE(gpu->source.find("nominal"), std::string_view::npos) << p.id;
    EXPECT_NE(gpu->source.find("https://"), std::string_view::npos) << p.id;
    EXPECT_EQ(gpu->budgetFraction, 1.0) << p.id;
    EXPECT_DOUBLE_EQ(gpuBudgetBytes(*gpu), static_cast<double>(gpu->memoryBytes)) << p.id;
  }
  // The DGX Spark's figure is the memory its Linux reports of the 128 GB (measured).
  EXPECT_EQ(memoryOf("dgx-spark"), 128501256192ULL);
}

TEST(GpuCatalog, EveryMacOfEachAppleChipIsPresentWithItsUnifiedMemory) {
  const struct {
    const char* chip;
    std::vector<int> gb;
  } chips[] = {{"m1", {8, 16}},
               {"m1-pro", {16, 32}},
               {"m1-max", {32, 64}},
               {"m1-ultra", {64, 128}},
               {"m2", {8, 16, 24}},
               {"m2-pro", {16, 32}},
               {"m2-max", {32, 64, 96}},
               {"m2-ultra", {64, 128, 192}},
               {"m3", {8, 16, 24}},
               {"m3-pro", {18, 36}},
               {"m3-max", {36, 48, 64, 96, 128}},
               {"m3-ultra", {96, 256, 512}},
               {"m4", {16, 24, 32}},
               {"m4-pro", {24, 48, 64}},
               {"m4-max", {36, 48, 64, 128}}};
  std::size_t count = 0;
  for (const auto& chip : chips) {
    for (const int gb : chip.gb) {
      const std::string id = "apple-" + std::string(chip.chip) + "-" + std::to_string(gb) + "gb";
      const auto gpu = findGpu(id);
      ASSERT_TRUE(gpu.ok()) << id;
      ++count;
      EXPECT_EQ(gpu->vendor, "Apple") << id;
      // A Mac sold with "16 GB" has 16 GiB (macOS's hw.memsize).
      EXPECT_EQ(gpu->memoryBytes, static_cast<std::uint64_t>(gb) * kGiB) << id;
      EXPECT_NE(gpu->source.find("https://support.apple.com/"), std::string_view::npos) << id;
    }
  }
  std::size_t apple = 0;
  for (const GpuSpec& g : gpuCatalog()) apple += g.vendor == "Apple" ? 1 : 0;
  EXPECT_EQ(apple, count);
  EXPECT_EQ(count, 42u);
}

TEST(GpuCatalog, AMacsGpuBudgetIsMetalsRecommendedWorkingSet) {
  // recommendedMaxWorkingSetSize: 2/3 of the unified memory up to 32 GB, 3/4 from 36 GB, as
  // the llama.cpp start-up logs the sources quote print it (10922.67 MiB of a 16 GB M1,
  // 49152 MiB of a 64 GB M1 Max).
  const auto m2 = findGpu("apple-m2-16gb");
  ASSERT_TRUE(m2.ok());
  EXPECT_DOUBLE_EQ(m2->budgetFraction, 2.0 / 3.0);
  EXPECT_NEAR(gpuBudgetBytes(*m2), 10922.67 * 1048576, 0.01 * 1048576);
  EXPECT_NE(m2->budgetSource.find("recommendedMaxWorkingSetSize"), std::string_view::npos);
  EXPECT_NE(m2->budgetSource.find("https://github.com/abetlen/llama-cpp-python/issues/687"),
            std::string_view::npos);
  const auto max = findGpu("apple-m1-max-64gb");
  ASSERT_TRUE(max.ok());
  EXPECT_DOUBLE_EQ(gpuBudgetBytes(*max), 49152.0 * 1048576);
  EXPECT_NE(max->budgetSource.find("https://github.com/ggml-org/llama.cpp/issues/1870"),
            std::string_view::npos);
  for (const GpuSpec& g : gpuCatalog()) {
    if (g.vendor != "Apple") {
      EXPECT_EQ(g.budgetFraction, 1.0) << g.id;
      EXPECT_TRUE(g.budgetSource.empty()) << g.id;
      continue;
    }
    const bool small = g.memoryBytes <= 32 * kGiB;
    EXPECT_DOUBLE_EQ(g.budgetFraction, small ? 2.0 / 3.0 : 0.75) << g.id;
    EXPECT_NE(g.budgetSource.find(small ? "2/3" : "3/4"), std::string_view::npos) << g.id;
  }
}

TEST(GpuCatalog, TpuMemoryIsPerChipHbm) {
  EXPECT_EQ(memoryOf("tpu-v4"), 32 * kGiB);
  EXPECT_EQ(memoryOf("tpu-v5e"), 16 * kGiB);
  EXPECT_EQ(memoryOf("tpu-v5p"), 95 * kGiB);
}

TEST(GpuCatalog, MeasuredNvidiaTotalsSitJustBelowTheNominalGiB) {
  // ECC and driver reservations take a little; none of these may reach the full GiB
  // figure, and none may lose more than 10 % of it (GDDR6 parts with ECC on, like the L4 and
  // A10, lose about 8.5 %).
  const struct {
    const char* id;
    std::uint64_t gib;
  } parts[] = {{"a100-40gb", 40}, {"a100-80gb", 80},    {"a100-80gb-pcie", 80},
               {"h100-80gb", 80}, {"h100-nvl", 94},     {"h200-141gb", 144},
               {"l4", 24},        {"l40s", 48},         {"a10", 24},
               {"t4", 16},        {"rtx-4090", 24},     {"rtx-3090", 24},
               {"rtx-5090", 32},  {"rtx-6000-ada", 48}, {"rtx-4060-ti-16gb", 16}};
  for (const auto& p : parts) {
    const std::uint64_t bytes = memoryOf(p.id);
    EXPECT_LT(bytes, p.gib * kGiB) << p.id;
    EXPECT_GT(static_cast<double>(bytes), 0.90 * static_cast<double>(p.gib * kGiB)) << p.id;
  }
}

TEST(GpuCatalog, EightyGigabyteA100sStillHoldMoreThan80e9Bytes) {
  // Sold as "80 GB" yet each exposes about 79 GiB, i.e. more than 80 × 10^9 bytes.
  EXPECT_GT(memoryOf("a100-80gb"), 84'000'000'000ULL);
  EXPECT_GT(memoryOf("h100-80gb"), 84'000'000'000ULL);
}

TEST(GpuCatalog, EveryEntrySaysWhereItsNumberComesFrom) {
  // A source is a link or a named document, and a nominal figure says so.
  for (const GpuSpec& g : gpuCatalog()) {
    EXPECT_GE(g.source.size(), 12u) << g.id;
  }
  for (const GpuSpec& g : gpuCatalog()) {
    const bool nominal = g.source.find("nominal") != std::string_view::npos;
    const bool linked = g.source.find("https://") != std::string_view::npos;
    EXPECT_TRUE(nominal || linked) << g.id;
  }
  for (const char* id : {"tpu-v4", "mi325x", "gaudi2", "gaudi3", "v100-16gb", "rtx-3060"}) {
    const auto g = findGpu(id);
    ASSERT_TRUE(g.ok()) << id;
    EXPECT_NE(g->source.find("nominal"), std::string_view::npos) << id;
  }
}

TEST(GpuCatalog, VendorsAreNamed) {
  EXPECT_EQ(findGpu("mi300x")->vendor, "AMD");
  EXPECT_EQ(findGpu("tpu-v4")->vendor, "Google");
  EXPECT_EQ(findGpu("gaudi3")->vendor, "Intel");
  EXPECT_EQ(findGpu("rtx-4090")->vendor, "NVIDIA");
}

TEST(GpuCatalog, LookupIsCaseInsensitiveAndUnknownIdsNameTheField) {
  EXPECT_TRUE(findGpu("H100-80GB").ok());
  EXPECT_TRUE(findGpu("  MI300X ").ok());
  const auto missing = findGpu("gtx-9999");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().field, "gpu");
}

TEST(GpuCatalog, MemorySizesReadAsPeopleWriteThem) {
  EXPECT_DOUBLE_EQ(*parseMemorySize("22.07GiB"), 22.07 * kGiB);
  EXPECT_DOUBLE_EQ(*parseMemorySize(" 22.07 gib "), 22.07 * kGiB);
  EXPECT_DOUBLE_EQ(*parseMemorySize("24GB"), 24e9);
  EXPECT_DOUBLE_EQ(*parseMemorySize("24000MiB"), 24000.0 * 1048576);
  EXPECT_DOUBLE_EQ(*parseMemorySize("1.5TiB"), 1.5 * 1024 * kGiB);
  EXPECT_DOUBLE_EQ(*parseMemorySize("25769803776"), 25769803776.0);
  EXPECT_DOUBLE_EQ(*parseMemorySize("25769803776B"), 25769803776.0);
  EXPECT_EQ(*canonicalMemorySize(" 22.07 gib"), "22.07GiB");
  EXPECT_EQ(*canonicalMemorySize("24gb"), "24GB");
  EXPECT_EQ(*canonicalMemorySize("25769803776 b"), "25769803776");
  EXPECT_EQ(formatGiB(22.07 * kGiB), "22.07 GiB");
  // Units it does not know, no number, a sign, or a bare small number: an error naming the
  // field, never a guess.
  for (const char* bad : {"24XB", "24 G", "GiB", "-5GB", "", "24GiB!", "1e3GB", "24", "2 PiB"}) {
    const auto parsed = parseMemorySize(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.error().field, "gpuMemory") << bad;
  }
  EXPECT_NE(parseMemorySize("24").error().message.find("add a unit"), std::string::npos);
}

TEST(GpuCatalog, GpusNeededRoundsUp) {
  EXPECT_EQ(gpusNeeded(1, 100), 1u);
  EXPECT_EQ(gpusNeeded(100, 100), 1u);
  EXPECT_EQ(gpusNeeded(101, 100), 2u);
  EXPECT_EQ(gpusNeeded(0, 100), 1u);
}
