// Shareable links: a scenario round-trips through its link; hostile values are refused with
// the field named; keys are the schema's.
#include "gpumem/scenario_link.hpp"

#include <gtest/gtest.h>

using namespace gpumem;

namespace {

Scenario scenarioOf(std::map<std::string, std::string, std::less<>> values) {
  const auto s = parseScenario(values, Strictness::kLenient);
  EXPECT_TRUE(s.ok()) << s.error().message;
  return *s;
}

}  // namespace

TEST(ScenarioLink, DecodesAValidScenarioByFieldName) {
  const auto link = decodeScenarioLink("#v=1&model=llama-3.1-8b&ctx=8192&batch=1&gpu=h100-80gb");
  ASSERT_TRUE(link.ok()) << link.error().message;
  ASSERT_EQ(link->values.size(), 4u);
  EXPECT_EQ(link->values.at("model"), "llama-3.1-8b");
  EXPECT_EQ(link->values.at("contextLength"), "8192");
  EXPECT_EQ(link->values.at("gpu"), "h100-80gb");
  EXPECT_TRUE(link->ignored.empty());
}

TEST(ScenarioLink, EveryLinkKeyIsAFieldAndRoundTrips) {
  // A value other than the default for every field with a link key.
  std::map<std::string, std::string, std::less<>> values = {
      {"task", "qlora"},
      {"model", "qwen2.5-7b"},
      {"precision", "fp32"},
      {"kvDtype", "fp8"},
      {"recipe", "bf16"},
      {"contextLength", "1000"},
      {"generatedTokens", "10"},
      {"batch", "3"},
      {"engine", "vllm"},
      {"attention", "eager"},
      {"gpuMemoryUtilization", "0.8"},
      {"entrypoint", "llm"},
      {"maxKvSize", "4096"},
      {"maxModelLen", "auto"},
      {"maxNumSeqs", "64"},
      {"maxNumBatchedTokens", "4096"},
      {"blockSize", "32"},
      {"enforceEager", "true"},
      {"nGpuLayers", "10"},
      {"ubatchSize", "256"},
      {"flashAttention", "false"},
      {"ctxSize", "32768"},
      {"parallel", "2"},
      {"fit", "false"},
      {"fitTarget", "2048"},
      {"cacheTypeK", "q8_0"},
      {"cacheTypeV", "q4_0"},
      {"nCpuMoe", "3"},
      {"batchSize", "256"},
      {"swaFull", "true"},
      {"draftModel", "llama-3.2-1b"},
      {"numSpeculativeTokens", "3"},
      {"speculativeMethod", "eagle3"},
      {"draftVocabSize", "16000"},
      {"numCtx", "16384"},
      {"numParallel", "2"},
      {"freeGpuMemoryFraction", "0.5"},
      {"optimizer", "lion"},
      {"checkpointing", "full"},
      {"stack", "unsloth"},
      {"activationOffload", "true"},
      {"gradientAccumulation", "4"},
      {"evalBatch", "8"},
      {"sharding", "zero3"},
      {"offload", "all"},
      {"loraRank", "64"},
      {"loraTargets", "q_proj,v_proj"},
      {"trainEmbeddings", "true"},
      {"loadIn8bit", "true"},
      {"quantType", "fp4"},
      {"doubleQuant", "false"},
      {"quantStorage", "uint8"},
      {"reduceBucketSize", "200000000"},
      {"overlapComm", "true"},
      {"stage3MaxLiveParameters", "300000000"},
      {"stage3ParamPersistenceThreshold", "40960"},
      {"stage3PrefetchBucketSize", "15099494"},
      {"stage3MaxReuseDistance", "0"},
      {"reshardAfterForward", "false"},
      {"offloadDevice", "nvme"},
      {"contextParallel", "2"},
      {"sequenceParallel", "true"},
      {"gpusPerNode", "4"},
      {"overhead", "12.5"},
      {"activationPerSample", "75"},
      {"gpu", "a100-80gb"},
      {"gpuMemory", "22.07GiB"},
      {"imagesPerRequest", "2"},
      {"gpuCount", "16"},
      {"engineVersion", "0.10"},
      {"memFractionStatic", "0.8"},
      {"tensorParallel", "2"},
      {"pipelineParallel", "2"},
      {"expertParallel", "2"},
      {"unit", "gib"},
      {"params", ""}};
  std::size_t linked = 0;
  for (const FieldSpec& f : scenarioSchema()) {
    if (f.link.empty()) continue;
    ++linked;
    EXPECT_TRUE(values.count(std::string(f.name))) << f.name << " has a link key but no test value";
    EXPECT_EQ(findFieldByLink(f.link), &f);
  }
  EXPECT_EQ(linked, values.size());
  const Scenario s = scenarioOf(values);
  const auto link = decodeScenarioLink(encodeScenarioLink(s, {"v=1&batch=2"}));
  ASSERT_TRUE(link.ok()) << link.error().message;
  for (const auto& [name, value] : values) {
    if (value == findField(name)->defaultValue) continue;
    ASSERT_TRUE(link->values.count(name)) << name;
    EXPECT_EQ(link->values.at(name), value) << name;
  }
  ASSERT_EQ(link->compare.size(), 1u);
  EXPECT_EQ(link->compare[0], "v=1&batch=2");
}

TEST(ScenarioLink, LeavesOutDefaultsAndWhatALinkCannotCarry) {
  const Scenario s = scenarioOf({{"contextLength", "8192"}, {"batch", "4"}, {"config", "{}"}});
  EXPECT_EQ(encodeScenarioLink(s), "v=1&batch=4");
  EXPECT_TRUE(linkLosesInput(s));
  EXPECT_FALSE(linkLosesInput(scenarioOf({{"batch", "4"}})));
}

TEST(ScenarioLink, IgnoresUnknownKeysButSaysWhich) {
  const auto link = decodeScenarioLink("?ctx=512&utm_source=x");
  ASSERT_TRUE(link.ok());
  ASSERT_EQ(link->ignored.size(), 1u);
  EXPECT_EQ(link->ignored[0], "utm_source");
}

TEST(ScenarioLink, CanonicalisesValues) {
  const auto link = decodeScenarioLink("#util=0.950&lt=q_proj%2Cv_proj&sp=1&prec=BF16");
  ASSERT_TRUE(link.ok()) << link.error().message;
  EXPECT_EQ(link->values.at("gpuMemoryUtilization"), "0.95");
  EXPECT_EQ(link->values.at("loraTargets"), "q_proj,v_proj");
  EXPECT_EQ(link->values.at("sequenceParallel"), "true");
  EXPECT_EQ(link->values.at("precision"), "bf16");
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
    ::testing::Values(
        BadLink{"model=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E", "model"},
        BadLink{"params=%3Cscript%3E", "params"}, BadLink{"gpu=javascript:alert(1)", "gpu"},
        BadLink{"ctx=1e400", "contextLength"}, BadLink{"ctx=-5", "contextLength"},
        BadLink{"ctx=abc", "contextLength"}, BadLink{"ctx=99999999999", "contextLength"},
        BadLink{"batch=1.5", "batch"}, BadLink{"ctx=", "contextLength"},
        BadLink{"ctx=1&ctx=2", "contextLength"}, BadLink{"embed=yes", "embed"},
        BadLink{"ovh=NaN", "overhead"}, BadLink{"util=1.5", "gpuMemoryUtilization"},
        BadLink{"sp=maybe", "sequenceParallel"}, BadLink{"ngl=-2", "nGpuLayers"},
        BadLink{"ctx=100&gen=100", "generatedTokens"}, BadLink{"engine=ollama2", "engine"},
        BadLink{"model=%ZZ", "link"}, BadLink{"v=2", "version"}));

TEST(ScenarioLink, RefusesVeryLongLinks) {
  // Built by append: GCC 12 misreads "literal" + std::string(5000, …) under -O3 as an
  // out-of-bounds copy (-Warray-bounds false positive).
  std::string longLink = "params=";
  longLink.append(5000, '7');
  const auto link = decodeScenarioLink(longLink);
  ASSERT_FALSE(link.ok());
  EXPECT_EQ(link.error().field, "link");
}

TEST(ScenarioLink, ComparedScenariosAreCheckedToo) {
  const auto markup = decodeScenarioLink("#v=1&cmp=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E");
  ASSERT_FALSE(markup.ok());
  EXPECT_EQ(markup.error().field, "compare");
  const auto good = decodeScenarioLink("#v=1&cmp=v%3D1%26batch%3D2%7Cv%3D1%26ctx%3D1024");
  ASSERT_TRUE(good.ok()) << good.error().message;
  EXPECT_EQ(good->compare.size(), 2u);
}
