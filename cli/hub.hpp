// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// `--hf ORG/NAME`: a model's config.json and the header of its weights, fetched from the
// Hugging Face Hub (or the mirror HF_ENDPOINT names, with HF_TOKEN as a bearer token). Only
// the CLI does I/O; the bytes go to the core exactly as a file given by --config and --file.
#pragma once

#include <optional>
#include <string>

#include "gpumem/result.hpp"

namespace gpumem::cli {

/// What the Hub gives for a model: the config.json text and, when the repository holds
/// model.safetensors.index.json or model.safetensors, the scenario's "file" JSON.
struct HubModel {
  std::string configJson;
  std::optional<std::string> fileJson;
};

/// Fetches `id` ("org/name" or "name") from the Hub; fails naming --hf on a bad id, a
/// 401/403 (gated or private), a 404, a network failure or a truncated header.
Result<HubModel> fetchHubModel(const std::string& id);

}  // namespace gpumem::cli
