// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// Exact parameter counts from the architecture, part by part.
#pragma once

#include "gpumem/model_architecture.hpp"

namespace gpumem {

/// Parameters of a model by part. Tied weights are counted once (in `embedding`).
struct ModelParameters {
  double total = 0;          ///< every unique parameter
  double embedding = 0;      ///< token embedding (+ learned position and token-type tables)
  double outputHead = 0;     ///< lm_head (+ its bias; tied: the bias only), or an encoder's pooler
                             ///< and classification head
  double attention = 0;      ///< token mixers: attention (+ MLA, sinks) and Mamba/linear/conv
  double mlp = 0;            ///< dense MLP layers
  double experts = 0;        ///< routed + shared experts of MoE layers (all held in memory)
  double routedExperts = 0;  ///< the routed part of `experts` (what expert parallel splits)
  double router = 0;         ///< MoE routers and shared-expert gates
  double norms = 0;          ///< layer norms and the final norm
  double activeExperts = 0;  ///< expert parameters one token passes through (for FLOPs)
  double perLayerAttention = 0;  ///< attention parameters of one layer
  double vision = 0;             ///< the vision encoder and its projector (vision-language models)
};

/// Counts the parameters of `arch` the way PyTorch's model.parameters() does for the
/// Hugging Face implementation of its model_type: embeddings vocab × hidden (+ positions ×
/// hidden for GPT-2), per layer q (hidden × heads × head_dim), k and v (hidden × kv_heads ×
/// head_dim), o (heads × head_dim × hidden), biases where the architecture has them, MLP
/// 3 × hidden × intermediate (gated) or 2 × (plain), every MoE expert, MLA down/up
/// projections with their latent norms, norms (weight, + bias for LayerNorm); the Mamba,
/// Mamba-2, Gated DeltaNet, lightning-attention and short-convolution mixers of hybrid and
/// state-space models per their transformers modeling files (see model_parameters.cpp); a
/// vision-language model's vision tower and projector (countVisionParameters); and an encoder's
/// token-type table, pooler and classification head (modeling_bert.py, modeling_roberta.py,
/// modeling_modernbert.py).
ModelParameters countModelParameters(const ModelArchitecture& arch);

/// The multi-token-prediction (MTP) layers of `arch` (arch.mtpLayers) as a model of their own:
/// that many decoder layers of the model's attention (MLA, gated attention) and feed-forward
/// (the MoE block where the model routes to experts), none sliding, no vision tower. Its
/// attention layers are the ones whose KV an engine caches when it drafts with them.
ModelArchitecture mtpArchitecture(const ModelArchitecture& arch);

/// Parameters of the MTP layers beyond what they share with the model. Each MTP module
/// (DeepSeek-V3 paper §2.2 and README_WEIGHTS.md; vLLM deepseek_mtp.py
/// DeepSeekMultiTokenPredictorLayer, glm4_moe_mtp.py, qwen3_next_mtp.py, mimo_mtp.py) holds two
/// hidden-sized RMSNorms (enorm, hnorm: the token's embedding and the previous hidden state),
/// a projection eh_proj 2·hidden → hidden without bias, one decoder layer, and the norm before
/// the output head (shared_head.norm). `unique` counts those; `sharedCopies` counts the
/// embedding and output head the checkpoint stores again for each module (DeepSeek-V3's 685B
/// = 671B + 14B MTP), which vLLM and SGLang replace with the target's own.
struct MtpParameters {
  double unique = 0;
  double sharedCopies = 0;
};
MtpParameters countMtpParameters(const ModelArchitecture& arch);

}  // namespace gpumem
