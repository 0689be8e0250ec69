// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// How the CLI prints estimates and errors: a table for people, JSON for programs.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>

#include "gpumem/breakdown.hpp"
#include "gpumem/fit.hpp"
#include "gpumem/result.hpp"

namespace gpumem::cli {

/// The CLI's JSON shape (also what the page exports): totalBytes, totalGB, totalGiB,
/// components [{name, label, bytes, formula}], and with a GPU: gpu, gpuCount,
/// gpusNeeded, fits, headroomBytes.
nlohmann::ordered_json estimateJson(const Breakdown& breakdown, const std::optional<GpuSpec>& gpu,
                                    const std::optional<FitVerdict>& fit);

/// Prints the breakdown as an aligned table with GB and GiB columns.
void printTable(const Breakdown& breakdown, const std::optional<GpuSpec>& gpu,
                const std::optional<FitVerdict>& fit);

/// Reports an error on stderr (and as {"error": …} on stdout when `json`); returns 2.
int reportError(const Error& error, bool json);

}  // namespace gpumem::cli
