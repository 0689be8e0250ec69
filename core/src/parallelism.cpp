// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
#include "gpumem/parallelism.hpp"

#include <algorithm>
#include <string>

#include "gpumem/activations.hpp"
#include "gpumem/format.hpp"
#include "gpumem/model_parameters.hpp"

namespace gpumem {
namespace {

double weightShare(const ModelArchitecture& arch, const ParallelLayout& l) {
  const ModelParameters p = countModelParameters(arch);
  const double tp = static_cast<double>(l.tensorParallel);
  const double layerFraction = static_cast<double>(ceilDiv(arch.numLayers, l.pipelineParallel)) /
                               static_cast<double>(arch.numLayers);
  // Routed experts are spread over max(tp, ep) GPUs (whole experts over ep, each expert's
  // width over tp / ep when ep < tp); shared experts are split by tp like a dense MLP.
  const double expertGpus = static_cast<double>(l.stageGpus());
  const double perLayerSplit =
      (p.attention + p.mlp + p.experts - p.routedExperts) / tp + p.routedExperts / expertGpus;
  const double perLayerReplicated = p.norms + p.router;
  // The vision tower runs before the first layer: counted whole on the most loaded GPU.
  const double vocab =
      l.pipelineParallel == 1 ? p.embedding + p.outputHead : std::max(p.embedding, p.outputHead);
  const double onGpu = (perLayerSplit + perLayerReplicated) * layerFraction + vocab / tp + p.vision;
  return onGpu / p.total;
}

double kvShare(const ModelArchitecture& arch, const ParallelLayout& l) {
  const std::int64_t kvHeads = arch.hasMla ? arch.numHeads : arch.numKvHeads;
  const double heads =
      static_cast<double>(ceilDiv(kvHeads, l.tensorParallel)) / static_cast<double>(kvHeads);
  const double layers = static_cast<double>(ceilDiv(arch.numLayers, l.pipelineParallel)) /
                        static_cast<double>(arch.numLayers);
  return heads * layers;
}

double activationShare(const ModelArchitecture& arch, const ParallelLayout& l) {
  const double perToken = prefillValuesPerToken(arch);
  const double hidden = 4 * static_cast<double>(arch.hiddenSize);
  const double split = std::max(0.0, perToken - hidden);
  return (hidden + split / static_cast<double>(l.tensorParallel)) / perToken;
}

}  // namespace

Result<ParallelShares> parallelShares(const ModelArchitecture& arch, const ParallelLayout& layout) {
  if (layout.tensorParallel < 1 || layout.tensorParallel > 1024 ||
      arch.numHeads % layout.tensorParallel != 0) {
    return makeError(ErrorCode::kOutOfRange, "tensorParallel",
                     "Tensor parallel size must divide the " + std::to_string(arch.numHeads) +
                         " attention heads.");
  }
  if (layout.pipelineParallel < 1 || layout.pipelineParallel > arch.numLayers) {
    return makeError(
        ErrorCode::kOutOfRange, "pipelineParallel",
        "Pipeline stages must be between 1 and the " + std::to_string(arch.numLayers) + " layers.");
  }
  const std::int64_t ep = layout.expertParallel;
  if (ep != 1) {
    if (ep < 1 || ep > 1024) {
      return makeError(ErrorCode::kOutOfRange, "expertParallel",
                       "Expert parallel size must be a whole number from 1 to 1024.");
    }
    if (!arch.isMoe()) {
      return makeError(ErrorCode::kOutOfRange, "expertParallel",
                       "Expert parallel needs a mixture-of-experts model; this one is dense.");
    }
    if (arch.moe.numExperts % ep != 0) {
      return makeError(ErrorCode::kOutOfRange, "expertParallel",
                       "Expert parallel size must divide the " +
                           std::to_string(arch.moe.numExperts) + " routed experts.");
    }
    const std::int64_t tp = layout.tensorParallel;
    if ((ep > tp ? ep % tp : tp % ep) != 0) {
      return makeError(ErrorCode::kOutOfRange, "expertParallel",
                       "Expert parallel size must divide the tensor parallel size " +
                           std::to_string(tp) + " or be a multiple of it.");
    }
  }
  ParallelShares s;
  s.weights = weightShare(arch, layout);
  s.kvCache = kvShare(arch, layout);
  s.activations = activationShare(arch, layout);
  return s;
}

Result<Breakdown> splitAcrossGpus(const ModelArchitecture& arch, const ParallelLayout& layout,
                                  Breakdown breakdown) {
  if (layout.gpuCount() == 1 && layout.expertParallel == 1) return breakdown;
  const auto shares = parallelShares(arch, layout);
  if (!shares) return shares.error();
  const std::string share =
      "share per GPU (TP " + std::to_string(layout.tensorParallel) + ", PP " +
      std::to_string(layout.pipelineParallel) +
      (layout.expertParallel > 1 ? ", EP " + std::to_string(layout.expertParallel) : "") + ")";
  double total = 0;
  for (Component& c : breakdown.components) {
    double fraction = 1;
    // A speculative drafter (a draft model, MTP layers) runs with the target's tensor parallel.
    if (c.name == "weights" || c.name == "draft_weights") fraction = shares->weights;
    if (c.name == "kv_cache" || c.name == "allocator_reserve" || c.name == "draft_kv_cache") {
      fraction = shares->kvCache;
    }
    if (c.name == "activations") fraction = shares->activations;
    // Mamba and linear-attention heads are split over tp like attention heads.
    if (c.name == "recurrent_state") {
      fraction = static_cast<double>(ceilDiv(arch.numLayers, layout.pipelineParallel)) /
                 static_cast<double>(arch.numLayers) / static_cast<double>(layout.tensorParallel);
    }
    if (fraction != 1) scaleComponent(c, {fraction, share});
    total += c.bytes;
  }
  breakdown.totalBytes = total;
  return breakdown;
}

}  // namespace gpumem
