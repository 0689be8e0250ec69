// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// The only file that knows about the browser: adapts the pure core to plain JS objects.
// Every function takes a plain options object and returns a plain object; nothing
// returned needs .delete(). Errors come back as {ok: false, error: {code, field, message}}.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "gpumem/fit.hpp"
#include "gpumem/format.hpp"
#include "gpumem/gguf_header.hpp"
#include "gpumem/gpu_catalog.hpp"
#include "gpumem/inference.hpp"
#include "gpumem/inference_limits.hpp"
#include "gpumem/kv_cache.hpp"
#include "gpumem/model_catalog.hpp"
#include "gpumem/model_config.hpp"
#include "gpumem/model_parameters.hpp"
#include "gpumem/parameter_count.hpp"
#include "gpumem/precision.hpp"
#include "gpumem/safetensors_header.hpp"
#include "gpumem/scenario_link.hpp"
#include "gpumem/simple_method.hpp"
#include "gpumem/training.hpp"
#include "gpumem/training_limits.hpp"
#include "gpumem/weight_format.hpp"

namespace {

using emscripten::val;
using namespace gpumem;

/// A string field of a JS object, or `fallback` when absent/undefined/null.
std::string stringField(const val& object, const char* name, const std::string& fallback) {
  if (!object.hasOwnProperty(name)) return fallback;
  const val v = object[name];
  if (v.isUndefined() || v.isNull()) return fallback;
  if (v.isString()) return v.as<std::string>();
  if (v.isNumber()) {
    const double d = v.as<double>();
    return std::isfinite(d) ? formatNumber(d, 6) : std::string("NaN");
  }
  return "";
}

/// A numeric field of a JS object (numbers or numeric strings), or NaN when unreadable.
double numberField(const val& object, const char* name, double fallback) {
  if (!object.hasOwnProperty(name)) return fallback;
  const val v = object[name];
  if (v.isUndefined() || v.isNull()) return fallback;
  if (v.isNumber()) return v.as<double>();
  if (v.isString()) {
    const std::string s = v.as<std::string>();
    char* end = nullptr;
    const double d = std::strtod(s.c_str(), &end);
    return (end && *end == '\0' && !s.empty()) ? d : NAN;
  }
  return NAN;
}

val errorValue(const Error& error) {
  val e = val::object();
  e.set("code", std::string(errorCodeName(error.code)));
  e.set("field", error.field);
  e.set("message", error.message);
  val out = val::object();
  out.set("ok", false);
  out.set("error", e);
  return out;
}

val numberError(const char* field, const char* message) {
  return errorValue(makeError(ErrorCode::kInvalidArgument, field, message));
}

val componentsValue(const Breakdown& breakdown) {
  val list = val::array();
  for (const Component& c : breakdown.components) {
    val item = val::object();
    item.set("name", c.name);
    item.set("label", c.label);
    item.set("bytes", c.bytes);
    item.set("formula", c.formula);
    list.call<void>("push", item);
  }
  return list;
}

val fitValue(const FitVerdict& fit, const GpuSpec& gpu) {
  val f = val::object();
  f.set("gpuId", std::string(gpu.id));
  f.set("gpuName", std::string(gpu.name));
  f.set("memoryBytes", static_cast<double>(gpu.memoryBytes));
  f.set("gpuCount", static_cast<double>(fit.gpuCount));
  f.set("gpusNeeded", static_cast<double>(fit.gpusNeeded));
  f.set("fits", fit.fits);
  f.set("capacityBytes", fit.capacityBytes);
  f.set("headroomBytes", fit.headroomBytes);
  return f;
}

/// estimateSimple({params, precision, overheadPercent, mode, optimizer, batch,
///                 activationMBPerSample, gpu, gpuCount}) →
/// {ok, totalBytes, components: [{name, label, bytes, formula}], fit: {...} | null}
val estimateSimpleJs(val options) {
  SimpleInput in;
  const auto params = parseParameterCount(stringField(options, "params", ""));
  if (!params) return errorValue(params.error());
  in.parameters = *params;
  const auto precision = parsePrecision(stringField(options, "precision", "bf16"));
  if (!precision) return errorValue(precision.error());
  in.precision = *precision;
  const auto task = parseTask(stringField(options, "mode", "inference"));
  if (!task) return errorValue(task.error());
  in.task = *task;
  const auto optimizer = parseSimpleOptimizer(stringField(options, "optimizer", "adamw"));
  if (!optimizer) return errorValue(optimizer.error());
  in.optimizer = *optimizer;
  const double overheadPercent = numberField(options, "overheadPercent", 20);
  if (std::isnan(overheadPercent)) return numberError("overhead", "The overhead must be a number.");
  in.overheadFraction = overheadPercent / 100.0;
  in.batchSize = numberField(options, "batch", 1);
  if (std::isnan(in.batchSize)) return numberError("batch", "The batch size must be a number.");
  const double perSampleMB = numberField(options, "activationMBPerSample", 50);
  if (std::isnan(perSampleMB)) {
    return numberError("activationPerSample", "Activation memory per sample must be a number.");
  }
  in.activationBytesPerSample = perSampleMB * 1e6;
  const auto breakdown = estimateSimple(in);
  if (!breakdown) return errorValue(breakdown.error());

  val out = val::object();
  out.set("ok", true);
  out.set("totalBytes", breakdown->totalBytes);
  out.set("components", componentsValue(*breakdown));
  out.set("fit", val::null());
  const std::string gpuId = stringField(options, "gpu", "");
  if (!gpuId.empty()) {
    const auto gpu = findGpu(gpuId);
    if (!gpu) return errorValue(gpu.error());
    const double count = numberField(options, "gpuCount", 1);
    if (!(count >= 1 && count <= 100000) || count != std::floor(count)) {
      return numberError("gpuCount", "The GPU count must be a whole number from 1 to 100,000.");
    }
    out.set(
        "fit",
        fitValue(assessFit(breakdown->totalBytes, *gpu, static_cast<std::uint64_t>(count)), *gpu));
  }
  return out;
}

/// gpus() → [{id, name, vendor, memoryBytes, marketing, source}]
val gpusJs() {
  val list = val::array();
  for (const GpuSpec& g : gpuCatalog()) {
    val item = val::object();
    item.set("id", std::string(g.id));
    item.set("name", std::string(g.name));
    item.set("vendor", std::string(g.vendor));
    item.set("memoryBytes", static_cast<double>(g.memoryBytes));
    item.set("marketing", std::string(g.marketing));
    item.set("source", std::string(g.source));
    list.call<void>("push", item);
  }
  return list;
}

/// precisions() → [{id, label, bits}]
val precisionsJs() {
  val list = val::array();
  for (const Precision& p : namedPrecisions()) {
    val item = val::object();
    item.set("id", p.id);
    item.set("label", p.label);
    item.set("bits", p.bits);
    list.call<void>("push", item);
  }
  return list;
}

std::string versionJs() { return "0.1.0"; }

/// A tensor inventory as {ok, format, totalElements, totalBytes, headerBytes,
/// metadata: {key: value}, tensors: [{name, dtype, shape, bytes}]}.
val inventoryValue(const TensorInventory& inventory) {
  val out = val::object();
  out.set("ok", true);
  out.set("format", inventory.format);
  out.set("totalElements", inventory.totalElements);
  out.set("totalBytes", inventory.totalBytes);
  out.set("headerBytes", static_cast<double>(inventory.headerBytes));
  val metadata = val::object();
  for (const auto& [key, value] : inventory.metadata) metadata.set(key, value);
  out.set("metadata", metadata);
  val tensors = val::array();
  for (const TensorInfo& t : inventory.tensors) {
    val item = val::object();
    item.set("name", t.name);
    item.set("dtype", t.dtype);
    val shape = val::array();
    for (std::uint64_t d : t.shape) shape.call<void>("push", static_cast<double>(d));
    item.set("shape", shape);
    item.set("bytes", t.bytes);
    tensors.call<void>("push", item);
  }
  out.set("tensors", tensors);
  return out;
}

std::vector<std::uint8_t> bytesOf(const val& uint8Array) {
  return emscripten::convertJSArrayToNumberVector<std::uint8_t>(uint8Array);
}

/// readGgufHeader(Uint8Array prefix, fileSize) → inventory, or an error whose code is
/// "need_more_data" when the header runs past the prefix (read a longer slice).
val readGgufHeaderJs(val prefix, double fileSize) {
  const auto bytes = bytesOf(prefix);
  const auto inventory = readGgufHeader(bytes, static_cast<std::uint64_t>(fileSize));
  return inventory ? inventoryValue(*inventory) : errorValue(inventory.error());
}

/// safetensorsHeaderSpan(Uint8Array first8, fileSize) → {ok, bytes}: how much to read.
val safetensorsHeaderSpanJs(val first8, double fileSize) {
  const auto bytes = bytesOf(first8);
  const auto span = safetensorsHeaderSpan(bytes, static_cast<std::uint64_t>(fileSize));
  if (!span) return errorValue(span.error());
  val out = val::object();
  out.set("ok", true);
  out.set("bytes", static_cast<double>(*span));
  return out;
}

/// readSafetensorsHeader(Uint8Array prefix, fileSize) → inventory or error.
val readSafetensorsHeaderJs(val prefix, double fileSize) {
  const auto bytes = bytesOf(prefix);
  const auto inventory = readSafetensorsHeader(bytes, static_cast<std::uint64_t>(fileSize));
  return inventory ? inventoryValue(*inventory) : errorValue(inventory.error());
}

/// readSafetensorsIndex(text) → inventory (totalBytes from metadata.total_size) or error.
val readSafetensorsIndexJs(std::string text) {
  const auto inventory = readSafetensorsIndex(text);
  return inventory ? inventoryValue(*inventory) : errorValue(inventory.error());
}

}  // namespace

/// decodeLink(location.hash) → {ok, values: {key: value}, ignored: [keys]} with every
/// value validated, or {ok: false, error: {field, message}} naming the page field.
val decodeLinkJs(std::string fragment) {
  const auto link = decodeScenarioLink(fragment);
  if (!link) return errorValue(link.error());
  val values = val::object();
  for (const auto& [key, value] : link->values) values.set(key, value);
  val ignored = val::array();
  for (const std::string& key : link->ignored) ignored.call<void>("push", key);
  val out = val::object();
  out.set("ok", true);
  out.set("values", values);
  out.set("ignored", ignored);
  return out;
}

/// encodeLink({key: value, ...}) → "k=v&k=v" (percent-escaped, schema order).
std::string encodeLinkJs(val values) {
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const LinkField& field : scenarioLinkSchema()) {
    const std::string key(field.key);
    const std::string value = stringField(values, key.c_str(), "");
    if (!value.empty()) pairs.emplace_back(key, value);
  }
  return encodeScenarioLink(pairs);
}

/// The config.json text of `options.configJson`, else of catalog model `options.modelId`.
Result<std::string> configTextFrom(const val& options) {
  const std::string text = stringField(options, "configJson", "");
  if (!text.empty()) return text;
  const std::string id = stringField(options, "modelId", "");
  if (id.empty()) {
    return makeError(ErrorCode::kInvalidArgument, "config",
                     "Choose a model or paste its config.json.");
  }
  const auto model = findCatalogModel(id);
  if (!model) return model.error();
  return model->configJson;
}

/// A whole-number field; NaN when not a whole number.
double wholeField(const val& options, const char* name, double fallback) {
  const double value = numberField(options, name, fallback);
  return value == std::floor(value) ? value : NAN;
}

/// The architecture and inference options a page scenario describes.
/// The chosen GPU and count, or an error value; gpu is empty when none was chosen.
struct GpuChoice {
  std::optional<GpuSpec> gpu;
  std::uint64_t count = 1;
};

std::optional<val> readGpuChoice(const val& options, GpuChoice& choice) {
  const std::string gpuId = stringField(options, "gpu", "");
  const double count = numberField(options, "gpuCount", 1);
  if (!(count >= 1 && count <= 100000) || count != std::floor(count)) {
    return numberError("gpuCount", "The GPU count must be a whole number from 1 to 100,000.");
  }
  choice.count = static_cast<std::uint64_t>(count);
  if (gpuId.empty()) return std::nullopt;
  const auto gpu = findGpu(gpuId);
  if (!gpu) return errorValue(gpu.error());
  choice.gpu = *gpu;
  return std::nullopt;
}

struct InferenceRequest {
  ModelArchitecture arch;
  InferenceOptions options;
  GpuChoice gpu;
};

/// Reads the weight dtype or format and the KV-cache dtype of an inference scenario.
std::optional<val> readInferenceDtypes(const val& options, InferenceOptions& in) {
  const auto weights = parsePrecision(stringField(options, "dtype", "bf16"));
  if (!weights) return errorValue(weights.error());
  in.weightBytesPerParameter = weights->bytes();
  in.activationBytesPerValue = weights->bytes() >= 2 ? weights->bytes() : 2;
  in.kvBytesPerValue = in.activationBytesPerValue;
  const std::string formatName = stringField(options, "format", "");
  if (!formatName.empty()) {
    const auto format = parseWeightFormat(formatName);
    if (!format) return errorValue(format.error());
    in.weightFormat = format->id;
    in.activationBytesPerValue = in.kvBytesPerValue = format->computeBytes;
  }
  const std::string kvDtype = stringField(options, "kvDtype", "");
  if (!kvDtype.empty()) {
    const auto kv = parseKvCacheBytesPerValue(kvDtype);
    if (!kv) return errorValue(kv.error());
    in.kvBytesPerValue = *kv;
  }
  return std::nullopt;
}

/// Reads batch, prompt and generated tokens, each a whole number within the core's limits.
std::optional<val> readInferenceWorkload(const val& options, InferenceOptions& in) {
  const double batch = wholeField(options, "batch", 1);
  const double prompt = wholeField(options, "prompt", 512);
  const double generate = wholeField(options, "generate", 16);
  if (!(batch >= 1 && batch <= static_cast<double>(kMaxBatch))) {
    return numberError("batch", "The batch must be a whole number from 1 to 1,048,576.");
  }
  if (!(prompt >= 1 && prompt <= static_cast<double>(kMaxTokens))) {
    return numberError("context", "The context length must be a whole number of tokens.");
  }
  if (!(generate >= 0 && generate <= static_cast<double>(kMaxTokens))) {
    return numberError("generate", "Generated tokens must be a whole number.");
  }
  in.batch = static_cast<std::int64_t>(batch);
  in.promptTokens = static_cast<std::int64_t>(prompt);
  in.generatedTokens = static_cast<std::int64_t>(generate);
  return std::nullopt;
}

/// Reads the attention implementation, the engine and its settings, and the parallel layout.
std::optional<val> readInferenceRuntime(const val& options, InferenceOptions& in) {
  const auto attention = parseAttentionImplementation(stringField(options, "attn", "sdpa"));
  if (!attention) return errorValue(attention.error());
  in.attention = *attention;
  const auto engine = parseEngineProfile(stringField(options, "engine", "transformers"));
  if (!engine) return errorValue(engine.error());
  in.engine = *engine;
  const double utilization = numberField(options, "gpuMemoryUtilization", 0.9);
  if (!(utilization > 0 && utilization <= 1)) {
    return numberError("gpuMemoryUtilization", "gpu_memory_utilization must be in (0, 1].");
  }
  in.vllm.gpuMemoryUtilization = utilization;
  const double gpuLayers = wholeField(options, "nGpuLayers", -1);
  if (!(gpuLayers >= -1 && gpuLayers <= 100000)) {
    return numberError("nGpuLayers", "The offloaded layer count must be a whole number.");
  }
  in.llamaCpp.nGpuLayers = static_cast<std::int64_t>(gpuLayers);
  const double tp = wholeField(options, "tp", 1);
  const double pp = wholeField(options, "pp", 1);
  if (!(tp >= 1 && tp <= 1024)) {
    return numberError("tensorParallel",
                       "Tensor parallel size must be a whole number from 1 to 1024.");
  }
  if (!(pp >= 1 && pp <= 1024)) {
    return numberError("pipelineParallel",
                       "Pipeline parallel size must be a whole number from 1 to 1024.");
  }
  in.parallel.tensorParallel = static_cast<std::int64_t>(tp);
  in.parallel.pipelineParallel = static_cast<std::int64_t>(pp);
  const double ep = wholeField(options, "ep", 1);
  if (!(ep >= 1 && ep <= 1024)) {
    return numberError("expertParallel",
                       "Expert parallel size must be a whole number from 1 to 1024.");
  }
  in.parallel.expertParallel = static_cast<std::int64_t>(ep);
  const double freeFraction = numberField(options, "freeGpuMemoryFraction", 0.9);
  if (!(freeFraction > 0 && freeFraction <= 1)) {
    return numberError("freeGpuMemoryFraction", "free_gpu_memory_fraction must be in (0, 1].");
  }
  in.trtLlm.freeGpuMemoryFraction = freeFraction;
  return std::nullopt;
}

/// Parses a whole inference scenario, or returns the error value naming the field.
std::variant<InferenceRequest, val> readInferenceRequest(const val& options) {
  const auto text = configTextFrom(options);
  if (!text) return errorValue(text.error());
  const auto arch = parseModelConfig(*text);
  if (!arch) return errorValue(arch.error());
  InferenceRequest request{*arch, {}, {}};
  InferenceOptions& in = request.options;
  if (auto e = readInferenceDtypes(options, in)) return *e;
  if (auto e = readInferenceWorkload(options, in)) return *e;
  if (auto e = readInferenceRuntime(options, in)) return *e;
  if (auto e = readGpuChoice(options, request.gpu)) return *e;
  if (request.gpu.gpu) in.gpuMemoryBytes = static_cast<double>(request.gpu.gpu->memoryBytes);
  return request;
}

/// estimateInference({configJson | modelId, dtype, format, kvDtype, engine,
///                    gpuMemoryUtilization, nGpuLayers, tp, pp, batch, prompt, generate, attn,
///                    gpu, gpuCount}) → {ok, totalBytes (per GPU when tp·pp > 1), components,
///                    gpusPerReplica, fit}. gpuCount is the GPUs available.
val estimateInferenceJs(val options) {
  auto request = readInferenceRequest(options);
  if (auto* e = std::get_if<val>(&request)) return *e;
  const auto& [arch, in, choice] = std::get<InferenceRequest>(request);
  const auto breakdown = estimateInference(arch, in);
  if (!breakdown) return errorValue(breakdown.error());
  const auto gpusPerReplica = static_cast<std::uint64_t>(in.parallel.gpuCount());
  val out = val::object();
  out.set("ok", true);
  out.set("totalBytes", breakdown->totalBytes);
  out.set("components", componentsValue(*breakdown));
  out.set("gpusPerReplica", static_cast<double>(gpusPerReplica));
  out.set("fit", val::null());
  if (choice.gpu) {
    const FitVerdict fit =
        assessSplitFit(breakdown->totalBytes, gpusPerReplica, *choice.gpu, choice.count);
    out.set("fit", fitValue(fit, *choice.gpu));
  }
  return out;
}

/// inferenceLimits(options of estimateInference) → {ok, maxContext, maxBatch}: the longest
/// prompt (at the options' batch) and the largest batch (at the options' prompt) whose
/// per-GPU estimate fits one GPU of the chosen type. Needs options.gpu.
val inferenceLimitsJs(val options) {
  auto request = readInferenceRequest(options);
  if (auto* e = std::get_if<val>(&request)) return *e;
  const auto& [arch, in, choice] = std::get<InferenceRequest>(request);
  if (!choice.gpu) return numberError("gpu", "Choose a GPU to find what fits.");
  const auto longest = longestPromptThatFits(arch, in, in.gpuMemoryBytes);
  if (!longest) return errorValue(longest.error());
  const auto largest = largestBatchThatFits(arch, in, in.gpuMemoryBytes);
  if (!largest) return errorValue(largest.error());
  val out = val::object();
  out.set("ok", true);
  out.set("maxContext", static_cast<double>(*longest));
  out.set("maxBatch", static_cast<double>(*largest));
  out.set("modelMaxPositions", static_cast<double>(arch.maxPositions));
  return out;
}

/// models() → [{id, name, family, hfRepo, params, source, configJson}] in menu order.
val modelsJs() {
  val list = val::array();
  const auto catalog = modelCatalog();
  if (!catalog) return list;
  for (const CatalogModel& m : *catalog) {
    val item = val::object();
    item.set("id", m.id);
    item.set("name", m.name);
    item.set("family", m.family);
    item.set("hfRepo", m.hfRepo);
    item.set("params", m.officialParams);
    item.set("source", m.officialParamsSource);
    item.set("configJson", m.configJson);
    list.call<void>("push", item);
  }
  return list;
}

/// weightFormat(name) → {ok, id, label, linearBits, embeddingBits, outputHeadBits} or error.
val weightFormatJs(std::string name) {
  const auto format = parseWeightFormat(name);
  if (!format) return errorValue(format.error());
  val out = val::object();
  out.set("ok", true);
  out.set("id", format->id);
  out.set("label", format->label);
  out.set("linearBits", format->linearBits);
  out.set("embeddingBits", format->embeddingBits);
  out.set("outputHeadBits", format->outputHeadBits);
  return out;
}

/// parseConfig(jsonText) → {ok, modelType, params, activeParams, hiddenSize, layers, heads,
/// kvHeads, headDim, intermediateSize, vocabSize, tiedEmbeddings, experts, expertsPerToken,
/// slidingWindow, slidingLayers, maxPositions, mla} or {ok: false, error}.
val parseConfigJs(std::string text) {
  const auto arch = parseModelConfig(text);
  if (!arch) return errorValue(arch.error());
  const ModelParameters p = countModelParameters(*arch);
  val out = val::object();
  out.set("ok", true);
  out.set("modelType", arch->modelType);
  out.set("params", p.total);
  out.set("activeParams", p.total - p.experts + p.activeExperts);
  out.set("hiddenSize", static_cast<double>(arch->hiddenSize));
  out.set("layers", static_cast<double>(arch->numLayers));
  out.set("heads", static_cast<double>(arch->numHeads));
  out.set("kvHeads", static_cast<double>(arch->numKvHeads));
  out.set("headDim", static_cast<double>(arch->headDim));
  out.set("intermediateSize", static_cast<double>(arch->intermediateSize));
  out.set("vocabSize", static_cast<double>(arch->vocabSize));
  out.set("tiedEmbeddings", arch->tieWordEmbeddings);
  out.set("experts", static_cast<double>(arch->moe.numExperts));
  out.set("expertsPerToken", static_cast<double>(arch->moe.expertsPerToken));
  out.set("slidingWindow", static_cast<double>(arch->slidingWindow));
  out.set("slidingLayers", static_cast<double>(arch->slidingLayerCount()));
  out.set("maxPositions", static_cast<double>(arch->maxPositions));
  out.set("mla", arch->hasMla);
  return out;
}

/// estimateTraining(options) → per-GPU training estimate. Fields of `options` (all optional
/// except the model; strings as the CLI spells them):
///   configJson | modelId  the model (config.json text, or a catalog id)
///   task          "full" | "lora" | "qlora"                              (default "full")
///   recipe        "fp32" | "mixed" | "mixed-fp16" | "bf16" | "fp16-master" | "bf16-master" |
///                 "fp8"                            (default "mixed"; "bf16" for lora/qlora)
///   optimizer     "adamw" | "adamw-fused" | "adamw-forloop" | "adam8bit" | "paged-adam8bit" |
///                 "paged-adamw" | "sgd" | "sgd-momentum" | "adafactor" | "lion" | "none"
///   microBatch (1), seq (2048), gradAccum (1), ckpt ("none" | "full" | "selective"),
///   attn ("sdpa" | "eager" | "flash"), loraRank (16), loraTargets ("all-linear" |
///   "attention" | "mlp" | "q_proj,v_proj"…), trainEmbeddings (false),
///   sharding ("ddp" | "zero1" | "zero2" | "zero3" | "fsdp-hybrid"), offloadOptimizer
///   (false), offloadParams (false), tp, pp, cp, ep (1), sp (false),
///   gpuCount (all GPUs of the job; default tp·pp·cp), gpusPerNode (8),
///   gpu (a catalog id; enables maxMicroBatch, maxSeq, gpusNeeded, fits).
/// Returns {ok: true, components: [{name, label, bytes, formula}], totalBytes, perGpu: true,
/// peakPhase, dataParallel, trainableParams, cpuBytes, maxMicroBatch, maxSeq, gpusNeeded,
/// fits} (the last four null without a GPU; gpusNeeded 0 when no count up to 65,536 fits) or
/// {ok: false, error: {code, field, message}}.
val estimateTrainingJs(val options) {
  const auto text = configTextFrom(options);
  if (!text) return errorValue(text.error());
  const auto arch = parseModelConfig(*text);
  if (!arch) return errorValue(arch.error());
  TrainingScenario s;
  s.arch = *arch;
  const auto task = parseTrainingTask(stringField(options, "task", "full"));
  if (!task) return errorValue(task.error());
  s.task = *task;
  const auto recipe = parsePrecisionRecipe(
      stringField(options, "recipe", s.task == TrainingTask::kFull ? "mixed" : "bf16"));
  if (!recipe) return errorValue(recipe.error());
  s.recipe = *recipe;
  const auto optimizer = parseOptimizer(stringField(options, "optimizer", "adamw"));
  if (!optimizer) return errorValue(optimizer.error());
  s.optimizer = *optimizer;
  const auto ckpt = parseCheckpointing(stringField(options, "ckpt", "none"));
  if (!ckpt) return errorValue(ckpt.error());
  s.checkpointing = *ckpt;
  const auto attention = parseAttentionImplementation(stringField(options, "attn", "sdpa"));
  if (!attention) return errorValue(attention.error());
  s.attention = *attention;
  const auto targets = parseLoraTargets(stringField(options, "loraTargets", "all-linear"));
  if (!targets) return errorValue(targets.error());
  s.loraTargets = *targets;
  const auto sharding = parseShardingStrategy(stringField(options, "sharding", "ddp"));
  if (!sharding) return errorValue(sharding.error());
  s.sharding = *sharding;
  const std::pair<const char*, std::int64_t*> whole[] = {{"microBatch", &s.microBatch},
                                                         {"seq", &s.sequence},
                                                         {"gradAccum", &s.gradientAccumulation},
                                                         {"loraRank", &s.loraRank},
                                                         {"tp", &s.parallel.tensor},
                                                         {"pp", &s.parallel.pipeline},
                                                         {"cp", &s.parallel.context},
                                                         {"ep", &s.parallel.expert},
                                                         {"gpusPerNode", &s.gpusPerNode}};
  for (const auto& [name, out] : whole) {
    const double value = wholeField(options, name, static_cast<double>(*out));
    if (!(value >= 1 && value <= 67108864)) {
      return numberError(name, "Expected a whole number from 1 to 67,108,864.");
    }
    *out = static_cast<std::int64_t>(value);
  }
  const double gpus =
      wholeField(options, "gpuCount",
                 static_cast<double>(s.parallel.tensor * s.parallel.pipeline * s.parallel.context));
  if (!(gpus >= 1 && gpus <= 1048576)) {
    return numberError("gpuCount", "The GPU count must be a whole number from 1 to 1,048,576.");
  }
  s.gpus = static_cast<std::int64_t>(gpus);
  const auto flag = [&](const char* name) {
    return options.hasOwnProperty(name) && options[name].isTrue();
  };
  s.parallel.sequence = flag("sp");
  s.offloadOptimizer = flag("offloadOptimizer");
  s.offloadParameters = flag("offloadParams");
  s.trainEmbeddings = flag("trainEmbeddings");
  const auto estimate = estimateTraining(s);
  if (!estimate) return errorValue(estimate.error());
  val out = val::object();
  out.set("ok", true);
  out.set("components", componentsValue(estimate->perGpu));
  out.set("totalBytes", estimate->perGpu.totalBytes);
  out.set("perGpu", true);
  out.set("peakPhase", estimate->peakPhase);
  out.set("dataParallel", static_cast<double>(estimate->dataParallel));
  out.set("trainableParams", estimate->trainableParams);
  out.set("cpuBytes", estimate->cpuBytes);
  out.set("maxMicroBatch", val::null());
  out.set("maxSeq", val::null());
  out.set("gpusNeeded", val::null());
  out.set("fits", val::null());
  const std::string gpuId = stringField(options, "gpu", "");
  if (gpuId.empty()) return out;
  const auto gpu = findGpu(gpuId);
  if (!gpu) return errorValue(gpu.error());
  const double memory = static_cast<double>(gpu->memoryBytes);
  const auto batch = largestMicroBatchThatFits(s, memory);
  const auto sequence = longestSequenceThatFits(s, memory);
  const auto fewest = fewestGpusThatFit(s, memory);
  if (batch) out.set("maxMicroBatch", static_cast<double>(*batch));
  if (sequence) out.set("maxSeq", static_cast<double>(*sequence));
  if (fewest) out.set("gpusNeeded", static_cast<double>(*fewest));
  out.set("fits", estimate->perGpu.totalBytes <= memory);
  return out;
}

EMSCRIPTEN_BINDINGS(gpumem) {
  emscripten::function("estimateSimple", &estimateSimpleJs);
  emscripten::function("gpus", &gpusJs);
  emscripten::function("precisions", &precisionsJs);
  emscripten::function("version", &versionJs);
  emscripten::function("readGgufHeader", &readGgufHeaderJs);
  emscripten::function("safetensorsHeaderSpan", &safetensorsHeaderSpanJs);
  emscripten::function("readSafetensorsHeader", &readSafetensorsHeaderJs);
  emscripten::function("readSafetensorsIndex", &readSafetensorsIndexJs);
  emscripten::function("decodeLink", &decodeLinkJs);
  emscripten::function("encodeLink", &encodeLinkJs);
  emscripten::function("estimateInference", &estimateInferenceJs);
  emscripten::function("estimateTraining", &estimateTrainingJs);
  emscripten::function("parseConfig", &parseConfigJs);
  emscripten::function("inferenceLimits", &inferenceLimitsJs);
  emscripten::function("models", &modelsJs);
  emscripten::function("weightFormat", &weightFormatJs);
}
