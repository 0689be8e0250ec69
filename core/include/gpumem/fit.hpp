// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>

#include "gpumem/gpu_catalog.hpp"

namespace gpumem {

/// Whether an estimate fits on `gpuCount` GPUs of one type, assuming it splits evenly.
struct FitVerdict {
  std::uint64_t gpusNeeded = 1;  ///< ceil(total / memory per GPU)
  std::uint64_t gpuCount = 1;    ///< the count the user chose
  bool fits = false;             ///< gpusNeeded <= gpuCount
  double capacityBytes = 0;      ///< gpuCount × memory per GPU
  double headroomBytes = 0;      ///< capacity − total (negative when it does not fit)
};

/// Checks `totalBytes` (the whole job, all GPUs together) against `gpuCount` GPUs of
/// `gpu`. Memory per GPU is what the runtime reports (GpuSpec::memoryBytes), not the
/// marketing figure.
FitVerdict assessFit(double totalBytes, const GpuSpec& gpu, std::uint64_t gpuCount);

/// Checks a model split over `splitGpus` GPUs (tensor × pipeline × expert parallel), whose
/// estimate `perGpuBytes` is what each of those GPUs holds. It fits when `gpuCount` ≥
/// `splitGpus` and each GPU holds its share; the split is fixed, so gpusNeeded is
/// `splitGpus` when the share fits one GPU and 0 when no count of this GPU can hold it.
/// Capacity and headroom are those of the `splitGpus` GPUs the model occupies.
FitVerdict assessSplitFit(double perGpuBytes, std::uint64_t splitGpus, const GpuSpec& gpu,
                          std::uint64_t gpuCount);

}  // namespace gpumem
