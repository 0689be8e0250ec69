// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// Fuzzes the architecture-aware inference estimator on random scenarios over the model
// catalog: every accepted scenario gives finite, non-negative components, and more
// context or more sequences never need less memory.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "gpumem/inference.hpp"
#include "gpumem/model_catalog.hpp"
#include "gpumem/model_config.hpp"

namespace {

/// The next `bytes` bytes of the input as an unsigned number (0 once the input runs out).
std::uint64_t take(const std::uint8_t*& data, std::size_t& size, int bytes) {
  std::uint64_t value = 0;
  for (int i = 0; i < bytes && size > 0; ++i, ++data, --size) value = (value << 8) | *data;
  return value;
}

const std::vector<gpumem::ModelArchitecture>& catalogArchitectures() {
  static const std::vector<gpumem::ModelArchitecture> architectures = [] {
    std::vector<gpumem::ModelArchitecture> out;
    const auto catalog = gpumem::modelCatalog();
    if (!catalog.ok()) return out;
    for (const auto& model : *catalog) {
      if (auto arch = gpumem::parseModelConfig(model.configJson)) out.push_back(*arch);
    }
    return out;
  }();
  return architectures;
}

double checkedTotal(const gpumem::ModelArchitecture& arch, const gpumem::InferenceOptions& o) {
  const auto estimate = gpumem::estimateInference(arch, o);
  if (!estimate.ok()) {
    if (estimate.error().field.empty()) std::abort();
    return -1;
  }
  for (const auto& c : estimate->components) {
    if (!std::isfinite(c.bytes) || c.bytes < 0) std::abort();
  }
  if (!std::isfinite(estimate->totalBytes) || estimate->totalBytes <= 0) std::abort();
  return estimate->totalBytes;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto& models = catalogArchitectures();
  if (models.empty()) std::abort();
  const auto& arch = models[take(data, size, 1) % models.size()];
  gpumem::InferenceOptions o;
  constexpr double kWeightBytes[] = {4, 2, 1, 0.5};
  o.weightBytesPerParameter = kWeightBytes[take(data, size, 1) % 4];
  o.kvBytesPerValue = 1.0 + static_cast<double>(take(data, size, 1) % 4);
  o.batch = 1 + static_cast<std::int64_t>(take(data, size, 2) % 4096);
  o.promptTokens = 1 + static_cast<std::int64_t>(take(data, size, 3) % (1 << 21));
  o.generatedTokens = static_cast<std::int64_t>(take(data, size, 2) % 8192);
  o.attention = static_cast<gpumem::AttentionImplementation>(take(data, size, 1) % 3);
  o.engine = static_cast<gpumem::EngineProfile>(take(data, size, 1) % 3);
  o.parallel.tensorParallel = std::int64_t{1} << (take(data, size, 1) % 4);
  const double base = checkedTotal(arch, o);
  if (base < 0) return 0;
  gpumem::InferenceOptions longer = o;
  longer.promptTokens += 1 + static_cast<std::int64_t>(take(data, size, 2));
  const double moreContext = checkedTotal(arch, longer);
  if (moreContext >= 0 && moreContext < base * (1 - 1e-12)) std::abort();
  gpumem::InferenceOptions wider = o;
  wider.batch += 1;
  const double moreBatch = checkedTotal(arch, wider);
  if (moreBatch >= 0 && moreBatch < base * (1 - 1e-12)) std::abort();
  return 0;
}
