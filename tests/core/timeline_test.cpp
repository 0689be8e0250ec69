// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
#include "gpumem/timeline.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "gpumem/answer.hpp"

namespace gpumem {
namespace {

std::string configText(const std::string& model) {
  std::ifstream in(std::string(GPUMEM_TEST_DATA_DIR) + "/calibration-configs/" + model + ".json");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

Scenario scenarioOf(const std::string& model, int batch, int prompt, int generated,
                    const char* precision = "bf16") {
  const auto s = parseScenario({{"config", configText(model)},
                                {"precision", precision},
                                {"batch", std::to_string(batch)},
                                {"contextLength", std::to_string(prompt + generated)},
                                {"generatedTokens", std::to_string(generated)}},
                               Strictness::kStrict);
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
  return *s;
}

struct Traced {
  const char* model;
  int batch, prompt, generated;
  const char* precision;
  double peakAlloc;  // measured: torch.cuda.max_memory_allocated above the start
};

TEST(Timeline, MatchesTheRecordedPeakAllocationAndItsTensor) {
  // The three generate() runs recorded with torch.cuda.memory._record_memory_history on an
  // H200 (PyTorch 2.11, transformers 5.17): each peaks in the prefill's MLP, at the
  // allocation of act(gate(x)) · up(x) (modeling_llama.py:175, modeling_qwen2.py:47,
  // modeling_gemma3.py:132).
  const Traced runs[] = {{"llama-3.2-1b", 4, 2048, 32, "bf16", 3313900544.0},
                         {"qwen2.5-0.5b", 16, 1024, 64, "fp16", 1799008256.0},
                         {"gemma-3-1b", 1, 8192, 16, "bf16", 2770124288.0}};
  for (const Traced& run : runs) {
    const auto events = scenarioTimeline(
        scenarioOf(run.model, run.batch, run.prompt, run.generated, run.precision));
    ASSERT_TRUE(events.ok()) << run.model;
    const TimelineSummary summary = summarizeTimeline(*events);
    EXPECT_NEAR(summary.peakAllocatedBytes, run.peakAlloc, 0.03 * run.peakAlloc) << run.model;
    EXPECT_EQ(summary.peakTensor, "mlp.product") << run.model;
    EXPECT_EQ(summary.peakPhase, "prefill") << run.model;
    EXPECT_GE(summary.peakReservedBytes, summary.peakAllocatedBytes) << run.model;
    EXPECT_GE(summary.minimumCapacityBytes, summary.peakAllocatedBytes) << run.model;
    EXPECT_LE(summary.minimumCapacityBytes, summary.peakReservedBytes) << run.model;
  }
}

TEST(Timeline, EveryFreeReturnsAnEarlierAllocationOnce) {
  const auto events = scenarioTimeline(scenarioOf("gemma-3-1b", 2, 4096, 64));
  ASSERT_TRUE(events.ok());
  std::vector<int> state;  // 0 never, 1 live, 2 freed
  for (const TimelineEvent& e : *events) {
    if (e.alloc) {
      EXPECT_EQ(e.id, static_cast<std::int32_t>(state.size()));
      EXPECT_GT(e.bytes, 0);
      state.push_back(1);
    } else {
      ASSERT_LT(static_cast<std::size_t>(e.id), state.size());
      EXPECT_EQ(state[static_cast<std::size_t>(e.id)], 1);
      state[static_cast<std::size_t>(e.id)] = 2;
    }
  }
}

TEST(Timeline, OnlyTransformersAndAPlainTrainingLoopOnOneGpu) {
  Scenario s = scenarioOf("llama-3.2-1b", 1, 512, 16);
  EXPECT_EQ(scenarioTimeline(s.with("engine", "vllm")).error().field, "engine");
  const Scenario training = s.with("task", "full");
  EXPECT_TRUE(scenarioTimeline(training).ok());
  EXPECT_EQ(scenarioTimeline(training.with("stack", "unsloth")).error().field, "stack");
  EXPECT_EQ(scenarioTimeline(training.with("gpuCount", "2")).error().field, "gpuCount");
  EXPECT_EQ(scenarioTimeline(training.with("task", "qlora")).error().field, "task");
}

Scenario trainingOf(const std::string& model, const char* task, const char* recipe, int batch,
                    int sequence, bool checkpointing, const char* optimizer) {
  const auto s = parseScenario({{"config", configText(model)},
                                {"task", task},
                                {"recipe", recipe},
                                {"batch", std::to_string(batch)},
                                {"contextLength", std::to_string(sequence)},
                                {"checkpointing", checkpointing ? "full" : "none"},
                                {"optimizer", optimizer}},
                               Strictness::kStrict);
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
  return *s;
}

struct TracedStep {
  const char* model;
  const char* task;
  const char* recipe;
  int batch, sequence;
  bool checkpointing;
  const char* optimizer;
  double peakAlloc;  // measured: torch.cuda.max_memory_allocated over two steps
  const char* tensor;
  const char* phase;
};

TEST(Timeline, TrainingStepsMatchTheRecordedPeakAllocationAndItsTensor) {
  // The six training runs recorded with torch.cuda.memory._record_memory_history on an H200
  // (PyTorch 2.11, transformers 5.17, peft 0.21; two steps with labels = inputs). Five peak in
  // the loss's backward, at the allocation of log_softmax's gradient while nll_loss's is
  // still live (torch/nn/functional.py:3504 cross_entropy, both fp32 batch × seq × vocab);
  // Adafactor peaks in its step on the embedding, at _approx_sq_grad's full-size estimate
  // beside the fp32 copies of the gradient and weight and grad² + eps
  // (transformers/optimization.py:1200, 1221, 1254, 1261). measure.py's "sgd" has momentum.
  const TracedStep runs[] = {{"llama-3.2-1b", "full", "mixed", 2, 2048, false, "adamw",
                              32188491776.0, "loss.log_softmax_grad", "backward"},
                             {"llama-3.2-1b", "full", "bf16", 2, 2048, true, "adafactor",
                              9151238656.0, "adafactor.approx_sq_grad", "optimizer"},
                             {"llama-3.2-1b", "lora", "bf16", 4, 1024, true, "adamw", 9214294016.0,
                              "loss.log_softmax_grad", "backward"},
                             {"qwen2.5-0.5b", "full", "mixed", 8, 1024, false, "adamw",
                              35059860480.0, "loss.log_softmax_grad", "backward"},
                             {"gemma-3-1b", "lora", "bf16", 2, 2048, true, "adamw", 15314313728.0,
                              "loss.log_softmax_grad", "backward"},
                             {"qwen2.5-0.5b", "full", "bf16", 8, 1024, false, "sgd-momentum",
                              28258973696.0, "loss.log_softmax_grad", "backward"}};
  for (const TracedStep& run : runs) {
    const auto events =
        scenarioTimeline(trainingOf(run.model, run.task, run.recipe, run.batch, run.sequence,
                                    run.checkpointing, run.optimizer));
    ASSERT_TRUE(events.ok()) << run.model << (events.ok() ? "" : events.error().message);
    const TimelineSummary summary = summarizeTimeline(*events);
    EXPECT_NEAR(summary.peakAllocatedBytes, run.peakAlloc, 0.03 * run.peakAlloc)
        << run.model << " " << run.optimizer;
    EXPECT_EQ(summary.peakTensor, run.tensor) << run.model << " " << run.optimizer;
    EXPECT_EQ(summary.peakPhase, run.phase) << run.model << " " << run.optimizer;
    EXPECT_GE(summary.minimumCapacityBytes, summary.peakAllocatedBytes) << run.model;
    EXPECT_LE(summary.minimumCapacityBytes, summary.peakReservedBytes) << run.model;
  }
}

TEST(Timeline, TrainingStepsFreeWhatTheyAllocateButWeightsAndStates) {
  // After two steps only the weights and the optimizer states remain (measure.py's
  // steady_alloc): every activation, logit and gradient is returned.
  const auto events =
      scenarioTimeline(trainingOf("llama-3.2-1b", "full", "mixed", 1, 512, false, "adamw")
                           .with("gradientAccumulation", "2"));
  ASSERT_TRUE(events.ok());
  std::vector<const TimelineEvent*> live;
  for (const TimelineEvent& e : *events) {
    if (e.alloc) {
      live.push_back(&e);
    } else {
      ASSERT_LT(static_cast<std::size_t>(e.id), live.size());
      ASSERT_NE(live[static_cast<std::size_t>(e.id)], nullptr);
      live[static_cast<std::size_t>(e.id)] = nullptr;
    }
  }
  for (const TimelineEvent* e : live) {
    if (e == nullptr) continue;
    EXPECT_TRUE(std::string(e->category) == "weights" || std::string(e->category) == "optimizer")
        << e->tensor;
  }
}

TEST(Timeline, TheAnswerSaysWhatNvidiaSmiShowsAndWhatTheRunNeeds) {
  const auto a = evaluate(scenarioOf("llama-3.2-1b", 4, 2048, 32));
  ASSERT_TRUE(a.ok());
  double context = 0;
  double reserve = 0;
  for (const Component& c : a->perGpu.components) {
    if (c.name == "cuda_context") context = c.bytes;
    if (c.name == "allocator_reserve") reserve = c.bytes;
  }
  EXPECT_DOUBLE_EQ(a->nvidiaSmiBytes, a->perGpu.totalBytes);
  EXPECT_DOUBLE_EQ(a->peakReservedBytes, a->perGpu.totalBytes - context);
  EXPECT_DOUBLE_EQ(a->peakAllocatedBytes, a->peakReservedBytes - reserve);
  EXPECT_GE(a->minimumCapacityBytes, context + a->peakAllocatedBytes);
  EXPECT_LE(a->minimumCapacityBytes, a->perGpu.totalBytes);
  // vLLM's own pool is not a PyTorch timeline.
  const auto vllm = evaluate(scenarioOf("llama-3.2-1b", 4, 2048, 32).with("engine", "vllm"));
  ASSERT_TRUE(vllm.ok());
  EXPECT_LT(vllm->minimumCapacityBytes, 0);
}

// A million sequences of a million tokens: one prefill tensor of Llama 3.2 1B holds
// 10^6 × 10^6 × 2048 × 2 B = 4 PB, past what the allocator model replays in 64-bit bytes.
// The timeline is refused, naming the field, and the answer stays without its allocator view.
TEST(Timeline, ATensorBeyondAPetabyteIsRefusedAndTheAnswerStays) {
  const Scenario huge = scenarioOf("llama-3.2-1b", 1'000'000, 1'000'000, 16);
  const auto events = scenarioTimeline(huge);
  ASSERT_FALSE(events.ok());
  EXPECT_EQ(events.error().field, "batch");
  const auto a = evaluate(huge);
  ASSERT_TRUE(a.ok());
  EXPECT_FALSE(a->fits);
  EXPECT_LT(a->minimumCapacityBytes, 0);
}

// The chart's points: coarsened to at most the number asked for, and the point of the most
// bytes live (a hand-built timeline's: 10 + 30 bytes of activations) is kept and named.
TEST(Timeline, TheChartsPointsKeepThePeakWhenCoarsened) {
  std::vector<TimelineEvent> events;
  events.push_back({true, 100, 0, "weights", "load", "weights", -1});
  for (std::int32_t id = 1; id <= 50; ++id) {
    const bool peak = id == 37;
    events.push_back({true, peak ? 30.0 : 10.0, id, "activations", "prefill",
                      peak ? "mlp.product" : "norm.out", 0});
    events.push_back({false, 0, id, "activations", "prefill", "", 0});
  }
  const auto all = nlohmann::json::parse(timelineToJson(events, {}));
  ASSERT_EQ(all["points"].size(), events.size());
  const auto coarse = nlohmann::json::parse(timelineChartJson(events, {}, 10));
  EXPECT_FALSE(coarse.contains("events"));
  EXPECT_EQ(all["events"].size(), events.size());
  EXPECT_LE(coarse["points"].size(), 10U);
  const auto& peak = coarse["points"][coarse["peakPoint"].get<std::size_t>()];
  EXPECT_EQ(peak["liveBytes"], 130);
  EXPECT_EQ(peak["tensor"], "mlp.product");
  EXPECT_EQ(peak["byCategory"]["weights"], 100);
  EXPECT_EQ(peak["byCategory"]["activations"], 30);
  EXPECT_EQ(all["points"][2]["tensor"], "free norm.out");
  EXPECT_EQ(all["points"][2]["liveBytes"], 100);
}

}  // namespace
}  // namespace gpumem
