// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
#include "gpumem/model_catalog.hpp"

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "text.hpp"

namespace gpumem {
namespace {

using Json = nlohmann::json;

constexpr std::string_view kCatalogJson =
#include "model_catalog_data.inc"
    ;

constexpr std::size_t kMaxSuggestions = 5;

Error catalogError(std::size_t index, const std::string& what) {
  return makeError(ErrorCode::kParseError, "catalog",
                   "Model catalog entry " + std::to_string(index) + " " + what + ".");
}

/// Copies the string member `key` of `entry` into `out`; false if absent or not a string.
bool readString(const Json& entry, const char* key, std::string& out) {
  const auto it = entry.find(key);
  if (it == entry.end() || !it->is_string()) return false;
  out = it->get_ref<const std::string&>();
  return true;
}

Result<CatalogModel> parseEntry(const Json& entry, std::size_t index) {
  if (!entry.is_object()) return catalogError(index, "is not an object");
  CatalogModel model;
  const std::pair<const char*, std::string*> strings[] = {
      {"id", &model.id},
      {"name", &model.name},
      {"family", &model.family},
      {"hfRepo", &model.hfRepo},
      {"officialParamsSource", &model.officialParamsSource},
      {"configSource", &model.configSource},
  };
  for (const auto& [key, out] : strings) {
    if (!readString(entry, key, *out)) return catalogError(index, std::string("lacks ") + key);
  }
  readString(entry, "notes", model.notes);  // optional
  const auto params = entry.find("officialParams");
  if (params == entry.end() || !params->is_number() || !(params->get<double>() > 0)) {
    return catalogError(index, "lacks a positive officialParams");
  }
  model.officialParams = params->get<double>();
  const auto config = entry.find("config");
  if (config == entry.end() || !config->is_object()) return catalogError(index, "lacks config");
  model.configJson = config->dump(-1, ' ', false, Json::error_handler_t::replace);
  return model;
}

/// Catalog ids that contain `wanted` or are contained in it, at most kMaxSuggestions.
std::string suggestionsFor(const std::vector<CatalogModel>& models, const std::string& wanted) {
  std::string list;
  std::size_t count = 0;
  for (const CatalogModel& model : models) {
    const bool related =
        model.id.find(wanted) != std::string::npos || wanted.find(model.id) != std::string::npos;
    if (!related || count == kMaxSuggestions) continue;
    list += (count == 0 ? "" : ", ") + model.id;
    ++count;
  }
  return list;
}

}  // namespace

Result<std::vector<CatalogModel>> modelCatalog() {
  const Json document = Json::parse(kCatalogJson, nullptr, false);
  if (document.is_discarded() || !document.is_array()) {
    return makeError(ErrorCode::kParseError, "catalog", "The model catalog is not a JSON array.");
  }
  std::vector<CatalogModel> models;
  models.reserve(document.size());
  for (std::size_t i = 0; i < document.size(); ++i) {
    Result<CatalogModel> model = parseEntry(document[i], i);
    if (!model) return model.error();
    models.push_back(std::move(model).value());
  }
  return models;
}

Result<CatalogModel> findCatalogModel(std::string_view id) {
  Result<std::vector<CatalogModel>> catalog = modelCatalog();
  if (!catalog) return catalog.error();
  const std::string wanted = text::lower(text::trim(id));
  if (wanted.empty()) {
    return makeError(ErrorCode::kInvalidArgument, "model",
                     "Give a model id from the catalog, e.g. \"llama-3.1-8b\".");
  }
  for (CatalogModel& model : catalog.value()) {
    if (model.id == wanted) return std::move(model);
  }
  const std::string suggestions = suggestionsFor(*catalog, wanted);
  std::string message = "Unknown model " + text::quote(id) + ".";
  if (!suggestions.empty()) message += " Did you mean: " + suggestions + "?";
  message += " The model catalog lists every id; or give the model's config.json instead.";
  return makeError(ErrorCode::kInvalidArgument, "model", std::move(message));
}

}  // namespace gpumem
