// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
#include "gpumem/model_catalog.hpp"

#include <algorithm>
#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "text.hpp"

namespace gpumem {
namespace {

using Json = nlohmann::json;

// The catalog is one string literal past the 65,536 characters the standard asks compilers
// to support; GCC and Clang hold far longer ones.
#if defined(__clang__)
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Woverlength-strings"
#endif
constexpr std::string_view kCatalogJson =
#ifdef GPUMEM_CATALOG_FILE
#include GPUMEM_CATALOG_FILE  // the browser build's copy, without the provenance fields
#else
#include "model_catalog_data.inc"
#endif
    ;
#if defined(__clang__)
#pragma clang diagnostic pop
#endif

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
  };
  for (const auto& [key, out] : strings) {
    if (!readString(entry, key, *out)) return catalogError(index, std::string("lacks ") + key);
  }
  // Provenance: in the full catalog, left out of the browser's copy.
  readString(entry, "officialParamsSource", model.officialParamsSource);
  readString(entry, "configSource", model.configSource);
  readString(entry, "notes", model.notes);
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

namespace {

/// Lower case, with spaces and underscores as dashes.
std::string normalized(std::string_view text) {
  std::string out = text::lower(text::trim(text));
  for (char& c : out) {
    if (c == ' ' || c == '_') c = '-';
  }
  return out;
}

/// A Hub id or name without its organisation and its variant suffix: the base model.
std::string baseName(std::string_view text) {
  std::string out = normalized(text);
  if (const auto slash = out.rfind('/'); slash != std::string::npos) out = out.substr(slash + 1);
  for (const std::string_view suffix : {"-instruct", "-it", "-chat", "-base", "-hf"}) {
    if (out.size() > suffix.size() && out.ends_with(suffix)) out.resize(out.size() - suffix.size());
  }
  return out;
}

/// The words of a text: split at spaces, dashes, slashes and underscores.
std::vector<std::string> words(std::string_view text) {
  std::vector<std::string> out;
  std::string word;
  for (const char c : text::lower(text)) {
    if (c == ' ' || c == '-' || c == '/' || c == '_' || c == ',') {
      if (!word.empty()) out.push_back(word);
      word.clear();
    } else {
      word += c;
    }
  }
  if (!word.empty()) out.push_back(word);
  return out;
}

bool matchesWords(const CatalogModel& m, const std::vector<std::string>& wanted) {
  const std::vector<std::string> have =
      words(m.id + " " + m.name + " " + m.family + " " + m.hfRepo);
  // Each word typed is a word of the model's, or the start of one ("70" for "70b").
  for (const std::string& w : wanted) {
    const bool found = std::any_of(have.begin(), have.end(),
                                   [&](const std::string& h) { return h.starts_with(w); });
    if (!found) return false;
  }
  return true;
}

/// The entry whose id is exactly `id`, read from its own line of the catalog (one entry per
/// line) without parsing the others: the estimate looks its model up on every call.
std::optional<CatalogModel> entryById(const std::string& id) {
  const std::string key = "\n{\"id\":\"" + id + "\",";
  const std::size_t start = kCatalogJson.find(key);
  if (start == std::string_view::npos) return std::nullopt;
  std::string_view line = kCatalogJson.substr(start + 1);
  line = line.substr(0, line.find('\n'));
  while (!line.empty() && (line.back() == ',' || line.back() == '\r')) line.remove_suffix(1);
  const Json entry = Json::parse(line, nullptr, false);
  if (entry.is_discarded()) return std::nullopt;
  auto model = parseEntry(entry, 0);
  if (!model) return std::nullopt;
  return std::move(model).value();
}

}  // namespace

Result<CatalogModel> findCatalogModel(std::string_view id) {
  if (auto exact = entryById(text::lower(text::trim(id)))) return std::move(*exact);
  Result<std::vector<CatalogModel>> catalog = modelCatalog();
  if (!catalog) return catalog.error();
  const std::string wanted = text::lower(text::trim(id));
  if (wanted.empty()) {
    return makeError(ErrorCode::kInvalidArgument, "model",
                     "Give a model id from the catalog, e.g. \"llama-3.1-8b\".");
  }
  const std::string base = baseName(wanted);
  for (CatalogModel& model : catalog.value()) {
    if (model.id == wanted || normalized(model.name) == normalized(wanted)) return std::move(model);
  }
  for (CatalogModel& model : catalog.value()) {
    const bool sameRepo = !model.hfRepo.empty() && baseName(model.hfRepo) == base;
    if (sameRepo || baseName(model.id) == base || baseName(model.name) == base) {
      return std::move(model);
    }
  }
  std::vector<const CatalogModel*> matches;
  const std::vector<std::string> wantedWords = words(base);
  for (const CatalogModel& model : *catalog) {
    if (!wantedWords.empty() && matchesWords(model, wantedWords)) matches.push_back(&model);
  }
  if (matches.size() == 1) return *matches.front();
  std::string message;
  if (matches.size() > 1) {
    message = "Several models match " + text::quote(id) + ": ";
    for (std::size_t i = 0; i < matches.size() && i < kMaxSuggestions * 2; ++i) {
      message += (i == 0 ? "" : ", ") + matches[i]->id;
    }
    message += matches.size() > kMaxSuggestions * 2 ? ", …; say which." : "; say which.";
    return makeError(ErrorCode::kInvalidArgument, "model", std::move(message));
  }
  const std::string suggestions = suggestionsFor(*catalog, wanted);
  message = "Unknown model " + text::quote(id) + ".";
  if (!suggestions.empty()) message += " Did you mean: " + suggestions + "?";
  message += " The model catalog lists every id; or give the model's config.json instead.";
  return makeError(ErrorCode::kInvalidArgument, "model", std::move(message));
}

}  // namespace gpumem
