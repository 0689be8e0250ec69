// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// The fine-tuning stacks and the mechanisms each changes (docs/methodology.md, "Training
// stacks").
#include "gpumem/training_stack.hpp"

#include <algorithm>
#include <cmath>

#include "choice_table.hpp"

namespace gpumem {
namespace {

constexpr ChoiceTable<TrainingStack, 8> kStackNames{{
    {"pytorch", TrainingStack::kPytorch},
    {"trl", TrainingStack::kTrl},
    {"unsloth", TrainingStack::kUnsloth},
    {"liger", TrainingStack::kLiger},
    {"torchtune", TrainingStack::kTorchtune},
    {"torch", TrainingStack::kPytorch},
    {"hf", TrainingStack::kTrl},
    {"trainer", TrainingStack::kTrl},
}};

}  // namespace

Result<TrainingStack> parseTrainingStack(std::string_view text) {
  if (const auto stack = lookupChoice(kStackNames, text)) return *stack;
  return makeError(ErrorCode::kInvalidArgument, "stack",
                   "Unknown training stack " + text::quote(text) +
                       "; use pytorch, trl, unsloth, liger or torchtune.");
}

std::string stackName(TrainingStack stack) { return choiceName(kStackNames, stack); }

StackMechanisms stackMechanisms(TrainingStack stack) {
  StackMechanisms m;
  switch (stack) {
    case TrainingStack::kPytorch:
      m.kbitUpcast = true;
      break;
    case TrainingStack::kTrl:
      m.kbitUpcast = true;
      m.metricLogitsCopy = true;
      m.checkpointsByDefault = true;
      break;
    case TrainingStack::kUnsloth:
      m.loss = LossKernel::kCut;
      m.fusedKernels = true;
      m.fusedLora = true;
      m.offloadActivations = true;
      m.checkpointsByDefault = true;
      break;
    case TrainingStack::kLiger:
      m.loss = LossKernel::kFusedChunked;
      m.fusedKernels = true;
      m.kbitUpcast = true;
      break;
    case TrainingStack::kTorchtune:
      m.loss = LossKernel::kChunkedOutput;
      m.optimizerInBackward = true;
      m.checkpointsByDefault = true;
      break;
  }
  return m;
}

double ligerChunkTokens(double tokens, double vocab, double hidden) {
  const double incFactor = std::ceil(vocab / std::max(1.0, hidden));
  const double wanted = std::ceil(tokens / std::max(1.0, incFactor));
  const double power = std::exp2(std::ceil(std::log2(std::max(1.0, wanted))));
  return std::min(tokens, power);
}

namespace {

constexpr double kStackFp32 = 4;

Factor tokensOf(const LossShape& s) { return {s.tokens, "tokens"}; }

Term headGradient(const LossShape& s) {
  return {{{s.vocab, "vocab"}, {s.hidden, "hidden"}, {s.headGradientBytes, "B"}},
          "the head's gradient, accumulated by the loss kernel"};
}

}  // namespace

std::vector<Term> stackLossForward(LossKernel kernel, const LossShape& s) {
  std::vector<Term> out;
  const Factor vocab{s.vocab, "vocab"};
  switch (kernel) {
    case LossKernel::kMaterialized:
      return out;
    case LossKernel::kFusedChunked: {
      const double chunk = ligerChunkTokens(s.tokens, s.vocab, s.hidden);
      out.push_back({{tokensOf(s), {s.hidden, "hidden"}, {s.logitBytes, "B"}},
                     "hidden-state gradient computed in the forward"});
      out.push_back({{tokensOf(s), {kStackFp32, "B"}}, "loss per token"});
      out.push_back({{{chunk, "tokens per chunk"}, vocab, {s.logitBytes + s.softcapBytes, "B"}},
                     "one chunk of logits"});
      break;
    }
    case LossKernel::kCut:
      out.push_back({{tokensOf(s), {2 * kStackFp32, "B"}}, "log-sum-exp and loss per token"});
      break;
    case LossKernel::kChunkedOutput: {
      const Factor chunks{1 / kTorchtuneOutputChunks, "(one of 8 chunks)"};
      out.push_back({{tokensOf(s), vocab, {s.logitBytes, "B"}}, "16-bit logits, all chunks"});
      out.push_back({{tokensOf(s), vocab, {kStackFp32, "B"}}, "fp32 log_softmax outputs, saved"});
      out.push_back({{tokensOf(s), vocab, {kStackFp32 + s.softcapBytes, "B"}, chunks},
                     "one chunk's fp32 upcast"});
      break;
    }
  }
  if (s.headGradientBytes > 0 && kernel == LossKernel::kFusedChunked) {
    out.push_back(headGradient(s));
  }
  return out;
}

std::vector<Term> stackLossBackward(LossKernel kernel, const LossShape& s) {
  std::vector<Term> out;
  const Factor vocab{s.vocab, "vocab"};
  switch (kernel) {
    case LossKernel::kMaterialized:
      return out;
    case LossKernel::kFusedChunked:
      out.push_back({{tokensOf(s), {s.hidden, "hidden"}, {s.logitBytes, "B"}},
                     "hidden-state gradient, scaled in place"});
      if (s.headGradientBytes > 0) out.push_back(headGradient(s));
      break;
    case LossKernel::kCut:
      out.push_back(
          {{tokensOf(s), {s.hidden, "hidden"}, {s.logitBytes, "B"}}, "hidden-state gradient"});
      out.push_back({{tokensOf(s), {2 * kStackFp32, "B"}}, "log-sum-exp and loss per token"});
      if (s.headGradientBytes > 0) out.push_back(headGradient(s));
      break;
    case LossKernel::kChunkedOutput: {
      const Factor chunks{1 / kTorchtuneOutputChunks, "(one of 8 chunks)"};
      out.push_back({{tokensOf(s), vocab, {kStackFp32, "B"}}, "fp32 log_softmax outputs, saved"});
      out.push_back({{tokensOf(s), vocab, {2 * kStackFp32 + s.softcapBytes, "B"}, chunks},
                     "one chunk's fp32 gradients"});
      out.push_back({{tokensOf(s), vocab, {s.logitBytes, "B"}}, "16-bit logits' gradient"});
      break;
    }
  }
  return out;
}

}  // namespace gpumem
