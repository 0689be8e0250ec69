// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// The one output shape: the CLI's --json, the page's "Copy JSON" and what the page draws.
#include <algorithm>
#include <array>
#include <cmath>
#include <nlohmann/json.hpp>
#include <string_view>
#include <utility>
#include <vector>

#include "answer_model.hpp"
#include "gpumem/answer.hpp"
#include "gpumem/format.hpp"
#include "gpumem/gpu_catalog.hpp"
#include "gpumem/model_catalog.hpp"
#include "gpumem/timeline.hpp"
#include "gpumem/units.hpp"
#include "gpumem/version.hpp"

namespace gpumem {
namespace {

using Json = nlohmann::json;  // one JSON type in the module: keys print sorted

/// Bytes as a whole number (the JSON of every surface rounds the same way); beyond what an
/// int64 holds, a rounded double.
Json bytes(double value) {
  const double rounded = std::round(value);
  if (std::fabs(rounded) < 9.0e18) return Json(static_cast<std::int64_t>(rounded));
  return Json(rounded);
}

Json optionalCount(std::int64_t value) { return value < 0 ? Json(nullptr) : Json(value); }
Json optionalBytes(double value) { return value < 0 ? Json(nullptr) : bytes(value); }

Json suggestionsJson(const std::vector<Suggestion>& suggestions) {
  Json out = Json::array();
  for (const Suggestion& s : suggestions) {
    out.push_back({{"label", s.label},
                   {"changes", s.changes},
                   {"totalBytes", bytes(s.totalBytes)},
                   {"savedBytes", bytes(s.savedBytes)},
                   {"fits", s.fits}});
  }
  return out;
}

Json appliesToJson(const FieldScope& scope) {
  Json tasks = Json::array();
  const std::pair<unsigned, const char*> taskNames[] = {{applies::kInference, "inference"},
                                                        {applies::kFull, "full"},
                                                        {applies::kLora, "lora"},
                                                        {applies::kQlora, "qlora"}};
  for (const auto& [bit, name] : taskNames) {
    if (scope.tasks & bit) tasks.push_back(name);
  }
  Json methods = Json::array();
  if (scope.methods & applies::kArchitecture) methods.push_back("architecture");
  if (scope.methods & applies::kParameterCount) methods.push_back("parameter-count");
  Json engines = Json::array();
  const std::pair<unsigned, const char*> engineNames[] = {{applies::kTransformers, "transformers"},
                                                          {applies::kVllm, "vllm"},
                                                          {applies::kLlamaCpp, "llama.cpp"},
                                                          {applies::kTensorRtLlm, "tensorrt-llm"},
                                                          {applies::kSglang, "sglang"},
                                                          {applies::kOllama, "ollama"},
                                                          {applies::kMlx, "mlx"}};
  for (const auto& [bit, name] : engineNames) {
    if (scope.engines & bit) engines.push_back(name);
  }
  Json out = {{"tasks", tasks}, {"methods", methods}, {"engines", engines}};
  switch (scope.condition) {
    case FieldCondition::kSharded:
      out["when"] = "sharding is not ddp";
      break;
    case FieldCondition::kTensorParallel:
      out["when"] = "tensorParallel > 1";
      break;
    case FieldCondition::kMixtureOfExperts:
      out["when"] = "the model is a mixture of experts";
      break;
    case FieldCondition::kNotTrainingArchitecture:
      out["when"] = "not training from an architecture";
      break;
    case FieldCondition::kNotParameterCountInference:
      out["when"] = "not inference by the parameter-count method";
      break;
    case FieldCondition::kHybridOrOffload:
      out["when"] = "hybrid sharding or offload";
      break;
    case FieldCondition::kVisionModel:
      out["when"] = "the model has a vision tower";
      break;
    case FieldCondition::kShardsParameters:
      out["when"] = "zero3 or fsdp shards the parameters";
      break;
    case FieldCondition::kDeepSpeedZero12:
      out["when"] = "deepspeed zero1 or zero2";
      break;
    case FieldCondition::kDeepSpeedZero:
      out["when"] = "deepspeed zero1, zero2 or zero3";
      break;
    case FieldCondition::kDeepSpeedZero3:
      out["when"] = "deepspeed zero3";
      break;
    case FieldCondition::kFsdpSharding:
      out["when"] = "fsdp or hsdp";
      break;
    case FieldCondition::kSlidingWindow:
      out["when"] = "the model has sliding-window layers";
      break;
    case FieldCondition::kZero3Offload:
      out["when"] = "deepspeed zero3 with offload";
      break;
    case FieldCondition::kMtpModel:
      out["when"] = "the model has multi-token-prediction layers";
      break;
    case FieldCondition::kSpeculativeTokens:
      out["when"] = "the model has multi-token-prediction layers or an EAGLE head drafts";
      break;
    case FieldCondition::kEagle3Head:
      out["when"] = "an EAGLE-3 head drafts";
      break;
    case FieldCondition::kNone:
      break;
  }
  return out;
}

Json numberOrNull(const FieldSpec& f, double value) {
  const bool numeric = f.type == FieldType::kInteger || f.type == FieldType::kDecimal;
  return numeric ? Json(value) : Json(nullptr);
}

Json choicesJson(const FieldSpec& f) {
  Json out = Json::array();
  if (f.name == "gpu") {
    for (const GpuSpec& g : gpuCatalog()) {
      std::string label = std::string(g.name) + " (" + std::string(g.marketing);
      if (g.budgetFraction < 1) label += "; GPU budget " + formatGiB(gpuBudgetBytes(g));
      out.push_back({{"id", g.id}, {"label", label + ")"}});
    }
  }
  for (const FieldChoice& c : f.choices) out.push_back({{"id", c.id}, {"label", c.label}});
  return out;
}

Json buffersJson(const LlamaBuffers& b) {
  return {{"model", bytes(b.model)}, {"kv", bytes(b.kv)}, {"compute", bytes(b.compute)}};
}

/// The categories of a timeline's events, in the order the chart stacks them (inference
/// uses weights, kv_cache, activations and logits; training all but kv_cache).
constexpr std::size_t kCategoryCount = 6;
constexpr std::array<std::string_view, kCategoryCount> kTimelineCategories = {
    "weights", "optimizer", "gradients", "kv_cache", "activations", "logits"};
using CategoryBytes = std::array<double, kCategoryCount>;

/// Which categories occur among `events`' allocations.
std::array<bool, kCategoryCount> presentCategories(const std::vector<TimelineEvent>& events) {
  std::array<bool, kCategoryCount> present{};
  for (const TimelineEvent& e : events) {
    for (std::size_t c = 0; c < kCategoryCount; ++c) {
      if (e.alloc && kTimelineCategories[c] == e.category) present[c] = true;
    }
  }
  return present;
}

/// The bytes live per category after each event (requests, before the allocator's rounding).
std::vector<CategoryBytes> liveByCategory(const std::vector<TimelineEvent>& events) {
  std::vector<CategoryBytes> out;
  std::vector<std::pair<std::size_t, double>> allocations;  // category, bytes by id
  CategoryBytes live{};
  for (const TimelineEvent& e : events) {
    if (e.alloc) {
      std::size_t c = 0;
      while (c + 1 < kTimelineCategories.size() && kTimelineCategories[c] != e.category) ++c;
      allocations.emplace_back(c, e.bytes);
      live[c] += e.bytes;
    } else if (e.id >= 0 && static_cast<std::size_t>(e.id) < allocations.size()) {
      const auto& [slot, size] = allocations[static_cast<std::size_t>(e.id)];
      live[slot] -= size;
    }
    out.push_back(live);
  }
  return out;
}

double sum(const CategoryBytes& values) {
  double total = 0;
  for (const double v : values) total += v;
  return total;
}

/// The points a chart draws: every event, or when there are more than `maxPoints` (> 0),
/// the event with the most bytes live of each run of consecutive events, so the peak stays.
std::vector<std::size_t> chartPoints(const std::vector<CategoryBytes>& live,
                                     std::size_t maxPoints) {
  std::vector<std::size_t> out;
  const std::size_t stride =
      maxPoints == 0 || live.size() <= maxPoints ? 1 : (live.size() + maxPoints - 1) / maxPoints;
  for (std::size_t start = 0; start < live.size(); start += stride) {
    std::size_t best = start;
    for (std::size_t i = start; i < std::min(live.size(), start + stride); ++i) {
      if (sum(live[i]) > sum(live[best])) best = i;
    }
    out.push_back(best);
  }
  return out;
}

/// A component's share of the total per GPU, in percent (what the bar's segment widths and the
/// table's "share" column draw); 0 when the total is 0.
double sharePercent(const Component& c, double totalBytes) {
  return totalBytes > 0 ? c.bytes / totalBytes * 100.0 : 0.0;
}

}  // namespace

std::string answerToJson(const Answer& a) {
  Json components = Json::array();
  for (const Component& c : a.perGpu.components) {
    Json terms = Json::array();
    for (const Term& t : c.terms) {
      Json factors = Json::array();
      for (const Factor& f : t.factors) factors.push_back({{"value", f.value}, {"unit", f.unit}});
      terms.push_back({{"label", t.label}, {"factors", std::move(factors)}});
    }
    components.push_back({{"name", c.name},
                          {"label", c.label},
                          {"bytes", bytes(c.bytes)},
                          {"sharePercent", sharePercent(c, a.perGpu.totalBytes)},
                          {"terms", std::move(terms)},
                          {"note", c.note},
                          {"formula", formulaText(c)}});
  }
  // What the engine preallocates for the KV cache at start-up (vLLM, SGLang, TensorRT-LLM,
  // llama.cpp and Ollama), per GPU; null for Transformers, training and parameter counts.
  const std::optional<KvPool>& pool = a.perGpu.kvPool;
  const std::optional<LayerPlacement>& layers = a.perGpu.layers;
  Json out = Json::object();
  out["version"] = version();
  out["method"] = a.method;
  out["model"] = {{"label", a.modelLabel},
                  {"id", a.modelId},
                  {"modelType", a.modelType},
                  {"parameters", a.parameters},
                  {"maxPositions", a.maxPositions},
                  {"mixtureOfExperts", a.mixtureOfExperts},
                  {"encoder", a.encoder},
                  {"vision", a.tokensPerImage > 0 ? Json{{"encoder", a.visionEncoder},
                                                         {"parameters", a.visionParameters},
                                                         {"tokensPerImage", a.tokensPerImage}}
                                                  : Json(nullptr)}};
  out["totalBytes"] = bytes(a.perGpu.totalBytes);
  out["totalGB"] = toGB(a.perGpu.totalBytes);
  out["totalGiB"] = toGiB(a.perGpu.totalBytes);
  out["perGpu"] = true;
  out["components"] = std::move(components);
  out["gpu"] = {{"id", a.gpuId}, {"name", a.gpuName}, {"memoryBytes", bytes(a.gpuMemoryBytes)}};
  out["capacityBytes"] = bytes(a.capacityBytes);
  out["capacityFormula"] = a.capacityFormula;
  out["gpuCount"] = a.gpuCount;
  out["gpusInUse"] = a.gpusInUse;
  out["gpusPerReplica"] = a.gpusPerReplica;
  out["replicas"] = a.replicas;
  out["layout"] = a.layout;
  out["fits"] = a.fits;
  out["headroomBytes"] = bytes(std::round(a.capacityBytes) - std::round(a.perGpu.totalBytes));
  out["gpusNeeded"] = optionalCount(a.gpusNeeded);
  out["maxContext"] = optionalCount(a.maxContext);
  out["maxBatch"] = optionalCount(a.maxBatch);
  out["jobBytes"] = a.jobBytes < 0 ? Json(nullptr) : Json(bytes(a.jobBytes));
  out["kvCacheBytes"] = pool ? bytes(pool->bytes) : Json(nullptr);
  out["kvCacheTokens"] = pool ? Json(static_cast<std::int64_t>(pool->tokens)) : Json(nullptr);
  out["maxConcurrency"] = pool ? Json(std::round(pool->maxConcurrency * 100) / 100) : Json(nullptr);
  out["kvCacheSummary"] = pool ? Json(pool->summary) : Json(nullptr);
  // llama.cpp: the layers on the GPU (the output layer counted), n_ctx, and the buffers
  // on one GPU and on the host, as its start-up log names them.
  out["gpuLayers"] = layers ? Json(layers->gpuLayers) : Json(nullptr);
  out["contextTokens"] = layers ? Json(layers->contextTokens) : Json(nullptr);
  out["buffers"] =
      layers ? Json{{"perGpu", buffersJson(layers->gpu)}, {"host", buffersJson(layers->host)}}
             : Json(nullptr);
  out["cpuBytes"] = bytes(a.cpuBytes);
  out["nvmeBytes"] = bytes(a.nvmeBytes);
  out["peakPhase"] = a.peakPhase;
  out["peakAllocatedBytes"] = optionalBytes(a.peakAllocatedBytes);
  out["peakReservedBytes"] = optionalBytes(a.peakReservedBytes);
  out["nvidiaSmiBytes"] = optionalBytes(a.nvidiaSmiBytes);
  out["minimumCapacityBytes"] = optionalBytes(a.minimumCapacityBytes);
  out["expandableNvidiaSmiBytes"] = optionalBytes(a.expandableNvidiaSmiBytes);
  out["expandableSavingBytes"] = optionalBytes(a.expandableSavingBytes);
  out["borderline"] = a.borderline;
  out["measuredErrorShare"] = a.measuredErrorShare > 0 ? Json(a.measuredErrorShare) : Json(nullptr);
  out["borderlineNote"] = a.borderlineNote;
  out["dataParallel"] = a.dataParallel;
  out["trainableParameters"] = a.trainableParameters;
  out["effective"] = a.effective;
  out["suggestions"] = suggestionsJson(a.suggestions);
  out["notes"] = a.notes;
  return out.dump(2);
}

namespace {

/// The timeline's JSON document: the replay's summary, the categories, the chart's points
/// (at most `maxPoints` when > 0, the peak kept) and, when `withEvents`, every event.
Json timelineJson(const std::vector<TimelineEvent>& events, const TimelineSummary& summary,
                  std::size_t maxPoints, bool withEvents) {
  const auto live = liveByCategory(events);
  const auto present = presentCategories(events);
  std::vector<const char*> names;  // the tensor of each allocation, by id
  Json list = Json::array();
  for (const TimelineEvent& e : events) {
    if (e.alloc) names.push_back(e.tensor);
    if (!withEvents) continue;
    list.push_back({{"action", e.alloc ? "alloc" : "free"},
                    {"bytes", bytes(e.bytes)},
                    {"id", e.id},
                    {"category", e.category},
                    {"phase", e.phase},
                    {"tensor", e.tensor},
                    {"layer", e.layer}});
  }
  Json points = Json::array();
  std::size_t peak = 0;
  for (std::size_t i = 0; i < live.size(); ++i) {
    if (sum(live[i]) > sum(live[peak])) peak = i;
  }
  std::int64_t peakPoint = -1;
  for (const std::size_t i : chartPoints(live, maxPoints)) {
    // A free is named after the tensor it returns.
    const TimelineEvent& e = events[i];
    const bool known = !e.alloc && e.id >= 0 && static_cast<std::size_t>(e.id) < names.size();
    const std::string tensor =
        known ? std::string("free ") + names[static_cast<std::size_t>(e.id)] : e.tensor;
    Json bytesBy = Json::object();
    for (std::size_t c = 0; c < kCategoryCount; ++c) {
      if (present[c]) bytesBy[std::string(kTimelineCategories[c])] = bytes(live[i][c]);
    }
    if (i == peak) peakPoint = static_cast<std::int64_t>(points.size());
    points.push_back({{"event", i},
                      {"phase", e.phase},
                      {"tensor", tensor},
                      {"layer", e.layer},
                      {"liveBytes", bytes(sum(live[i]))},
                      {"byCategory", std::move(bytesBy)}});
  }
  Json categories = Json::array();
  for (std::size_t c = 0; c < kCategoryCount; ++c) {
    if (present[c]) categories.push_back(std::string(kTimelineCategories[c]));
  }
  Json out = {{"peakAllocatedBytes", bytes(summary.peakAllocatedBytes)},
              {"peakReservedBytes", bytes(summary.peakReservedBytes)},
              {"minimumCapacityBytes", bytes(summary.minimumCapacityBytes)},
              {"peakTensor", summary.peakTensor},
              {"peakPhase", summary.peakPhase},
              {"categories", std::move(categories)},
              {"points", std::move(points)},
              {"peakPoint", peakPoint}};
  if (withEvents) out["events"] = std::move(list);
  return out;
}

}  // namespace

std::string timelineToJson(const std::vector<TimelineEvent>& events,
                           const TimelineSummary& summary) {
  return timelineJson(events, summary, 0, true).dump(2);
}

std::string timelineChartJson(const std::vector<TimelineEvent>& events,
                              const TimelineSummary& summary, std::size_t maxPoints) {
  return timelineJson(events, summary, maxPoints, false).dump();
}

std::string timelineToCsv(const std::vector<TimelineEvent>& events) {
  const auto live = liveByCategory(events);
  std::vector<double> sizes;  // the bytes of each allocation, by id
  std::string out = "index,action,bytes,category,phase,tensor,layer,live_bytes\n";
  for (std::size_t i = 0; i < events.size(); ++i) {
    const TimelineEvent& e = events[i];
    if (e.alloc) sizes.push_back(e.bytes);
    const bool known = !e.alloc && e.id >= 0 && static_cast<std::size_t>(e.id) < sizes.size();
    const double eventBytes = known ? sizes[static_cast<std::size_t>(e.id)] : e.bytes;
    out += std::to_string(i) + (e.alloc ? ",alloc," : ",free,") +
           std::to_string(std::llround(eventBytes)) + "," + e.category + "," + e.phase + "," +
           e.tensor + "," + std::to_string(e.layer) + "," +
           std::to_string(std::llround(sum(live[i]))) + "\n";
  }
  return out;
}

std::string errorToJson(const Error& error) {
  return Json{
      {"error",
       {{"code", errorCodeName(error.code)}, {"field", error.field}, {"message", error.message}}}}
      .dump(2);
}

std::string schemaToJson() {
  Json fields = Json::array();
  for (const FieldSpec& f : scenarioSchema()) {
    fields.push_back({{"name", f.name},
                      {"type", fieldTypeName(f.type)},
                      {"default", f.defaultValue},
                      {"min", numberOrNull(f, f.min)},
                      {"max", numberOrNull(f, f.max)},
                      {"unit", f.unit},
                      {"appliesTo", appliesToJson(f.scope)},
                      {"link", f.link},
                      {"flag", f.flag.empty() ? Json(nullptr) : Json("--" + std::string(f.flag))},
                      {"help", f.help},
                      {"choices", choicesJson(f)}});
  }
  return Json{{"version", version()}, {"fields", fields}}.dump(2);
}

std::string sweepToJson(const std::vector<SweepPoint>& points) {
  Json out = Json::array();
  for (const SweepPoint& p : points)
    out.push_back({{"x", p.x}, {"bytes", bytes(p.bytes)}, {"fits", p.fits}});
  return out.dump();
}

std::string gpuTableToJson(const std::vector<GpuFit>& rows) {
  Json out = Json::array();
  for (const GpuFit& r : rows) {
    out.push_back({{"gpuId", r.gpuId},
                   {"gpuName", r.gpuName},
                   {"memoryBytes", bytes(r.memoryBytes)},
                   {"gpusNeeded", r.gpusNeeded},
                   {"perGpuBytes", bytes(r.perGpuBytes)},
                   {"headroomBytes", bytes(r.headroomBytes)}});
  }
  return out.dump();
}

std::string disabledFieldsJson(const Scenario& s) {
  const auto model = resolveModel(s);
  const bool moe = model && model->architecture && model->arch.isMoe();
  const bool vision = model && model->architecture && model->arch.vision.present();
  const bool encoder = model && model->architecture && model->arch.encoder.present;
  const bool sliding = model && model->architecture && model->arch.slidingLayerCount() > 0;
  const bool mtp = model && model->architecture && model->arch.mtpLayers > 0;
  Json out = Json::object();
  for (const FieldSpec& f : scenarioSchema()) {
    const std::string why = inapplicableReason(f, s, moe, vision, encoder, sliding, mtp);
    if (!why.empty()) out[std::string(f.name)] = why;
    for (const FieldChoice& c : f.choices) {
      const std::string choiceWhy = inapplicableChoiceReason(f, c.id, s);
      if (!choiceWhy.empty()) out[std::string(f.name) + "=" + std::string(c.id)] = choiceWhy;
    }
  }
  return out.dump();
}

Result<Scenario> scenarioFromJson(std::string_view json, Strictness strictness) {
  const auto doc = nlohmann::json::parse(json, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return makeError(ErrorCode::kParseError, "", "A scenario is a JSON object of field values.");
  }
  std::map<std::string, std::string, std::less<>> values;
  for (const auto& [name, value] : doc.items()) {
    if (value.is_string()) {
      values.emplace(name, value.get<std::string>());
    } else if (value.is_boolean()) {
      values.emplace(name, value.get<bool>() ? "true" : "false");
    } else if (value.is_number()) {
      values.emplace(name, formatNumber(value.get<double>(), 6));
    } else if (!value.is_null()) {
      return makeError(ErrorCode::kInvalidArgument, name,
                       name + " must be text, a number or true/false.");
    }
  }
  return parseScenario(values, strictness);
}

std::string modelsToJson() {
  Json out = Json::array();
  const auto catalog = modelCatalog();
  if (!catalog) return out.dump();
  for (const CatalogModel& m : *catalog) {
    out.push_back({{"id", m.id},
                   {"name", m.name},
                   {"family", m.family},
                   {"hfRepo", m.hfRepo},
                   {"parameters", m.officialParams},
                   {"source", m.officialParamsSource}});
  }
  return out.dump(2);
}

}  // namespace gpumem
