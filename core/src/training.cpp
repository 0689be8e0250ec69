// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// The training estimate. Derivations and the check against measured H100 runs:
// docs/methodology.md, "Training".
#include "gpumem/training.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "gpumem/format.hpp"
#include "gpumem/model_parameters.hpp"
#include "gpumem/model_states.hpp"
#include "gpumem/runtime_overhead.hpp"
#include "gpumem/training_activations.hpp"
#include "gpumem/weight_format.hpp"
#include "text.hpp"

namespace gpumem {

Result<TrainingTask> parseTrainingTask(std::string_view text) {
  const std::string key = text::lower(text::trim(text));
  if (key == "full" || key == "train" || key == "training") return TrainingTask::kFull;
  if (key == "lora") return TrainingTask::kLora;
  if (key == "qlora") return TrainingTask::kQlora;
  return makeError(ErrorCode::kInvalidArgument, "task",
                   "Unknown training task " + text::quote(text) + "; use full, lora or qlora.");
}

Result<Checkpointing> parseCheckpointing(std::string_view text) {
  const std::string key = text::lower(text::trim(text));
  if (key == "none" || key == "off" || key == "false" || key == "no" || key.empty()) {
    return Checkpointing::kNone;
  }
  if (key == "full" || key == "on" || key == "true" || key == "yes") return Checkpointing::kFull;
  if (key == "selective") return Checkpointing::kSelective;
  return makeError(ErrorCode::kInvalidArgument, "checkpointing",
                   "Unknown checkpointing " + text::quote(text) + "; use none, full or selective.");
}

namespace {

// The library's own guard against sizes that would overflow the arithmetic (callers that
// skip the scenario schema); the schema's narrower ranges are what users see.
constexpr std::int64_t kLargestCount = 1 << 20;

using formula::num;

Result<bool> checkScenario(const TrainingScenario& s) {
  const ModelArchitecture& a = s.arch;
  if (a.numLayers <= 0 || a.hiddenSize <= 0 || a.vocabSize <= 0) {
    return makeError(ErrorCode::kInvalidArgument, "config", "The model has no layers.");
  }
  const std::pair<const char*, std::int64_t> ranges[] = {
      {"batch", s.microBatch},
      {"contextLength", s.sequence},
      {"gradientAccumulation", s.gradientAccumulation},
      {"gpuCount", s.gpus},
      {"gpusPerNode", s.gpusPerNode},
      {"tensorParallel", s.parallel.tensor},
      {"pipelineParallel", s.parallel.pipeline},
      {"contextParallel", s.parallel.context},
      {"expertParallel", s.parallel.expert}};
  for (const auto& [field, value] : ranges) {
    const std::int64_t upper = std::string(field) == "contextLength" ? kMaxTokens : kLargestCount;
    if (value < 1 || value > upper) {
      return makeError(
          ErrorCode::kOutOfRange, field,
          std::string(field) + " must be a whole number from 1 to " + std::to_string(upper) + ".");
    }
  }
  if (s.task != TrainingTask::kFull && (s.loraRank < 1 || s.loraRank > 65536)) {
    return makeError(ErrorCode::kOutOfRange, "loraRank", "LoRA rank must be from 1 to 65536.");
  }
  const std::int64_t modelParallel = s.parallel.tensor * s.parallel.pipeline * s.parallel.context;
  if (s.gpus % modelParallel != 0) {
    return makeError(ErrorCode::kOutOfRange, "gpuCount",
                     "The GPU count must be a multiple of tp × pp × cp = " +
                         formula::count(modelParallel) + ".");
  }
  if (s.parallel.sequence && s.parallel.tensor == 1) {
    return makeError(ErrorCode::kInvalidArgument, "sequenceParallel",
                     "Sequence parallel needs tensor parallel (tp > 1).");
  }
  if (!(s.cudaContextBytes >= 0)) {
    return makeError(ErrorCode::kOutOfRange, "context", "The CUDA context cannot be negative.");
  }
  return true;
}

/// Parameters of the model and the share of them one GPU holds.
struct ParameterSplit {
  double total = 0;      ///< whole model (base + adapters)
  double trainable = 0;  ///< whole model
  double frozen = 0;     ///< whole model
  double adapter = 0;    ///< LoRA parameters, whole model
  double linear = 0;     ///< projection and head matrices (what autocast copies)
  double head = 0;       ///< the output head (or the tied embedding it uses)
  double largestLayer = 0;
  double share = 1;       ///< share of all parameters on the most loaded GPU (TP, PP, EP)
  double vocabShare = 1;  ///< share of the head on one GPU (vocabulary parallel)
};

Result<ParameterSplit> splitParameters(const TrainingScenario& s) {
  const ModelArchitecture& a = s.arch;
  const ModelParameters p = countModelParameters(a);
  ParallelLayout layout{s.parallel.tensor, s.parallel.pipeline};
  const auto shares = parallelShares(a, layout);
  if (!shares) return shares.error();
  ParameterSplit out;
  const double layers = static_cast<double>(a.numLayers);
  const double layerFraction =
      static_cast<double>(ceilDiv(a.numLayers, s.parallel.pipeline)) / layers;
  const double tp = static_cast<double>(s.parallel.tensor);
  const double expertSaving =
      p.experts * (1 - 1 / static_cast<double>(s.parallel.expert)) * layerFraction / tp;
  out.head = static_cast<double>(a.vocabSize) * static_cast<double>(a.hiddenSize);
  out.linear = p.attention + p.mlp + p.experts + out.head;
  out.largestLayer = std::max(out.head, (p.attention + p.mlp + p.experts) / layers);
  out.vocabShare = 1 / tp;
  if (s.task == TrainingTask::kFull) {
    out.trainable = p.total;
  } else {
    out.adapter = loraParameterCount(a, s.loraTargets, s.loraRank);
    out.trainable = out.adapter + (s.trainEmbeddings ? p.embedding + p.outputHead : 0);
    out.frozen = p.total - (s.trainEmbeddings ? p.embedding + p.outputHead : 0);
  }
  out.total = p.total + out.adapter;
  out.share = std::max(0.0, shares->weights - expertSaving / p.total);
  return out;
}

/// Bytes of one frozen base parameter: the recipe's weight dtype; QLoRA's NF4 with double
/// quantization on the projections (embeddings, head and norms stay 16-bit).
double frozenBytesPerParameter(const TrainingScenario& s) {
  if (s.task == TrainingTask::kQlora) {
    const auto format = parseWeightFormat("nf4-dq");
    const double total = countModelParameters(s.arch).total;
    return format ? weightBytes(s.arch, *format) / total : 0.52;
  }
  return weightBytesPerParameter(s.recipe);
}

bool isAutocast(PrecisionRecipe recipe) {
  return recipe == PrecisionRecipe::kMixedBf16 || recipe == PrecisionRecipe::kMixedFp16;
}

ModelStates modelStatesOf(const TrainingScenario& s, const ParameterSplit& p,
                          std::int64_t dataParallel) {
  ModelStateInputs in;
  in.trainableParams = p.trainable * p.share;
  in.frozenParams = p.frozen * p.share;
  in.frozenBytesPerParam = frozenBytesPerParameter(s);
  // peft keeps adapters in fp32 (autocast_adapter_dtype): fp32 weights, grads, states.
  in.recipe = s.task == TrainingTask::kFull ? s.recipe : PrecisionRecipe::kFp32;
  in.optimizer = s.optimizer;
  in.matrixSide = static_cast<double>(s.arch.hiddenSize);
  in.largestLayerParams = p.largestLayer / static_cast<double>(s.parallel.tensor);
  in.sharding.strategy = s.sharding;
  in.sharding.dataParallel = dataParallel;
  in.sharding.gpusPerNode = s.gpusPerNode;
  in.sharding.offloadOptimizer = s.offloadOptimizer;
  in.sharding.offloadParameters = s.offloadParameters;
  return estimateModelStates(in);
}

ActivationRecipe activationRecipe(const TrainingScenario& s) {
  ActivationRecipe r;
  r.computeBytes = s.recipe == PrecisionRecipe::kFp32 ? 4 : 2;
  r.residualBytes = s.task == TrainingTask::kQlora ? 2 : weightBytesPerParameter(s.recipe);
  r.autocast = isAutocast(s.recipe) && s.task != TrainingTask::kQlora;
  r.frozenBase = s.task != TrainingTask::kFull;
  r.loraTargets = s.loraTargets;
  r.attention =
      s.checkpointing == Checkpointing::kSelective ? AttentionImplementation::kFlash : s.attention;
  r.tensorParallel = static_cast<double>(s.parallel.tensor);
  r.sequenceParallel = s.parallel.sequence;
  return r;
}

/// Activation-side bytes of one GPU at the moments of a step.
struct ActivationMoments {
  double savedForward = 0;   ///< saved tensors at the end of the forward (all layers)
  double savedBackward = 0;  ///< saved tensors when the backward starts
  double oneLayer = 0;       ///< one layer's saved tensors (recomputed under checkpointing)
  double lossForward = 0;    ///< logits, fp32 copy, log_softmax output
  double lossBackward = 0;   ///< log_softmax output, its incoming and outgoing gradients
  double logitSegment = 0;   ///< the 16-bit logits tensor's block (idle in backward)
  std::string formula;
  std::string logitsFormula;
};

ActivationMoments activationMoments(const TrainingScenario& s) {
  const ActivationRecipe r = activationRecipe(s);
  const ModelArchitecture& a = s.arch;
  const double tokens = static_cast<double>(s.microBatch) * static_cast<double>(s.sequence) /
                        static_cast<double>(s.parallel.context);
  const double layers = static_cast<double>(ceilDiv(a.numLayers, s.parallel.pipeline));
  // 1F1B: the first stage holds the activations of up to pp micro-batches in flight.
  const double inFlight = static_cast<double>(
      std::min(s.parallel.pipeline, std::max<std::int64_t>(1, s.gradientAccumulation)));
  const double perLayer = trainingSavedBytesPerToken(a, r, s.sequence);
  const double kept =
      s.checkpointing == Checkpointing::kFull ? checkpointBytesPerToken(a, r) : perLayer;
  ActivationMoments m;
  const double fin = finalNormSavedBytesPerToken(a, r) * tokens;
  m.savedForward = kept * tokens * layers * inFlight + fin;
  m.savedBackward = m.savedForward;
  m.oneLayer = perLayer * tokens;
  const double logitBytes = r.computeBytes;
  const double vocabSplit = static_cast<double>(s.parallel.tensor);
  m.lossForward = lossForwardBytesPerToken(a, logitBytes) * tokens / vocabSplit;
  m.lossBackward = lossBackwardBytesPerToken(a, logitBytes) * tokens / vocabSplit;
  m.logitSegment =
      logitBytes < 4 ? logitBytes * static_cast<double>(a.vocabSize) * tokens / vocabSplit : 0;
  m.formula = formatCount(tokens) + " tokens × " + num(layers) + " layers × " + formatCount(kept) +
              " B saved per token per layer" +
              (s.checkpointing == Checkpointing::kFull ? " (checkpointed layer inputs)" : "") +
              (inFlight > 1 ? " × " + num(inFlight) + " micro-batches in flight" : "") +
              " + final norm " + formatBytes(fin);
  m.logitsFormula =
      formatCount(tokens) + " tokens × " + formula::count(a.vocabSize) + " vocab × " +
      num(lossBackwardBytesPerToken(a, logitBytes) / static_cast<double>(a.vocabSize)) +
      " B (fp32 log_softmax output, its gradient and the NLL gradient)";
  if (vocabSplit > 1) m.logitsFormula += " ÷ " + num(vocabSplit) + " (vocabulary parallel)";
  return m;
}

/// Autocast's 16-bit weight copies (all projections at the end of the forward; only the
/// head's when checkpointing recomputes the layers), QLoRA's dequantized weight buffer,
/// Transformer Engine's fp8 weight copies.
struct WeightCopies {
  double all = 0;
  double head = 0;
  std::string formula;
};

WeightCopies weightCopies(const TrainingScenario& s, const ParameterSplit& p,
                          const ShardDivisors& div) {
  WeightCopies w;
  const double linear = p.linear * p.share / div.weights;
  const double head = p.head * p.vocabShare / div.weights;
  if (s.task == TrainingTask::kQlora) {
    const ModelArchitecture& a = s.arch;
    const double width = static_cast<double>(
        std::max({a.intermediateSize, a.moe.expertIntermediateSize, a.queryWidth()}));
    w.all = w.head =
        2 * static_cast<double>(a.hiddenSize) * width / static_cast<double>(s.parallel.tensor);
    w.formula = "bf16 dequantized copy of the largest projection (bitsandbytes computes in bf16)";
    return w;
  }
  double bytes = 0;
  if (isAutocast(s.recipe)) bytes = 2;
  if (s.recipe == PrecisionRecipe::kFp8) bytes = 1;
  w.all = bytes * linear;
  w.head = bytes * head;
  w.formula = formatCount(linear) + " projection parameters × " + num(bytes) +
              " B (autocast's cast weights, kept for backward)";
  if (s.checkpointing == Checkpointing::kFull) {
    w.formula += "; at the backward peak only the head's (" + formatBytes(w.head) + ")";
  }
  return w;
}

struct Phase {
  const char* name;
  double live = 0;
  double weightCopies = 0, gradients = 0, temporaries = 0, activations = 0, logits = 0;
};

Phase pickPeak(const TrainingScenario& s, const ModelStates& st, const WeightCopies& copies,
               const ActivationMoments& m) {
  const bool ckpt = s.checkpointing == Checkpointing::kFull;
  const double held = st.weights + st.master + st.optimizer + st.gatheredLayer;
  const double accumulated = s.gradientAccumulation > 1 ? st.gradients : 0;
  Phase forward{"forward"};
  forward.weightCopies = copies.all;
  forward.activations = m.savedForward;
  forward.logits = m.lossForward;
  forward.gradients = accumulated;
  Phase backward{"backward"};
  backward.weightCopies = ckpt ? copies.head : copies.all;
  backward.activations = m.savedBackward;
  backward.logits = m.lossBackward;
  backward.gradients = accumulated;
  Phase recompute{"backward"};
  recompute.weightCopies = copies.head;
  recompute.activations = ckpt ? m.savedBackward + m.oneLayer : 0;
  recompute.gradients = accumulated;
  Phase step{"optimizer step"};
  step.gradients = st.gradients;
  step.temporaries = st.temporaries;
  Phase best = step;
  best.live = -1;
  for (Phase* phase : {&forward, &backward, &recompute, &step}) {
    phase->live = held + phase->weightCopies + phase->gradients + phase->temporaries +
                  phase->activations + phase->logits;
    if (phase->live > best.live) best = *phase;
  }
  return best;
}

/// The caching allocator's free-but-reserved bytes at the peak (docs/methodology.md):
/// the 16-bit logits block, which cannot hold the fp32 log_softmax gradient, stays idle
/// unless the optimizer states filled it; optimizer states the freed activations could not
/// hold land in the large logits blocks at the first step and push the second step's
/// tensors into new segments; plus a fitted fragmentation share of the live bytes.
Component reserveComponent(const TrainingScenario& s, const ModelStates& st,
                           const WeightCopies& copies, const ActivationMoments& m,
                           const Phase& peak) {
  const double idleLogits = std::max(0.0, m.logitSegment - st.optimizer);
  const bool ckpt = s.checkpointing == Checkpointing::kFull;
  const double freed = (ckpt ? m.savedBackward + m.oneLayer : m.savedBackward) + copies.all;
  const bool inBackward = std::string(peak.name) != "optimizer step";
  // Room the states took is needed again only by the transients live at this peak: more
  // activations cannot shrink what the peak reserves.
  const double reused = std::min(freed, peak.activations + peak.logits + peak.weightCopies);
  const double displaced = inBackward ? std::max(0.0, st.optimizer - reused) : 0.0;
  const double transient = peak.live - st.weights - st.master - st.optimizer - st.gatheredLayer;
  const double fragments = kTrainingFragmentationShare * transient;
  return {"allocator_reserve", "Allocator reserve", idleLogits + displaced + fragments,
          "idle 16-bit logits block " + formatBytes(idleLogits) +
              " + optimizer states displacing activations " + formatBytes(displaced) + " + " +
              num(kTrainingFragmentationShare * 100) + "% of the " + formatBytes(transient) +
              " of transient tensors live at the peak"};
}

}  // namespace

Result<TrainingEstimate> estimateTraining(const TrainingScenario& s) {
  const auto valid = checkScenario(s);
  if (!valid) return valid.error();
  const auto params = splitParameters(s);
  if (!params) return params.error();
  TrainingEstimate out;
  out.dataParallel = s.gpus / (s.parallel.tensor * s.parallel.pipeline * s.parallel.context);
  out.trainableParams = params->trainable;
  const ModelStates st = modelStatesOf(s, *params, out.dataParallel);
  ShardingOptions sharding{s.sharding, out.dataParallel, s.gpusPerNode};
  const WeightCopies copies = weightCopies(s, *params, shardDivisors(sharding));
  const ActivationMoments m = activationMoments(s);
  const Phase peak = pickPeak(s, st, copies, m);
  out.peakPhase = peak.name;
  out.cpuBytes = st.cpu;

  std::vector<Component>& c = out.perGpu.components;
  const double adapterBytes = s.task == TrainingTask::kFull
                                  ? 0
                                  : std::min(st.weights, params->adapter * params->share * 4 /
                                                             shardDivisors(sharding).weights);
  const double baseWeights = st.weights - adapterBytes;
  const double weightDivisor = shardDivisors(sharding).weights;
  c.push_back({"weights", "Weights", baseWeights,
               formatCount(params->total * params->share) + " parameters on this GPU" +
                   (weightDivisor > 1 ? " ÷ " + num(weightDivisor) + " (sharded)" : "") + " (" +
                   (s.task == TrainingTask::kFull
                        ? recipeName(s.recipe)
                        : std::string("frozen base, ") + num(frozenBytesPerParameter(s)) + " B") +
                   ")"});
  if (s.task != TrainingTask::kFull) {
    c.push_back({"lora_adapter", "LoRA adapter", adapterBytes,
                 formatCount(params->adapter) + " adapter parameters (rank " +
                     formula::count(s.loraRank) + ") × 4 B fp32"});
  }
  if (copies.all > 0) {
    c.push_back({"weight_copies", "Weight copies", peak.weightCopies, copies.formula});
  }
  if (st.master > 0) {
    c.push_back({"master_weights", "Master weights", st.master, "fp32 copy of trainable weights"});
  }
  c.push_back({"gradients", "Gradients", peak.gradients,
               peak.gradients > 0 ? formatBytes(st.gradients) + " (one per trainable parameter)"
                                  : "not yet allocated at the " + std::string(peak.name) +
                                        " peak (full size " + formatBytes(st.gradients) + ")"});
  c.push_back({"optimizer_states", "Optimizer states", st.optimizer,
               optimizerName(s.optimizer) + ", created by the first step"});
  c.push_back({"optimizer_temporaries", "Optimizer step temporaries", peak.temporaries,
               "foreach step: one state-sized list (" + formatBytes(st.temporaries) + ")"});
  if (st.gatheredLayer > 0) {
    c.push_back({"gathered_parameters", "Gathered layer (ZeRO-3/FSDP)", st.gatheredLayer,
                 "16-bit parameters and gradients of the largest layer"});
  }
  c.push_back({"activations", "Activations", peak.activations, m.formula});
  c.push_back({"logits", "Logits and loss", peak.logits, m.logitsFormula});
  c.push_back({"cuda_context", "CUDA context", s.cudaContextBytes + kTrainingLazyKernelBytes,
               formatBytes(s.cudaContextBytes) + " at start-up + 160 MiB of kernels"});
  c.push_back(reserveComponent(s, st, copies, m, peak));
  out.perGpu.totalBytes = sumComponents(c);
  return out;
}

}  // namespace gpumem
