// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
#include "gpumem/eagle_head.hpp"

#include <vector>

#include "gpumem/format.hpp"

namespace gpumem {
namespace {

std::int64_t headDimOf(const ModelArchitecture& t) {
  return t.headDim > 0 ? t.headDim : (t.numHeads > 0 ? t.hiddenSize / t.numHeads : 0);
}

}  // namespace

EagleMethod parseEagleMethod(const std::string& name) {
  if (name == "eagle") return EagleMethod::kEagle;
  if (name == "eagle3") return EagleMethod::kEagle3;
  return EagleMethod::kNone;
}

EagleParameters countEagleParameters(const ModelArchitecture& target, EagleMethod method,
                                     std::int64_t draftVocabSize) {
  EagleParameters p;
  if (method == EagleMethod::kNone) return p;
  const double h = static_cast<double>(target.hiddenSize);
  const double hd = static_cast<double>(headDimOf(target));
  const double q = static_cast<double>(target.numHeads) * hd;
  const double kv =
      static_cast<double>(target.numKvHeads > 0 ? target.numKvHeads : target.numHeads) * hd;
  const bool three = method == EagleMethod::kEagle3;
  // EAGLE-3's first layer attends over [embedding, hidden state]: q, k and v read 2 · hidden.
  const double attentionIn = three ? 2 * h : h;
  p.fc = (three ? 3 : 2) * h * h;
  p.attention = attentionIn * (q + 2 * kv) + q * h;
  p.mlp = 3 * h * static_cast<double>(target.intermediateSize);
  p.norms = (three ? 4 : 1) * h;
  if (three) {
    p.lmHead = static_cast<double>(draftVocabSize) * h;
    p.mapEntries = static_cast<double>(draftVocabSize);
  }
  return p;
}

ModelArchitecture eagleHeadArchitecture(const ModelArchitecture& target) {
  ModelArchitecture m;
  m.modelType = "llama";
  m.hiddenSize = target.hiddenSize;
  m.numLayers = 1;
  m.numHeads = target.numHeads;
  m.numKvHeads = target.numKvHeads > 0 ? target.numKvHeads : target.numHeads;
  m.headDim = headDimOf(target);
  m.intermediateSize = target.intermediateSize;
  m.vocabSize = target.vocabSize;
  m.slidingLayers.assign(1, false);
  return m;
}

Result<bool> checkEagleTarget(const ModelArchitecture& target, EagleMethod method,
                              std::int64_t draftVocabSize) {
  if (method == EagleMethod::kNone) return true;
  if (target.hasMla || target.numHeads <= 0 || target.intermediateSize <= 0) {
    return makeError(ErrorCode::kInvalidArgument, "speculativeMethod",
                     "An EAGLE head is sized from the target's attention heads and dense "
                     "intermediate size, which this model does not have (MLA or no dense MLP); "
                     "draft with its MTP layers (numSpeculativeTokens) or a draft model.");
  }
  if (method == EagleMethod::kEagle3 && draftVocabSize > target.vocabSize) {
    return makeError(ErrorCode::kOutOfRange, "draftVocabSize",
                     "An EAGLE-3 head's draft vocabulary is a subset of the target's " +
                         formula::count(target.vocabSize) + " tokens.");
  }
  return true;
}

Component eagleWeightsComponent(const ModelArchitecture& target, EagleMethod method,
                                std::int64_t draftVocabSize, double bytesPerValue,
                                const std::string& engineNote) {
  const EagleParameters p = countEagleParameters(target, method, draftVocabSize);
  const bool three = method == EagleMethod::kEagle3;
  const Factor bytes{bytesPerValue, "B"};
  std::vector<Term> terms = {
      {{{p.fc, "parameters"}, bytes}, three ? "fc 3·hidden → hidden" : "fc 2·hidden → hidden"},
      {{{p.attention + p.mlp + p.norms, "parameters"}, bytes}, "one decoder layer and norms"},
  };
  if (three) {
    terms.push_back({{{p.lmHead, "parameters"}, bytes}, "lm_head over the draft vocabulary"});
    terms.push_back({{{p.mapEntries, "entries"}, {8, "B"}}, "d2t (int64)"});
  }
  return makeComponent(
      "draft_weights", three ? "EAGLE-3 head weights" : "EAGLE head weights", std::move(terms),
      std::string(three ? "the token embedding is the target's (shared); its own lm_head over "
                          "draft_vocab_size " +
                              formula::count(draftVocabSize)
                        : "the token embedding and lm_head are the target's (shared)") +
          ", unquantized in the model's dtype; " + engineNote);
}

}  // namespace gpumem
