// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// The model a scenario names, resolved once: from a model file, a config.json, the catalog
// or a bare parameter count (private to core/src).
#pragma once

#include <optional>
#include <string>

#include "gpumem/model_architecture.hpp"
#include "gpumem/model_file.hpp"
#include "gpumem/result.hpp"
#include "gpumem/scenario.hpp"

namespace gpumem {

struct ResolvedModel {
  bool architecture = false;  ///< arch is known (else the parameter-count method)
  ModelArchitecture arch;
  std::optional<ModelFile> file;
  double parameters = 0;
  std::string label;      ///< for people
  std::string catalogId;  ///< "" unless from the catalog
  std::string note;       ///< how the model was read, when worth saying
};

/// The model of `scenario`: the file (with its GGUF architecture, or the config given beside
/// it), else the config.json, else the catalog model, else the parameter count. Fails with
/// the field at fault ("file", "config", "model", "params").
Result<ResolvedModel> resolveModel(const Scenario& scenario);

}  // namespace gpumem
