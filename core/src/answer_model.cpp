// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
#include "answer_model.hpp"

#include "gpumem/format.hpp"
#include "gpumem/model_catalog.hpp"
#include "gpumem/model_config.hpp"
#include "gpumem/model_parameters.hpp"
#include "gpumem/parameter_count.hpp"

namespace gpumem {
namespace {

Result<ResolvedModel> fromConfig(std::string_view text, const char* field, std::string label) {
  auto arch = parseModelConfig(text);
  if (!arch) {
    Error error = arch.error();
    if (error.field.empty() || error.field == "config") error.field = field;
    return error;
  }
  ResolvedModel m;
  m.architecture = true;
  m.arch = std::move(arch).value();
  m.parameters = countModelParameters(m.arch).total;
  m.label = std::move(label);
  return m;
}

Result<ResolvedModel> fromFile(const Scenario& s) {
  const auto file = modelFileFromJson(s.text("file"));
  if (!file) return file.error();
  ResolvedModel m;
  if (!file->configJson.empty() || !s.text("config").empty()) {
    const bool own = !file->configJson.empty();
    auto parsed =
        fromConfig(own ? file->configJson : s.text("config"), own ? "file" : "config", file->label);
    if (!parsed) return parsed.error();
    m = std::move(parsed).value();
  } else if (file->parameters <= 0) {
    return makeError(ErrorCode::kInvalidArgument, "file",
                     file->label +
                         " gives the weights' bytes but not how many there are; add "
                         "the model's config.json.");
  } else {
    m.note = file->label +
             " has no architecture gpumem reads; sized by the parameter-count "
             "method with its exact tensor bytes (add its config.json for the "
             "KV cache and activations)";
  }
  m.file = *file;
  if (file->parameters > 0) m.parameters = file->parameters;  // an index keeps the config's
  m.label = file->label;
  return m;
}

}  // namespace

Result<ResolvedModel> resolveModel(const Scenario& s) {
  if (!s.text("file").empty()) return fromFile(s);
  if (!s.text("config").empty()) return fromConfig(s.text("config"), "config", "config.json");
  const bool useCatalog = s.given("model") ? !s.text("model").empty() : s.text("params").empty();
  if (useCatalog) {
    const auto model = findCatalogModel(s.text("model"));
    if (!model) return model.error();
    auto m = fromConfig(model->configJson, "model", model->name);
    if (!m) return m.error();
    m.value().catalogId = model->id;
    return m;
  }
  if (s.text("params").empty()) {
    return makeError(ErrorCode::kInvalidArgument, "model",
                     "Choose a model, paste a config.json, open a model file or give a "
                     "parameter count such as 70B.");
  }
  const auto count = parseParameterCount(s.text("params"));
  if (!count) return count.error();
  ResolvedModel m;
  m.parameters = *count;
  m.label = formatCount(*count) + " parameters";
  return m;
}

}  // namespace gpumem
