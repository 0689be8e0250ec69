// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
#include "output.hpp"

#include <cstdio>
#include <iostream>
#include <string>

#include "gpumem/scenario.hpp"
#include "gpumem/units.hpp"

namespace gpumem::cli {
namespace {

std::string gb(double bytes) {
  char text[64];
  std::snprintf(text, sizeof text, "%.2f GB (%.2f GiB)", toGB(bytes), toGiB(bytes));
  return text;
}

/// The option a user types for a field: "--context" for contextLength.
std::string optionFor(const std::string& field) {
  if (field.starts_with("--")) return field;
  const FieldSpec* spec = findField(field);
  if (spec && !spec->flag.empty()) return "--" + std::string(spec->flag);
  return field;
}

void printVerdict(const Answer& a) {
  std::printf("\nGPU: %s, %s each as the runtime reports it; may use %s (%s).\n", a.gpuName.c_str(),
              gb(a.gpuMemoryBytes).c_str(), gb(a.capacityBytes).c_str(), a.capacityFormula.c_str());
  if (a.fits) {
    std::printf("Fits on %lld × %s: %s headroom per GPU.\n", static_cast<long long>(a.gpusInUse),
                a.gpuName.c_str(), gb(a.headroomBytes).c_str());
  } else {
    std::printf("Does not fit on %lld × %s: short by %s per GPU.\n",
                static_cast<long long>(a.gpusInUse), a.gpuName.c_str(),
                gb(-a.headroomBytes).c_str());
  }
  if (a.borderline) std::printf("%s.\n", a.borderlineNote.c_str());
  if (a.minimumCapacityBytes >= 0) {
    std::printf("nvidia-smi will show %s; it needs at least %s of GPU memory.",
                gb(a.nvidiaSmiBytes).c_str(), gb(a.minimumCapacityBytes).c_str());
    if (a.expandableNvidiaSmiBytes >= 0) {
      const std::string saving =
          a.expandableSavingBytes > 0 ? gb(a.expandableSavingBytes) + " less" : "no less";
      std::printf(" With PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True: %s (%s).",
                  gb(a.expandableNvidiaSmiBytes).c_str(), saving.c_str());
    }
    std::printf("\n");
  }
  std::printf("GPUs in use: %lld of %lld (%s).", static_cast<long long>(a.gpusInUse),
              static_cast<long long>(a.gpuCount), a.layout.c_str());
  if (a.gpusNeeded > 0) {
    std::printf(" Fewest that run it: %lld × %s.", static_cast<long long>(a.gpusNeeded),
                a.gpuName.c_str());
  } else if (a.gpusNeeded == 0) {
    std::printf(" No number of %s runs it this way.", a.gpuName.c_str());
  }
  std::printf("\n");
}

void printLimits(const Answer& a) {
  if (a.maxContext >= 0) {
    std::printf("Longest context that fits: %lld tokens.", static_cast<long long>(a.maxContext));
  }
  if (a.maxBatch >= 0)
    std::printf(" Largest batch that fits: %lld.", static_cast<long long>(a.maxBatch));
  if (a.maxContext >= 0 || a.maxBatch >= 0) std::printf("\n");
}

/// The changes that make a scenario fit (or save most), each as the options to type: the
/// core's suggestions, estimated again with the change applied.
void printSuggestions(const Answer& a) {
  if (a.suggestions.empty()) return;
  std::printf("What would make it fit:\n");
  for (const Suggestion& s : a.suggestions) {
    std::printf("  %s: %s per GPU, %s (", s.label.c_str(), gb(s.totalBytes).c_str(),
                s.fits ? "fits" : "still short");
    const char* separator = "";
    for (const auto& [field, value] : s.changes) {
      std::printf("%s%s %s", separator, optionFor(field).c_str(), value.c_str());
      separator = " ";
    }
    std::printf(")\n");
  }
}

}  // namespace

void printStackTable(const std::vector<StackFit>& rows, const std::string& gpuName) {
  std::printf("Each fine-tuning stack on %s, the other inputs as given:\n\n", gpuName.c_str());
  std::printf("%-10s %-10s %12s  %-13s %16s %16s %12s\n", "stack", "ckpt", "GB per GPU", "verdict",
              "longest seq", "largest batch", "CPU RAM GB");
  for (const StackFit& r : rows) {
    std::printf("%-10s %-10s %12.2f  %-13s %16lld %16lld %12.2f\n", r.stack.c_str(),
                r.checkpointing.c_str(), toGB(r.perGpuBytes), r.fits ? "fits" : "does not fit",
                static_cast<long long>(r.maxContext), static_cast<long long>(r.maxBatch),
                toGB(r.cpuBytes));
  }
}

void printAnswer(const Answer& a) {
  std::printf("%s · %s estimate, per GPU\n\n", a.modelLabel.c_str(), a.method.c_str());
  std::printf("%-26s %12s %12s  %s\n", "component", "GB (10^9)", "GiB (2^30)", "formula");
  for (const Component& c : a.perGpu.components) {
    std::printf("%-26s %12.3f %12.3f  %s\n", c.label.c_str(), toGB(c.bytes), toGiB(c.bytes),
                formulaText(c).c_str());
  }
  std::printf("%-26s %12.3f %12.3f\n", "Total per GPU", toGB(a.perGpu.totalBytes),
              toGiB(a.perGpu.totalBytes));
  printVerdict(a);
  if (a.perGpu.kvPool) std::printf("KV cache: %s.\n", a.perGpu.kvPool->summary.c_str());
  printLimits(a);
  if (!a.peakPhase.empty()) {
    std::printf("Peak at the %s; data parallel %lld.", a.peakPhase.c_str(),
                static_cast<long long>(a.dataParallel));
    if (a.cpuBytes > 0) std::printf(" CPU RAM per node: %s.", gb(a.cpuBytes).c_str());
    if (a.nvmeBytes > 0) std::printf(" NVMe per node: %s.", gb(a.nvmeBytes).c_str());
    std::printf("\n");
  }
  for (const std::string& note : a.notes) std::printf("Note: %s.\n", note.c_str());
  printSuggestions(a);
}

int reportError(const Error& error, bool json) {
  if (json) std::cout << errorToJson(error) << "\n";
  const std::string option = error.field.empty() ? "" : optionFor(error.field) + ": ";
  std::cerr << "gpumem: " << option << error.message << "\n";
  return 2;
}

}  // namespace gpumem::cli
