// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// Readers of state-space models (Mamba, Mamba-2) and of hybrids that mix attention with
// Mamba, linear-attention or short-convolution layers. Field names and defaults follow the
// transformers configuration classes (src/transformers/models/<type>/configuration_<type>.py),
// the per-layer modules the matching modeling_<type>.py.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>

#include "gpumem/model_types.hpp"

namespace gpumem::config {
namespace {

/// The fields of a model without attention heads: hidden size, layers, vocabulary.
Result<ModelArchitecture> readMambaBackbone(const Json& config, const std::string& type) {
  ModelArchitecture arch;
  arch.modelType = type;
  const auto hidden = readAnyInt(config, {"hidden_size", "d_model"});
  const auto layers = readAnyInt(config, {"num_hidden_layers", "n_layer", "n_layers"});
  const auto vocab = readInt(config, "vocab_size");
  if (!hidden || *hidden <= 0) return configError(missingFieldMessage(type, "hidden_size"));
  if (!layers || *layers <= 0) {
    return configError(missingFieldMessage(type, "num_hidden_layers"));
  }
  if (*layers > 100000) return configError("num_hidden_layers is implausibly large.");
  if (!vocab || *vocab <= 0) return configError(missingFieldMessage(type, "vocab_size"));
  arch.hiddenSize = *hidden;
  arch.numLayers = *layers;
  arch.vocabSize = *vocab;
  arch.maxPositions = intOr(config, "max_position_embeddings", 0);
  arch.hiddenAct = stringOr(config, "hidden_act", "silu");
  arch.intermediateSize = 0;
  arch.normsPerLayer = 1;  // one RMSNorm before each mixer
  arch.mlpFreeLayers = arch.numLayers;
  arch.mixers.assign(static_cast<std::size_t>(arch.numLayers), MixerKind::kMamba);
  noSlidingWindow(arch);
  return arch;
}

/// The config keys of the Mamba mixer fields every family has, under one of two spellings.
struct MambaKeys {
  const char* convKernel;
  const char* convBias;
  const char* projBias;
};
/// MambaConfig's, Mamba2Config's and NemotronHConfig's names.
constexpr MambaKeys kMambaKeys{"conv_kernel", "use_conv_bias", "use_bias"};
/// The hybrids' mamba_-prefixed names (Jamba, Bamba, Granite 4, Falcon-H1).
constexpr MambaKeys kHybridMambaKeys{"mamba_d_conv", "mamba_conv_bias", "mamba_proj_bias"};

/// The causal convolution's kernel (default 4) and bias (default true), and the in and out
/// projections' bias (default false, the output projection biased as the input one).
void readMambaConvAndProjections(const Json& config, const MambaKeys& keys, MambaShape& m) {
  m.convKernel = intOr(config, keys.convKernel, 4);
  m.convBias = boolOr(config, keys.convBias, true);
  m.projBias = boolOr(config, keys.projBias, false);
  m.outProjBias = m.projBias;
}

/// Layer i's mixer: attention when `isAttention(i)`, else `other` (the layout a family's
/// configuration derives from indices or a period when it lists no layer_types).
template <class Predicate>
void setMixers(ModelArchitecture& arch, MixerKind other, Predicate isAttention) {
  arch.mixers.clear();
  for (std::int64_t i = 0; i < arch.numLayers; ++i) {
    arch.mixers.push_back(isAttention(i) ? MixerKind::kAttention : other);
  }
}

/// Mamba-2 fields under the hybrid families' names (mamba_n_heads, mamba_d_head, …; Bamba,
/// Granite 4, Falcon-H1). mamba_d_head "auto" (a string): d_inner / heads.
Result<MambaShape> readPrefixedMamba2(const Json& config, const std::string& type,
                                      std::int64_t hidden, std::int64_t defaultState) {
  MambaShape m;
  m.version = 2;
  m.heads = intOr(config, "mamba_n_heads", 128);
  m.stateSize = intOr(config, "mamba_d_state", defaultState);
  m.groups = intOr(config, "mamba_n_groups", 1);
  m.chunkSize = intOr(config, "mamba_chunk_size", 256);
  readMambaConvAndProjections(config, kHybridMambaKeys, m);
  m.innerSize = intOr(config, "mamba_expand", 2) * hidden;
  if (m.heads <= 0) return configError(missingFieldMessage(type, "mamba_n_heads"));
  m.headDim = intOr(config, "mamba_d_head", m.innerSize / m.heads);
  if (m.headDim <= 0 || m.stateSize <= 0 || m.convKernel <= 0 || m.groups <= 0) {
    return configError("The config.json of model_type \"" + type +
                       "\" needs positive mamba_d_head, mamba_d_state, mamba_d_conv and "
                       "mamba_n_groups to size its Mamba-2 layers.");
  }
  return m;
}

/// Layers listed as attention by name in layer_types (any other entry: `other`); false when
/// the list is absent or its length is not the layer count.
bool readMixerTypes(const Json& config, ModelArchitecture& arch, MixerKind other) {
  const auto it = config.find("layer_types");
  if (it == config.end() || !it->is_array() ||
      static_cast<std::int64_t>(it->size()) != arch.numLayers) {
    return false;
  }
  arch.mixers.clear();
  for (const Json& item : *it) {
    const std::string kind = item.is_string() ? item.get<std::string>() : "";
    const bool attention = kind == "attention" || kind == "full_attention";
    arch.mixers.push_back(attention ? MixerKind::kAttention : other);
  }
  return true;
}

/// Nemotron-H's blocks as letters: hybrid_override_pattern ("M", "*", "-", "E"), else
/// layers_block_type ("mamba", "attention", "mlp", "moe"); an error naming the field when
/// neither gives one known block per layer.
Result<std::string> readNemotronHBlocks(const Json& config, const std::string& type,
                                        std::int64_t layers) {
  std::string pattern = stringOr(config, "hybrid_override_pattern", "");
  const auto list = config.find("layers_block_type");
  if (pattern.empty() && list != config.end() && list->is_array()) {
    for (const Json& item : *list) {
      const std::string kind = item.is_string() ? item.get<std::string>() : "";
      pattern += kind == "mamba"       ? 'M'
                 : kind == "attention" ? '*'
                 : kind == "mlp"       ? '-'
                 : kind == "moe"       ? 'E'
                                       : '?';
    }
  }
  if (static_cast<std::int64_t>(pattern.size()) != layers) {
    return configError("The config.json of model_type \"" + type +
                       "\" needs a hybrid_override_pattern of one letter per layer (" +
                       std::to_string(layers) + ").");
  }
  for (char block : pattern) {
    if (block != 'M' && block != '*' && block != '-' && block != 'E') {
      return configError("hybrid_override_pattern block \"" + std::string(1, block) +
                         "\" of model_type \"" + type +
                         "\" is not sized yet: gpumem reads M (Mamba-2), * (attention), - "
                         "(MLP) and E (mixture of experts) blocks.");
    }
  }
  return pattern;
}

/// Nemotron-H's "E" blocks (Nemotron 3, modeling_nemotron_h.py NemotronHMOE): n_routed_experts
/// ReLU² experts of moe_intermediate_size (up and down projections), num_experts_per_tok of
/// them per token, one always-on shared expert of moe_shared_expert_intermediate_size, and a
/// router of n_routed_experts × hidden with one e_score_correction_bias per expert.
Result<MoeShape> readNemotronHExperts(const Json& config, const std::string& type,
                                      const ModelArchitecture& arch) {
  if (config.contains("moe_latent_size") && !isPresentNull(config, "moe_latent_size")) {
    return configError("moe_latent_size of model_type \"" + type +
                       "\" (latent expert projections) is not sized yet.");
  }
  MoeShape moe;
  moe.numExperts = intOr(config, "n_routed_experts", 0);
  moe.expertsPerToken = intOr(config, "num_experts_per_tok", 0);
  moe.expertIntermediateSize = intOr(config, "moe_intermediate_size", 0);
  if (moe.numExperts <= 0) return configError(missingFieldMessage(type, "n_routed_experts"));
  if (moe.expertIntermediateSize <= 0) {
    return configError(missingFieldMessage(type, "moe_intermediate_size"));
  }
  if (moe.expertsPerToken <= 0 || moe.expertsPerToken > moe.numExperts) {
    return configError(missingFieldMessage(type, "num_experts_per_tok"));
  }
  moe.sharedExpertIntermediateSize = intOr(config, "moe_shared_expert_intermediate_size", 0);
  moe.numSharedExperts = moe.sharedExpertIntermediateSize > 0 ? 1 : 0;
  moe.routerBias = true;  // e_score_correction_bias
  moe.expertBias = arch.mlpBias;
  return moe;
}

}  // namespace

Result<ModelArchitecture> readMamba(const Json& config, const std::string& type) {
  // Mamba (and Falcon Mamba, whose B, C and dt RMSNorms carry no weights): every layer an
  // RMSNorm and a Mamba mixer, no MLP; embeddings tied by default.
  auto backbone = readMambaBackbone(config, type);
  if (!backbone) return backbone;
  ModelArchitecture arch = std::move(backbone).value();
  MambaShape& m = arch.mamba;
  m.version = 1;
  m.stateSize = intOr(config, "state_size", 16);
  m.innerSize = intOr(config, "intermediate_size", intOr(config, "expand", 2) * arch.hiddenSize);
  // time_step_rank "auto" (a string, absent here): ceil(hidden / 16).
  m.dtRank = intOr(config, "time_step_rank", (arch.hiddenSize + 15) / 16);
  readMambaConvAndProjections(config, kMambaKeys, m);
  m.gatedNorm = false;
  arch.tieWordEmbeddings = boolOr(config, "tie_word_embeddings", true);
  // No attention heads: one nominal head so that tensor parallel sizes stay well defined.
  arch.numHeads = arch.numKvHeads = 1;
  arch.headDim = arch.hiddenSize;
  return arch;
}

Result<ModelArchitecture> readMamba2(const Json& config, const std::string& type) {
  // Mamba-2 (Codestral Mamba): every layer an RMSNorm and a Mamba-2 mixer, no MLP.
  auto backbone = readMambaBackbone(config, type);
  if (!backbone) return backbone;
  ModelArchitecture arch = std::move(backbone).value();
  MambaShape& m = arch.mamba;
  m.version = 2;
  m.heads = intOr(config, "num_heads", 128);
  m.headDim = intOr(config, "head_dim", 64);
  m.stateSize = intOr(config, "state_size", 128);
  m.groups = intOr(config, "n_groups", 8);
  m.chunkSize = intOr(config, "chunk_size", 256);
  readMambaConvAndProjections(config, kMambaKeys, m);
  m.innerSize = static_cast<std::int64_t>(numberOr(config, "expand", 2) *
                                          static_cast<double>(arch.hiddenSize));
  if (m.heads <= 0 || m.headDim <= 0 || m.stateSize <= 0) {
    return configError(missingFieldMessage(type, "num_heads"));
  }
  arch.tieWordEmbeddings = boolOr(config, "tie_word_embeddings", false);
  arch.numHeads = arch.numKvHeads = m.heads;
  arch.headDim = m.headDim;
  return arch;
}

Result<ModelArchitecture> readGraniteMoeHybrid(const Json& config, const std::string& type) {
  // Granite 4.0: layer_types names each layer "mamba" (Mamba-2) or "attention" (no RoPE);
  // every layer has a shared MLP (shared_mlp, gate and up fused in input_linear) and, when
  // num_local_experts > 0, experts of intermediate_size behind a bias-free router.
  auto parsed = readLlamaLikeAttention(config, type);
  if (!parsed) return parsed;
  ModelArchitecture arch = std::move(parsed).value();
  if (!readMixerTypes(config, arch, MixerKind::kMamba)) {
    // No layer_types: every layer a Mamba-2 layer, as Bamba's configuration has it.
    arch.mixers.assign(static_cast<std::size_t>(arch.numLayers), MixerKind::kMamba);
  }
  auto mamba = readPrefixedMamba2(config, type, arch.hiddenSize, 256);
  if (!mamba) return mamba.error();
  arch.mamba = *mamba;
  const std::int64_t shared = intOr(config, "shared_intermediate_size", 1024);
  arch.moe.numExperts = intOr(config, "num_local_experts", 0);
  if (!arch.isMoe()) {
    arch.intermediateSize = shared;  // the shared MLP is the layer's only feed-forward block
    return requireIntermediate(std::move(arch));
  }
  arch.moe.expertsPerToken = intOr(config, "num_experts_per_tok", 2);
  arch.moe.expertIntermediateSize = arch.intermediateSize;
  if (shared > 0) {
    arch.moe.numSharedExperts = 1;
    arch.moe.sharedExpertIntermediateSize = shared;
  }
  return requireIntermediate(std::move(arch));
}

Result<ModelArchitecture> readBamba(const Json& config, const std::string& type) {
  // Bamba: Mamba-2 layers except those in attn_layer_indices; a gated MLP in every layer.
  auto common = readCommon(config, type);
  if (!common) return common;
  ModelArchitecture arch = std::move(common).value();
  arch.tieWordEmbeddings = boolOr(config, "tie_word_embeddings", false);
  noSlidingWindow(arch);
  // BambaConfig: layers in attn_layer_indices attend, every other layer (all of them when
  // the list is absent) is a Mamba-2 layer.
  setMixers(arch, MixerKind::kMamba,
            [&](std::int64_t i) { return listContains(config, "attn_layer_indices", i); });
  auto mamba = readPrefixedMamba2(config, type, arch.hiddenSize, 256);
  if (!mamba) return mamba.error();
  arch.mamba = *mamba;
  return requireIntermediate(std::move(arch));
}

Result<ModelArchitecture> readFalconH1(const Json& config, const std::string& type) {
  // Falcon-H1 (modeling_falcon_h1.py): every layer feeds one RMSNorm's output to attention and
  // to a Mamba-2 mixer side by side and sums them, then a second RMSNorm and a gated MLP. The
  // muP multipliers scale activations only and hold no parameters.
  auto parsed = readLlamaLike(config, type, false);
  if (!parsed) return parsed;
  ModelArchitecture arch = std::move(parsed).value();
  arch.mixers.assign(static_cast<std::size_t>(arch.numLayers), MixerKind::kAttentionAndMamba);
  auto mamba = readPrefixedMamba2(config, type, arch.hiddenSize, 256);
  if (!mamba) return mamba.error();
  MambaShape& m = arch.mamba = *mamba;
  // d_ssm: mamba_d_ssm (FalconH1Config's default 1024), mamba_expand × hidden when null. The
  // configuration requires heads × mamba_d_head = d_ssm, so an explicit head width fixes it.
  const auto headDim = readInt(config, "mamba_d_head");
  if (headDim && *headDim > 0) {
    m.innerSize = m.heads * *headDim;
  } else if (!isPresentNull(config, "mamba_d_ssm")) {
    m.innerSize = intOr(config, "mamba_d_ssm", 1024);
  }
  m.headDim = m.innerSize / m.heads;
  if (m.headDim <= 0 || m.headDim * m.heads != m.innerSize) {
    return configError("The config.json of model_type \"" + type +
                       "\" needs mamba_d_ssm to be mamba_n_heads × mamba_d_head.");
  }
  m.gatedNorm = boolOr(config, "mamba_rms_norm", false);
  m.outProjBias = boolOr(config, "projectors_bias", false);
  return requireIntermediate(std::move(arch));
}

Result<ModelArchitecture> readJamba(const Json& config, const std::string& type) {
  // Jamba: layer i is attention when i % attn_layer_period == attn_layer_offset, else a
  // Mamba (1) mixer with RMSNorms on dt, B and C; its MLP is a mixture of experts when
  // i % expert_layer_period == expert_layer_offset, else a dense gated MLP.
  auto common = readCommon(config, type);
  if (!common) return common;
  ModelArchitecture arch = std::move(common).value();
  arch.tieWordEmbeddings = boolOr(config, "tie_word_embeddings", false);
  noSlidingWindow(arch);
  const std::int64_t attnPeriod = std::max<std::int64_t>(1, intOr(config, "attn_layer_period", 8));
  const std::int64_t attnOffset = intOr(config, "attn_layer_offset", 4);
  const std::int64_t expertPeriod =
      std::max<std::int64_t>(1, intOr(config, "expert_layer_period", 2));
  const std::int64_t expertOffset = intOr(config, "expert_layer_offset", 1);
  setMixers(arch, MixerKind::kMamba, [&](std::int64_t i) { return i % attnPeriod == attnOffset; });
  const std::int64_t dense =
      countLayers(arch.numLayers, [&](std::int64_t i) { return i % expertPeriod != expertOffset; });
  MambaShape& m = arch.mamba;
  m.version = 1;
  m.stateSize = intOr(config, "mamba_d_state", 16);
  m.innerSize = intOr(config, "mamba_expand", 2) * arch.hiddenSize;
  m.dtRank = intOr(config, "mamba_dt_rank", (arch.hiddenSize + 15) / 16);  // "auto"
  readMambaConvAndProjections(config, kHybridMambaKeys, m);
  m.gatedNorm = false;
  m.dtBcNorms = true;
  arch.moe.numExperts = intOr(config, "num_experts", 16);
  if (arch.isMoe()) {
    arch.moe.expertsPerToken = intOr(config, "num_experts_per_tok", 2);
    arch.moe.expertIntermediateSize = arch.intermediateSize;
    arch.moe.denseLayers = dense;
  }
  return requireIntermediate(std::move(arch));
}

Result<ModelArchitecture> readNemotronH(const Json& config, const std::string& type) {
  // Nemotron-H (modeling_nemotron_h.py): each block is one RMSNorm and one of a Mamba-2 mixer
  // ("M"), attention ("*"), a ReLU² MLP of up and down projections ("-") or a mixture of
  // ReLU² experts ("E", Nemotron 3), from hybrid_override_pattern or layers_block_type.
  auto parsed = readLlamaLike(config, type, false);
  if (!parsed) return parsed;
  ModelArchitecture arch = std::move(parsed).value();
  arch.mlpKind = MlpKind::kPlain;
  arch.hiddenAct = stringOr(config, "mlp_hidden_act", "relu2");
  arch.normsPerLayer = 1;
  auto blocks = readNemotronHBlocks(config, type, arch.numLayers);
  if (!blocks) return blocks.error();
  arch.mixers.clear();
  std::int64_t dense = 0;
  std::int64_t experts = 0;
  for (char block : *blocks) {
    if (block == 'M') arch.mixers.push_back(MixerKind::kMamba);
    if (block == '*') arch.mixers.push_back(MixerKind::kAttention);
    if (block == '-' || block == 'E') arch.mixers.push_back(MixerKind::kNone);
    dense += block == '-' ? 1 : 0;
    experts += block == 'E' ? 1 : 0;
  }
  arch.mlpFreeLayers = arch.numLayers - dense - experts;
  MambaShape& m = arch.mamba;
  m.version = 2;
  m.heads = intOr(config, "mamba_num_heads", 128);
  m.headDim = intOr(config, "mamba_head_dim", 64);
  m.innerSize = m.heads * m.headDim;
  m.stateSize = intOr(config, "ssm_state_size", 128);
  m.groups = intOr(config, "n_groups", 8);
  m.chunkSize = intOr(config, "chunk_size", 128);
  readMambaConvAndProjections(config, kMambaKeys, m);
  if (experts > 0) {
    auto moe = readNemotronHExperts(config, type, arch);
    if (!moe) return moe.error();
    arch.moe = *moe;
    arch.moe.denseLayers = dense;
  }
  if (dense == 0) return arch;
  return requireIntermediate(std::move(arch));
}

Result<ModelArchitecture> readQwen3Next(const Json& config, const std::string& type) {
  // Qwen3-Next: three Gated DeltaNet layers to one gated full-attention layer
  // (full_attention_interval 4, or layer_types), Qwen3's MoE with a gated shared expert.
  auto parsed = readQwen3Moe(config, type);
  if (!parsed) return parsed;
  ModelArchitecture arch = std::move(parsed).value();
  arch.headDim = intOr(config, "head_dim", 256);
  arch.attentionOutputGate = true;
  noSlidingWindow(arch);
  if (!readMixerTypes(config, arch, MixerKind::kLinearAttention)) {
    const std::int64_t interval =
        std::max<std::int64_t>(1, intOr(config, "full_attention_interval", 4));
    setMixers(arch, MixerKind::kLinearAttention,
              [&](std::int64_t i) { return (i + 1) % interval == 0; });
  }
  LinearAttentionShape& l = arch.linearAttention;
  l.keyHeads = intOr(config, "linear_num_key_heads", 16);
  l.valueHeads = intOr(config, "linear_num_value_heads", 32);
  l.keyHeadDim = intOr(config, "linear_key_head_dim", 128);
  l.valueHeadDim = intOr(config, "linear_value_head_dim", 128);
  l.convKernel = intOr(config, "linear_conv_kernel_dim", 4);
  const std::int64_t shared = intOr(config, "shared_expert_intermediate_size", 512);
  if (arch.isMoe() && shared > 0) {
    arch.moe.numSharedExperts = 1;
    arch.moe.sharedExpertIntermediateSize = shared;
    arch.moe.sharedExpertGate = true;
  }
  return arch;
}

Result<ModelArchitecture> readMiniMax(const Json& config, const std::string& type) {
  // MiniMax-Text-01 / M1: lightning (linear) attention layers and softmax attention layers
  // (layer_types, or attn_type_list with 0 linear and 1 softmax), every MLP a mixture of
  // num_local_experts experts.
  auto common = readCommon(config, type);
  if (!common) return common;
  ModelArchitecture arch = std::move(common).value();
  arch.tieWordEmbeddings = boolOr(config, "tie_word_embeddings", false);
  noSlidingWindow(arch);
  if (!readMixerTypes(config, arch, MixerKind::kLinearAttention)) {
    const auto list = config.find("attn_type_list");
    const bool listed = list != config.end() && list->is_array() &&
                        static_cast<std::int64_t>(list->size()) == arch.numLayers;
    setMixers(arch, MixerKind::kLinearAttention, [&](std::int64_t i) {
      // Without a list: MiniMax-Text-01's layout, every eighth layer softmax attention.
      return listed ? (*list)[static_cast<std::size_t>(i)] == 1 : (i + 1) % 8 == 0;
    });
  }
  arch.linearAttention.lightning = true;
  arch.linearAttention.keyHeads = arch.linearAttention.valueHeads = arch.numHeads;
  arch.linearAttention.keyHeadDim = arch.linearAttention.valueHeadDim = arch.headDim;
  readMixtralExperts(config, arch, "num_local_experts", 32);
  return requireIntermediate(std::move(arch));
}

Result<ModelArchitecture> readLfm2(const Json& config, const std::string& type) {
  // LFM2: layer_types names "conv" (a gated short convolution) and "full_attention" layers
  // (per-head q/k norms); a gated MLP whose width block_auto_adjust_ff_dim shrinks to 2/3,
  // scales by block_ffn_dim_multiplier and rounds up to block_multiple_of.
  Json sizes = config;
  if (!config.contains("num_attention_heads")) {
    if (const auto v = readInt(config, "num_heads")) sizes["num_attention_heads"] = *v;
  }
  auto common = readCommon(sizes, type);
  if (!common) return common;
  ModelArchitecture arch = std::move(common).value();
  arch.tieWordEmbeddings =
      boolOr(config, "tie_word_embeddings", boolOr(config, "tie_embedding", true));
  arch.qkNorm = QkNormKind::kPerHead;
  noSlidingWindow(arch);
  if (!readMixerTypes(config, arch, MixerKind::kShortConv)) {
    // Lfm2Config's full_attn_idxs (default 2, 5, 8, 10, 12, 14) name the attention layers.
    const bool listed = config.contains("full_attn_idxs");
    setMixers(arch, MixerKind::kShortConv, [&](std::int64_t i) {
      return listed ? listContains(config, "full_attn_idxs", i)
                    : (i == 2 || i == 5 || i == 8 || i == 10 || i == 12 || i == 14);
    });
  }
  arch.shortConvKernel = intOr(config, "conv_L_cache", 3);
  arch.shortConvBias = boolOr(config, "conv_bias", false);
  std::int64_t width = intOr(config, "block_ff_dim", intOr(config, "intermediate_size", 12288));
  if (boolOr(config, "block_auto_adjust_ff_dim", true)) {
    width = 2 * width / 3;
    const double multiplier = numberOr(config, "block_ffn_dim_multiplier", 1.0);
    if (multiplier > 0) width = static_cast<std::int64_t>(multiplier * static_cast<double>(width));
    const std::int64_t multiple =
        std::max<std::int64_t>(1, intOr(config, "block_multiple_of", 256));
    width = (width + multiple - 1) / multiple * multiple;
  }
  arch.intermediateSize = width;
  return requireIntermediate(std::move(arch));
}

}  // namespace gpumem::config
