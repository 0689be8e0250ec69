// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
#include "gpumem/kv_cache.hpp"

#include <algorithm>
#include <string>

#include "gpumem/ggml_types.hpp"
#include "gpumem/precision.hpp"
#include "text.hpp"

namespace gpumem {

double kvValuesPerTokenPerLayer(const ModelArchitecture& arch) {
  if (arch.hasMla) {
    const double heads = static_cast<double>(arch.numHeads);
    return heads * static_cast<double>(arch.mla.qkNopeHeadDim + arch.mla.qkRopeHeadDim) +
           heads * static_cast<double>(arch.mla.vHeadDim);
  }
  return 2.0 * static_cast<double>(arch.numKvHeads) * static_cast<double>(arch.headDim);
}

Result<double> parseKvCacheBytesPerValue(std::string_view text) {
  const std::string name = text::lower(text::trim(text));
  constexpr std::string_view kGgmlCacheTypes[] = {"q8_0", "q4_0", "q4_1", "q5_0", "q5_1", "iq4_nl"};
  for (std::string_view type : kGgmlCacheTypes) {
    if (name != type) continue;
    const auto ggml = findGgmlType(type);
    if (ggml) return ggml->bitsPerWeight() / 8;
  }
  const auto precision = parsePrecision(name);
  if (!precision) {
    return makeError(ErrorCode::kInvalidArgument, "kvDtype",
                     "Unknown KV cache type " + text::quote(text) +
                         "; use fp16, bf16, fp8, int8, fp32, q8_0, q4_0, q4_1, q5_0, q5_1 or "
                         "iq4_nl.");
  }
  return precision->bytes();
}

double kvCacheBytes(const ModelArchitecture& arch, std::int64_t batch, std::int64_t tokens,
                    double bytesPerValue) {
  const double perLayerToken = kvValuesPerTokenPerLayer(arch) * bytesPerValue;
  const std::int64_t sliding = arch.slidingLayerCount();
  const std::int64_t full = arch.numLayers - sliding;
  const std::int64_t windowTokens =
      arch.slidingWindow > 0 ? std::min<std::int64_t>(tokens, arch.slidingWindow - 1) : tokens;
  const double tokenLayers = static_cast<double>(full) * static_cast<double>(tokens) +
                             static_cast<double>(sliding) * static_cast<double>(windowTokens);
  return static_cast<double>(batch) * tokenLayers * perLayerToken;
}

}  // namespace gpumem
