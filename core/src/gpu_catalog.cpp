// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
#include "gpumem/gpu_catalog.hpp"

#include <array>
#include <cmath>

#include "gpumem/format.hpp"
#include "text.hpp"

namespace gpumem {
namespace {

// Metal's recommendedMaxWorkingSetSize, the most a Mac's GPU keeps resident by default, as
// llama.cpp prints it at start-up (in MiB, labelled "MB", in its 2023 builds): 2/3 of the
// unified memory up to 32 GB, 3/4 from 36 GB. macOS 26 reports somewhat more on some machines
// (107.52 GiB of 128 GiB, https://github.com/antirez/ds4/pull/893): these are the floor.
constexpr double kMetalTwoThirds = 2.0 / 3.0;
constexpr std::string_view kMetalTwoThirdsSource =
    "Metal's recommendedMaxWorkingSetSize, 2/3 of unified memory up to 32 GB: 10922.67 MiB of an "
    "M1 16 GB (https://github.com/abetlen/llama-cpp-python/issues/687), 21845.34 MiB of an M2 "
    "Max 32 GB (https://github.com/ollama/ollama/issues/434)";
constexpr double kMetalThreeQuarters = 3.0 / 4.0;
constexpr std::string_view kMetalThreeQuartersSource =
    "Metal's recommendedMaxWorkingSetSize, 3/4 of unified memory from 36 GB: 49152 MiB of an M1 "
    "Max 64 GB (https://github.com/ggml-org/llama.cpp/issues/1870), 73728 MiB of an M2 Max 96 GB "
    "(https://github.com/ggml-org/llama.cpp/issues/3213); an M4 Max 36 GB prints 28991.03 MB, "
    "27 GiB";

constexpr GpuSpec kGpus[] = {
#include "gpu_catalog_data.inc"
};

/// A unit of parseMemorySize: its spellings in lower case, canonical spelling and bytes.
struct MemoryUnit {
  std::string_view lower;
  std::string_view canonical;
  double bytes;
};

constexpr MemoryUnit kMemoryUnits[] = {
    {"", "", 1},
    {"b", "", 1},
    {"kb", "KB", 1e3},
    {"mb", "MB", 1e6},
    {"gb", "GB", 1e9},
    {"tb", "TB", 1e12},
    {"kib", "KiB", 1024},
    {"mib", "MiB", 1048576.0},
    {"gib", "GiB", 1073741824.0},
    {"tib", "TiB", 1099511627776.0},
};

constexpr double kSmallestMemory = 1048576.0;          // 1 MiB
constexpr double kLargestMemory = 1125899906842624.0;  // 1 PiB

struct ParsedMemory {
  double bytes = 0;
  std::string canonical;
};

Error memorySizeError(ErrorCode code, std::string message) {
  return makeError(code, "gpuMemory", "gpuMemory " + std::move(message));
}

Result<ParsedMemory> parseMemory(std::string_view typed) {
  const std::string_view trimmed = text::trim(typed);
  std::size_t end = 0;
  while (end < trimmed.size() &&
         ((trimmed[end] >= '0' && trimmed[end] <= '9') || trimmed[end] == '.')) {
    ++end;
  }
  const std::string_view number = trimmed.substr(0, end);
  const std::string unit = text::lower(text::trim(trimmed.substr(end)));
  const auto value = text::parseDecimal(number);
  const MemoryUnit* found = nullptr;
  for (const MemoryUnit& u : kMemoryUnits) {
    if (u.lower == unit) found = &u;
  }
  if (number.empty() || !value || !found) {
    return memorySizeError(ErrorCode::kInvalidArgument,
                           "must be a size such as 24GiB, 24GB, 24000MiB or a number of bytes "
                           "(GB = 10^9 bytes, GiB = 2^30); got " +
                               text::quote(typed) + ".");
  }
  const double bytes = *value * found->bytes;
  if (bytes < kSmallestMemory) {
    return memorySizeError(ErrorCode::kOutOfRange,
                           text::quote(typed) + " is " + formatNumber(bytes, 0) +
                               " bytes, less than 1 MiB: add a unit, e.g. " + std::string(number) +
                               "GiB or " + std::string(number) + "GB.");
  }
  if (bytes > kLargestMemory) {
    return memorySizeError(ErrorCode::kOutOfRange,
                           text::quote(typed) + " is more than 1 PiB per GPU.");
  }
  return ParsedMemory{bytes, std::string(number) + std::string(found->canonical)};
}

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

double gpuBudgetBytes(const GpuSpec& gpu) {
  return static_cast<double>(gpu.memoryBytes) * gpu.budgetFraction;
}

Result<double> parseMemorySize(std::string_view text) {
  const auto parsed = parseMemory(text);
  if (!parsed) return parsed.error();
  return parsed->bytes;
}

Result<std::string> canonicalMemorySize(std::string_view text) {
  const auto parsed = parseMemory(text);
  if (!parsed) return parsed.error();
  return parsed->canonical;
}

std::string formatGiB(double bytes) { return formatNumber(bytes / 1073741824.0, 2) + " GiB"; }

std::uint64_t gpusNeeded(double totalBytes, std::uint64_t memoryBytes) {
  if (memoryBytes == 0 || !(totalBytes > 0)) return 1;
  const double count = std::ceil(totalBytes / static_cast<double>(memoryBytes));
  return count < 1 ? 1 : static_cast<std::uint64_t>(count);
}

}  // namespace gpumem
