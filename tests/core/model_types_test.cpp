// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// The model_types mapped beyond the first release: each reads a real model's public config.json
// (tests/data/model-configs/) and must count the parameters its publisher states; then the
// generic reader for model_types without a mapping, and the list of supported types.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "gpumem/answer.hpp"
#include "gpumem/model_config.hpp"
#include "gpumem/model_parameters.hpp"
#include "gpumem/scenario.hpp"
#include "test_models.hpp"

namespace gpumem {
namespace {

using test::expectPublished;
using test::fixtureArchitecture;
using test::fixtureParameters;
using test::fixtureText;
using test::PublishedTotal;

/// Parameters without the embedding and output matrices (what several model cards state).
double fixtureNonEmbeddingParameters(const std::string& name) {
  const ModelParameters p = countModelParameters(fixtureArchitecture(name));
  return p.total - p.embedding - p.outputHead;
}

// --- Published totals ------------------------------------------------------------------------

// Each family's model against the total its publisher states, the source above the row.
constexpr PublishedTotal kFamilyTotals[] = {
    // ibm-granite/granite-3.1-8b-instruct: Hugging Face Hub safetensors, 8.17B params.
    {"granite-3.1-8b-instruct", "granite", 8.17e9},
    // CohereForAI/c4ai-command-r7b-12-2024: Hugging Face Hub safetensors, 8.03B params.
    {"c4ai-command-r7b-12-2024", "cohere2", 8.03e9},
    // THUDM/GLM-4-9B-0414: Hugging Face Hub safetensors, 9.4B params.
    {"glm-4-9b-0414", "glm4", 9.4e9},
    // HuggingFaceTB/SmolLM3-3B: Hugging Face Hub safetensors, 3.08B params.
    {"smollm3-3b", "smollm3", 3.08e9},
    // bigcode/starcoder2-7b: Hugging Face Hub safetensors, 7.17B params.
    {"starcoder2-7b", "starcoder2", 7.17e9},
    // ibm-granite/granite-3.1-3b-a800m-instruct: Hugging Face Hub safetensors, 3.3B params.
    {"granite-3.1-3b-a800m-instruct", "granitemoe", 3.3e9},
    // CohereForAI/c4ai-command-r-v01: a 35 billion parameter model (its model card).
    {"c4ai-command-r-v01", "cohere", 35e9},
    // CohereForAI/c4ai-command-r-plus: a 104 billion parameter model (its model card).
    {"c4ai-command-r-plus", "cohere", 104e9},
    // THUDM/glm-4-9b-chat-hf: Hugging Face Hub safetensors, 9.4B params.
    {"glm-4-9b-chat-hf", "glm", 9.4e9},
    // bigcode/starcoder: "15.5B parameter models" (its model card).
    {"starcoder", "gpt_bigcode", 15.5e9},
    // microsoft/phi-2: Hugging Face Hub safetensors, 2.78B params.
    {"phi-2", "phi", 2.78e9},
    // microsoft/Phi-3.5-MoE-instruct: Hugging Face Hub safetensors, 41.9B params.
    {"phi-3.5-moe-instruct", "phimoe", 41.9e9},
    // stabilityai/stablelm-2-1_6b: Hugging Face Hub safetensors, 1.64B params.
    {"stablelm-2-1_6b", "stablelm", 1.64e9},
    // internlm/internlm2_5-7b-chat: Hugging Face Hub safetensors, 7.74B params.
    {"internlm2_5-7b-chat", "internlm2", 7.74e9},
    // baidu/ERNIE-4.5-0.3B-PT: 0.36B parameters (its model card).
    {"ernie-4.5-0.3b-pt", "ernie4_5", 0.36e9},
    // baidu/ERNIE-4.5-21B-A3B-PT: Hugging Face Hub safetensors, 21.8B params.
    {"ernie-4.5-21b-a3b-pt", "ernie4_5_moe", 21.8e9},
    // ByteDance-Seed/Seed-OSS-36B-Instruct: 36B parameters (its model card).
    {"seed-oss-36b-instruct", "seed_oss", 36e9},
    // tencent/Hunyuan-7B-Instruct: Hugging Face Hub safetensors, 7.5B params.
    {"hunyuan-7b-instruct", "hunyuan_v1_dense", 7.5e9},
    // arcee-ai/AFM-4.5B: Hugging Face Hub safetensors, 4.62B params.
    {"afm-4.5b", "arcee", 4.62e9},
    // swiss-ai/Apertus-8B-2509: Hugging Face Hub safetensors, 8.05B params.
    {"apertus-8b-2509", "apertus", 8.05e9},
    // allenai/Olmo-3-1025-7B: Hugging Face Hub safetensors, 7.3B params.
    {"olmo-3-1025-7b", "olmo3", 7.3e9},
    // deepseek-ai/deepseek-moe-16b-base: "a total of 16.4B parameters" (its model card).
    {"deepseek-moe-16b-base", "deepseek", 16.4e9},
    // EleutherAI/gpt-j-6b: "Number of parameters 6,053,381,344" (its model card).
    {"gpt-j-6b", "gptj", 6053381344.0},
    // databricks/dbrx-base: "132B total parameters" (its model card).
    {"dbrx-base", "dbrx", 132e9},
};

TEST(ModelTypes, FamiliesMatchPublishedTotals) { test::expectPublishedTotals(kFamilyTotals); }

// --- The five measured models that were refused before ------------------------------------

// ibm-granite/granite-3.1-8b-instruct.
TEST(ModelTypes, Granite31_8bReadsItsAttentionFields) {
  const ModelArchitecture arch = fixtureArchitecture("granite-3.1-8b-instruct");
  EXPECT_EQ(arch.modelType, "granite");
  EXPECT_TRUE(arch.tieWordEmbeddings);
  EXPECT_EQ(arch.numKvHeads, 8);
  EXPECT_DOUBLE_EQ(arch.attentionDropout, 0.1);
}

// CohereForAI/c4ai-command-r7b-12-2024.
TEST(ModelTypes, CommandR7bSlidesThreeLayersOfFour) {
  const ModelArchitecture arch = fixtureArchitecture("c4ai-command-r7b-12-2024");
  EXPECT_TRUE(arch.parallelAttention);
  EXPECT_EQ(arch.normsPerLayer, 1);
  EXPECT_EQ(arch.normKind, NormKind::kLayerNorm);
  EXPECT_FALSE(arch.normHasBias);
  EXPECT_TRUE(arch.tieWordEmbeddings);
  EXPECT_EQ(arch.slidingWindow, 4096);
  EXPECT_EQ(arch.slidingLayerCount(), 24);
  EXPECT_TRUE(arch.slidingLayers[0]);
  EXPECT_FALSE(arch.slidingLayers[3]);  // every fourth layer is global
}

// THUDM/GLM-4-9B-0414.
TEST(ModelTypes, Glm4_0414HasFourNormsPerLayer) {
  const ModelArchitecture arch = fixtureArchitecture("glm-4-9b-0414");
  EXPECT_EQ(arch.normsPerLayer, 4);
  EXPECT_TRUE(arch.fusedGateUp);
  EXPECT_TRUE(arch.qkvBias);
  EXPECT_FALSE(arch.oBias);
  EXPECT_EQ(arch.numKvHeads, 2);
  // Same tensors as GLM-4-9B (model_type glm) plus post-attention and post-MLP norms:
  // 40 layers × 2 norms × 4096.
  EXPECT_DOUBLE_EQ(fixtureParameters("glm-4-9b-0414") - fixtureParameters("glm-4-9b-chat-hf"),
                   40.0 * 2 * 4096);
}

// HuggingFaceTB/SmolLM3-3B.
TEST(ModelTypes, SmolLm3TiesItsEmbeddingsWithoutAWindow) {
  const ModelArchitecture arch = fixtureArchitecture("smollm3-3b");
  EXPECT_TRUE(arch.tieWordEmbeddings);
  EXPECT_EQ(arch.slidingLayerCount(), 0);
}

// bigcode/starcoder2-7b.
TEST(ModelTypes, Starcoder2IsAPlainMlpWithBiasesAndASlidingWindow) {
  const ModelArchitecture arch = fixtureArchitecture("starcoder2-7b");
  EXPECT_EQ(arch.mlpKind, MlpKind::kPlain);
  EXPECT_EQ(arch.normKind, NormKind::kLayerNorm);
  EXPECT_TRUE(arch.normHasBias);
  EXPECT_TRUE(arch.qkvBias && arch.oBias && arch.mlpBias);
  EXPECT_EQ(arch.hiddenAct, "gelu_pytorch_tanh");
  EXPECT_EQ(arch.slidingWindow, 4096);
  EXPECT_EQ(arch.slidingLayerCount(), 32);
  EXPECT_DOUBLE_EQ(arch.dropout, 0.1);
}

// --- Their families ---------------------------------------------------------------------------

// ibm-granite/granite-3.1-3b-a800m-instruct.
TEST(ModelTypes, GraniteMoeHasFortyExpertsInEveryLayer) {
  const ModelArchitecture arch = fixtureArchitecture("granite-3.1-3b-a800m-instruct");
  EXPECT_EQ(arch.moe.numExperts, 40);
  EXPECT_EQ(arch.moe.expertsPerToken, 8);
  EXPECT_EQ(arch.moe.expertIntermediateSize, 512);
  EXPECT_EQ(arch.moe.denseLayers, 0);
}

// CohereForAI/c4ai-command-r-v01.
TEST(ModelTypes, CommandRHasNoQkNormsNorWindow) {
  const ModelArchitecture arch = fixtureArchitecture("c4ai-command-r-v01");
  EXPECT_EQ(arch.qkNorm, QkNormKind::kNone);
  EXPECT_EQ(arch.slidingWindow, 0);
}

// CohereForAI/c4ai-command-r-plus: q/k norms.
TEST(ModelTypes, CommandRPlusHasQkNorms) {
  const ModelArchitecture arch = fixtureArchitecture("c4ai-command-r-plus");
  EXPECT_EQ(arch.qkNorm, QkNormKind::kFull);
}

// THUDM/glm-4-9b-chat-hf.
TEST(ModelTypes, GlmHasTwoNormsPerLayer) {
  const ModelArchitecture arch = fixtureArchitecture("glm-4-9b-chat-hf");
  EXPECT_EQ(arch.normsPerLayer, 2);
}

// zai-org/GLM-4.5-Air: "106B total parameters" (its model card), a figure that leaves out the
// 151552 × 4096 embedding and output matrices; the checkpoint's MTP layer is not loaded.
TEST(ModelTypes, Glm45AirMatchesModelCardWithoutEmbeddings) {
  const ModelArchitecture arch = fixtureArchitecture("glm-4.5-air");
  EXPECT_EQ(arch.moe.numExperts, 128);
  EXPECT_EQ(arch.moe.numSharedExperts, 1);
  EXPECT_EQ(arch.moe.denseLayers, 1);
  EXPECT_TRUE(arch.qkvBias);
  EXPECT_EQ(arch.qkNorm, QkNormKind::kNone);
  expectPublished(fixtureNonEmbeddingParameters("glm-4.5-air"), 106e9);
}

// bigcode/starcoder.
TEST(ModelTypes, GptBigCodeIsMultiQueryWithLearnedPositions) {
  const ModelArchitecture arch = fixtureArchitecture("starcoder");
  EXPECT_EQ(arch.numKvHeads, 1);
  EXPECT_EQ(arch.headDim, 128);
  EXPECT_EQ(arch.learnedPositions, 8192);
  EXPECT_TRUE(arch.fusedQkv);
  EXPECT_EQ(arch.mlpKind, MlpKind::kPlain);
}

// microsoft/phi-2.
TEST(ModelTypes, Phi2IsParallelWithAnOutputBias) {
  const ModelArchitecture arch = fixtureArchitecture("phi-2");
  EXPECT_TRUE(arch.parallelAttention);
  EXPECT_EQ(arch.normsPerLayer, 1);
  EXPECT_TRUE(arch.outputBias);
  EXPECT_EQ(arch.mlpKind, MlpKind::kPlain);
  EXPECT_DOUBLE_EQ(arch.dropout, 0.1);
}

// microsoft/Phi-3.5-MoE-instruct.
TEST(ModelTypes, PhiMoeHasBiasedNormsAndOutputHead) {
  const ModelArchitecture arch = fixtureArchitecture("phi-3.5-moe-instruct");
  EXPECT_EQ(arch.moe.numExperts, 16);
  EXPECT_EQ(arch.moe.expertsPerToken, 2);
  EXPECT_TRUE(arch.outputBias);
  EXPECT_TRUE(arch.normHasBias);
}

// stabilityai/stablelm-2-1_6b.
TEST(ModelTypes, StableLm2BiasesQkvNotO) {
  const ModelArchitecture arch = fixtureArchitecture("stablelm-2-1_6b");
  EXPECT_TRUE(arch.qkvBias);
  EXPECT_FALSE(arch.oBias);
  EXPECT_EQ(arch.normKind, NormKind::kLayerNorm);
}

// internlm/internlm2_5-7b-chat.
TEST(ModelTypes, InternLm2FusesQkvWithoutBias) {
  const ModelArchitecture arch = fixtureArchitecture("internlm2_5-7b-chat");
  EXPECT_TRUE(arch.fusedQkv);
  EXPECT_FALSE(arch.qkvBias);
}

// LGAI-EXAONE/EXAONE-3.5-7.8B-Instruct: "Number of Parameters (without embeddings): 6.98B"
// (its model card).
TEST(ModelTypes, Exaone35MatchesModelCard) {
  EXPECT_EQ(fixtureArchitecture("exaone-3.5-7.8b-instruct").numLayers, 32);
  expectPublished(fixtureNonEmbeddingParameters("exaone-3.5-7.8b-instruct"), 6.98e9);
}

// LGAI-EXAONE/EXAONE-4.0-32B: "Number of Parameters (without embeddings): 30.95B" (its model
// card); three sliding-window layers to one global.
TEST(ModelTypes, Exaone4MatchesModelCard) {
  const ModelArchitecture arch = fixtureArchitecture("exaone-4.0-32b");
  EXPECT_EQ(arch.qkNorm, QkNormKind::kPerHead);
  EXPECT_EQ(arch.slidingLayerCount(), 48);
  expectPublished(fixtureNonEmbeddingParameters("exaone-4.0-32b"), 30.95e9);
}

// baidu/ERNIE-4.5-0.3B-PT.
TEST(ModelTypes, Ernie45TiesItsEmbeddings) {
  EXPECT_TRUE(fixtureArchitecture("ernie-4.5-0.3b-pt").tieWordEmbeddings);
}

// baidu/ERNIE-4.5-21B-A3B-PT.
TEST(ModelTypes, Ernie45MoeHasOneDenseLayer) {
  const ModelArchitecture arch = fixtureArchitecture("ernie-4.5-21b-a3b-pt");
  EXPECT_EQ(arch.moe.numExperts, 64);
  EXPECT_EQ(arch.moe.numSharedExperts, 2);
  EXPECT_EQ(arch.moe.denseLayers, 1);  // moe_layer_start_index 1
}

// ByteDance-Seed/Seed-OSS-36B-Instruct.
TEST(ModelTypes, SeedOssBiasesQkvNotO) {
  const ModelArchitecture arch = fixtureArchitecture("seed-oss-36b-instruct");
  EXPECT_TRUE(arch.qkvBias);
  EXPECT_FALSE(arch.oBias);
}

// tencent/Hunyuan-7B-Instruct.
TEST(ModelTypes, HunyuanDenseNormsQueriesAndKeys) {
  EXPECT_EQ(fixtureArchitecture("hunyuan-7b-instruct").qkNorm, QkNormKind::kPerHead);
}

// arcee-ai/AFM-4.5B.
TEST(ModelTypes, ArceeHasAPlainMlp) {
  EXPECT_EQ(fixtureArchitecture("afm-4.5b").mlpKind, MlpKind::kPlain);
}

// swiss-ai/Apertus-8B-2509.
TEST(ModelTypes, ApertusHasAPlainMlpAndQkNorms) {
  const ModelArchitecture arch = fixtureArchitecture("apertus-8b-2509");
  EXPECT_EQ(arch.mlpKind, MlpKind::kPlain);
  EXPECT_EQ(arch.qkNorm, QkNormKind::kPerHead);
}

// allenai/Olmo-3-1025-7B.
TEST(ModelTypes, Olmo3SlidesThreeLayersOfFour) {
  const ModelArchitecture arch = fixtureArchitecture("olmo-3-1025-7b");
  EXPECT_EQ(arch.slidingLayerCount(), 24);
  EXPECT_EQ(arch.qkNorm, QkNormKind::kFull);
}

// deepseek-ai/deepseek-moe-16b-base.
TEST(ModelTypes, DeepseekMoeV1HasSharedExpertsWithoutMla) {
  const ModelArchitecture arch = fixtureArchitecture("deepseek-moe-16b-base");
  EXPECT_FALSE(arch.hasMla);
  EXPECT_EQ(arch.moe.numSharedExperts, 2);
  EXPECT_EQ(arch.moe.denseLayers, 1);
}

// EleutherAI/gpt-j-6b.
TEST(ModelTypes, GptJIsParallelWithBiasFreeAttention) {
  const ModelArchitecture arch = fixtureArchitecture("gpt-j-6b");
  EXPECT_TRUE(arch.parallelAttention);
  EXPECT_FALSE(arch.qkvBias || arch.oBias);
  EXPECT_TRUE(arch.mlpBias && arch.outputBias);
}

// databricks/dbrx-base: sizes in nested blocks.
TEST(ModelTypes, DbrxReadsItsNestedBlocks) {
  const ModelArchitecture arch = fixtureArchitecture("dbrx-base");
  EXPECT_EQ(arch.hiddenSize, 6144);
  EXPECT_EQ(arch.numKvHeads, 8);
  EXPECT_EQ(arch.moe.numExperts, 16);
  EXPECT_EQ(arch.moe.expertsPerToken, 4);
  EXPECT_EQ(arch.moe.expertIntermediateSize, 10752);
}

// bigscience/bloom-560m: 559,214,592 parameters (its model card), with the LayerNorm over the
// embeddings.
TEST(ModelTypes, BloomCountsItsEmbeddingNorm) {
  EXPECT_EQ(fixtureArchitecture("bloom-560m").hiddenSize, 1024);
  EXPECT_EQ(fixtureParameters("bloom-560m"), 559214592.0);
}

// rednote-hilab/dots.llm1.inst: "14B activated" of its parameters (its model card): the
// dense parts, 2 shared and 6 of 128 routed experts in 61 of 62 layers.
TEST(ModelTypes, Dots1ActiveParametersMatchModelCard) {
  const ModelArchitecture arch = fixtureArchitecture("dots.llm1.inst");
  EXPECT_EQ(arch.qkNorm, QkNormKind::kPerHead);
  EXPECT_EQ(arch.moe.denseLayers, 1);
  EXPECT_EQ(arch.moe.numSharedExperts, 2);
  const ModelParameters p = countModelParameters(arch);
  expectPublished(p.total - p.experts + p.activeExperts, 14e9);
}

// --- Vision-language configs: the language model of text_config ------------------------------
// (the whole model, vision tower included, is checked in vision_tower_test.cpp)

namespace {
double fixtureLanguageModelParameters(const std::string& name) {
  const ModelParameters p = countModelParameters(fixtureArchitecture(name));
  return p.total - p.vision;
}
}  // namespace

// mistralai/Mistral-Small-3.1-24B-Instruct-2503 wraps the language model of
// mistralai/Mistral-Small-24B-Base-2501 (Hugging Face Hub safetensors, 23.6B params).
TEST(ModelTypes, Mistral3ReadsItsTextConfig) {
  const ModelArchitecture arch = fixtureArchitecture("mistral-small-3.1-24b-instruct-2503");
  EXPECT_EQ(arch.hiddenSize, 5120);
  EXPECT_EQ(arch.slidingWindow, 0);  // "sliding_window": null
  expectPublished(fixtureLanguageModelParameters("mistral-small-3.1-24b-instruct-2503"), 23.6e9);
}

// Qwen/Qwen2.5-VL-7B-Instruct's language model has Qwen2.5-7B's shapes, whose parameters
// PyTorch counted: 7,615,616,512 (params of tests/data/calibration.jsonl).
TEST(ModelTypes, Qwen25VlLanguageModelIsQwen25_7b) {
  EXPECT_EQ(fixtureLanguageModelParameters("qwen2.5-vl-7b-instruct"), 7615616512.0);
}

// Qwen/Qwen3-VL-8B-Instruct's language model has Qwen3-8B's shapes (Qwen/Qwen3-8B: Hugging
// Face Hub safetensors, 8.19B params); tie_word_embeddings is read from the top level.
TEST(ModelTypes, Qwen3VlReadsItsTextConfig) {
  const ModelArchitecture arch = fixtureArchitecture("qwen3-vl-8b-instruct");
  EXPECT_EQ(arch.modelType, "qwen3_vl_text");
  EXPECT_EQ(arch.qkNorm, QkNormKind::kPerHead);
  EXPECT_FALSE(arch.tieWordEmbeddings);
  expectPublished(fixtureLanguageModelParameters("qwen3-vl-8b-instruct"), 8.19e9);
}

TEST(ModelTypes, ATextConfigWithoutTieTakesTheTopLevelValue) {
  const auto arch = parseModelConfig(R"({"model_type":"qwen3_vl","tie_word_embeddings":true,
      "text_config":{"model_type":"qwen3_vl_text","hidden_size":2048,"intermediate_size":6144,
      "num_hidden_layers":28,"num_attention_heads":16,"num_key_value_heads":8,
      "vocab_size":151936}})");
  ASSERT_TRUE(arch.ok()) << arch.error().message;
  EXPECT_TRUE(arch->tieWordEmbeddings);
}

// llava-hf/llava-1.5-7b-hf: a text_config holding only what differs from LlamaConfig, around
// Vicuna-7B, i.e. Llama 2 7B (Hugging Face Hub safetensors, 6.74B params) with 64 more tokens.
TEST(ModelTypes, LlavaFillsLlamaDefaults) {
  const ModelArchitecture arch = fixtureArchitecture("llava-1.5-7b-hf");
  EXPECT_EQ(arch.hiddenSize, 4096);
  EXPECT_EQ(arch.intermediateSize, 11008);
  EXPECT_EQ(arch.vocabSize, 32064);
  expectPublished(fixtureLanguageModelParameters("llava-1.5-7b-hf"), 6.74e9);
}

// llava-hf/llava-v1.6-mistral-7b-hf's config.json as TensorRT-LLM's LLaVA-NeXT test lists it,
// with the vision tower's 24 layers that the test cuts to 2 ("24 layers for full model"): a
// text_config without hidden_size, num_hidden_layers or num_attention_heads, which
// MistralConfig's defaults fill. By hand: Mistral 7B with 32,064 tokens, CLIP ViT-L/14 at
// 336 px (patch 3·14²·1,024, [CLS], 577 positions, two LayerNorms, 24 layers of q, k, v, o,
// fc1, fc2 and two LayerNorms), the two-layer GELU projector and image_newline; the Hub
// gives 7.57B params.
TEST(ModelTypes, LlavaNextFillsMistralDefaultsAndCountsItsTower) {
  const ModelArchitecture arch = fixtureArchitecture("llava-v1.6-mistral-7b-hf");
  EXPECT_EQ(arch.hiddenSize, 4096);
  EXPECT_EQ(arch.numLayers, 32);
  EXPECT_EQ(arch.numKvHeads, 8);
  EXPECT_EQ(arch.slidingWindow, 0);  // the file's "sliding_window": null, not the default
  const double mistralLayer = 2 * 4096.0 * 4096 + 2 * 4096.0 * 1024 + 3 * 4096.0 * 14336 + 2 * 4096;
  const double mistral = 2 * 32064.0 * 4096 + 32 * mistralLayer + 4096;
  const double clipLayer =
      4 * (1024.0 * 1024 + 1024) + 1024.0 * 4096 + 4096 + 4096.0 * 1024 + 1024 + 2 * 2 * 1024;
  const double clip =
      3 * 14 * 14 * 1024.0 + 1024 + 577 * 1024.0 + 2 * 1024 + 24 * clipLayer + 2 * 1024;
  const double projector = 1024.0 * 4096 + 4096 + 4096.0 * 4096 + 4096;
  EXPECT_EQ(countModelParameters(arch).total, mistral + clip + projector + 4096);
  expectPublished(countModelParameters(arch).total, 7.57e9);
}

// --- The last text model_types against published totals ---------------------------------

// Language models read from a real config.json (tests/data/model-configs/, abridged to the
// fields an engine reads, values verbatim) against the total their publisher states:
// - kyutai/helium-1-preview-2b (config.json of huggingface.co/kyutai/helium-1-preview-2b):
//   its one model.safetensors holds 4.35 GB of bf16 tensors, 2.175B parameters (the card
//   says only "2B").
// - moonshotai/Kimi-K2-Instruct (values as NVIDIA Megatron Bridge's KimiK2Provider and the
//   model card's summary list them: 61 layers, 1 dense, 64 heads, 384 experts of 2,048, one
//   shared, 160K vocabulary): the Hub's safetensors total, 1,026.5B (drose.io's copy of the
//   Hub listing; the card says "1T").
constexpr PublishedTotal kTextModelTotals[] = {
    {"helium-1-preview-2b", "helium", 4.35e9 / 2},
    {"kimi-k2-instruct", "kimi_k2", 1026.5e9},
};

TEST(ModelTypes, TextModelsMatchPublishedTotals) {
  expectPublishedTotals(kTextModelTotals, fixtureArchitecture, false);
}

// Helium by hand (modeling_helium.py: Llama's layout, 20 heads of 128, untied head): per
// layer q, k, v, o 4 · 2,560², the gated MLP 3 · 2,560 · 7,040 and two RMSNorms; embedding
// and head 48,000 × 2,560 each; the final norm.
TEST(ModelTypes, HeliumCountsByHand) {
  const double h = 2560;
  const double layer = 4 * h * h + 3 * h * 7040 + 2 * h;
  EXPECT_EQ(fixtureParameters("helium-1-preview-2b"), 24 * layer + 2 * 48000 * h + h);
}

// mistralai/Ministral-8B-Instruct-2410's config.json says "model_type": "mistral"; transformers'
// Ministral documentation loads the same checkpoint as MinistralForCausalLM, the class of
// model_type "ministral". Read either way it is the checkpoint's 8.02B (the Hub's safetensors
// total, as the Open LLM Leaderboard lists it). No published config.json with model_type
// "ministral" was found.
TEST(ModelTypes, MinistralReadsMinistral8bLikeMistral) {
  auto document = nlohmann::json::parse(fixtureText("ministral-8b-instruct-2410"));
  const auto mistral = parseModelConfig(document.dump());
  document["model_type"] = "ministral";
  const auto ministral = parseModelConfig(document.dump());
  ASSERT_TRUE(mistral.ok() && ministral.ok());
  EXPECT_FALSE(ministral->readGenerically);
  EXPECT_EQ(ministral->modelType, "ministral");
  EXPECT_EQ(countModelParameters(*ministral).total, countModelParameters(*mistral).total);
  expectPublished(countModelParameters(*ministral).total, 8.02e9);
}

// granitemoeshared's only public checkpoint (ibm-research/moe-7b-1b-active-shared-experts, a
// research model) states no total, so the count is checked by hand: Granite 3.1 3B-A800M's
// config (granitemoe) with a shared expert beside the routed ones, which modeling_granitemoeshared
// adds to every layer as one gated MLP of shared_intermediate_size without biases
// (GraniteMoeSharedMLP: input_linear hidden → 2 · shared, output_linear shared → hidden).
TEST(ModelTypes, GraniteMoeSharedAddsOneGatedSharedExpertPerLayer) {
  auto document = nlohmann::json::parse(fixtureText("granite-3.1-3b-a800m-instruct"));
  const auto routedOnly = parseModelConfig(document.dump());
  document["model_type"] = "granitemoeshared";
  document["shared_intermediate_size"] = 1024;
  const auto shared = parseModelConfig(document.dump());
  ASSERT_TRUE(routedOnly.ok() && shared.ok());
  EXPECT_FALSE(shared->readGenerically);
  const double hidden = document["hidden_size"].get<double>();
  const double layers = document["num_hidden_layers"].get<double>();
  EXPECT_EQ(countModelParameters(*shared).total - countModelParameters(*routedOnly).total,
            layers * 3 * hidden * 1024);
}

// deepseek-ai/DeepSeek-V3.2-Exp (config.json of DeepSeek-V3.2, abridged): DeepSeek-V3's shapes
// plus a lightning indexer in every MLA layer (inference/model.py, Indexer: wq_b 1,536 →
// 64 × 128, wk 7,168 → 128, k_norm a LayerNorm of 128 with bias, weights_proj 7,168 → 64).
// The checkpoint, MTP layer included (it has an indexer too), is 685B on the Hub.
TEST(ModelTypes, DeepseekV32CountsItsLightningIndexer) {
  const ModelArchitecture v32 = fixtureArchitecture("deepseek-v3.2-exp");
  EXPECT_EQ(v32.modelType, "deepseek_v32");
  auto document = nlohmann::json::parse(fixtureText("deepseek-v3.2-exp"));
  document["model_type"] = "deepseek_v3";
  for (const char* key : {"index_head_dim", "index_n_heads", "index_topk"}) document.erase(key);
  const auto v3 = parseModelConfig(document.dump());
  ASSERT_TRUE(v3.ok());
  const double indexer = 1536.0 * 64 * 128 + 7168.0 * 128 + 2 * 128 + 7168.0 * 64;
  EXPECT_EQ(countModelParameters(v32).total - countModelParameters(*v3).total, 61 * indexer);
  const MtpParameters mtp = countMtpParameters(v32);
  EXPECT_EQ(mtp.unique - countMtpParameters(*v3).unique, indexer);
  expectPublished(countModelParameters(v32).total + mtp.unique + mtp.sharedCopies, 685e9);
}

// --- Vision-language configs and their text_configs against published totals -----------------

// Whole checkpoints, vision tower included:
// - Qwen/Qwen3-VL-30B-A3B-Instruct (config.json abridged to the fields an engine reads, values
//   verbatim): Hugging Face Hub safetensors, 31.1B params.
// - Qwen/Qwen-Image-Edit's text_encoder/config.json, a Qwen2.5-VL-7B-Instruct in the
//   text_config layout of transformers 4.54: Qwen/Qwen2.5-VL-7B-Instruct, Hub safetensors 8.29B.
// - Qwen/Qwen2-VL-2B-Instruct (its config.json as onnx-community/Qwen2-VL-2B-Instruct copies
//   it, transformers 4.46's compact vision_config, whose depth, embed_dim and mlp_ratio are
//   Qwen2VLVisionConfig's defaults): Hub safetensors, 2.21B params.
// - The same model in the text_config layout transformers 4.57 saves (as in
//   trl-internal-testing/tiny-Qwen2VLForConditionalGeneration, with Qwen2-VL-2B-Instruct's
//   values): the same 2.21B.
// - HuggingFaceM4/Idefics3-8B-Llama3 (Llama 3.1 8B with 3 added tokens, SigLIP at 364 px,
//   pixel shuffle 2): its four bf16 shards hold 4.97 + 5 + 4.92 + 2.04 GB, 8.465B parameters.
// - HuggingFaceTB/SmolVLM2-2.2B-Instruct (model_type smolvlm: SmolLM2-1.7B untied, SigLIP at
//   384 px, pixel shuffle 3): its two float32 shards hold 4.96 + 4.03 GB, 2.2475B parameters.
// The model type is the language model's: the text_config's when the file has one.
constexpr PublishedTotal kVisionLanguageTotals[] = {
    {"qwen3-vl-30b-a3b-instruct", "qwen3_vl_moe_text", 31.1e9},
    {"qwen-image-edit-text-encoder", "qwen2_5_vl_text", 8.29e9},
    {"qwen2-vl-2b-instruct", "qwen2_vl", 2.21e9},
    {"qwen2-vl-2b-instruct-text-config", "qwen2_vl_text", 2.21e9},
    {"idefics3-8b-llama3", "llama", 16.93e9 / 2},
    {"smolvlm2-2.2b-instruct", "llama", 8.99e9 / 4},
};

TEST(ModelTypes, VisionLanguageConfigsMatchPublishedTotals) {
  expectPublishedTotals(kVisionLanguageTotals, fixtureArchitecture, true);
}

// The towers by hand. SigLIP (modeling_siglip.py): a biased patch convolution, a position
// per patch, per layer q, k, v, o and fc1/fc2 with biases and two LayerNorms, a LayerNorm after
// the last; Idefics3's connector one bias-free Linear from hidden × scale² (modeling_idefics3.py).
// Qwen2-VL (modeling_qwen2_vl.py): a bias-free Conv3d over 2 × 14 × 14 patches, per layer a
// fused qkv and proj with biases, fc1/fc2 of 4 × 1,280 with biases and two LayerNorms; the merger
// a LayerNorm and two biased Linears on 2 × 2 merged patches.
double siglipTower(double image, double scale, double text) {
  const double h = 1152;
  const double side = std::floor(image / 14);  // whole patches
  const double grid = side * side;
  const double layer = 4 * (h * h + h) + 2 * h * 4304 + 4304 + h + 4 * h;
  return 3 * 14 * 14 * h + h + grid * h + 27 * layer + 2 * h + h * scale * scale * text;
}

TEST(ModelTypes, VisionLanguageModelsOfTheLastTypesCountByHand) {
  // Llama 3.1 8B with 128,259 tokens; SmolLM2-1.7B (24 layers of 2,048, MHA) untied.
  const double llamaLayer = 2 * 4096.0 * 4096 + 2 * 4096.0 * 1024 + 3 * 4096.0 * 14336 + 2 * 4096;
  const double llama = 32 * llamaLayer + 2 * 128259.0 * 4096 + 4096;
  EXPECT_EQ(fixtureParameters("idefics3-8b-llama3"), llama + siglipTower(364, 2, 4096));
  const double smolLayer = 4 * 2048.0 * 2048 + 3 * 2048.0 * 8192 + 2 * 2048;
  const double smol = 24 * smolLayer + 2 * 49280.0 * 2048 + 2048;
  EXPECT_EQ(fixtureParameters("smolvlm2-2.2b-instruct"), smol + siglipTower(384, 3, 2048));
  // Qwen2-1.5B (q, k, v biased; 2 KV heads of 128; tied) and the Qwen2-VL tower.
  const double qwenLayer =
      2 * (1536.0 * 1536) + 1536 + 2 * (1536.0 * 256 + 256) + 3 * 1536.0 * 8960 + 2 * 1536;
  const double qwen = 28 * qwenLayer + 151936.0 * 1536 + 1536;
  const double v = 1280;
  const double vitLayer =
      (v * 3 * v + 3 * v) + (v * v + v) + (v * 4 * v + 4 * v) + (4 * v * v + v) + 4 * v;
  const double merger = 2 * v + (4 * v * 4 * v + 4 * v) + (4 * v * 1536 + 1536);
  const double tower = 3 * 2 * 14 * 14 * v + 32 * vitLayer + merger;
  EXPECT_EQ(fixtureParameters("qwen2-vl-2b-instruct"), qwen + tower);
  EXPECT_EQ(fixtureParameters("qwen2-vl-2b-instruct-text-config"), qwen + tower);
}

/// The text_config of tests/data/model-configs/<name>.json read as a config of its own (what
/// a server loading only the language model sees).
ModelArchitecture fixtureTextConfigArchitecture(const std::string& name) {
  const auto document = nlohmann::json::parse(fixtureText(name), nullptr, false);
  EXPECT_TRUE(document.is_object() && document.contains("text_config")) << name;
  if (!document.is_object() || !document.contains("text_config")) return ModelArchitecture{};
  const auto arch = parseModelConfig(document["text_config"].dump());
  EXPECT_TRUE(arch.ok()) << name << ": " << (arch.ok() ? "" : arch.error().message);
  if (!arch.ok()) return ModelArchitecture{};
  EXPECT_FALSE(arch->readGenerically) << name;
  return *arch;
}

// Language models on their own:
// - Qwen3-VL-30B-A3B's text_config has Qwen/Qwen3-30B-A3B's shapes: "30.5B in total" (its
//   model card).
// - Qwen3-VL-8B's has Qwen/Qwen3-8B's: Hub safetensors, 8.19B params.
// - Qwen-Image-Edit's text encoder has Qwen2.5-7B's shapes, whose parameters PyTorch counted:
//   7,615,616,512 (params of tests/data/calibration.jsonl).
// - Qwen2-VL-2B's text_config has Qwen/Qwen2-1.5B's shapes: Hub safetensors, 1.54B params.
constexpr PublishedTotal kTextConfigTotals[] = {
    {"qwen3-vl-30b-a3b-instruct", "qwen3_vl_moe_text", 30.5e9},
    {"qwen3-vl-8b-instruct", "qwen3_vl_text", 8.19e9},
    {"qwen-image-edit-text-encoder", "qwen2_5_vl_text", 7615616512.0},
    {"qwen2-vl-2b-instruct-text-config", "qwen2_vl_text", 1.54e9},
};

TEST(ModelTypes, TextConfigsReadAloneMatchTheirLanguageModels) {
  expectPublishedTotals(kTextConfigTotals, fixtureTextConfigArchitecture, false);
  // The exact PyTorch count is matched exactly.
  EXPECT_EQ(
      countModelParameters(fixtureTextConfigArchitecture("qwen-image-edit-text-encoder")).total,
      7615616512.0);
}

// --- The list of mapped types --------------------------------------------------------------

// --- Encoders for embeddings and reranking ---------------------------------------------------

/// One encoder checkpoint and the parameters of what an embedding server loads from it.
struct EncoderCount {
  const char* fixture;
  double published;
  bool exact;  ///< an exact figure; else one rounded to millions
};

// Exact totals from the layouts of modeling_bert.py / modeling_roberta.py /
// modeling_modernbert.py, checked against the published figures:
// - bert-base-uncased: BertModel with its pooler, 109,482,240 (the count every BERT-base
//   reproduction reports; Hub safetensors of google-bert/bert-base-uncased: 110M).
// - all-MiniLM-L6-v2 (sentence-transformers): 22,713,216 — the Hub's safetensors total (22.7M).
// - xlm-roberta-large (FacebookAI): XLMRobertaModel with its pooler, 559,890,432 (Hub: 560M).
// - BAAI/bge-m3: XLM-RoBERTa large with 8,194 positions, 567,754,752 (Hub safetensors: 568M).
// - BAAI/bge-reranker-v2-m3: the same encoder without the pooler, with RobertaClassificationHead
//   (1,024 × 1,024 + 1,024, then 1,024 × 1 + 1): 567,755,777 (Hub safetensors: 568M).
// - answerdotai/ModernBERT-base and -large: model card, "149 million" and "395 million"
//   parameters (the encoder; the MLM head is not loaded for embeddings).
// - FacebookAI/roberta-base: RobertaModel with its pooler, 124,645,632 (Hub safetensors: 125M).
constexpr EncoderCount kEncoderCounts[] = {
    {"bert-base-uncased", 109482240, true}, {"all-minilm-l6-v2", 22713216, true},
    {"xlm-roberta-large", 559890432, true}, {"bge-m3", 567754752, true},
    {"bge-reranker-v2-m3", 568e6, false},   {"modernbert-base", 149e6, false},
    {"modernbert-large", 395e6, false},     {"roberta-base", 125e6, false},
};

TEST(ModelTypes, EncodersMatchPublishedCounts) {
  for (const EncoderCount& c : kEncoderCounts) {
    const ModelArchitecture arch = fixtureArchitecture(c.fixture);
    EXPECT_TRUE(arch.encoder.present) << c.fixture;
    // Exact figures are compared exactly; rounded ones within their rounding (±0.5M).
    const double counted = countModelParameters(arch).total;
    if (c.exact) {
      EXPECT_EQ(counted, c.published) << c.fixture;
    } else {
      EXPECT_NEAR(counted, c.published, 0.5e6) << c.fixture;
    }
  }
}

// ModernBERT-base by hand: embeddings 50,368 × 768 + norm 768; per layer Wqkv 768 × 2,304,
// Wo 768², Wi 768 × 2,304, Wo 1,152 × 768 and two norms of 768 (layer 0: one); final norm 768.
TEST(ModelTypes, ModernBertCountsByHand) {
  const double perLayer = 768.0 * 2304 + 768.0 * 768 + 768.0 * 2304 + 1152.0 * 768 + 2 * 768;
  const double expected = 50368.0 * 768 + 768 + 22 * perLayer - 768 + 768;
  EXPECT_EQ(countModelParameters(fixtureArchitecture("modernbert-base")).total, expected);
  const ModelArchitecture arch = fixtureArchitecture("modernbert-base");
  EXPECT_EQ(arch.encoder.maxTokens, 8192);
  // Layers 0, 3, 6, … attend globally; the 14 others to a 128-token window.
  EXPECT_EQ(arch.slidingLayerCount(), 14);
}

TEST(ModelTypes, RobertaPositionsStartAfterThePaddingIndex) {
  EXPECT_EQ(fixtureArchitecture("bge-m3").encoder.maxTokens, 8192);
  EXPECT_EQ(fixtureArchitecture("xlm-roberta-large").encoder.maxTokens, 512);
  EXPECT_EQ(fixtureArchitecture("bert-base-uncased").encoder.maxTokens, 512);
}

TEST(ModelTypes, FiftyOrMoreDistinctTypesIncludingTheMeasuredOnes) {
  const auto types = supportedModelTypes();
  EXPECT_GE(types.size(), 50u);
  const std::set<std::string_view> unique(types.begin(), types.end());
  EXPECT_EQ(unique.size(), types.size());
  for (std::string_view t : {"granite", "cohere2", "glm4", "smollm3", "starcoder2", "llama"}) {
    EXPECT_TRUE(unique.count(t)) << t;
  }
}

TEST(ModelTypes, EveryMappedTypeReadsLlamaStyleFieldsWithoutFallingBackToGeneric) {
  for (std::string_view type : supportedModelTypes()) {
    // Nemotron-H has no default layout for 4 layers: its pattern is given (others ignore it).
    const std::string config = R"({"model_type":")" + std::string(type) +
                               R"(","hybrid_override_pattern":"M-*-",
        "hidden_size":2048,"intermediate_size":5632,
        "num_hidden_layers":4,"num_attention_heads":16,"num_key_value_heads":4,
        "vocab_size":32000})";
    const auto arch = parseModelConfig(config);
    ASSERT_TRUE(arch.ok()) << type << ": " << arch.error().message;
    EXPECT_FALSE(arch->readGenerically) << type;
    EXPECT_GT(countModelParameters(*arch).total, 4 * 3 * 2048.0 * 2048) << type;
  }
}

// --- The generic reader ----------------------------------------------------------------------

/// Llama 3.1 8B's fields (meta-llama/Llama-3.1-8B config.json) under another model_type.
std::string llama8bFieldsAs(const std::string& type) {
  return R"({"model_type":")" + type + R"(","hidden_size":4096,"intermediate_size":14336,
      "num_hidden_layers":32,"num_attention_heads":32,"num_key_value_heads":8,
      "vocab_size":128256,"rms_norm_eps":1e-05,"tie_word_embeddings":false,
      "max_position_embeddings":131072})";
}

TEST(GenericModelConfig, UnknownTypeWithLlamaFieldsCountsLikeLlama) {
  const auto generic = parseModelConfig(llama8bFieldsAs("my_new_llama"));
  ASSERT_TRUE(generic.ok()) << generic.error().message;
  const auto llama = parseModelConfig(llama8bFieldsAs("llama"));
  ASSERT_TRUE(llama.ok());
  EXPECT_TRUE(generic->readGenerically);
  EXPECT_FALSE(llama->readGenerically);
  // Llama-3.1-8B as PyTorch counted it (tests/data/calibration.jsonl): 8,030,261,248.
  EXPECT_EQ(countModelParameters(*generic).total, 8030261248.0);
  EXPECT_EQ(countModelParameters(*generic).total, countModelParameters(*llama).total);
  EXPECT_EQ(generic->numKvHeads, 8);
  EXPECT_EQ(generic->modelType, "my_new_llama");
}

TEST(GenericModelConfig, SaysWhichFieldsItRead) {
  const auto arch = parseModelConfig(llama8bFieldsAs("my_new_llama"));
  ASSERT_TRUE(arch.ok());
  const auto& fields = arch->genericFields;
  for (const char* f :
       {"hidden_size", "num_hidden_layers", "num_attention_heads", "num_key_value_heads",
        "intermediate_size", "vocab_size", "tie_word_embeddings"}) {
    EXPECT_NE(std::find(fields.begin(), fields.end(), f), fields.end()) << f;
  }
  const std::string note = arch->genericReadingNote();
  EXPECT_NE(note.find("my_new_llama"), std::string::npos) << note;
  EXPECT_NE(note.find("hidden_size"), std::string::npos) << note;
  EXPECT_EQ(parseModelConfig(llama8bFieldsAs("llama"))->genericReadingNote(), "");
}

TEST(GenericModelConfig, MissingHeadsAreNamed) {
  const auto arch = parseModelConfig(R"({"model_type":"my_new_llama","hidden_size":4096,
      "num_hidden_layers":32,"intermediate_size":14336,"vocab_size":128256})");
  ASSERT_FALSE(arch.ok());
  EXPECT_EQ(arch.error().field, "config");
  EXPECT_NE(arch.error().message.find("num_attention_heads"), std::string::npos)
      << arch.error().message;
  EXPECT_NE(arch.error().message.find("my_new_llama"), std::string::npos);
}

TEST(GenericModelConfig, MixtureOfExpertsFieldsAreRead) {
  // Mixtral 8x7B's fields (mistralai/Mixtral-8x7B-v0.1 config.json) under another model_type:
  // the same count as model_type mixtral.
  const std::string fields = R"(","hidden_size":4096,"intermediate_size":14336,
      "num_hidden_layers":32,"num_attention_heads":32,"num_key_value_heads":8,
      "num_local_experts":8,"num_experts_per_tok":2,"vocab_size":32000,
      "tie_word_embeddings":false})";
  const auto generic = parseModelConfig(R"({"model_type":"my_moe)" + fields);
  const auto mixtral = parseModelConfig(R"({"model_type":"mixtral)" + fields);
  ASSERT_TRUE(generic.ok() && mixtral.ok());
  EXPECT_TRUE(generic->isMoe());
  EXPECT_EQ(generic->moe.expertsPerToken, 2);
  EXPECT_EQ(countModelParameters(*generic).total, countModelParameters(*mixtral).total);
}

TEST(GenericModelConfig, GptStyleNamesMeanAPlainMlpAndLayerNorms) {
  // GPT-2 small's fields under another model_type: GPT-2's blocks, but without its learned
  // position table, which a generic read cannot know of.
  const auto arch = parseModelConfig(
      R"({"model_type":"my_gpt","n_embd":768,"n_layer":12,"n_head":12,"vocab_size":50257,
          "layer_norm_epsilon":1e-05})");
  ASSERT_TRUE(arch.ok()) << arch.error().message;
  EXPECT_EQ(arch->mlpKind, MlpKind::kPlain);
  EXPECT_EQ(arch->normKind, NormKind::kLayerNorm);
  EXPECT_EQ(arch->intermediateSize, 4 * 768);
}

TEST(GenericModelConfig, RecurrentAndHybridModelsAreRefused) {
  const auto zamba = parseModelConfig(R"({"model_type":"zamba2","hidden_size":4096,
      "num_hidden_layers":32,"num_attention_heads":32,"vocab_size":65536})");
  ASSERT_FALSE(zamba.ok());
  EXPECT_NE(zamba.error().message.find("zamba2"), std::string::npos);
  const auto hybrid = parseModelConfig(R"({"model_type":"my_hybrid","hidden_size":1024,
      "num_hidden_layers":2,"num_attention_heads":8,"vocab_size":1000,
      "layer_types":["linear_attention","full_attention"]})");
  ASSERT_FALSE(hybrid.ok());
  EXPECT_NE(hybrid.error().message.find("linear_attention"), std::string::npos);
}

/// The notes of the answer for a pasted config.json.
std::vector<std::string> genericAnswerNotes(const std::string& configJson) {
  const auto s = parseScenario({{"config", configJson}}, Strictness::kLenient);
  EXPECT_TRUE(s.ok()) << s.error().message;
  if (!s.ok()) return {};
  const auto a = evaluate(*s);
  EXPECT_TRUE(a.ok()) << a.error().message;
  return a.ok() ? a->notes : std::vector<std::string>{};
}

TEST(GenericModelConfig, TheAnswerSaysTheConfigWasReadGenerically) {
  const auto generic = genericAnswerNotes(llama8bFieldsAs("my_new_llama"));
  ASSERT_FALSE(generic.empty());
  EXPECT_NE(generic.front().find("model_type \"my_new_llama\" has no dedicated mapping"),
            std::string::npos)
      << generic.front();
  for (const std::string& note : genericAnswerNotes(llama8bFieldsAs("llama"))) {
    EXPECT_EQ(note.find("no dedicated mapping"), std::string::npos) << note;
  }
}

}  // namespace
}  // namespace gpumem
