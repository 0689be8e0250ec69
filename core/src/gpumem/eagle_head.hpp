// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// EAGLE and EAGLE-3 draft heads: a one-decoder-layer drafter trained for a target model, whose
// shape follows the target's, as vLLM and SGLang load it for speculative decoding.
#pragma once

#include <cstdint>
#include <string>

#include "gpumem/breakdown.hpp"
#include "gpumem/model_architecture.hpp"
#include "gpumem/result.hpp"

namespace gpumem {

/// Which EAGLE head drafts: vLLM's speculative_config "method" eagle / eagle3, SGLang's
/// --speculative-algorithm EAGLE / EAGLE3 with --speculative-draft-model-path.
enum class EagleMethod { kNone, kEagle, kEagle3 };

/// Reads the scenario's speculativeMethod ("none", "eagle", "eagle3").
EagleMethod parseEagleMethod(const std::string& name);

/// The parameters of an EAGLE head for `target`, the tensors the engines load from the head's
/// checkpoint (vLLM model_executor/models/llama_eagle.py and llama_eagle3.py, SGLang
/// models/llama_eagle.py and llama_eagle3.py). Both heads are one Llama decoder layer of the
/// target's hidden size, heads, KV heads, head dim and intermediate size (a gated MLP), and both
/// take the target's token embedding (vLLM's proposer shares it: "Sharing target model
/// embedding weights with the draft model"). EAGLE-1: fc 2·hidden → hidden (no bias in vLLM),
/// q/k/v/o over hidden, the MLP, post_attention_layernorm only (its input_layernorm is an
/// identity, no final norm), and the target's lm_head. EAGLE-3: fc 3·hidden → hidden (three of
/// the target's layers' hidden states), q/k/v over 2·hidden (the embedding and the hidden state
/// side by side), o, the MLP, input_layernorm, hidden_norm, post_attention_layernorm and a
/// final norm, its own lm_head over draft_vocab_size, and d2t (draft_vocab_size int64 offsets,
/// kept as draft_id_to_target_id / hot_token_id; t2d is skipped by both engines).
struct EagleParameters {
  double fc = 0;         ///< the fusion of the target's hidden states (and EAGLE-1's embedding)
  double attention = 0;  ///< q, k, v and o of the one layer
  double mlp = 0;        ///< gate, up and down
  double norms = 0;      ///< RMSNorm weights
  double lmHead = 0;     ///< EAGLE-3's own output head over the draft vocabulary; 0 for EAGLE-1
  double total() const { return fc + attention + mlp + norms + lmHead; }
  double mapEntries = 0;  ///< EAGLE-3's d2t: one int64 per draft token
};
EagleParameters countEagleParameters(const ModelArchitecture& target, EagleMethod method,
                                     std::int64_t draftVocabSize);

/// The head as a model of its own for its KV cache: one full-attention layer of the target's
/// KV heads and head dim (vLLM registers it beside the target's layers in the one KV pool;
/// SGLang gives it its own pool).
ModelArchitecture eagleHeadArchitecture(const ModelArchitecture& target);

/// Whether an EAGLE head can be derived from `target`: a decoder with multi-head or grouped
/// attention (not MLA, whose published heads are not of the target's attention) and a dense
/// intermediate size. The error names speculativeMethod, or draftVocabSize when the draft
/// vocabulary is larger than the target's.
Result<bool> checkEagleTarget(const ModelArchitecture& target, EagleMethod method,
                              std::int64_t draftVocabSize);

/// The head's weights row ("draft_weights", like a draft model's): its own tensors in the
/// dtype it ships in (`bytesPerValue`: EAGLE heads are published unquantized, and vLLM reads a
/// drafter's quantization from the head's own config, get_draft_quant_config), d2t at 8 B an
/// entry; the note names what it shares with the target and `engineNote` how it is loaded.
Component eagleWeightsComponent(const ModelArchitecture& target, EagleMethod method,
                                std::int64_t draftVocabSize, double bytesPerValue,
                                const std::string& engineNote);

}  // namespace gpumem
