// The GPU catalog: required devices present, memory in real bytes, lookups.
#include "gpumem/gpu_catalog.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "gpumem/units.hpp"

using namespace gpumem;

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
  }
}

TEST(GpuCatalog, LookupIsCaseInsensitiveAndUnknownIdsNameTheField) {
  EXPECT_TRUE(findGpu("H100-80GB").ok());
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
