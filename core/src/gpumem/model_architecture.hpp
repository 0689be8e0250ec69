// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// A decoder-only transformer described in the terms memory estimation needs: the shapes that
// fix the parameter count, the KV cache, the activations and the training states.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "gpumem/vision_tower.hpp"

namespace gpumem {

/// The normalisation layer of an architecture.
enum class NormKind {
  kRmsNorm,    ///< RMSNorm: one weight vector (Llama, Qwen, Mistral, Gemma, Phi-3, OLMo 2)
  kLayerNorm,  ///< LayerNorm: weight, and a bias when normHasBias (GPT-2, GPT-NeoX, Falcon)
  kNonParametricLayerNorm,  ///< LayerNorm without learned parameters (OLMo 1)
};

/// The feed-forward block of one expert or dense layer.
enum class MlpKind {
  kGated,  ///< act(x·W_gate) ⊙ (x·W_up) · W_down: 3 matrices (SwiGLU, GeGLU)
  kPlain,  ///< act(x·W_in) · W_out: 2 matrices (GPT-2, GPT-NeoX, Falcon)
};

/// Per-head normalisation of queries and keys inside attention.
enum class QkNormKind {
  kNone,
  kPerHead,  ///< one head_dim-sized weight for q and one for k (Qwen3, Gemma 3)
  kFull,     ///< q_norm over heads×head_dim, k_norm over kv_heads×head_dim (OLMo 2, OLMoE)
};

/// Multi-head latent attention (DeepSeek V2/V3): queries and keys/values go through
/// low-rank latents; the KV cache holds one latent of kvLoraRank + qkRopeHeadDim per token.
struct MlaShape {
  std::int64_t qLoraRank = 0;  ///< 0: queries projected directly from the hidden state
  std::int64_t kvLoraRank = 0;
  std::int64_t qkNopeHeadDim = 0;
  std::int64_t qkRopeHeadDim = 0;
  std::int64_t vHeadDim = 0;
  /// DeepSeek V3.2's lightning indexer (index_n_heads, index_head_dim); 0 heads: none.
  std::int64_t indexHeads = 0;
  std::int64_t indexHeadDim = 0;
};

/// Mixture of experts. Every expert is held in memory; expertsPerToken are active per token.
struct MoeShape {
  std::int64_t numExperts = 0;  ///< routed experts per MoE layer; 0 = dense model
  std::int64_t expertsPerToken = 0;
  std::int64_t expertIntermediateSize = 0;        ///< hidden width of one routed expert
  std::int64_t numSharedExperts = 0;              ///< experts every token goes through
  std::int64_t sharedExpertIntermediateSize = 0;  ///< width of one shared expert
  bool sharedExpertGate = false;  ///< a hidden→1 sigmoid gate on the shared expert (Qwen2-MoE)
  bool routerBias = false;        ///< the router's linear layer has a bias (gpt-oss)
  bool expertBias = false;        ///< expert projections carry biases (gpt-oss)
  /// The routed experts are 3-D parameters of one module, not nn.Linear layers (transformers'
  /// GptOssExperts: gate_up_proj and down_proj as nn.Parameter): PEFT's target_modules,
  /// all-linear included, adapt no expert.
  bool fusedExperts = false;
  std::int64_t denseLayers = 0;  ///< layers whose MLP is dense (DeepSeek's first_k_dense_replace)
};

/// The token mixer of one layer: what it computes and what it keeps per sequence.
enum class MixerKind {
  kAttention,          ///< softmax attention (full, sliding, MLA): a KV cache growing with tokens
  kMamba,              ///< a Mamba or Mamba-2 selective state space: a fixed state per sequence
  kLinearAttention,    ///< Gated DeltaNet or lightning attention: a fixed matrix state
  kShortConv,          ///< LFM2's gated short convolution: a fixed convolution window
  kAttentionAndMamba,  ///< attention and a Mamba-2 mixer side by side (Falcon-H1)
  kNone,               ///< no token mixer: a feed-forward-only block (Nemotron-H's "-" and "E")
  kCrossAttention,     ///< attends to an image's vision states, not to the text (Mllama): its
                       ///< K/V are computed once per image and do not grow with the context
};

/// A Mamba (version 1) or Mamba-2 mixer (transformers modeling_mamba.py, modeling_mamba2.py).
struct MambaShape {
  int version = 2;
  std::int64_t innerSize = 0;  ///< d_inner: expand × hidden, or heads × head_dim
  std::int64_t stateSize = 0;  ///< d_state (N)
  std::int64_t convKernel = 4;
  std::int64_t groups = 1;   ///< Mamba-2 n_groups of B and C
  std::int64_t heads = 0;    ///< Mamba-2 heads (one dt, A and D each)
  std::int64_t headDim = 0;  ///< Mamba-2 head_dim: innerSize / heads
  std::int64_t chunkSize = 256;
  std::int64_t dtRank = 0;  ///< Mamba 1: rank of the dt projection
  bool convBias = true;
  bool projBias = false;     ///< in_proj bias
  bool outProjBias = false;  ///< out_proj bias (Falcon-H1: projectors_bias; others: as in_proj)
  bool gatedNorm = true;     ///< Mamba-2's gated RMSNorm over d_inner
  bool dtBcNorms = false;    ///< Jamba: learned RMSNorms on dt, B and C
  /// Values one conv1d channel set spans: d_inner (Mamba 1) or d_inner + 2·groups·d_state.
  std::int64_t convChannels() const {
    return version == 1 ? innerSize : innerSize + 2 * groups * stateSize;
  }
  /// Values of the SSM state of one layer: d_inner × d_state (= heads × head_dim × d_state).
  std::int64_t ssmStateValues() const { return innerSize * stateSize; }
};

/// Linear attention of one layer: Qwen3-Next's Gated DeltaNet (a short convolution before a
/// key × value state per value head) or MiniMax's lightning attention (a head_dim × head_dim
/// state per head, no convolution).
struct LinearAttentionShape {
  bool lightning = false;
  std::int64_t keyHeads = 0;
  std::int64_t valueHeads = 0;
  std::int64_t keyHeadDim = 0;
  std::int64_t valueHeadDim = 0;
  std::int64_t convKernel = 0;  ///< 0: no convolution (lightning attention)
  /// Channels of the Gated DeltaNet convolution: queries, keys and values.
  std::int64_t convChannels() const {
    return lightning ? 0 : 2 * keyHeads * keyHeadDim + valueHeads * valueHeadDim;
  }
  /// Values of the recurrent state of one layer: value heads × key dim × value dim.
  std::int64_t stateValues() const { return valueHeads * keyHeadDim * valueHeadDim; }
};

/// A bidirectional encoder served for embeddings or reranking (BERT, XLM-RoBERTa, ModernBERT):
/// one forward over each whole sequence, every token attending to every other; no KV cache, no
/// generated tokens. Shapes per transformers' modeling_bert.py, modeling_roberta.py and
/// modeling_modernbert.py.
struct EncoderShape {
  bool present = false;               ///< the model is an encoder
  std::int64_t tokenTypes = 0;        ///< rows of the token-type table (type_vocab_size)
  bool pooler = false;                ///< BertPooler: dense hidden → hidden with bias
  std::int64_t classifierLabels = 0;  ///< a sequence-classification head's outputs; 0 = none
  bool classifierDense = false;       ///< RoBERTa's and ModernBERT's head: dense hidden → hidden
  bool classifierDenseBias = true;    ///< that dense layer has a bias (ModernBERT: classifier_bias)
  bool classifierNorm = false;        ///< ModernBERT's head norm after the dense layer
  bool preNorm = false;               ///< norms before attention and MLP (ModernBERT), not after
  bool rotary = false;                ///< rotary positions applied to q and k (ModernBERT)
  std::int64_t maxTokens = 0;         ///< tokens one sequence may hold (RoBERTa: positions − 2)
};

/// The architecture of a decoder-only transformer, as read from a Hugging Face config.json.
/// Counts are int64 so that wasm32 (32-bit size_t) holds them exactly.
struct ModelArchitecture {
  std::string modelType;  ///< config.json model_type, e.g. "llama"
  std::int64_t hiddenSize = 0;
  std::int64_t numLayers = 0;
  std::int64_t numHeads = 0;          ///< query heads
  std::int64_t numKvHeads = 0;        ///< key/value heads (grouped/multi-query attention)
  std::int64_t headDim = 0;           ///< explicit head_dim, else hidden / heads
  std::int64_t intermediateSize = 0;  ///< dense MLP width
  std::int64_t vocabSize = 0;
  std::int64_t extraEmbeddingRows = 0;  ///< input-embedding rows beyond vocab_size (Mllama: 8)
  std::int64_t maxPositions = 0;        ///< max_position_embeddings (0 when not given)
  bool tieWordEmbeddings = false;       ///< the output head shares the input embedding matrix

  MlpKind mlpKind = MlpKind::kGated;
  std::string hiddenAct = "silu";
  NormKind normKind = NormKind::kRmsNorm;
  bool normHasBias = false;
  std::int64_t normsPerLayer = 2;  ///< hidden-sized norms per layer (Gemma 2/3: 4)
  std::int64_t omittedNorms = 0;   ///< per-layer norms the layout leaves out (ModernBERT's
                                   ///< first layer has no attention norm)
  bool finalNorm = true;           ///< a norm after the last layer
  bool embeddingNorm = false;      ///< a norm right after the token embedding (BLOOM)
  QkNormKind qkNorm = QkNormKind::kNone;
  bool qkNormHasBias = false;  ///< the q/k norms are LayerNorms with a bias (Phi-2's qk_layernorm)

  bool qkvBias = false;               ///< q, k, v projections have biases (Qwen2, GPT-2)
  bool oBias = false;                 ///< the attention output projection has a bias
  bool mlpBias = false;               ///< dense MLP projections have biases
  bool outputBias = false;            ///< the output head has a bias (Phi-2, Phi-3.5-MoE)
  bool attentionSinks = false;        ///< one learned sink logit per head per layer (gpt-oss)
  std::int64_t learnedPositions = 0;  ///< rows of a learned position table (GPT-2); 0 = RoPE
  bool parallelAttention = false;     ///< attention and MLP read the same norm (Falcon, GPT-J)
  double dropout = 0;            ///< residual dropout probability in training (GPT-2 resid_pdrop)
  double attentionDropout = 0;   ///< dropout on attention probabilities in training (attn_pdrop)
  double finalLogitSoftcap = 0;  ///< tanh soft-capping of the logits (Gemma 2); 0 = none
  bool fusedQkv = false;         ///< one qkv projection (Phi-3, GPT-2, GPT-NeoX, Falcon)
  bool fusedGateUp = false;      ///< one gate_up projection (Phi-3)
  bool normInFp32 = false;       ///< the norm keeps an fp32 input and output (Gemma's (1 + w))

  MoeShape moe;
  bool hasMla = false;
  MlaShape mla;

  /// Per layer: its token mixer; empty when every layer is attention (a plain transformer).
  std::vector<MixerKind> mixers;
  MambaShape mamba;  ///< the Mamba layers' shape, when some layer has one
  LinearAttentionShape linearAttention;
  std::int64_t shortConvKernel = 0;  ///< LFM2's conv_L_cache
  bool shortConvBias = false;
  std::int64_t mlpFreeLayers = 0;    ///< layers without a feed-forward block (Mamba, Nemotron-H)
  bool attentionOutputGate = false;  ///< q_proj also yields a sigmoid gate (Qwen3-Next)
  /// Multi-token-prediction layers the checkpoint carries after its num_hidden_layers
  /// (num_nextn_predict_layers: DeepSeek-V3/R1, GLM-4.5, MiMo; mtp_num_hidden_layers:
  /// Qwen3-Next). They are not part of the model's forward pass and not in the parameter
  /// count; the serving engines load them only for MTP speculative decoding.
  std::int64_t mtpLayers = 0;

  std::int64_t slidingWindow = 0;   ///< tokens a sliding-window layer sees; 0 = none
  std::vector<bool> slidingLayers;  ///< per layer: true when it uses the sliding window

  /// Set for a bidirectional encoder (embedding and reranking models).
  EncoderShape encoder;

  /// The image encoder and projector of a vision-language model; absent (numLayers 0) for a
  /// text-only model or a config without vision_config.
  VisionTower vision;

  /// True when the model_type has no dedicated mapping and the architecture was read from the
  /// standard field names (hidden_size, num_hidden_layers, …) with Llama-like assumptions.
  bool readGenerically = false;
  std::vector<std::string> genericFields;  ///< the config fields a generic read used, in order

  bool isMoe() const { return moe.numExperts > 0; }
  /// Layers whose mixer is `kind` (every layer is attention when `mixers` is empty).
  std::int64_t mixerLayerCount(MixerKind kind) const;
  /// Layers that hold a KV cache: attention layers, with Falcon-H1's parallel ones.
  std::int64_t attentionLayerCount() const;
  /// Layers that hold a Mamba state (with Falcon-H1's parallel ones).
  std::int64_t mambaLayerCount() const;
  /// True when some layer keeps a fixed-size recurrent state instead of (or beside) a KV cache.
  bool hasRecurrentState() const;
  /// Number of layers whose attention is limited to the sliding window.
  std::int64_t slidingLayerCount() const;
  /// Query width: heads × head_dim (MLA: heads × (nope + rope)).
  std::int64_t queryWidth() const;
  /// For a generically read config, a sentence for people saying so and naming the fields it
  /// was read from; "" for a config read by its model_type's own mapping.
  std::string genericReadingNote() const;
};

}  // namespace gpumem
