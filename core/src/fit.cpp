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

FitVerdict assessSplitFit(double perGpuBytes, std::uint64_t splitGpus, const GpuSpec& gpu,
                          std::uint64_t gpuCount) {
  if (splitGpus <= 1) return assessFit(perGpuBytes, gpu, gpuCount);
  const double memory = static_cast<double>(gpu.memoryBytes);
  const double split = static_cast<double>(splitGpus);
  FitVerdict v;
  v.gpuCount = gpuCount == 0 ? 1 : gpuCount;
  const bool shareFits = perGpuBytes <= memory;
  v.gpusNeeded = shareFits ? splitGpus : 0;
  v.fits = shareFits && v.gpuCount >= splitGpus;
  v.capacityBytes = memory * split;
  v.headroomBytes = (memory - perGpuBytes) * split;
  return v;
}

}  // namespace gpumem
