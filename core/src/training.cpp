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
#include "gpumem/persistent_parameters.hpp"
#include "gpumem/runtime_overhead.hpp"
#include "gpumem/timeline.hpp"
#include "gpumem/training_activations.hpp"
#include "gpumem/training_timeline.hpp"
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
      {"evalBatch", std::max<std::int64_t>(1, s.evalBatch)},
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
  if (s.task != TrainingTask::kFull && loraParameterCount(a, s.loraTargets, 1) <= 0) {
    // peft's inject_adapter: "Target modules … not found in the base model".
    return makeError(ErrorCode::kInvalidArgument, "loraTargets",
                     std::string("None of these LoRA targets is a linear layer of this model") +
                         (a.moe.fusedExperts ? " (its experts are fused parameters that PEFT "
                                               "cannot wrap)"
                                             : "") +
                         ": target q_proj, k_proj, v_proj or o_proj.");
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
  double layerBase = 0;         ///< one transformer layer's projections, whole model's mean
  double largestTrainable = 0;  ///< the largest trainable matrix, whole model
  double share = 1;             ///< share of all parameters on the most loaded GPU (TP, PP, EP)
  double vocabShare = 1;        ///< share of the head on one GPU (vocabulary parallel)
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
  out.layerBase = (p.attention + p.mlp + p.experts) / layers;
  out.largestLayer = std::max(out.head, out.layerBase);
  out.vocabShare = 1 / tp;
  if (s.task == TrainingTask::kFull) {
    out.trainable = p.total;
    const double widest = static_cast<double>(
        std::max({a.intermediateSize, a.moe.expertIntermediateSize, a.queryWidth(), a.hiddenSize}));
    out.largestTrainable = std::max(out.head, widest * static_cast<double>(a.hiddenSize));
  } else {
    out.adapter = loraParameterCount(a, s.loraTargets, s.loraRank);
    out.trainable = out.adapter + (s.trainEmbeddings ? p.embedding + p.outputHead : 0);
    out.frozen = p.total - (s.trainEmbeddings ? p.embedding + p.outputHead : 0);
    const double widest =
        static_cast<double>(std::max({a.intermediateSize, a.queryWidth(), a.hiddenSize}));
    out.largestTrainable = s.trainEmbeddings ? out.head : widest * static_cast<double>(s.loraRank);
  }
  out.total = p.total + out.adapter;
  out.share = std::max(0.0, shares->weights - expertSaving / p.total);
  return out;
}

/// Whether bitsandbytes quantises the frozen base: QLoRA's 4-bit, or LoRA on LLM.int8.
bool quantizedBase(const TrainingScenario& s) {
  return s.task == TrainingTask::kQlora || (s.task == TrainingTask::kLora && s.base8bit);
}

/// The weight format (weight_format.hpp) of a quantised base: nf4 or fp4, with "-dq" under
/// double quantisation (the two types store the same bytes); int8 for LLM.int8.
std::string baseFormatName(const TrainingScenario& s) {
  if (s.task != TrainingTask::kQlora) return "int8";
  return std::string(s.fp4 ? "fp4" : "nf4") + (s.doubleQuant ? "-dq" : "");
}

/// Bytes of one frozen base parameter: the recipe's weight dtype; a quantised base's format
/// on the projections (embeddings, head and norms stay 16-bit).
double frozenBytesPerParameter(const TrainingScenario& s) {
  if (quantizedBase(s)) {
    const auto format = parseWeightFormat(baseFormatName(s));
    const ModelParameters p = countModelParameters(s.arch);
    const double quantized = format ? weightBytes(s.arch, *format) / p.total : 0.52;
    // A plain loop after prepare_model_for_kbit_training: embedding, head and norms in fp32.
    const bool upcast = s.stack == TrainingStack::kPytorch;
    return quantized + (upcast ? 2 * (p.embedding + p.outputHead + p.norms) / p.total : 0);
  }
  return weightBytesPerParameter(s.recipe);
}

/// What the weights row says of a quantised base: the format, its bits per projection
/// weight and whether ZeRO-3/FSDP can shard it.
std::string quantizedBaseNote(const TrainingScenario& s, bool shardsParameters) {
  if (s.task != TrainingTask::kQlora) {
    return "LLM.int8 base (load_in_8bit): 8 bits per projection weight, at " +
           num(frozenBytesPerParameter(s)) + " B per parameter";
  }
  std::string note =
      std::string("bitsandbytes ") + (s.fp4 ? "fp4" : "nf4") + " base" +
      (s.doubleQuant ? " with double quantisation: 4 + 8/64 + 32/(64·256)" : ": 4 + 32/64") +
      " bits per projection weight (" + (s.fp4 ? "nf4" : "fp4") + " stores the same), " +
      num(frozenBytesPerParameter(s)) + " B per parameter";
  if (shardsParameters) {
    note += s.floatQuantStorage
                ? "; stored as bf16, so the packed 4 bits are sharded; the quantisation "
                  "constants (QuantState, not a parameter) stay whole on every GPU"
                : "; stored as uint8, which FSDP and ZeRO-3 do not shard";
  }
  return note;
}

/// Bits per projection weight of a 4-bit base that are quantisation constants rather than
/// packed weights: the format's bits less the 4 packed ones (absmax, and with double
/// quantisation its 8-bit codes and their constants; bitsandbytes' QuantState).
double quantConstantBits(const TrainingScenario& s) {
  if (s.task != TrainingTask::kQlora) return 0;
  const auto format = parseWeightFormat(baseFormatName(s));
  return format ? std::max(0.0, format->linearBits - 4) : 0;
}

/// Whether ZeRO-3/FSDP shards a quantised base: a 4-bit one stored in a float dtype
/// (bnb_4bit_quant_storage), over two or more GPUs.
bool shardsQuantizedBase(const TrainingScenario& s, std::int64_t dataParallel) {
  return s.task == TrainingTask::kQlora && s.floatQuantStorage && shardsParameters(s.sharding) &&
         dataParallel > 1;
}

/// What ZeRO-3/FSDP gathers at once under LoRA/QLoRA (full training keeps the model state's
/// default, the largest layer's 16-bit parameters and gradients): the larger of a transformer
/// layer — its frozen projections as stored (a 4-bit base's packed data only, bitsandbytes'
/// Params4bit; a base that is not sharded is not gathered) and its fp32 adapters, weight and
/// gradient — and the frozen 16-bit head.
void setGatheredLayer(const TrainingScenario& s, const ParameterSplit& p, std::int64_t dataParallel,
                      ModelStateInputs& in) {
  const double tp = static_cast<double>(s.parallel.tensor);
  in.largestLayerParams = p.largestLayer / tp;
  if (s.task == TrainingTask::kFull) return;
  constexpr double kAdapterBytes = 4 + 4;
  const double layers = static_cast<double>(std::max<std::int64_t>(1, s.arch.numLayers));
  double baseBytes = weightBytesPerParameter(s.recipe);
  if (s.task == TrainingTask::kQlora) {
    baseBytes = shardsQuantizedBase(s, dataParallel) ? 4.0 / 8 : 0;
  } else if (quantizedBase(s)) {
    baseBytes = 1;  // LLM.int8's int8 weights
  }
  const double adapters = p.adapter / layers;
  const double headBytes = s.trainEmbeddings ? 0 : quantizedBase(s) ? 2 : baseBytes;
  const double headTrainable = s.trainEmbeddings ? p.head : 0;
  const double layerTotal = p.layerBase * baseBytes + adapters * kAdapterBytes;
  const double headTotal = p.head * headBytes + headTrainable * kAdapterBytes;
  const bool head = headTotal > layerTotal;
  in.largestLayerParams = (head ? p.head : p.layerBase) / tp;
  in.gatheredBytesPerParam = head ? headBytes : baseBytes;
  in.layerTrainableParams = (head ? headTrainable : adapters) / tp;
  in.layerTrainableBytes = kAdapterBytes;
}

/// The rows of LLM.int8's fp32 scales (bitsandbytes nn/modules.py Int8Params: CB, the int8
/// weight, and SCB, one fp32 absmax per output row from int8_vectorwise_quant): the
/// out_features of every projection of every layer (per expert for MoE experts that are
/// nn.Linear layers; gpt-oss's fused 3-D experts are not, and transformers leaves lm_head
/// unconverted), 4 B each — Llama 3.1 8B: 32 × 43,008 rows, 5.5 MB.
double int8ScaleRows(const ModelArchitecture& a) {
  double rows = 0;
  for (const LayerLinear& linear : layerLinears(a)) {
    const bool inExperts = linear.role == LinearRole::kGate || linear.role == LinearRole::kUp ||
                           linear.role == LinearRole::kDown;
    double copies = 1;
    if (inExperts && a.isMoe())
      copies = a.moe.fusedExperts ? 0 : static_cast<double>(a.moe.numExperts);
    rows += copies * static_cast<double>(linear.outFeatures);
  }
  return rows * static_cast<double>(a.numLayers);
}

/// DeepSpeed ZeRO-3's persistent tensors (persistent_parameters.hpp): their elements, at
/// the bytes of the base's small tensors (the recipe's weight dtype; a quantised base keeps
/// its norms and biases 16-bit, fp32 after a plain loop's prepare_model_for_kbit_training)
/// and the adapters' fp32.
void setPersistentParameters(const TrainingScenario& s, ModelStateInputs& in) {
  if (s.sharding != ShardingStrategy::kZero3 || s.persistenceThreshold <= 0) return;
  const bool lora = s.task != TrainingTask::kFull;
  const PersistentParameters p =
      persistentParameters(s.arch, s.persistenceThreshold, s.loraTargets, lora ? s.loraRank : 0);
  in.persistentParams = p.base;
  in.persistentAdapterParams = p.adapters;
  in.persistentBytesPerParam = weightBytesPerParameter(s.recipe);
  if (quantizedBase(s)) in.persistentBytesPerParam = s.stack == TrainingStack::kPytorch ? 4 : 2;
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
  in.frozenReplicated = s.task == TrainingTask::kQlora && !s.floatQuantStorage;
  // peft keeps adapters in fp32 (autocast_adapter_dtype): fp32 weights, grads, states.
  in.recipe = s.task == TrainingTask::kFull ? s.recipe : PrecisionRecipe::kFp32;
  in.optimizer = s.optimizer;
  in.matrixSide = static_cast<double>(s.arch.hiddenSize);
  if (shardsQuantizedBase(s, dataParallel)) {
    const ModelParameters mp = countModelParameters(s.arch);
    in.frozenUnshardedBytesPerParam =
        quantConstantBits(s) / 8 * (mp.attention + mp.mlp + mp.experts) / mp.total;
    in.frozenBytesPerParam -= in.frozenUnshardedBytesPerParam;
  }
  setGatheredLayer(s, p, dataParallel, in);
  // DeepSpeed ZeRO-3's parameter coordinator gathers module by module (model_states.hpp).
  const double widest =
      static_cast<double>(std::max({s.arch.intermediateSize, s.arch.moe.expertIntermediateSize,
                                    s.arch.queryWidth(), s.arch.hiddenSize}));
  in.headParams = p.head / static_cast<double>(s.parallel.tensor);
  in.largestMatrixParams =
      widest * static_cast<double>(s.arch.hiddenSize) / static_cast<double>(s.parallel.tensor);
  setPersistentParameters(s, in);
  if (quantizedBase(s) && s.task == TrainingTask::kLora) {
    in.int8ScaleRows = int8ScaleRows(s.arch) * p.share;
  }
  in.largestTrainableMatrix = p.largestTrainable / static_cast<double>(s.parallel.tensor);
  in.sharding.strategy = s.sharding;
  in.sharding.dataParallel = dataParallel;
  in.sharding.gpusPerNode = s.gpusPerNode;
  in.sharding.offloadOptimizer = s.offloadOptimizer;
  in.sharding.offloadParameters = s.offloadParameters;
  in.sharding.offloadToNvme = s.offloadToNvme;
  in.sharding.reshardAfterForward = s.reshardAfterForward;
  in.sharding.maxLiveParameters = s.maxLiveParameters;
  in.sharding.prefetchBucketElements = s.prefetchBucketElements;
  in.sharding.maxReuseDistance = s.maxReuseDistance;
  in.sharding.reduceBucketElements = s.reduceBucketElements;
  in.sharding.overlapComm = s.overlapComm;
  return estimateModelStates(in);
}

ActivationRecipe activationRecipe(const TrainingScenario& s) {
  ActivationRecipe r;
  const bool kbitUpcast = quantizedBase(s) && stackMechanisms(s.stack).kbitUpcast;
  r.computeBytes = s.recipe == PrecisionRecipe::kFp32 || kbitUpcast ? 4 : 2;
  r.residualBytes = quantizedBase(s) ? (kbitUpcast ? 4 : 2) : weightBytesPerParameter(s.recipe);
  r.autocast = isAutocast(s.recipe) && !quantizedBase(s);
  r.frozenBase = s.task != TrainingTask::kFull;
  r.int8Base = quantizedBase(s) && s.task == TrainingTask::kLora;
  r.loraTargets = adaptableTargets(s.arch, s.loraTargets);
  r.attention =
      s.checkpointing == Checkpointing::kSelective ? AttentionImplementation::kFlash : s.attention;
  r.tensorParallel = static_cast<double>(s.parallel.tensor);
  r.sequenceParallel = s.parallel.sequence;
  const StackMechanisms stack = stackMechanisms(s.stack);
  r.fusedKernels = stack.fusedKernels;
  r.fusedLora = stack.fusedLora && s.task != TrainingTask::kFull;
  return r;
}

using Terms = std::vector<Term>;

double bytesOf(const Terms& terms) {
  double bytes = 0;
  for (const Term& t : terms) bytes += t.product();
  return bytes;
}

Terms operator+(Terms a, const Terms& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

/// Activation-side bytes of one GPU at the moments of a step, as formula terms.
struct ActivationMoments {
  Terms saved;              ///< saved tensors at the end of the forward and when backward starts
  Terms oneLayer;           ///< one layer's saved tensors (recomputed under checkpointing)
  Terms layerGradients;     ///< the gradients that layer's backward holds beside them
  Terms lossForward;        ///< logits, fp32 copy, log_softmax output
  Terms lossBackward;       ///< log_softmax output, its incoming and outgoing gradients
  Terms metrics;            ///< TRL's entropy and accuracy tensors after the loss forward
  Terms evalActivations;    ///< an evaluation forward's layer in flight (none: no evaluation)
  Terms evalLogits;         ///< the evaluation forward's logits and loss
  double logitSegment = 0;  ///< the 16-bit logits tensor's block (idle in backward)
  double hostBytes = 0;     ///< offloaded activations in CPU RAM (this GPU's)
};

constexpr double kFp32LogitBytes = 4;

/// The stack's fused or chunked loss in place of the materialised logits (training_stack.hpp).
void applyStackLoss(const TrainingScenario& s, double tokens, double logitBytes,
                    ActivationMoments& m) {
  const LossKernel kernel = stackMechanisms(s.stack).loss;
  if (kernel == LossKernel::kMaterialized) return;
  LossShape shape;
  shape.tokens = tokens;
  shape.vocab = static_cast<double>(s.arch.vocabSize) / static_cast<double>(s.parallel.tensor);
  shape.hidden = static_cast<double>(s.arch.hiddenSize);
  shape.logitBytes = logitBytes;
  shape.softcapBytes = s.arch.finalLogitSoftcap > 0 ? 2 : 0;
  const bool headTrained = s.task == TrainingTask::kFull || s.trainEmbeddings;
  shape.headGradientBytes = headTrained ? weightBytesPerParameter(s.recipe) : 0;
  m.lossForward = stackLossForward(kernel, shape);
  m.lossBackward = stackLossBackward(kernel, shape);
  m.logitSegment = 0;
}

/// Activation offloading: the saved tensors of all layers but the one in flight go to CPU
/// RAM as the forward makes them and come back for the backward (Unsloth's offloaded
/// checkpoints; torchtune's OffloadActivations). The GPU keeps one layer's.
void offloadActivations(const TrainingScenario& s, const Term& layersTerm, double layerCount,
                        ActivationMoments& m) {
  const bool unsloth =
      stackMechanisms(s.stack).offloadActivations && s.checkpointing == Checkpointing::kFull;
  if (!(unsloth || s.offloadActivations) || layerCount <= 1) return;
  m.hostBytes = layersTerm.product();
  Term inFlight = layersTerm;
  inFlight.factors[1] = {1, "layer in flight (the rest in CPU RAM)"};
  inFlight.factors.erase(
      std::remove_if(inFlight.factors.begin() + 2, inFlight.factors.end(),
                     [](const Factor& f) { return f.unit == "micro-batches in flight"; }),
      inFlight.factors.end());
  inFlight.label = "one layer's, the others offloaded";
  m.saved.front() = inFlight;
}

/// `bytesPerToken` of vocabulary-wide tensors for each of `tokens`, as tokens × vocab × bytes
/// per logit, split t ways under tensor parallel (vocabulary-parallel logits).
Term vocabularyTerm(const TrainingScenario& s, const Factor& tokens, double bytesPerToken,
                    const char* what) {
  const double vocab = static_cast<double>(s.arch.vocabSize);
  Term t{{tokens, {vocab, "vocab"}, {bytesPerToken / vocab, "B"}}, what};
  if (s.parallel.tensor > 1) {
    t.factors.push_back({1 / static_cast<double>(s.parallel.tensor), "(vocabulary parallel)"});
  }
  return t;
}

/// An evaluation forward during training (Trainer.evaluate under torch.no_grad, between
/// optimizer steps): nothing is saved, so one layer's MLP intermediates (gate, up and their
/// product, 3 · I per token for a gated MLP) beside the residual stream are in flight, and
/// the loss sees the eval batch's logits. Those are materialised — Liger fuses the loss
/// only in training (lce_forward's skip_logits = self.training and labels) — except where the
/// stack's own kernel always runs: Unsloth's fused cross-entropy (it returns no logits) and
/// torchtune's chunked output; SFTTrainer's token accuracy adds its contiguous copy.
void evaluationMoments(const TrainingScenario& s, const ActivationRecipe& r, double logitBytes,
                       ActivationMoments& m) {
  if (s.evalBatch <= 0) return;
  const ModelArchitecture& a = s.arch;
  const Factor tokens{static_cast<double>(s.evalBatch) * static_cast<double>(s.sequence) /
                          static_cast<double>(s.parallel.context),
                      "eval tokens"};
  const double residual = static_cast<double>(a.hiddenSize) * r.residualBytes;
  m.evalActivations = {{{tokens, {layerBackwardBytesPerToken(a, r) + residual, "B per token"}},
                        "one layer's MLP intermediates and the residual stream"}};
  const LossKernel kernel = stackMechanisms(s.stack).loss;
  if (kernel == LossKernel::kCut || kernel == LossKernel::kChunkedOutput) {
    ActivationMoments own;
    applyStackLoss(s, tokens.value, logitBytes, own);
    m.evalLogits = own.lossForward;
    return;
  }
  const double vocab = static_cast<double>(a.vocabSize);
  m.evalLogits = {vocabularyTerm(s, tokens, lossForwardBytesPerToken(a, logitBytes),
                                 "eval logits, their fp32 copy and log_softmax")};
  if (stackMechanisms(s.stack).metricLogitsCopy) {
    m.evalLogits.push_back(vocabularyTerm(s, tokens, logitBytes * vocab,
                                          "SFTTrainer's contiguous copy for token accuracy"));
  }
}

/// The head's output dtype: the compute dtype; QLoRA with peft's kbit preparation keeps
/// a 16-bit head where the trainer casts it back (TRL's peft_module_casting_to_bf16) and an
/// fp32 one in a plain loop.
double headOutputBytes(const TrainingScenario& s, const ActivationRecipe& r) {
  if (quantizedBase(s) && stackMechanisms(s.stack).kbitUpcast) {
    return s.stack == TrainingStack::kPytorch ? 4 : 2;
  }
  return r.computeBytes;
}

ActivationMoments activationMoments(const TrainingScenario& s) {
  const ActivationRecipe r = activationRecipe(s);
  const ModelArchitecture& a = s.arch;
  const Factor tokens{static_cast<double>(s.microBatch) * static_cast<double>(s.sequence) /
                          static_cast<double>(s.parallel.context),
                      "tokens"};
  const Factor layers{static_cast<double>(ceilDiv(a.numLayers, s.parallel.pipeline)), "layers"};
  // 1F1B: the first stage holds the activations of up to pp micro-batches in flight.
  const double inFlight = static_cast<double>(
      std::min(s.parallel.pipeline, std::max<std::int64_t>(1, s.gradientAccumulation)));
  const double perLayer = trainingSavedBytesPerToken(a, r, s.sequence);
  const bool ckpt = s.checkpointing == Checkpointing::kFull;
  const Factor kept{
      ckpt ? checkpointBytesPerToken(a, r) : perLayer,
      ckpt ? "B per token per layer (checkpointed inputs)" : "B saved per token per layer"};
  ActivationMoments m;
  Term layersTerm{{tokens, layers, kept}, "layers"};
  if (inFlight > 1) layersTerm.factors.push_back({inFlight, "micro-batches in flight"});
  m.saved = {layersTerm,
             {{tokens, {finalNormSavedBytesPerToken(a, r), "B per token"}}, "final norm"}};
  m.oneLayer = {{{tokens, {perLayer, "B per token"}}, "one layer recomputed"}};
  m.layerGradients = {{{tokens, {layerBackwardBytesPerToken(a, r), "B per token"}},
                       "that layer's MLP gradients in its backward"}};
  const double logitBytes = headOutputBytes(s, r);
  const Factor vocabShare{1 / static_cast<double>(s.parallel.tensor), "(vocabulary parallel)"};
  const Factor vocab{static_cast<double>(a.vocabSize), "vocab"};
  auto lossTerm = [&](double bytesPerToken, const char* what) {
    return Terms{vocabularyTerm(s, tokens, bytesPerToken, what)};
  };
  m.lossForward =
      lossTerm(lossForwardBytesPerToken(a, logitBytes), "logits, their fp32 copy and log_softmax");
  m.lossBackward = lossTerm(lossBackwardBytesPerToken(a, logitBytes),
                            "fp32 log_softmax output, its gradient and the NLL gradient");
  m.logitSegment = logitBytes < 4 ? logitBytes * vocab.value * tokens.value * vocabShare.value : 0;
  applyStackLoss(s, tokens.value, logitBytes, m);
  if (stackMechanisms(s.stack).metricLogitsCopy) {
    m.metrics =
        lossTerm((logitBytes + kFp32LogitBytes) * vocab.value,
                 "logits and the saved fp32 log_softmax output") +
        lossTerm(logitBytes * vocab.value, "SFTTrainer's contiguous copy of the shifted logits");
    Term chunk{{{std::min(tokens.value, kTrlEntropyChunkTokens), "tokens per entropy chunk"},
                vocab,
                {logitBytes + 2 * kFp32LogitBytes, "B"}},
               "entropy_from_logits on one chunk"};
    if (s.parallel.tensor > 1) chunk.factors.push_back(vocabShare);
    m.metrics.push_back(chunk);
  }
  evaluationMoments(s, r, logitBytes, m);
  offloadActivations(s, m.saved.front(), layers.value * inFlight, m);
  return m;
}

/// Autocast's 16-bit weight copies (all projections at the end of the forward; only the
/// head's when checkpointing recomputes the layers), QLoRA's dequantized weight buffer,
/// Transformer Engine's fp8 weight copies.
struct WeightCopies {
  Terms all;
  Terms head;
  std::string note;
};

WeightCopies weightCopies(const TrainingScenario& s, const ParameterSplit& p,
                          const ShardDivisors& div) {
  WeightCopies w;
  if (quantizedBase(s)) {
    const ModelArchitecture& a = s.arch;
    const double width = static_cast<double>(
        std::max({a.intermediateSize, a.moe.expertIntermediateSize, a.queryWidth()}));
    w.all = w.head = {{{{static_cast<double>(a.hiddenSize), "hidden"},
                        {width / static_cast<double>(s.parallel.tensor), "width"},
                        {2, "B"}}}};
    w.note = s.task == TrainingTask::kQlora
                 ? "bf16 dequantized copy of the largest projection (bitsandbytes computes in "
                   "bf16)"
                 : "16-bit dequantized copy of the largest projection (LLM.int8's backward "
                   "multiplies by the dequantized weight)";
    return w;
  }
  double bytes = 0;
  if (isAutocast(s.recipe)) bytes = 2;
  if (s.recipe == PrecisionRecipe::kFp8) bytes = 1;
  if (bytes == 0) return w;
  const Factor shard{1 / div.weights, "(sharded)"};
  Term all{{{p.linear * p.share, "projection parameters"}, {bytes, "B"}}};
  Term head{{{p.head * p.vocabShare, "output-head parameters"}, {bytes, "B"}}};
  if (div.weights > 1) {
    all.factors.push_back(shard);
    head.factors.push_back(shard);
  }
  w.all = {all};
  w.head = {head};
  w.note = "autocast's cast weights, kept for backward";
  if (s.checkpointing == Checkpointing::kFull) w.note += "; at the backward peak only the head's";
  return w;
}

/// What is live at one moment of the step, besides the model states held throughout.
struct Phase {
  explicit Phase(const char* phaseName) : name(phaseName) {}
  const char* name;
  double live = 0;
  /// ZeRO-3/FSDP's gathered layer: live while layers run (forward, backward), not at the
  /// optimizer step, which updates the local shards after the backward has resharded.
  Terms gathered, weightCopies, gradients, temporaries, activations, logits;
  /// DeepSpeed's gradient buckets: ZeRO-3's kept one throughout, the backward's besides.
  Terms buffers;
};

/// torchtune's optimizer_in_bwd: with full training, one micro-batch per step and an
/// optimizer, each parameter steps as its gradient is ready and frees it.
bool stepsInBackward(const TrainingScenario& s) {
  return stackMechanisms(s.stack).optimizerInBackward && s.task == TrainingTask::kFull &&
         s.gradientAccumulation == 1 && s.optimizer != OptimizerKind::kNone;
}

/// What the optimizer in backward holds at once: the gradient of the largest matrix and
/// its step's temporaries.
Terms oneParameterStep(const TrainingScenario& s, const ParameterSplit& p) {
  const double largest = p.largestTrainable / static_cast<double>(s.parallel.tensor);
  const double bytes = gradientBytesPerParameter(s.recipe) +
                       optimizerTemporaryBytesPerParameter(s.optimizer, s.recipe);
  return {{{{largest, "parameters of the largest matrix"}, {bytes, "B"}},
           "one parameter's gradient, stepped and freed in backward"}};
}

/// The moment of the step with the most bytes live; `evaluationLive` receives the
/// evaluation pass's (0 without one).
Phase pickPeak(const TrainingScenario& s, const ModelStates& st, const WeightCopies& copies,
               const ActivationMoments& m, const Terms& inBackwardStep, double& evaluationLive) {
  const bool ckpt = s.checkpointing == Checkpointing::kFull;
  const double held = st.weights + st.master + st.optimizer;
  const bool stepInBackward = !inBackwardStep.empty();
  const Terms accumulated = s.gradientAccumulation > 1 ? st.terms.gradients : Terms{};
  // A moment while layers run: ZeRO-3/FSDP's gathered layer is live beside the pass's
  // buffers, weight copies, activations and loss tensors, and the gradients earlier
  // micro-batches accumulated.
  const auto inPass = [&](const char* name, const Terms& buffers, const Terms& weightCopies,
                          const Terms& activations, const Terms& logits) {
    Phase p{name};
    p.gathered = st.terms.gatheredLayer;
    p.buffers = buffers;
    p.weightCopies = weightCopies;
    p.activations = activations;
    p.logits = logits;
    p.gradients = accumulated;
    return p;
  };
  const Terms& forwardBuffers = st.terms.commBuffers;
  const Terms backwardBuffers = st.terms.commBuffers + st.terms.reduceBucket;
  Phase forward = inPass("forward", forwardBuffers, copies.all, m.saved, m.lossForward);
  Phase backward =
      inPass("backward", backwardBuffers, ckpt ? copies.head : copies.all, m.saved, m.lossBackward);
  Phase recompute = inPass("backward", backwardBuffers, copies.head,
                           ckpt ? m.saved + m.oneLayer + m.layerGradients : Terms{}, {});
  Phase metrics = inPass("forward", forwardBuffers, copies.all, m.saved, m.metrics);
  // Evaluation runs between optimizer steps, after zero_grad: no gradients are held.
  Phase evaluation =
      inPass("evaluation", forwardBuffers, copies.head, m.evalActivations, m.evalLogits);
  evaluation.gradients = {};
  Phase step{"optimizer step"};
  step.gradients = st.terms.gradients;
  step.temporaries = st.terms.temporaries;
  step.buffers = st.terms.commBuffers;
  if (stepInBackward) {
    backward.gradients = recompute.gradients = inBackwardStep;
    step = recompute;
  }
  Phase best = step;
  best.live = -1;
  for (Phase* phase : {&forward, &backward, &recompute, &metrics, &step, &evaluation}) {
    if (phase == &evaluation && m.evalLogits.empty()) continue;
    phase->live = held + bytesOf(phase->gathered) + bytesOf(phase->buffers) +
                  bytesOf(phase->weightCopies) + bytesOf(phase->gradients) +
                  bytesOf(phase->temporaries) + bytesOf(phase->activations) +
                  bytesOf(phase->logits);
    if (phase->live > best.live) best = *phase;
  }
  evaluationLive = m.evalLogits.empty() ? 0 : evaluation.live;
  return best;
}

/// Why a step has no timeline to replay: the field and the reason; null when it has one.
std::pair<const char*, const char*> unmodelledStep(const TrainingScenario& s);
/// The sizes trainingTimeline orders, from a step's parameters, states and weight copies on
/// one GPU.
TrainingStepSizes stepSizesOf(const TrainingScenario& s, const ParameterSplit& params,
                              const ModelStates& st, const WeightCopies& copies);

/// `text` with its first letter in lower case, and its final full stop dropped.
std::string lowerFirst(std::string text) {
  if (!text.empty() && text.front() >= 'A' && text.front() <= 'Z') text.front() += 'a' - 'A';
  if (!text.empty() && text.back() == '.') text.pop_back();
  return text;
}

/// The most bytes a replayed step may ask for in all: the allocator model's 64-bit sums
/// (segments, rounding) stay exact below it.
constexpr double kMaxReplayedBytes = 1e18;

/// What PyTorch's caching allocator holds above the live tensors when the step is modelled
/// as a timeline: the two steps' allocations and frees (trainingTimeline) replayed through
/// the caching-allocator model (replayTimeline), peak reserved − peak allocated — the freed
/// blocks the next, differently sized requests could not reuse. Negative when the step has
/// no timeline (several GPUs, a stack, QLoRA: unmodelledStep). `params`, `st` and `copies`
/// are the estimate's own (one GPU: nothing sharded).
double replayedReserve(const TrainingScenario& s, const ParameterSplit& params,
                       const ModelStates& st, const WeightCopies& copies) {
  if (unmodelledStep(s).first != nullptr) return -1;
  const std::vector<TimelineEvent> events = trainingTimeline(s, stepSizesOf(s, params, st, copies));
  double requested = 0;
  for (const TimelineEvent& e : events) requested += e.alloc ? e.bytes : 0;
  // The allocator model counts bytes in 64 bits; a step asking for more than an exabyte in
  // all (beyond any GPU by nine orders of magnitude) keeps the fitted reserve.
  if (!(requested <= kMaxReplayedBytes)) return -1;
  return cachedAtPeakBytes(events, false);
}

/// The caching allocator's free-but-reserved bytes at the peak (docs/methodology.md): the
/// replay's (replayedReserve) where the step is modelled as a timeline. Elsewhere fitted: the
/// 16-bit logits block, which cannot hold the fp32 log_softmax gradient, stays idle unless
/// the optimizer states filled it; optimizer states the freed activations could not hold
/// land in the large logits blocks at the first step and push the second step's tensors into
/// new segments; plus a fitted fragmentation share of the live bytes. Zero in a search whose
/// tensors alone pass its capacity.
Component reserveComponent(const TrainingScenario& s, const ParameterSplit& params,
                           const ModelStates& st, const WeightCopies& copies,
                           const ActivationMoments& m, const Phase& peak, double bytesBefore) {
  if (bytesBefore > s.replayCeilingBytes) {
    return makeComponent("allocator_reserve", "Allocator reserve", {},
                         "not replayed: the tensors alone pass the capacity searched");
  }
  if (const double replayed = replayedReserve(s, params, st, copies); replayed >= 0) {
    return makeComponent("allocator_reserve", "Allocator reserve",
                         {{{{replayed, "B"}}, "cached free blocks at the replay's peak"}},
                         "PyTorch's caching allocator replaying the step's allocations and frees "
                         "(gpumem timeline lists them)");
  }
  const double idleLogits = std::max(0.0, m.logitSegment - st.optimizer);
  const bool ckpt = s.checkpointing == Checkpointing::kFull;
  const double freed = bytesOf(ckpt ? m.saved + m.oneLayer : m.saved) + bytesOf(copies.all);
  // States a stack creates inside the backward (optimizer in backward) displace nothing.
  const bool inBackward = std::string(peak.name) != "optimizer step" && !stepsInBackward(s);
  // Room the states took is needed again only by the transients live at this peak: more
  // activations cannot shrink what the peak reserves.
  const double reused = std::min(
      freed, bytesOf(peak.activations) + bytesOf(peak.logits) + bytesOf(peak.weightCopies));
  const double displaced = inBackward ? std::max(0.0, st.optimizer - reused) : 0.0;
  const double transient = peak.live - st.weights - st.master - st.optimizer -
                           bytesOf(peak.gathered) - bytesOf(peak.buffers);
  Terms terms;
  if (idleLogits > 0) terms.push_back({{{idleLogits, "B"}}, "idle 16-bit logits block"});
  if (displaced > 0) {
    terms.push_back({{{displaced, "B"}}, "optimizer states displacing activations"});
  }
  terms.push_back({{{kTrainingFragmentationShare, "share"}, {transient, "B of transient tensors"}},
                   "fragmentation"});
  // Why the step has no timeline to replay, in its own words.
  // A step with a timeline lands here only when it asks for more than kMaxReplayedBytes.
  const char* unmodelled = unmodelledStep(s).second;
  const std::string why =
      " (not replayed: " +
      (unmodelled != nullptr ? lowerFirst(unmodelled) : "the step asks for over an exabyte") + ")";
  return makeComponent("allocator_reserve", "Allocator reserve", std::move(terms),
                       "cached by PyTorch's allocator at the " + std::string(peak.name) +
                           " peak; the share is fitted to measurements" + why);
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
  const Terms inBackwardStep = stepsInBackward(s) ? oneParameterStep(s, *params) : Terms{};
  const Phase peak = pickPeak(s, st, copies, m, inBackwardStep, out.evaluationLiveBytes);
  out.peakPhase = peak.name;
  const double gpusOnNode = static_cast<double>(
      std::clamp<std::int64_t>(s.gpus, 1, std::max<std::int64_t>(1, s.gpusPerNode)));
  out.cpuBytes = st.cpu + m.hostBytes * gpusOnNode;
  out.nvmeBytes = st.nvme;

  std::vector<Component>& c = out.perGpu.components;
  const double weightDivisor = shardDivisors(sharding).weights;
  Terms adapter;
  if (s.task != TrainingTask::kFull && params->adapter > 0) {
    Term t{{{params->adapter * params->share, "adapter parameters"}, {4, "B"}}};
    if (weightDivisor > 1) t.factors.push_back({1 / weightDivisor, "(sharded)"});
    // Offloaded parameters take the adapter to CPU RAM with them.
    const bool offloaded = s.offloadParameters && shardsParameters(s.sharding);
    if (t.product() <= st.weights && !offloaded) adapter = {t};
  }
  // The weights held besides the adapter: the adapter's own term leaves the weights row
  // (LoRA's trainable parameters are the adapter's), or is subtracted when other trainable
  // weights (embeddings) share that term.
  Terms baseWeights = st.terms.weights;
  for (const Term& a : adapter) {
    const auto same = std::find_if(baseWeights.begin(), baseWeights.end(), [&](const Term& t) {
      return std::fabs(t.product() - a.product()) <= 1e-9 * a.product();
    });
    if (same != baseWeights.end()) {
      baseWeights.erase(same);
    } else {
      Term minus = a;
      minus.factors.insert(minus.factors.begin(), {-1, ""});
      minus.label = "the adapter, shown below";
      baseWeights.push_back(minus);
    }
  }
  c.push_back(makeComponent(
      "weights", "Weights", baseWeights,
      s.task == TrainingTask::kFull ? recipeName(s.recipe)
      : quantizedBase(s)
          ? quantizedBaseNote(s, weightDivisor > 1)
          : "frozen base at " + num(frozenBytesPerParameter(s)) + " B per parameter"));
  if (s.task != TrainingTask::kFull) {
    c.push_back(makeComponent("lora_adapter", "LoRA adapter", adapter,
                              "rank " + formula::count(s.loraRank) + ", fp32"));
  }
  if (!copies.all.empty()) {
    c.push_back(makeComponent("weight_copies", "Weight copies", peak.weightCopies, copies.note));
  }
  if (st.master > 0) {
    c.push_back(makeComponent("master_weights", "Master weights", st.terms.master,
                              "fp32 copy of trainable weights"));
  }
  c.push_back(makeComponent("gradients", "Gradients", peak.gradients,
                            peak.gradients.empty()
                                ? "not yet allocated at the " + std::string(peak.name) +
                                      " peak (full size " + formatBytes(st.gradients) + ")"
                                : "one per trainable parameter"));
  const bool paged = optimizerIsPaged(s.optimizer) && !s.offloadOptimizer;
  c.push_back(makeComponent(
      "optimizer_states", "Optimizer states", st.terms.optimizer,
      optimizerName(s.optimizer) + ", created by the first step" +
          (paged ? "; paged: the GPU holds one matrix's states, the rest may wait in CPU RAM"
                 : "")));
  c.push_back(
      makeComponent("optimizer_temporaries", "Optimizer step temporaries", peak.temporaries,
                    "live during the optimizer step (" + formatBytes(st.temporaries) + ")"));
  if (st.gatheredLayer > 0) {
    c.push_back(makeComponent(
        "gathered_parameters", "Gathered parameters (ZeRO-3/FSDP)", peak.gathered,
        peak.gathered.empty() ? "resharded before the optimizer step"
                              : "parameters gathered while layers run (a 4-bit base's packed "
                                "data), and the trainable ones' gradients"));
  }
  if (st.reduceBucket + st.commBuffers > 0) {
    c.push_back(
        makeComponent("comm_buffers", "Gradient buckets (DeepSpeed)", peak.buffers,
                      peak.buffers.empty()
                          ? "allocated by the backward only (" + formatBytes(st.reduceBucket) + ")"
                          : "DeepSpeed's contiguous gradient buckets (reduce_bucket_size" +
                                std::string(s.overlapComm ? ", two with overlap_comm" : "") + ")"));
  }
  c.push_back(makeComponent("activations", "Activations", peak.activations,
                            "at the " + std::string(peak.name) + " peak"));
  c.push_back(makeComponent("logits", "Logits and loss", peak.logits));
  c.push_back(makeComponent("cuda_context", "CUDA context",
                            {{{{s.cudaContextBytes, "B"}}, "at start-up"},
                             {{{kTrainingLazyKernelBytes, "B"}}, "kernels loaded on first use"}}));
  c.push_back(reserveComponent(s, *params, st, copies, m, peak, sumComponents(c)));
  out.perGpu.totalBytes = sumComponents(c);
  return out;
}

}  // namespace gpumem

namespace gpumem {

namespace {

/// Why a scenario has no step timeline, or an empty string when it has one.
std::pair<const char*, const char*> unmodelledStep(const TrainingScenario& s) {
  if (s.gpus != 1 || s.parallel.tensor * s.parallel.pipeline * s.parallel.context != 1) {
    return {"gpuCount", "Training timelines are modelled for one GPU only."};
  }
  if (s.stack != TrainingStack::kPytorch) {
    return {"stack", "Training timelines are modelled for a plain PyTorch loop only."};
  }
  if (s.task == TrainingTask::kQlora) {
    return {"task", "Training timelines are modelled for full training and LoRA."};
  }
  if (s.task == TrainingTask::kLora && s.base8bit) {
    return {"loadIn8bit", "Training timelines are modelled for a 16- or 32-bit LoRA base."};
  }
  if (s.checkpointing == Checkpointing::kSelective || s.offloadActivations) {
    return {"checkpointing", "Training timelines model no or full checkpointing, on the GPU."};
  }
  switch (s.optimizer) {
    case OptimizerKind::kAdamW:
    case OptimizerKind::kAdamWFused:
    case OptimizerKind::kAdamWForLoop:
    case OptimizerKind::kSgd:
    case OptimizerKind::kSgdMomentum:
    case OptimizerKind::kAdafactor:
      break;
    default:
      return {"optimizer", "Training timelines model AdamW, SGD and Adafactor."};
  }
  if (s.recipe != PrecisionRecipe::kMixedBf16 && s.recipe != PrecisionRecipe::kPureBf16 &&
      s.recipe != PrecisionRecipe::kFp32) {
    return {"recipe", "Training timelines model mixed, bf16 and fp32 training."};
  }
  return {nullptr, nullptr};
}

/// The intermediate-width tensors a layer's MLP saves (trainingSavedBytesPerToken's MLP
/// part): gate, act(gate), up and their product for a dense gated MLP; with a frozen base the
/// product is not kept, an adapted down_proj keeps its fp32 input instead.
double mlpSavedBytesPerToken(const TrainingScenario& s, const ActivationRecipe& r) {
  const ModelArchitecture& a = s.arch;
  if (a.isMoe() && a.moe.denseLayers < a.numLayers) return 0;
  const double width = static_cast<double>(a.intermediateSize);
  if (a.mlpKind != MlpKind::kGated) return 2 * width * r.computeBytes;
  if (!r.frozenBase) return 4 * width * r.computeBytes;
  return 3 * width * r.computeBytes + (r.loraTargets.covers(LinearRole::kDown) ? 4 * width : 0);
}

/// The trainable tensors of one layer, in parameters: full training's q, k, v, o (the
/// attention's parameters when they are not four such matrices) and the MLP's matrices
/// (gate and up fused where the model fuses them; MoE experts as the MLP's share); LoRA's
/// adapters of the layer as one.
std::vector<double> layerTensors(const TrainingScenario& s, const ParameterSplit& params) {
  const ModelArchitecture& a = s.arch;
  const double layers = static_cast<double>(std::max<std::int64_t>(1, a.numLayers));
  if (s.task != TrainingTask::kFull) return {params.adapter / layers};
  const ModelParameters p = countModelParameters(a);
  const double attention = p.attention / layers;
  const double query = static_cast<double>(a.hiddenSize) * static_cast<double>(a.queryWidth());
  std::vector<double> out;
  if (!a.hasMla && !a.fusedQkv && attention > 2 * query) {
    const double kv = (attention - 2 * query) / 2;
    out = {query, kv, kv, query};
  } else {
    out = {attention};
  }
  const double mlp = (p.mlp + p.experts) / layers;
  const int parts = a.mlpKind == MlpKind::kGated && !a.fusedGateUp ? 3 : 2;
  for (int i = 0; i < parts && mlp > 0; ++i) out.push_back(mlp / parts);
  return out;
}

}  // namespace

Result<TrainingStepSizes> trainingStepSizes(const TrainingScenario& s) {
  const auto valid = checkScenario(s);
  if (!valid) return valid.error();
  if (const auto [field, why] = unmodelledStep(s); field != nullptr) {
    return makeError(ErrorCode::kUnsupported, field, why);
  }
  const auto params = splitParameters(s);
  if (!params) return params.error();
  const ModelStates st = modelStatesOf(s, *params, 1);
  return stepSizesOf(s, *params, st, weightCopies(s, *params, shardDivisors({s.sharding, 1, 1})));
}

namespace {

TrainingStepSizes stepSizesOf(const TrainingScenario& s, const ParameterSplit& params,
                              const ModelStates& st, const WeightCopies& copies) {
  const ActivationRecipe r = activationRecipe(s);
  const ModelArchitecture& a = s.arch;
  const double tokens = static_cast<double>(s.microBatch) * static_cast<double>(s.sequence);
  const double vocab = static_cast<double>(a.vocabSize);
  const double hidden = static_cast<double>(a.hiddenSize);
  TrainingStepSizes out;
  out.weights = st.weights;
  out.master = st.master;
  out.gradients = st.gradients;
  const bool headTrained = s.task == TrainingTask::kFull || s.trainEmbeddings;
  out.headGradient = headTrained ? params.head * gradientBytesPerParameter(s.recipe) : 0;
  out.optimizerStates = st.optimizer;
  out.stepTemporaries = st.temporaries;
  out.largestMatrix = params.largestTrainable;
  const PrecisionRecipe stateRecipe =
      s.task == TrainingTask::kFull ? s.recipe : PrecisionRecipe::kFp32;
  out.largestMatrixStepBytesPerParameter =
      optimizerLargestTensorBytesPerParameter(s.optimizer, stateRecipe);
  out.headWeightCopy = bytesOf(copies.head);
  out.layerWeightCopies = std::max(0.0, bytesOf(copies.all) - out.headWeightCopy);
  out.layers = a.numLayers;
  out.savedPerLayer = tokens * trainingSavedBytesPerToken(a, r, s.sequence);
  out.mlpSavedPerLayer = std::min(out.savedPerLayer, tokens * mlpSavedBytesPerToken(s, r));
  out.checkpointPerLayer = tokens * checkpointBytesPerToken(a, r);
  out.hiddenTensor = tokens * hidden * r.computeBytes;
  out.mlpTensor = tokens * static_cast<double>(a.intermediateSize) * r.computeBytes;
  out.finalNorm = tokens * finalNormSavedBytesPerToken(a, r);
  out.layerGradients = tokens * layerBackwardBytesPerToken(a, r);
  out.hiddenGradient = tokens * hidden * r.residualBytes;
  const double logitBytes = headOutputBytes(s, r);
  out.logits = tokens * vocab * logitBytes;
  out.logitsFp32 = tokens * vocab * kFp32LogitBytes;
  out.softcap = a.finalLogitSoftcap > 0 ? 2 * tokens * vocab : 0;
  out.layerTensors = layerTensors(s, params);
  out.headTensor = headTrained ? params.head : 0;
  double inLayers = 0;
  for (const double t : out.layerTensors) inLayers += t;
  inLayers *= static_cast<double>(std::max<std::int64_t>(1, a.numLayers));
  out.otherTrainable = std::max(0.0, params.trainable - inLayers - out.headTensor);
  if (params.trainable > 0) {
    out.gradientBytesPerParameter = st.gradients / params.trainable;
    out.stateBytesPerParameter = st.optimizer / params.trainable;
    // The foreach step's per-parameter temporaries; the largest matrix's (Adafactor, for-loop
    // AdamW) are the step's own events.
    const double oneTensor = out.largestMatrix * out.largestMatrixStepBytesPerParameter;
    out.temporaryBytesPerParameter = std::max(0.0, st.temporaries - oneTensor) / params.trainable;
  }
  return out;
}

}  // namespace

}  // namespace gpumem
