// The scenario schema: one table of every input, validated values, and where each applies.
#include "gpumem/scenario.hpp"

#include <gtest/gtest.h>

#include <set>

#include "gpumem/answer.hpp"

using namespace gpumem;

namespace {

using Values = std::map<std::string, std::string, std::less<>>;

Result<Scenario> strict(Values values) { return parseScenario(values, Strictness::kStrict); }

}  // namespace

TEST(Schema, NamesFlagsAndLinkKeysAreUnique) {
  std::set<std::string_view> names, flags, links;
  for (const FieldSpec& f : scenarioSchema()) {
    EXPECT_TRUE(names.insert(f.name).second) << f.name;
    if (!f.flag.empty()) {
      EXPECT_TRUE(flags.insert(f.flag).second) << f.flag;
    }
    if (!f.link.empty()) {
      EXPECT_TRUE(links.insert(f.link).second) << f.link;
    }
    EXPECT_FALSE(f.help.empty()) << f.name;
    EXPECT_EQ(findField(f.name), &f);
  }
  EXPECT_GE(names.size(), 35u);
}

TEST(Schema, EveryDefaultIsAValidValue) {
  for (const FieldSpec& f : scenarioSchema()) {
    const auto s =
        parseScenario({{std::string(f.name), std::string(f.defaultValue)}}, Strictness::kLenient);
    ASSERT_TRUE(s.ok()) << f.name << ": " << s.error().message;
    EXPECT_EQ(s->text(f.name), f.defaultValue) << f.name << " is not in canonical form";
    if ((f.type == FieldType::kInteger || f.type == FieldType::kDecimal) &&
        f.defaultValue != "auto") {
      EXPECT_LE(f.min, f.max) << f.name;
      EXPECT_GE(s->number(f.name), f.min) << f.name;
      EXPECT_LE(s->number(f.name), f.max) << f.name;
    }
  }
}

TEST(Schema, EveryChoiceOfTheMenuIsAccepted) {
  for (const FieldSpec& f : scenarioSchema()) {
    for (const FieldChoice& c : f.choices) {
      const auto s =
          parseScenario({{std::string(f.name), std::string(c.id)}}, Strictness::kLenient);
      EXPECT_TRUE(s.ok()) << f.name << "=" << c.id << ": " << (s ? "" : s.error().message);
    }
  }
}

TEST(Scenario, DefaultsAnswerTheFirstScreen) {
  const Scenario s = defaultScenario();
  EXPECT_EQ(s.text("model"), "llama-3.1-8b");
  EXPECT_EQ(s.integer("contextLength"), 8192);
  EXPECT_EQ(s.integer("generatedTokens"), 256);
  EXPECT_TRUE(usesArchitecture(s));
  EXPECT_FALSE(s.given("model"));
}

TEST(Scenario, RangesAreCheckedWithTheFieldNamed) {
  for (const auto& [name, value] :
       std::vector<std::pair<std::string, std::string>>{{"contextLength", "0"},
                                                        {"contextLength", "1.5"},
                                                        {"batch", "1e400"},
                                                        {"gpuCount", "100001"},
                                                        {"gpuMemoryUtilization", "1.01"},
                                                        {"task", "dpo"},
                                                        {"gpu", "h900"},
                                                        {"flashAttention", "perhaps"},
                                                        {"params", "-5B"},
                                                        {"loraTargets", "x_proj"}}) {
    const auto s = strict({{name, value}});
    ASSERT_FALSE(s.ok()) << name << "=" << value;
    EXPECT_EQ(s.error().field, name) << s.error().message;
  }
}

TEST(Scenario, UnknownNamesSuggestTheNearestField) {
  const auto s = strict({{"contextLenght", "100"}});
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("contextLength"), std::string::npos) << s.error().message;
}

TEST(Scenario, StrictModeRefusesInputsThatDoNotApply) {
  const auto vllmOnly = strict({{"gpuMemoryUtilization", "0.8"}});  // engine: transformers
  ASSERT_FALSE(vllmOnly.ok());
  EXPECT_EQ(vllmOnly.error().field, "gpuMemoryUtilization");
  EXPECT_NE(vllmOnly.error().message.find("vLLM"), std::string::npos);
  EXPECT_TRUE(strict({{"engine", "vllm"}, {"gpuMemoryUtilization", "0.8"}}).ok());
  const auto loraOnInference = strict({{"loraRank", "8"}});
  ASSERT_FALSE(loraOnInference.ok());
  EXPECT_EQ(loraOnInference.error().field, "loraRank");
  const auto both = strict({{"model", "llama-3.1-8b"}, {"params", "7B"}});
  ASSERT_FALSE(both.ok());
  EXPECT_EQ(both.error().field, "params");
  // The page's lenient mode keeps such values but they change nothing.
  EXPECT_TRUE(parseScenario({{"loraRank", "8"}}, Strictness::kLenient).ok());
}

TEST(Scenario, GeneratedTokensMustLeaveAPrompt) {
  const auto s = strict({{"contextLength", "100"}, {"generatedTokens", "100"}});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().field, "generatedTokens");
  // The default 256 generated tokens: a decoder's estimate refuses a 100-token context, an
  // encoder's (bge-m3) has no generated part.
  const auto short_ = strict({{"contextLength", "100"}});
  ASSERT_TRUE(short_.ok());
  const auto decoder = evaluate(*short_, {});
  ASSERT_FALSE(decoder.ok());
  EXPECT_EQ(decoder.error().field, "generatedTokens");
  EXPECT_TRUE(evaluate(short_->with("model", "bge-m3"), {}).ok());
}

TEST(Scenario, InapplicableReasonsSayWhy) {
  const Scenario s = defaultScenario();
  EXPECT_EQ(inapplicableReason(*findField("contextLength"), s, false), "");
  EXPECT_NE(inapplicableReason(*findField("nGpuLayers"), s, false).find("llama.cpp"),
            std::string::npos);
  EXPECT_NE(inapplicableReason(*findField("expertParallel"), s, false).find("mixture-of-experts"),
            std::string::npos);
  EXPECT_EQ(inapplicableReason(*findField("expertParallel"), s, true), "");
  // --swa-full needs sliding-window layers; -b applies to llama.cpp whatever the model.
  const Scenario llama = s.with("engine", "llama.cpp");
  EXPECT_NE(inapplicableReason(*findField("swaFull"), llama, false, false, false, false)
                .find("sliding-window"),
            std::string::npos);
  EXPECT_EQ(inapplicableReason(*findField("swaFull"), llama, false, false, false, true), "");
  EXPECT_EQ(inapplicableReason(*findField("batchSize"), llama, false, false, false, false), "");
  EXPECT_NE(inapplicableReason(*findField("batchSize"), s, false).find("llama.cpp"),
            std::string::npos);
  const auto simple = strict({{"params", "70B"}});
  ASSERT_TRUE(simple.ok());
  EXPECT_FALSE(usesArchitecture(*simple));
  EXPECT_NE(inapplicableReason(*findField("contextLength"), *simple, false), "");
  EXPECT_EQ(inapplicableReason(*findField("overhead"), *simple, false), "");
}

TEST(Scenario, TheSchemaAsJsonListsEveryField) {
  const std::string json = schemaToJson();
  for (const FieldSpec& f : scenarioSchema()) {
    EXPECT_NE(json.find("\"name\": \"" + std::string(f.name) + "\""), std::string::npos) << f.name;
  }
  EXPECT_NE(json.find("\"appliesTo\""), std::string::npos);
}
