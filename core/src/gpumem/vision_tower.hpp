// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// The vision tower of a vision-language model: the image encoder (a ViT: CLIP, SigLIP, Pixtral,
// the Qwen-VL encoders) and the projector that maps its output into the language model's
// embedding space, as read from config.json's vision_config.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace gpumem {

/// One linear layer of a projector (or a merger), repeated `count` times.
struct VisionLinear {
  std::int64_t in = 0;
  std::int64_t out = 0;
  bool bias = false;
  std::int64_t count = 1;
};

/// A norm of a projector over `width` values (weight, + bias for a LayerNorm).
struct VisionNorm {
  std::int64_t width = 0;
  bool bias = false;
  std::int64_t count = 1;
};

/// An image encoder and its projector. Counts are int64 so that wasm32 holds them exactly.
struct VisionTower {
  std::string kind;  ///< the encoder's family: "clip", "siglip", "pixtral", "qwen2_vl", …
  std::int64_t hiddenSize = 0;
  std::int64_t numLayers = 0;
  std::int64_t numHeads = 0;
  std::int64_t intermediateSize = 0;
  std::int64_t patchSize = 0;
  std::int64_t imageSize = 0;  ///< the side the processor resizes to (0: dynamic resolution)
  std::int64_t channels = 3;
  std::int64_t temporalPatch = 1;  ///< frames per patch (Qwen-VL's Conv3d: 2)

  // The encoder's layout.
  bool patchBias = false;         ///< the patch embedding has a bias
  std::int64_t positionRows = 0;  ///< rows of a learned position table (0: rotary)
  bool classToken = false;        ///< a learned [CLS] embedding (CLIP)
  bool layerNorm = true;          ///< LayerNorm with a bias; false: RMSNorm
  bool preNorm = false;           ///< a norm before the first layer (CLIP, Pixtral)
  bool postNorm = false;          ///< a norm after the last layer (CLIP, SigLIP)
  bool attentionBias = true;      ///< q, k, v, o carry biases
  bool gatedMlp = false;          ///< gate/up/down (Pixtral, Qwen2.5-VL) instead of fc1/fc2
  bool mlpBias = true;

  std::vector<VisionLinear> projector;  ///< projector and merger layers
  std::vector<VisionNorm> projectorNorms;
  std::int64_t extraParameters = 0;  ///< learned vectors such as LLaVA-NeXT's image_newline
  /// Learned tensors of the encoder outside its layers and position table (Mllama's tile
  /// position embeddings and gates).
  std::int64_t encoderExtras = 0;
  /// The language model cross-attends to the image (Mllama): an image adds one <|image|>
  /// token to the context, and its tokensPerImage vision states go to the cross-attention
  /// layers, whose K/V are cached once per image.
  bool crossAttention = false;

  std::int64_t tilesPerImage = 1;    ///< sequences the encoder runs per image (tiles)
  std::int64_t patchesPerImage = 0;  ///< the encoder's sequence for one tile of an image
  std::int64_t tokensPerImage = 0;   ///< tokens one image adds to the language model's context
  std::string tokensNote;            ///< how tokensPerImage follows from the preprocessing

  bool present() const { return numLayers > 0 && hiddenSize > 0; }
};

/// Parameters of the vision tower: the encoder and the projector.
struct VisionParameters {
  double encoder = 0;
  double projector = 0;
  double total() const { return encoder + projector; }
};

/// Counts the tower's parameters the way PyTorch's model.parameters() does for the Hugging
/// Face implementation (modeling_clip.py, modeling_siglip.py, modeling_pixtral.py,
/// modeling_qwen2_5_vl.py, modeling_qwen3_vl.py, and the projectors of modeling_llava.py,
/// modeling_gemma3.py, modeling_mistral3.py, modeling_idefics3.py): the patch embedding
/// (channels × frames × patch² × hidden, + bias), the position table, per layer q, k, v, o
/// (hidden², + biases) and the MLP (2 or 3 × hidden × intermediate, + biases) with two norms,
/// the pre/post norms, and every projector layer and norm.
VisionParameters countVisionParameters(const VisionTower& tower);

}  // namespace gpumem
