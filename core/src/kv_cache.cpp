// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
#include "gpumem/kv_cache.hpp"

#include <algorithm>

namespace gpumem {

double kvValuesPerTokenPerLayer(const ModelArchitecture& arch) {
  if (arch.hasMla) {
    const double heads = static_cast<double>(arch.numHeads);
    return heads * static_cast<double>(arch.mla.qkNopeHeadDim + arch.mla.qkRopeHeadDim) +
           heads * static_cast<double>(arch.mla.vHeadDim);
  }
  return 2.0 * static_cast<double>(arch.numKvHeads) * static_cast<double>(arch.headDim);
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
