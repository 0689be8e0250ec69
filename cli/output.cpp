// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
#include "output.hpp"

#include <cmath>
#include <cstdio>
#include <iostream>
#include <string_view>
#include <utility>

#include "gpumem/units.hpp"

namespace gpumem::cli {

nlohmann::ordered_json estimateJson(const Breakdown& breakdown, const std::optional<GpuSpec>& gpu,
                                    const std::optional<FitVerdict>& fit) {
  nlohmann::ordered_json components = nlohmann::ordered_json::array();
  for (const Component& c : breakdown.components) {
    components.push_back({{"name", c.name},
                          {"label", c.label},
                          {"bytes", std::llround(c.bytes)},
                          {"formula", c.formula}});
  }
  nlohmann::ordered_json out = {{"totalBytes", std::llround(breakdown.totalBytes)},
                                {"totalGB", toGB(breakdown.totalBytes)},
                                {"totalGiB", toGiB(breakdown.totalBytes)},
                                {"components", components}};
  if (gpu && fit) {
    out["gpu"] = {{"id", gpu->id}, {"name", gpu->name}, {"memoryBytes", gpu->memoryBytes}};
    out["gpuCount"] = fit->gpuCount;
    out["gpusNeeded"] = fit->gpusNeeded;
    out["fits"] = fit->fits;
    out["headroomBytes"] = std::llround(fit->headroomBytes);
  }
  return out;
}

void printTable(const Breakdown& breakdown, const std::optional<GpuSpec>& gpu,
                const std::optional<FitVerdict>& fit) {
  std::printf("%-26s %12s %12s  %s\n", "component", "GB (10^9)", "GiB (2^30)", "formula");
  for (const Component& c : breakdown.components) {
    std::printf("%-26s %12.3f %12.3f  %s\n", c.label.c_str(), toGB(c.bytes), toGiB(c.bytes),
                c.formula.c_str());
  }
  std::printf("%-26s %12.3f %12.3f\n", "Total", toGB(breakdown.totalBytes),
              toGiB(breakdown.totalBytes));
  if (gpu && fit) {
    std::printf(
        "\nGPU: %.*s, %.2f GiB usable each. GPUs needed: %llu. %s on %llu (headroom %.2f GiB).\n",
        static_cast<int>(gpu->name.size()), gpu->name.data(),
        toGiB(static_cast<double>(gpu->memoryBytes)),
        static_cast<unsigned long long>(fit->gpusNeeded), fit->fits ? "Fits" : "Does not fit",
        static_cast<unsigned long long>(fit->gpuCount), toGiB(fit->headroomBytes));
  }
}

namespace {

/// The command-line option that sets a core field (the core names fields as the page does).
std::string optionFor(const std::string& field) {
  static constexpr std::pair<std::string_view, std::string_view> kRenamed[] = {
      {"expertParallel", "ep"},
      {"tensorParallel", "tp"},
      {"pipelineParallel", "pp"},
      {"contextParallel", "cp"},
      {"activationPerSample", "activation-mb"},
      {"microBatch", "micro-batch"},
      {"gpuCount", "gpus"},
      {"freeGpuMemoryFraction", "free-gpu-memory-fraction"},
      {"gpuMemoryUtilization", "gpu-memory-utilization"},
      {"nGpuLayers", "ngl"},
  };
  for (const auto& [name, option] : kRenamed) {
    if (field == name) return std::string(option);
  }
  std::string option = field;
  for (char& c : option) {
    if (c == '_') c = '-';
  }
  return option;
}

}  // namespace

int reportError(const Error& error, bool json) {
  if (json) {
    std::cout << nlohmann::json{{"error",
                                 {{"code", errorCodeName(error.code)},
                                  {"field", error.field},
                                  {"message", error.message}}}}
                     .dump(2)
              << "\n";
  }
  std::cerr << "gpumem: " << (error.field.empty() ? "" : "--" + optionFor(error.field) + ": ")
            << error.message << "\n";
  return 2;
}

}  // namespace gpumem::cli
