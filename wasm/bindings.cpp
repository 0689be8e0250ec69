// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// The only file that knows about the browser. Every function takes and returns text: a
// scenario is a JSON object of field values (the schema's names), and every answer is the
// JSON the CLI prints with --json — so the page's "Copy JSON" is the CLI's output. Errors
// come back as {"error": {"code", "field", "message"}}.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "gpumem/answer.hpp"
#include "gpumem/model_catalog.hpp"
#include "gpumem/model_file.hpp"
#include "gpumem/scenario.hpp"
#include "gpumem/scenario_link.hpp"
#include "gpumem/timeline.hpp"
#include "gpumem/version.hpp"

namespace {

using namespace gpumem;

/// The page sends every input it shows; those that do not apply are ignored, not errors.
Result<Scenario> pageScenario(const std::string& valuesJson) {
  return scenarioFromJson(valuesJson, Strictness::kLenient);
}

/// evaluate(valuesJson, deep) → the answer JSON; deep adds the fewest GPUs and the limits.
std::string evaluateJs(std::string valuesJson, bool deep) {
  const auto scenario = pageScenario(valuesJson);
  if (!scenario) return errorToJson(scenario.error());
  const auto answer = evaluate(*scenario, AnswerDepth{deep, deep});
  return answer ? answerToJson(*answer) : errorToJson(answer.error());
}

/// sweep(valuesJson, field, pointsJson) → [{x, bytes, fits}] for contextLength or batch.
std::string sweepJs(std::string valuesJson, std::string field, std::string pointsJson) {
  const auto scenario = pageScenario(valuesJson);
  if (!scenario) return errorToJson(scenario.error());
  // As a string_view, the input type of the core's parses: one parser in the module, not two.
  const auto doc = nlohmann::json::parse(std::string_view(pointsJson), nullptr, false);
  std::vector<std::int64_t> points;
  if (doc.is_array()) {
    for (const auto& x : doc) {
      if (x.is_number_integer()) points.push_back(x.get<std::int64_t>());
    }
  }
  const auto series = sweep(*scenario, field, points);
  return series ? sweepToJson(*series) : errorToJson(series.error());
}

/// gpuTable(valuesJson) → every catalog GPU with the fewest that run the scenario.
std::string gpuTableJs(std::string valuesJson) {
  const auto scenario = pageScenario(valuesJson);
  if (!scenario) return errorToJson(scenario.error());
  const auto rows = gpuTable(*scenario);
  return rows ? gpuTableToJson(*rows) : errorToJson(rows.error());
}

/// stackTable(valuesJson) → the training scenario under each fine-tuning stack, or an error
/// naming the field (inference, or the parameter-count method).
std::string stackTableJs(std::string valuesJson) {
  const auto scenario = pageScenario(valuesJson);
  if (!scenario) return errorToJson(scenario.error());
  const auto rows = stackTable(*scenario);
  return rows ? stackTableToJson(*rows) : errorToJson(rows.error());
}

/// timeline(valuesJson) → what the chart draws: the allocation timeline `gpumem timeline
/// --json` prints, without its events, its points coarsened to at most kTimelinePoints; an
/// error (naming the field) for runs not modelled as a timeline.
constexpr std::size_t kTimelinePoints = 400;
std::string timelineJs(std::string valuesJson) {
  const auto scenario = pageScenario(valuesJson);
  if (!scenario) return errorToJson(scenario.error());
  const auto events = scenarioTimeline(*scenario);
  if (!events) return errorToJson(events.error());
  return timelineChartJson(*events, summarizeTimeline(*events), kTimelinePoints);
}

/// disabledFields(valuesJson) → {field: reason} for the inputs that do not apply.
std::string disabledFieldsJs(std::string valuesJson) {
  const auto scenario = pageScenario(valuesJson);
  return scenario ? disabledFieldsJson(*scenario) : std::string("{}");
}

/// decodeLink(fragment) → {"values": {field: value}, "compare": [fragment], "embed", "ignored"}.
std::string decodeLinkJs(std::string fragment) {
  const auto link = decodeScenarioLink(fragment);
  if (!link) return errorToJson(link.error());
  return nlohmann::json{{"values", link->values},
                        {"compare", link->compare},
                        {"embed", link->embed},
                        {"ignored", link->ignored}}
      .dump();
}

/// encodeLink(valuesJson, compareJson) → "v=1&…" (compareJson: an array of fragments).
std::string encodeLinkJs(std::string valuesJson, std::string compareJson) {
  const auto scenario = pageScenario(valuesJson);
  if (!scenario) return errorToJson(scenario.error());
  const auto doc = nlohmann::json::parse(std::string_view(compareJson), nullptr, false);
  std::vector<std::string> compare;
  if (doc.is_array()) {
    for (const auto& piece : doc) {
      if (piece.is_string()) compare.push_back(piece.get<std::string>());
    }
  }
  return encodeScenarioLink(*scenario, compare);
}

/// readModelFile(name, Uint8Array prefix, fileSize) → the "file" field's JSON, or an error
/// whose code is "need_more_data" when the header runs past the prefix (read more).
std::string readModelFileJs(std::string name, emscripten::val prefix, double fileSize) {
  const auto bytes = emscripten::convertJSArrayToNumberVector<std::uint8_t>(prefix);
  const auto file = readModelFile(name, bytes, static_cast<std::uint64_t>(fileSize));
  return file ? modelFileToJson(*file) : errorToJson(file.error());
}

/// findModel(text) → {"id", "name"} of the catalog model a person typed, or an error.
std::string findModelJs(std::string text) {
  const auto model = findCatalogModel(text);
  if (!model) return errorToJson(model.error());
  return nlohmann::json{{"id", model->id}, {"name", model->name}}.dump();
}

std::string schemaJs() { return schemaToJson(); }
std::string modelsJs() { return modelsToJson(); }
std::string versionJs() { return std::string(version()); }

}  // namespace

EMSCRIPTEN_BINDINGS(gpumem) {
  emscripten::function("schema", &schemaJs);
  emscripten::function("evaluate", &evaluateJs);
  emscripten::function("sweep", &sweepJs);
  emscripten::function("gpuTable", &gpuTableJs);
  emscripten::function("stackTable", &stackTableJs);
  emscripten::function("timeline", &timelineJs);
  emscripten::function("disabledFields", &disabledFieldsJs);
  emscripten::function("decodeLink", &decodeLinkJs);
  emscripten::function("encodeLink", &encodeLinkJs);
  emscripten::function("readModelFile", &readModelFileJs);
  emscripten::function("findModel", &findModelJs);
  emscripten::function("models", &modelsJs);
  emscripten::function("version", &versionJs);
}
