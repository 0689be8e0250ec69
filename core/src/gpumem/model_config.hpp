// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// Reads a Hugging Face config.json into a ModelArchitecture.
#pragma once

#include <string_view>

#include "gpumem/model_architecture.hpp"
#include "gpumem/model_catalog.hpp"  // supportedModelTypes()
#include "gpumem/result.hpp"

namespace gpumem {

/// Parses the text of a Hugging Face config.json. Each model_type of supportedModelTypes() has
/// a reader of its own (its family's field names, defaults and per-layer layout, from the
/// transformers configuration_<type>.py and modeling_<type>.py); multimodal configs are read
/// from their text_config (the language model). Fields the file omits take the defaults of the
/// transformers configuration class of that model_type (e.g. num_key_value_heads =
/// num_attention_heads, head_dim = hidden / heads, GPT-2's n_inner = 4 × n_embd).
///
/// Any other model_type is read generically from the standard field names (hidden_size,
/// num_hidden_layers, num_attention_heads, num_key_value_heads, head_dim, intermediate_size,
/// vocab_size, tie_word_embeddings, sliding_window, the MoE fields, …) with Llama's layout
/// where the file is silent; the architecture then says so (readGenerically, genericFields).
///
/// Errors name field "config": malformed JSON, a missing or non-positive required field (the
/// message names it), or a model_type that is known not to be a plain decoder-only transformer
/// (state-space and hybrid models, encoder-decoders).
Result<ModelArchitecture> parseModelConfig(std::string_view configJsonText);

}  // namespace gpumem
