// Decoding shareable links: valid scenarios round-trip; hostile values are refused with
// the page field named.
#include "gpumem/scenario_link.hpp"

#include <gtest/gtest.h>

using namespace gpumem;

TEST(ScenarioLink, DecodesAValidScenario) {
  const auto link =
      decodeScenarioLink("#v=1&model=llama-3.1-8b&ctx=8192&batch=1&gpu=rtx-4090-24gb&params=70B");
  ASSERT_TRUE(link.ok()) << link.error().message;
  ASSERT_EQ(link->values.size(), 6u);
  EXPECT_EQ(link->values[1].second, "llama-3.1-8b");
  EXPECT_EQ(link->values[2].second, "8192");
  EXPECT_TRUE(link->ignored.empty());
}

TEST(ScenarioLink, RoundTripsThroughEncode) {
  const std::vector<std::pair<std::string, std::string>> values = {
      {"params", "7,000,000,000"}, {"ovh", "12.5"}, {"model", "qwen2.5-7b"}};
  const auto link = decodeScenarioLink(encodeScenarioLink(values));
  ASSERT_TRUE(link.ok()) << link.error().message;
  EXPECT_EQ(link->values, values);
}

TEST(ScenarioLink, IgnoresUnknownKeysButSaysWhich) {
  const auto link = decodeScenarioLink("?ctx=512&utm_source=x");
  ASSERT_TRUE(link.ok());
  ASSERT_EQ(link->ignored.size(), 1u);
  EXPECT_EQ(link->ignored[0], "utm_source");
}

TEST(ScenarioLink, CarriesEngineAndTrainingSettings) {
  const auto link = decodeScenarioLink("#ngl=-1&util=0.95&lt=q_proj%2Cv_proj&off=optimizer&ga=8");
  ASSERT_TRUE(link.ok()) << link.error().message;
  ASSERT_EQ(link->values.size(), 5u);
  // In the link's own order.
  EXPECT_EQ(link->values[0], (std::pair<std::string, std::string>{"ngl", "-1"}));
  EXPECT_EQ(link->values[1], (std::pair<std::string, std::string>{"util", "0.95"}));
  EXPECT_EQ(link->values[2], (std::pair<std::string, std::string>{"lt", "q_proj,v_proj"}));
  const auto tooMuch = decodeScenarioLink("#util=1.5");
  ASSERT_FALSE(tooMuch.ok());
  EXPECT_EQ(tooMuch.error().field, "gpuMemoryUtilization");
  const auto parallel = decodeScenarioLink("#cp=4&sp=1&te=1");
  ASSERT_TRUE(parallel.ok()) << parallel.error().message;
  EXPECT_EQ(parallel->values.size(), 3u);
  const auto notAFlag = decodeScenarioLink("#sp=yes");
  ASSERT_FALSE(notAFlag.ok());
  EXPECT_EQ(notAFlag.error().field, "sequenceParallel");
  const auto belowAll = decodeScenarioLink("#ngl=-2");
  ASSERT_FALSE(belowAll.ok());
  EXPECT_EQ(belowAll.error().field, "nGpuLayers");
}

struct BadLink {
  const char* link;
  const char* field;
};

class ScenarioLinkRejects : public ::testing::TestWithParam<BadLink> {};

TEST_P(ScenarioLinkRejects, NamesTheField) {
  const auto link = decodeScenarioLink(GetParam().link);
  ASSERT_FALSE(link.ok()) << GetParam().link;
  EXPECT_EQ(link.error().field, GetParam().field) << GetParam().link;
  EXPECT_FALSE(link.error().message.empty());
}

INSTANTIATE_TEST_SUITE_P(
    Hostile, ScenarioLinkRejects,
    ::testing::Values(BadLink{"model=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E", "model"},
                      BadLink{"params=%3Cscript%3E", "params"},
                      BadLink{"gpu=javascript:alert(1)", "gpu"}, BadLink{"ctx=1e400", "context"},
                      BadLink{"ctx=-5", "context"}, BadLink{"ctx=abc", "context"},
                      BadLink{"ctx=99999999999", "context"}, BadLink{"batch=1.5", "batch"},
                      BadLink{"ctx=", "context"}, BadLink{"ctx=1&ctx=2", "context"},
                      BadLink{"embed=yes", "embed"}, BadLink{"ovh=NaN", "overhead"},
                      BadLink{"model=%ZZ", "link"}, BadLink{"v=2", "version"}));

TEST(ScenarioLink, RefusesVeryLongLinks) {
  const std::string longLink = "params=" + std::string(5000, '7');
  const auto link = decodeScenarioLink(longLink);
  ASSERT_FALSE(link.ok());
  EXPECT_EQ(link.error().field, "link");
}
