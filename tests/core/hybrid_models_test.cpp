// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// State-space models and hybrids: each reads a real model's public config.json
// (tests/data/model-configs/) and must count the parameters its publisher states; their
// recurrent state is sized by hand from the shapes, and kept apart from the KV cache.
#include <gtest/gtest.h>

#include <string>

#include "gpumem/engine.hpp"
#include "gpumem/inference.hpp"
#include "gpumem/kv_cache.hpp"
#include "gpumem/model_config.hpp"
#include "gpumem/model_parameters.hpp"
#include "gpumem/recurrent_state.hpp"
#include "test_models.hpp"

namespace gpumem {
namespace {

using test::expectPublishedTotals;
using test::fixtureArchitecture;
using test::fixtureParameters;
using test::PublishedTotal;

// --- Parameter counts against published totals ---------------------------------------------

// mistralai/Mamba-Codestral-7B-v0.1: its model card states 7,285,403,648 parameters.
TEST(HybridModels, MambaCodestralCountsExactly) {
  const ModelArchitecture arch = fixtureArchitecture("mamba-codestral-7b-v0.1");
  EXPECT_EQ(arch.mambaLayerCount(), 64);
  EXPECT_EQ(arch.attentionLayerCount(), 0);
  EXPECT_EQ(arch.mamba.innerSize, 8192);
  EXPECT_EQ(arch.mamba.convChannels(), 8192 + 2 * 8 * 128);
  EXPECT_EQ(fixtureParameters("mamba-codestral-7b-v0.1"), 7285403648.0);
}

// Each model's total against the figure its publisher states, the source on the row's line.
constexpr PublishedTotal kHybridTotals[] = {
    // state-spaces/mamba-2.8b-hf: Hugging Face Hub safetensors, 2.77B params.
    {"mamba-2.8b-hf", "mamba", 2.77e9},
    // tiiuae/falcon-mamba-7b: 7.27B parameters (model card and Hub safetensors); its B, C and
    // dt RMSNorms carry no weights.
    {"falcon-mamba-7b", "falcon_mamba", 7.27e9},
    // ibm-granite/granite-4.0-h-tiny: "7B total parameters, 1B activated" (the Granite 4.0
    // docs); Hugging Face Hub safetensors, 6.94B params.
    {"granite-4.0-h-tiny", "granitemoehybrid", 6.94e9},
    // ibm-granite/granite-4.0-h-small: Hugging Face Hub safetensors, 32.2B params ("32B total,
    // 9B activated" in the Granite 4.0 docs).
    {"granite-4.0-h-small", "granitemoehybrid", 32.2e9},
    // ibm-ai-platform/Bamba-9B: Hugging Face Hub safetensors, 9.78B params.
    {"bamba-9b", "bamba", 9.78e9},
    // ai21labs/AI21-Jamba-Mini-1.5: "52B parameters, 12B active" (its model card); Hugging Face
    // Hub safetensors, 51.6B params.
    {"ai21-jamba-mini-1.5", "jamba", 51.6e9},
    // nvidia/NVIDIA-Nemotron-Nano-9B-v2: Hugging Face Hub safetensors, 8.89B params.
    {"nvidia-nemotron-nano-9b-v2", "nemotron_h", 8.89e9},
    // nvidia/NVIDIA-Nemotron-3-Nano-30B-A3B-BF16: Hugging Face Hub safetensors, 31.6B params.
    {"nvidia-nemotron-3-nano-30b-a3b", "nemotron_h", 31.6e9},
    // tiiuae/Falcon-H1-0.5B-Instruct (its config.json as copied into NVIDIA-NeMo/
    // Megatron-Bridge's Falcon-H1 bridge test): 521M parameters (the Hub's safetensors count,
    // BF16 weights of 1.04 GB).
    {"falcon-h1-0.5b-instruct", "falcon_h1", 521e6},
    // Qwen/Qwen3-Next-80B-A3B-Instruct: "80B in total and 3B activated" (its model card). The
    // checkpoint also holds a multi-token-prediction layer that transformers does not load; the
    // count here is the model transformers builds (0.4% under the rounded 80B).
    {"qwen3-next-80b-a3b-instruct", "qwen3_next", 80e9},
    // MiniMaxAI/MiniMax-Text-01: "456 billion total parameters" (its model card).
    {"minimax-text-01", "minimax", 456e9},
    // MiniMaxAI/MiniMax-M1 (its config.json, model_type minimax_m1): "456 billion parameters
    // in total" (its model card).
    {"minimax-m1", "minimax", 456e9},
    // LiquidAI/LFM2-1.2B: Hugging Face Hub safetensors, 1.17B params.
    {"lfm2-1.2b", "lfm2", 1.17e9},
};

TEST(HybridModels, MatchPublishedTotals) { expectPublishedTotals(kHybridTotals); }

// state-spaces/mamba-2.8b-hf: Mamba (1) layers, time_step_rank 160, tied embeddings.
TEST(HybridModels, Mamba28bIsMambaOne) {
  const ModelArchitecture arch = fixtureArchitecture("mamba-2.8b-hf");
  EXPECT_EQ(arch.mamba.version, 1);
  EXPECT_EQ(arch.mamba.dtRank, 160);
  EXPECT_TRUE(arch.tieWordEmbeddings);
}

// ibm-granite/granite-4.0-h-tiny: 4 attention layers of 40, one shared expert.
TEST(HybridModels, Granite4HTinyHasFourAttentionLayersOfForty) {
  const ModelArchitecture arch = fixtureArchitecture("granite-4.0-h-tiny");
  EXPECT_EQ(arch.attentionLayerCount(), 4);
  EXPECT_EQ(arch.mambaLayerCount(), 36);
  EXPECT_EQ(arch.moe.numSharedExperts, 1);
  EXPECT_EQ(arch.moe.sharedExpertIntermediateSize, 1024);
}

// ibm-ai-platform/Bamba-9B: attention in layers 9, 18 and 27.
TEST(HybridModels, Bamba9bAttendsInThreeLayers) {
  const ModelArchitecture arch = fixtureArchitecture("bamba-9b");
  EXPECT_EQ(arch.attentionLayerCount(), 3);
  EXPECT_EQ(arch.mixers[9], MixerKind::kAttention);
  EXPECT_EQ(arch.mixers[10], MixerKind::kMamba);
}

// ai21labs/AI21-Jamba-Mini-1.5: one attention layer in eight, experts in every other layer.
TEST(HybridModels, JambaMini15AttendsInOneLayerOfEight) {
  const ModelArchitecture arch = fixtureArchitecture("ai21-jamba-mini-1.5");
  EXPECT_EQ(arch.attentionLayerCount(), 4);
  EXPECT_EQ(arch.mixers[4], MixerKind::kAttention);
  EXPECT_EQ(arch.moe.denseLayers, 16);
  EXPECT_EQ(arch.mamba.dtRank, 256);
}

// nvidia/NVIDIA-Nemotron-Nano-9B-v2: 27 Mamba-2, 4 attention and 25 MLP blocks.
TEST(HybridModels, NemotronNano9bV2ReadsItsBlocks) {
  const ModelArchitecture arch = fixtureArchitecture("nvidia-nemotron-nano-9b-v2");
  EXPECT_EQ(arch.mambaLayerCount(), 27);
  EXPECT_EQ(arch.attentionLayerCount(), 4);
  EXPECT_EQ(arch.mixerLayerCount(MixerKind::kNone), 25);
  EXPECT_EQ(arch.mamba.innerSize, 128 * 80);
}

// nvidia/NVIDIA-Nemotron-3-Nano-30B-A3B-BF16: 23 Mamba-2, 6 attention and 23 MoE blocks, each
// of 128 ReLU² experts (6 per token) and one shared expert (modeling_nemotron_h.py's
// NemotronHMOE).
TEST(HybridModels, Nemotron3NanoCountsItsExpertsByHand) {
  const ModelArchitecture arch = fixtureArchitecture("nvidia-nemotron-3-nano-30b-a3b");
  EXPECT_EQ(arch.mambaLayerCount(), 23);
  EXPECT_EQ(arch.attentionLayerCount(), 6);
  EXPECT_EQ(arch.mixerLayerCount(MixerKind::kNone), 23);
  EXPECT_EQ(arch.moe.numExperts, 128);
  EXPECT_EQ(arch.moe.denseLayers, 0);
  const ModelParameters p = countModelParameters(arch);
  // By hand: per MoE block 6 experts of up + down 2·2688·1856 and the shared 2·2688·3712 act
  // on each token; the router holds 128 × 2688 weights and 128 correction biases.
  EXPECT_EQ(p.activeExperts, 23 * (6 * 2.0 * 2688 * 1856 + 2.0 * 2688 * 3712));
  EXPECT_EQ(p.router, 23 * (128.0 * 2688 + 128));
}

/// A four-block Nemotron-H config whose layout is `layout` (a JSON member).
std::string smallNemotronH(const std::string& layout) {
  return R"({"model_type":"nemotron_h","hidden_size":64,"intermediate_size":96,
      "num_hidden_layers":4,"num_attention_heads":4,"num_key_value_heads":2,"head_dim":16,
      "vocab_size":100,"mamba_num_heads":4,"mamba_head_dim":16,"n_groups":1,
      "n_routed_experts":8,"num_experts_per_tok":2,"moe_intermediate_size":32,
      "moe_shared_expert_intermediate_size":48,)" +
         layout + "}";
}

// layers_block_type names the same blocks as hybrid_override_pattern; latent experts and
// unknown blocks are refused naming what is not sized.
TEST(HybridModels, NemotronHReadsBlockTypesAndRefusesWhatItCannotSize) {
  const auto pattern = parseModelConfig(smallNemotronH(R"("hybrid_override_pattern":"ME*-")"));
  const auto listed =
      parseModelConfig(smallNemotronH(R"("layers_block_type":["mamba","moe","attention","mlp"])"));
  ASSERT_TRUE(pattern.ok()) << pattern.error().message;
  ASSERT_TRUE(listed.ok()) << listed.error().message;
  EXPECT_EQ(pattern->moe.denseLayers, 1);
  // One dense ReLU² MLP (2·64·96) and one MoE block: 8 experts of 2·64·32, a shared 2·64·48,
  // a router 8·64 + 8.
  const ModelParameters p = countModelParameters(*pattern);
  EXPECT_EQ(p.mlp, 2.0 * 64 * 96);
  EXPECT_EQ(p.experts, 8 * 2.0 * 64 * 32 + 2.0 * 64 * 48);
  EXPECT_EQ(p.router, 8.0 * 64 + 8);
  EXPECT_EQ(countModelParameters(*listed).total, p.total);
  const auto latent =
      parseModelConfig(smallNemotronH(R"("hybrid_override_pattern":"ME*-","moe_latent_size":16)"));
  ASSERT_FALSE(latent.ok());
  EXPECT_NE(latent.error().message.find("moe_latent_size"), std::string::npos);
  const auto unknown = parseModelConfig(smallNemotronH(R"("hybrid_override_pattern":"MX*-")"));
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("\"X\""), std::string::npos);
}

// tiiuae/Falcon-H1-0.5B-Instruct: each of its 36 layers has attention and a Mamba-2 mixer side
// by side; no gated norm.
TEST(HybridModels, FalconH1HalfBAttendsAndScansInEveryLayer) {
  const ModelArchitecture arch = fixtureArchitecture("falcon-h1-0.5b-instruct");
  EXPECT_EQ(arch.attentionLayerCount(), 36);
  EXPECT_EQ(arch.mambaLayerCount(), 36);
  EXPECT_EQ(arch.mamba.innerSize, 24 * 64);
  EXPECT_EQ(arch.mamba.convChannels(), 24 * 64 + 2 * 1 * 128);
  EXPECT_FALSE(arch.mamba.gatedNorm);
}

/// A small Falcon-H1 config with the Mamba fields given as `mamba` (a JSON fragment).
ModelArchitecture smallFalconH1(const std::string& mamba) {
  const auto arch = parseModelConfig(R"({"model_type":"falcon_h1","hidden_size":64,
      "intermediate_size":128,"num_hidden_layers":2,"num_attention_heads":4,
      "num_key_value_heads":2,"head_dim":16,"vocab_size":100,"mamba_n_heads":4,)" +
                                     mamba + "}");
  EXPECT_TRUE(arch.ok()) << (arch.ok() ? "" : arch.error().message);
  return arch.ok() ? *arch : ModelArchitecture{};
}

// FalconH1Config: mamba_d_ssm null means mamba_expand × hidden, "auto" head width d_ssm / heads;
// mamba_rms_norm adds a d_ssm-wide norm weight and projectors_bias an out_proj bias per layer.
TEST(HybridModels, FalconH1ReadsDssmNormAndProjectorBias) {
  const ModelArchitecture expanded =
      smallFalconH1(R"("mamba_d_ssm":null,"mamba_expand":2,"mamba_d_head":"auto")");
  EXPECT_EQ(expanded.mamba.innerSize, 128);
  EXPECT_EQ(expanded.mamba.headDim, 32);
  const ModelArchitecture plain = smallFalconH1(R"("mamba_d_ssm":96)");
  EXPECT_EQ(plain.mamba.headDim, 24);
  const double base = countModelParameters(plain).total;
  EXPECT_EQ(countModelParameters(smallFalconH1(R"("mamba_d_ssm":96,"mamba_rms_norm":true)")).total,
            base + 2 * 96);
  EXPECT_EQ(countModelParameters(smallFalconH1(R"("mamba_d_ssm":96,"projectors_bias":true)")).total,
            base + 2 * 64);
  const auto bad = parseModelConfig(R"({"model_type":"falcon_h1","hidden_size":64,
      "intermediate_size":128,"num_hidden_layers":2,"num_attention_heads":4,"vocab_size":100,
      "mamba_n_heads":5,"mamba_d_ssm":96})");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("mamba_d_ssm"), std::string::npos);
}

// Qwen/Qwen3-Next-80B-A3B-Instruct: one gated attention layer in four, a gated shared expert.
TEST(HybridModels, Qwen3NextAttendsInOneLayerOfFour) {
  const ModelArchitecture arch = fixtureArchitecture("qwen3-next-80b-a3b-instruct");
  EXPECT_EQ(arch.attentionLayerCount(), 12);
  EXPECT_EQ(arch.mixerLayerCount(MixerKind::kLinearAttention), 36);
  EXPECT_EQ(arch.mixers[3], MixerKind::kAttention);
  EXPECT_TRUE(arch.attentionOutputGate);
  EXPECT_TRUE(arch.moe.sharedExpertGate);
}

// MiniMaxAI/MiniMax-Text-01: 70 lightning attention layers and 10 softmax attention layers.
TEST(HybridModels, MiniMaxText01HasTenSoftmaxLayers) {
  const ModelArchitecture arch = fixtureArchitecture("minimax-text-01");
  EXPECT_EQ(arch.attentionLayerCount(), 10);
  EXPECT_EQ(arch.mixerLayerCount(MixerKind::kLinearAttention), 70);
}

// MiniMaxAI/MiniMax-M1 (model_type minimax_m1): the layout of MiniMax-Text-01 with the
// attn_type_list spelled out.
TEST(HybridModels, MiniMaxM1HasTheLayoutOfText01) {
  const ModelArchitecture arch = fixtureArchitecture("minimax-m1");
  EXPECT_EQ(arch.modelType, "minimax");
  EXPECT_EQ(arch.attentionLayerCount(), 10);
  EXPECT_EQ(arch.mixerLayerCount(MixerKind::kLinearAttention), 70);
}

TEST(HybridModels, MiniMaxReadsTheRemoteCodeAttnTypeList) {
  const auto arch = parseModelConfig(R"({"model_type":"minimax_text_01","hidden_size":1024,
      "intermediate_size":2048,"num_hidden_layers":4,"num_attention_heads":8,
      "num_key_value_heads":2,"head_dim":128,"vocab_size":1000,"attn_type_list":[0,1,0,1]})");
  ASSERT_TRUE(arch.ok()) << arch.error().message;
  EXPECT_EQ(arch->modelType, "minimax");
  EXPECT_EQ(arch->attentionLayerCount(), 2);
}

// LiquidAI/LFM2-1.2B: its MLP width 12288 shrinks to 2/3 (8192); 6 attention and 10
// short-convolution layers.
TEST(HybridModels, Lfm2ShrinksItsMlpWidth) {
  const ModelArchitecture arch = fixtureArchitecture("lfm2-1.2b");
  EXPECT_EQ(arch.intermediateSize, 8192);
  EXPECT_EQ(arch.attentionLayerCount(), 6);
  EXPECT_EQ(arch.mixerLayerCount(MixerKind::kShortConv), 10);
}

// --- The recurrent state and the KV cache ---------------------------------------------------

// Mamba-2 state per sequence and layer, by hand from Codestral Mamba's shapes: conv (8192 +
// 2·8·128) × 4 taps + SSM 128 heads × 64 × 128, bf16; 64 layers.
TEST(HybridModels, MambaCodestralStateIsConvPlusSsm) {
  const ModelArchitecture arch = fixtureArchitecture("mamba-codestral-7b-v0.1");
  const double perLayer = (10240.0 * 4 + 128.0 * 64 * 128) * 2;
  EXPECT_EQ(recurrentStateBytesPerSequence(arch, 2, ConvWindow::kWholeKernel), 64 * perLayer);
  const double served = (10240.0 * 3 + 128.0 * 64 * 128) * 2;
  EXPECT_EQ(recurrentStateBytesPerSequence(arch, 2, ConvWindow::kKernelMinusOne), 64 * served);
  EXPECT_EQ(kvCacheBytes(arch, 1, 100000, 2), 0.0);  // no attention layer, no KV cache
}

// Qwen3-Next's Gated DeltaNet state: conv (2·16·128 + 32·128) channels and 32 value heads of
// 128 × 128; its KV cache: 12 attention layers × 2 × 2 KV heads × 256.
TEST(HybridModels, Qwen3NextStateAndKvCache) {
  const ModelArchitecture arch = fixtureArchitecture("qwen3-next-80b-a3b-instruct");
  const double perLayer = 8192.0 * 3 + 32.0 * 128 * 128;
  EXPECT_EQ(recurrentStateBytesPerSequence(arch, 2, ConvWindow::kKernelMinusOne),
            36 * perLayer * 2);
  EXPECT_EQ(kvCacheBytes(arch, 1, 1000, 2), 12 * 2 * 2 * 256 * 1000 * 2.0);
}

// The transformers answer of a hybrid: a KV cache of the attention layers only, growing with
// the context, and a recurrent state that does not.
TEST(HybridModels, InferenceShowsRecurrentStateApartFromKvCache) {
  const ModelArchitecture arch = fixtureArchitecture("granite-4.0-h-tiny");
  InferenceOptions o;
  o.batch = 2;
  o.promptTokens = 1000;
  o.generatedTokens = 0;
  const auto shortRun = estimateInference(arch, o);
  ASSERT_TRUE(shortRun.ok()) << shortRun.error().message;
  o.promptTokens = 8000;
  const auto longRun = estimateInference(arch, o);
  ASSERT_TRUE(longRun.ok());
  const auto find = [](const Breakdown& b, const std::string& name) {
    for (const Component& c : b.components) {
      if (c.name == name) return c;
    }
    return Component{};
  };
  const Component state = find(*shortRun, "recurrent_state");
  EXPECT_EQ(state.label, "Recurrent state (Mamba-2 layers)");
  // 36 layers × 2 sequences × (conv 3328 × 4 + SSM 48 × 64 × 128) × 2 B.
  EXPECT_EQ(state.bytes, 36 * 2 * (3328.0 * 4 + 48.0 * 64 * 128) * 2);
  EXPECT_EQ(find(*longRun, "recurrent_state").bytes, state.bytes);
  // 4 attention layers × 2 × 4 KV heads × 128 × 2 B per token and sequence.
  EXPECT_EQ(find(*shortRun, "kv_cache").bytes, 2 * 1000 * 4 * 2 * 4 * 128 * 2.0);
  EXPECT_GT(find(*longRun, "kv_cache").bytes, find(*shortRun, "kv_cache").bytes);
}

// Falcon-H1 keeps both per layer: a KV cache in all 36 layers (2 KV heads of 64) and a Mamba-2
// state in all 36 (conv 1792 channels × 4 taps + SSM 24 heads × 64 × 128), bf16.
TEST(HybridModels, FalconH1KeepsKvCacheAndStateInEveryLayer) {
  const ModelArchitecture arch = fixtureArchitecture("falcon-h1-0.5b-instruct");
  EXPECT_EQ(kvCacheBytes(arch, 1, 1000, 2), 36 * 2 * 2 * 64 * 1000 * 2.0);
  EXPECT_EQ(recurrentStateBytesPerSequence(arch, 2, ConvWindow::kWholeKernel),
            36 * (1792.0 * 4 + 24.0 * 64 * 128) * 2);
}

// vLLM: a request needs its attention layers' KV blocks and one state; a longer context leaves
// fewer concurrent requests, never more.
TEST(HybridModels, VllmPoolCountsStatePerRequest) {
  const ModelArchitecture arch = fixtureArchitecture("nvidia-nemotron-nano-9b-v2");
  InferenceOptions o;
  o.engine = EngineProfile::kVllm;
  o.gpuMemoryBytes = 80e9;
  o.batch = 4;
  o.promptTokens = 4096;
  o.generatedTokens = 0;
  const auto shortRun = estimateInference(arch, o);
  ASSERT_TRUE(shortRun.ok()) << shortRun.error().message;
  ASSERT_TRUE(shortRun->kvPool.has_value());
  o.promptTokens = 32768;
  const auto longRun = estimateInference(arch, o);
  ASSERT_TRUE(longRun.ok());
  EXPECT_LT(longRun->kvPool->maxConcurrency, shortRun->kvPool->maxConcurrency);
  bool hasState = false;
  for (const Component& c : shortRun->components) hasState |= c.name == "recurrent_state";
  EXPECT_TRUE(hasState);
  // The pool over (request KV + request state), by hand: 4 attention layers × 2 × 8 × 128 × 2 B
  // per token, 27 Mamba-2 layers × (12288 × 3 + 128 × 80 × 128) × 2 B per request.
  const double kv = 4096.0 * 4 * 2 * 8 * 128 * 2;
  const double state = 27 * (12288.0 * 3 + 128.0 * 80 * 128) * 2;
  EXPECT_NEAR(shortRun->kvPool->maxConcurrency, shortRun->kvPool->bytes / (kv + state), 1e-9);
}

// llama.cpp keeps the recurrent state in fp32.
TEST(HybridModels, LlamaCppKeepsStateInFp32) {
  const ModelArchitecture arch = fixtureArchitecture("bamba-9b");
  InferenceOptions o;
  o.engine = EngineProfile::kLlamaCpp;
  o.batch = 1;
  o.promptTokens = 2048;
  o.generatedTokens = 0;
  const auto run = estimateInference(arch, o);
  ASSERT_TRUE(run.ok()) << run.error().message;
  double state = -1;
  for (const Component& c : run->components) {
    if (c.name == "recurrent_state") state = c.bytes;
  }
  EXPECT_EQ(state, 29 * (8448.0 * 3 + 128.0 * 64 * 128) * 4);
}

}  // namespace
}  // namespace gpumem
