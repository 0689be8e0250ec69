// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
#include "gpumem/gpu_catalog.hpp"

#include <array>
#include <cmath>

#include "text.hpp"

namespace gpumem {
namespace {

constexpr GpuSpec kGpus[] = {
#include "gpu_catalog_data.inc"
};

}  // namespace

std::span<const GpuSpec> gpuCatalog() { return kGpus; }

Result<GpuSpec> findGpu(std::string_view id) {
  const std::string wanted = text::lower(text::trim(id));
  for (const GpuSpec& gpu : kGpus) {
    if (gpu.id == wanted) return gpu;
  }
  return makeError(ErrorCode::kInvalidArgument, "gpu",
                   "Unknown GPU " + text::quote(id) + "; see the list of GPU ids.");
}

std::uint64_t gpusNeeded(double totalBytes, std::uint64_t memoryBytes) {
  if (memoryBytes == 0 || !(totalBytes > 0)) return 1;
  const double count = std::ceil(totalBytes / static_cast<double>(memoryBytes));
  return count < 1 ? 1 : static_cast<std::uint64_t>(count);
}

}  // namespace gpumem
