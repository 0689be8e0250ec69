// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "commands.hpp"
#include "gpumem/gpu_catalog.hpp"
#include "gpumem/precision.hpp"
#include "gpumem/units.hpp"

namespace gpumem::cli {

int runGpus(const Args& args) {
  if (args.hasFlag("json")) {
    nlohmann::json out = nlohmann::json::array();
    for (const GpuSpec& g : gpuCatalog()) {
      out.push_back({{"id", g.id},
                     {"name", g.name},
                     {"vendor", g.vendor},
                     {"memoryBytes", g.memoryBytes},
                     {"marketing", g.marketing},
                     {"source", g.source}});
    }
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  std::printf("%-22s %-44s %10s %16s\n", "id", "name", "sold as", "usable GiB");
  for (const GpuSpec& g : gpuCatalog()) {
    std::printf("%-22.*s %-44.*s %10.*s %16.2f\n", static_cast<int>(g.id.size()), g.id.data(),
                static_cast<int>(g.name.size()), g.name.data(),
                static_cast<int>(g.marketing.size()), g.marketing.data(),
                toGiB(static_cast<double>(g.memoryBytes)));
  }
  return 0;
}

int runPrecisions(const Args& args) {
  if (args.hasFlag("json")) {
    nlohmann::json out = nlohmann::json::array();
    for (const Precision& p : namedPrecisions()) {
      out.push_back({{"id", p.id}, {"label", p.label}, {"bits", p.bits}});
    }
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  for (const Precision& p : namedPrecisions()) {
    std::printf("%-10s %5.1f bits  %s\n", p.id.c_str(), p.bits, p.label.c_str());
  }
  std::printf("%-10s %5s bits  %s\n", "bitsN", "N", "any width from 1 to 32, e.g. 5bit");
  return 0;
}

}  // namespace gpumem::cli
