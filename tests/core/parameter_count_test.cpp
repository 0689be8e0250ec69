// Parsing parameter counts the way people write them, and refusing what is not one.
#include "gpumem/parameter_count.hpp"

#include <gtest/gtest.h>

using gpumem::parseParameterCount;

struct CountCase {
  const char* text;
  double expected;
};

class ParameterCountParses : public ::testing::TestWithParam<CountCase> {};

TEST_P(ParameterCountParses, ReadsTheNumberPeopleMean) {
  const auto result = parseParameterCount(GetParam().text);
  ASSERT_TRUE(result.ok()) << GetParam().text << ": " << result.error().message;
  EXPECT_DOUBLE_EQ(*result, GetParam().expected) << GetParam().text;
}

INSTANTIATE_TEST_SUITE_P(Notations, ParameterCountParses,
                         ::testing::Values(CountCase{"70B", 70e9}, CountCase{"175b", 175e9},
                                           CountCase{"1.5T", 1.5e12}, CountCase{"350M", 350e6},
                                           CountCase{"7,000,000,000", 7e9},
                                           CountCase{"7000000000", 7e9}, CountCase{" 13B ", 13e9},
                                           CountCase{"7e9", 7e9}, CountCase{"125k", 125e3},
                                           CountCase{"8 billion", 8e9}, CountCase{"0.5B", 0.5e9},
                                           CountCase{"1_235_814_400", 1235814400}));

class ParameterCountRejects : public ::testing::TestWithParam<const char*> {};

TEST_P(ParameterCountRejects, NamesTheParamsField) {
  const auto result = parseParameterCount(GetParam());
  ASSERT_FALSE(result.ok()) << GetParam();
  EXPECT_EQ(result.error().field, "params");
  EXPECT_FALSE(result.error().message.empty());
}

INSTANTIATE_TEST_SUITE_P(BadText, ParameterCountRejects,
                         ::testing::Values("", "   ", "-7B", "seven", "7X", "0", "0.0000001",
                                           "1e30", "2000T", "B", "7B7"));
