// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// Fuzzes the one answer: bytes become a scenario of field values (as a page or CLI would
// send them); every answer agrees with itself — verdict ⇔ total ≤ capacity, headroom =
// capacity − total, GPUs in use within the GPUs chosen, finite non-negative components that
// sum to the total, more context never fewer tensors (nor less memory, but for a replayed
// training reserve), borderline and expandable segments consistent — and every error names
// an input.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>

#include "gpumem/answer.hpp"
#include "gpumem/scenario.hpp"

namespace {

/// Reads bytes as a sequence of small choices.
class Bytes {
 public:
  Bytes(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  std::uint8_t next() { return pos_ < size_ ? data_[pos_++] : 0; }
  bool done() const { return pos_ >= size_; }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

/// A value for `field`: a menu choice, a number near its range (edges included), or a flag.
std::string valueFor(const gpumem::FieldSpec& f, Bytes& in) {
  const std::uint8_t pick = in.next();
  if (!f.choices.empty()) return std::string(f.choices[pick % f.choices.size()].id);
  switch (f.type) {
    case gpumem::FieldType::kBoolean:
      return pick % 2 ? "true" : "false";
    case gpumem::FieldType::kInteger: {
      const double span = std::log2(std::max(2.0, f.max - f.min + 1));
      const double value = f.min + std::floor(std::exp2(span * pick / 255.0)) - 1;
      return std::to_string(static_cast<long long>(std::min(f.max, value)));
    }
    case gpumem::FieldType::kDecimal:
      return std::to_string(f.min + (f.max - f.min) * pick / 255.0);
    default:
      return "";
  }
}

/// The allocator reserve of an answer's breakdown (0 when it has none).
double reserveOf(const gpumem::Answer& a) {
  for (const auto& c : a.perGpu.components) {
    if (c.name == "allocator_reserve") return c.bytes;
  }
  return 0;
}

/// Whether that reserve comes from replaying the step through the caching-allocator model.
bool replaysReserve(const gpumem::Answer& a) {
  for (const auto& c : a.perGpu.components) {
    if (c.name == "allocator_reserve") return c.note.find("replaying") != std::string::npos;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Bytes in(data, size);
  const auto fields = gpumem::scenarioSchema();
  std::map<std::string, std::string, std::less<>> values;
  constexpr const char* kModels[] = {"llama-3.1-8b", "mixtral-8x7b",     "qwen2.5-0.5b",
                                     "gemma-3-27b",  "deepseek-v2-lite", "gpt2"};
  while (!in.done() && values.size() < 24) {
    const gpumem::FieldSpec& f = fields[in.next() % fields.size()];
    if (f.type == gpumem::FieldType::kFile) continue;
    if (f.name == "model") {
      values["model"] = kModels[in.next() % std::size(kModels)];
    } else if (f.name == "params") {
      values["model"] = "";
      values["params"] = std::to_string(1 + in.next()) + "B";
    } else {
      values[std::string(f.name)] = valueFor(f, in);
    }
  }
  const auto scenario = gpumem::parseScenario(values, gpumem::Strictness::kLenient);
  if (!scenario) {
    if (gpumem::findField(scenario.error().field) == nullptr) std::abort();
    return 0;
  }
  const auto answer = gpumem::evaluate(*scenario, gpumem::AnswerDepth{false, false});
  if (!answer) {
    if (gpumem::findField(answer.error().field) == nullptr) std::abort();
    return 0;
  }
  const gpumem::Answer& a = *answer;
  double sum = 0;
  for (const auto& c : a.perGpu.components) {
    if (!std::isfinite(c.bytes) || c.bytes < 0) std::abort();
    double fromTerms = 0;  // the formula is data: its products sum to the bytes
    for (const auto& t : c.terms) {
      double product = 1;
      for (const auto& f : t.factors) product *= f.value;
      fromTerms += product;
    }
    if (std::fabs(fromTerms - c.bytes) > 1e-9 * c.bytes + 1e-6) std::abort();
    sum += c.bytes;
  }
  if (std::fabs(sum - a.perGpu.totalBytes) > 1e-6 * a.perGpu.totalBytes + 1) std::abort();
  if (a.fits != (std::round(a.perGpu.totalBytes) <= std::round(a.capacityBytes))) std::abort();
  if (a.headroomBytes != a.capacityBytes - a.perGpu.totalBytes) std::abort();
  if (a.gpusInUse < 1 || a.gpusInUse > a.gpuCount) std::abort();
  // The allocator's view: nvidia-smi shows the total, and the smallest memory the run needs
  // lies between its live tensors (with the context) and that total.
  if (a.nvidiaSmiBytes >= 0 && a.nvidiaSmiBytes != a.perGpu.totalBytes) std::abort();
  if (a.minimumCapacityBytes >= 0 && (a.minimumCapacityBytes > a.perGpu.totalBytes + 0.5 ||
                                      a.minimumCapacityBytes < a.peakAllocatedBytes)) {
    std::abort();
  }
  // Expandable segments can only release what the allocator holds in cache.
  if (a.expandableNvidiaSmiBytes >= 0 &&
      (a.expandableSavingBytes < 0 || a.expandableSavingBytes > reserveOf(a) + 0.5 ||
       a.expandableNvidiaSmiBytes != a.nvidiaSmiBytes - a.expandableSavingBytes)) {
    std::abort();
  }
  // Borderline exactly when the capacity is within the measured error of the total.
  if (a.borderline !=
      (a.measuredErrorShare > 0 && std::fabs(a.capacityBytes - a.perGpu.totalBytes) <=
                                       a.measuredErrorShare * a.perGpu.totalBytes)) {
    std::abort();
  }
  if (a.capacityBytes > a.gpuMemoryBytes + 0.5) std::abort();
  // A longer context never needs fewer tensors; the total follows except for a replayed
  // training reserve, which best fit makes a sawtooth (docs/methodology.md, section 10).
  const std::int64_t context = scenario->integer("contextLength");
  if (context * 2 <= 10'000'000) {
    const auto longer =
        gpumem::evaluate(scenario->with("contextLength", std::to_string(context * 2)),
                         gpumem::AnswerDepth{false, false});
    if (longer) {
      const double tensors = a.perGpu.totalBytes - reserveOf(a);
      if (longer->perGpu.totalBytes - reserveOf(*longer) < tensors - 1) std::abort();
      const bool replayed = replaysReserve(a) || replaysReserve(*longer);
      if (!replayed && longer->perGpu.totalBytes < a.perGpu.totalBytes - 1) std::abort();
    }
  }
  return 0;
}
