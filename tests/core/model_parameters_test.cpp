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
#include "gpumem/persistent_parameters.hpp"
#include "test_models.hpp"

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

/// Qwen1.5-MoE-A2.7B (Qwen/Qwen1.5-MoE-A2.7B config.json).
constexpr const char* kQwen15MoeA27b =
    R"({"model_type":"qwen2_moe","hidden_size":2048,"num_hidden_layers":24,
        "num_attention_heads":16,"num_key_value_heads":16,"vocab_size":151936,
        "intermediate_size":5632,"moe_intermediate_size":1408,"num_experts":60,
        "num_experts_per_tok":4,"shared_expert_intermediate_size":5632,
        "tie_word_embeddings":false})";

TEST(ModelParameters, PartsSumToTotal) {
  const auto arch = parseModelConfig(kQwen15MoeA27b);
  ASSERT_TRUE(arch.ok()) << arch.error().message;
  const ModelParameters p = countModelParameters(*arch);
  EXPECT_DOUBLE_EQ(
      p.total, p.embedding + p.outputHead + p.attention + p.mlp + p.experts + p.router + p.norms);
  EXPECT_GT(p.experts, 10 * p.activeExperts / 4);
}

// Qwen1.5-MoE-A2.7B: 14.3B parameters in total (its model card), 2.7B active.
TEST(ModelParameters, Qwen15MoeTotalMatchesModelCard) {
  const auto arch = parseModelConfig(kQwen15MoeA27b);
  ASSERT_TRUE(arch.ok());
  EXPECT_NEAR(countModelParameters(*arch).total / 1e9, 14.3, 0.05);
}

// DeepSeek-V3: 671B parameters of the main model (its technical report; the 14B of the
// multi-token-prediction module are not part of the Hugging Face model).
TEST(ModelParameters, DeepseekV3MatchesTechnicalReport) {
  const auto arch = parseModelConfig(test::kDeepseekV3);
  ASSERT_TRUE(arch.ok()) << arch.error().message;
  EXPECT_NEAR(countModelParameters(*arch).total / 1e9, 671, 1.5);
}

// DeepSeek-V3's MTP module (num_nextn_predict_layers 1), tensor by tensor as README_WEIGHTS.md
// lists it: enorm and hnorm (7,168 each), eh_proj 7,168 × 14,336, the layer-61 transformer
// block (MLA, 256 routed experts and one shared expert of 2,048, the router), and
// shared_head.norm; its embedding and shared_head.head are copies of the main model's
// (129,280 × 7,168 each). The Hugging Face checkpoint is 685B = 671B main + 14B MTP.
TEST(ModelParameters, DeepseekV3MtpModuleMatchesItsTensors) {
  nlohmann::json config = nlohmann::json::parse(test::kDeepseekV3);
  config["num_nextn_predict_layers"] = 1;
  const auto arch = parseModelConfig(config.dump());
  ASSERT_TRUE(arch.ok()) << arch.error().message;
  EXPECT_EQ(arch->mtpLayers, 1);
  const double h = 7168;
  const double attention = h * 1536 + 1536 + 1536.0 * 128 * (128 + 64)         // q_a, norm, q_b
                           + h * (512 + 64) + 512 + 512.0 * 128 * (128 + 128)  // kv_a, norm, kv_b
                           + 128.0 * 128 * h;                                  // o_proj
  const double moe = 257 * 3 * h * 2048 + 256 * h;  // routed + shared experts, router
  const double module = 2 * h + h * 2 * h + (2 * h + attention + moe) + h;
  const MtpParameters mtp = countMtpParameters(*arch);
  EXPECT_DOUBLE_EQ(mtp.unique, module);
  EXPECT_DOUBLE_EQ(mtp.sharedCopies, 2 * 129280 * h);
  // The main model's count is unchanged by the MTP layer, and with the module (its copies
  // included) the checkpoint holds 685B, to the rounding of that published figure.
  const double main = countModelParameters(*arch).total;
  EXPECT_NEAR((main + mtp.unique + mtp.sharedCopies) / 1e9, 685, 0.6);
  // The MTP layer caches one MLA latent of kv_lora_rank + qk_rope_head_dim per token.
  const ModelArchitecture layer = mtpArchitecture(*arch);
  EXPECT_EQ(layer.numLayers, 1);
  EXPECT_EQ(layer.attentionLayerCount(), 1);
}

// A config without MTP layers has none, and a Qwen3-Next config names them
// mtp_num_hidden_layers.
TEST(ModelParameters, MtpLayersAreReadFromEitherKey) {
  const auto none = parseModelConfig(
      R"({"model_type":"llama","hidden_size":64,"intermediate_size":128,"num_hidden_layers":2,
          "num_attention_heads":4,"vocab_size":100})");
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->mtpLayers, 0);
  EXPECT_DOUBLE_EQ(countMtpParameters(*none).unique, 0);
  const auto qwen = parseModelConfig(
      R"({"model_type":"llama","hidden_size":64,"intermediate_size":128,"num_hidden_layers":2,
          "num_attention_heads":4,"vocab_size":100,"mtp_num_hidden_layers":2})");
  ASSERT_TRUE(qwen.ok());
  EXPECT_EQ(qwen->mtpLayers, 2);
  // Two Llama layers of 64: q, k, v, o 4·64², gated MLP 3·64·128, two norms; then enorm,
  // hnorm, eh_proj 2·64², and the head's norm, per layer.
  const double layer = 4 * 64 * 64 + 3 * 64 * 128 + 2 * 64;
  EXPECT_DOUBLE_EQ(countMtpParameters(*qwen).unique, 2 * (layer + 2 * 64 + 2 * 64 * 64 + 64));
}

// DeepSpeed ZeRO-3's persistence threshold keeps a tensor whole when it has at most that
// many elements. Above the largest tensor every tensor persists, so the tally of tensor
// shapes must add up to the parameter count PyTorch measured for each calibration model
// (dense, GQA with biases, sliding-window, MLA with experts, gpt-oss's fused experts).
TEST(PersistentParameters, EveryTensorPersistsAboveTheLargest) {
  const auto measured = measuredParameterCounts();
  ASSERT_EQ(measured.size(), 12u);
  for (const auto& [model, params] : measured) {
    const auto arch = parseModelConfig(
        readFile(std::string(GPUMEM_TEST_DATA_DIR) + "/calibration-configs/" + model + ".json"));
    ASSERT_TRUE(arch.ok()) << model;
    const PersistentParameters all = persistentParameters(*arch, 1e12, LoraTargets{}, 0);
    EXPECT_EQ(all.base, params) << model;
    EXPECT_EQ(all.adapters, 0) << model;
    EXPECT_EQ(persistentParameters(*arch, 0, LoraTargets{}, 16).tensors, 0) << model;
  }
  // And the part-by-part count (model_types_test.cpp checks these models' against their
  // publishers' totals) for other layouts: V3.2's lightning indexer, GLM, Command R, DBRX.
  for (const char* model : {"deepseek-v3.2-exp", "kimi-k2-instruct", "glm-4.5-air", "dbrx-base",
                            "c4ai-command-r-v01", "exaone-4.0-32b", "internlm2_5-7b-chat",
                            "ernie-4.5-21b-a3b-pt", "dots.llm1.inst", "gpt-j-6b", "bloom-560m",
                            "hunyuan-7b-instruct", "granite-3.1-3b-a800m-instruct"}) {
    const auto arch = parseModelConfig(
        readFile(std::string(GPUMEM_TEST_DATA_DIR) + "/model-configs/" + model + ".json"));
    ASSERT_TRUE(arch.ok()) << model;
    EXPECT_EQ(persistentParameters(*arch, 1e12, LoraTargets{}, 0).base,
              countModelParameters(*arch).total)
        << model;
  }
}

// At DeepSpeed's default of 1e5 elements (deepspeed/runtime/zero/config.py), from the
// models' config.json shapes:
// - Llama 3.1 8B: the 2 RMSNorms of each of 32 layers and the final one, 4,096 each; every
//   projection is larger. With rank-16 all-linear LoRA the adapters that persist are lora_A
//   of q, k, v, o, gate and up (16 × 4,096 = 65,536) and lora_B of q and o (4,096 × 16), of
//   k and v (1,024 × 16) and of down (4,096 × 16); gate's and up's lora_B (14,336 × 16) and
//   down's lora_A (16 × 14,336 = 229,376) do not.
// - Qwen2.5-7B: 57 norms of 3,584, and per layer the q, k and v biases (3,584, 512, 512).
// - gpt-oss-20b: per layer 2 norms and o_proj's bias (2,880 each), q, k, v biases (64 × 64,
//   8 × 64, 8 × 64), 64 sinks, the router (32 × 2,880 = 92,160) and its 32 biases, the
//   experts' down_proj bias (32 × 2,880); not the gate_up bias (32 × 5,760 = 184,320).
TEST(PersistentParameters, DeepSpeedsDefaultThresholdKeepsNormsBiasesAndSmallAdapters) {
  const auto config = [](const char* model) {
    const auto arch = parseModelConfig(
        readFile(std::string(GPUMEM_TEST_DATA_DIR) + "/calibration-configs/" + model + ".json"));
    EXPECT_TRUE(arch.ok()) << model;
    return arch.ok() ? *arch : ModelArchitecture{};
  };
  const ModelArchitecture llama = config("llama-3.1-8b");
  const PersistentParameters plain = persistentParameters(llama, 1e5, LoraTargets{}, 0);
  EXPECT_EQ(plain.base, 65.0 * 4096);
  EXPECT_EQ(plain.tensors, 65.0);
  const PersistentParameters lora = persistentParameters(llama, 1e5, LoraTargets{}, 16);
  EXPECT_EQ(lora.base, 65.0 * 4096);
  EXPECT_EQ(lora.adapters, 32.0 * (6 * 16 * 4096 + 2 * 4096 * 16 + 2 * 1024 * 16 + 4096 * 16));
  EXPECT_EQ(lora.tensors, 65.0 + 32 * 11);
  // HF's "auto" (10 × hidden = 40,960) keeps the norms and k's and v's lora_B only.
  EXPECT_EQ(persistentParameters(llama, 40960, LoraTargets{}, 16).adapters, 32.0 * 2 * 1024 * 16);
  // Below a norm's 4,096 elements nothing persists.
  EXPECT_EQ(persistentParameters(llama, 4095, LoraTargets{}, 16).tensors, 0);

  EXPECT_EQ(persistentParameters(config("qwen2.5-7b"), 1e5, LoraTargets{}, 0).base,
            57.0 * 3584 + 28.0 * (3584 + 512 + 512));
  EXPECT_EQ(persistentParameters(config("gpt-oss-20b"), 1e5, LoraTargets{}, 0).base,
            2880.0 + 24.0 * (3 * 2880 + 4096 + 512 + 512 + 64 + 92160 + 32 + 92160));
}

}  // namespace
}  // namespace gpumem
