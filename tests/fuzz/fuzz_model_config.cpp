// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// Fuzzes the config.json reader: any text either fails with an error naming a field, or
// gives an architecture whose parameter count and inference estimate are finite and
// non-negative, with components summing to the total.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "gpumem/inference.hpp"
#include "gpumem/model_config.hpp"
#include "gpumem/model_parameters.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto arch = gpumem::parseModelConfig(text);
  if (!arch.ok()) {
    if (arch.error().field.empty() || arch.error().message.empty()) std::abort();
    return 0;
  }
  const gpumem::ModelParameters params = gpumem::countModelParameters(*arch);
  if (!std::isfinite(params.total) || params.total < 0) std::abort();
  gpumem::InferenceOptions options;
  options.promptTokens = 128;
  options.generatedTokens = 16;
  const auto estimate = gpumem::estimateInference(*arch, options);
  if (!estimate.ok()) {
    if (estimate.error().field.empty()) std::abort();
    return 0;
  }
  double sum = 0;
  for (const auto& c : estimate->components) {
    if (!std::isfinite(c.bytes) || c.bytes < 0) std::abort();
    sum += c.bytes;
  }
  if (!std::isfinite(estimate->totalBytes) ||
      std::fabs(sum - estimate->totalBytes) > 1e-9 * estimate->totalBytes + 1) {
    std::abort();
  }
  return 0;
}
