// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "gpumem/result.hpp"

namespace gpumem {

/// One accelerator model and the memory it exposes to programs.
struct GpuSpec {
  std::string_view id;         ///< stable id for links and the CLI, e.g. "h100-80gb"
  std::string_view name;       ///< for people, e.g. "NVIDIA H100 80GB HBM3 (SXM)"
  std::string_view vendor;     ///< "NVIDIA", "AMD", "Google", "Apple", "Intel"
  std::uint64_t memoryBytes;   ///< bytes the runtime reports as total (cudaMemGetInfo); for
                               ///< unified memory, the memory of the whole machine
  std::string_view marketing;  ///< the capacity as sold, e.g. "80 GB"
  std::string_view source;     ///< where memoryBytes comes from
  /// The share of memoryBytes the GPU may use by default where the platform caps it below
  /// the memory (Apple: Metal's recommended working set, 2/3 or 3/4 of unified memory); 1
  /// elsewhere.
  double budgetFraction = 1;
  std::string_view budgetSource = {};  ///< what the cap is and where the fraction comes from
};

/// Every GPU gpumem knows, in menu order.
std::span<const GpuSpec> gpuCatalog();

/// Looks a GPU up by id (case-insensitive). Fails with field "gpu" when unknown.
Result<GpuSpec> findGpu(std::string_view id);

/// The bytes a program may use of one `gpu` by default: memoryBytes × budgetFraction.
double gpuBudgetBytes(const GpuSpec& gpu);

/// A memory size as people write it: "22.07GiB", "24 GB", "24000MiB", "1.5TiB" or plain bytes
/// ("25769803776"). GB, MB, KB and TB are powers of 10, GiB, MiB, KiB and TiB powers of 2;
/// any letter case. Fails with field "gpuMemory" on other units, and outside 1 MiB … 1 PiB.
Result<double> parseMemorySize(std::string_view text);

/// The canonical text of a memory size: the number as typed (no spaces) and the unit spelled
/// as above, e.g. " 22.07 gib" → "22.07GiB"; plain bytes stay plain. Fails as parseMemorySize.
Result<std::string> canonicalMemorySize(std::string_view text);

/// A size for people in the unit a person most likely typed it in: 23697100390 → "22.07 GiB".
std::string formatGiB(double bytes);

/// The number of GPUs of `memoryBytes` each needed to hold `totalBytes` when the load
/// splits evenly (the simple method's assumption): ceil(total / memory), at least 1.
std::uint64_t gpusNeeded(double totalBytes, std::uint64_t memoryBytes);

}  // namespace gpumem
