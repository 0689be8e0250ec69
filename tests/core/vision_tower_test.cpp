// Vision-language models: the vision tower's and projector's parameters against the Hugging
// Face Hub's safetensors totals and against hand arithmetic from the modeling code's layers,
// and the tokens an image adds per the processors' defaults.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "gpumem/answer.hpp"
#include "gpumem/model_catalog.hpp"
#include "gpumem/model_config.hpp"
#include "gpumem/model_parameters.hpp"
#include "test_models.hpp"

using namespace gpumem;

namespace {

using test::expectPublished;
using test::fixtureArchitecture;

// google/gemma-3-4b-pt's config.json (text_config abridged to its sizes).
constexpr const char* kGemma3_4b = R"({"model_type":"gemma3","mm_tokens_per_image":256,
  "text_config":{"model_type":"gemma3_text","hidden_size":2560,"intermediate_size":10240,
    "num_hidden_layers":34,"num_attention_heads":8,"num_key_value_heads":4,"head_dim":256,
    "vocab_size":262208,"sliding_window":1024},
  "vision_config":{"model_type":"siglip_vision_model","hidden_size":1152,"image_size":896,
    "intermediate_size":4304,"num_attention_heads":16,"num_hidden_layers":27,"patch_size":14,
    "vision_use_head":false}})";

}  // namespace

// llava-hf/llava-1.5-7b-hf: Hub safetensors total 7.06B params. CLIP ViT-L/14 at 336 px:
// patch conv 3·14²·1024 = 602,112, [CLS] 1,024, positions 577·1,024 = 590,848, pre and post
// LayerNorms 2·2,048, 24 layers of 4·(1024² + 1024) + (1024·4096 + 4096) + (4096·1024 + 1024)
// + 2·2,048 = 12,596,224 → 303,507,456; projector (1024·4096 + 4096) + (4096² + 4096) =
// 20,979,712.
TEST(VisionTower, Llava15_7bMatchesTheHubTotal) {
  const ModelArchitecture arch = fixtureArchitecture("llava-1.5-7b-hf");
  ASSERT_TRUE(arch.vision.present());
  const VisionParameters v = countVisionParameters(arch.vision);
  EXPECT_EQ(v.encoder, 303507456.0);
  EXPECT_EQ(v.projector, 20979712.0);
  expectPublished(countModelParameters(arch).total, 7.06e9);
  // 24 × 24 patches, the [CLS] feature dropped (vision_feature_select_strategy "default").
  EXPECT_EQ(arch.vision.tokensPerImage, 576);
  EXPECT_EQ(arch.vision.patchesPerImage, 577);
}

// Qwen/Qwen2.5-VL-7B-Instruct: Hub safetensors total 8.29B params. Conv3d 3·2·14²·1280 =
// 1,505,280; 32 blocks of 2 RMSNorms (2,560), qkv 1280·3840 + 3840, proj 1280² + 1280, gated
// MLP 2·(1280·3420 + 3420) + 3420·1280 + 1280 = 19,702,200 each; merger RMSNorm 1,280 +
// (5120² + 5120) + (5120·3584 + 3584) = 44,574,464.
TEST(VisionTower, Qwen25Vl7bMatchesTheHubTotal) {
  const ModelArchitecture arch = fixtureArchitecture("qwen2.5-vl-7b-instruct");
  const VisionParameters v = countVisionParameters(arch.vision);
  EXPECT_EQ(v.encoder, 1505280.0 + 32 * 19702200.0);
  EXPECT_EQ(v.projector, 44574464.0);
  expectPublished(countModelParameters(arch).total, 8.29e9);
  // smart_resize rounds 1024 px to 37 · 28 = 1036 px: 74 × 74 patches, 2 × 2 per token.
  EXPECT_EQ(arch.vision.patchesPerImage, 74 * 74);
  EXPECT_EQ(arch.vision.tokensPerImage, 37 * 37);
}

// Qwen/Qwen3-VL-8B-Instruct: Conv3d with bias 3·2·16²·1152 + 1152, positions 2304·1152,
// 27 SigLIP-shaped blocks of 15,239,504; merger LayerNorm 2·1152 + (4608² + 4608) + (4608·4096
// + 4096), and three DeepStack mergers whose LayerNorm is 2·4608 wide.
TEST(VisionTower, Qwen3VlCountsTheDeepStackMergers) {
  const ModelArchitecture arch = fixtureArchitecture("qwen3-vl-8b-instruct");
  const VisionParameters v = countVisionParameters(arch.vision);
  EXPECT_EQ(v.encoder, 1770624.0 + 2654208.0 + 27 * 15239504.0);
  const double fc = 4608.0 * 4608 + 4608 + 4608.0 * 4096 + 4096;
  EXPECT_EQ(v.projector, 2304 + fc + 3 * (9216 + fc));
  // 1024 px is 32 · 32 px: 64 × 64 patches of 16 px, 2 × 2 per token.
  EXPECT_EQ(arch.vision.tokensPerImage, 1024);
}

// mistralai/Mistral-Small-3.1-24B-Instruct-2503: Hub safetensors total 24.0B params. Pixtral:
// patch conv 3·14²·1024, ln_pre 1,024, 24 layers of 2 RMSNorms + 4·1024² + 3·1024·4096;
// projector RMSNorm 1,024, patch merger 4096·1024, linear_1 1024·5120, linear_2 5120².
TEST(VisionTower, MistralSmall31MatchesTheHubTotal) {
  const ModelArchitecture arch = fixtureArchitecture("mistral-small-3.1-24b-instruct-2503");
  const VisionParameters v = countVisionParameters(arch.vision);
  EXPECT_EQ(v.encoder, 602112.0 + 1024 + 24 * (2048 + 4 * 1048576.0 + 3 * 4194304.0));
  EXPECT_EQ(v.projector, 1024 + 4194304.0 + 5242880.0 + 26214400.0);
  expectPublished(countModelParameters(arch).total, 24.0e9);
  // A 1024 px image rounds up to 37 merged patches of 28 px a side, each row closed by a
  // break token.
  EXPECT_EQ(arch.vision.tokensPerImage, 37 * 38);
}

// Gemma 3 technical report, Table 1: the 4B model is a 417M vision encoder, 675M embedding and
// 3,209M non-embedding parameters (4.30B; the Hub's google/gemma-3-4b-it: 4.3B params).
TEST(VisionTower, Gemma3_4bMatchesTheReportedSplit) {
  const auto arch = parseModelConfig(kGemma3_4b);
  ASSERT_TRUE(arch.ok()) << arch.error().message;
  const VisionParameters v = countVisionParameters(arch->vision);
  expectPublished(v.encoder, 417e6);
  EXPECT_EQ(v.projector, 1152.0 * 2560 + 1152);  // mm_input_projection_weight, soft-emb norm
  expectPublished(countModelParameters(*arch).total, (417 + 675 + 3209) * 1e6);
  EXPECT_EQ(arch->vision.tokensPerImage, 256);
  EXPECT_EQ(arch->vision.patchesPerImage, 64 * 64);
}

// Llama 3.2 11B Vision (the Hub's meta-llama/Llama-3.2-11B-Vision-Instruct: 10,670,220,835
// params in its safetensors; config: unsloth's copy, as transformers >= 4.47 writes it, every
// size but image_size left to MllamaConfig's defaults). By hand from modeling_mllama.py:
// vision: patch conv 3·14²·1280 = 752,640; [CLS] 1,280; positions 1601·1280 + gate + tile
// table 9·4·1601·1280; pre/post tile tables 2·(9·4·1280 + 1); ln_pre/ln_post 4·1280;
// 40 layers of 4·1280² + (1280·5120 + 5120) + (5120·1280 + 1280) + 4·1280 and 2 gates on each
// of the 8 global ones. Text: (128,256 + 8)·4096 embedding rows, a 128,256 × 4096 lm_head,
// 40 Llama layers, 8 of them cross-attention with q_norm, k_norm (128 each) and 2 gates.
TEST(VisionTower, Mllama11bMatchesTheHubTotalExactly) {
  const ModelArchitecture arch = fixtureArchitecture("llama-3.2-11b-vision-instruct");
  ASSERT_TRUE(arch.vision.present());
  const double h = 1280;
  const double layer = 4 * h * h + (h * 5120 + 5120) + (5120 * h + h) + 4 * h;
  const double encoder = 3 * 14 * 14 * h + h + (1601 * h + 1 + 9 * 4 * 1601 * h) +
                         2 * (9 * 4 * h + 1) + 4 * h + 40 * layer + 8 * 2;
  const VisionParameters v = countVisionParameters(arch.vision);
  EXPECT_EQ(v.encoder, encoder);
  EXPECT_EQ(v.projector, 7680.0 * 4096 + 4096);
  EXPECT_EQ(countModelParameters(arch).total, 10670220835.0);
  EXPECT_EQ(arch.mixerLayerCount(MixerKind::kCrossAttention), 8);
  EXPECT_EQ(arch.attentionLayerCount(), 32);
  // 4 tiles of 560 px: 40 × 40 patches and a [CLS] each.
  EXPECT_EQ(arch.vision.tokensPerImage, 4 * 1601);
  EXPECT_TRUE(arch.vision.crossAttention);
}

// Llama 3.2 90B Vision: the Hub's model card gives 88.6B; the config (a public merge's copy of
// unsloth/Llama-3.2-90B-Vision-Instruct's) names 100 layers, 20 of them cross-attention, and
// leaves the KV heads (8), the vocabulary and the whole vision tower to the defaults.
TEST(VisionTower, Mllama90bMatchesTheModelCard) {
  const ModelArchitecture arch = fixtureArchitecture("llama-3.2-90b-vision-instruct");
  expectPublished(countModelParameters(arch).total, 88.6e9);
  EXPECT_EQ(arch.mixerLayerCount(MixerKind::kCrossAttention), 20);
  EXPECT_EQ(arch.attentionLayerCount(), 80);
  EXPECT_EQ(countVisionParameters(arch.vision).projector, 7680.0 * 8192 + 8192);
}

// As in MllamaTextModel, a listed index past the last layer names no layer; one that is not a
// layer index is an error naming the field.
TEST(VisionTower, MllamaCrossAttentionLayersAreCheckedByName) {
  const auto four = parseModelConfig(R"({"model_type":"mllama",
      "text_config":{"model_type":"mllama_text_model","num_hidden_layers":4,
        "cross_attention_layers":[1, 7]}})");
  ASSERT_TRUE(four.ok()) << four.error().message;
  EXPECT_EQ(four->mixerLayerCount(MixerKind::kCrossAttention), 1);
  const auto broken = parseModelConfig(R"({"model_type":"mllama",
      "text_config":{"model_type":"mllama_text_model","cross_attention_layers":[1, "x"]}})");
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.error().message.find("cross_attention_layers"), std::string::npos);
}

// Llama 4 Scout's vision_config (meta-llama/Llama-4-Scout-17B-16E config.json; text_config
// abridged to its width). Per tensor as PyTorch lists them for the model: [CLS] 1,408,
// positions 812,416 (577 rows), patch linear 827,904, pre/post LayerNorms 4 · 1,408; each of 34
// layers q, k, v, o 4 · (1,982,464 + 1,408), fc1 7,929,856 + 5,632, fc2 7,929,856 + 1,408,
// norms 4 · 1,408; adapter fc1 23,068,672 and fc2 16,777,216; projector 20,971,520.
TEST(VisionTower, Llama4ScoutCountsItsVisionTowerTensorByTensor) {
  const auto arch = parseModelConfig(R"({"model_type":"llama4",
      "text_config":{"model_type":"llama4_text","hidden_size":5120,"intermediate_size":8192,
        "intermediate_size_mlp":16384,"num_hidden_layers":48,"num_attention_heads":40,
        "num_key_value_heads":8,"head_dim":128,"vocab_size":202048,"num_local_experts":16,
        "num_experts_per_tok":1,"interleave_moe_layer_step":1},
      "vision_config":{"hidden_act":"gelu","hidden_size":1408,"image_size":336,
        "intermediate_size":5632,"model_type":"llama4_vision_model",
        "multi_modal_projector_bias":false,"num_attention_heads":16,"num_channels":3,
        "num_hidden_layers":34,"patch_size":14,"pixel_shuffle_ratio":0.5,
        "projector_input_dim":4096,"projector_output_dim":4096,"vision_output_dim":4096}})");
  ASSERT_TRUE(arch.ok()) << arch.error().message;
  const VisionParameters v = countVisionParameters(arch->vision);
  const double layer = 4 * (1982464.0 + 1408) + 7929856 + 5632 + 7929856 + 1408 + 4 * 1408;
  EXPECT_EQ(v.encoder, 1408 + 812416 + 827904 + 4 * 1408 + 34 * layer);
  EXPECT_EQ(v.projector, 23068672.0 + 16777216 + 20971520);
  // A square image at the processor's largest canvas (max_patches 16): 4 × 4 tiles and the
  // whole image, each 24 × 24 patches of 336 px pixel-shuffled 4 to 1 (144 tokens); 12
  // tile_x and 4 tile_y separators; <|image_start|>, <|image|>, <|image_end|>.
  EXPECT_EQ(arch->vision.tilesPerImage, 17);
  EXPECT_EQ(arch->vision.patchesPerImage, 24 * 24 + 1);
  EXPECT_EQ(arch->vision.tokensPerImage, 17 * 144 + 12 + 4 + 3);

  // Maverick's config.json carries the same vision_config: the catalog counts the same tower.
  const auto maverick = findCatalogModel("llama-4-maverick");
  ASSERT_TRUE(maverick.ok()) << maverick.error().message;
  const auto maverickArch = parseModelConfig(maverick->configJson);
  ASSERT_TRUE(maverickArch.ok()) << maverickArch.error().message;
  const VisionParameters mv = countVisionParameters(maverickArch->vision);
  EXPECT_EQ(mv.encoder, v.encoder);
  EXPECT_EQ(mv.projector, v.projector);
  EXPECT_EQ(maverickArch->vision.tokensPerImage, arch->vision.tokensPerImage);
}

TEST(VisionTower, TextOnlyConfigsHaveNone) {
  const auto arch = parseModelConfig(R"({"model_type":"gemma3_text","hidden_size":1152,
      "intermediate_size":6912,"num_hidden_layers":26,"num_attention_heads":4,
      "num_key_value_heads":1,"head_dim":256,"vocab_size":262144})");
  ASSERT_TRUE(arch.ok()) << arch.error().message;
  EXPECT_FALSE(arch->vision.present());
  EXPECT_EQ(countModelParameters(*arch).vision, 0);
}

TEST(VisionTower, ABrokenVisionConfigNamesTheField) {
  const auto arch = parseModelConfig(R"({"model_type":"gemma3",
      "text_config":{"model_type":"gemma3_text","hidden_size":2560,"intermediate_size":10240,
        "num_hidden_layers":34,"num_attention_heads":8,"num_key_value_heads":4,
        "vocab_size":262208},
      "vision_config":{"hidden_size":1152,"num_hidden_layers":27,"num_attention_heads":16,
        "intermediate_size":4304,"patch_size":0}})");
  ASSERT_FALSE(arch.ok());
  EXPECT_EQ(arch.error().field, "config");
  EXPECT_NE(arch.error().message.find("vision_config"), std::string::npos);
}

// --- Images in a request ------------------------------------------------------------------

namespace {

using ImageValues = std::map<std::string, std::string, std::less<>>;

Answer imageAnswer(ImageValues values) {
  const auto s = parseScenario(values, Strictness::kLenient);
  EXPECT_TRUE(s.ok()) << s.error().message;
  const auto a = evaluate(*s);
  EXPECT_TRUE(a.ok()) << a.error().message;
  return a.ok() ? *a : Answer{};
}

double visionComponentBytes(const Answer& a, const std::string& name) {
  for (const Component& c : a.perGpu.components) {
    if (c.name == name) return c.bytes;
  }
  return -1;
}

}  // namespace

// Gemma 3 turns each image into 256 tokens (mm_tokens_per_image): two images make the KV
// cache of an 8,192-token request that of 8,704 tokens, and the encoder runs 2 × 4,096 SigLIP
// patches.
TEST(VisionTower, ImagesAddTheirTokensToTheCacheAndRunTheEncoder) {
  const ImageValues base = {{"model", "gemma-3-4b"}, {"gpu", "h100-80gb"}};
  ImageValues withImages = base;
  withImages["imagesPerRequest"] = "2";
  ImageValues longer = base;
  longer["contextLength"] = std::to_string(8192 + 2 * 256);
  const Answer plain = imageAnswer(base);
  const Answer images = imageAnswer(withImages);
  EXPECT_EQ(visionComponentBytes(plain, "vision_encoder"), -1);
  EXPECT_EQ(visionComponentBytes(images, "kv_cache"),
            visionComponentBytes(imageAnswer(longer), "kv_cache"));
  // One SigLIP layer's MLP keeps 2 · 1152 + 2 · 4304 values per patch (bf16), and the
  // embeddings handed over are 256 tokens × 2560 per image.
  const double encoder = 2 * 4096 * (2 * 1152 + 2 * 4304) * 2.0 + 2 * 256 * 2560 * 2.0;
  EXPECT_EQ(visionComponentBytes(images, "vision_encoder"), encoder);
  EXPECT_GT(images.perGpu.totalBytes, plain.perGpu.totalBytes);
  EXPECT_EQ(images.tokensPerImage, 256);
}

// Llama 3.2 11B Vision cross-attends to its images: an image puts one <|image|> token in the
// context (the self-attention KV cache of 8,192 + 1 tokens), and its 4 × 1,601 vision states
// are cached by the 8 cross-attention layers: 6,404 · 8 · 2 · (8 · 128) · 2 B per image.
TEST(VisionTower, MllamaImagesFillTheCrossAttentionCacheNotTheContext) {
  const ImageValues base = {{"model", "llama-3.2-11b-vision"}, {"gpu", "h100-80gb"}};
  ImageValues withImages = base;
  withImages["imagesPerRequest"] = "2";
  ImageValues longer = base;
  longer["contextLength"] = std::to_string(8192 + 2);
  const Answer plain = imageAnswer(base);
  const Answer images = imageAnswer(withImages);
  EXPECT_EQ(visionComponentBytes(plain, "cross_attention_kv"), -1);
  EXPECT_EQ(visionComponentBytes(images, "kv_cache"),
            visionComponentBytes(imageAnswer(longer), "kv_cache"));
  EXPECT_EQ(visionComponentBytes(images, "cross_attention_kv"), 2 * 6404.0 * 8 * 2 * 1024 * 2);
  EXPECT_EQ(images.tokensPerImage, 6404);
  EXPECT_GT(visionComponentBytes(images, "vision_encoder"), 0);
}

TEST(VisionTower, ImagesPerRequestIsDisabledForATextModelWithItsReason) {
  const auto text = parseScenario({{"model", "llama-3.1-8b"}}, Strictness::kLenient);
  ASSERT_TRUE(text.ok());
  EXPECT_NE(disabledFieldsJson(*text).find("\"imagesPerRequest\":\"needs a vision-language"),
            std::string::npos);
  const auto vlm = parseScenario({{"model", "gemma-3-4b"}}, Strictness::kLenient);
  ASSERT_TRUE(vlm.ok());
  EXPECT_EQ(disabledFieldsJson(*vlm).find("\"imagesPerRequest\""), std::string::npos);
  // A text model ignores images: the same answer as without them.
  const Answer with = imageAnswer({{"model", "llama-3.1-8b"}, {"imagesPerRequest", "3"}});
  const Answer without = imageAnswer({{"model", "llama-3.1-8b"}});
  EXPECT_EQ(with.perGpu.totalBytes, without.perGpu.totalBytes);
}

// Quantized weights leave the tower in 16 bits: its line is the same under AWQ as in bf16.
TEST(VisionTower, QuantizedWeightsKeepTheTowerIn16Bits) {
  const Answer bf16 = imageAnswer({{"model", "gemma-3-4b"}});
  const Answer awq = imageAnswer({{"model", "gemma-3-4b"}, {"precision", "awq-4bit-g128"}});
  const auto towerTerm = [](const Answer& a) {
    for (const Component& c : a.perGpu.components) {
      if (c.name != "weights") continue;
      for (const Term& t : c.terms) {
        if (t.label.starts_with("vision tower")) return t.product();
      }
    }
    return -1.0;
  };
  EXPECT_GT(towerTerm(bf16), 0);
  EXPECT_EQ(towerTerm(awq), towerTerm(bf16));
  EXPECT_LT(visionComponentBytes(awq, "weights"), visionComponentBytes(bf16, "weights"));
}
