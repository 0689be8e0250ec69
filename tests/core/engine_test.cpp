// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
#include "gpumem/engine.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>

#include "gpumem/format.hpp"
#include "gpumem/mlx_engine.hpp"
#include "gpumem/model_catalog.hpp"
#include "gpumem/model_config.hpp"
#include "test_breakdown.hpp"
#include "test_models.hpp"

namespace gpumem {
namespace {

/// A catalog model's architecture (model_catalog_data.inc); a missing or unreadable entry
/// fails the test.
ModelArchitecture catalogArchitecture(const char* id) {
  const auto entry = findCatalogModel(id);
  EXPECT_TRUE(entry.ok()) << id;
  if (!entry) return ModelArchitecture{};
  const auto arch = parseModelConfig(entry->configJson);
  EXPECT_TRUE(arch.ok()) << id;
  return arch ? *arch : ModelArchitecture{};
}

using test::component;
using test::llama8b;

std::string formulaOf(const Breakdown& b, const std::string& name) {
  for (const Component& c : b.components) {
    if (c.name == name) return formulaText(c);
  }
  ADD_FAILURE() << "no component " << name;
  return "";
}

/// llama.cpp with a context of n_ctx cells shared by `slots` sequences (-np), in one
/// unified KV cache (--kv-unified) or one stream per slot.
InferenceOptions llamaCppSlots(std::int64_t nCtx, std::int64_t slots, bool unified) {
  InferenceOptions o;
  o.engine = EngineProfile::kLlamaCpp;
  o.llamaCpp.nCtx = nCtx;
  o.llamaCpp.nSeq = slots;
  o.llamaCpp.kvUnified = unified;
  return o;
}

TEST(Engine, ParsesNames) {
  EXPECT_EQ(*parseEngineProfile("vLLM"), EngineProfile::kVllm);
  EXPECT_EQ(*parseEngineProfile("llama.cpp"), EngineProfile::kLlamaCpp);
  EXPECT_EQ(*parseEngineProfile("hf"), EngineProfile::kTransformers);
  EXPECT_EQ(*parseEngineProfile("tensorrt-llm"), EngineProfile::kTensorRtLlm);
  EXPECT_EQ(*parseEngineProfile("TRTLLM"), EngineProfile::kTensorRtLlm);
  EXPECT_EQ(*parseEngineProfile("trt-llm"), EngineProfile::kTensorRtLlm);
  EXPECT_EQ(parseEngineProfile("tgi").error().field, "engine");
}

TEST(Engine, VllmRoundsTheCacheUpToWholeBlocks) {
  InferenceOptions o;
  o.engine = EngineProfile::kVllm;
  o.promptTokens = 1000;
  o.generatedTokens = 1;  // 1001 tokens → 63 blocks of 16 = 1008 tokens
  const auto b = estimateInference(llama8b(), o);
  ASSERT_TRUE(b.ok()) << b.error().message;
  EXPECT_DOUBLE_EQ(component(*b, "kv_cache"), 1008 * 131072.0);
}

TEST(Engine, VllmCachesTheMlaLatentOnly) {
  const auto v3 = parseModelConfig(
      R"({"model_type":"deepseek_v3","hidden_size":7168,"intermediate_size":18432,
          "moe_intermediate_size":2048,"num_hidden_layers":61,"num_attention_heads":128,
          "n_routed_experts":256,"q_lora_rank":1536,"kv_lora_rank":512,
          "qk_nope_head_dim":128,"qk_rope_head_dim":64,"v_head_dim":128,"vocab_size":129280})");
  ASSERT_TRUE(v3.ok());
  InferenceOptions o;
  o.engine = EngineProfile::kVllm;
  o.promptTokens = 16;
  o.generatedTokens = 0;
  const auto b = estimateInference(*v3, o);
  ASSERT_TRUE(b.ok());
  EXPECT_DOUBLE_EQ(component(*b, "kv_cache"), 16.0 * 61 * 576 * 2);
}

TEST(Engine, LlamaCppPartialOffloadKeepsLayersOnTheHost) {
  InferenceOptions o;
  o.engine = EngineProfile::kLlamaCpp;
  const auto all = estimateInference(llama8b(), o);
  o.llamaCpp.nGpuLayers = 16;
  const auto half = estimateInference(llama8b(), o);
  ASSERT_TRUE(all.ok() && half.ok());
  // Half the layers: half the cache; the weights lose half the layers and the head.
  EXPECT_DOUBLE_EQ(component(*half, "kv_cache") * 2, component(*all, "kv_cache"));
  EXPECT_LT(component(*half, "weights"), component(*all, "weights") / 2);
  // The token embedding stays on the CPU: 128256 × 4096 × 2 B are not on the GPU.
  EXPECT_NEAR(component(*all, "weights"), (8030261248.0 - 128256.0 * 4096) * 2, 1);
}

TEST(Engine, TrtLlmRoundsTheCacheUpToWholeBlocks) {
  InferenceOptions o;
  o.engine = EngineProfile::kTensorRtLlm;
  o.promptTokens = 1025;
  o.generatedTokens = 5;  // 1030 tokens
  // Llama 3.1 8B: 32 layers × 2 (K, V) × 8 KV heads × 128 × 2 B = 131072 B per token.
  const auto b32 = estimateInference(llama8b(), o);
  ASSERT_TRUE(b32.ok()) << b32.error().message;
  EXPECT_DOUBLE_EQ(component(*b32, "kv_cache"), 1056 * 131072.0);  // 33 blocks of 32
  o.trtLlm.tokensPerBlock = 64;
  const auto b64 = estimateInference(llama8b(), o);
  ASSERT_TRUE(b64.ok());
  EXPECT_DOUBLE_EQ(component(*b64, "kv_cache"), 1088 * 131072.0);  // 17 blocks of 64
}

TEST(Engine, TrtLlmSizesBuffersAndTheFreeMemoryPool) {
  InferenceOptions o;
  o.engine = EngineProfile::kTensorRtLlm;
  o.gpuMemoryBytes = 80e9;
  const auto b = estimateInference(llama8b(), o);
  ASSERT_TRUE(b.ok()) << b.error().message;
  // 8192 max_num_tokens × (4 × 4096 hidden + 3 × 14336 gated MLP) values × 2 B.
  EXPECT_DOUBLE_EQ(component(*b, "activations"), 8192.0 * 59392 * 2);
  EXPECT_DOUBLE_EQ(component(*b, "logits"), 128256.0 * 4);  // 1 sequence, fp32
  EXPECT_DOUBLE_EQ(component(*b, "cuda_context"), kDefaultCudaContextBytes + 96 * 1048576.0);
  // Loaded before the pool: 16060522496 weights + 973078528 + 513024 + 751632384 =
  // 17785746432 B; the pool is 0.9 × (80e9 − that) = 55992828211 B, which holds
  // 13349 blocks of 32 tokens × 131072 B.
  const std::string kv = formulaOf(*b, "kv_cache");
  EXPECT_NE(kv.find("preallocates " + formatBytes(0.9 * (80e9 - 17785746432.0))), std::string::npos)
      << kv;
  EXPECT_NE(kv.find("room for " + formatCount(13349) + " blocks"), std::string::npos) << kv;
  // The workload's own need is what the total counts.
  EXPECT_DOUBLE_EQ(b->totalBytes, 17785746432.0 + component(*b, "kv_cache"));
}

TEST(Engine, ParsesNewEngines) {
  EXPECT_EQ(*parseEngineProfile("SGLang"), EngineProfile::kSglang);
  EXPECT_EQ(*parseEngineProfile("ollama"), EngineProfile::kOllama);
}

TEST(Engine, VllmVersionsMapToTheirAccounting) {
  EXPECT_EQ(*parseVllmVersion("0.8.5"), VllmVersion::k0_9);
  EXPECT_EQ(*parseVllmVersion("0.9.1"), VllmVersion::k0_9);
  EXPECT_EQ(*parseVllmVersion("0.9.2"), VllmVersion::k0_10);
  EXPECT_EQ(*parseVllmVersion("0.11"), VllmVersion::k0_10);
  EXPECT_EQ(*parseVllmVersion("0.21"), VllmVersion::k0_21);
  EXPECT_EQ(*parseVllmVersion("0.27.1"), VllmVersion::k0_21);
  EXPECT_EQ(parseVllmVersion("latest").error().field, "engineVersion");
  EXPECT_DOUBLE_EQ(vllmDefaultUtilization(VllmVersion::k0_21), 0.92);
  EXPECT_DOUBLE_EQ(vllmDefaultUtilization(VllmVersion::k0_10), 0.9);
}

TEST(Engine, VllmSchedulerDefaultsFollowTheGpuAndTheEntrypoint) {
  const auto serve = VllmEntrypoint::kServe;
  const VllmSchedulerDefaults h100 = vllmSchedulerDefaults(85017493504.0, "h100-80gb", serve);
  EXPECT_EQ(h100.maxNumBatchedTokens, 8192);
  EXPECT_EQ(h100.maxNumSeqs, 1024);
  // A100s stay in the lower tier whatever their memory (vLLM PR #17885).
  const VllmSchedulerDefaults a100 = vllmSchedulerDefaults(85100068864.0, "a100-80gb", serve);
  EXPECT_EQ(a100.maxNumBatchedTokens, 2048);
  EXPECT_EQ(a100.maxNumSeqs, 256);
  EXPECT_EQ(vllmSchedulerDefaults(25386352640.0, "rtx-4090", serve).maxNumBatchedTokens, 2048);
  // LLM(...) in Python (UsageContext.LLM_CLASS): 16384 tokens on the large tier, 8192 below.
  const auto llm = VllmEntrypoint::kLlm;
  EXPECT_EQ(vllmSchedulerDefaults(85017493504.0, "h100-80gb", llm).maxNumBatchedTokens, 16384);
  EXPECT_EQ(vllmSchedulerDefaults(85017493504.0, "h100-80gb", llm).maxNumSeqs, 1024);
  EXPECT_EQ(vllmSchedulerDefaults(25386352640.0, "rtx-4090", llm).maxNumBatchedTokens, 8192);
  EXPECT_EQ(vllmSchedulerDefaults(25386352640.0, "rtx-4090", llm).maxNumSeqs, 256);
  EXPECT_EQ(*parseVllmEntrypoint("LLM"), VllmEntrypoint::kLlm);
  EXPECT_EQ(*parseVllmEntrypoint("serve"), VllmEntrypoint::kServe);
  EXPECT_EQ(parseVllmEntrypoint("api").error().field, "entrypoint");
}

/// vLLM's estimate of Llama 3.1 8B in bf16 on a GPU of `gib` GiB at utilization `util`.
Breakdown vllmOn(double gib, double util, VllmVersion version, std::int64_t context = 8192) {
  InferenceOptions o;
  o.engine = EngineProfile::kVllm;
  o.gpuMemoryBytes = gib * 1073741824.0;
  o.vllm.gpuMemoryUtilization = util;
  o.vllm.version = version;
  o.promptTokens = context - 1;
  o.generatedTokens = 1;
  const auto b = estimateInference(llama8b(), o);
  EXPECT_TRUE(b.ok()) << b.error().message;
  return b.ok() ? *b : Breakdown{};
}

TEST(Engine, VllmChargesWhatItsReleaseCharges) {
  // The issue's case: Llama 3.1 8B on a GPU reporting 22.07 GiB at 0.9, which vLLM's V0
  // engine logged as 37,696 tokens (4.60 GiB); the CUDA context, graphs and more charged to
  // the budget had made it 2.48 GiB.
  const Breakdown v10 = vllmOn(22.07, 0.9, VllmVersion::k0_10, 131072);
  ASSERT_TRUE(v10.kvPool);
  EXPECT_NEAR(v10.kvPool->tokens, 37696, 0.05 * 37696);
  EXPECT_EQ(std::fmod(v10.kvPool->tokens, 16), 0);  // whole blocks
  EXPECT_NEAR(v10.kvPool->maxConcurrency, v10.kvPool->tokens / 131072, 1e-9);
  EXPECT_NE(v10.kvPool->summary.find("tokens of KV cache"), std::string::npos);
  // Releases before 0.9.2 charge the CUDA context too; from 0.21 the CUDA graphs.
  const Breakdown v9 = vllmOn(22.07, 0.9, VllmVersion::k0_9, 131072);
  const Breakdown v21 = vllmOn(22.07, 0.9, VllmVersion::k0_21, 131072);
  EXPECT_NEAR(v10.kvPool->bytes - v9.kvPool->bytes, component(v10, "cuda_context"), 1);
  EXPECT_NEAR(v10.kvPool->bytes - v21.kvPool->bytes, component(v10, "cuda_graphs"), 1);
  // What stays outside the budget is still on the GPU: the capacity adds it, up to the GPU.
  EXPECT_NEAR(
      v10.kvPool->capacityBytes,
      0.9 * 22.07 * 1073741824.0 + component(v10, "cuda_context") + component(v10, "cuda_graphs"),
      1);
  EXPECT_LE(vllmOn(22.07, 1.0, VllmVersion::k0_10).kvPool->capacityBytes, 22.07 * 1073741824.0);
}

TEST(Engine, VllmProfilePeakIsTheLargerOfForwardAndSampler) {
  InferenceOptions o;
  o.engine = EngineProfile::kVllm;
  o.vllm.maxNumBatchedTokens = 20000;  // a long prefill: the forward pass peaks
  const auto forward = estimateInference(llama8b(), o);
  ASSERT_TRUE(forward.ok());
  EXPECT_DOUBLE_EQ(component(*forward, "profile_peak"), 20000.0 * 59392 * 2);
  o.vllm.maxNumBatchedTokens = 2048;  // the sampler over 256 rows of fp32 logits peaks
  const auto sampler = estimateInference(llama8b(), o);
  ASSERT_TRUE(sampler.ok());
  EXPECT_DOUBLE_EQ(component(*sampler, "profile_peak"), 256.0 * 128256 * 4 * 2);
}

TEST(Engine, SglangDefaultFractionFollowsTheGpu) {
  // H100 80GB (81,079 MiB as the runtime reports it): 512 + 8192 × 1.5 + 256 × 2 + 1/8 × 1024
  // = 13,440 MiB reserved, above the 10 GiB floor; (81079 − 13440) / 81079 = 0.834.
  const SglangDefaults h100 = sglangDefaults(85017493504.0, 1, 1);
  EXPECT_EQ(h100.chunkedPrefillSize, 8192);
  EXPECT_EQ(h100.cudaGraphMaxBs, 256);
  EXPECT_DOUBLE_EQ(h100.reservedMiB, 13440);
  EXPECT_DOUBLE_EQ(h100.memFractionStatic, 0.834);
  // A 24 GiB card: 2048-token chunks, graphs up to 24: 512 + 3072 + 48 + 128 = 3,760 MiB.
  const SglangDefaults rtx = sglangDefaults(25386352640.0, 1, 1);
  EXPECT_DOUBLE_EQ(rtx.reservedMiB, 3760);
  EXPECT_DOUBLE_EQ(rtx.memFractionStatic, 0.845);
  // Eight-way tensor parallel reserves 1 GiB for it and graphs up to 512 sequences.
  const SglangDefaults tp8 = sglangDefaults(85017493504.0, 8, 1);
  EXPECT_EQ(tp8.cudaGraphMaxBs, 512);
  EXPECT_DOUBLE_EQ(tp8.reservedMiB, 512 + 12288 + 1024 + 1024);
  // A GPU above 60 GiB keeps at least 10 GiB back.
  EXPECT_GE(sglangDefaults(68719476736.0, 1, 1).reservedMiB, 10240);
  // Speculative decoding (server_args.py): 2,048 MiB more for an EAGLE/NEXTN drafter,
  // (81079 − 15488) / 81079 = 0.809; 6,144 MiB for a STANDALONE draft model, 0.758.
  const SglangDefaults eagle = sglangDefaults(85017493504.0, 1, 1, SglangSpeculation::kEagle);
  EXPECT_DOUBLE_EQ(eagle.reservedMiB, 15488);
  EXPECT_DOUBLE_EQ(eagle.memFractionStatic, 0.809);
  const SglangDefaults standalone =
      sglangDefaults(85017493504.0, 1, 1, SglangSpeculation::kStandalone);
  EXPECT_DOUBLE_EQ(standalone.reservedMiB, 19584);
  EXPECT_DOUBLE_EQ(standalone.memFractionStatic, 0.758);
  // Below 60 GiB there is no floor: the 24 GiB card reserves 3,760 + 2,048 MiB.
  EXPECT_DOUBLE_EQ(sglangDefaults(25386352640.0, 1, 1, SglangSpeculation::kEagle).reservedMiB,
                   5808);
}

TEST(Engine, SglangMtpDraftsFromAPoolOfItsOwn) {
  // DeepSeek-V3 with --speculative-algorithm EAGLE --speculative-num-steps 3 (top-k 1, 4 draft
  // tokens), FP8 weights on one GPU large enough: the MTP layer's 11,610,067,968 parameters
  // at 1 B and its one MLA layer's (512 + 64) × 2 B per token for the workload's 1,024 tokens;
  // both pools hold the profiled tokens + max_num_reqs × (3 × 1 + 4) + 100, max_num_reqs =
  // min(max(tokens / 163,840 × 512, 2048), 4096).
  const ModelArchitecture arch = catalogArchitecture("deepseek-v3");
  InferenceOptions o;
  o.engine = EngineProfile::kSglang;
  o.gpuMemoryBytes = 1.5e12;
  o.sglang.memFractionStatic = 0.9;
  o.weightBytesPerParameter = 1;
  o.promptTokens = 1000;
  o.generatedTokens = 24;
  const auto alone = estimateInference(arch, o);
  ASSERT_TRUE(alone.ok() && alone->kvPool) << alone.error().message;
  o.mtpSpeculativeTokens = 3;
  const auto mtp = estimateInference(arch, o);
  ASSERT_TRUE(mtp.ok() && mtp->kvPool) << mtp.error().message;
  EXPECT_NEAR(component(*mtp, "draft_weights") / 11610067968.0, 1, 1e-9);
  EXPECT_DOUBLE_EQ(component(*mtp, "draft_kv_cache"), 1024.0 * 1152);
  const double profiled = alone->kvPool->tokens;
  const double requests = std::clamp(std::floor(profiled / 163840 * 512), 2048.0, 4096.0);
  EXPECT_DOUBLE_EQ(mtp->kvPool->tokens, profiled + requests * 7 + 100);
  EXPECT_NE(mtp->kvPool->summary.find("drafter's own pool"), std::string::npos);
}

TEST(Engine, SglangPoolIsTheFractionOfFreeMemoryLessTheWeights) {
  InferenceOptions o;
  o.engine = EngineProfile::kSglang;
  o.gpuMemoryBytes = 85017493504.0;
  o.sglang.memFractionStatic = 0.88;
  const auto b = estimateInference(llama8b(), o);
  ASSERT_TRUE(b.ok()) << b.error().message;
  ASSERT_TRUE(b->kvPool);
  const double free = 85017493504.0 - kDefaultCudaContextBytes;
  const double pool = 0.88 * free - 8030261248.0 * 2;
  EXPECT_NEAR(b->kvPool->bytes, pool, 1);
  EXPECT_DOUBLE_EQ(b->kvPool->tokens, std::floor(pool / 131072));
  EXPECT_NEAR(component(*b, "runtime_reserve"), 0.12 * free, 1);
  // The pool holds the requested tokens exactly when the total fits in the GPU.
  EXPECT_DOUBLE_EQ(b->kvPool->capacityBytes, 85017493504.0);
  EXPECT_EQ(b->totalBytes <= 85017493504.0, component(*b, "kv_cache") <= pool);
}

TEST(Engine, SglangCachesTheMlaLatentOnce) {
  const auto v3 = parseModelConfig(
      R"({"model_type":"deepseek_v3","hidden_size":7168,"intermediate_size":18432,
          "moe_intermediate_size":2048,"num_hidden_layers":61,"num_attention_heads":128,
          "n_routed_experts":256,"q_lora_rank":1536,"kv_lora_rank":512,
          "qk_nope_head_dim":128,"qk_rope_head_dim":64,"v_head_dim":128,"vocab_size":129280})");
  ASSERT_TRUE(v3.ok());
  InferenceOptions o;
  o.engine = EngineProfile::kSglang;
  o.promptTokens = 1000;
  o.generatedTokens = 0;
  o.weightFormat = "fp8";
  o.kvBytesPerValue = 2;
  o.gpuMemoryBytes = 1e12;  // one GPU large enough for the weights
  o.sglang.memFractionStatic = 0.9;
  const auto b = estimateInference(*v3, o);
  ASSERT_TRUE(b.ok()) << b.error().message;
  // (kv_lora_rank + qk_rope_head_dim) × layers × 2 B, no × 2 for K and V.
  EXPECT_DOUBLE_EQ(component(*b, "kv_cache"), 1000.0 * 61 * 576 * 2);
  ASSERT_TRUE(b->kvPool);
  EXPECT_DOUBLE_EQ(b->kvPool->tokens, std::floor(b->kvPool->bytes / (61.0 * 576 * 2)));
}

TEST(Engine, OllamaDefaultContextFollowsTheVramTiers) {
  const double gib = 1073741824.0;
  EXPECT_EQ(ollamaDefaultNumCtx(16 * gib), 4096);
  EXPECT_EQ(ollamaDefaultNumCtx(22.9 * gib), 4096);
  EXPECT_EQ(ollamaDefaultNumCtx(23 * gib), 32768);
  EXPECT_EQ(ollamaDefaultNumCtx(46.9 * gib), 32768);
  EXPECT_EQ(ollamaDefaultNumCtx(47 * gib), 262144);
}

TEST(Engine, OllamaBatchFollowsTheContextAndTheHeadroom) {
  const double gib = 1073741824.0;
  const double file = 4.9e9;  // an 8B model in Q4_K_M
  const ModelArchitecture arch = llama8b();
  EXPECT_EQ(ollamaDefaults(arch, file, 4096, 80 * gib, 80 * gib, true).numBatch, 512);
  EXPECT_EQ(ollamaDefaults(arch, file, 8192, 80 * gib, 80 * gib, true).numBatch, 1024);
  EXPECT_EQ(ollamaDefaults(arch, file, 65536, 80 * gib, 80 * gib, true).numBatch, 2048);
  // Past 32k on a 12 GiB card the prediction leaves less than 60 % headroom: back to 1024,
  // then to 512 when 75 % is not left either.
  EXPECT_EQ(ollamaDefaults(arch, file, 65536, 12 * gib, 12 * gib, true).numBatch, 1024);
  EXPECT_EQ(ollamaDefaults(arch, 4 * file, 65536, 12 * gib, 12 * gib, true).numBatch, 512);
  // Without flash attention on CUDA: 512 (Ollama's step down to 256 past 4096 tokens on
  // 8 GiB or less is not taken: a longer context must never need less memory).
  EXPECT_EQ(ollamaDefaults(arch, file, 8192, 24 * gib, 24 * gib, false).numBatch, 512);
  EXPECT_EQ(ollamaDefaults(arch, file, 8192, 8 * gib, 8 * gib, false).numBatch, 512);
  EXPECT_EQ(ollamaDefaults(arch, file, 2048, 8 * gib, 8 * gib, false).numBatch, 512);
  // PredictServerVRAM: the file and an f16 cache with head size embd / heads.
  EXPECT_DOUBLE_EQ(ollamaDefaults(arch, file, 8192, 80 * gib, 80 * gib, true).predictedBytes,
                   file + 2.0 * 32 * 8 * 128 * 8192 * 2);
}

TEST(Engine, OllamaRunsLlamaCppWithItsBatchAsTheComputeBuffer) {
  InferenceOptions o;
  o.engine = EngineProfile::kOllama;
  o.weightFormat = "q4_k_m";
  o.batch = 2;
  o.llamaCpp.nUbatch = 1024;
  const auto b = estimateInference(llama8b(), o);
  ASSERT_TRUE(b.ok()) << b.error().message;
  // -c num_ctx × num_parallel cells; the output of 1024 tokens is the largest moment.
  EXPECT_DOUBLE_EQ(component(*b, "kv_cache"), 2 * 528 * 131072.0);
  EXPECT_DOUBLE_EQ(component(*b, "activations"), 1024.0 * (128256 + 4096) * 4);
  ASSERT_TRUE(b->kvPool);
  EXPECT_DOUBLE_EQ(b->kvPool->tokens, 2 * 528);
  EXPECT_NE(b->kvPool->summary.find("Ollama"), std::string::npos);
}

TEST(Engine, LlamaCppComputeBufferIsItsLargestMoment) {
  // Llama 3 8B, n_ubatch 512: the output, 512 × (128256 + 4096) × 4 B = 258.5 MiB, until the
  // scores of n_ctx 8192 without flash attention outgrow it: 512 × (8192 × 33 + 4 × 4096) ×
  // 4 B = 560 MiB, as llama.cpp logs it.
  InferenceOptions o;
  o.engine = EngineProfile::kLlamaCpp;
  o.weightFormat = "q4_k_m";
  o.promptTokens = 8191;
  o.generatedTokens = 1;
  const auto flash = estimateInference(llama8b(), o);
  ASSERT_TRUE(flash.ok());
  EXPECT_DOUBLE_EQ(component(*flash, "activations"), 258.5 * 1048576);
  o.llamaCpp.flashAttention = false;
  const auto scores = estimateInference(llama8b(), o);
  ASSERT_TRUE(scores.ok());
  EXPECT_DOUBLE_EQ(component(*scores, "activations"), 560.0 * 1048576);
}

TEST(Engine, LlamaCppSizesTheSlidingWindowCacheAsItsIswaCacheDoes) {
  // Mistral 7B v0.1's shape with a 4000-token window in every layer: 32 layers × 2 × 8 heads ×
  // 128 × 2 B = 131072 B per cell. llama-kv-cache-iswa.cpp: one unified stream holds
  // GGML_PAD(min(n_ctx, n_swa × n_seq + n_ubatch), 256) cells; a stream per slot (-np given)
  // holds GGML_PAD(min(n_ctx_seq, n_swa + n_ubatch), 256) each, n_ctx_seq = n_ctx / n_seq;
  // --swa-full keeps n_ctx. n_ubatch = min(n_batch, n_ubatch) (llama-context.cpp).
  const auto mistral = parseModelConfig(
      R"({"model_type":"mistral","hidden_size":4096,"intermediate_size":14336,
          "num_hidden_layers":32,"num_attention_heads":32,"num_key_value_heads":8,
          "sliding_window":4000,"vocab_size":32000})");
  ASSERT_TRUE(mistral.ok());
  struct Case {
    std::int64_t nSeq;
    bool unified;
    std::int64_t nBatch;
    bool swaFull;
    double cells;  // by hand from the formulas above, at n_ctx 32768 and -ub 512
  };
  const Case cases[] = {
      {1, true, 2048, false, 4608},         // 4000 + 512 = 4512 → 4608
      {1, true, 2048, true, 32768},         // --swa-full: n_ctx
      {4, true, 2048, false, 16640},        // 16000 + 512 = 16512 → 16640
      {4, false, 2048, false, 4 * 4608.0},  // n_ctx_seq 8192: min(8192, 4512) → 4608 per slot
      {4, false, 2048, true, 32768},        // --swa-full: n_ctx, however many streams
      {1, true, 256, false, 4352},          // -b 256 caps -ub: 4000 + 256 = 4256 → 4352
      {1, true, 4096, false, 4608},         // -b above -ub changes nothing
      {100, true, 2048, false, 32768},      // 400,512 cells wanted: n_ctx caps them
  };
  for (const Case& c : cases) {
    InferenceOptions o = llamaCppSlots(32768, c.nSeq, c.unified);
    o.llamaCpp.nBatch = c.nBatch;
    o.llamaCpp.swaFull = c.swaFull;
    const auto b = estimateInference(*mistral, o);
    ASSERT_TRUE(b.ok()) << b.error().message;
    EXPECT_DOUBLE_EQ(component(*b, "kv_cache"), c.cells * 32 * 2 * 8 * 128 * 2)
        << c.nSeq << " slots, unified " << c.unified << ", -b " << c.nBatch << ", swa-full "
        << c.swaFull;
  }
}

TEST(Engine, LlamaCppBatchSizeCapsThePhysicalBatch) {
  // Llama 3 8B, flash attention: the compute buffer is the output's n_ubatch × (128256 +
  // 4096) × 4 B. n_ubatch = min(n_batch, -ub) with n_batch = min(n_ctx, -b)
  // (llama-context.cpp): -b 256 halves -ub 512's 258.5 MiB; -b 4096 leaves it; -ub 1024 with
  // the default -b 2048 doubles it; a 300-token context caps both.
  struct Case {
    std::int64_t nUbatch, nBatch, nCtx;
    double mib;
  };
  const Case cases[] = {{512, 2048, 8192, 258.5},
                        {512, 256, 8192, 129.25},
                        {512, 4096, 8192, 258.5},
                        {1024, 2048, 8192, 517},
                        {512, 2048, 300, 258.5 * 300 / 512}};
  for (const Case& c : cases) {
    InferenceOptions o;
    o.engine = EngineProfile::kLlamaCpp;
    o.weightFormat = "q4_k_m";
    o.llamaCpp.nCtx = c.nCtx;
    o.llamaCpp.nSeq = 1;
    o.llamaCpp.nUbatch = c.nUbatch;
    o.llamaCpp.nBatch = c.nBatch;
    const auto b = estimateInference(llama8b(), o);
    ASSERT_TRUE(b.ok()) << b.error().message;
    EXPECT_DOUBLE_EQ(component(*b, "activations"), c.mib * 1048576)
        << "-ub " << c.nUbatch << " -b " << c.nBatch << " -c " << c.nCtx;
  }
  InferenceOptions o;
  o.engine = EngineProfile::kLlamaCpp;
  o.llamaCpp.nBatch = 0;
  EXPECT_EQ(estimateInference(llama8b(), o).error().field, "batchSize");
}

TEST(Engine, LlamaCppLoadsAVisionModelsMmprojBesideItsLanguageModel) {
  // Gemma 3 4B in bf16 on llama-server: the GGUF holds the language model alone (bartowski's
  // gemma-3-4b-it-bf16.gguf: 7.77 GB) and the vision tower is the mmproj file
  // (mmproj-gemma-3-4b-it-f16.gguf: 851 MB), loaded only when images are sent (--mmproj).
  const ModelArchitecture gemma = catalogArchitecture("gemma-3-4b");
  InferenceOptions o;
  o.engine = EngineProfile::kLlamaCpp;
  o.llamaCpp.nCtx = 8192;
  o.llamaCpp.nSeq = 1;
  const auto text = estimateInference(gemma, o);
  ASSERT_TRUE(text.ok()) << text.error().message;
  EXPECT_FALSE(test::hasComponent(*text, "mmproj"));
  EXPECT_FALSE(test::hasComponent(*text, "vision_encoder"));
  // With -ngl 0 the host holds the whole GGUF (on the GPU the tied output would be a copy).
  o.llamaCpp.nGpuLayers = 0;
  const auto host = estimateInference(gemma, o);
  ASSERT_TRUE(host.ok() && host->layers);
  EXPECT_NEAR(host->layers->host.model / 7.77e9, 1.0, 0.03) << host->layers->host.model;
  o.llamaCpp.nGpuLayers = -1;
  o.imagesPerRequest = 1;
  const auto vision = estimateInference(gemma, o);
  ASSERT_TRUE(vision.ok());
  EXPECT_NEAR(component(*vision, "mmproj") / 851e6, 1.0, 0.03) << component(*vision, "mmproj");
  ASSERT_TRUE(text->layers && vision->layers);
  EXPECT_DOUBLE_EQ(vision->layers->gpu.model, text->layers->gpu.model);
  // The compute buffer of a 896 × 896 image: 4096 patches of 14 × 14.
  EXPECT_DOUBLE_EQ(component(*vision, "vision_encoder"), 4096.0 * (4304 + 3 * 1152) * 4);
}

TEST(Engine, MtmdComputeBufferAgainstItsLog) {
  // A llama-server log of unsloth/Qwen3.6-27B-MTP-GGUF's mmproj-BF16 (May 2026): 27 layers
  // of n_embd 1152 and n_ff 4304, a 1472 × 1472 warm-up image of 16-pixel patches (92² =
  // 8,464), flash attention on: "alloc_compute_meta: CUDA0 compute buffer size = 248.10 MiB".
  // The compute-buffer target is 15 %.
  ModelArchitecture arch = llama8b();
  arch.vision.kind = "qwen3_vl";
  arch.vision.hiddenSize = 1152;
  arch.vision.intermediateSize = 4304;
  arch.vision.numLayers = 27;
  arch.vision.numHeads = 16;
  arch.vision.patchSize = 16;
  arch.vision.patchesPerImage = 92 * 92;
  InferenceOptions o;
  o.engine = EngineProfile::kLlamaCpp;
  o.llamaCpp.nCtx = 4096;
  o.imagesPerRequest = 1;
  const auto b = estimateInference(arch, o);
  ASSERT_TRUE(b.ok()) << b.error().message;
  EXPECT_NEAR(component(*b, "vision_encoder") / (248.10 * 1048576), 1.0, 0.15);
}

/// Llama 3.2 1B from the catalog: 16 layers of 8 KV heads × 64 (2 × 8 × 64 × 2 B = 2048 B per
/// token per layer), 1,235,814,400 parameters (its tied embedding counted once).
std::shared_ptr<const ModelArchitecture> llama1bDraft() {
  return std::make_shared<const ModelArchitecture>(catalogArchitecture("llama-3.2-1b"));
}

TEST(Engine, VllmDraftModelSharesTheKvPool) {
  // speculative_config with a draft: the pool loses the draft's bf16 weights (1,235,814,400 ×
  // 2 B) and holds both models' layers per token: 131072 + 16 × 2048 = 163840 B, in blocks
  // of 16.
  InferenceOptions o;
  o.engine = EngineProfile::kVllm;
  o.gpuMemoryBytes = 80e9;
  const auto alone = estimateInference(llama8b(), o);
  ASSERT_TRUE(alone.ok() && alone->kvPool);
  o.draft = llama1bDraft();
  const auto drafted = estimateInference(llama8b(), o);
  ASSERT_TRUE(drafted.ok() && drafted->kvPool) << drafted.error().message;
  const double draftBytes = 1235814400.0 * 2;
  EXPECT_DOUBLE_EQ(component(*drafted, "draft_weights"), draftBytes);
  EXPECT_NEAR(drafted->kvPool->bytes, alone->kvPool->bytes - draftBytes, 1);
  EXPECT_DOUBLE_EQ(drafted->kvPool->tokens,
                   std::floor((alone->kvPool->bytes - draftBytes) / (163840.0 * 16)) * 16);
  // The workload's own draft cache: 512 + 16 tokens (33 blocks of 16) × 16 layers × 2048 B.
  EXPECT_DOUBLE_EQ(component(*drafted, "draft_kv_cache"), 528.0 * 16 * 2048);
  // With tensor parallel 2 the draft runs split like the target: each GPU caches half of its
  // 8 KV heads.
  o.parallel.tensorParallel = 2;
  const auto split = estimateInference(llama8b(), o);
  ASSERT_TRUE(split.ok()) << split.error().message;
  EXPECT_DOUBLE_EQ(component(*split, "draft_kv_cache"), 528.0 * 16 * 2048 / 2);
}

TEST(Engine, VllmMtpLayerJoinsTheKvPool) {
  // DeepSeek-V3 with speculative_config {"method":"mtp","num_speculative_tokens":3}, FP8
  // weights (1 B per parameter) on one GPU large enough to hold them: the MTP module's
  // 11,610,067,968 unique parameters (model_parameters_test) at 1 B come out of the pool, its
  // one MLA layer caches (512 + 64) × 2 B per token beside the 61 main layers, and each
  // request holds 3 lookahead slots: 1,024 + 3 tokens in blocks of 64 = 1,088.
  const ModelArchitecture arch = catalogArchitecture("deepseek-v3");
  ASSERT_EQ(arch.mtpLayers, 1);
  InferenceOptions o;
  o.engine = EngineProfile::kVllm;
  o.gpuMemoryBytes = 1.5e12;
  o.weightBytesPerParameter = 1;
  o.vllm.blockSize = 64;
  o.promptTokens = 1000;
  o.generatedTokens = 24;
  const auto alone = estimateInference(arch, o);
  ASSERT_TRUE(alone.ok() && alone->kvPool) << alone.error().message;
  o.mtpSpeculativeTokens = 3;
  const auto mtp = estimateInference(arch, o);
  ASSERT_TRUE(mtp.ok() && mtp->kvPool) << mtp.error().message;
  const double weights = 11610067968.0;
  EXPECT_NEAR(component(*mtp, "draft_weights") / weights, 1, 1e-9);
  EXPECT_DOUBLE_EQ(component(*mtp, "draft_kv_cache"), 1088.0 * 1152);
  EXPECT_DOUBLE_EQ(component(*mtp, "kv_cache"), 1088.0 * 61 * 1152);
  EXPECT_DOUBLE_EQ(component(*alone, "kv_cache"), 1024.0 * 61 * 1152);
  EXPECT_NEAR(mtp->kvPool->bytes, alone->kvPool->bytes - weights, 1);
  EXPECT_DOUBLE_EQ(mtp->kvPool->tokens, std::floor(mtp->kvPool->bytes / (62.0 * 1152 * 64)) * 64);
  // A model without MTP layers cannot draft with them.
  InferenceOptions plain;
  plain.engine = EngineProfile::kVllm;
  plain.mtpSpeculativeTokens = 1;
  const auto refused = estimateInference(llama8b(), plain);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().field, "numSpeculativeTokens");
}

TEST(Engine, EagleHeadParametersAgainstPublishedHeads) {
  // thomaskiefer/EAGLE3-Apertus-8B-Instruct-2509's model card: LlamaForCausalLMEagle3, hidden
  // 4096, intermediate 21504, 32 heads, 8 KV heads, vocab 131,072, draft vocab 32,000,
  // "Parameters ~513M". By hand: fc 12288 × 4096 = 50,331,648; q/k/v over 8192 inputs
  // 8192 × (4096 + 2 × 1024) = 50,331,648 and o 16,777,216; MLP 3 × 4096 × 21504 =
  // 264,241,152; four norms 16,384; lm_head 32000 × 4096 = 131,072,000: 512,770,048.
  ModelArchitecture apertus = llama8b();
  apertus.intermediateSize = 21504;
  apertus.vocabSize = 131072;
  const EagleParameters three = countEagleParameters(apertus, EagleMethod::kEagle3, 32000);
  EXPECT_DOUBLE_EQ(three.total(), 512770048.0);
  EXPECT_NEAR(three.total(), 513e6, 0.5e6);  // the card's figure, to its three digits
  EXPECT_DOUBLE_EQ(three.mapEntries, 32000);
  // yuhuili/EAGLE3-LLaMA3.1-Instruct-8B (config.json as SpecForge's llama3-8B-eagle3.json:
  // hidden 4096, intermediate 14336, 32/8 heads, vocab 128,256, draft_vocab_size 32,000):
  // 50,331,648 + 67,108,864 + 3 × 4096 × 14336 (176,160,768) + 16,384 + 131,072,000 =
  // 424,689,664, 849.4 MB in bf16 with d2t.
  EXPECT_DOUBLE_EQ(countEagleParameters(llama8b(), EagleMethod::kEagle3, 32000).total(),
                   424689664.0);
  // yuhuili/EAGLE-LLaMA3.1-Instruct-8B (EAGLE-1): fc 8192 × 4096 = 33,554,432, q/k/v/o over
  // 4096 inputs 41,943,040, the MLP 176,160,768, post_attention_layernorm 4096; the embedding
  // and lm_head are the target's.
  const EagleParameters one = countEagleParameters(llama8b(), EagleMethod::kEagle, 32000);
  EXPECT_DOUBLE_EQ(one.total(), 251662336.0);
  EXPECT_DOUBLE_EQ(one.lmHead, 0);
  EXPECT_DOUBLE_EQ(one.mapEntries, 0);
}

TEST(Engine, VllmEagleHeadJoinsTheKvPool) {
  // Llama 3.1 8B with speculative_config {"method":"eagle3","num_speculative_tokens":3}: the
  // head's one layer caches 2 × 8 KV heads × 128 × 2 B = 4,096 B per token beside the target's
  // 32 × 4,096 = 131,072, and its bf16 weights (424,689,664 × 2 B + 32,000 d2t × 8 B) come out
  // of the pool.
  InferenceOptions o;
  o.engine = EngineProfile::kVllm;
  o.gpuMemoryBytes = 80e9;
  const auto alone = estimateInference(llama8b(), o);
  ASSERT_TRUE(alone.ok() && alone->kvPool);
  o.eagleMethod = EagleMethod::kEagle3;
  o.eagleSpeculativeTokens = 3;
  const auto eagle = estimateInference(llama8b(), o);
  ASSERT_TRUE(eagle.ok() && eagle->kvPool) << eagle.error().message;
  const double head = 424689664.0 * 2 + 32000.0 * 8;
  EXPECT_DOUBLE_EQ(component(*eagle, "draft_weights"), head);
  EXPECT_NEAR(eagle->kvPool->bytes, alone->kvPool->bytes - head, 1);
  EXPECT_DOUBLE_EQ(eagle->kvPool->tokens,
                   std::floor((alone->kvPool->bytes - head) / (135168.0 * 16)) * 16);
  // The head's share: 32 of 33 layers' tokens, less its weights (below 1 GB of 62 GB).
  EXPECT_NEAR(eagle->kvPool->tokens / alone->kvPool->tokens, 32.0 / 33, 0.015);
  EXPECT_LT(eagle->kvPool->tokens / alone->kvPool->tokens, 32.0 / 33);
  // 512 + 16 tokens and 3 lookahead slots, in blocks of 16: 544 tokens of 4,096 B.
  EXPECT_DOUBLE_EQ(component(*eagle, "draft_kv_cache"), 544.0 * 4096);
  EXPECT_DOUBLE_EQ(component(*eagle, "kv_cache"), 544.0 * 32 * 4096);
  // An EAGLE-1 head shares the lm_head too; fp8 KV halves the head's layer like the target's.
  o.eagleMethod = EagleMethod::kEagle;
  o.kvBytesPerValue = 1;
  const auto one = estimateInference(llama8b(), o);
  ASSERT_TRUE(one.ok()) << one.error().message;
  EXPECT_DOUBLE_EQ(component(*one, "draft_weights"), 251662336.0 * 2);
  EXPECT_DOUBLE_EQ(component(*one, "draft_kv_cache"), 544.0 * 2048);
}

TEST(Engine, SglangEagleHeadDraftsFromAPoolOfItsOwn) {
  // --speculative-algorithm EAGLE3 without steps: SGLang's automatic (5, 4, 8). The target's
  // pool is profiled without the head; both pools then get the headroom, the head's pool
  // holds its one layer (4,096 B a token) for as many tokens.
  InferenceOptions o;
  o.engine = EngineProfile::kSglang;
  o.gpuMemoryBytes = 80e9;
  o.sglang.memFractionStatic = 0.8;
  const auto alone = estimateInference(llama8b(), o);
  ASSERT_TRUE(alone.ok() && alone->kvPool);
  o.eagleMethod = EagleMethod::kEagle3;
  const auto eagle = estimateInference(llama8b(), o);
  ASSERT_TRUE(eagle.ok() && eagle->kvPool) << eagle.error().message;
  EXPECT_DOUBLE_EQ(component(*eagle, "draft_kv_cache"), 528.0 * 4096);
  // max_num_reqs = min(max(tokens / context × 512, 2048), 4096) (the test model names no
  // trained length, so the context is the workload's 528 tokens); each takes 5 × 4 + 8 slots.
  const double profiled = alone->kvPool->tokens;
  const double requests = std::clamp(std::floor(profiled / 528 * 512), 2048.0, 4096.0);
  EXPECT_DOUBLE_EQ(eagle->kvPool->tokens, profiled + requests * 28 + 100);
  EXPECT_NE(eagle->kvPool->summary.find("drafter's own pool"), std::string::npos);
  // --speculative-num-steps 3: top-k 1 and 4 draft tokens, 3 + 4 slots a request.
  o.eagleSpeculativeTokens = 3;
  const auto steps = estimateInference(llama8b(), o);
  ASSERT_TRUE(steps.ok() && steps->kvPool) << steps.error().message;
  EXPECT_DOUBLE_EQ(steps->kvPool->tokens, profiled + requests * 7 + 100);
}

TEST(Engine, EagleHeadsRefuseWhatTheyCannotDraftFor) {
  InferenceOptions o;
  o.engine = EngineProfile::kVllm;
  o.eagleMethod = EagleMethod::kEagle3;
  // One drafter at a time.
  o.draft = llama1bDraft();
  const auto both = estimateInference(llama8b(), o);
  ASSERT_FALSE(both.ok());
  EXPECT_EQ(both.error().field, "speculativeMethod");
  o.draft = nullptr;
  // A draft vocabulary larger than the target's.
  o.eagleDraftVocabSize = 200000;
  const auto wide = estimateInference(llama8b(), o);
  ASSERT_FALSE(wide.ok());
  EXPECT_EQ(wide.error().field, "draftVocabSize");
  // An MLA target (DeepSeek-V3): no heads of the target's attention to size the head from.
  o.eagleDraftVocabSize = 32000;
  const ModelArchitecture deepseek = catalogArchitecture("deepseek-v3");
  const auto mla = estimateInference(deepseek, o);
  ASSERT_FALSE(mla.ok());
  EXPECT_EQ(mla.error().field, "speculativeMethod");
}

TEST(Engine, LlamaCppDraftModelHasAContextPerSlot) {
  // llama-server --model-draft: each slot gets a draft context of n_ctx_seq cells (f16) with
  // its own compute buffer (the output, n_ubatch 512 × (128256 + 2048) × 4 B), and the draft's
  // layers and tied output sit on the GPU: 1,235,814,400 × 2 B in bf16, its token embedding
  // (128256 × 2048 × 2 B) also on the host.
  struct Case {
    std::int64_t slots;
    bool unified;
    double cellsPerSlot;
  };
  const Case cases[] = {{1, true, 8192}, {4, true, 8192}, {4, false, 2048}};
  for (const Case& c : cases) {
    InferenceOptions o = llamaCppSlots(8192, c.slots, c.unified);
    const auto alone = estimateInference(llama8b(), o);
    o.draft = llama1bDraft();
    const auto b = estimateInference(llama8b(), o);
    ASSERT_TRUE(alone.ok() && b.ok() && alone->layers && b->layers);
    const double slots = static_cast<double>(c.slots);
    EXPECT_DOUBLE_EQ(component(*b, "draft_weights"), 1235814400.0 * 2);
    EXPECT_DOUBLE_EQ(component(*b, "draft_kv_cache"), slots * c.cellsPerSlot * 16 * 2048);
    EXPECT_DOUBLE_EQ(component(*b, "draft_compute"), slots * 512 * (128256.0 + 2048) * 4);
    EXPECT_DOUBLE_EQ(b->layers->host.model - alone->layers->host.model, 128256.0 * 2048 * 2);
  }
}

TEST(Engine, MlxGrowsItsCacheInStepsOf256Tokens) {
  // mlx-lm's KVCache.step: 1001 tokens hold 1024, Llama 3 8B's 32 layers × 2 × 8 × 128 × 2 B
  // = 131072 B per token; --max-kv-size 512 keeps a rotating cache of 512.
  InferenceOptions o;
  o.engine = EngineProfile::kMlx;
  o.promptTokens = 1000;
  o.generatedTokens = 1;
  const auto stepped = estimateInference(llama8b(), o);
  ASSERT_TRUE(stepped.ok()) << stepped.error().message;
  EXPECT_DOUBLE_EQ(component(*stepped, "kv_cache"), 1024 * 131072.0);
  o.mlx.maxKvSize = 512;
  const auto rotating = estimateInference(llama8b(), o);
  ASSERT_TRUE(rotating.ok());
  EXPECT_DOUBLE_EQ(component(*rotating, "kv_cache"), 512 * 131072.0);
  EXPECT_EQ(mlxCachedTokens(1, 0), 256);
  EXPECT_EQ(mlxCachedTokens(5000, 4096), 4096);
  o.mlx.maxKvSize = -1;
  EXPECT_EQ(estimateInference(llama8b(), o).error().field, "maxKvSize");
}

TEST(Engine, MlxWeightsAndPrefillPeak) {
  // MLX 4-bit: 4 bits + a bf16 scale and bias per 64 = 4.5 bits for every linear layer, the
  // embedding and the head; Llama 3 8B's 65 norms of 4096 stay bf16.
  InferenceOptions o;
  o.engine = EngineProfile::kMlx;
  o.weightFormat = "mlx-4bit";
  o.promptTokens = 8000;
  o.generatedTokens = 16;
  const auto b = estimateInference(llama8b(), o);
  ASSERT_TRUE(b.ok()) << b.error().message;
  const double norms = 65.0 * 4096;
  EXPECT_NEAR(component(*b, "weights"), (8030261248.0 - norms) * 4.5 / 8 + norms * 2, 1);
  // The prefill runs 2048 tokens at a time; the last chunk's bf16 logits (2048 × 128256 × 2 B)
  // outgrow a layer's values (2048 × 59392 × 2 B), plus the last token's fp32 log-probabilities.
  EXPECT_DOUBLE_EQ(component(*b, "activations"), 2048.0 * 128256 * 2 + 128256.0 * 4);
}

TEST(Engine, TrtLlmRejectsSettingsOutOfRange) {
  InferenceOptions o;
  o.engine = EngineProfile::kTensorRtLlm;
  o.trtLlm.freeGpuMemoryFraction = 0;
  EXPECT_EQ(estimateInference(llama8b(), o).error().field, "freeGpuMemoryFraction");
  o.trtLlm.freeGpuMemoryFraction = 0.9;
  o.trtLlm.tokensPerBlock = 0;
  EXPECT_EQ(estimateInference(llama8b(), o).error().field, "engine");
}

}  // namespace
}  // namespace gpumem
