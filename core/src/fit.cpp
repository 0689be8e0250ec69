// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
#include "gpumem/fit.hpp"

namespace gpumem {

FitVerdict assessFit(double totalBytes, const GpuSpec& gpu, std::uint64_t gpuCount) {
  FitVerdict v;
  v.gpuCount = gpuCount == 0 ? 1 : gpuCount;
  v.gpusNeeded = gpusNeeded(totalBytes, gpu.memoryBytes);
  v.fits = v.gpusNeeded <= v.gpuCount;
  v.capacityBytes = static_cast<double>(gpu.memoryBytes) * static_cast<double>(v.gpuCount);
  v.headroomBytes = v.capacityBytes - totalBytes;
  return v;
}

}  // namespace gpumem
