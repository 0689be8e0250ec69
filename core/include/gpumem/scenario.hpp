// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// One scenario, defined once: the schema of every input (name, type, unit, default, range,
// where it applies, its link key, its CLI flag, a line of help) and a scenario's values
// validated against it. The CLI's flags, the link codec, the wasm bindings and the page's
// form are all driven by this table.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gpumem/result.hpp"

namespace gpumem {

/// What values a field takes.
enum class FieldType {
  kInteger,  ///< a whole number within [min, max]; "auto" too when that is the default
  kDecimal,  ///< a decimal number within [min, max]; "auto" too when that is the default
  kChoice,   ///< one of `choices` (some fields also accept other names their parser knows)
  kBoolean,  ///< "true" or "false" (also 1/0, on/off, yes/no)
  kText,     ///< free text (a model id, a parameter count, LoRA target names)
  kFile,     ///< a document: the CLI reads it from a path, the page from a drop or paste
};

/// The short name of a field type, as `gpumem schema --json` prints it.
std::string_view fieldTypeName(FieldType type);

/// One menu entry of a choice field.
struct FieldChoice {
  std::string_view id;     ///< the value, e.g. "zero3"
  std::string_view label;  ///< for people, e.g. "ZeRO-3 / FSDP full shard"
};

/// Bit sets of the situations a field applies to.
namespace applies {
inline constexpr unsigned kInference = 1u << 0;
inline constexpr unsigned kFull = 1u << 1;
inline constexpr unsigned kLora = 1u << 2;
inline constexpr unsigned kQlora = 1u << 3;
inline constexpr unsigned kTraining = kFull | kLora | kQlora;
inline constexpr unsigned kAdapters = kLora | kQlora;
inline constexpr unsigned kAllTasks = kInference | kTraining;

inline constexpr unsigned kArchitecture = 1u << 0;    ///< a model, config.json or file
inline constexpr unsigned kParameterCount = 1u << 1;  ///< a bare parameter count
inline constexpr unsigned kAllMethods = kArchitecture | kParameterCount;

inline constexpr unsigned kTransformers = 1u << 0;
inline constexpr unsigned kVllm = 1u << 1;
inline constexpr unsigned kLlamaCpp = 1u << 2;
inline constexpr unsigned kTensorRtLlm = 1u << 3;
inline constexpr unsigned kSglang = 1u << 4;
inline constexpr unsigned kOllama = 1u << 5;
inline constexpr unsigned kMlx = 1u << 6;
inline constexpr unsigned kAllEngines =
    kTransformers | kVllm | kLlamaCpp | kTensorRtLlm | kSglang | kOllama | kMlx;
}  // namespace applies

/// Further conditions on the scenario for a field to matter.
enum class FieldCondition {
  kNone,
  kSharded,                     ///< sharding is not DDP (offload)
  kTensorParallel,              ///< tensor parallel > 1 (sequence parallel)
  kMixtureOfExperts,            ///< the model routes to experts (expert parallel)
  kNotTrainingArchitecture,     ///< not training from an architecture (the recipe decides)
  kNotParameterCountInference,  ///< not inference by the parameter-count method
  kHybridOrOffload,             ///< hybrid sharding or offload (what is counted per node)
  kVisionModel,                 ///< the model has a vision tower (images per request)
  kShardsParameters,            ///< ZeRO-3 or FSDP shards the parameters over 2+ GPUs
  kDeepSpeedZero12,             ///< DeepSpeed ZeRO-1 or ZeRO-2 over 2+ GPUs
  kDeepSpeedZero3,              ///< DeepSpeed ZeRO-3 over 2+ GPUs
  kDeepSpeedZero,               ///< DeepSpeed ZeRO-1, 2 or 3 over 2+ GPUs
  kFsdpSharding,                ///< FSDP full or hybrid shard over 2+ GPUs
  kSlidingWindow,               ///< the model has sliding-window attention layers (--swa-full)
  kZero3Offload,                ///< DeepSpeed ZeRO-3 with something offloaded
  kMtpModel,                    ///< the model has multi-token-prediction layers
  kSpeculativeTokens,           ///< MTP layers, or an EAGLE head drafts (speculativeMethod)
  kEagle3Head,                  ///< an EAGLE-3 head drafts (speculativeMethod eagle3)
};

/// Where a field applies: tasks, estimation methods and (for inference) engines.
struct FieldScope {
  unsigned tasks = applies::kAllTasks;
  unsigned methods = applies::kAllMethods;
  unsigned engines = applies::kAllEngines;  ///< checked for inference only
  FieldCondition condition = FieldCondition::kNone;
};

/// One input of a scenario.
struct FieldSpec {
  std::string_view name;  ///< the one name: errors, JSON, the page's data-field
  FieldType type;
  std::string_view defaultValue;  ///< canonical text of the default ("" = none; "auto" = the
                                  ///< engine's own default, which the answer's effective names)
  double min = 0;                 ///< numbers: the smallest value accepted
  double max = 0;                 ///< numbers: the largest; text: the longest length
  std::string_view unit;          ///< e.g. "tokens", "%", "" when none
  FieldScope scope;
  std::string_view link;                      ///< key in a shareable link; "" = never in a link
  std::string_view flag;                      ///< CLI option without the dashes; "" = page only
  std::string_view help;                      ///< one line for people
  std::span<const FieldChoice> choices = {};  ///< choice fields: the menu, in order
};

/// Every input, in the order the page shows them.
std::span<const FieldSpec> scenarioSchema();

/// The field called `name`, or nullptr.
const FieldSpec* findField(std::string_view name);

/// The field whose CLI flag is `flag` (without dashes), or nullptr.
const FieldSpec* findFieldByFlag(std::string_view flag);

/// The field whose link key is `key`, or nullptr.
const FieldSpec* findFieldByLink(std::string_view key);

/// Of `candidates`, the one nearest to `typed` by edit distance (for "did you mean"), or ""
/// when none is close.
std::string nearestName(std::string_view typed, std::span<const std::string> candidates);

/// How strictly given values are checked against where they apply.
enum class Strictness {
  kStrict,   ///< the CLI: a value given for a field that does not apply is an error
  kLenient,  ///< the page and links: such values are kept but ignored
};

/// A validated scenario: the values given (canonical text), and the schema's default for
/// every field not given.
class Scenario {
 public:
  /// The canonical text of a field: the given value, else its default.
  const std::string& text(std::string_view name) const;
  /// Whether the field was given (not defaulted).
  bool given(std::string_view name) const;
  /// A numeric field's value.
  double number(std::string_view name) const;
  /// An integer field's value.
  std::int64_t integer(std::string_view name) const;
  /// A boolean field's value.
  bool flag(std::string_view name) const;
  /// Returns a copy with one field set (the value must be canonical and valid).
  Scenario with(std::string_view name, std::string value) const;
  /// The values given (by with() too), by field name.
  std::map<std::string, std::string, std::less<>> givenValues() const;

 private:
  using Values = std::map<std::string, std::string, std::less<>>;
  friend Result<Scenario> parseScenario(const Values&, Strictness);
  /// The values as parsed and the schema's defaults, shared by every copy: a search copies
  /// the scenario once per step and changes one field, so a copy holds only its changes.
  std::shared_ptr<const Values> given_;
  std::shared_ptr<const Values> defaults_;
  /// Fields set by with(), at most one entry per field.
  std::vector<std::pair<std::string, std::string>> changes_;
  std::string empty_;
};

/// Validates `values` (field name → text) against the schema: unknown names, values of the
/// wrong type or outside the range, and choices not offered fail with an Error naming the
/// field (unknown names suggest the nearest field). Strict mode also rejects values given
/// for fields that do not apply to the chosen task, method or engine.
Result<Scenario> parseScenario(const std::map<std::string, std::string, std::less<>>& values,
                               Strictness strictness);

/// The scenario of the schema's defaults alone.
Scenario defaultScenario();

/// Whether `field` matters in `scenario`: "" when it does, else the reason it does not
/// (e.g. "applies to vLLM only"), which the page shows next to the disabled input.
/// `mixtureOfExperts` says whether the scenario's model routes to experts, `visionModel`
/// whether it has a vision tower, `encoderModel` whether it is a bidirectional encoder (whose
/// inference generates nothing, caches nothing and is sized as transformers runs it),
/// `slidingWindowModel` whether some of its attention layers see a sliding window, `mtpModel`
/// whether it carries multi-token-prediction layers.
std::string inapplicableReason(const FieldSpec& field, const Scenario& scenario,
                               bool mixtureOfExperts, bool visionModel = true,
                               bool encoderModel = false, bool slidingWindowModel = true,
                               bool mtpModel = true);

/// Whether one choice of a field matters in `scenario`: "" when it does, else why not (e.g.
/// selective checkpointing recomputes scores that SDPA never stores).
std::string inapplicableChoiceReason(const FieldSpec& field, std::string_view choice,
                                     const Scenario& scenario);

/// The estimation method of a scenario: architecture-aware when a model, config.json or
/// model file is given, else the parameter-count method.
bool usesArchitecture(const Scenario& scenario);

}  // namespace gpumem
