// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// Architectures the unit tests share, written as the fields of their public config.json.
#pragma once

#include <gtest/gtest.h>

#include "gpumem/model_config.hpp"

namespace gpumem::test {

/// Parses a config.json the test relies on; a parse failure fails the test.
inline ModelArchitecture architecture(const char* configJson) {
  const auto arch = parseModelConfig(configJson);
  EXPECT_TRUE(arch.ok()) << arch.error().message;
  return arch.ok() ? *arch : ModelArchitecture{};
}

/// Llama 3.1 8B (meta-llama/Llama-3.1-8B config.json).
inline ModelArchitecture llama8b() {
  return architecture(R"({"model_type":"llama","hidden_size":4096,"intermediate_size":14336,
      "num_hidden_layers":32,"num_attention_heads":32,"num_key_value_heads":8,
      "vocab_size":128256})");
}

/// Llama 3.1 70B (meta-llama/Llama-3.1-70B config.json).
inline ModelArchitecture llama70b() {
  return architecture(R"({"model_type":"llama","hidden_size":8192,"intermediate_size":28672,
      "num_hidden_layers":80,"num_attention_heads":64,"num_key_value_heads":8,
      "vocab_size":128256})");
}

}  // namespace gpumem::test
