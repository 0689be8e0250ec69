// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// Parameter counts against the counts PyTorch measured for the calibration models.
#include "gpumem/model_parameters.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "gpumem/model_config.hpp"

namespace gpumem {
namespace {

std::string readFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

/// model name → measured `params`, from the calibration set's result lines.
std::map<std::string, double> measuredParameterCounts() {
  std::map<std::string, double> counts;
  std::ifstream in(std::string(GPUMEM_TEST_DATA_DIR) + "/calibration.jsonl");
  std::string line;
  while (std::getline(in, line)) {
    const auto record = nlohmann::json::parse(line, nullptr, false);
    if (record.is_discarded() || !record.contains("case") || !record.contains("result")) continue;
    const auto& kase = record["case"];
    const auto& result = record["result"];
    // LoRA cases count the adapter too; only plain models give the base count.
    if (kase.value("mode", std::string()) == "lora") continue;
    if (!result.contains("params") || !result["params"].is_number()) continue;
    counts[kase.value("model", std::string())] = result["params"].get<double>();
  }
  return counts;
}

TEST(ModelParameters, EqualMeasuredCountsOfEveryCalibrationModel) {
  const auto measured = measuredParameterCounts();
  ASSERT_EQ(measured.size(), 12u);
  for (const auto& [model, params] : measured) {
    const std::string text =
        readFile(std::string(GPUMEM_TEST_DATA_DIR) + "/calibration-configs/" + model + ".json");
    ASSERT_FALSE(text.empty()) << model;
    const auto arch = parseModelConfig(text);
    ASSERT_TRUE(arch.ok()) << model << ": " << arch.error().message;
    EXPECT_EQ(countModelParameters(*arch).total, params) << model;
  }
}

TEST(ModelParameters, PartsSumToTotal) {
  const auto arch = parseModelConfig(
      R"({"model_type":"qwen2_moe","hidden_size":2048,"num_hidden_layers":24,
          "num_attention_heads":16,"num_key_value_heads":16,"vocab_size":151936,
          "intermediate_size":5632,"moe_intermediate_size":1408,"num_experts":60,
          "num_experts_per_tok":4,"shared_expert_intermediate_size":5632})");
  ASSERT_TRUE(arch.ok()) << arch.error().message;
  const ModelParameters p = countModelParameters(*arch);
  EXPECT_DOUBLE_EQ(
      p.total, p.embedding + p.outputHead + p.attention + p.mlp + p.experts + p.router + p.norms);
  EXPECT_GT(p.experts, 10 * p.activeExperts / 4);
}

// Qwen1.5-MoE-A2.7B: 14.3B parameters in total (its model card), 2.7B active.
TEST(ModelParameters, Qwen15MoeTotalMatchesModelCard) {
  const auto arch = parseModelConfig(
      R"({"model_type":"qwen2_moe","hidden_size":2048,"num_hidden_layers":24,
          "num_attention_heads":16,"num_key_value_heads":16,"vocab_size":151936,
          "intermediate_size":5632,"moe_intermediate_size":1408,"num_experts":60,
          "num_experts_per_tok":4,"shared_expert_intermediate_size":5632,
          "tie_word_embeddings":false})");
  ASSERT_TRUE(arch.ok());
  EXPECT_NEAR(countModelParameters(*arch).total / 1e9, 14.3, 0.05);
}

// DeepSeek-V3: 671B parameters of the main model (its technical report; the 14B of the
// multi-token-prediction module are not part of the Hugging Face model).
TEST(ModelParameters, DeepseekV3MatchesTechnicalReport) {
  const auto arch = parseModelConfig(
      R"({"model_type":"deepseek_v3","hidden_size":7168,"intermediate_size":18432,
          "moe_intermediate_size":2048,"num_hidden_layers":61,"num_attention_heads":128,
          "num_key_value_heads":128,"n_shared_experts":1,"n_routed_experts":256,
          "num_experts_per_tok":8,"first_k_dense_replace":3,"moe_layer_freq":1,
          "q_lora_rank":1536,"kv_lora_rank":512,"qk_nope_head_dim":128,"qk_rope_head_dim":64,
          "v_head_dim":128,"vocab_size":129280,"tie_word_embeddings":false})");
  ASSERT_TRUE(arch.ok()) << arch.error().message;
  EXPECT_NEAR(countModelParameters(*arch).total / 1e9, 671, 1.5);
}

}  // namespace
}  // namespace gpumem
