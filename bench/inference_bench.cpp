// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// How long one architecture-aware inference estimate takes, and a 1,000-point sweep of
// context length (the issue's targets: ≤ 5 µs and ≤ 5 ms).
#include <benchmark/benchmark.h>

#include "gpumem/answer.hpp"
#include "gpumem/caching_allocator.hpp"
#include "gpumem/inference.hpp"
#include "gpumem/model_config.hpp"
#include "gpumem/timeline.hpp"

namespace {

gpumem::ModelArchitecture llama31_8b() {
  auto arch = gpumem::parseModelConfig(
      R"({"model_type":"llama","hidden_size":4096,"intermediate_size":14336,
          "num_hidden_layers":32,"num_attention_heads":32,"num_key_value_heads":8,
          "vocab_size":128256})");
  return arch.ok() ? *arch : gpumem::ModelArchitecture{};
}

void BM_EstimateInference(benchmark::State& state) {
  const gpumem::ModelArchitecture arch = llama31_8b();
  gpumem::InferenceOptions options;
  options.promptTokens = 8192;
  for (auto _ : state) {
    auto result = gpumem::estimateInference(arch, options);
    benchmark::DoNotOptimize(result);
  }
}
BENCHMARK(BM_EstimateInference);

void BM_ContextSweep1000(benchmark::State& state) {
  const gpumem::ModelArchitecture arch = llama31_8b();
  gpumem::InferenceOptions options;
  for (auto _ : state) {
    double total = 0;
    for (int i = 1; i <= 1000; ++i) {
      options.promptTokens = i * 128;
      const auto result = gpumem::estimateInference(arch, options);
      if (result.ok()) total += result->totalBytes;
    }
    benchmark::DoNotOptimize(total);
  }
}
BENCHMARK(BM_ContextSweep1000)->Unit(benchmark::kMillisecond);

void BM_ParseConfig(benchmark::State& state) {
  for (auto _ : state) {
    auto arch = llama31_8b();
    benchmark::DoNotOptimize(arch);
  }
}
BENCHMARK(BM_ParseConfig);

}  // namespace

/// The whole answer the page and the CLI show: the catalog lookup, the estimate, the
/// verdict, the fewest GPUs and the longest context and largest batch.
void BM_EvaluateWholeAnswer(benchmark::State& state) {
  const auto scenario = gpumem::parseScenario(
      {{"model", "llama-3.1-8b"}, {"gpu", "h100-80gb"}, {"contextLength", "32768"}},
      gpumem::Strictness::kStrict);
  for (auto _ : state) {
    auto answer = gpumem::evaluate(*scenario);
    benchmark::DoNotOptimize(answer);
  }
}
BENCHMARK(BM_EvaluateWholeAnswer)->Unit(benchmark::kMicrosecond);

/// A scenario's allocation timeline (timeline.hpp) as the caching-allocator model's requests.
std::vector<gpumem::AllocatorEvent> timelineRequests(const gpumem::Scenario& scenario) {
  const auto events = gpumem::scenarioTimeline(scenario);
  std::vector<gpumem::AllocatorEvent> out;
  for (const gpumem::TimelineEvent& e : *events) {
    out.push_back(
        {e.alloc ? gpumem::AllocatorEvent::Kind::kAlloc : gpumem::AllocatorEvent::Kind::kFree,
         static_cast<std::int64_t>(e.bytes), e.id});
  }
  return out;
}

/// Full fine-tuning of Llama 3.2 1B, mixed precision, 4 × 2,048 tokens, on an H100: a
/// training run modelled as a timeline, whose every estimate replays its two steps'
/// allocations through the caching-allocator model.
gpumem::Scenario trainingRun() {
  return *gpumem::parseScenario({{"model", "llama-3.2-1b"},
                                 {"task", "full"},
                                 {"gpu", "h100-80gb"},
                                 {"batch", "4"},
                                 {"contextLength", "2048"}},
                                gpumem::Strictness::kStrict);
}

/// Its whole answer: the estimate, the limits' searches and the allocator view.
void BM_EvaluateTrainingAnswer(benchmark::State& state) {
  const auto scenario = trainingRun();
  for (auto _ : state) {
    auto answer = gpumem::evaluate(scenario);
    benchmark::DoNotOptimize(answer);
  }
}
BENCHMARK(BM_EvaluateTrainingAnswer)->Unit(benchmark::kMillisecond);

/// Its headline (no searches): the breakdown with its replayed allocator reserve.
void BM_EvaluateTrainingHeadline(benchmark::State& state) {
  const auto scenario = trainingRun();
  for (auto _ : state) {
    auto answer = gpumem::evaluate(scenario, gpumem::AnswerDepth{false, false, false});
    benchmark::DoNotOptimize(answer);
  }
}
BENCHMARK(BM_EvaluateTrainingHeadline)->Unit(benchmark::kMicrosecond);

/// One replay of its two training steps.
void BM_TrainingTimelineReplay(benchmark::State& state) {
  const auto requests = timelineRequests(trainingRun());
  for (auto _ : state) {
    auto replay = gpumem::replayTimeline(requests);
    benchmark::DoNotOptimize(replay);
  }
}
BENCHMARK(BM_TrainingTimelineReplay)->Unit(benchmark::kMicrosecond);

/// The headline alone (no searches): what a sweep point costs.
void BM_EvaluateHeadline(benchmark::State& state) {
  const auto scenario =
      gpumem::parseScenario({{"model", "llama-3.1-8b"}}, gpumem::Strictness::kStrict);
  for (auto _ : state) {
    auto answer = gpumem::evaluate(*scenario, gpumem::AnswerDepth{false, false, false});
    benchmark::DoNotOptimize(answer);
  }
}
BENCHMARK(BM_EvaluateHeadline)->Unit(benchmark::kMicrosecond);

/// The allocation timeline of Llama 3.1 8B generating 256 tokens after a 7,936-token prompt
/// (timeline.hpp), as the caching-allocator model's requests.
std::vector<gpumem::AllocatorEvent> llamaTimeline() {
  return timelineRequests(
      *gpumem::parseScenario({{"model", "llama-3.1-8b"}}, gpumem::Strictness::kStrict));
}

/// One replay of that timeline: its peak allocated and reserved bytes.
void BM_TimelineReplay(benchmark::State& state) {
  const auto events = llamaTimeline();
  for (auto _ : state) {
    auto replay = gpumem::replayTimeline(events);
    benchmark::DoNotOptimize(replay);
  }
}
BENCHMARK(BM_TimelineReplay)->Unit(benchmark::kMicrosecond);

/// The smallest capacity on which it runs: a bisection of capped replays.
void BM_TimelineMinimumCapacity(benchmark::State& state) {
  const auto events = llamaTimeline();
  for (auto _ : state) {
    auto bytes = gpumem::minimumCapacity(events, false);
    benchmark::DoNotOptimize(bytes);
  }
}
BENCHMARK(BM_TimelineMinimumCapacity)->Unit(benchmark::kMicrosecond);

/// "Which GPUs can run this": the fewest of every catalog GPU.
void BM_GpuTable(benchmark::State& state) {
  const auto scenario =
      gpumem::parseScenario({{"model", "llama-3.1-70b"}}, gpumem::Strictness::kStrict);
  for (auto _ : state) {
    auto rows = gpumem::gpuTable(*scenario);
    benchmark::DoNotOptimize(rows);
  }
}
BENCHMARK(BM_GpuTable)->Unit(benchmark::kMillisecond);
