// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// Turns a validated scenario into the estimators' inputs, runs them, and derives the verdict,
// the fewest GPUs and the limits from the same per-GPU estimate.
#include "gpumem/answer.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <tuple>

#include "answer_model.hpp"
#include "gpumem/engine.hpp"
#include "gpumem/format.hpp"
#include "gpumem/gpu_catalog.hpp"
#include "gpumem/inference.hpp"
#include "gpumem/inference_timeline.hpp"
#include "gpumem/kv_cache.hpp"
#include "gpumem/llama_fit.hpp"
#include "gpumem/lora.hpp"
#include "gpumem/model_catalog.hpp"
#include "gpumem/model_config.hpp"
#include "gpumem/model_parameters.hpp"
#include "gpumem/monotone_search.hpp"
#include "gpumem/parallelism.hpp"
#include "gpumem/parameter_count.hpp"
#include "gpumem/precision.hpp"
#include "gpumem/runtime_overhead.hpp"
#include "gpumem/simple_method.hpp"
#include "gpumem/timeline.hpp"
#include "gpumem/training.hpp"
#include "gpumem/training_limits.hpp"
#include "gpumem/training_timeline.hpp"
#include "gpumem/weight_format.hpp"

namespace gpumem {
namespace {

/// The per-GPU estimate of one scenario with the model resolved, and how it is laid out.
struct Placement {
  Breakdown perGpu;
  double capacityBytes = 0;
  std::string capacityFormula;
  std::int64_t gpusInUse = 1;
  std::int64_t gpusPerReplica = 1;
  std::int64_t replicas = 1;
  std::string layout;
  double cpuBytes = 0;
  double nvmeBytes = 0;
  std::string peakPhase;
  std::int64_t dataParallel = 1;
  double trainableParameters = 0;
  std::vector<std::string> notes;
  std::map<std::string, std::string> effective;
};

Error fieldError(const char* field, std::string message) {
  return makeError(ErrorCode::kOutOfRange, field, std::move(message));
}

/// Whether a precision is a plain floating-point dtype (else a quantization format).
bool isPlainDtype(const std::string& name) {
  return name == "bf16" || name == "fp16" || name == "fp32";
}

// ---- the parameter-count method -------------------------------------------------------

Result<Precision> simplePrecision(const Scenario& s, const ResolvedModel& m) {
  if (m.file) {
    // The file's exact bytes: bits per parameter as stored.
    return Precision{"file", m.file->label, m.file->weightBytes * 8 / m.file->parameters};
  }
  const std::string& name = s.text("precision");
  if (isPlainDtype(name)) return parsePrecision(name);
  // A quantization format: its bits per weight, scales included (NF4 is 4.5, not 4 or 5).
  if (const auto format = parseWeightFormat(name)) {
    return Precision{format->id, format->label, format->linearBits};
  }
  return parsePrecision(name);
}

/// The states per parameter of an optimizer, as the parameter-count rule counts them: every
/// AdamW implementation keeps two.
SimpleOptimizer simpleOptimizer(const std::string& optimizer) {
  if (optimizer.find("8bit") != std::string::npos) return SimpleOptimizer::kAdam8bit;
  if (optimizer.starts_with("adamw") || optimizer == "paged-adamw") return SimpleOptimizer::kAdamW;
  const auto parsed = parseSimpleOptimizer(optimizer);
  return parsed ? *parsed : SimpleOptimizer::kAdamW;
}

Result<Placement> placeParameterCount(const Scenario& s, const ResolvedModel& m, double memory) {
  const std::string& task = s.text("task");
  if (task == "lora" || task == "qlora") {
    return makeError(ErrorCode::kUnsupported, "task",
                     "LoRA and QLoRA need the model's architecture (which layers get adapters): "
                     "choose a model, paste its config.json or open a model file.");
  }
  SimpleInput in;
  in.parameters = m.parameters;
  const auto precision = simplePrecision(s, m);
  if (!precision) return precision.error();
  in.precision = *precision;
  in.task = task == "inference" ? Task::kInference : Task::kTraining;
  in.optimizer = simpleOptimizer(s.text("optimizer"));
  in.overheadFraction = s.number("overhead") / 100.0;
  in.batchSize = static_cast<double>(s.integer("batch"));
  in.activationBytesPerSample = s.number("activationPerSample") * 1e6;
  auto simple = estimateSimple(in);
  if (!simple) return simple.error();
  Placement p;
  const std::int64_t gpus = s.integer("gpuCount");
  p.gpusInUse = p.gpusPerReplica = gpus;
  p.perGpu = std::move(simple).value();
  if (gpus > 1) {
    for (Component& c : p.perGpu.components) {
      scaleComponent(c,
                     {1 / static_cast<double>(gpus), "(one of " + formula::count(gpus) + " GPUs)"});
    }
    p.perGpu.totalBytes = sumComponents(p.perGpu.components);
    p.layout = "split evenly over " + formula::count(gpus) + " GPUs";
  } else {
    p.layout = "one GPU";
  }
  p.capacityBytes = memory;
  p.capacityFormula = "the GPU's memory as the runtime reports it";
  return p;
}

// ---- inference from an architecture ---------------------------------------------------

Result<bool> readDtypes(const Scenario& s, InferenceOptions& o) {
  const std::string& name = s.text("precision");
  if (isPlainDtype(name)) {
    const auto precision = parsePrecision(name);
    if (!precision) return precision.error();
    o.weightBytesPerParameter = precision->bytes();
    o.activationBytesPerValue = o.kvBytesPerValue = precision->bytes();
  } else {
    const auto format = parseWeightFormat(name);
    if (!format) return format.error();
    o.weightFormat = format->id;
    o.activationBytesPerValue = o.kvBytesPerValue = format->computeBytes;
  }
  if (s.text("kvDtype") != "auto") {
    const auto kv = parseKvCacheBytesPerValue(s.text("kvDtype"));
    if (!kv) return kv.error();
    o.kvBytesPerValue = *kv;
  }
  return true;
}

EngineProfile engineOf(const std::string& engine) {
  if (engine == "vllm") return EngineProfile::kVllm;
  if (engine == "llama.cpp") return EngineProfile::kLlamaCpp;
  if (engine == "tensorrt-llm") return EngineProfile::kTensorRtLlm;
  if (engine == "sglang") return EngineProfile::kSglang;
  if (engine == "ollama") return EngineProfile::kOllama;
  if (engine == "mlx") return EngineProfile::kMlx;
  return EngineProfile::kTransformers;
}

/// Engines that split a model over GPUs by layers when no parallel layout is asked for:
/// Transformers' device_map="auto" and llama.cpp's --split-mode layer (Ollama runs llama-server).
bool splitsLayers(EngineProfile engine) {
  return engine == EngineProfile::kTransformers || engine == EngineProfile::kLlamaCpp ||
         engine == EngineProfile::kOllama;
}

/// Engines that run llama-server, whose --fit places the layers (Ollama does not pass -ngl).
bool runsLlamaServer(EngineProfile engine) {
  return engine == EngineProfile::kLlamaCpp || engine == EngineProfile::kOllama;
}

/// A number field's value, or `fallback` when it is "auto" (the engine's own default); when
/// the field matters (`applies`), effective names what auto resolved to.
double autoNumber(const Scenario& s, const char* field, double fallback, bool applies,
                  Placement& p) {
  if (s.text(field) != "auto") return s.number(field);
  if (applies) p.effective[field] = formatNumber(fallback, 6);
  return fallback;
}

/// vLLM's settings: the release's accounting and the defaults of its entry point on this GPU.
Result<bool> readVllmSettings(const Scenario& s, const ResolvedModel& m, double memory,
                              InferenceOptions& o, Placement& p) {
  const auto version = parseVllmVersion(s.text("engineVersion"));
  if (!version) return version.error();
  const auto entrypoint = parseVllmEntrypoint(s.text("entrypoint"));
  if (!entrypoint) return entrypoint.error();
  const bool vllm = o.engine == EngineProfile::kVllm;
  const VllmSchedulerDefaults serve = vllmSchedulerDefaults(memory, s.text("gpu"), *entrypoint);
  o.vllm.version = *version;
  o.vllm.gpuMemoryUtilization =
      autoNumber(s, "gpuMemoryUtilization", vllmDefaultUtilization(*version), vllm, p);
  o.vllm.maxNumSeqs =
      std::llround(autoNumber(s, "maxNumSeqs", static_cast<double>(serve.maxNumSeqs), vllm, p));
  o.vllm.maxNumBatchedTokens = std::llround(autoNumber(
      s, "maxNumBatchedTokens", static_cast<double>(serve.maxNumBatchedTokens), vllm, p));
  o.vllm.blockSize = std::llround(autoNumber(
      s, "blockSize",
      static_cast<double>(m.architecture ? vllmDefaultBlockSize(m.arch) : std::int64_t{16}), vllm,
      p));
  o.vllm.cudaGraphs = !s.flag("enforceEager");
  return true;
}

/// SGLang's mem_fraction_static: the one given, or what SGLang derives from the GPU and the
/// speculative decoding asked for (its drafter's reserve).
void readSglangSettings(const Scenario& s, double memory, InferenceOptions& o, Placement& p) {
  const SglangSpeculation speculation =
      o.draft ? SglangSpeculation::kStandalone
      : o.mtpSpeculativeTokens > 0 || o.eagleMethod != EagleMethod::kNone
          ? SglangSpeculation::kEagle
          : SglangSpeculation::kNone;
  const SglangDefaults d = sglangDefaults(memory, s.integer("tensorParallel"),
                                          s.integer("pipelineParallel"), speculation);
  const bool sglang = o.engine == EngineProfile::kSglang;
  o.sglang.memFractionStatic = autoNumber(s, "memFractionStatic", d.memFractionStatic, sglang, p);
  if (sglang && s.text("memFractionStatic") == "auto") {
    p.notes.push_back("SGLang's mem_fraction_static for this GPU: (" +
                      formula::count(std::llround(memory / 1048576)) + " MiB − " +
                      formula::count(std::llround(d.reservedMiB)) + " MiB reserved) / " +
                      formula::count(std::llround(memory / 1048576)) +
                      " MiB = " + formatNumber(d.memFractionStatic) +
                      ", the reserve from chunked_prefill_size " +
                      formula::count(d.chunkedPrefillSize) + " and cuda_graph_max_bs " +
                      formula::count(d.cudaGraphMaxBs) +
                      (speculation == SglangSpeculation::kNone
                           ? std::string()
                           : std::string(" and the drafter's ") +
                                 (speculation == SglangSpeculation::kEagle ? "2,048" : "6,144") +
                                 " MiB (--speculative-algorithm " +
                                 (speculation == SglangSpeculation::kStandalone ? "STANDALONE"
                                  : o.eagleMethod == EagleMethod::kEagle3       ? "EAGLE3"
                                                                                : "EAGLE") +
                                 ")"));
  }
}

/// Ollama's own defaults on top of llama.cpp's profile: the context asked replaces num_ctx,
/// the sequences are num_parallel slots, num_batch follows the context, every layer goes to
/// the GPU that can hold it. The note says which defaults applied.
Result<bool> readOllamaSettings(const Scenario& s, const ResolvedModel& m, double memory,
                                InferenceOptions& o, Placement& p) {
  const auto file = weightComponent(m.arch, o);
  if (!file) return file.error();
  const double vram = memory * static_cast<double>(s.integer("gpuCount"));
  const std::int64_t tier = ollamaDefaultNumCtx(vram);
  const std::int64_t trained = m.arch.maxPositions;
  const bool automatic = s.text("numCtx") == "auto";
  const std::int64_t numCtx = !automatic    ? s.integer("numCtx")
                              : trained > 0 ? std::min(tier, trained)
                                            : tier;
  if (automatic) p.effective["numCtx"] = std::to_string(numCtx);
  const std::int64_t parallel = s.integer("numParallel");
  const OllamaDefaults d = ollamaDefaults(m.arch, file->bytes, numCtx * parallel, vram, memory,
                                          o.llamaCpp.flashAttention);
  o.llamaCpp.nUbatch = d.numBatch;
  o.llamaCpp.nBatch = d.numBatch;
  // Ollama passes -np num_parallel, so llama-server gives each slot a KV stream of its own.
  o.llamaCpp.kvUnified = false;
  o.llamaCpp.nGpuLayers = -1;
  o.llamaCpp.nCtx = numCtx * parallel;
  o.llamaCpp.nSeq = parallel;
  o.batch = parallel;
  const std::string kv = s.text("kvDtype");
  std::string note =
      "Ollama's defaults: num_ctx " + formula::count(numCtx) +
      (automatic ? " (" + formula::count(tier) + " for " + formatBytes(vram) + " of GPU memory" +
                       (trained > 0 && tier > trained
                            ? ", capped at the trained " + formula::count(trained)
                            : std::string()) +
                       ")"
                 : std::string(" (as given)"));
  note += "; num_parallel " + formula::count(parallel) +
          (parallel == 1 ? " (OLLAMA_NUM_PARALLEL's default)" : " (OLLAMA_NUM_PARALLEL)");
  note += "; num_batch " + formula::count(d.numBatch) + " (-b = -ub, Ollama's choice for " +
          formula::count(numCtx * parallel) + " tokens of context)";
  note += "; KV cache " + (kv == "auto"
                               ? std::string("f16 (OLLAMA_KV_CACHE_TYPE's default)")
                               : kv + " (OLLAMA_KV_CACHE_TYPE=" + kv + ", with flash attention)");
  note += o.llamaCpp.flashAttention ? "; flash attention auto (on where the GPU supports it)"
                                    : "; flash attention off (OLLAMA_FLASH_ATTENTION=0)";
  note += "; no -ngl, so llama-server's --fit places the layers (the context is given: it stays)";
  p.notes.push_back(note);
  return true;
}

/// The draft model for speculative decoding (draftModel, a catalog id), on the engines that
/// take one.
Result<bool> readDraftModel(const Scenario& s, InferenceOptions& o) {
  const std::string& id = s.text("draftModel");
  if (id.empty() || (o.engine != EngineProfile::kVllm && o.engine != EngineProfile::kLlamaCpp &&
                     o.engine != EngineProfile::kSglang)) {
    return true;
  }
  const auto entry = findCatalogModel(id);
  if (!entry) {
    return fieldError("draftModel", "There is no catalog model " + id +
                                        " to draft with (gpumem models lists them).");
  }
  auto arch = parseModelConfig(entry->configJson);
  if (!arch) return fieldError("draftModel", arch.error().message);
  if (arch->encoder.present) {
    return fieldError("draftModel", "A draft model generates tokens: " + id + " is an encoder.");
  }
  o.draft = std::make_shared<const ModelArchitecture>(std::move(arch).value());
  return true;
}

/// MTP speculative decoding (numSpeculativeTokens) on the engines that draft with a model's
/// own multi-token-prediction layers: vLLM (speculative_config method "mtp") and SGLang
/// (--speculative-algorithm EAGLE/NEXTN); or, with speculativeMethod eagle/eagle3, an EAGLE
/// head (draftVocabSize its EAGLE-3 draft vocabulary), numSpeculativeTokens then its tokens.
Result<bool> readMtpSpeculation(const Scenario& s, const ModelArchitecture& arch,
                                InferenceOptions& o) {
  const std::int64_t tokens = s.integer("numSpeculativeTokens");
  if (o.engine != EngineProfile::kVllm && o.engine != EngineProfile::kSglang) return true;
  o.eagleMethod = parseEagleMethod(s.text("speculativeMethod"));
  if (o.eagleMethod != EagleMethod::kNone) {
    o.eagleDraftVocabSize = s.integer("draftVocabSize");
    o.eagleSpeculativeTokens = tokens;
    return true;
  }
  if (tokens <= 0) return true;
  if (arch.mtpLayers <= 0) {
    return fieldError("numSpeculativeTokens",
                      "MTP speculative decoding needs a model with multi-token-prediction layers "
                      "(num_nextn_predict_layers or mtp_num_hidden_layers in its config.json); "
                      "an EAGLE head drafts for other models (speculativeMethod).");
  }
  o.mtpSpeculativeTokens = tokens;
  return true;
}

/// llama.cpp's options in its own names: -ngl (auto = the fit's), -c (0 = the trained
/// length), -np (auto = 4 unified slots), -b, -ub, -fa, -ctk/-ctv, --n-cpu-moe, --swa-full.
Result<bool> readLlamaCppSettings(const Scenario& s, InferenceOptions& o) {
  LlamaCppSettings& l = o.llamaCpp;
  l.nGpuLayers = s.text("nGpuLayers") == "auto" ? -1 : s.integer("nGpuLayers");
  l.nUbatch = s.integer("ubatchSize");
  l.flashAttention = s.flag("flashAttention");
  if (o.engine != EngineProfile::kLlamaCpp) return true;
  l.nBatch = s.integer("batchSize");
  l.swaFull = s.flag("swaFull");
  l.nCtx = s.integer("ctxSize");
  // llama-server without -np: 4 slots in one unified KV buffer; an explicit -np: a stream each.
  l.kvUnified = s.text("parallel") == "auto";
  l.nSeq = l.kvUnified ? 4 : s.integer("parallel");
  l.nCpuMoe = s.integer("nCpuMoe");
  for (const auto& [field, bytes] :
       {std::pair{"cacheTypeK", &l.cacheKBytes}, std::pair{"cacheTypeV", &l.cacheVBytes}}) {
    const std::string& type = s.text(field);
    const auto parsed = parseKvCacheBytesPerValue(type == "f16"   ? std::string("fp16")
                                                  : type == "f32" ? std::string("fp32")
                                                                  : type);
    if (!parsed) return fieldError(field, parsed.error().message);
    *bytes = *parsed;
  }
  return true;
}

/// llama.cpp's --fit on the options read (llama_fit.hpp): the breakdown at the context and
/// layers it chooses, what "auto" and 0 resolved to, and the host memory it needs.
Result<Breakdown> fitLlamaCppAnswer(const Scenario& s, const ResolvedModel& m,
                                    const InferenceOptions& o, Placement& p) {
  LlamaFitRequest r;
  const bool ollama = o.engine == EngineProfile::kOllama;
  if (!ollama) {
    r.fit = s.flag("fit");
    r.contextAuto = s.integer("ctxSize") == 0;
    r.layersGiven = s.text("nGpuLayers") != "auto";
    r.overridesGiven = m.arch.isMoe() && s.integer("nCpuMoe") > 0;
    r.unified = s.text("parallel") == "auto";
    r.marginBytes = static_cast<double>(s.integer("fitTarget")) * 1048576.0;
  } else {
    // Ollama gives -c num_ctx × num_parallel and -np, never -ngl: the fit moves layers only.
    r.contextAuto = false;
    r.unified = false;
  }
  auto fit = fitLlamaCpp(m.arch, o, r);
  if (!fit) return fit.error();
  const LayerPlacement& l = *fit->breakdown.layers;
  if (!ollama) {
    p.effective["nGpuLayers"] = l.gpuLayers == l.totalLayers ? "-1" : formula::count(l.gpuLayers);
    p.effective["ctxSize"] = std::to_string(l.contextTokens);
    p.effective["parallel"] = std::to_string(l.slots);
  }
  p.cpuBytes = l.host.model + l.host.kv + l.host.compute;
  if (!fit->decision.empty()) p.notes.push_back("llama.cpp --fit: " + fit->decision);
  if (l.gpuLayers < l.totalLayers || l.cpuMoeLayers > 0) {
    p.notes.push_back("host memory for what stays on the CPU: " + formatBytes(p.cpuBytes) +
                      " (weights " + formatBytes(l.host.model) + ", KV " + formatBytes(l.host.kv) +
                      ", compute and logits " + formatBytes(l.host.compute) + ")");
  }
  return std::move(fit->breakdown);
}

/// An encoder's workload: each sequence is contextLength tokens, cut to what its position
/// table holds (the tokenizer truncates longer input), and nothing is generated.
void encoderWorkload(const Scenario& s, const ModelArchitecture& arch, InferenceOptions& o,
                     Placement& p) {
  o.generatedTokens = 0;
  o.promptTokens = s.integer("contextLength");
  const std::int64_t most = arch.encoder.maxTokens;
  if (most > 0 && o.promptTokens > most) {
    o.promptTokens = most;
    p.notes.push_back("each sequence is cut to " + formula::count(most) + " tokens, the most " +
                      arch.modelType + "'s position table holds (the tokenizer truncates)");
  }
}

Result<InferenceOptions> inferenceOptions(const Scenario& s, const ResolvedModel& m, double memory,
                                          Placement& p) {
  InferenceOptions o;
  if (const auto ok = readDtypes(s, o); !ok) return ok.error();
  o.batch = s.integer("batch");
  o.generatedTokens = s.integer("generatedTokens");
  o.promptTokens = s.integer("contextLength") - o.generatedTokens;
  if (m.architecture && m.arch.encoder.present) {
    encoderWorkload(s, m.arch, o, p);
  } else if (o.promptTokens < 1) {
    // Checked here, not with the scenario's values: an encoder's sequence has no such split.
    return fieldError("generatedTokens", "generatedTokens must be less than contextLength (" +
                                             s.text("contextLength") +
                                             "): the prompt needs at least one token.");
  }
  if (m.architecture && m.arch.vision.present() && s.integer("imagesPerRequest") > 0) {
    // The images' tokens come on top of the text context (each image is tokensPerImage long).
    o.imagesPerRequest = s.integer("imagesPerRequest");
    if (m.arch.vision.crossAttention) {
      // Mllama: one <|image|> token per image in the text; the image's states are cached by
      // the cross-attention layers (crossAttentionCacheComponent).
      o.promptTokens += o.imagesPerRequest;
      p.notes.push_back(formula::count(o.imagesPerRequest) +
                        " image(s): one <|image|> token each in the context; the "
                        "cross-attention layers cache " +
                        formula::count(m.arch.vision.tokensPerImage) + " states per image (" +
                        m.arch.vision.tokensNote + ")");
    } else {
      const std::int64_t imageTokens = o.imagesPerRequest * m.arch.vision.tokensPerImage;
      o.promptTokens += imageTokens;
      p.notes.push_back(formula::count(o.imagesPerRequest) + " image(s) × " +
                        formula::count(m.arch.vision.tokensPerImage) +
                        " tokens = " + formula::count(imageTokens) +
                        " image tokens added to each request's " + s.text("contextLength") +
                        "-token context (" + m.arch.vision.tokensNote + ")");
    }
  }
  o.attention = s.text("attention") == "eager" ? AttentionImplementation::kEager
                                               : AttentionImplementation::kSdpa;
  o.engine = m.architecture && m.arch.encoder.present ? EngineProfile::kTransformers
                                                      : engineOf(s.text("engine"));
  o.gpuMemoryBytes = memory;
  if (const auto ok = readDraftModel(s, o); !ok) return ok.error();
  if (m.architecture) {
    if (const auto ok = readMtpSpeculation(s, m.arch, o); !ok) return ok.error();
  }
  if (const auto ok = readVllmSettings(s, m, memory, o, p); !ok) return ok.error();
  readSglangSettings(s, memory, o, p);
  if (const auto ok = readLlamaCppSettings(s, o); !ok) return ok.error();
  o.trtLlm.freeGpuMemoryFraction = s.number("freeGpuMemoryFraction");
  o.mlx.maxKvSize = s.integer("maxKvSize");
  if (o.engine == EngineProfile::kOllama) {
    if (const auto ok = readOllamaSettings(s, m, memory, o, p); !ok) return ok.error();
  }
  if (o.engine != EngineProfile::kLlamaCpp && o.engine != EngineProfile::kOllama) {
    o.parallel.tensorParallel = s.integer("tensorParallel");
    o.parallel.pipelineParallel = s.integer("pipelineParallel");
    o.parallel.expertParallel = s.integer("expertParallel");
  }
  if (m.file && m.architecture) {
    o.fileWeightBytes = m.file->weightBytes;
    o.fileTokenEmbeddingBytes = m.file->tokenEmbeddingBytes;
    o.fileDescription = m.file->label + " (" + formula::count(m.file->tensorCount) + " tensors)";
  }
  return o;
}

/// The dtype name of `bytes` per value for activations: "fp32" or "bf16".
std::string computeDtype(const Scenario& s, const InferenceOptions& o) {
  if (isPlainDtype(s.text("precision"))) return s.text("precision");
  return o.activationBytesPerValue >= 4 ? "fp32" : "bf16";
}

/// Says in the formulas which dtypes the weights and the cache are stored in, and what the
/// KV cache's "auto" resolved to.
void nameDtypes(const Scenario& s, const InferenceOptions& o, Placement& p) {
  const std::string compute = computeDtype(s, o);
  const bool llama = o.engine == EngineProfile::kLlamaCpp;
  const std::string kv = llama ? "K " + s.text("cacheTypeK") + ", V " + s.text("cacheTypeV")
                         : s.text("kvDtype") == "auto" ? compute
                                                       : s.text("kvDtype");
  if (!llama) p.effective["kvDtype"] = kv;
  for (Component& c : p.perGpu.components) {
    const auto addNote = [&c](const std::string& note) {
      c.note = c.note.empty() ? note : c.note + "; " + note;
    };
    if (c.name == "weights" && isPlainDtype(s.text("precision"))) addNote(s.text("precision"));
    if (c.name == "kv_cache") addNote("cached in " + kv);
  }
}

/// What an engine may use of one GPU, and the formula saying so: the budget of the engine's
/// KV pool where it sizes one (vLLM: utilization × memory + what it keeps outside; TensorRT-LLM:
/// its buffers + a fraction of the rest), else the GPU's memory.
std::pair<double, std::string> engineCapacity(const Breakdown& b, double memory) {
  if (b.kvPool && b.kvPool->capacityBytes > 0) {
    return {std::min(memory, b.kvPool->capacityBytes), b.kvPool->capacityFormula};
  }
  return {memory, "the GPU's memory as the runtime reports it"};
}

Result<Placement> placeInference(const Scenario& s, const ResolvedModel& m, double memory) {
  Placement p;
  auto options = inferenceOptions(s, m, memory, p);
  if (!options) return options.error();
  InferenceOptions& o = options.value();
  const std::int64_t gpus = s.integer("gpuCount");
  const bool automatic = o.parallel.gpuCount() == 1;
  if (splitsLayers(o.engine) && automatic && gpus > 1) {
    // Layers spread over every GPU (device_map="auto", llama.cpp -sm layer).
    o.parallel.pipelineParallel = std::min<std::int64_t>(gpus, m.arch.numLayers);
    p.layout = "layers split over " + formula::count(o.parallel.pipelineParallel) + " GPUs";
    if (o.engine == EngineProfile::kLlamaCpp) o.parallel.tensorParallel = 1;
  }
  p.gpusPerReplica = o.parallel.gpuCount();
  if (gpus < p.gpusPerReplica) {
    return fieldError("gpuCount", "The split (tensor × pipeline × expert parallel) uses " +
                                      formula::count(p.gpusPerReplica) + " GPUs, but gpuCount is " +
                                      formula::count(gpus) + ".");
  }
  p.replicas = gpus / p.gpusPerReplica;
  if (p.replicas > 1) {
    o.batch = (o.batch + p.replicas - 1) / p.replicas;
    p.notes.push_back(formula::count(p.replicas) + " data-parallel replicas of " +
                      formula::count(p.gpusPerReplica) + " GPU(s), each serving " +
                      formula::count(o.batch) + " of the " + s.text("batch") + " sequences");
  }
  if (p.layout.empty()) {
    p.layout = p.gpusPerReplica == 1
                   ? "one GPU per copy of the model"
                   : "tensor " + formula::count(o.parallel.tensorParallel) + " × pipeline " +
                         formula::count(o.parallel.pipelineParallel) +
                         (o.parallel.expertParallel > 1
                              ? " × expert " + formula::count(o.parallel.expertParallel)
                              : std::string());
  }
  p.gpusInUse = p.replicas * p.gpusPerReplica;
  if (p.gpusInUse < gpus) {
    p.notes.push_back(formula::count(gpus - p.gpusInUse) + " of the " + formula::count(gpus) +
                      " GPUs stay idle: the split needs multiples of " +
                      formula::count(p.gpusPerReplica));
  }
  auto breakdown =
      runsLlamaServer(o.engine) ? fitLlamaCppAnswer(s, m, o, p) : estimateInference(m.arch, o);
  if (!breakdown) return breakdown.error();
  p.perGpu = std::move(breakdown).value();
  nameDtypes(s, o, p);
  std::tie(p.capacityBytes, p.capacityFormula) = engineCapacity(p.perGpu, memory);
  return p;
}

// ---- training from an architecture ------------------------------------------------------

/// The checkpointing field with "auto" resolved to the stack's default (TRL's SFTConfig,
/// Unsloth and torchtune's recipes turn it on; a plain loop and Liger leave it off).
std::string resolvedCheckpointing(const Scenario& s) {
  const std::string& given = s.text("checkpointing");
  if (given != "auto") return given;
  const auto stack = parseTrainingStack(s.text("stack"));
  return stack && stackMechanisms(*stack).checkpointsByDefault ? "full" : "none";
}

Result<TrainingScenario> trainingScenario(const Scenario& s, const ResolvedModel& m) {
  TrainingScenario t;
  t.arch = m.arch;
  const auto task = parseTrainingTask(s.text("task"));
  if (!task) return task.error();
  t.task = *task;
  const std::string& recipeName = s.text("recipe");
  const auto recipe = parsePrecisionRecipe(recipeName != "auto"            ? recipeName
                                           : t.task == TrainingTask::kFull ? "mixed"
                                                                           : "bf16");
  if (!recipe) return recipe.error();
  t.recipe = *recipe;
  const auto optimizer = parseOptimizer(s.text("optimizer"));
  if (!optimizer) return optimizer.error();
  t.optimizer = *optimizer;
  const auto stack = parseTrainingStack(s.text("stack"));
  if (!stack) return stack.error();
  t.stack = *stack;
  t.offloadActivations = s.flag("activationOffload");
  const auto ckpt = parseCheckpointing(resolvedCheckpointing(s));
  if (!ckpt) return ckpt.error();
  t.checkpointing = *ckpt;
  t.attention = s.text("attention") == "eager" ? AttentionImplementation::kEager
                                               : AttentionImplementation::kSdpa;
  const auto targets = parseLoraTargets(s.text("loraTargets"));
  if (!targets) return targets.error();
  t.loraTargets = *targets;
  const auto sharding = parseShardingStrategy(s.text("sharding"));
  if (!sharding) return sharding.error();
  t.sharding = *sharding;
  t.loraRank = s.integer("loraRank");
  t.trainEmbeddings = s.flag("trainEmbeddings");
  t.microBatch = s.integer("batch");
  t.sequence = s.integer("contextLength");
  t.gradientAccumulation = s.integer("gradientAccumulation");
  t.evalBatch = s.integer("evalBatch");
  t.parallel.tensor = s.integer("tensorParallel");
  t.parallel.pipeline = s.integer("pipelineParallel");
  t.parallel.context = s.integer("contextParallel");
  t.parallel.expert = s.integer("expertParallel");
  t.parallel.sequence = s.flag("sequenceParallel") && t.parallel.tensor > 1;
  const bool sharded = t.sharding != ShardingStrategy::kDdp;
  t.offloadOptimizer = sharded && s.text("offload") != "none";
  t.offloadParameters = sharded && s.text("offload") == "all";
  t.offloadToNvme = t.sharding == ShardingStrategy::kZero3 && s.text("offloadDevice") == "nvme";
  t.gpus = s.integer("gpuCount");
  t.gpusPerNode = s.integer("gpusPerNode");
  t.doubleQuant = s.flag("doubleQuant");
  t.fp4 = s.text("quantType") == "fp4";
  t.floatQuantStorage = s.text("quantStorage") != "uint8";
  t.base8bit = t.task == TrainingTask::kLora && s.flag("loadIn8bit");
  t.reshardAfterForward = s.flag("reshardAfterForward");
  if (t.sharding == ShardingStrategy::kZero3) {
    t.maxLiveParameters = s.number("stage3MaxLiveParameters");
    t.persistenceThreshold = s.number("stage3ParamPersistenceThreshold");
    t.prefetchBucketElements = s.number("stage3PrefetchBucketSize");
    t.maxReuseDistance = s.number("stage3MaxReuseDistance");
  }
  const bool zero12 =
      t.sharding == ShardingStrategy::kZero1 || t.sharding == ShardingStrategy::kZero2;
  if (zero12 || t.sharding == ShardingStrategy::kZero3) {
    t.reduceBucketElements = s.number("reduceBucketSize");
  }
  t.overlapComm = zero12 && s.flag("overlapComm");
  return t;
}

Result<Placement> placeTraining(const Scenario& s, const ResolvedModel& m, double memory,
                                bool verdictOnly = false) {
  const auto t = trainingScenario(s, m);
  if (!t) return t.error();
  TrainingScenario run = *t;
  if (verdictOnly) run.replayCeilingBytes = memory;
  const auto estimate = estimateTraining(run);
  if (!estimate) return estimate.error();
  Placement p;
  p.perGpu = estimate->perGpu;
  p.gpusInUse = t->gpus;
  p.gpusPerReplica = t->parallel.tensor * t->parallel.pipeline * t->parallel.context;
  p.replicas = estimate->dataParallel;
  p.dataParallel = estimate->dataParallel;
  p.cpuBytes = estimate->cpuBytes;
  p.nvmeBytes = estimate->nvmeBytes;
  p.peakPhase = estimate->peakPhase;
  p.trainableParameters = estimate->trainableParams;
  if (estimate->evaluationLiveBytes > 0 && estimate->peakPhase != "evaluation") {
    p.notes.push_back("the evaluation (eval batch " + formula::count(t->evalBatch) +
                      " per GPU) holds " + formatBytes(estimate->evaluationLiveBytes) +
                      " of tensors at its peak, less than the training step's " +
                      estimate->peakPhase);
  }
  p.effective["recipe"] = recipeName(t->recipe);
  p.effective["checkpointing"] = resolvedCheckpointing(s);
  p.layout = formula::count(estimate->dataParallel) + " data parallel × " +
             formula::count(p.gpusPerReplica) + " model-parallel GPU(s), " + s.text("sharding");
  p.capacityBytes = memory;
  p.capacityFormula = "the GPU's memory as the runtime reports it";
  return p;
}

// ---- one verdict ---------------------------------------------------------------------

/// Whether `s` asks vLLM for --max-model-len auto.
bool vllmAutoLength(const Scenario& s) {
  return s.text("task") == "inference" && engineOf(s.text("engine")) == EngineProfile::kVllm &&
         s.text("maxModelLen") == "auto";
}

Result<Placement> placeVllmAutoLength(const Scenario& s, const ResolvedModel& m, double memory);

Result<Placement> place(const Scenario& s, const ResolvedModel& m, double memory) {
  if (!m.architecture) return placeParameterCount(s, m, memory);
  if (vllmAutoLength(s)) return placeVllmAutoLength(s, m, memory);
  if (s.text("task") == "inference") return placeInference(s, m, memory);
  if (m.arch.encoder.present) {
    return fieldError("task", m.arch.modelType +
                                  " is an encoder: gpumem sizes its inference (one forward for "
                                  "embeddings or reranking); training estimates cover decoders.");
  }
  return placeTraining(s, m, memory);
}

/// Whether the total fits, compared in whole bytes as the answer shows them (std::round, not
/// llround: absurd totals beyond 2^63 bytes must not wrap around).
bool fitsIn(const Placement& p) {
  return std::round(p.perGpu.totalBytes) <= std::round(p.capacityBytes);
}

/// Whether `s` fits; errors (an invalid point of a search) count as not fitting.
bool scenarioFits(const Scenario& s, const ResolvedModel& m, double memory) {
  // A training step whose tensors alone pass the memory is not replayed: it cannot fit.
  const bool training = m.architecture && s.text("task") != "inference" && !m.arch.encoder.present;
  const auto p = training ? placeTraining(s, m, memory, true) : place(s, m, memory);
  return p && fitsIn(*p);
}

/// The largest value of `field` in [low, high] for which the scenario fits, or 0 when `low`
/// does not fit. The bisection starts from the scenario's own value: a limit at least that
/// value when it fits, below it when it does not, so the limit and the verdict always agree —
/// also where the bytes are not monotone in the field (the caching allocator's reserve of a
/// replayed training step, estimateTraining), where the limit is the edge nearest above or
/// below the value asked for. `ownFits`: the verdict at that value, when already known.
std::int64_t largestFitting(const Scenario& s, const ResolvedModel& m, double memory,
                            std::string_view field, std::int64_t low, std::int64_t high,
                            std::optional<bool> ownFits = std::nullopt) {
  if (low > high) return 0;
  const auto at = [&](std::int64_t v) -> Result<bool> {
    return scenarioFits(s.with(field, std::to_string(v)), m, memory);
  };
  const auto found = largestFittingIn(low, high, at, s.integer(field), ownFits);
  return found && *found >= low ? *found : 0;
}

/// vLLM's --max-model-len auto (PR #29431, `_auto_fit_max_model_len` in
/// vllm/v1/core/kv_cache_utils.py): the longest max_model_len whose one request fits in the KV
/// cache, at most the model's trained length; 0 when not even the generated tokens fit.
std::int64_t vllmAutoMaxModelLen(const Scenario& s, const ResolvedModel& m, double memory) {
  const Scenario one = s.with("maxModelLen", "context").with("batch", "1");
  std::int64_t high = static_cast<std::int64_t>(findField("contextLength")->max);
  if (m.arch.maxPositions > 0) high = std::min(high, m.arch.maxPositions);
  return largestFitting(one, m, memory, "contextLength", s.integer("generatedTokens") + 1, high);
}

/// vLLM with --max-model-len auto: the scenario at the longest max_model_len that fits (the
/// context as given when none does: vLLM then refuses to start), saying which it chose.
Result<Placement> placeVllmAutoLength(const Scenario& s, const ResolvedModel& m, double memory) {
  const std::int64_t length = vllmAutoMaxModelLen(s, m, memory);
  Scenario chosen = s.with("maxModelLen", "context");
  if (length > 0) chosen = chosen.with("contextLength", std::to_string(length));
  auto placed = placeInference(chosen, m, memory);
  if (!placed) return placed;
  Placement& p = placed.value();
  if (length > 0) {
    p.effective["maxModelLen"] = std::to_string(length);
    p.notes.push_back(
        "vLLM --max-model-len auto: " + formula::count(length) +
        " tokens, the longest one request can hold in the KV cache" +
        (length == m.arch.maxPositions ? " (the model's trained length: all of it fits)" : ""));
  } else {
    p.notes.push_back(
        "vLLM --max-model-len auto: not even one request of " +
        formula::count(s.integer("generatedTokens") + 1) +
        " tokens fits in the KV cache, so vLLM refuses to start; shown at the context given");
  }
  return placed;
}

/// The scenario on `n` GPUs, split the engine's own way.
Scenario onGpus(const Scenario& s, std::int64_t n) {
  Scenario out = s.with("gpuCount", std::to_string(n));
  if (s.text("task") == "inference" && !splitsLayers(engineOf(s.text("engine")))) {
    out = out.with("tensorParallel", std::to_string(n)).with("pipelineParallel", "1");
  } else if (s.text("task") == "inference") {
    out = out.with("tensorParallel", "1").with("pipelineParallel", "1").with("expertParallel", "1");
  }
  return out;
}

/// The fewest GPUs of `memory` that run `s`, or 0.
std::int64_t fewestGpus(const Scenario& s, const ResolvedModel& m, double memory,
                        const Placement& current) {
  if (!m.architecture) {
    const std::int64_t perGpuTotal = s.integer("gpuCount");
    const double total = current.perGpu.totalBytes * static_cast<double>(perGpuTotal);
    const double n = std::ceil(total / memory);
    return n <= static_cast<double>(kMaxGpusSearched) ? std::max<std::int64_t>(1, std::int64_t(n))
                                                      : 0;
  }
  if (s.text("task") != "inference") {
    const auto t = trainingScenario(s, m);
    if (!t) return 0;
    const auto n = fewestGpusThatFit(*t, memory, kMaxGpusSearched);
    return n ? *n : 0;
  }
  // Inference: try 1, 2, 3 … GPUs (layer split) or the tensor-parallel sizes that divide the
  // heads; the per-GPU total falls as GPUs are added.
  const std::int64_t limit = std::min<std::int64_t>(1024, kMaxGpusSearched);
  for (std::int64_t n = 1; n <= limit; n = n < 8 ? n + 1 : n * 2) {
    if (scenarioFits(onGpus(s, n), m, memory)) return n;
  }
  return 0;
}

/// The GPU a scenario runs on: the catalog's, or one of the memory gpuMemory gives.
struct ChosenGpu {
  std::string id;
  std::string name;
  double memory = 0;  ///< what the GPU has: the catalog's memory, or gpuMemory
  double budget = 0;  ///< what a program may use of it by default (Apple: Metal's working set)
  std::string note;   ///< how the budget follows from the memory, when it differs or is custom
};

/// "2/3" for two thirds: the fractions platforms cap memory at, as people write them.
std::string fractionText(double f) {
  for (int denominator = 2; denominator <= 10; ++denominator) {
    const double numerator = f * denominator;
    if (std::fabs(numerator - std::round(numerator)) < 1e-9) {
      return formula::count(std::llround(numerator)) + "/" + formula::count(denominator);
    }
  }
  return formatNumber(f);
}

Result<ChosenGpu> chosenGpu(const Scenario& s) {
  ChosenGpu out;
  const std::string& gpuText = s.text("gpu");
  const bool named = gpuText != "custom" && (s.given("gpu") || s.text("gpuMemory").empty());
  if (named) {
    const auto gpu = findGpu(gpuText);
    if (!gpu) return gpu.error();
    out.id = std::string(gpu->id);
    out.name = std::string(gpu->name);
    out.memory = static_cast<double>(gpu->memoryBytes);
    out.budget = gpuBudgetBytes(*gpu);
    if (gpu->budgetFraction < 1) {
      out.note = "here " + fractionText(gpu->budgetFraction) + " × " + formatGiB(out.memory) +
                 " of unified memory, Metal's recommended working set by default (sudo sysctl "
                 "iogpu.wired_limit_mb raises it; then give the raised limit as gpuMemory)";
    }
  } else {
    out.id = "custom";
    out.name = "custom GPU";
  }
  if (!s.text("gpuMemory").empty()) {
    const auto custom = parseMemorySize(s.text("gpuMemory"));
    if (!custom) return custom.error();
    out.memory = out.budget = *custom;
    out.name += (named ? ", custom " : ", ") + formatGiB(*custom);
    out.note = "here the " + formatGiB(*custom) + " given as gpuMemory";
  }
  if (!(out.budget > 0)) {
    return makeError(ErrorCode::kInvalidArgument, "gpuMemory",
                     "A custom GPU needs its memory in gpuMemory, e.g. 24GiB.");
  }
  return out;
}

void fillLimits(Answer& a, const Scenario& given, const ResolvedModel& m, double memory) {
  // With vLLM's --max-model-len auto, the limits are searched around the length it chose.
  Scenario s = given;
  if (vllmAutoLength(given)) {
    s = given.with("maxModelLen", "context");
    if (const auto it = a.effective.find("maxModelLen"); it != a.effective.end()) {
      s = s.with("contextLength", it->second);
    }
  }
  const std::string& task = s.text("task");
  // A limit is searched on a field only where that field matters (llama.cpp sizes its context
  // with -c and -np instead).
  const bool encoder = m.architecture && m.arch.encoder.present;
  const auto applies = [&](const char* field) {
    return inapplicableReason(*findField(field), s, m.architecture && m.arch.isMoe(),
                              m.architecture && m.arch.vision.present(), encoder,
                              m.architecture && m.arch.slidingLayerCount() > 0,
                              m.architecture && m.arch.mtpLayers > 0)
        .empty();
  };
  if (m.architecture && applies("contextLength")) {
    const std::int64_t low = task == "inference" && !encoder ? s.integer("generatedTokens") + 1 : 1;
    const auto* context = findField("contextLength");
    a.maxContext = largestFitting(s, m, memory, "contextLength", low,
                                  static_cast<std::int64_t>(context->max), a.fits);
  }
  if ((m.architecture || task != "inference") && applies("batch")) {
    const auto* batch = findField("batch");
    a.maxBatch =
        largestFitting(s, m, memory, "batch", 1, static_cast<std::int64_t>(batch->max), a.fits);
  }
}

/// The most a run may reserve for its replay with expandable segments, whose 2 and 20 MiB
/// pages the allocator model maps one by one: 10 TB, fifty times the largest GPU.
constexpr double kMaxExpandableReplayBytes = 1e13;

/// The largest request a timeline is replayed with: the caching-allocator model counts bytes
/// in 64 bits, and a petabyte, beyond any GPU, keeps the sums of many requests exact.
constexpr double kMaxTimelineRequestBytes = 1e15;

Result<std::vector<TimelineEvent>> modelledTimeline(const Scenario& s, const ResolvedModel& m,
                                                    double memory);

/// The timeline of `s` when it is Transformers inference or training (a plain PyTorch loop)
/// on one GPU, the runs modelled as timelines, with `memory` as the GPU's budget; refused
/// when one of its tensors would pass kMaxTimelineRequestBytes.
Result<std::vector<TimelineEvent>> timelineOf(const Scenario& s, const ResolvedModel& m,
                                              double memory) {
  auto events = modelledTimeline(s, m, memory);
  if (!events) return events;
  for (const TimelineEvent& e : *events) {
    if (!(e.bytes <= kMaxTimelineRequestBytes)) {
      return fieldError("batch",
                        "One tensor of this run (" + std::string(e.tensor) +
                            ") would hold more than a petabyte; its timeline is not modelled. "
                            "Fewer sequences or a shorter context bring it within range.");
    }
  }
  return events;
}

/// timelineOf, before its requests are checked.
Result<std::vector<TimelineEvent>> modelledTimeline(const Scenario& s, const ResolvedModel& m,
                                                    double memory) {
  if (!m.architecture) {
    return fieldError("model", "Timelines are modelled from a model's architecture only.");
  }
  if (s.text("task") != "inference") {
    const auto t = trainingScenario(s, m);
    if (!t) return t.error();
    const auto sizes = trainingStepSizes(*t);
    if (!sizes) return sizes.error();
    return trainingTimeline(*t, *sizes);
  }
  if (engineOf(s.text("engine")) != EngineProfile::kTransformers) {
    return fieldError("engine", "Timelines are modelled for the transformers engine only.");
  }
  if (m.arch.encoder.present) {
    return fieldError("model",
                      "Timelines are modelled for generate(); an encoder runs one "
                      "forward, sized in the breakdown.");
  }
  Placement unused;
  auto options = inferenceOptions(s, m, memory, unused);
  if (!options) return options.error();
  if (s.integer("gpuCount") != 1 || options->parallel.gpuCount() != 1) {
    return fieldError("gpuCount", "Timelines are modelled for one GPU only.");
  }
  const auto weights = weightComponent(m.arch, *options);
  if (!weights) return weights.error();
  return transformersInferenceTimeline(m.arch, *options, weights->bytes);
}

/// The bytes of the component `name` of `b` (0 when absent).
double componentBytes(const Breakdown& b, std::string_view name) {
  for (const Component& c : b.components) {
    if (c.name == name) return c.bytes;
  }
  return 0;
}

/// Whether the capacity lies within `share` (the estimate's largest measured error) of the
/// total, on either side of the verdict, and the sentence that says so.
void markBorderline(Answer& a, double share) {
  a.measuredErrorShare = share;
  const double margin = share * a.perGpu.totalBytes;
  a.borderline = std::abs(a.capacityBytes - a.perGpu.totalBytes) <= margin;
  if (!a.borderline) return;
  a.borderlineNote = std::string("Borderline: the ") + (a.fits ? "headroom" : "shortfall") +
                     " is within " + formatNumber(share * 100, 1) + "% of the total (" +
                     formatBytes(margin) + "), the most this estimate has missed a measured run by";
}

/// What PyTorch holds at the peak (Transformers inference and training: the breakdowns
/// with a CUDA context and an allocator reserve), and for a run modelled as a timeline the
/// smallest memory it runs in: the context, the peak of live tensors, and what the replay
/// of the timeline through the caching-allocator model cannot release when memory runs
/// short (its minimum capacity above its own peak allocation), at most the total.
void fillAllocatorView(Answer& a, const Scenario& s, const ResolvedModel& m, double memory) {
  const double context = componentBytes(a.perGpu, "cuda_context");
  const double reserve = componentBytes(a.perGpu, "allocator_reserve");
  if (!m.architecture || context <= 0 || reserve <= 0) return;
  a.nvidiaSmiBytes = a.perGpu.totalBytes;
  a.peakReservedBytes = a.perGpu.totalBytes - context;
  a.peakAllocatedBytes = a.peakReservedBytes - reserve;
  const auto events = timelineOf(s, m, memory);
  if (!events || events->empty()) return;
  const TimelineSummary replay = summarizeTimeline(*events);
  const double unreleasable =
      std::max(0.0, replay.minimumCapacityBytes - replay.peakAllocatedBytes);
  a.minimumCapacityBytes =
      std::min(a.perGpu.totalBytes, context + a.peakAllocatedBytes + unreleasable);
  // Expandable segments grow one mapping per pool instead of cutting a segment per request,
  // so freed blocks merge with their neighbours and serve larger requests. Their pages are
  // replayed one by one: beyond kMaxExpandableReplayBytes the saving is not shown.
  if (replay.peakReservedBytes <= kMaxExpandableReplayBytes) {
    const double cached = replay.peakReservedBytes - replay.peakAllocatedBytes;
    a.expandableSavingBytes = std::clamp(cached - cachedAtPeakBytes(*events, true), 0.0, reserve);
    a.expandableNvidiaSmiBytes = a.nvidiaSmiBytes - a.expandableSavingBytes;
  }
  markBorderline(a, s.text("task") == "inference" ? kInferenceMeasuredErrorShare
                                                  : kTrainingMeasuredErrorShare);
}

}  // namespace

Result<Answer> evaluate(const Scenario& s, AnswerDepth depth) {
  const auto model = resolveModel(s);
  if (!model) return model.error();
  const auto gpu = chosenGpu(s);
  if (!gpu) return gpu.error();
  Answer a;
  a.gpuId = gpu->id;
  a.gpuName = gpu->name;
  // Every verdict, count and limit below is against what a program may use of one GPU.
  const double memory = gpu->budget;
  auto placement = place(s, *model, memory);
  if (!placement) return placement.error();
  Placement& p = placement.value();
  a.method = model->architecture ? "architecture" : "parameter-count";
  a.modelLabel = model->label;
  a.modelId = model->catalogId;
  a.modelType = model->architecture ? model->arch.modelType : "";
  a.parameters = model->parameters;
  a.maxPositions = model->architecture ? model->arch.maxPositions : 0;
  a.mixtureOfExperts = model->architecture && model->arch.isMoe();
  if (model->architecture && model->arch.vision.present()) {
    a.tokensPerImage = model->arch.vision.tokensPerImage;
    a.visionParameters = countVisionParameters(model->arch.vision).total();
    a.visionEncoder = model->arch.vision.kind;
  }
  a.gpuMemoryBytes = gpu->memory;
  a.capacityBytes = p.capacityBytes;
  a.capacityFormula = gpu->note.empty() ? p.capacityFormula : p.capacityFormula + "; " + gpu->note;
  a.gpuCount = s.integer("gpuCount");
  a.gpusInUse = p.gpusInUse;
  a.gpusPerReplica = p.gpusPerReplica;
  a.replicas = p.replicas;
  a.layout = p.layout;
  a.fits = fitsIn(p);
  a.headroomBytes = p.capacityBytes - p.perGpu.totalBytes;
  a.cpuBytes = p.cpuBytes;
  a.nvmeBytes = p.nvmeBytes;
  a.peakPhase = p.peakPhase;
  a.dataParallel = p.dataParallel;
  a.trainableParameters = p.trainableParameters;
  a.notes = std::move(p.notes);
  a.effective = std::move(p.effective);
  if (!model->note.empty()) a.notes.insert(a.notes.begin(), model->note);
  if (model->architecture && model->arch.encoder.present) {
    a.encoder = true;
    a.notes.insert(a.notes.begin(),
                   model->arch.modelType +
                       " is an encoder (embeddings, reranking): one bidirectional forward over "
                       "batch × sequence tokens, no KV cache and no decode; sized as "
                       "transformers runs it, whatever the engine");
  }
  // A config.json whose model_type has no mapping of its own: say what it was read from.
  if (model->architecture && model->arch.readGenerically) {
    a.notes.insert(a.notes.begin(), model->arch.genericReadingNote());
  }
  if (!model->architecture) {
    a.jobBytes = p.perGpu.totalBytes * static_cast<double>(p.gpusInUse);
  }
  if (depth.gpusNeeded) a.gpusNeeded = fewestGpus(s, *model, memory, p);
  a.perGpu = std::move(p.perGpu);
  if (depth.allocatorView) fillAllocatorView(a, s, *model, memory);
  if (depth.limits) fillLimits(a, s, *model, memory);
  if (depth.suggestions && !a.fits) a.suggestions = suggestChanges(s, a);
  return a;
}

Result<std::vector<SweepPoint>> sweep(const Scenario& s, std::string_view field,
                                      std::span<const std::int64_t> points) {
  if (field != "contextLength" && field != "batch") {
    return makeError(ErrorCode::kInvalidArgument, std::string(field),
                     "Only contextLength and batch can be swept.");
  }
  const auto model = resolveModel(s);
  if (!model) return model.error();
  const auto gpu = chosenGpu(s);
  if (!gpu) return gpu.error();
  const double memory = gpu->budget;
  std::vector<SweepPoint> out;
  for (const std::int64_t x : points) {
    const auto p = place(s.with(field, std::to_string(x)), *model, memory);
    if (p) out.push_back({x, p->perGpu.totalBytes, fitsIn(*p)});
  }
  return out;
}

namespace {

/// What a placement reads of a GPU: the budget a program may use of it, and vLLM's default
/// scheduler limits, which follow the GPU's name (an A100 keeps the small ones). Two GPUs
/// alike in these get the same row of the GPU table, so it is computed once.
using GpuTraits = std::tuple<double, std::int64_t, std::int64_t, std::int64_t, std::int64_t>;
GpuTraits traitsOf(const GpuSpec& gpu) {
  const double memory = gpuBudgetBytes(gpu);
  const auto serve = vllmSchedulerDefaults(memory, gpu.id, VllmEntrypoint::kServe);
  const auto llm = vllmSchedulerDefaults(memory, gpu.id, VllmEntrypoint::kLlm);
  return {memory, serve.maxNumBatchedTokens, serve.maxNumSeqs, llm.maxNumBatchedTokens,
          llm.maxNumSeqs};
}

}  // namespace

Result<std::vector<GpuFit>> gpuTable(const Scenario& s) {
  const auto model = resolveModel(s);
  if (!model) return model.error();
  std::vector<GpuFit> rows;
  std::map<GpuTraits, GpuFit> answered;
  for (const GpuSpec& gpu : gpuCatalog()) {
    const GpuTraits traits = traitsOf(gpu);
    if (const auto same = answered.find(traits); same != answered.end()) {
      GpuFit row = same->second;
      row.gpuId = std::string(gpu.id);
      row.gpuName = std::string(gpu.name);
      rows.push_back(row);
      continue;
    }
    const Scenario here = s.with("gpu", std::string(gpu.id)).with("gpuMemory", "");
    const double memory = gpuBudgetBytes(gpu);  // what a program may use of it
    GpuFit row{std::string(gpu.id), std::string(gpu.name), memory, 0, 0, 0};
    const auto current = place(here, *model, memory);
    if (current) row.gpusNeeded = fewestGpus(here, *model, memory, *current);
    if (row.gpusNeeded > 0) {
      const Scenario needed = model->architecture
                                  ? onGpus(here, row.gpusNeeded)
                                  : here.with("gpuCount", std::to_string(row.gpusNeeded));
      if (const auto p = place(needed, *model, memory)) {
        row.perGpuBytes = p->perGpu.totalBytes;
        row.headroomBytes = p->capacityBytes - p->perGpu.totalBytes;
      }
    }
    answered.emplace(traits, row);
    rows.push_back(row);
  }
  std::stable_sort(rows.begin(), rows.end(), [](const GpuFit& a, const GpuFit& b) {
    if ((a.gpusNeeded > 0) != (b.gpusNeeded > 0)) return a.gpusNeeded > 0;
    if (a.gpusNeeded != b.gpusNeeded) return a.gpusNeeded < b.gpusNeeded;
    return a.headroomBytes > b.headroomBytes;
  });
  return rows;
}

}  // namespace gpumem

namespace gpumem {

Result<std::vector<TimelineEvent>> scenarioTimeline(const Scenario& s) {
  const auto model = resolveModel(s);
  if (!model) return model.error();
  const auto gpu = chosenGpu(s);
  if (!gpu) return gpu.error();
  return timelineOf(s, *model, gpu->budget);
}

}  // namespace gpumem
