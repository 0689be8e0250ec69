// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// Reads a Hugging Face config.json into a ModelArchitecture.
#pragma once

#include <span>
#include <string_view>

#include "gpumem/model_architecture.hpp"
#include "gpumem/result.hpp"

namespace gpumem {

/// The model_type values parseModelConfig understands, in documentation order.
std::span<const std::string_view> supportedModelTypes();

/// Parses the text of a Hugging Face config.json (llama, mistral, mixtral, qwen2, qwen2_moe,
/// qwen3, qwen3_moe, gemma, gemma2, gemma3 / gemma3_text (a nested text_config is read),
/// phi3, gpt2, gpt_neox, falcon, olmo, olmo2, olmoe, deepseek_v2, deepseek_v3, gpt_oss,
/// llama4). Fields the file omits take the defaults of the transformers configuration class
/// of that model_type (e.g. num_key_value_heads = num_attention_heads, head_dim = hidden /
/// heads, GPT-2's n_inner = 4 × n_embd). Errors name field "config": malformed JSON, a
/// missing or non-positive required field, or an unknown model_type (the message lists the
/// supported types and the fields a description needs).
Result<ModelArchitecture> parseModelConfig(std::string_view configJsonText);

}  // namespace gpumem
