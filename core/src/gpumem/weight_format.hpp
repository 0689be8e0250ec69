// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// Storage formats of weights: floating point, bitsandbytes, GPTQ/AWQ, FP8, MXFP4/NVFP4 and
// GGUF (single types and the K-quant mixes), with the tensors each leaves unquantized.
#pragma once

#include <string>
#include <string_view>

#include "gpumem/model_architecture.hpp"
#include "gpumem/result.hpp"

namespace gpumem {

/// Bits per weight of each kind of tensor under one format.
struct WeightFormat {
  std::string id;              ///< canonical id, e.g. "gptq-4bit-g128", "gguf-q4_k_m"
  std::string label;           ///< for people
  double linearBits = 16;      ///< attention and MLP/expert projection matrices
  double embeddingBits = 16;   ///< token (and position) embedding
  double outputHeadBits = 16;  ///< lm_head (tied: the embedding takes this type in GGUF)
  double otherBits = 16;       ///< norms, routers, small vectors
  /// A vision-language model's vision tower and projector: quantizers leave it in 16 bits
  /// (llm-compressor's and AutoAWQ's ignore lists; llama.cpp's mmproj file is f16).
  double visionBits = 16;
  double moreBitsLinearBits = 0;      ///< K-quant mixes: attn_v and ffn_down on the
                                      ///< use_more_bits layers (0 = no such upgrade)
  double computeBytes = 2;            ///< dtype of activations and KV cache by default
  bool tiedHeadUsesHeadType = false;  ///< GGUF: a tied embedding is quantized as the output
};

/// Parses a weight format: fp32, fp16, bf16; fp8 (e4m3 with one fp32 scale per 128×128
/// block, 8.002 bpw); int8 (bitsandbytes LLM.int8, 8 bpw + negligible row scales);
/// nf4 / fp4 (bitsandbytes: 4 bits + fp32 absmax per 64 → 4.5 bpw), nf4-dq / fp4-dq
/// (double quantization: 8-bit absmax per 64 + fp32 per 256 blocks → 4.127 bpw);
/// gptq / awq with optional bits and group, e.g. "gptq-4bit-g128", "awq-4-128":
/// b + (16 + b) / g bpw (fp16 scale and packed b-bit zero point per group); mxfp4
/// (4 + 8/32 = 4.25 bpw), nvfp4 (4 + 8/16 = 4.5 bpw); mlx-2bit … mlx-8bit (MLX affine, bf16
/// scale and bias per 64: b + 0.5 bpw, embeddings and head too); gguf types "q4_0" … "q8_0", "q4_k",
/// "iq4_xs" (block-exact bpw from ggml) and the mixes "q4_k_m", "q5_k_m", "q3_k_m".
/// bitsandbytes, GPTQ, AWQ, FP8, MXFP4 and NVFP4 keep embeddings, the head and norms in
/// 16 bits; GGUF stores norms in F32 and quantizes the embedding. Field "format".
Result<WeightFormat> parseWeightFormat(std::string_view text);

/// Bytes of the weights of `arch` stored in `format`: Σ part parameters × bits / 8.
/// K-quant mixes upgrade attn_v and ffn_down to Q6_K on the layers llama.cpp's
/// use_more_bits picks (the first and last eighth, and every third in between;
/// src/llama-quant.cpp) and store the output head in Q6_K.
double weightBytes(const ModelArchitecture& arch, const WeightFormat& format);

}  // namespace gpumem
