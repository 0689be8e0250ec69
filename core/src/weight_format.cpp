// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
#include "gpumem/weight_format.hpp"

#include <cctype>
#include <charconv>
#include <optional>
#include <string>

#include "gpumem/ggml_types.hpp"
#include "gpumem/model_parameters.hpp"
#include "text.hpp"

namespace gpumem {
namespace {

constexpr double kFp16Bits = 16;

WeightFormat floatFormat(std::string id, std::string label, double bits) {
  WeightFormat f;
  f.id = std::move(id);
  f.label = std::move(label);
  f.linearBits = f.embeddingBits = f.outputHeadBits = f.otherBits = f.visionBits = bits;
  f.computeBytes = bits >= 32 ? 4 : 2;
  return f;
}

/// A format that quantizes only the linear layers (bitsandbytes, GPTQ, AWQ, FP8, FP4s).
WeightFormat linearOnly(std::string id, std::string label, double bits) {
  WeightFormat f;
  f.id = std::move(id);
  f.label = std::move(label);
  f.linearBits = bits;
  return f;
}

/// Reads "<scheme>[-<bits>[bit]][-[g]<group>]", e.g. gptq-4bit-g128 or awq-4-128.
Result<WeightFormat> parseGroupQuant(const std::string& name, const std::string& scheme) {
  int bits = 4;
  int group = 128;
  std::string rest = name.substr(scheme.size());
  int* targets[] = {&bits, &group};
  int index = 0;
  std::size_t pos = 0;
  while (pos < rest.size() && index < 2) {
    while (pos < rest.size() && !std::isdigit(static_cast<unsigned char>(rest[pos]))) ++pos;
    const char* begin = rest.data() + pos;
    const auto [end, ec] = std::from_chars(begin, rest.data() + rest.size(), *targets[index]);
    if (ec != std::errc()) break;
    pos += static_cast<std::size_t>(end - begin);
    ++index;
  }
  if (bits < 2 || bits > 8 || group < 1 || group > 1 << 20) {
    return makeError(ErrorCode::kOutOfRange, "precision",
                     "GPTQ/AWQ take 2–8 bits and a positive group size.");
  }
  const double bpw = bits + (kFp16Bits + bits) / group;
  std::string id = scheme + "-" + std::to_string(bits) + "bit-g" + std::to_string(group);
  std::string upper = scheme == "gptq" ? "GPTQ" : "AWQ";
  return linearOnly(id, upper + " " + std::to_string(bits) + "-bit, group " + std::to_string(group),
                    bpw);
}

/// GGUF K-quant mixes: base type, with attn_v/ffn_down upgrades and a Q6_K head.
std::optional<WeightFormat> ggufMix(const std::string& name) {
  struct Mix {
    const char* name;
    const char* base;
  };
  constexpr Mix kMixes[] = {{"q4_k_m", "Q4_K"}, {"q5_k_m", "Q5_K"}, {"q3_k_m", "Q3_K"}};
  for (const Mix& mix : kMixes) {
    if (name != mix.name && name != std::string("gguf-") + mix.name) continue;
    const auto base = findGgmlType(mix.base);
    const auto q6 = findGgmlType("Q6_K");
    if (!base || !q6) return std::nullopt;
    WeightFormat f;
    f.id = std::string("gguf-") + mix.name;
    f.label = std::string("GGUF ") + text::lower(mix.name);
    f.linearBits = f.embeddingBits = base->bitsPerWeight();
    f.outputHeadBits = q6->bitsPerWeight();
    f.moreBitsLinearBits = q6->bitsPerWeight();
    f.otherBits = 32;
    f.tiedHeadUsesHeadType = true;
    return f;
  }
  return std::nullopt;
}

std::optional<WeightFormat> ggufSingleType(const std::string& name) {
  const std::string bare = name.rfind("gguf-", 0) == 0 ? name.substr(5) : name;
  const auto type = findGgmlType(bare);
  if (!type || type->blockElements <= 1) return std::nullopt;  // F32/F16/BF16: plain floats
  WeightFormat f;
  f.id = "gguf-" + text::lower(type->name);
  f.label = "GGUF " + std::string(type->name);
  f.linearBits = f.embeddingBits = f.outputHeadBits = type->bitsPerWeight();
  f.otherBits = 32;
  return f;
}

/// MLX's affine quantization ("mlx-4bit", "mlx-8bit", …; mlx-lm convert -q --q-bits b
/// --q-group-size 64): b bits per weight plus a bf16 scale and a bf16 bias per group of 64,
/// b + 32 / 64 bits (4.5 for 4-bit). mlx-lm quantizes every Linear and Embedding whose input
/// width divides by the group, so the token embedding and the output head too; norms stay
/// bf16.
std::optional<WeightFormat> mlxQuant(const std::string& name) {
  if (!name.starts_with("mlx-")) return std::nullopt;
  const auto bits = text::parseDecimal(name.substr(4, name.find("bit") - 4));
  const bool valid =
      name.ends_with("bit") && bits &&
      (*bits == 2 || *bits == 3 || *bits == 4 || *bits == 5 || *bits == 6 || *bits == 8);
  if (!valid) return std::nullopt;
  const double bpw = *bits + 32.0 / 64;
  WeightFormat f;
  f.id = name;
  f.label = "MLX " + std::to_string(static_cast<int>(*bits)) + "-bit, bf16 scale and bias per 64";
  f.linearBits = f.embeddingBits = f.outputHeadBits = bpw;
  f.otherBits = 16;
  return f;
}

/// Layers llama.cpp gives more bits in the K-quant mixes (use_more_bits in llama-quant.cpp).
double moreBitsLayerCount(std::int64_t layers) {
  std::int64_t count = 0;
  for (std::int64_t i = 0; i < layers; ++i) {
    const bool more = i < layers / 8 || i >= 7 * layers / 8 || (i - layers / 8) % 3 == 2;
    count += more ? 1 : 0;
  }
  return static_cast<double>(count);
}

}  // namespace

Result<WeightFormat> parseWeightFormat(std::string_view text) {
  const std::string name = text::lower(text::trim(text));
  if (name == "fp32" || name == "float32") return floatFormat("fp32", "FP32", 32);
  if (name == "fp16" || name == "float16") return floatFormat("fp16", "FP16", 16);
  if (name == "bf16" || name == "bfloat16") return floatFormat("bf16", "BF16", 16);
  if (name == "fp8" || name == "fp8_e4m3") {
    return linearOnly("fp8", "FP8 e4m3, fp32 scale per 128×128 block", 8 + 32.0 / (128 * 128));
  }
  if (name == "int8" || name == "llm.int8" || name == "bnb-int8") {
    return linearOnly("int8", "bitsandbytes LLM.int8", 8);
  }
  if (name == "nf4" || name == "fp4") return linearOnly(name, "bitsandbytes " + name, 4.5);
  if (name == "nf4-dq" || name == "fp4-dq") {
    return linearOnly(name, "bitsandbytes " + name.substr(0, 3) + ", double quantization",
                      4 + 8.0 / 64 + 32.0 / (64 * 256));
  }
  if (name.rfind("gptq", 0) == 0) return parseGroupQuant(name, "gptq");
  if (name.rfind("awq", 0) == 0) return parseGroupQuant(name, "awq");
  if (name == "mxfp4") return linearOnly("mxfp4", "MXFP4 (e8m0 scale per 32)", 4 + 8.0 / 32);
  if (name == "nvfp4") return linearOnly("nvfp4", "NVFP4 (fp8 scale per 16)", 4 + 8.0 / 16);
  if (auto mlx = mlxQuant(name)) return *mlx;
  if (auto mix = ggufMix(name)) return *mix;
  if (auto single = ggufSingleType(name)) return *single;
  return makeError(
      ErrorCode::kInvalidArgument, "precision",
      "Unknown weight format " + text::quote(text) +
          "; use fp32, fp16, bf16, fp8, int8, nf4, nf4-dq, fp4, gptq-4bit-g128, "
          "awq-4bit-g128, mxfp4, nvfp4, mlx-4bit, a GGUF type (q4_0, q8_0, q4_k, …) or "
          "q4_k_m / q5_k_m / q3_k_m.");
}

double weightBytes(const ModelArchitecture& arch, const WeightFormat& f) {
  const ModelParameters p = countModelParameters(arch);
  const double embeddingBits =
      arch.tieWordEmbeddings && f.tiedHeadUsesHeadType ? f.outputHeadBits : f.embeddingBits;
  double bits = p.embedding * embeddingBits + p.outputHead * f.outputHeadBits +
                (p.norms + p.router) * f.otherBits + p.vision * f.visionBits;
  double linear = p.attention + p.mlp + p.experts;
  if (f.moreBitsLinearBits > 0) {
    // attn_v and ffn_down (per expert too) of the upgraded layers.
    const double h = static_cast<double>(arch.hiddenSize);
    const double v = h * static_cast<double>(arch.numKvHeads * arch.headDim);
    const double downWidth =
        arch.isMoe() ? static_cast<double>(arch.moe.numExperts * arch.moe.expertIntermediateSize)
                     : static_cast<double>(arch.intermediateSize);
    const double upgraded = moreBitsLayerCount(arch.numLayers) * (v + downWidth * h);
    bits += upgraded * f.moreBitsLinearBits;
    linear -= upgraded;
  }
  bits += linear * f.linearBits;
  return bits / 8;
}

}  // namespace gpumem
