// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// Fuzzes the simple estimator on random inputs: every accepted input gives finite,
// non-negative components that sum to the total, and more parameters or a larger batch
// never need less memory.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "gpumem/parameter_count.hpp"
#include "gpumem/simple_method.hpp"

namespace {

double take(const std::uint8_t*& data, std::size_t& size) {
  double value = 0;
  if (size >= sizeof value) {
    std::memcpy(&value, data, sizeof value);
    data += sizeof value;
    size -= sizeof value;
  }
  return value;
}

void checkSane(const gpumem::Breakdown& b) {
  double sum = 0;
  for (const auto& c : b.components) {
    if (!std::isfinite(c.bytes) || c.bytes < 0 || formulaText(c).empty()) std::abort();
    sum += c.bytes;
  }
  if (!std::isfinite(b.totalBytes) || std::fabs(sum - b.totalBytes) > 1e-6 * b.totalBytes + 1)
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  gpumem::SimpleInput in;
  in.task = (data[0] & 1) ? gpumem::Task::kTraining : gpumem::Task::kInference;
  in.optimizer = static_cast<gpumem::SimpleOptimizer>(data[1] % 5);
  data += 2;
  size -= 2;
  in.parameters = take(data, size);
  in.precision.bits = take(data, size);
  in.overheadFraction = take(data, size);
  in.batchSize = take(data, size);
  in.activationBytesPerSample = take(data, size);
  const auto base = gpumem::estimateSimple(in);
  if (!base.ok()) {
    if (base.error().field.empty()) std::abort();
    return 0;
  }
  checkSane(*base);
  gpumem::SimpleInput bigger = in;
  bigger.parameters = std::fmin(in.parameters * 2, gpumem::kMaxParameterCount);
  bigger.batchSize = std::fmin(in.batchSize + 1, 1e6);
  const auto more = gpumem::estimateSimple(bigger);
  if (!more.ok()) std::abort();
  checkSane(*more);
  if (more->totalBytes < base->totalBytes) std::abort();
  return 0;
}
