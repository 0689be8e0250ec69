// The model catalog: enough popular models, sourced entries, parameter counts that match the
// officially stated ones, lookups by id.
#include "gpumem/model_catalog.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "gpumem/model_config.hpp"
#include "gpumem/model_parameters.hpp"

using namespace gpumem;

namespace {

std::vector<CatalogModel> catalogOrDie() {
  auto catalog = modelCatalog();
  EXPECT_TRUE(catalog.ok()) << (catalog.ok() ? "" : catalog.error().message);
  return catalog.ok() ? catalog.value() : std::vector<CatalogModel>{};
}

bool isStableId(const std::string& id) {
  if (id.empty()) return false;
  for (char c : id) {
    const bool allowed = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
    if (!allowed) return false;
  }
  return true;
}

}  // namespace

TEST(ModelCatalog, HoldsAtLeastTwoHundredModelsWithUniqueStableIds) {
  const auto models = catalogOrDie();
  EXPECT_GE(models.size(), 200u);
  std::set<std::string> ids;
  for (const CatalogModel& m : models) {
    EXPECT_TRUE(ids.insert(m.id).second) << "duplicate id " << m.id;
    EXPECT_TRUE(isStableId(m.id)) << "id must be lowercase letters, digits, '-' or '.': " << m.id;
  }
}

TEST(ModelCatalog, EveryEntryNamesWhereItsNumbersComeFrom) {
  for (const CatalogModel& m : catalogOrDie()) {
    EXPECT_FALSE(m.name.empty()) << m.id;
    EXPECT_FALSE(m.family.empty()) << m.id;
    EXPECT_GT(m.officialParams, 1e7) << m.id;
    EXPECT_LT(m.officialParams, 1e13) << m.id;
#ifndef __EMSCRIPTEN__  // the browser's copy of the catalog leaves provenance out
    EXPECT_FALSE(m.officialParamsSource.empty()) << m.id;
    EXPECT_FALSE(m.configSource.empty()) << m.id;
    if (!m.hfRepo.empty()) {
      EXPECT_EQ(m.configSource, "https://huggingface.co/" + m.hfRepo + "/blob/main/config.json")
          << m.id;
    }
#endif
    ASSERT_FALSE(m.configJson.empty()) << m.id;
    EXPECT_EQ(m.configJson.front(), '{') << m.id;
    EXPECT_NE(m.configJson.find("\"model_type\":"), std::string::npos) << m.id;
  }
}

TEST(ModelCatalog, CoversTheFamiliesPeopleRun) {
  std::set<std::string> families;
  for (const CatalogModel& m : catalogOrDie()) families.insert(m.family);
  for (const char* family :
       {"Llama",  "Mistral",   "Qwen",     "DeepSeek", "Gemma",  "Phi",      "gpt-oss",
        "OLMo",   "SmolLM",    "GPT",      "Falcon",   "Pythia", "Granite",  "Cohere",
        "GLM",    "StarCoder", "InternLM", "ERNIE",    "LLaVA",  "StableLM", "Yi",
        "EXAONE", "Jamba",     "Kimi",     "Nemotron"}) {
    EXPECT_TRUE(families.count(family)) << family;
  }
}

TEST(ModelCatalog, LookupIgnoresCaseAndSpacesAndKeepsTheConfig) {
  const auto model = findCatalogModel("  Llama-3.1-8B ");
  ASSERT_TRUE(model.ok()) << model.error().message;
  EXPECT_EQ(model->id, "llama-3.1-8b");
  EXPECT_EQ(model->hfRepo, "meta-llama/Llama-3.1-8B");
  EXPECT_DOUBLE_EQ(model->officialParams, 8.03e9);
  EXPECT_NE(model->configJson.find("\"num_key_value_heads\":8"), std::string::npos);
  EXPECT_NE(model->configJson.find("\"vocab_size\":128256"), std::string::npos);
}

TEST(ModelCatalog, NestedTextConfigSurvivesReserialisation) {
  const auto model = findCatalogModel("gemma-3-27b");
  ASSERT_TRUE(model.ok()) << model.error().message;
  EXPECT_NE(model->configJson.find("\"text_config\":{"), std::string::npos);
  EXPECT_NE(model->configJson.find("\"hidden_size\":5376"), std::string::npos);
}

TEST(ModelCatalog, UnknownIdNamesTheModelFieldAndSuggestsIds) {
  const auto missing = findCatalogModel("qwen3-3");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().field, "model");
  EXPECT_EQ(missing.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(missing.error().message.find("qwen3-30b-a3b"), std::string::npos)
      << missing.error().message;

  const auto nothingLikeIt = findCatalogModel("no-such-model");
  ASSERT_FALSE(nothingLikeIt.ok());
  EXPECT_EQ(nothingLikeIt.error().field, "model");
  EXPECT_EQ(nothingLikeIt.error().message.find("Did you mean"), std::string::npos);
}

TEST(ModelCatalog, EmptyIdIsAnError) {
  const auto empty = findCatalogModel("   ");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().field, "model");
}

TEST(ModelCatalog, EveryConfigParsesAndCountsWithinHalfAPercentOfTheOfficialCount) {
  for (const CatalogModel& m : catalogOrDie()) {
    const auto arch = parseModelConfig(m.configJson);
    ASSERT_TRUE(arch.ok()) << m.id << ": " << arch.error().message;
    const double counted = static_cast<double>(countModelParameters(*arch).total);
    EXPECT_NEAR(counted, m.officialParams, 0.005 * m.officialParams)
        << m.id << ": counted " << counted << ", stated " << m.officialParams << " ("
        << m.officialParamsSource << ")";
  }
}

// The calibration set measured the real checkpoints of a dozen catalog models; their catalog
// configs must count exactly what PyTorch counted when it loaded them.
TEST(ModelCatalog, CountsEqualTheParametersMeasuredOnRealCheckpoints) {
  std::ifstream file(std::string(GPUMEM_TEST_DATA_DIR) + "/calibration.jsonl");
  ASSERT_TRUE(file.good());
  std::map<std::string, double> measured;
  std::string line;
  while (std::getline(file, line)) {
    const auto row = nlohmann::json::parse(line, nullptr, false);
    if (row.is_discarded() || !row.contains("case") || !row.contains("result")) continue;
    const auto& c = row["case"];
    const auto& r = row["result"];
    if (!c.contains("kind") || c["kind"] != "infer" || !r.contains("params")) continue;
    measured[c["model"].get<std::string>()] = r["params"].get<double>();
  }
  int compared = 0;
  for (const auto& [id, params] : measured) {
    const auto model = findCatalogModel(id);
    if (!model.ok()) continue;
    const auto arch = parseModelConfig(model->configJson);
    ASSERT_TRUE(arch.ok()) << id << ": " << arch.error().message;
    EXPECT_EQ(static_cast<double>(countModelParameters(*arch).total), params) << id;
    ++compared;
  }
  EXPECT_GE(compared, 12);
}

TEST(ModelCatalog, FindsModelsTheWayPeopleWriteThem) {
  // Names, Hub ids, instruct variants and a few words find the one model they mean.
  for (const char* typed : {"Llama 3.1 8B", "meta-llama/Llama-3.1-8B", "Llama-3.1-8B-Instruct",
                            "meta-llama/Llama-3.1-8B-Instruct", "llama 3.1 8b", "LLAMA-3.1-8B"}) {
    const auto model = findCatalogModel(typed);
    ASSERT_TRUE(model.ok()) << typed << ": " << model.error().message;
    EXPECT_EQ(model->id, "llama-3.1-8b") << typed;
  }
}

TEST(ModelCatalog, AmbiguousWordsListTheMatches) {
  const auto several = findCatalogModel("gemma 27b");
  ASSERT_FALSE(several.ok());
  EXPECT_EQ(several.error().field, "model");
  EXPECT_NE(several.error().message.find("gemma-2-27b"), std::string::npos);
  EXPECT_NE(several.error().message.find("gemma-3-27b"), std::string::npos);
}
