// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// Validating a scenario's values against the schema, and where each field applies.
#include "gpumem/scenario.hpp"

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <vector>

#include "gpumem/format.hpp"
#include "gpumem/gpu_catalog.hpp"
#include "gpumem/inference.hpp"
#include "gpumem/kv_cache.hpp"
#include "gpumem/lora.hpp"
#include "gpumem/parameter_count.hpp"
#include "gpumem/precision.hpp"
#include "gpumem/weight_format.hpp"
#include "text.hpp"

namespace gpumem {
namespace {

Error invalid(const FieldSpec& f, const std::string& why) {
  return makeError(ErrorCode::kInvalidArgument, std::string(f.name),
                   std::string(f.name) + " " + why);
}

std::string rangeText(const FieldSpec& f) {
  return formatCount(f.min) + " to " + formatCount(f.max);
}

Result<std::string> canonicalNumber(const FieldSpec& f, std::string_view value) {
  // A number whose default is the engine's own ("auto") takes "auto", or nothing, for it.
  const std::string word = text::lower(text::trim(value));
  if (f.defaultValue == "auto" && (word == "auto" || word.empty())) return std::string("auto");
  const auto parsed = text::parseDecimal(text::trim(value));
  const bool whole = f.type == FieldType::kInteger;
  const std::string kind = whole ? "a whole number" : "a number";
  if (!parsed || !std::isfinite(*parsed)) {
    return invalid(f, "must be " + kind + " from " + rangeText(f) +
                          (f.defaultValue == "auto" ? ", or auto" : "") + "; got " +
                          text::quote(value) + ".");
  }
  if (whole && *parsed != std::floor(*parsed)) {
    return invalid(f, "must be a whole number; got " + text::quote(value) + ".");
  }
  if (*parsed < f.min || *parsed > f.max) {
    return makeError(ErrorCode::kOutOfRange, std::string(f.name),
                     std::string(f.name) + " must be from " + rangeText(f) + "; got " +
                         text::quote(value) + ".");
  }
  return formatNumber(*parsed, 6);
}

Result<std::string> canonicalBoolean(const FieldSpec& f, std::string_view value) {
  const std::string v = text::lower(text::trim(value));
  if (v == "true" || v == "1" || v == "on" || v == "yes" || v.empty()) return std::string("true");
  if (v == "false" || v == "0" || v == "off" || v == "no") return std::string("false");
  return invalid(f, "must be true or false; got " + text::quote(value) + ".");
}

std::string choiceList(const FieldSpec& f) {
  std::string out;
  for (const FieldChoice& c : f.choices) {
    if (!out.empty()) out += ", ";
    out += c.id;
  }
  return out;
}

/// Names a choice field accepts beyond its menu, checked by the parser of that kind.
bool acceptedByParser(const FieldSpec& f, const std::string& v) {
  if (f.name == "precision") return parsePrecision(v).ok() || parseWeightFormat(v).ok();
  if (f.name == "kvDtype") return parseKvCacheBytesPerValue(v).ok();
  if (f.name == "gpu") return findGpu(v).ok();
  return false;
}

Result<std::string> canonicalChoice(const FieldSpec& f, std::string_view value) {
  const std::string v = text::lower(text::trim(value));
  for (const FieldChoice& c : f.choices) {
    if (c.id == v) return v;
  }
  if (acceptedByParser(f, v)) return v;
  // A vLLM release names the accounting of its range: 0.9.1 → 0.9, 0.12 → 0.10, 0.27 → 0.21.
  if (f.name == "engineVersion") {
    if (const auto version = parseVllmVersion(v)) return std::string(vllmVersionName(*version));
  }
  if (f.name == "gpu") {
    return invalid(f, "has no GPU " + text::quote(value) + "; gpumem gpus lists them.");
  }
  std::vector<std::string> ids;
  for (const FieldChoice& c : f.choices) ids.emplace_back(c.id);
  const std::string near = nearestName(v, ids);
  return invalid(f, "has no choice " + text::quote(value) + "; use " + choiceList(f) +
                        (near.empty() ? "." : " (did you mean " + near + "?)."));
}

bool isPrintable(std::string_view value) {
  for (const char c : value) {
    if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\r' && c != '\t') return false;
  }
  return true;
}

Result<std::string> canonicalText(const FieldSpec& f, std::string_view value) {
  const std::string v(f.type == FieldType::kFile ? value : text::trim(value));
  if (v.size() > static_cast<std::size_t>(f.max)) {
    return makeError(ErrorCode::kOutOfRange, std::string(f.name),
                     std::string(f.name) + " is too long (" + formatCount(double(v.size())) +
                         " characters; at most " + formatCount(f.max) + ").");
  }
  if (!isPrintable(v)) return invalid(f, "has control characters.");
  if (f.name == "params" && !v.empty()) {
    const auto count = parseParameterCount(v);
    if (!count) return count.error();
  }
  if (f.name == "gpuMemory" && !v.empty()) return canonicalMemorySize(v);
  if (f.name == "loraTargets") {
    const auto targets = parseLoraTargets(v);
    if (!targets) return targets.error();
  }
  return v;
}

Result<std::string> canonicalValue(const FieldSpec& f, std::string_view value) {
  switch (f.type) {
    case FieldType::kInteger:
    case FieldType::kDecimal:
      return canonicalNumber(f, value);
    case FieldType::kBoolean:
      return canonicalBoolean(f, value);
    case FieldType::kChoice:
      return canonicalChoice(f, value);
    case FieldType::kText:
    case FieldType::kFile:
      return canonicalText(f, value);
  }
  return std::string(value);
}

unsigned taskBit(const std::string& task) {
  if (task == "full") return applies::kFull;
  if (task == "lora") return applies::kLora;
  if (task == "qlora") return applies::kQlora;
  return applies::kInference;
}

unsigned engineBit(const std::string& engine) {
  if (engine == "vllm") return applies::kVllm;
  if (engine == "llama.cpp") return applies::kLlamaCpp;
  if (engine == "tensorrt-llm") return applies::kTensorRtLlm;
  if (engine == "sglang") return applies::kSglang;
  if (engine == "ollama") return applies::kOllama;
  if (engine == "mlx") return applies::kMlx;
  return applies::kTransformers;
}

std::string tasksText(unsigned tasks) {
  if (tasks == applies::kInference) return "inference";
  if (tasks == applies::kTraining) return "training";
  if (tasks == applies::kAdapters) return "LoRA and QLoRA";
  if (tasks == (applies::kInference | applies::kFull)) return "inference and full training";
  if (tasks == applies::kFull) return "full training";
  return "other tasks";
}

std::string enginesText(unsigned engines) {
  std::string out;
  const std::pair<unsigned, const char*> names[] = {{applies::kTransformers, "Transformers"},
                                                    {applies::kVllm, "vLLM"},
                                                    {applies::kLlamaCpp, "llama.cpp"},
                                                    {applies::kTensorRtLlm, "TensorRT-LLM"},
                                                    {applies::kSglang, "SGLang"},
                                                    {applies::kOllama, "Ollama"},
                                                    {applies::kMlx, "MLX"}};
  for (const auto& [bit, name] : names) {
    if (!(engines & bit)) continue;
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

/// Whether `s` shards its training over two or more GPUs with one of `shardings`.
bool shardedWith(const Scenario& s, std::initializer_list<std::string_view> shardings) {
  return s.integer("gpuCount") > 1 &&
         std::find(shardings.begin(), shardings.end(), s.text("sharding")) != shardings.end();
}

std::string conditionReason(FieldCondition condition, const Scenario& s, bool moe, bool vision,
                            bool sliding, bool mtp, bool architecture) {
  const std::string& task = s.text("task");
  switch (condition) {
    case FieldCondition::kNone:
      return "";
    case FieldCondition::kSharded:
      return s.text("sharding") == "ddp" ? "needs ZeRO or FSDP sharding (DDP keeps everything)"
                                         : "";
    case FieldCondition::kTensorParallel:
      return s.integer("tensorParallel") > 1 ? "" : "needs tensor parallel above 1";
    case FieldCondition::kMixtureOfExperts:
      return moe ? "" : "needs a mixture-of-experts model";
    case FieldCondition::kVisionModel:
      return vision ? "" : "needs a vision-language model (one with a vision tower)";
    case FieldCondition::kSlidingWindow:
      return sliding ? "" : "needs a model with sliding-window attention layers";
    case FieldCondition::kMtpModel:
      return mtp ? ""
                 : "needs a model with multi-token-prediction layers (DeepSeek-V3/R1, GLM-4.5, "
                   "Qwen3-Next, MiMo)";
    case FieldCondition::kSpeculativeTokens:
      return mtp || s.text("speculativeMethod") != "none"
                 ? ""
                 : "needs a model with multi-token-prediction layers (DeepSeek-V3/R1, GLM-4.5, "
                   "Qwen3-Next, MiMo) or an EAGLE head (speculativeMethod)";
    case FieldCondition::kEagle3Head:
      return s.text("speculativeMethod") == "eagle3"
                 ? ""
                 : "needs an EAGLE-3 head (speculativeMethod eagle3)";
    case FieldCondition::kNotTrainingArchitecture:
      return task != "inference" && architecture
                 ? "is set by the precision recipe when training from an architecture"
                 : "";
    case FieldCondition::kHybridOrOffload:
      return s.text("sharding") == "fsdp-hybrid" ||
                     (s.text("sharding") != "ddp" && s.text("offload") != "none")
                 ? ""
                 : "needs hybrid sharding or CPU offload (what is counted per node)";
    case FieldCondition::kShardsParameters:
      return shardedWith(s, {"zero3", "fsdp", "fsdp-hybrid"})
                 ? ""
                 : "needs ZeRO-3 or FSDP sharding the parameters over two or more GPUs (the "
                   "bytes are the same; only whether they can be sharded differs)";
    case FieldCondition::kDeepSpeedZero12:
      return shardedWith(s, {"zero1", "zero2"})
                 ? ""
                 : "needs DeepSpeed ZeRO-1 or ZeRO-2 over two or more GPUs (ZeRO-3 keeps one "
                   "gradient bucket whatever overlap_comm says)";
    case FieldCondition::kDeepSpeedZero:
      return shardedWith(s, {"zero1", "zero2", "zero3"})
                 ? ""
                 : "needs DeepSpeed ZeRO (zero1, zero2 or zero3) over two or more GPUs";
    case FieldCondition::kDeepSpeedZero3:
      return shardedWith(s, {"zero3"}) ? "" : "needs DeepSpeed ZeRO-3 over two or more GPUs";
    case FieldCondition::kFsdpSharding:
      return shardedWith(s, {"fsdp", "fsdp-hybrid"})
                 ? ""
                 : "needs FSDP (full or hybrid shard) over two or more GPUs";
    case FieldCondition::kZero3Offload:
      return s.text("sharding") == "zero3" && s.text("offload") != "none"
                 ? ""
                 : "needs DeepSpeed ZeRO-3 with an offload (NVMe offload is ZeRO-3's)";
    case FieldCondition::kNotParameterCountInference:
      return task == "inference" && !architecture
                 ? "is not used by the parameter-count method for inference; choose a model"
                 : "";
  }
  return "";
}

}  // namespace

const std::string& Scenario::text(std::string_view name) const {
  for (const auto& [field, value] : changes_) {
    if (field == name) return value;
  }
  if (given_) {
    if (const auto it = given_->find(name); it != given_->end()) return it->second;
  }
  if (defaults_) {
    if (const auto it = defaults_->find(name); it != defaults_->end()) return it->second;
  }
  return empty_;
}

bool Scenario::given(std::string_view name) const {
  for (const auto& change : changes_) {
    if (change.first == name) return true;
  }
  return given_ && given_->find(name) != given_->end();
}

Scenario::Values Scenario::givenValues() const {
  Values out = given_ ? *given_ : Values{};
  for (const auto& [field, value] : changes_) out.insert_or_assign(field, value);
  return out;
}

double Scenario::number(std::string_view name) const {
  return text::parseDecimal(text(name)).value_or(0);
}

std::int64_t Scenario::integer(std::string_view name) const {
  return static_cast<std::int64_t>(std::llround(number(name)));
}

bool Scenario::flag(std::string_view name) const { return text(name) == "true"; }

Scenario Scenario::with(std::string_view name, std::string value) const {
  Scenario copy = *this;
  for (auto& change : copy.changes_) {
    if (change.first == name) {
      change.second = std::move(value);
      return copy;
    }
  }
  copy.changes_.emplace_back(std::string(name), std::move(value));
  return copy;
}

Scenario defaultScenario() { return *parseScenario({}, Strictness::kLenient); }

bool usesArchitecture(const Scenario& s) {
  if (!s.text("file").empty() || !s.text("config").empty()) return true;
  if (s.given("model")) return !s.text("model").empty();
  return s.text("params").empty() && !s.text("model").empty();
}

/// Why a field does not matter for an encoder's inference ("" when it does): nothing is
/// generated or cached, and the forward is sized as transformers runs it.
std::string encoderReason(const FieldSpec& f) {
  if (f.name == "generatedTokens") {
    return "an encoder generates no tokens: one forward reads each whole sequence";
  }
  if (f.name == "kvDtype") return "an encoder keeps no KV cache";
  if (f.name == "engine") {
    return "an encoder (embeddings, reranking) is sized as transformers runs its one forward";
  }
  return "";
}

std::string inapplicableReason(const FieldSpec& f, const Scenario& s, bool moe, bool vision,
                               bool encoder, bool sliding, bool mtp) {
  const bool architecture = usesArchitecture(s);
  const unsigned task = taskBit(s.text("task"));
  if (!(f.scope.tasks & task)) return "applies to " + tasksText(f.scope.tasks) + " only";
  const unsigned method = architecture ? applies::kArchitecture : applies::kParameterCount;
  if (!(f.scope.methods & method)) {
    return architecture
               ? "applies to the parameter-count method only (a model is sized from its "
                 "architecture)"
               : "needs a model's architecture; the parameter-count method does not use it";
  }
  const bool encoderInference = encoder && architecture && task == applies::kInference;
  if (encoderInference) {
    if (std::string why = encoderReason(f); !why.empty()) return why;
  }
  const unsigned engine = encoderInference ? applies::kTransformers : engineBit(s.text("engine"));
  if (task == applies::kInference && !(f.scope.engines & engine)) {
    return "applies to " + enginesText(f.scope.engines) + " only";
  }
  return conditionReason(f.scope.condition, s, moe, vision, sliding, mtp, architecture);
}

std::string inapplicableChoiceReason(const FieldSpec& f, std::string_view choice,
                                     const Scenario& s) {
  if (f.name == "checkpointing" && choice == "selective" && s.text("attention") != "eager") {
    return "selective checkpointing recomputes only the attention scores, which fused "
           "attention never stores: it is the same as none here";
  }
  if (f.name == "gpu" && choice == "custom" && s.text("gpuMemory").empty()) {
    return "a custom GPU needs its memory in gpuMemory first (e.g. 24GiB)";
  }
  if (f.name == "recipe" && s.text("task") == "lora" &&
      (choice == "fp16-master" || choice == "bf16-master")) {
    return "LoRA's adapters are fp32 already and the base is frozen: a master copy changes "
           "nothing, the same as bf16";
  }
  return "";
}

Result<Scenario> parseScenario(const std::map<std::string, std::string, std::less<>>& values,
                               Strictness strictness) {
  Scenario s;
  auto defaults = std::make_shared<Scenario::Values>();
  for (const FieldSpec& f : scenarioSchema()) defaults->emplace(f.name, f.defaultValue);
  s.defaults_ = std::move(defaults);
  auto given = std::make_shared<Scenario::Values>();
  for (const auto& [name, value] : values) {
    const FieldSpec* f = findField(name);
    if (!f) {
      std::vector<std::string> names;
      for (const FieldSpec& field : scenarioSchema()) names.emplace_back(field.name);
      const std::string near = nearestName(name, names);
      return makeError(ErrorCode::kInvalidArgument, name,
                       "There is no input called " + text::quote(name) +
                           (near.empty() ? "." : "; did you mean " + near + "?"));
    }
    auto canonical = canonicalValue(*f, value);
    if (!canonical) return canonical.error();
    given->insert_or_assign(name, std::move(canonical).value());
  }
  s.given_ = std::move(given);
  if (strictness == Strictness::kStrict) {
    if (s.text("gpu") == "custom" && s.text("gpuMemory").empty()) {
      return makeError(ErrorCode::kInvalidArgument, "gpuMemory",
                       "A custom GPU needs its memory in gpuMemory, e.g. 24GiB or 24GB.");
    }
    if (!s.text("model").empty() && s.given("model") && !s.text("params").empty()) {
      return makeError(ErrorCode::kInvalidArgument, "params",
                       "Give either a model or a parameter count, not both.");
    }
    for (const auto& [name, value] : *s.given_) {
      const FieldSpec& field = *findField(name);
      const std::string why = inapplicableReason(field, s, true);
      if (!why.empty()) {
        return makeError(ErrorCode::kInvalidArgument, name,
                         name + " does not apply here: it " + why + ".");
      }
      const std::string choiceWhy = inapplicableChoiceReason(field, value, s);
      if (!choiceWhy.empty()) {
        return makeError(ErrorCode::kInvalidArgument, name,
                         name + " " + value + " does not apply here: " + choiceWhy + ".");
      }
    }
  }
  // A generatedTokens given with the context must leave a prompt. The default (256) is
  // checked by the decoder's estimate instead: an encoder's short sequence has no such split.
  if (usesArchitecture(s) && s.text("task") == "inference" && s.given("generatedTokens") &&
      s.integer("generatedTokens") >= s.integer("contextLength")) {
    return makeError(ErrorCode::kOutOfRange, "generatedTokens",
                     "generatedTokens must be less than contextLength (" + s.text("contextLength") +
                         "): the prompt needs at least one token.");
  }
  return s;
}

}  // namespace gpumem
