// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// Readers of the vision_config of vision-language models. Field names and defaults follow the
// transformers configuration classes (CLIPVisionConfig, SiglipVisionConfig, PixtralVisionConfig,
// Qwen2VLVisionConfig, Qwen2_5_VLVisionConfig, Qwen3VLVisionConfig, Idefics3VisionConfig); the
// layouts the matching modeling_<type>.py; the tokens per image each processor's defaults
// (image_processing_<type>.py, processing_<type>.py).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>

#include "gpumem/model_types.hpp"

namespace gpumem::config {
namespace {

/// The side of the reference image for processors that keep an image's own resolution
/// (Qwen-VL, Pixtral): 1024 × 1024 pixels, before their rounding to whole patches.
constexpr std::int64_t kReferenceSide = 1024;

/// The sizes every ViT config shares, with its class's defaults.
struct VitDefaults {
  std::int64_t hidden, intermediate, layers, heads, image, patch;
};

void readVit(const Json& vc, VisionTower& t, const VitDefaults& d) {
  t.hiddenSize = intOr(vc, "hidden_size", d.hidden);
  t.intermediateSize = intOr(vc, "intermediate_size", d.intermediate);
  t.numLayers = intOr(vc, "num_hidden_layers", d.layers);
  t.numHeads = intOr(vc, "num_attention_heads", d.heads);
  t.imageSize = intOr(vc, "image_size", d.image);
  t.patchSize = intOr(vc, "patch_size", d.patch);
  t.channels = intOr(vc, "num_channels", 3);
}

Result<VisionTower> checked(VisionTower t, const std::string& type) {
  if (t.hiddenSize <= 0 || t.numLayers <= 0 || t.numHeads <= 0 || t.intermediateSize <= 0 ||
      t.patchSize <= 0 || t.channels <= 0) {
    return configError("The vision_config of model_type \"" + type +
                       "\" needs positive hidden_size, num_hidden_layers, num_attention_heads, "
                       "intermediate_size and patch_size.");
  }
  if (t.imageSize > 0 && t.imageSize < t.patchSize) {
    return configError("The vision_config of model_type \"" + type +
                       "\" has an image_size smaller than its patch_size.");
  }
  return t;
}

std::int64_t gridSide(const VisionTower& t) { return t.imageSize / t.patchSize; }

/// CLIP's ViT (LLaVA): [CLS] token, learned positions for every patch and the [CLS], a
/// LayerNorm before the first layer and after the last, biased attention and fc1/fc2.
void clipLayout(VisionTower& t) {
  t.kind = "clip";
  t.classToken = true;
  t.positionRows = gridSide(t) * gridSide(t) + 1;
  t.preNorm = t.postNorm = true;
}

/// SigLIP's ViT (Gemma 3, Idefics3, SmolVLM): a biased patch convolution, learned positions,
/// a LayerNorm after the last layer, no [CLS] token.
void siglipLayout(VisionTower& t) {
  t.kind = "siglip";
  t.patchBias = true;
  t.positionRows = gridSide(t) * gridSide(t);
  t.postNorm = true;
}

/// LLaVA 1.5 (and LLaVA-NeXT): CLIP ViT-L/14 at 336 px, a two-layer GELU MLP into the language
/// model. An image is the 24 × 24 patch grid, the [CLS] token dropped (vision_feature_select_
/// strategy "default").
Result<VisionTower> readLlavaTower(const Json& doc, const ModelArchitecture& text,
                                   const std::string& type) {
  VisionTower t;
  const auto it = doc.find("vision_config");
  if (it != doc.end() && it->is_object()) {
    const bool siglip = stringOr(*it, "model_type", "") == "siglip_vision_model";
    readVit(
        *it, t,
        siglip ? VitDefaults{768, 3072, 12, 12, 224, 16} : VitDefaults{768, 3072, 12, 12, 224, 32});
    t.kind = siglip ? "siglip" : "clip";
  } else {  // LlavaConfig's default vision tower
    readVit(Json::object(), t, {1024, 4096, 24, 16, 336, 14});
    t.kind = "clip";
  }
  auto valid = checked(t, type);
  if (!valid) return valid;
  t = std::move(valid).value();
  if (t.kind == "siglip") {
    siglipLayout(t);
  } else {
    clipLayout(t);
  }
  const bool bias = boolOr(doc, "multimodal_projector_bias", true);
  t.projector = {{t.hiddenSize, text.hiddenSize, bias}, {text.hiddenSize, text.hiddenSize, bias}};
  const std::int64_t grid = gridSide(t) * gridSide(t);
  const bool full = stringOr(doc, "vision_feature_select_strategy", "default") == "full";
  const std::int64_t perTile = grid + (full ? 1 : 0);
  t.patchesPerImage = grid + (t.classToken ? 1 : 0);
  if (type == "llava_next") {
    // anyres: the base image and, for a square image of the largest square grid pinpoint
    // (672 × 672 by default), 2 × 2 tiles whose features keep a newline token per row.
    std::int64_t side = 2 * t.imageSize;
    const auto pins = doc.find("image_grid_pinpoints");
    if (pins != doc.end() && pins->is_array()) {
      for (const Json& p : *pins) {
        if (p.is_array() && p.size() == 2 && p[0].is_number() && p[0] == p[1]) {
          side = std::max<std::int64_t>(side, p[0].get<std::int64_t>());
        }
      }
    }
    const std::int64_t tiles =
        std::max<std::int64_t>(1, side / std::max<std::int64_t>(1, t.imageSize));
    const std::int64_t rows = tiles * gridSide(t);
    t.extraParameters = text.hiddenSize;  // image_newline
    t.tilesPerImage = 1 + tiles * tiles;
    t.tokensPerImage = perTile + rows * (rows + 1);
    t.tokensNote = "a " + std::to_string(side) + " × " + std::to_string(side) + " image: the " +
                   std::to_string(perTile) + "-token base image and " + std::to_string(tiles) +
                   " × " + std::to_string(tiles) + " tiles with a newline token per row (anyres)";
  } else {
    t.tokensPerImage = perTile;
    t.tokensNote = std::to_string(gridSide(t)) + " × " + std::to_string(gridSide(t)) +
                   " patches of a " + std::to_string(t.imageSize) + " px image";
  }
  return t;
}

/// Gemma 3: SigLIP at 896 px (4,096 patches), average-pooled to mm_tokens_per_image (256)
/// soft tokens, an RMSNorm and one projection into the language model.
Result<VisionTower> readGemma3Tower(const Json& doc, const ModelArchitecture& text,
                                    const std::string& type) {
  const auto it = doc.find("vision_config");
  if (it == doc.end() || !it->is_object()) return VisionTower{};
  VisionTower t;
  readVit(*it, t, {768, 3072, 12, 12, 224, 16});
  auto valid = checked(t, type);
  if (!valid) return valid;
  t = std::move(valid).value();
  siglipLayout(t);
  t.projector = {{t.hiddenSize, text.hiddenSize, false}};  // mm_input_projection_weight
  t.projectorNorms = {{t.hiddenSize, false}};              // mm_soft_emb_norm
  t.patchesPerImage = gridSide(t) * gridSide(t);
  t.tokensPerImage = intOr(doc, "mm_tokens_per_image", 256);
  t.tokensNote = std::to_string(t.patchesPerImage) + " patches of an " +
                 std::to_string(t.imageSize) + " px image pooled to mm_tokens_per_image";
  return t;
}

/// Mistral 3 (Mistral Small 3.1): Pixtral's ViT (RMSNorms, gated MLP, rotary positions, no
/// biases) and a projector that merges spatial_merge_size² patches before a two-layer MLP.
Result<VisionTower> readMistral3Tower(const Json& doc, const ModelArchitecture& text,
                                      const std::string& type) {
  const auto it = doc.find("vision_config");
  if (it == doc.end() || !it->is_object()) return VisionTower{};
  VisionTower t;
  readVit(*it, t, {1024, 4096, 24, 16, 1024, 16});
  t.kind = "pixtral";
  t.layerNorm = false;
  t.preNorm = true;  // ln_pre
  t.attentionBias = t.mlpBias = false;
  t.gatedMlp = true;
  auto valid = checked(t, type);
  if (!valid) return valid;
  t = std::move(valid).value();
  const std::int64_t merge = std::max<std::int64_t>(1, intOr(doc, "spatial_merge_size", 2));
  const bool bias = boolOr(doc, "multimodal_projector_bias", false);
  t.projectorNorms = {{t.hiddenSize, false}};
  t.projector = {{t.hiddenSize * merge * merge, t.hiddenSize, false},  // patch_merger
                 {t.hiddenSize, text.hiddenSize, bias},
                 {text.hiddenSize, text.hiddenSize, bias}};
  // The processor rounds the image up to whole merged patches; each row of merged tokens
  // ends with [IMG_BREAK] (the last with [IMG_END]).
  const std::int64_t side =
      std::min(kReferenceSide, t.imageSize > 0 ? t.imageSize : kReferenceSide);
  const std::int64_t rows = (side + t.patchSize * merge - 1) / (t.patchSize * merge);
  t.patchesPerImage = rows * merge * rows * merge;
  t.tokensPerImage = rows * (rows + 1);
  t.tokensNote = "a " + std::to_string(side) + " × " + std::to_string(side) +
                 " image: " + std::to_string(rows) + " × " + std::to_string(rows) +
                 " merged patches and a break token per row";
  return t;
}

/// Qwen2-VL, Qwen2.5-VL and Qwen3-VL: a native-resolution ViT over 2-frame patches whose
/// merger folds spatial_merge_size² patches into one language-model token. The processor's
/// smart_resize rounds the image to multiples of patch × merge pixels.
void qwenTokens(VisionTower& t, std::int64_t merge) {
  const std::int64_t factor = t.patchSize * merge;
  const std::int64_t side = std::max<std::int64_t>(
      factor, static_cast<std::int64_t>(
                  std::llround(static_cast<double>(kReferenceSide) / static_cast<double>(factor))) *
                  factor);
  const std::int64_t grid = side / t.patchSize;
  t.patchesPerImage = grid * grid;
  t.tokensPerImage = t.patchesPerImage / (merge * merge);
  t.tokensNote = "a " + std::to_string(kReferenceSide) + " × " + std::to_string(kReferenceSide) +
                 " image resized to " + std::to_string(side) + " × " + std::to_string(side) + ": " +
                 std::to_string(grid) + " × " + std::to_string(grid) + " patches, " +
                 std::to_string(merge) + " × " + std::to_string(merge) + " merged per token";
}

Result<VisionTower> readQwenVlTower(const Json& doc, const ModelArchitecture& text,
                                    const std::string& type) {
  const auto it = doc.find("vision_config");
  if (it == doc.end() || !it->is_object()) return VisionTower{};
  const Json& vc = *it;
  VisionTower t;
  t.kind = type;
  t.numLayers = intOr(vc, "depth", 32);
  t.numHeads = intOr(vc, "num_heads", 16);
  t.patchSize = intOr(vc, "patch_size", 14);
  t.temporalPatch = intOr(vc, "temporal_patch_size", 2);
  t.channels = readAnyInt(vc, {"in_channels", "in_chans"}).value_or(3);
  const std::int64_t merge = std::max<std::int64_t>(1, intOr(vc, "spatial_merge_size", 2));
  const bool qwen3 = type.starts_with("qwen3");
  const bool qwen25 = type.starts_with("qwen2_5");
  if (type.starts_with("qwen2_vl")) {
    // Qwen2-VL: embed_dim wide, LayerNorms, fc1/fc2 of mlp_ratio × embed_dim (QuickGELU).
    t.hiddenSize = intOr(vc, "embed_dim", 1280);
    t.intermediateSize =
        static_cast<std::int64_t>(static_cast<double>(t.hiddenSize) * numberOr(vc, "mlp_ratio", 4));
  } else {
    t.hiddenSize = intOr(vc, "hidden_size", qwen3 ? 1152 : 1280);
    t.intermediateSize = intOr(vc, "intermediate_size", qwen3 ? 4304 : 3420);
  }
  t.layerNorm = !qwen25;  // Qwen2.5-VL uses RMSNorms
  t.gatedMlp = qwen25;
  t.patchBias = qwen3;
  if (qwen3) t.positionRows = intOr(vc, "num_position_embeddings", 2304);
  auto valid = checked(t, type);
  if (!valid) return valid;
  t = std::move(valid).value();
  const std::int64_t out =
      qwen3 || qwen25 ? intOr(vc, "out_hidden_size", text.hiddenSize) : text.hiddenSize;
  const std::int64_t merged = t.hiddenSize * merge * merge;
  t.projectorNorms = {{t.hiddenSize, t.layerNorm}};  // ln_q / norm
  t.projector = {{merged, merged, true}, {merged, out, true}};
  if (qwen3) {
    // DeepStack: one more merger per listed layer, its LayerNorm after the patch shuffle.
    std::int64_t deepstack = 0;
    const auto list = vc.find("deepstack_visual_indexes");
    if (list != vc.end() && list->is_array()) deepstack = static_cast<std::int64_t>(list->size());
    if (deepstack > 0) {
      t.projectorNorms.push_back({merged, true, deepstack});
      t.projector.push_back({merged, merged, true, deepstack});
      t.projector.push_back({merged, out, true, deepstack});
    }
  }
  qwenTokens(t, merge);
  return t;
}

/// Idefics3 and SmolVLM: SigLIP tiles whose patches a pixel shuffle folds scale_factor² at a
/// time into one token of a bias-free projection. The processor splits an image up to the
/// longest edge of 4 tiles into 4 × 4 tiles and adds the whole image downscaled as one more.
Result<VisionTower> readIdefics3Tower(const Json& doc, const ModelArchitecture& text,
                                      const std::string& type) {
  const auto it = doc.find("vision_config");
  if (it == doc.end() || !it->is_object()) return VisionTower{};
  VisionTower t;
  readVit(*it, t, {1152, 3072, 12, 16, 224, 32});
  auto valid = checked(t, type);
  if (!valid) return valid;
  t = std::move(valid).value();
  siglipLayout(t);
  const std::int64_t scale = std::max<std::int64_t>(1, intOr(doc, "scale_factor", 2));
  t.projector = {{t.hiddenSize * scale * scale, text.hiddenSize, false}};
  const std::int64_t grid = gridSide(t) * gridSide(t);
  constexpr std::int64_t kTilesPerSide = 4;
  t.patchesPerImage = grid;
  t.tilesPerImage = kTilesPerSide * kTilesPerSide + 1;
  t.tokensPerImage = t.tilesPerImage * (grid / (scale * scale));
  t.tokensNote = "a square image of 4 tiles a side: 16 tiles and the whole image, " +
                 std::to_string(grid / (scale * scale)) + " tokens each (" + std::to_string(grid) +
                 " patches, pixel shuffle " + std::to_string(scale) + " × " +
                 std::to_string(scale) + ")";
  return t;
}

/// Mllama (Llama 3.2 Vision, modeling_mllama.py MllamaVisionModel): a bias-free patch
/// convolution, a [CLS] embedding, a gated position table with a per-aspect-ratio tile table
/// (max_aspect_ratio_id + 1 rows of max_num_tiles × patches × hidden), gated pre- and post-tile
/// embeddings (rows of max_num_tiles × hidden), LayerNorms before and after, num_hidden_layers
/// local layers and num_global_layers gated ones (q, k, v, o without bias, fc1/fc2 with), and
/// the concatenated outputs of intermediate_layers_indices (vision_output_dim wide) projected
/// by one biased Linear into the text. The processor fits an image into up to max_num_tiles
/// tiles of image_size²; the encoder attends over all of an image's tiles at once, each padded
/// to a multiple of 8 patches, and the language model cross-attends to tiles × (patches + 1)
/// states.
Result<VisionTower> readMllamaTower(const Json& doc, const ModelArchitecture& text,
                                    const std::string& type) {
  const auto it = doc.find("vision_config");
  const Json vc = it != doc.end() && it->is_object() ? *it : Json::object();
  VisionTower t;
  readVit(vc, t, {1280, 5120, 32, 16, 448, 14});
  t.numHeads = readAnyInt(vc, {"attention_heads", "num_attention_heads"}).value_or(16);
  const std::int64_t global = intOr(vc, "num_global_layers", 8);
  t.numLayers += global;
  t.kind = "mllama";
  t.attentionBias = false;
  auto valid = checked(t, type);
  if (!valid) return valid;
  t = std::move(valid).value();
  t.classToken = true;
  t.preNorm = t.postNorm = true;
  const std::int64_t patches = gridSide(t) * gridSide(t) + 1;
  t.positionRows = patches;
  const std::int64_t tiles = std::max<std::int64_t>(1, intOr(vc, "max_num_tiles", 4));
  std::int64_t ratios = 8;  // the default supported_aspect_ratios for 4 tiles
  const auto list = vc.find("supported_aspect_ratios");
  if (list != vc.end() && list->is_array()) ratios = static_cast<std::int64_t>(list->size());
  const std::int64_t h = t.hiddenSize;
  t.encoderExtras = 1 + (ratios + 1) * tiles * patches * h  // gated_positional_embedding
                    + 2 * ((ratios + 1) * tiles * h + 1)    // pre/post tile embeddings
                    + 2 * global;                           // gate_attn, gate_ffn
  std::int64_t outputs = h;
  const auto indices = vc.find("intermediate_layers_indices");
  outputs *=
      1 +
      (indices != vc.end() && indices->is_array() ? static_cast<std::int64_t>(indices->size()) : 5);
  t.projector = {{intOr(vc, "vision_output_dim", outputs), text.hiddenSize, true}};
  const std::int64_t padded = (patches + 7) / 8 * 8;
  t.tilesPerImage = 1;
  t.patchesPerImage = tiles * padded;
  t.tokensPerImage = tiles * patches;
  t.crossAttention = true;
  t.tokensNote = std::to_string(tiles) + " tiles of " + std::to_string(t.imageSize) + " px, " +
                 std::to_string(gridSide(t)) + " × " + std::to_string(gridSide(t)) +
                 " patches and a [CLS] each, cross-attended";
  return t;
}

/// Llama 4 (modeling_llama4.py Llama4VisionModel): a bias-free unfold-and-linear patch
/// embedding, a [CLS] embedding and a learned position table of (image / patch)² + 1 rows,
/// LayerNorms before and after, rotary 2-D positions, layers with biased q, k, v, o and
/// fc1/fc2; then the vision adapter (a pixel shuffle of pixel_shuffle_ratio folding
/// 1 / ratio² patches into one token, fc1 intermediate_size → projector_input_dim and fc2
/// projector_output_dim², both bias-free) and multi_modal_projector's linear_1 into the text.
/// One image_size² tile: (image / patch)² patches, × ratio² tokens (336 px: 576 → 144).
/// Llama4ImageProcessor fits an image into a canvas of at most max_patches tiles (16, its
/// preprocessor_config.json) and, when that is more than one tile, adds the whole image
/// downscaled as one more; Llama4Processor._prompt_split_image gives each tile its tokens and
/// a separator (tile_x between a row's tiles, tile_y after each row), then <|image|> and the
/// whole image's tokens, inside <|image_start|> … <|image_end|>. Sized for a square image of
/// the largest canvas, 4 × 4 tiles, as the Idefics3 reader sizes its processor's largest.
Result<VisionTower> readLlama4Tower(const Json& doc, const ModelArchitecture& text,
                                    const std::string& type) {
  const auto it = doc.find("vision_config");
  if (it == doc.end() || !it->is_object()) return VisionTower{};
  const Json& vc = *it;
  VisionTower t;
  readVit(vc, t, {768, 5632, 34, 16, 448, 14});  // Llama4VisionConfig's defaults
  t.kind = "llama4";
  auto valid = checked(t, type);
  if (!valid) return valid;
  t = std::move(valid).value();
  t.classToken = true;
  t.preNorm = t.postNorm = true;
  const std::int64_t grid = gridSide(t) * gridSide(t);
  t.positionRows = grid + 1;
  const std::int64_t adapterIn = intOr(vc, "projector_input_dim", 4096);
  const std::int64_t adapterOut = intOr(vc, "projector_output_dim", 4096);
  t.projector = {{t.intermediateSize, adapterIn, false},
                 {adapterOut, adapterOut, false},
                 {intOr(vc, "vision_output_dim", 7680), text.hiddenSize,
                  boolOr(vc, "multi_modal_projector_bias", false)}};
  const double ratio = numberOr(vc, "pixel_shuffle_ratio", 0.5);
  const auto fold = std::max<std::int64_t>(1, std::llround(1 / (ratio * ratio)));
  constexpr std::int64_t kTilesPerSide = 4;
  constexpr std::int64_t kTiles = kTilesPerSide * kTilesPerSide;
  constexpr std::int64_t kImageMarkers = 3;  // <|image_start|>, <|image|>, <|image_end|>
  const std::int64_t perTile = grid / fold;
  t.patchesPerImage = grid + 1;
  t.tilesPerImage = kTiles + 1;
  t.tokensPerImage = t.tilesPerImage * perTile + kTiles + kImageMarkers;
  t.tokensNote = "a square image of 4 tiles a side (max_patches 16): 16 tiles of " +
                 std::to_string(t.imageSize) + " px and the whole image, " +
                 std::to_string(perTile) + " tokens each (" + std::to_string(grid) +
                 " patches, pixel shuffle " + std::to_string(fold) + " to 1), a separator per " +
                 "tile and 3 image markers";
  return t;
}

}  // namespace

Result<VisionTower> readVisionTower(const Json& document, const std::string& type,
                                    const ModelArchitecture& text) {
  if (type == "llava" || type == "llava_next") return readLlavaTower(document, text, type);
  if (type == "gemma3") return readGemma3Tower(document, text, type);
  if (type == "mllama") return readMllamaTower(document, text, type);
  if (type == "llama4") return readLlama4Tower(document, text, type);
  if (type == "mistral3") return readMistral3Tower(document, text, type);
  if (type == "idefics3" || type == "smolvlm") return readIdefics3Tower(document, text, type);
  if (type == "qwen2_vl" || type == "qwen2_5_vl" || type == "qwen3_vl" || type == "qwen3_vl_moe") {
    return readQwenVlTower(document, text, type);
  }
  return VisionTower{};
}

}  // namespace gpumem::config
