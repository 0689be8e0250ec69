// The GPU catalog: required devices present, memory in real bytes, lookups.
#include "gpumem/gpu_catalog.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <string_view>

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
    EXPECT_GT(g.memoryBytes, 8ULL << 30) << g.id;
    EXPECT_LT(g.memoryBytes, 300ULL << 30) << g.id;
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

TEST(GpuCatalog, GpusNeededRoundsUp) {
  EXPECT_EQ(gpusNeeded(1, 100), 1u);
  EXPECT_EQ(gpusNeeded(100, 100), 1u);
  EXPECT_EQ(gpusNeeded(101, 100), 2u);
  EXPECT_EQ(gpusNeeded(0, 100), 1u);
}
