// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// Architectures the unit tests share, written as the fields of their public config.json.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <optional>
#include <span>
#include <sstream>
#include <string>

#include "gpumem/model_config.hpp"
#include "gpumem/model_parameters.hpp"

namespace gpumem::test {

/// Parses a config.json the test relies on; a parse failure fails the test.
inline ModelArchitecture architecture(const char* configJson) {
  const auto arch = parseModelConfig(configJson);
  EXPECT_TRUE(arch.ok()) << arch.error().message;
  return arch.ok() ? *arch : ModelArchitecture{};
}

/// The text of tests/data/model-configs/<name>.json, a real model's public config.json; ""
/// when there is no such file.
inline std::string fixtureText(const std::string& name) {
  std::ifstream in(std::string(GPUMEM_TEST_DATA_DIR) + "/model-configs/" + name + ".json");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

/// The architecture of tests/data/model-configs/<name>.json, read by its model_type's own
/// mapping; a missing file, a parse failure or a generic read fails the test.
inline ModelArchitecture fixtureArchitecture(const std::string& name) {
  const std::string text = fixtureText(name);
  EXPECT_FALSE(text.empty()) << name;
  const auto arch = parseModelConfig(text);
  EXPECT_TRUE(arch.ok()) << name << ": " << (arch.ok() ? "" : arch.error().message);
  if (!arch.ok()) return ModelArchitecture{};
  EXPECT_FALSE(arch->readGenerically) << name;
  return *arch;
}

/// All parameters of the model tests/data/model-configs/<name>.json describes.
inline double fixtureParameters(const std::string& name) {
  return countModelParameters(fixtureArchitecture(name)).total;
}

/// A count within 0.5% of a published one (publishers round their totals to 2 or 3 figures).
inline void expectPublished(double counted, double published) {
  EXPECT_NEAR(counted / published, 1.0, 0.005) << counted << " vs " << published;
}

/// Llama 3.1 8B (meta-llama/Llama-3.1-8B config.json).
inline ModelArchitecture llama8b() {
  return architecture(R"({"model_type":"llama","hidden_size":4096,"intermediate_size":14336,
      "num_hidden_layers":32,"num_attention_heads":32,"num_key_value_heads":8,
      "vocab_size":128256})");
}

/// A real config.json (tests/data/model-configs/<fixture>.json), the model_type it is read
/// as, and the parameter total its publisher states.
struct PublishedTotal {
  const char* fixture;
  const char* modelType;
  double published;
};

/// Each row's fixture, read by `read`, is read as its model_type and counts within 0.5% of its
/// published total; with `withVision`, it has a vision tower or not as that says.
inline void expectPublishedTotals(
    std::span<const PublishedTotal> rows,
    ModelArchitecture (*read)(const std::string&) = fixtureArchitecture,
    std::optional<bool> withVision = std::nullopt) {
  for (const PublishedTotal& row : rows) {
    SCOPED_TRACE(row.fixture);
    const ModelArchitecture arch = read(row.fixture);
    EXPECT_EQ(arch.modelType, row.modelType);
    if (withVision) {
      EXPECT_EQ(arch.vision.present(), *withVision);
    }
    expectPublished(countModelParameters(arch).total, row.published);
  }
}

/// DeepSeek-V3's main model (deepseek-ai/DeepSeek-V3 config.json without
/// num_nextn_predict_layers, its multi-token-prediction module, and quantization_config).
inline constexpr const char* kDeepseekV3 =
    R"({"model_type":"deepseek_v3","hidden_size":7168,"intermediate_size":18432,
        "moe_intermediate_size":2048,"num_hidden_layers":61,"num_attention_heads":128,
        "num_key_value_heads":128,"n_shared_experts":1,"n_routed_experts":256,
        "num_experts_per_tok":8,"first_k_dense_replace":3,"moe_layer_freq":1,
        "q_lora_rank":1536,"kv_lora_rank":512,"qk_nope_head_dim":128,"qk_rope_head_dim":64,
        "v_head_dim":128,"vocab_size":129280,"tie_word_embeddings":false})";

/// Llama 3.1 70B (meta-llama/Llama-3.1-70B config.json).
inline ModelArchitecture llama70b() {
  return architecture(R"({"model_type":"llama","hidden_size":8192,"intermediate_size":28672,
      "num_hidden_layers":80,"num_attention_heads":64,"num_key_value_heads":8,
      "vocab_size":128256})");
}

}  // namespace gpumem::test
