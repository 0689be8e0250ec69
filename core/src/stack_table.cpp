// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// Each fine-tuning stack on the scenario's GPUs: the same answer, one row per stack.
#include <nlohmann/json.hpp>

#include "gpumem/answer.hpp"

namespace gpumem {

Result<std::vector<StackFit>> stackTable(const Scenario& s) {
  if (s.text("task") == "inference") {
    return makeError(ErrorCode::kInvalidArgument, "task",
                     "Stacks are fine-tuning software: choose full training, LoRA or QLoRA.");
  }
  const FieldSpec* stack = findField("stack");
  if (stack == nullptr) return makeError(ErrorCode::kUnsupported, "stack", "No stack menu.");
  std::vector<StackFit> rows;
  for (const FieldChoice& choice : stack->choices) {
    const Scenario here = s.with("stack", std::string(choice.id));
    const auto a =
        evaluate(here, {.gpusNeeded = false, .suggestions = false, .allocatorView = false});
    if (!a) continue;
    if (a->method != "architecture") {
      return makeError(ErrorCode::kInvalidArgument, "model",
                       "Stacks differ in the layers they run: choose a model with an "
                       "architecture (a catalog model or a config.json), not a parameter count.");
    }
    const auto ckpt = a->effective.find("checkpointing");
    rows.push_back({std::string(choice.id), std::string(choice.label),
                    ckpt != a->effective.end() ? ckpt->second : here.text("checkpointing"),
                    a->perGpu.totalBytes, a->fits, a->maxContext, a->maxBatch, a->cpuBytes});
  }
  return rows;
}

std::string stackTableToJson(const std::vector<StackFit>& rows) {
  nlohmann::json out = nlohmann::json::array();
  for (const StackFit& r : rows) {
    out.push_back({{"stack", r.stack},
                   {"label", r.label},
                   {"checkpointing", r.checkpointing},
                   {"perGpuBytes", r.perGpuBytes},
                   {"fits", r.fits},
                   {"maxContext", r.maxContext},
                   {"maxBatch", r.maxBatch},
                   {"cpuBytes", r.cpuBytes}});
  }
  return out.dump();
}

}  // namespace gpumem
