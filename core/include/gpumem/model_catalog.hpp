// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// The catalog of popular open models: each entry's architecture fields (as in its public
// config.json), its officially stated parameter count, and where both come from.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gpumem/result.hpp"

namespace gpumem {

/// One model of the catalog, ready to hand to the config.json parser.
struct CatalogModel {
  std::string id;      ///< stable, lowercase id for links and the CLI, e.g. "llama-3.1-8b"
  std::string name;    ///< for people, e.g. "Llama 3.1 8B"
  std::string family;  ///< e.g. "Llama", "Qwen", "DeepSeek"
  std::string hfRepo;  ///< Hugging Face repository, e.g. "meta-llama/Llama-3.1-8B"; empty if none
  double officialParams = 0;         ///< the parameter count the publisher states
  std::string officialParamsSource;  ///< where that count is stated (card, paper, HF page)
  std::string configSource;          ///< where the architecture fields come from
  std::string notes;                 ///< what is counted or left out, how the fields were checked
  std::string configJson;            ///< the architecture fields as a config.json document
};

/// Every model of the catalog, in menu order (grouped by family). The catalog is data compiled
/// into the library (model_catalog_data.inc); it is parsed on each call, so callers that need
/// it often should keep the result. Fails with field "catalog" only if that data is malformed.
Result<std::vector<CatalogModel>> modelCatalog();

/// The config.json model_type values the core reads with a mapping of their own (aliases such
/// as gemma3_text and the text part of vision-language types included), in documentation
/// order. Other decoder-only model_types are read generically from the standard field names.
std::span<const std::string_view> supportedModelTypes();

/// Looks a model up by id, ignoring case and surrounding spaces. Fails with field "model" when
/// the id is unknown; the message suggests ids that contain the text asked for.
Result<CatalogModel> findCatalogModel(std::string_view id);

}  // namespace gpumem
