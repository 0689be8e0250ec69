// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// One answer per scenario: the per-GPU breakdown, the GPUs in use, the verdict and its
// headroom, the fewest GPUs that run it and the largest context and batch that fit — every
// number the CLI prints and the page shows, computed once here.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gpumem/breakdown.hpp"
#include "gpumem/result.hpp"
#include "gpumem/scenario.hpp"

namespace gpumem {

/// A change that makes a scenario need less memory, checked by estimating it again.
struct Suggestion {
  std::string label;                           ///< for people: "Turn on gradient checkpointing"
  std::map<std::string, std::string> changes;  ///< field → value, to apply in one click
  double totalBytes = 0;                       ///< per GPU after the change
  double savedBytes = 0;                       ///< per GPU, against the scenario as it is
  bool fits = false;                           ///< whether the changed scenario fits
};

/// Everything gpumem says about one scenario.
struct Answer {
  std::string method;      ///< "architecture" or "parameter-count"
  std::string modelLabel;  ///< the catalog name, the file's name, "config.json" or "70B parameters"
  std::string modelId;     ///< the catalog id, or ""
  std::string modelType;   ///< config.json model_type, or ""
  double parameters = 0;   ///< of the whole model
  std::int64_t maxPositions = 0;  ///< the context the model was trained for (0: unknown)
  bool mixtureOfExperts = false;
  bool encoder = false;  ///< a bidirectional encoder: one forward, no KV cache, no decode
  /// A vision-language model's tower: tokens one image adds to the context (0: no tower),
  /// the tower's parameters (encoder + projector) and its encoder family.
  std::int64_t tokensPerImage = 0;
  double visionParameters = 0;
  std::string visionEncoder;

  Breakdown perGpu;  ///< the most loaded GPU's components and total

  std::string gpuId;
  std::string gpuName;
  double gpuMemoryBytes = 0;        ///< what the runtime reports for one GPU
  double capacityBytes = 0;         ///< what the scenario may use of one GPU: the memory, or the
                                    ///< engine's budget (vLLM: utilization × memory)
  std::string capacityFormula;      ///< how capacityBytes follows from the GPU
  std::int64_t gpuCount = 1;        ///< the GPUs chosen
  std::int64_t gpusInUse = 1;       ///< the GPUs holding the model (every replica)
  std::int64_t gpusPerReplica = 1;  ///< the split of one copy of the model
  std::int64_t replicas = 1;        ///< data-parallel copies
  std::string layout;               ///< how the model is split, in words
  bool fits = false;                ///< perGpu.totalBytes ≤ capacityBytes
  double headroomBytes = 0;         ///< capacityBytes − perGpu.totalBytes (negative: short)

  /// The fewest GPUs of this type that run the scenario, split the engine's own way (layers
  /// for Transformers and llama.cpp, tensor parallel for vLLM and TensorRT-LLM, sharding for
  /// training, an even split for the parameter-count method); 0 when none up to
  /// kMaxGpusSearched does. -1 when not computed.
  std::int64_t gpusNeeded = -1;
  std::int64_t maxContext = -1;  ///< longest contextLength that fits; -1: not computed/applicable
  std::int64_t maxBatch = -1;    ///< largest batch that fits; -1: not computed/applicable

  double jobBytes = -1;   ///< the parameter-count method: all GPUs together; -1 otherwise
  double cpuBytes = 0;    ///< host memory: offloaded states or layers, per node
  double nvmeBytes = 0;   ///< NVMe: states ZeRO-Infinity offloads there, per node
  std::string peakPhase;  ///< training: "forward", "backward" or "optimizer step"
  /// Where the estimate has a CUDA context and an allocator reserve (Transformers inference
  /// and training; else −1): the peak of live tensors (the total less both), what PyTorch's
  /// caching allocator has reserved at the peak (the total less the context), what
  /// nvidia-smi shows (the total); and for runs modelled as a timeline (timeline.hpp) the
  /// smallest GPU memory the run succeeds in: the context + the peak of live tensors + what
  /// the replay cannot release when memory runs short, at most the total.
  double peakAllocatedBytes = -1;
  double peakReservedBytes = -1;
  double nvidiaSmiBytes = -1;
  double minimumCapacityBytes = -1;
  /// For a run modelled as a timeline: what nvidia-smi shows with
  /// PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True — the total less what the replay with
  /// expandable segments holds less in cached blocks at its peak (at most the reserve) —
  /// and that saving (−1 elsewhere).
  double expandableNvidiaSmiBytes = -1;
  double expandableSavingBytes = -1;
  /// For a run modelled as a timeline (where the estimate is measured): whether the
  /// capacity is within the estimate's largest measured error of the total, either side of
  /// the verdict, and that error as a share of the total (0 where not measured); the note
  /// says so in words.
  bool borderline = false;
  double measuredErrorShare = 0;
  std::string borderlineNote;
  std::int64_t dataParallel = 1;
  double trainableParameters = 0;
  std::vector<std::string> notes;  ///< what the estimate assumed, in words
  /// What "auto" choices resolved to, by field (kvDtype, recipe).
  std::map<std::string, std::string> effective;
  /// When it does not fit: changes that make it need less, those that fit first, then by
  /// bytes saved (empty when it fits or when not computed).
  std::vector<Suggestion> suggestions;
};

/// The most GPUs the fewest-GPUs search tries.
inline constexpr std::int64_t kMaxGpusSearched = 65536;

/// What to compute besides the breakdown and verdict (the searches cost many estimates).
struct AnswerDepth {
  bool gpusNeeded = true;
  bool limits = true;
  bool suggestions = true;
  /// nvidiaSmiBytes, peakReservedBytes, peakAllocatedBytes and minimumCapacityBytes: the
  /// last replays the run's timeline through the caching-allocator model several times.
  bool allocatorView = true;
};

/// The breakdown and verdict alone: what a search or a piece of advice re-estimates.
inline constexpr AnswerDepth kVerdictOnly{
    .gpusNeeded = false, .limits = false, .suggestions = false, .allocatorView = false};

/// Answers a scenario. Fails with an Error naming the field at fault (the schema's names).
Result<Answer> evaluate(const Scenario& scenario, AnswerDepth depth = {});

/// The changes worth suggesting for `scenario`, whose answer is `answer`: each is verified
/// by estimating the changed scenario (advice.cpp says which changes are tried and why).
std::vector<Suggestion> suggestChanges(const Scenario& scenario, const Answer& answer);

/// One point of a sweep: the value of the swept field and the per-GPU total there.
struct SweepPoint {
  std::int64_t x = 0;
  double bytes = 0;
  bool fits = false;
};

/// Per-GPU totals with `field` (contextLength or batch) set to each of `points`; points the
/// scenario rejects (e.g. a context not above the generated tokens) are left out.
Result<std::vector<SweepPoint>> sweep(const Scenario& scenario, std::string_view field,
                                      std::span<const std::int64_t> points);

/// One row of "which GPUs can run this".
struct GpuFit {
  std::string gpuId;
  std::string gpuName;
  double memoryBytes = 0;
  std::int64_t gpusNeeded = 0;  ///< 0: not within kMaxGpusSearched
  double perGpuBytes = 0;       ///< at that count
  double headroomBytes = 0;     ///< at that count
};

/// For every GPU of the catalog, the fewest that run the scenario: fitting GPUs first (by
/// count, then headroom), then the rest.
Result<std::vector<GpuFit>> gpuTable(const Scenario& scenario);

/// One row of "each fine-tuning stack on this GPU": the scenario with `stack` set to it (every
/// other input as given, "auto" checkpointing resolving to that stack's default).
struct StackFit {
  std::string stack;  ///< the choice's id: pytorch, trl, unsloth, liger, torchtune
  std::string label;
  std::string checkpointing;  ///< what the row runs with (the stack's default under auto)
  double perGpuBytes = 0;
  bool fits = false;
  std::int64_t maxContext = -1;  ///< the longest sequence that fits (0: none)
  std::int64_t maxBatch = -1;    ///< the largest micro-batch that fits (0: none)
  double cpuBytes = 0;           ///< host memory the stack needs (offloaded checkpoints, states)
};

/// The training scenario run by each stack of the schema's `stack` menu on its GPUs: what
/// the stacks publish as "the longest context that fits on a 24 GB card", for this model and
/// these settings. Fails naming `task` for inference and `model` for the parameter-count
/// method, where no stack applies; a stack the scenario cannot run with is left out.
Result<std::vector<StackFit>> stackTable(const Scenario& scenario);

/// The stack table as JSON: [{"stack", "label", "checkpointing", "perGpuBytes", "fits",
/// "maxContext", "maxBatch", "cpuBytes"}].
std::string stackTableToJson(const std::vector<StackFit>& rows);

/// The answer as JSON: what `gpumem estimate --json` prints and the page's "Copy JSON".
std::string answerToJson(const Answer& answer);

/// An error as JSON: {"error": {"code", "field", "message"}}.
std::string errorToJson(const Error& error);

/// Sweep points as JSON: [{"x", "bytes", "fits"}].
std::string sweepToJson(const std::vector<SweepPoint>& points);

/// The GPU table as JSON: [{"gpuId", "gpuName", "memoryBytes", "gpusNeeded", "perGpuBytes",
/// "headroomBytes"}].
std::string gpuTableToJson(const std::vector<GpuFit>& rows);

/// The inputs that do not matter in `scenario`, with the reason each is disabled:
/// {"field": "reason", "field=choice": "reason"} (the model is resolved to know whether it
/// routes to experts).
std::string disabledFieldsJson(const Scenario& scenario);

/// A scenario from a JSON object of field → value (strings, numbers or booleans).
Result<Scenario> scenarioFromJson(std::string_view json, Strictness strictness);

/// The model catalog as JSON: [{"id", "name", "family", "hfRepo", "parameters", "source"}].
std::string modelsToJson();

/// The schema as JSON: {"version", "fields": [{"name", "type", "default", "min", "max",
/// "unit", "appliesTo", "link", "flag", "help", "choices"}]}.
std::string schemaToJson();

}  // namespace gpumem
