// One answer that never contradicts itself: the verdict, headroom, GPU counts and limits
// agree with the per-GPU total — on the cases people reported and over random scenarios.
#include "gpumem/answer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "gpumem/gpu_catalog.hpp"
#include "gpumem/model_catalog.hpp"
#include "gpumem/model_file.hpp"

using namespace gpumem;

namespace {

using Values = std::map<std::string, std::string, std::less<>>;

Answer answerOf(Values values, AnswerDepth depth = {}) {
  const auto s = parseScenario(values, Strictness::kLenient);
  EXPECT_TRUE(s.ok()) << s.error().message;
  const auto a = evaluate(*s, depth);
  EXPECT_TRUE(a.ok()) << a.error().message;
  return a.ok() ? *a : Answer{};
}

const Component* component(const Answer& a, const std::string& name) {
  for (const Component& c : a.perGpu.components) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

/// The scenario's values, for failure messages.
std::string describe(const Scenario& s) {
  std::string out;
  for (const auto& [name, value] : s.givenValues()) out += name + "=" + value + " ";
  return out;
}

/// The allocator reserve of `a`'s breakdown (0 when it has none).
double reserveBytes(const Answer& a) {
  for (const Component& c : a.perGpu.components) {
    if (c.name == "allocator_reserve") return c.bytes;
  }
  return 0;
}

/// The bytes of `a` besides the allocator's reserve: the tensors and the CUDA context.
double tensorBytes(const Answer& a) { return a.perGpu.totalBytes - reserveBytes(a); }

/// Whether `a`'s reserve comes from replaying its step through the caching-allocator model.
bool replaysReserve(const Answer& a) {
  for (const Component& c : a.perGpu.components) {
    if (c.name == "allocator_reserve") return c.note.find("replaying") != std::string::npos;
  }
  return false;
}

/// What must hold of every answer, whatever the scenario.
void expectConsistent(const Answer& a, const std::string& what) {
  double sum = 0;
  for (const Component& c : a.perGpu.components) {
    ASSERT_TRUE(std::isfinite(c.bytes) && c.bytes >= 0) << what << " " << c.name;
    EXPECT_FALSE(formulaText(c).empty()) << what << " " << c.name;
    // The formula is data: the products of each term's factors sum to the bytes shown.
    double fromTerms = 0;
    for (const Term& t : c.terms) {
      double product = 1;
      for (const Factor& f : t.factors) {
        EXPECT_TRUE(std::isfinite(f.value)) << what << " " << c.name << " " << f.unit;
        product *= f.value;
      }
      fromTerms += product;
    }
    EXPECT_NEAR(fromTerms, c.bytes, 1e-9 * std::fabs(c.bytes) + 1e-6) << what << " " << c.name;
    if (c.bytes > 0) {
      EXPECT_FALSE(c.terms.empty()) << what << " " << c.name;
    }
    sum += c.bytes;
  }
  EXPECT_NEAR(sum, a.perGpu.totalBytes, 1e-6 * a.perGpu.totalBytes + 1) << what;
  EXPECT_EQ(a.fits, std::round(a.perGpu.totalBytes) <= std::round(a.capacityBytes)) << what;
  EXPECT_DOUBLE_EQ(a.headroomBytes, a.capacityBytes - a.perGpu.totalBytes) << what;
  EXPECT_GE(a.gpusInUse, 1) << what;
  EXPECT_LE(a.gpusInUse, a.gpuCount) << what;
  EXPECT_EQ(a.gpusInUse, a.replicas * a.gpusPerReplica) << what;
  EXPECT_LE(a.capacityBytes, a.gpuMemoryBytes + 0.5) << what;
  EXPECT_GT(a.capacityBytes, 0) << what;
  EXPECT_FALSE(a.layout.empty()) << what;
  // The smallest memory the run needs holds at least its live tensors, at most the total.
  if (a.minimumCapacityBytes >= 0) {
    EXPECT_GE(a.minimumCapacityBytes, a.peakAllocatedBytes) << what;
    EXPECT_LE(a.minimumCapacityBytes, a.perGpu.totalBytes + 0.5) << what;
  }
  // Expandable segments can only release what the allocator holds in cache.
  if (a.expandableNvidiaSmiBytes >= 0) {
    EXPECT_GE(a.expandableSavingBytes, 0) << what;
    EXPECT_LE(a.expandableSavingBytes, reserveBytes(a) + 0.5) << what;
    EXPECT_DOUBLE_EQ(a.expandableNvidiaSmiBytes, a.nvidiaSmiBytes - a.expandableSavingBytes)
        << what;
  }
  // Borderline exactly when the capacity is within the measured error of the total.
  if (a.measuredErrorShare > 0) {
    EXPECT_EQ(a.borderline, std::abs(a.capacityBytes - a.perGpu.totalBytes) <=
                                a.measuredErrorShare * a.perGpu.totalBytes)
        << what;
  } else {
    EXPECT_FALSE(a.borderline) << what;
  }
  EXPECT_EQ(a.borderline, !a.borderlineNote.empty()) << what;
}

std::string pick(std::mt19937_64& rng, const std::vector<std::string>& options) {
  return options[std::uniform_int_distribution<std::size_t>(0, options.size() - 1)(rng)];
}

std::vector<std::string> choicesOf(const char* field) {
  std::vector<std::string> out;
  for (const FieldChoice& c : findField(field)->choices) out.emplace_back(c.id);
  return out;
}

std::int64_t logUniform(std::mt19937_64& rng, double low, double high) {
  const double x = std::uniform_real_distribution<double>(std::log(low), std::log(high))(rng);
  return static_cast<std::int64_t>(std::llround(std::exp(x)));
}

/// A random scenario of valid field values (combinations may still be refused).
Values randomValues(std::mt19937_64& rng, const std::vector<std::string>& models,
                    const std::vector<std::string>& gpus) {
  Values v;
  v["task"] = pick(rng, {"inference", "inference", "full", "lora", "qlora"});
  if (std::uniform_int_distribution<int>(0, 4)(rng) == 0) {
    v["model"] = "";
    v["params"] = std::to_string(logUniform(rng, 1, 400)) + "B";
  } else {
    v["model"] = pick(rng, models);
  }
  for (const char* choice :
       {"precision", "kvDtype", "recipe", "engine", "attention", "optimizer", "checkpointing",
        "sharding", "offload", "loraTargets", "quantType", "quantStorage"}) {
    v[choice] = pick(rng, choicesOf(choice));
  }
  const std::int64_t context = logUniform(rng, 16, 262144);
  v["contextLength"] = std::to_string(context);
  v["generatedTokens"] = std::to_string(std::uniform_int_distribution<std::int64_t>(
      0, std::min<std::int64_t>(context - 1, 2048))(rng));
  v["batch"] = std::to_string(logUniform(rng, 1, 256));
  v["gpuMemoryUtilization"] = pick(rng, {"0.5", "0.8", "0.9", "0.95"});
  v["freeGpuMemoryFraction"] = pick(rng, {"0.5", "0.9"});
  v["nGpuLayers"] = pick(rng, {"-1", "0", "10", "40"});
  v["loraRank"] = pick(rng, {"4", "16", "64"});
  v["gpu"] = pick(rng, gpus);
  v["gpuCount"] = pick(rng, {"1", "1", "2", "4", "8", "16"});
  v["tensorParallel"] = pick(rng, {"1", "1", "2", "4"});
  v["pipelineParallel"] = pick(rng, {"1", "1", "1", "2"});
  v["expertParallel"] = pick(rng, {"1", "1", "2", "8"});
  v["contextParallel"] = pick(rng, {"1", "1", "2"});
  v["sequenceParallel"] = pick(rng, {"true", "false"});
  v["gradientAccumulation"] = pick(rng, {"1", "4"});
  v["doubleQuant"] = pick(rng, {"true", "false"});
  v["loadIn8bit"] = pick(rng, {"false", "false", "true"});
  return v;
}

struct Catalogs {
  std::vector<std::string> models;
  std::vector<std::string> gpus;
};

Catalogs catalogs() {
  Catalogs c;
  const auto models = modelCatalog();
  for (const CatalogModel& m : *models) c.models.push_back(m.id);
  for (const GpuSpec& g : gpuCatalog()) c.gpus.emplace_back(g.id);
  return c;
}

#ifdef __EMSCRIPTEN__
constexpr int kRandomScenarios = 1000;  // the same checks, fewer draws under node
constexpr int kDeepScenarios = 40;
#elif GPUMEM_UNDER_SANITIZERS
// Under AddressSanitizer each estimate costs several times more; the fuzz targets then
// draw scenarios of their own for as long as they are given.
constexpr int kRandomScenarios = 4000;
constexpr int kDeepScenarios = 120;
#else
constexpr int kRandomScenarios = 10000;
constexpr int kDeepScenarios = 300;
#endif

}  // namespace

TEST(Answer, TheFirstScreenFits) {
  const Answer a = answerOf({});
  expectConsistent(a, "defaults");
  EXPECT_TRUE(a.fits);
  EXPECT_EQ(a.gpusNeeded, 1);
  EXPECT_GE(a.maxContext, 8192);
  EXPECT_GE(a.maxBatch, 1);
}

TEST(Answer, TwoGpusWithoutTensorParallelSplitTheLayersInTransformers) {
  // Reported: "147.7 GB per GPU … Fits on 2 × H100 … GPUs in use: 1". Transformers'
  // device_map="auto" spreads the layers over both GPUs.
  const Answer a = answerOf({{"model", "llama-3.1-70b"}, {"gpu", "h100-80gb"}, {"gpuCount", "2"}});
  expectConsistent(a, "70B on 2 × H100");
  EXPECT_EQ(a.gpusInUse, 2);
  const Answer one = answerOf({{"model", "llama-3.1-70b"}, {"gpu", "h100-80gb"}});
  EXPECT_LT(a.perGpu.totalBytes, 0.6 * one.perGpu.totalBytes);
  EXPECT_FALSE(one.fits);
  EXPECT_LT(one.headroomBytes, 0);
  EXPECT_EQ(one.maxContext, 0);
}

TEST(Answer, VllmFitsOnlyWithinItsUtilizationBudget) {
  // Reported: gpu_memory_utilization never changed the verdict.
  const Values base = {{"engine", "vllm"},
                       {"model", "llama-3.1-8b"},
                       {"gpu", "rtx-4090"},
                       {"contextLength", "32768"}};
  Values low = base;
  low["gpuMemoryUtilization"] = "0.7";
  const Answer a = answerOf(low);
  expectConsistent(a, "vLLM 0.7");
  // The budget, and the CUDA context vLLM measures before its baseline (outside the budget).
  const Component* context = component(a, "cuda_context");
  ASSERT_NE(context, nullptr);
  EXPECT_NEAR(a.capacityBytes, 0.7 * a.gpuMemoryBytes + context->bytes, 1);
  Values high = base;
  high["gpuMemoryUtilization"] = "0.95";
  const Answer b = answerOf(high);
  EXPECT_GT(b.capacityBytes, a.capacityBytes);
  EXPECT_GE(b.maxContext, a.maxContext);
}

TEST(Answer, VllmMaxModelLenAutoIsTheLongestRequestTheKvCacheHolds) {
  // A plain-attention model: one request may use every block, so --max-model-len auto is the
  // pool's token count (whole blocks of 16), and one token more does not fit.
  const Values base = {
      {"engine", "vllm"}, {"model", "llama-3.1-8b"}, {"gpu", "rtx-4090"}, {"maxModelLen", "auto"}};
  const Answer a = answerOf(base);
  expectConsistent(a, "vLLM --max-model-len auto");
  ASSERT_TRUE(a.perGpu.kvPool);
  const std::string length = a.effective.at("maxModelLen");
  EXPECT_EQ(std::stoll(length), static_cast<std::int64_t>(a.perGpu.kvPool->tokens));
  EXPECT_TRUE(a.fits);
  Values longer = base;
  longer["maxModelLen"] = "context";
  longer["contextLength"] = std::to_string(std::stoll(length) + 1);
  EXPECT_FALSE(answerOf(longer).fits);
  // On an H100 the whole trained length (131,072 for Llama 3.1) fits.
  Values h100 = base;
  h100["gpu"] = "h100-80gb";
  EXPECT_EQ(answerOf(h100).effective.at("maxModelLen"), "131072");
}

TEST(Answer, VllmDefaultsFollowTheEntrypointAndTheAttention) {
  const Values base = {{"engine", "vllm"}, {"model", "llama-3.1-8b"}, {"gpu", "rtx-4090"}};
  EXPECT_EQ(answerOf(base).effective.at("maxNumBatchedTokens"), "2048");
  Values llm = base;
  llm["entrypoint"] = "llm";
  EXPECT_EQ(answerOf(llm).effective.at("maxNumBatchedTokens"), "8192");
  EXPECT_EQ(answerOf(base).effective.at("blockSize"), "16");
  Values mla = base;
  mla["model"] = "deepseek-v2-lite";
  EXPECT_EQ(answerOf(mla).effective.at("blockSize"), "64");  // FlashMLA's block
}

TEST(Answer, MlxFitsInMetalsWorkingSet) {
  // On a 16 GB M2 the budget is Metal's working set, 2/3 of the unified memory, not the RAM.
  const Answer a = answerOf({{"engine", "mlx"},
                             {"model", "llama-3.1-8b"},
                             {"precision", "mlx-4bit"},
                             {"gpu", "apple-m2-16gb"}});
  expectConsistent(a, "mlx-lm on an M2");
  EXPECT_NEAR(a.capacityBytes, a.gpuMemoryBytes * 2 / 3, 1);
  EXPECT_EQ(component(a, "cuda_context"), nullptr);
  EXPECT_TRUE(a.fits);
}

TEST(Answer, LlamaCppSplitsLayersOverFourCards) {
  const Answer a = answerOf({{"model", "llama-3.1-70b"},
                             {"engine", "llama.cpp"},
                             {"precision", "q4_k_m"},
                             {"gpu", "rtx-4090"},
                             {"gpuCount", "4"}});
  expectConsistent(a, "70B Q4_K_M on 4 × 4090");
  EXPECT_EQ(a.gpusInUse, 4);
  EXPECT_NE(a.layout.find("layers"), std::string::npos);
}

TEST(Answer, TheFewestGpusAreTheOnesTheSuggestionNames) {
  const Answer a = answerOf({{"model", "llama-3.1-70b"}, {"gpu", "rtx-4090"}});
  EXPECT_FALSE(a.fits);
  ASSERT_GT(a.gpusNeeded, 1);
  const Answer there = answerOf({{"model", "llama-3.1-70b"},
                                 {"gpu", "rtx-4090"},
                                 {"gpuCount", std::to_string(a.gpusNeeded)}});
  EXPECT_TRUE(there.fits);
  const Answer fewer = answerOf({{"model", "llama-3.1-70b"},
                                 {"gpu", "rtx-4090"},
                                 {"gpuCount", std::to_string(a.gpusNeeded - 1)}});
  EXPECT_FALSE(fewer.fits);
}

TEST(Answer, JointAdviceNamesOnlyTheChangesItNeedsAndAppliesEachItNames) {
  // Reported: full training of Gemma 2 2B on a 24 GB card advised "LoRA + page the optimizer
  // states + an 8-bit optimizer + checkpointing" while applying only one of the two
  // optimizers, and with LoRA the optimizer's states are too small to matter.
  const Values scenario{{"model", "gemma-2-2b"},
                        {"gpu", "rtx-4090"},
                        {"task", "full"},
                        {"contextLength", "1024"},
                        {"batch", "2"}};
  const Answer a = answerOf(scenario);
  ASSERT_FALSE(a.fits);
  ASSERT_FALSE(a.suggestions.empty());
  const Suggestion& joint = a.suggestions.front();
  ASSERT_TRUE(joint.label.starts_with("Together: ")) << joint.label;
  EXPECT_TRUE(joint.fits);
  // Each part of the label is one single change of the list below it; the joint changes are
  // exactly theirs, and no two parts set the same field.
  std::vector<const Suggestion*> parts;
  for (const Suggestion& single : a.suggestions) {
    if (&single != &joint && joint.label.find(single.label) != std::string::npos) {
      parts.push_back(&single);
    }
  }
  ASSERT_GE(parts.size(), 2u) << joint.label;
  using Fields = std::map<std::string, std::string>;
  Fields union_;
  std::size_t fieldCount = 0;
  for (const Suggestion* part : parts) {
    union_.insert(part->changes.begin(), part->changes.end());
    fieldCount += part->changes.size();
  }
  EXPECT_EQ(fieldCount, union_.size()) << joint.label;
  const Fields jointFields(joint.changes.begin(), joint.changes.end());
  EXPECT_EQ(jointFields, union_);
  // Every part is needed: without any one of them it does not fit.
  for (const Suggestion* left : parts) {
    Values without = scenario;
    for (const Suggestion* part : parts) {
      if (part == left) continue;
      for (const auto& [field, value] : part->changes) without[field] = value;
    }
    EXPECT_FALSE(answerOf(without).fits) << "fits without " << left->label;
  }
}

TEST(Answer, TooFewGpusForTheSplitNamesTheGpuCount) {
  const auto s = parseScenario({{"tensorParallel", "2"}}, Strictness::kStrict);
  ASSERT_TRUE(s.ok());
  const auto a = evaluate(*s);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().field, "gpuCount");
}

TEST(Answer, AModelFileGivesItsExactWeights) {
  ModelFile file;
  file.label = "model.gguf";
  file.format = "gguf";
  file.weightBytes = 4.92e9;
  file.parameters = 8.03e9;
  file.tensorCount = 291;
  file.configJson = findCatalogModel("llama-3.1-8b")->configJson;
  const Answer a = answerOf({{"file", modelFileToJson(file)}, {"precision", "q4_k_m"}});
  ASSERT_NE(component(a, "weights"), nullptr);
  EXPECT_DOUBLE_EQ(component(a, "weights")->bytes, 4.92e9);
  expectConsistent(a, "file");
}

// An embedding model: BAAI/bge-m3 (XLM-RoBERTa large: hidden 1,024, intermediate 4,096, 8,192
// tokens) serving 4 sequences of 512 tokens in bf16. The MLP step holds the most per token:
// the layer's input, the attention output and the intermediate before and after GELU,
// 2 × 1,024 + 2 × 4,096 = 10,240 values; the padded batch's mask, 4 × 512² booleans, and SDPA's
// additive copy, 4 × 512² × 2 B.
TEST(Answer, AnEncoderIsOneForwardWithoutKvCacheOrDecode) {
  const Values base = {{"model", "bge-m3"}, {"batch", "4"}, {"contextLength", "512"}};
  const Answer a = answerOf(base);
  expectConsistent(a, "bge-m3");
  EXPECT_TRUE(a.encoder);
  EXPECT_EQ(component(a, "kv_cache"), nullptr);
  EXPECT_EQ(component(a, "logits"), nullptr);
  ASSERT_NE(component(a, "weights"), nullptr);
  EXPECT_DOUBLE_EQ(component(a, "weights")->bytes, 567754752.0 * 2);
  ASSERT_NE(component(a, "activations"), nullptr);
  EXPECT_DOUBLE_EQ(component(a, "activations")->bytes,
                   4.0 * 512 * 10240 * 2 + 4.0 * 512 * 512 + 4.0 * 512 * 512 * 2);
  ASSERT_FALSE(a.notes.empty());
  EXPECT_NE(a.notes.front().find("no KV cache and no decode"), std::string::npos);
  // Nothing is generated, and the engine does not change how the forward is sized.
  Values other = base;
  other["generatedTokens"] = "500";
  other["engine"] = "vllm";
  EXPECT_DOUBLE_EQ(answerOf(other).perGpu.totalBytes, a.perGpu.totalBytes);
  // One sequence needs no padding mask; eager attention stores 2 copies of the scores.
  const Answer one = answerOf({{"model", "bge-m3"}, {"contextLength", "512"}});
  EXPECT_DOUBLE_EQ(component(one, "activations")->bytes, 512.0 * 10240 * 2);
  const Answer eager =
      answerOf({{"model", "bge-m3"}, {"contextLength", "512"}, {"attention", "eager"}});
  EXPECT_DOUBLE_EQ(component(eager, "activations")->bytes,
                   512.0 * 10240 * 2 + 16.0 * 512 * 512 * 2 * 2);
  // Past its 8,192 positions a sequence is truncated, and the answer says so.
  const Answer longer = answerOf({{"model", "bge-m3"}, {"contextLength", "20000"}});
  const Answer most = answerOf({{"model", "bge-m3"}, {"contextLength", "8192"}});
  EXPECT_DOUBLE_EQ(longer.perGpu.totalBytes, most.perGpu.totalBytes);
  EXPECT_TRUE(std::any_of(longer.notes.begin(), longer.notes.end(),
                          [](const std::string& n) { return n.find("8192 tokens") != n.npos; }));
}

TEST(Answer, AnEncoderDisablesWhatItDoesNotUseAndRefusesTraining) {
  const auto s =
      parseScenario({{"model", "bge-reranker-v2-m3"}, {"engine", "vllm"}}, Strictness::kLenient);
  ASSERT_TRUE(s.ok());
  const std::string disabled = disabledFieldsJson(*s);
  for (const char* field :
       {"\"generatedTokens\"", "\"kvDtype\"", "\"engine\"", "\"gpuMemoryUtilization\""}) {
    EXPECT_NE(disabled.find(field), std::string::npos) << field << " in " << disabled;
  }
  EXPECT_EQ(disabled.find("\"batch\""), std::string::npos) << disabled;
  EXPECT_EQ(disabled.find("\"attention\""), std::string::npos) << disabled;
  const auto training = evaluate(s->with("task", "full"), {});
  ASSERT_FALSE(training.ok());
  EXPECT_EQ(training.error().field, "task");
}

TEST(Answer, AnEagleHeadIsChosenForTheTargetOnVllmAndSglang) {
  const auto label = [](const Answer& a) {
    for (const Component& c : a.perGpu.components) {
      if (c.name == "draft_weights") return c.label;
    }
    return std::string();
  };
  // Llama 3.1 8B with an EAGLE-3 head of 4 tokens a step: numSpeculativeTokens applies to a
  // model without MTP layers once a head drafts.
  const auto s = parseScenario(
      {{"engine", "vllm"}, {"speculativeMethod", "eagle3"}, {"numSpeculativeTokens", "4"}},
      Strictness::kStrict);
  ASSERT_TRUE(s.ok()) << s.error().message;
  const auto a = evaluate(*s, {});
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ(label(*a), "EAGLE-3 head weights");
  // SGLang reserves 2,048 MiB more behind its automatic mem_fraction_static for the head.
  const auto sglang = evaluate(s->with("engine", "sglang").with("speculativeMethod", "eagle"), {});
  ASSERT_TRUE(sglang.ok()) << sglang.error().message;
  EXPECT_EQ(label(*sglang), "EAGLE head weights");
  // Elsewhere the head is refused, naming the field; and without a head, a model without MTP
  // layers takes no speculative tokens.
  const auto trt = parseScenario({{"engine", "tensorrt-llm"}, {"speculativeMethod", "eagle3"}},
                                 Strictness::kStrict);
  ASSERT_FALSE(trt.ok());
  EXPECT_EQ(trt.error().field, "speculativeMethod");
  const auto tokens = evaluate(s->with("speculativeMethod", "none"), {});
  ASSERT_FALSE(tokens.ok());
  EXPECT_EQ(tokens.error().field, "numSpeculativeTokens");
}

TEST(Answer, ADraftModelIsACatalogIdOnTheEnginesThatTakeOne) {
  const auto s =
      parseScenario({{"engine", "vllm"}, {"draftModel", "llama-3.2-1b"}}, Strictness::kStrict);
  ASSERT_TRUE(s.ok()) << s.error().message;
  const auto a = evaluate(*s, {});
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_TRUE(std::any_of(a->perGpu.components.begin(), a->perGpu.components.end(),
                          [](const Component& c) { return c.name == "draft_weights"; }));
  const auto unknown = evaluate(s->with("draftModel", "no-such-model"), {});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().field, "draftModel");
  const auto encoder = evaluate(s->with("draftModel", "bge-m3"), {});
  ASSERT_FALSE(encoder.ok());
  EXPECT_EQ(encoder.error().field, "draftModel");
  // SGLang takes it too (--speculative-algorithm STANDALONE) and adds the draft's weights.
  const auto sglang =
      parseScenario({{"engine", "sglang"}, {"draftModel", "llama-3.2-1b"}}, Strictness::kStrict);
  ASSERT_TRUE(sglang.ok()) << sglang.error().message;
  const auto drafted = evaluate(*sglang, {});
  ASSERT_TRUE(drafted.ok()) << drafted.error().message;
  EXPECT_TRUE(std::any_of(drafted->perGpu.components.begin(), drafted->perGpu.components.end(),
                          [](const Component& c) { return c.name == "draft_weights"; }));
  // TensorRT-LLM's draft is not modelled: the field is refused there, naming it.
  const auto trt = parseScenario({{"engine", "tensorrt-llm"}, {"draftModel", "llama-3.2-1b"}},
                                 Strictness::kStrict);
  ASSERT_FALSE(trt.ok());
  EXPECT_EQ(trt.error().field, "draftModel");
}

/// The random scenarios in four independent draws (so that a sharded run spreads them).
class RandomScenarios : public ::testing::TestWithParam<int> {};

TEST_P(RandomScenarios, InvariantsHold) {
  constexpr int kDraws = kRandomScenarios / 4;
  std::mt19937_64 rng(20261129 + static_cast<std::uint64_t>(GetParam()));
  const Catalogs c = catalogs();
  int answered = 0;
  for (int i = 0; i < kDraws; ++i) {
    const Values values = randomValues(rng, c.models, c.gpus);
    const auto s = parseScenario(values, Strictness::kLenient);
    ASSERT_TRUE(s.ok()) << s.error().message;
    const auto a = evaluate(*s, {.gpusNeeded = false, .limits = false, .suggestions = false});
    if (!a) {
      EXPECT_NE(findField(a.error().field), nullptr)
          << "error names no input: " << a.error().field << ": " << a.error().message;
      continue;
    }
    ++answered;
    const std::string what = "scenario " + std::to_string(i) + ": " + describe(*s);
    expectConsistent(*a, what);
    // llama.cpp's --fit chooses the context and the layers to fit the GPU: when it cut or
    // moved something, more sequences can leave fewer layers on the GPU, by design. GPU + host
    // bytes are not monotonic either, by llama.cpp's own mechanism: with tied embeddings the
    // output layer on the GPU is a second copy of the token embedding (which stays on the
    // host), so when a longer context pushes the output layer off the GPU that copy goes and
    // the total drops (Gemma 3 4B in bf16, -np 1, on 11 GiB: -c 73728 keeps all 35 layers,
    // 12.00 GB on GPU and host; -c 81920 keeps 34, 11.36 GB: 1.34 GB of copy gone, 0.54 GB
    // of host logits and more KV added). So these scenarios are left out, not compared.
    const bool fitDecided = std::any_of(a->notes.begin(), a->notes.end(), [](const std::string& n) {
      return n.starts_with("llama.cpp --fit:") && n.find("everything fits") == std::string::npos;
    });
    if (fitDecided) continue;
    // More context or more sequences never need more tensors. The total follows, except the
    // reserve of a replayed training step: which cached block a request best-fits into
    // changes with the sizes, so the blocks the first step leaves split (a vocabulary-wide
    // loss block holding an optimizer state) can be more at one length than at a longer one
    // (Llama 3.2 1B, full, 2 × 6,144 tokens: 5.5 GB idle in the first step's log_softmax
    // block; 2 × 6,656: 3.4 GB). The recorded traces show the same split blocks.
    const std::int64_t context = s->integer("contextLength");
    const auto expectNoLess = [&](const Answer& more, const std::string& how) {
      EXPECT_GE(tensorBytes(more), tensorBytes(*a) - 1) << what << how;
      if (!replaysReserve(*a) && !replaysReserve(more)) {
        EXPECT_GE(more.perGpu.totalBytes, a->perGpu.totalBytes - 1) << what << how;
      }
    };
    const auto longer =
        evaluate(s->with("contextLength", std::to_string(context * 2)), kVerdictOnly);
    if (longer) expectNoLess(*longer, " (twice the context)");
    const auto wider =
        evaluate(s->with("batch", std::to_string(s->integer("batch") + 1)), kVerdictOnly);
    if (wider) expectNoLess(*wider, " (one more sequence)");
  }
  EXPECT_GT(answered, kDraws / 3) << "too few random scenarios were valid";
}

INSTANTIATE_TEST_SUITE_P(Answer, RandomScenarios, ::testing::Values(0, 1, 2, 3));

TEST(Answer, TheGpuTableAgreesWithEachGpusOwnAnswer) {
  std::mt19937_64 rng(11);
  const Catalogs c = catalogs();
  int checked = 0;
  while (checked < kDeepScenarios / 15) {
    const auto s = parseScenario(randomValues(rng, c.models, c.gpus), Strictness::kLenient);
    // The page shows the table beside an answer.
    if (!evaluate(*s, kVerdictOnly)) continue;
    const auto table = gpuTable(*s);
    ASSERT_TRUE(table.ok()) << describe(*s);
    ++checked;
    const std::string what = "table scenario " + std::to_string(checked) + ": " + describe(*s);
    ASSERT_EQ(table->size(), c.gpus.size()) << what;
    for (int sample = 0; sample < 8; ++sample) {
      const GpuFit& row =
          (*table)[std::uniform_int_distribution<std::size_t>(0, table->size() - 1)(rng)];
      const auto own = evaluate(s->with("gpu", row.gpuId).with("gpuMemory", ""),
                                {.limits = false, .suggestions = false, .allocatorView = false});
      if (!own) {  // e.g. more tensor-parallel ranks than GPUs: no count is searched
        EXPECT_EQ(row.gpusNeeded, 0) << what << " on " << row.gpuId;
        continue;
      }
      EXPECT_EQ(row.gpusNeeded, own->gpusNeeded) << what << " on " << row.gpuId;
    }
  }
}

TEST(Answer, LimitsAndFewestGpusAgreeWithTheVerdict) {
  std::mt19937_64 rng(7);
  const Catalogs c = catalogs();
  int checked = 0;
  while (checked < kDeepScenarios) {
    const auto s = parseScenario(randomValues(rng, c.models, c.gpus), Strictness::kLenient);
    const auto a = evaluate(*s, {.allocatorView = false});
    if (!a) continue;
    ++checked;
    const std::string what = "deep scenario " + std::to_string(checked) + ": " + describe(*s);
    if (a->maxContext >= 0) {
      // Fits exactly when the longest context that fits is at least the one asked for.
      EXPECT_EQ(a->fits, a->maxContext >= s->integer("contextLength")) << what;
      if (a->maxContext > 0) {
        const auto at =
            evaluate(s->with("contextLength", std::to_string(a->maxContext)), kVerdictOnly);
        ASSERT_TRUE(at.ok()) << what;
        EXPECT_TRUE(at->fits) << what;
      }
    }
    if (a->maxBatch >= 0) {
      EXPECT_EQ(a->fits, a->maxBatch >= s->integer("batch")) << what;
    }
    if (!usesArchitecture(*s)) {
      EXPECT_EQ(a->fits, a->gpusNeeded <= a->gpuCount && a->gpusNeeded > 0) << what;
    }
    // Advice only where it does not fit, and each piece says what applying it gives.
    if (a->fits) {
      EXPECT_TRUE(a->suggestions.empty()) << what;
    }
    for (const Suggestion& advice : a->suggestions) {
      Scenario changed = *s;
      for (const auto& [field, value] : advice.changes) changed = changed.with(field, value);
      const auto after = evaluate(changed, kVerdictOnly);
      ASSERT_TRUE(after.ok()) << what << " + " << advice.label;
      EXPECT_DOUBLE_EQ(after->perGpu.totalBytes, advice.totalBytes)
          << what << " + " << advice.label;
      EXPECT_EQ(after->fits, advice.fits) << what << " + " << advice.label;
      EXPECT_DOUBLE_EQ(advice.savedBytes, a->perGpu.totalBytes - advice.totalBytes) << what;
    }
  }
}

TEST(Answer, TheReserveSaysWhetherItIsReplayedAndWhyNot) {
  const auto reserveNote = [](const Values& values) {
    const auto s = parseScenario(values, Strictness::kStrict);
    EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
    const auto a = evaluate(*s, kVerdictOnly);
    EXPECT_TRUE(a.ok()) << (a.ok() ? "" : a.error().message);
    for (const Component& c : a->perGpu.components) {
      if (c.name == "allocator_reserve") return c.note;
    }
    return std::string();
  };
  // One GPU, a plain loop, LoRA: the step is replayed.
  EXPECT_NE(reserveNote({{"model", "llama-3.2-1b"}, {"task", "lora"}}).find("replaying"),
            std::string::npos);
  // QLoRA has no step timeline: the fitted share, and the reason the replay does not apply.
  const std::string qlora = reserveNote({{"model", "llama-3.2-1b"}, {"task", "qlora"}});
  EXPECT_EQ(qlora.find("replaying"), std::string::npos) << qlora;
  EXPECT_NE(qlora.find("not replayed: training timelines are modelled for full training and LoRA"),
            std::string::npos)
      << qlora;
  // A step too large for the allocator model's 64-bit sums keeps the fitted share, and says so.
  const std::string huge = reserveNote({{"model", "llama-3.2-1b"},
                                        {"task", "full"},
                                        {"batch", "1048576"},
                                        {"contextLength", "10000000"}});
  EXPECT_NE(huge.find("not replayed: the step asks for over an exabyte"), std::string::npos)
      << huge;
}

TEST(Answer, LimitsAgreeWithTheVerdictWhereTheReplayedReserveDrops) {
  // Full training of Llama 3.2 1B, 2 sequences: at 6,656 tokens the step-1 loss block is
  // reused by what the longer step allocates, at 6,144 it stays split, so the longer run
  // needs less. A card between the two: the shorter does not fit, the longer does, and each
  // answer's longest context is on its own side of what it asks.
  const auto at = [](int context, const std::string& memory) {
    const auto s = parseScenario({{"model", "llama-3.2-1b"},
                                  {"task", "full"},
                                  {"batch", "2"},
                                  {"contextLength", std::to_string(context)},
                                  {"gpu", "custom"},
                                  {"gpuMemory", memory}},
                                 Strictness::kStrict);
    EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
    const auto a = evaluate(*s, {.suggestions = false});
    EXPECT_TRUE(a.ok()) << (a.ok() ? "" : a.error().message);
    return *a;
  };
  const Answer shorter = at(6144, "80GB");
  const Answer longer = at(6656, "80GB");
  ASSERT_TRUE(replaysReserve(shorter));
  ASSERT_LT(longer.perGpu.totalBytes, shorter.perGpu.totalBytes);
  EXPECT_GT(tensorBytes(longer), tensorBytes(shorter));
  const double between = (longer.perGpu.totalBytes + shorter.perGpu.totalBytes) / 2;
  const std::string memory = std::to_string(between / shorter.capacityBytes * 80) + "GB";
  const Answer no = at(6144, memory);
  const Answer yes = at(6656, memory);
  EXPECT_FALSE(no.fits);
  EXPECT_LT(no.maxContext, 6144);
  EXPECT_TRUE(yes.fits);
  EXPECT_GE(yes.maxContext, 6656);
  EXPECT_TRUE(at(static_cast<int>(no.maxContext), memory).fits);
  EXPECT_TRUE(at(static_cast<int>(yes.maxContext), memory).fits);
}

TEST(Answer, EachStackRowIsThatStacksOwnAnswer) {
  const Values qlora{
      {"model", "llama-3.1-8b"}, {"gpu", "rtx-4090"}, {"task", "qlora"}, {"contextLength", "4096"}};
  const auto s = parseScenario(qlora, Strictness::kStrict);
  ASSERT_TRUE(s.ok());
  const auto rows = stackTable(*s);
  ASSERT_TRUE(rows.ok()) << rows.error().message;
  const FieldSpec* stack = findField("stack");
  ASSERT_NE(stack, nullptr);
  EXPECT_EQ(rows->size(), stack->choices.size());
  for (const StackFit& row : *rows) {
    Values values = qlora;
    values["stack"] = row.stack;
    const Answer a = answerOf(values);
    EXPECT_DOUBLE_EQ(row.perGpuBytes, a.perGpu.totalBytes) << row.stack;
    EXPECT_EQ(row.fits, a.fits) << row.stack;
    EXPECT_EQ(row.maxContext, a.maxContext) << row.stack;
    EXPECT_EQ(row.maxBatch, a.maxBatch) << row.stack;
    EXPECT_EQ(row.checkpointing, a.effective.at("checkpointing")) << row.stack;
    // The row's own limits agree with its verdict at the asked sequence and micro-batch.
    EXPECT_EQ(row.fits, row.maxContext >= 4096) << row.stack;
    EXPECT_EQ(row.fits, row.maxBatch >= 1) << row.stack;
  }
  // Inference has no stack, and says so on the field that makes it so.
  const auto serving = parseScenario({{"model", "llama-3.1-8b"}}, Strictness::kStrict);
  ASSERT_TRUE(serving.ok());
  const auto none = stackTable(*serving);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().field, "task");
}

TEST(Answer, AnEvaluationPassHoldsTheEvalBatchsLogitsBesideTheStates) {
  // Trainer.evaluate between steps: no gradients, the optimizer states held, and the eval
  // batch's logits materialised: 8 × 4,096 tokens × 128,256 vocab × (2 B bf16 logits + 4 B
  // fp32 copy + 4 B log_softmax), plus SFTTrainer's 2 B contiguous copy for token accuracy.
  Values trl{{"model", "llama-3.1-8b"},
             {"gpu", "h100-80gb"},
             {"task", "qlora"},
             {"stack", "trl"},
             {"contextLength", "4096"}};
  const Answer without = answerOf(trl);
  trl["evalBatch"] = "8";
  const Answer with = answerOf(trl);
  EXPECT_EQ(with.peakPhase, "evaluation");
  const double evalTokens = 8.0 * 4096;
  const double vocab = 128256;
  ASSERT_NE(component(with, "logits"), nullptr);
  EXPECT_DOUBLE_EQ(component(with, "logits")->bytes, evalTokens * vocab * (2 + 4 + 4 + 2));
  EXPECT_GT(with.perGpu.totalBytes, without.perGpu.totalBytes);
  EXPECT_EQ(component(with, "optimizer_states")->bytes,
            component(without, "optimizer_states")->bytes);
  EXPECT_EQ(component(with, "gradients")->bytes, 0);
  // Liger fuses the loss in training only, so its evaluation materialises the logits too;
  // Unsloth's fused cross-entropy returns none.
  Values liger = trl;
  liger["stack"] = "liger";
  EXPECT_DOUBLE_EQ(component(answerOf(liger), "logits")->bytes, evalTokens * vocab * 10);
  Values unsloth = trl;
  unsloth["stack"] = "unsloth";
  EXPECT_LT(component(answerOf(unsloth), "logits")->bytes, evalTokens * vocab);
}
