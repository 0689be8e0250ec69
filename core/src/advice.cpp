// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// Advice that works: when a scenario does not fit, the changes people make to fit it —
// checkpointing, a stack, offloaded activations, an 8-bit or paged optimizer, ZeRO and its
// offload, a smaller KV dtype or weight format, a shorter
// context or smaller batch, LoRA/QLoRA instead of full training, more GPUs split the
// engine's way — each estimated again, so every suggestion shows what it really saves.
#include <algorithm>
#include <optional>

#include "gpumem/answer.hpp"

namespace gpumem {
namespace {

using Changes = std::map<std::string, std::string>;

struct Candidate {
  std::string label;
  Changes changes;
};

bool engineSplitsByTensors(const Scenario& s) {
  const std::string& engine = s.text("engine");
  return engine == "vllm" || engine == "tensorrt-llm" || engine == "sglang";
}

/// Whether the engine runs GGUF files (llama.cpp, and Ollama through llama-server).
bool runsGguf(const Scenario& s) {
  return s.text("engine") == "llama.cpp" || s.text("engine") == "ollama";
}

/// The weight format an engine would load a smaller copy of the model in.
std::string smallerWeights(const Scenario& s) {
  const std::string& engine = s.text("engine");
  if (runsGguf(s)) return "q4_k_m";
  if (engine == "vllm" || engine == "tensorrt-llm" || engine == "sglang") return "fp8";
  return "nf4";
}

std::vector<Candidate> trainingCandidates(const Scenario& s) {
  std::vector<Candidate> out;
  if (s.text("checkpointing") != "full") {
    out.push_back({"Turn on gradient checkpointing", {{"checkpointing", "full"}}});
  }
  const std::string& stack = s.text("stack");
  if (stack != "liger" && stack != "unsloth") {
    out.push_back({"Patch in Liger kernels (fused linear cross-entropy, RMSNorm, SwiGLU)",
                   {{"stack", "liger"}}});
  }
  if (stack != "unsloth") {
    Changes unsloth{{"stack", "unsloth"}};
    if (s.text("checkpointing") == "none") unsloth["checkpointing"] = "auto";
    out.push_back(
        {"Fine-tune with Unsloth (checkpoints offloaded to CPU RAM, cut cross-entropy)", unsloth});
  }
  if (!s.flag("activationOffload") && stack != "unsloth") {
    out.push_back({"Offload saved activations to CPU RAM", {{"activationOffload", "true"}}});
  }
  const std::string& optimizer = s.text("optimizer");
  const bool stateful = optimizer != "none" && optimizer != "sgd";
  if (optimizer.find("8bit") == std::string::npos && stateful) {
    out.push_back({"Use an 8-bit optimizer (bitsandbytes)", {{"optimizer", "adam8bit"}}});
  }
  if (!optimizer.starts_with("paged") && stateful && s.text("offload") == "none") {
    out.push_back({"Page the optimizer states to CPU RAM (bitsandbytes PagedAdamW8bit)",
                   {{"optimizer", "paged-adam8bit"}}});
  }
  if (s.text("sharding") != "ddp" && s.text("offload") == "none" && stateful) {
    out.push_back(
        {"Offload the optimizer states to CPU RAM (ZeRO-Offload)", {{"offload", "optimizer"}}});
  }
  const std::string& sharding = s.text("sharding");
  if (s.integer("gpuCount") > 1 && sharding != "zero3" && sharding != "fsdp" &&
      sharding != "fsdp-hybrid") {
    out.push_back({"Shard the model states and parameters with FSDP", {{"sharding", "fsdp"}}});
  }
  if (s.integer("evalBatch") > 1) {
    out.push_back({"Evaluate one sequence at a time (--per-device-eval-batch-size 1)",
                   {{"evalBatch", "1"}}});
  }
  if (s.text("task") == "full") {
    out.push_back({"Fine-tune with LoRA instead of training every weight", {{"task", "lora"}}});
  }
  if (s.text("task") == "lora") {
    out.push_back({"Use QLoRA: a 4-bit base under the adapters", {{"task", "qlora"}}});
  }
  return out;
}

std::vector<Candidate> inferenceCandidates(const Scenario& s) {
  std::vector<Candidate> out;
  const std::string& kv = s.text("kvDtype");
  if (s.text("engine") == "llama.cpp") {
    if (s.text("cacheTypeK") == "f16" || s.text("cacheTypeK") == "f32") {
      out.push_back({"Quantize the KV cache to q8_0 (--cache-type-k/-v q8_0)",
                     {{"cacheTypeK", "q8_0"}, {"cacheTypeV", "q8_0"}}});
    }
    if (!s.flag("fit"))
      out.push_back({"Let llama.cpp fit the model (--fit on)", {{"fit", "true"}}});
  } else if (kv == "auto" || kv == "bf16" || kv == "fp16" || kv == "fp32") {
    out.push_back({"Store the KV cache in FP8", {{"kvDtype", runsGguf(s) ? "q8_0" : "fp8"}}});
  }
  const std::string& precision = s.text("precision");
  if (precision == "bf16" || precision == "fp16" || precision == "fp32") {
    const std::string smaller = smallerWeights(s);
    out.push_back({"Load quantized weights (" + smaller + ")", {{"precision", smaller}}});
  }
  return out;
}

std::vector<Candidate> candidatesFor(const Scenario& s, const Answer& a) {
  const bool inference = s.text("task") == "inference";
  std::vector<Candidate> out;
  if (a.method == "architecture") out = inference ? inferenceCandidates(s) : trainingCandidates(s);
  // llama.cpp sizes its context with -c and -np, not the workload's context and batch.
  const bool workload = !runsGguf(s) || !inference;
  if (workload && a.method == "architecture" && s.integer("contextLength") > 1024) {
    const std::int64_t half = s.integer("contextLength") / 2;
    if (!inference || half > s.integer("generatedTokens")) {
      out.push_back({"Halve the context to " + std::to_string(half) + " tokens",
                     {{"contextLength", std::to_string(half)}}});
    }
  }
  if (workload && s.integer("batch") > 1 && (a.method == "architecture" || !inference)) {
    const std::int64_t half = std::max<std::int64_t>(1, s.integer("batch") / 2);
    out.push_back(
        {"Halve the batch to " + std::to_string(half), {{"batch", std::to_string(half)}}});
  }
  if (a.gpusNeeded > a.gpuCount) {
    const std::string n = std::to_string(a.gpusNeeded);
    Changes more{{"gpuCount", n}};
    if (inference && a.method == "architecture") {
      more["tensorParallel"] = engineSplitsByTensors(s) ? n : "1";
      more["pipelineParallel"] = "1";
      more["expertParallel"] = "1";
    }
    out.push_back({"Use " + n + " × " + a.gpuName, more});
  }
  return out;
}

/// Whether `single` sets a field that `chosen` already sets (two alternatives, such as two
/// optimizers or two stacks: only one of them can be applied).
bool overlaps(const Changes& chosen, const Changes& single) {
  return std::any_of(single.begin(), single.end(),
                     [&](const auto& change) { return chosen.count(change.first) > 0; });
}

/// `s` with the changes of `picked` applied.
Scenario applied(const Scenario& s, const std::vector<const Suggestion*>& picked) {
  Scenario changed = s;
  for (const Suggestion* single : picked) {
    for (const auto& [field, value] : single->changes) changed = changed.with(field, value);
  }
  return changed;
}

/// When no single change is enough: the changes that do not cost GPUs, added from the one
/// that saves most, each kept only if it still lowers the total on top of those before it
/// (and skipped when it is an alternative to one of them), up to the first set that fits;
/// then any change the others fit without is dropped, so every change named is needed.
std::optional<Suggestion> combined(const Scenario& s, const Answer& a,
                                   const std::vector<Suggestion>& singles) {
  std::vector<const Suggestion*> picked;
  Changes chosen;
  double total = a.perGpu.totalBytes;
  bool fits = false;
  for (const Suggestion& single : singles) {
    if (single.changes.count("gpuCount") || overlaps(chosen, single.changes)) continue;
    picked.push_back(&single);
    const auto after = evaluate(applied(s, picked), kVerdictOnly);
    if (!after || !(after->perGpu.totalBytes < total)) {
      picked.pop_back();
      continue;
    }
    chosen.insert(single.changes.begin(), single.changes.end());
    total = after->perGpu.totalBytes;
    if (after->fits) {
      fits = true;
      break;
    }
  }
  if (!fits || picked.size() < 2) return std::nullopt;
  for (std::size_t i = picked.size() - 1; i-- > 0 && picked.size() > 2;) {
    std::vector<const Suggestion*> without = picked;
    without.erase(without.begin() + static_cast<std::ptrdiff_t>(i));
    const auto after = evaluate(applied(s, without), kVerdictOnly);
    if (after && after->fits) picked = std::move(without);
  }
  const auto after = evaluate(applied(s, picked), kVerdictOnly);
  if (!after || !after->fits) return std::nullopt;
  Suggestion together;
  together.label = "Together:";
  for (const Suggestion* single : picked) {
    together.label += (single == picked.front() ? " " : " + ") + single->label;
    together.changes.insert(single->changes.begin(), single->changes.end());
  }
  together.totalBytes = after->perGpu.totalBytes;
  together.savedBytes = a.perGpu.totalBytes - after->perGpu.totalBytes;
  together.fits = true;
  return together;
}

}  // namespace

std::vector<Suggestion> suggestChanges(const Scenario& s, const Answer& a) {
  std::vector<Suggestion> out;
  for (const Candidate& c : candidatesFor(s, a)) {
    Scenario changed = s;
    for (const auto& [field, value] : c.changes) changed = changed.with(field, value);
    const auto after = evaluate(changed, kVerdictOnly);
    if (!after) continue;
    const double saved = a.perGpu.totalBytes - after->perGpu.totalBytes;
    if (!(saved > 0) && !after->fits) continue;
    out.push_back({c.label, c.changes, after->perGpu.totalBytes, saved, after->fits});
  }
  const auto order = [](const Suggestion& x, const Suggestion& y) {
    if (x.fits != y.fits) return x.fits;
    return x.savedBytes > y.savedBytes;
  };
  std::stable_sort(out.begin(), out.end(), order);
  if (!out.empty() && !out.front().fits) {
    if (auto together = combined(s, a, out)) out.insert(out.begin(), *together);
  }
  if (out.size() > 5) out.resize(5);
  return out;
}

}  // namespace gpumem
