// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
#include "gpumem/training_timeline.hpp"

#include <algorithm>

#include "gpumem/timeline_recorder.hpp"

namespace gpumem {

namespace {

constexpr std::int64_t kTrainingLayerGroups = 1024;
constexpr double kMaxChunksPerKind = 32;
constexpr double kFp32Value = 4;

/// A group of consecutive layers simulated as one: its layer count and the blocks it holds.
struct TrainingGroup {
  std::int32_t first = 0;
  double layers = 0;
  std::int32_t copies = -1, input = -1;
  std::vector<std::int32_t> attention, mlp;
};

std::vector<TrainingGroup> trainingGroups(std::int64_t layerCount) {
  const std::int64_t layers = std::max<std::int64_t>(1, layerCount);
  const std::int64_t count = std::min(layers, kTrainingLayerGroups);
  std::vector<TrainingGroup> groups;
  for (std::int64_t g = 0; g < count; ++g) {
    TrainingGroup group;
    group.first = static_cast<std::int32_t>(layers * g / count);
    group.layers = static_cast<double>(layers * (g + 1) / count - layers * g / count);
    groups.push_back(group);
  }
  return groups;
}

/// Builds the events of the steps.
class StepWriter {
 public:
  StepWriter(const TrainingScenario& s, const TrainingStepSizes& z, TimelineRecorder& r)
      : s_(s), z_(z), r_(r), groups_(trainingGroups(z.layers)) {
    layers_ = static_cast<double>(std::max<std::int64_t>(1, z.layers));
  }

  void load() {
    r_.phase = "load";
    r_.category = "weights";
    r_.alloc(z_.weights, "weights");
    if (z_.master > 0) r_.alloc(z_.master, "master_weights");
  }

  /// One optimizer step's micro-batches, forward and backward each.
  void step(bool first) {
    const std::int64_t microBatches = std::min<std::int64_t>(2, s_.gradientAccumulation);
    for (std::int64_t m = 0; m < microBatches; ++m) {
      forward();
      backward(m == 0);
    }
    optimizerStep(first);
  }

 private:
  bool checkpointed() const { return s_.checkpointing == Checkpointing::kFull; }

  /// `total` bytes saved as tensors of `chunk` bytes each (the last one the remainder), at
  /// most kMaxChunksPerKind of them.
  std::vector<std::int32_t> chunks(double total, double chunk, const char* name) {
    std::vector<std::int32_t> ids;
    if (total <= 0) return ids;
    chunk = std::max(chunk, total / kMaxChunksPerKind);
    double left = total;
    while (left > chunk * 1.0001) {
      ids.push_back(r_.alloc(chunk, name));
      left -= chunk;
    }
    ids.push_back(r_.alloc(left, name));
    return ids;
  }

  void forward() {
    r_.phase = "forward";
    r_.category = "activations";
    for (TrainingGroup& g : groups_) {
      r_.layer = g.first;
      if (checkpointed()) {
        g.input = r_.alloc(g.layers * z_.checkpointPerLayer, "checkpoint.input");
        // The layer runs without saving anything; its tensors live while it runs.
        r_.free(r_.alloc(z_.savedPerLayer, "layer.forward"));
        continue;
      }
      if (z_.layerWeightCopies > 0) {
        g.copies = r_.alloc(g.layers / layers_ * z_.layerWeightCopies, "autocast.weights");
      }
      g.attention = chunks(g.layers * (z_.savedPerLayer - z_.mlpSavedPerLayer), z_.hiddenTensor,
                           "attn.saved");
      if (z_.mlpSavedPerLayer > 0) {
        g.mlp = chunks(g.layers * z_.mlpSavedPerLayer, z_.mlpTensor, "mlp.saved");
      }
    }
    r_.layer = -1;
    finalNorm_ = r_.alloc(z_.finalNorm, "norm.final");
    headCopy_ = z_.headWeightCopy > 0 ? r_.alloc(z_.headWeightCopy, "autocast.head") : -1;
    r_.category = "logits";
    const std::int32_t logits = r_.alloc(z_.logits, "logits");
    const bool upcast = z_.logits < z_.logitsFp32;
    const std::int32_t fp32 = upcast ? r_.alloc(z_.logitsFp32, "loss.logits_fp32") : -1;
    softcap_ = z_.softcap > 0 ? r_.alloc(z_.softcap, "loss.softcap_tanh") : -1;
    logSoftmax_ = r_.alloc(z_.logitsFp32, "loss.log_softmax");
    // Neither the upcast nor the logits are needed by the backward (log_softmax keeps its
    // output); the training loop keeps only the loss.
    r_.free(fp32);
    r_.free(logits);
  }

  void backward(bool allocatesGradients) {
    r_.phase = "backward";
    r_.category = "logits";
    const std::int32_t nll = r_.alloc(z_.logitsFp32, "loss.nll_grad");
    std::int32_t grad = r_.alloc(z_.logitsFp32, "loss.log_softmax_grad");
    r_.free(nll);
    r_.free(logSoftmax_);
    if (z_.logits < z_.logitsFp32) {
      const std::int32_t down = r_.alloc(z_.logits, "loss.logits_grad");
      r_.free(grad);
      grad = down;
    }
    r_.free(softcap_);
    r_.category = "gradients";
    if (allocatesGradients && z_.headGradient > 0) {
      const std::int32_t copy =
          z_.headWeightCopy > 0 ? r_.alloc(z_.headWeightCopy, "grad.head_16bit") : -1;
      gradients_.push_back(r_.alloc(z_.headGradient, "grad.head"));
      r_.free(copy);
    }
    r_.category = "activations";
    const std::int32_t hidden = r_.alloc(z_.hiddenGradient, "grad.hidden");
    r_.category = "logits";
    r_.free(grad);
    r_.category = "activations";
    r_.free(headCopy_);
    r_.free(finalNorm_);
    for (auto g = groups_.rbegin(); g != groups_.rend(); ++g) {
      r_.layer = g->first;
      std::int32_t recomputed = -1;
      if (checkpointed()) {
        const double copies = z_.layerWeightCopies / layers_;
        recomputed = r_.alloc(z_.savedPerLayer + copies, "recompute.saved");
      }
      const std::int32_t mlpGrads = r_.alloc(z_.layerGradients, "grad.mlp");
      for (const std::int32_t id : g->mlp) r_.free(id);
      g->mlp.clear();
      if (allocatesGradients) {
        r_.category = "gradients";
        for (const double tensor : z_.layerTensors) {
          gradients_.push_back(
              r_.alloc(g->layers * tensor * z_.gradientBytesPerParameter, "grad.weights"));
        }
        r_.category = "activations";
      }
      r_.free(mlpGrads);
      r_.free(recomputed);
      for (const std::int32_t id : g->attention) r_.free(id);
      g->attention.clear();
      for (std::int32_t* id : {&g->copies, &g->input}) {
        r_.free(*id);
        *id = -1;
      }
    }
    r_.layer = -1;
    r_.free(hidden);
    if (allocatesGradients && z_.otherTrainable > 0) {
      r_.category = "gradients";
      gradients_.push_back(
          r_.alloc(z_.otherTrainable * z_.gradientBytesPerParameter, "grad.embedding"));
    }
  }

  void optimizerStep(bool first) {
    r_.phase = "optimizer";
    r_.category = "optimizer";
    if (first && z_.optimizerStates > 0) {
      // Created by the first step, per parameter (AdamW's exp_avg and exp_avg_sq, SGD's
      // momentum cloned from the gradient, Adafactor's row and column factors).
      forEachTensor(z_.stateBytesPerParameter, "optimizer.states", statesPerTensor());
    }
    if (z_.temporaryBytesPerParameter > 0) {
      // foreach AdamW: torch._foreach_sqrt(exp_avg_sqs), one per parameter, all at once.
      const std::size_t from = temporaries_.size();
      forEachTensor(z_.temporaryBytesPerParameter, "adamw.sqrt_exp_avg_sq", 1, &temporaries_);
      for (std::size_t i = from; i < temporaries_.size(); ++i) r_.free(temporaries_[i]);
      temporaries_.clear();
    }
    const double largest = z_.largestMatrix * z_.largestMatrixStepBytesPerParameter;
    if (s_.optimizer == OptimizerKind::kAdafactor && largest > 0) {
      adafactorLargest(largest / kFp32Value);
    } else if (largest > 0) {
      r_.free(r_.alloc(largest, "adamw.denom"));
    }
    r_.category = "gradients";
    for (const std::int32_t id : gradients_) r_.free(id);
    gradients_.clear();
  }

  /// The tensors the optimizer keeps or makes per parameter: AdamW two states, the others one.
  int statesPerTensor() const {
    const bool adam = s_.optimizer == OptimizerKind::kAdamW ||
                      s_.optimizer == OptimizerKind::kAdamWFused ||
                      s_.optimizer == OptimizerKind::kAdamWForLoop;
    return adam ? 2 : 1;
  }

  /// Allocates `count` tensors of `bytesPerParameter` / `count` bytes per parameter for each
  /// trainable tensor (a group's layers' tensors of one kind as one), in the model's order:
  /// the layers, then the head and the rest. Their ids go to `ids` when given.
  void forEachTensor(double bytesPerParameter, const char* name, int count,
                     std::vector<std::int32_t>* ids = nullptr) {
    const double share = bytesPerParameter / count;
    const auto add = [&](double parameters) {
      for (int c = 0; c < count; ++c) {
        const std::int32_t id = r_.alloc(parameters * share, name);
        if (ids != nullptr) ids->push_back(id);
      }
    };
    for (const TrainingGroup& g : groups_) {
      r_.layer = g.first;
      for (const double tensor : z_.layerTensors) add(g.layers * tensor);
    }
    r_.layer = -1;
    if (z_.headTensor > 0) add(z_.headTensor);
    if (z_.otherTrainable > 0) add(z_.otherTrainable);
  }

  /// Adafactor.step on the largest matrix (`matrixBytes` in fp32): the fp32 copies of a
  /// 16-bit gradient and weight, grad² + eps, then the factored estimate beside it.
  void adafactorLargest(double matrixBytes) {
    const double copies = z_.largestMatrixStepBytesPerParameter / kFp32Value;
    const bool sixteenBit = copies >= 4;
    const std::int32_t grad = sixteenBit ? r_.alloc(matrixBytes, "adafactor.grad_fp32") : -1;
    const std::int32_t param = sixteenBit ? r_.alloc(matrixBytes, "adafactor.param_fp32") : -1;
    const std::int32_t squared = r_.alloc(matrixBytes, "adafactor.grad_squared");
    const std::int32_t update = r_.alloc(matrixBytes, "adafactor.update");
    r_.free(squared);
    const double side = static_cast<double>(std::max<std::int64_t>(1, s_.arch.hiddenSize));
    const std::int32_t factors =
        r_.alloc(kFp32Value * (side + matrixBytes / kFp32Value / side), "adafactor.factors");
    const std::int32_t approx = r_.alloc(matrixBytes, "adafactor.approx_sq_grad");
    r_.free(factors);
    r_.free(approx);
    r_.free(update);
    r_.free(param);
    r_.free(grad);
  }

  const TrainingScenario& s_;
  const TrainingStepSizes& z_;
  TimelineRecorder& r_;
  std::vector<TrainingGroup> groups_;
  double layers_ = 1;
  std::int32_t finalNorm_ = -1, headCopy_ = -1, logSoftmax_ = -1, softcap_ = -1;
  std::vector<std::int32_t> gradients_, temporaries_;
};

}  // namespace

std::vector<TimelineEvent> trainingTimeline(const TrainingScenario& scenario,
                                            const TrainingStepSizes& sizes) {
  std::vector<TimelineEvent> events;
  TimelineRecorder recorder(events);
  StepWriter writer(scenario, sizes, recorder);
  writer.load();
  writer.step(true);
  writer.step(false);
  return events;
}

}  // namespace gpumem
