// Reading safetensors headers and sharded-checkpoint indexes.
#include "gpumem/safetensors_header.hpp"

#include <gtest/gtest.h>

#include "gpumem/answer.hpp"
#include "gpumem/model_file.hpp"
#include "gpumem/scenario.hpp"
#include "model_file_writer.hpp"

using namespace gpumem;

namespace {
const std::string kHeader =
    R"({"__metadata__":{"format":"pt"},)"
    R"("model.embed_tokens.weight":{"dtype":"BF16","shape":[1000,64],"data_offsets":[0,128000]},)"
    R"("model.norm.weight":{"dtype":"F32","shape":[64],"data_offsets":[128000,128256]}})";
}

TEST(SafetensorsHeader, ReadsTensorsShapesAndDtypes) {
  const auto bytes = testfiles::safetensorsHeader(kHeader);
  const auto inv = readSafetensorsHeader(bytes, bytes.size() + 128256);
  ASSERT_TRUE(inv.ok()) << inv.error().message;
  ASSERT_EQ(inv->tensors.size(), 2u);
  EXPECT_DOUBLE_EQ(inv->totalElements, 64000 + 64);
  EXPECT_DOUBLE_EQ(inv->totalBytes, 128256);
  EXPECT_EQ(inv->metadataValue("format"), "pt");
  EXPECT_EQ(inv->headerBytes, bytes.size());
}

TEST(SafetensorsHeader, TellsHowManyBytesToRead) {
  const auto bytes = testfiles::safetensorsHeader(kHeader);
  const auto span = safetensorsHeaderSpan(std::span(bytes).first(8), bytes.size() + 128256);
  ASSERT_TRUE(span.ok());
  EXPECT_EQ(*span, bytes.size());
  const auto partial = readSafetensorsHeader(std::span(bytes).first(100), bytes.size() + 128256);
  ASSERT_FALSE(partial.ok());
  EXPECT_EQ(partial.error().code, ErrorCode::kNeedMoreData);
}

TEST(SafetensorsHeader, RefusesOffsetsThatDisagreeWithTheShape) {
  const auto bytes = testfiles::safetensorsHeader(
      R"({"w":{"dtype":"BF16","shape":[10,10],"data_offsets":[0,100]}})");
  const auto inv = readSafetensorsHeader(bytes, bytes.size() + 1000);
  ASSERT_FALSE(inv.ok());
  EXPECT_EQ(inv.error().field, "file");
}

TEST(SafetensorsHeader, RefusesImpossibleLengthsAndNonJson) {
  testfiles::Bytes huge;
  huge.put<std::uint64_t>(1ull << 62);
  EXPECT_FALSE(readSafetensorsHeader(huge.data, 1ull << 40).ok());
  const auto notJson = testfiles::safetensorsHeader("{not json");
  EXPECT_EQ(readSafetensorsHeader(notJson, notJson.size()).error().code, ErrorCode::kParseError);
  const auto unknownDtype =
      testfiles::safetensorsHeader(R"({"w":{"dtype":"Q9","shape":[1],"data_offsets":[0,1]}})");
  EXPECT_FALSE(readSafetensorsHeader(unknownDtype, unknownDtype.size() + 1).ok());
  std::vector<std::uint8_t> tiny = {1, 2, 3};
  EXPECT_FALSE(readSafetensorsHeader(tiny, 3).ok());
}

TEST(SafetensorsIndex, ReadsTotalSizeAndTensorNames) {
  const auto inv = readSafetensorsIndex(
      R"({"metadata":{"total_size":16060522496},"weight_map":{"a":"model-00001-of-00004.safetensors","b":"model-00002-of-00004.safetensors"}})");
  ASSERT_TRUE(inv.ok()) << inv.error().message;
  EXPECT_DOUBLE_EQ(inv->totalBytes, 16060522496.0);
  EXPECT_EQ(inv->tensors.size(), 2u);
  EXPECT_FALSE(readSafetensorsIndex(R"({"weight_map":{}})").ok());
}

// An index gives the bytes of the weights, not their count: with its config.json the model's
// count comes from the config; alone it asks for the config instead of failing obscurely.
TEST(SafetensorsIndex, WeighsWithTheBytesAndCountsWithTheConfig) {
  const std::string index =
      R"({"metadata":{"total_size":2471645184},"weight_map":{"a":"model-00001-of-00002.safetensors"}})";
  const auto* data = reinterpret_cast<const std::uint8_t*>(index.data());
  const auto file = readModelFile("model.safetensors.index.json",
                                  std::span<const std::uint8_t>(data, index.size()), index.size());
  ASSERT_TRUE(file.ok()) << file.error().message;
  const std::string json = modelFileToJson(*file);
  ASSERT_TRUE(modelFileFromJson(json).ok());
  std::map<std::string, std::string, std::less<>> values{{"file", json}};
  const auto alone = parseScenario(values, Strictness::kStrict);
  ASSERT_TRUE(alone.ok()) << alone.error().message;
  const auto refused = evaluate(*alone);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("config.json"), std::string::npos);
  values["config"] =
      R"({"model_type":"llama","hidden_size":2048,"intermediate_size":8192,"num_hidden_layers":16,)"
      R"("num_attention_heads":32,"num_key_value_heads":8,"vocab_size":128256,)"
      R"("tie_word_embeddings":true,"head_dim":64})";
  const auto withConfig = parseScenario(values, Strictness::kStrict);
  ASSERT_TRUE(withConfig.ok()) << withConfig.error().message;
  const auto answer = evaluate(*withConfig);
  ASSERT_TRUE(answer.ok()) << answer.error().message;
  EXPECT_DOUBLE_EQ(answer->parameters, 1235814400.0);
}
