// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
#include "gpumem/kv_cache.hpp"

#include <algorithm>
#include <string>

#include "gpumem/ggml_types.hpp"
#include "gpumem/precision.hpp"
#include "text.hpp"

namespace gpumem {

double kvValuesPerTokenPerLayer(const ModelArchitecture& arch) {
  if (arch.hasMla) return static_cast<double>(arch.mla.kvLoraRank + arch.mla.qkRopeHeadDim);
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

std::vector<Term> tokenLayerTerms(const Factor& sequences, std::int64_t fullLayers,
                                  const Factor& tokens, std::int64_t slidingLayers,
                                  const Factor& slidingTokens, const Factor& bytesPerTokenLayer) {
  std::vector<Term> terms;
  if (fullLayers > 0) {
    terms.push_back(
        {{sequences, tokens, {static_cast<double>(fullLayers), "layers"}, bytesPerTokenLayer}});
  }
  if (slidingLayers > 0) {
    terms.push_back({{sequences,
                      slidingTokens,
                      {static_cast<double>(slidingLayers), "sliding layers"},
                      bytesPerTokenLayer}});
  }
  return terms;
}

std::vector<Term> kvCacheTerms(const ModelArchitecture& arch, std::int64_t batch,
                               std::int64_t tokens, double bytesPerValue) {
  const std::int64_t sliding = arch.slidingLayerCount();
  const std::int64_t windowTokens =
      arch.slidingWindow > 0 ? std::min<std::int64_t>(tokens, arch.slidingWindow - 1) : tokens;
  return tokenLayerTerms({static_cast<double>(batch), "sequences"},
                         arch.attentionLayerCount() - sliding,
                         {static_cast<double>(tokens), "tokens"}, sliding,
                         {static_cast<double>(windowTokens), "window tokens"},
                         {kvValuesPerTokenPerLayer(arch) * bytesPerValue, "B per token per layer"});
}

double kvCacheBytes(const ModelArchitecture& arch, std::int64_t batch, std::int64_t tokens,
                    double bytesPerValue) {
  double bytes = 0;
  for (const Term& t : kvCacheTerms(arch, batch, tokens, bytesPerValue)) bytes += t.product();
  return bytes;
}

}  // namespace gpumem
