// Precision names and arbitrary bit widths.
#include "gpumem/precision.hpp"

#include <gtest/gtest.h>

using gpumem::parsePrecision;

TEST(Precision, NamedFormatsHaveTheirStorageWidth) {
  const std::pair<const char*, double> cases[] = {
      {"fp32", 32},    {"tf32", 32},    {"fp16", 16}, {"BF16", 16}, {"fp8", 8},
      {"fp8_e5m2", 8}, {"fp8-e4m3", 8}, {"int8", 8},  {"int4", 4},  {"nf4", 4}};
  for (const auto& [name, bits] : cases) {
    const auto p = parsePrecision(name);
    ASSERT_TRUE(p.ok()) << name;
    EXPECT_EQ(p->bits, bits) << name;
  }
}

TEST(Precision, AnyWidthFromOneToThirtyTwo) {
  for (int width = 1; width <= 32; ++width) {
    const auto p = parsePrecision(std::to_string(width) + "bit");
    ASSERT_TRUE(p.ok()) << width;
    EXPECT_EQ(p->bits, width);
  }
  EXPECT_EQ(parsePrecision("q5")->bits, 5);
  EXPECT_EQ(parsePrecision("3-bit")->bits, 3);
}

TEST(Precision, RejectsUnknownNamesAndWidths) {
  for (const char* bad : {"", "fp64bad", "0bit", "33bit", "fp12x", "banana"}) {
    const auto p = parsePrecision(bad);
    ASSERT_FALSE(p.ok()) << bad;
    EXPECT_EQ(p.error().field, "precision");
  }
}
