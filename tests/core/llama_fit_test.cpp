// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// llama.cpp's --fit (llama_fit.hpp): the context and the layers it chooses, checked against
// arithmetic done here from the models' published sizes.
#include "gpumem/llama_fit.hpp"

#include <gtest/gtest.h>

#include "gpumem/model_catalog.hpp"
#include "gpumem/model_config.hpp"
#include "gpumem/model_parameters.hpp"
#include "test_models.hpp"

namespace gpumem {
namespace {

constexpr double kGiB = 1073741824.0;

ModelArchitecture catalogArch(const char* id) {
  const auto model = findCatalogModel(id);
  EXPECT_TRUE(model.ok()) << id;
  const auto arch = parseModelConfig(model->configJson);
  EXPECT_TRUE(arch.ok()) << id;
  return *arch;
}

/// llama-server's defaults: 4 unified slots, -ub 512, flash attention, f16 cache, -c 0.
InferenceOptions serverDefaults(double gpuBytes, const char* format = "") {
  InferenceOptions o;
  o.engine = EngineProfile::kLlamaCpp;
  o.weightFormat = format;
  o.weightBytesPerParameter = 2;
  o.llamaCpp.nSeq = 4;
  o.gpuMemoryBytes = gpuBytes;
  return o;
}

LlamaFit fitOf(const ModelArchitecture& arch, const InferenceOptions& o,
               const LlamaFitRequest& r = {}) {
  const auto fit = fitLlamaCpp(arch, o, r);
  EXPECT_TRUE(fit.ok()) << (fit ? "" : fit.error().message);
  return *fit;
}

TEST(LlamaFit, CutsTheTrainedContextToWhatFits) {
  // Llama 3.1 8B in bf16 on a 24 GiB GPU. Independently: 8,030,261,248 parameters (the model
  // card's count), of which the token embedding, 128256 × 4096, stays on the host; 2 B each.
  // The compute buffer is the output's logits, 512 × (128256 + 4096) × 4 B; the CUDA context
  // 650,969,088 B; 1 GiB left free; 32 layers × 2 × 8 heads × 128 × 2 B = 131,072 B per token.
  const ModelArchitecture arch = test::llama8b();
  ASSERT_DOUBLE_EQ(countModelParameters(arch).total, 8030261248.0);
  const double gpu = 24 * kGiB;
  const double weights = (8030261248.0 - 128256.0 * 4096) * 2;
  const double fixed = weights + 512.0 * (128256 + 4096) * 4 + 650969088.0 + kGiB;
  const auto expected = static_cast<std::int64_t>((gpu - fixed) / 131072) / 256 * 256;
  InferenceOptions o = serverDefaults(gpu);
  const ModelArchitecture trained = test::architecture(
      R"({"model_type":"llama","hidden_size":4096,"intermediate_size":14336,
      "num_hidden_layers":32,"num_attention_heads":32,"num_key_value_heads":8,
      "vocab_size":128256,"max_position_embeddings":131072})");
  const LlamaFit fit = fitOf(trained, o);
  ASSERT_TRUE(fit.breakdown.layers);
  EXPECT_EQ(fit.breakdown.layers->contextTokens, expected);
  EXPECT_EQ(fit.breakdown.layers->gpuLayers, 33);
  EXPECT_LE(fit.breakdown.totalBytes + kGiB, gpu);
  EXPECT_NEAR(fit.breakdown.layers->gpu.kv, static_cast<double>(expected) * 131072, 1);
  EXPECT_GT(expected, 4096);
  EXPECT_LT(expected, 131072);
}

TEST(LlamaFit, KeepsTheTrainedContextWhenItFits) {
  // Llama 3.1 8B Q4_K_M: ~4.9 GB of weights and 16 GiB of f16 cache at 131,072 tokens fit in
  // 40 GiB with the margin.
  const ModelArchitecture arch = catalogArch("llama-3.1-8b");
  const LlamaFit fit = fitOf(arch, serverDefaults(40 * kGiB, "q4_k_m"));
  EXPECT_EQ(fit.breakdown.layers->contextTokens, arch.maxPositions);
  EXPECT_EQ(fit.breakdown.layers->gpuLayers, arch.numLayers + 1);
  EXPECT_EQ(fit.breakdown.layers->slots, 4);
}

TEST(LlamaFit, MovesLayersToTheHostOnceTheContextIsAtItsMinimum) {
  // Llama 3.1 70B Q4_K_M (~40 GiB) on a 24 GiB GPU: the context falls to 4,096 and then the
  // largest n_gpu_layers that leaves 1 GiB free is chosen; one more layer would not fit.
  const ModelArchitecture arch = catalogArch("llama-3.1-70b");
  const double gpu = 24 * kGiB;
  const LlamaFit fit = fitOf(arch, serverDefaults(gpu, "q4_k_m"));
  const LayerPlacement& l = *fit.breakdown.layers;
  EXPECT_EQ(l.contextTokens, 4096);
  EXPECT_GT(l.gpuLayers, 20);
  EXPECT_LT(l.gpuLayers, arch.numLayers);
  EXPECT_LE(fit.breakdown.totalBytes + kGiB, gpu);
  InferenceOptions more = fit.options;
  more.llamaCpp.nGpuLayers = l.gpuLayers + 1;
  EXPECT_GT(estimateInference(arch, more)->totalBytes + kGiB, gpu);
  // The host keeps the rest of the weights: GPU + host = the whole file.
  InferenceOptions all = fit.options;
  all.llamaCpp.nGpuLayers = -1;
  const auto whole = estimateInference(arch, all);
  EXPECT_NEAR(l.gpu.model + l.host.model, whole->layers->gpu.model + whole->layers->host.model,
              1e3);
  EXPECT_GT(l.host.kv, 0);
}

TEST(LlamaFit, MovesMoeExpertsBeforeLayers) {
  // Mixtral 8x7B Q4_K_M (~26 GB) on 24 GiB: every layer stays on the GPU, the routed experts
  // of the fewest layers go to the host.
  const ModelArchitecture arch = catalogArch("mixtral-8x7b");
  const double gpu = 24 * kGiB;
  const LlamaFit fit = fitOf(arch, serverDefaults(gpu, "q4_k_m"));
  const LayerPlacement& l = *fit.breakdown.layers;
  EXPECT_EQ(l.gpuLayers, arch.numLayers + 1);
  EXPECT_GT(l.cpuMoeLayers, 0);
  EXPECT_LT(l.cpuMoeLayers, arch.numLayers);
  EXPECT_LE(fit.breakdown.totalBytes + kGiB, gpu);
  InferenceOptions fewer = fit.options;
  fewer.llamaCpp.nCpuMoe = l.cpuMoeLayers - 1;
  EXPECT_GT(estimateInference(arch, fewer)->totalBytes + kGiB, gpu);
}

TEST(LlamaFit, OffKeepsTheTrainedContextAndEveryLayer) {
  const ModelArchitecture arch = catalogArch("llama-3.1-70b");
  LlamaFitRequest r;
  r.fit = false;
  const LlamaFit fit = fitOf(arch, serverDefaults(24 * kGiB, "q4_k_m"), r);
  EXPECT_EQ(fit.breakdown.layers->contextTokens, arch.maxPositions);
  EXPECT_EQ(fit.breakdown.layers->gpuLayers, arch.numLayers + 1);
  EXPECT_GT(fit.breakdown.totalBytes, 24 * kGiB);
}

TEST(LlamaFit, AGivenContextOrLayerCountStays) {
  const ModelArchitecture arch = catalogArch("llama-3.1-70b");
  InferenceOptions o = serverDefaults(24 * kGiB, "q4_k_m");
  o.llamaCpp.nCtx = 16384;
  LlamaFitRequest r;
  r.contextAuto = false;
  const LlamaFit given = fitOf(arch, o, r);
  EXPECT_EQ(given.breakdown.layers->contextTokens, 16384);
  EXPECT_LT(given.breakdown.layers->gpuLayers, arch.numLayers);
  r.layersGiven = true;
  o.llamaCpp.nGpuLayers = 40;
  const LlamaFit layers = fitOf(arch, o, r);
  EXPECT_EQ(layers.breakdown.layers->gpuLayers, 40);
}

TEST(LlamaFit, SeparateSlotsStartFromTheTrainedLengthEach) {
  // -np 2 without a unified cache: n_ctx = 2 × the trained length, when it fits.
  const ModelArchitecture arch = catalogArch("qwen2.5-0.5b");
  InferenceOptions o = serverDefaults(80 * kGiB);
  o.llamaCpp.nSeq = 2;
  LlamaFitRequest r;
  r.unified = false;
  const LlamaFit fit = fitOf(arch, o, r);
  EXPECT_EQ(fit.breakdown.layers->contextTokens, 2 * arch.maxPositions);
  EXPECT_EQ(fit.breakdown.layers->slots, 2);
}

}  // namespace
}  // namespace gpumem
