// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
#include "gpumem/model_config.hpp"

#include <gtest/gtest.h>

#include "test_models.hpp"

namespace gpumem {
namespace {

TEST(ModelConfig, ReadsExplicitHeadDimInsteadOfHiddenOverHeads) {
  // Gemma 2 2B: 8 heads of 256 on a 2304-wide model (2304 / 8 = 288).
  const auto arch = parseModelConfig(
      R"({"model_type":"gemma2","hidden_size":2304,"intermediate_size":9216,
          "num_hidden_layers":26,"num_attention_heads":8,"num_key_value_heads":4,
          "head_dim":256,"vocab_size":256000})");
  ASSERT_TRUE(arch.ok()) << arch.error().message;
  EXPECT_EQ(arch->headDim, 256);
  EXPECT_EQ(arch->numKvHeads, 4);
  EXPECT_TRUE(arch->tieWordEmbeddings);  // Gemma ties by default
  EXPECT_EQ(arch->slidingWindow, 4096);
  EXPECT_EQ(arch->slidingLayerCount(), 13);  // every other layer
}

TEST(ModelConfig, KvHeadsDefaultToAttentionHeads) {
  const auto arch = parseModelConfig(
      R"({"model_type":"llama","hidden_size":4096,"intermediate_size":11008,
          "num_hidden_layers":32,"num_attention_heads":32,"vocab_size":32000})");
  ASSERT_TRUE(arch.ok());
  EXPECT_EQ(arch->numKvHeads, 32);
  EXPECT_EQ(arch->headDim, 128);
  EXPECT_FALSE(arch->tieWordEmbeddings);
}

TEST(ModelConfig, Gpt2NamesAndDefaults) {
  const auto arch = parseModelConfig(R"({"model_type":"gpt2","n_embd":768,"n_layer":12,"n_head":12,
                           "vocab_size":50257})");
  ASSERT_TRUE(arch.ok());
  EXPECT_EQ(arch->intermediateSize, 3072);
  EXPECT_EQ(arch->learnedPositions, 1024);
  EXPECT_EQ(arch->mlpKind, MlpKind::kPlain);
}

TEST(ModelConfig, Gemma3ReadsNestedTextConfig) {
  const auto arch = parseModelConfig(
      R"({"model_type":"gemma3","text_config":{"model_type":"gemma3_text","hidden_size":2560,
          "intermediate_size":10240,"num_hidden_layers":34,"num_attention_heads":8,
          "num_key_value_heads":4,"head_dim":256,"vocab_size":262208,"sliding_window":1024}})");
  ASSERT_TRUE(arch.ok()) << arch.error().message;
  EXPECT_EQ(arch->modelType, "gemma3");
  EXPECT_EQ(arch->hiddenSize, 2560);
  EXPECT_EQ(arch->slidingWindow, 1024);
  EXPECT_EQ(arch->slidingLayerCount(), 29);  // five of every six of 34 layers
}

TEST(ModelConfig, MistralNullSlidingWindowMeansNone) {
  const auto arch = parseModelConfig(
      R"({"model_type":"mistral","hidden_size":4096,"intermediate_size":14336,
          "num_hidden_layers":32,"num_attention_heads":32,"num_key_value_heads":8,
          "vocab_size":32768,"sliding_window":null})");
  ASSERT_TRUE(arch.ok());
  EXPECT_EQ(arch->slidingLayerCount(), 0);
}

TEST(ModelConfig, DeepseekDenseFirstLayersAndMla) {
  const auto arch = parseModelConfig(test::kDeepseekV3);
  ASSERT_TRUE(arch.ok());
  EXPECT_TRUE(arch->hasMla);
  EXPECT_EQ(arch->moe.denseLayers, 3);
  EXPECT_EQ(arch->mla.kvLoraRank, 512);
}

TEST(ModelConfig, UnknownModelTypeNamesTheFieldsItNeeds) {
  const auto arch = parseModelConfig(R"({"model_type":"rwkv","hidden_size":768})");
  ASSERT_FALSE(arch.ok());
  EXPECT_EQ(arch.error().field, "config");
  EXPECT_NE(arch.error().message.find("rwkv"), std::string::npos);
  EXPECT_NE(arch.error().message.find("num_key_value_heads"), std::string::npos);
}

TEST(ModelConfig, MissingRequiredFieldIsNamed) {
  const auto arch = parseModelConfig(R"({"model_type":"llama","hidden_size":4096})");
  ASSERT_FALSE(arch.ok());
  EXPECT_NE(arch.error().message.find("num_hidden_layers"), std::string::npos);
}

TEST(ModelConfig, MalformedJsonIsAParseError) {
  const auto arch = parseModelConfig("{\"model_type\": ");
  ASSERT_FALSE(arch.ok());
  EXPECT_EQ(arch.error().code, ErrorCode::kParseError);
}

}  // namespace
}  // namespace gpumem
