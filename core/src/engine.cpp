// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
#include "gpumem/engine.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "gpumem/activations.hpp"
#include "gpumem/format.hpp"
#include "gpumem/kv_cache.hpp"
#include "gpumem/model_parameters.hpp"
#include "gpumem/parallelism.hpp"
#include "gpumem/recurrent_state.hpp"
#include "gpumem/runtime_overhead.hpp"
#include "gpumem/vision_tower.hpp"
#include "gpumem/weight_format.hpp"
#include "text.hpp"

namespace gpumem {
namespace {

using formula::count;
using formula::num;

constexpr double kEngineGiB = 1073741824.0;
constexpr double kEngineMiB = 1048576.0;

std::int64_t roundUp(std::int64_t value, std::int64_t multiple) {
  return (value + multiple - 1) / multiple * multiple;
}

/// The cache of `sequences` sequences of `tokens` tokens over `layers` of the model's
/// layers (a share of them when only some are on the GPU), the sliding ones holding at
/// most `slidingTokens`, at `bytesPerTokenLayer`.
std::vector<Term> cacheTerms(const ModelArchitecture& arch, std::int64_t sequences,
                             std::int64_t layers, std::int64_t tokens, std::int64_t slidingTokens,
                             double bytesPerTokenLayer) {
  // Only attention layers cache keys and values (hybrids' other layers keep a fixed state).
  const std::int64_t attention =
      std::min<std::int64_t>(layers, arch.attentionLayerCount() * layers / arch.numLayers);
  const std::int64_t sliding =
      std::min<std::int64_t>(attention, arch.slidingLayerCount() * layers / arch.numLayers);
  const std::int64_t slidingHeld =
      arch.slidingWindow > 0 ? std::min(tokens, slidingTokens) : tokens;
  return tokenLayerTerms({static_cast<double>(sequences), "sequences"}, attention - sliding,
                         {static_cast<double>(tokens), "tokens"}, sliding,
                         {static_cast<double>(slidingHeld), "window tokens"},
                         {bytesPerTokenLayer, "B per token per layer"});
}

double sumBytes(const Breakdown& b) {
  double total = 0;
  for (const Component& c : b.components) total += c.bytes;
  return total;
}

double sumTerms(const std::vector<Term>& terms) {
  double total = 0;
  for (const Term& t : terms) total += t.product();
  return total;
}

/// The CUDA context at start-up and the kernels loaded on first use.
Component contextComponent(double contextBytes, double kernelBytes, std::string note = {}) {
  std::vector<Term> terms = {{{{contextBytes, "B"}}, "at start-up"}};
  if (kernelBytes > 0) terms.push_back({{{kernelBytes, "B"}}, "kernels loaded on first use"});
  return makeComponent("cuda_context", "CUDA context", std::move(terms), std::move(note));
}

/// Bytes in GiB with two decimals, as the engines log them: "4.60 GiB".
std::string engineGiB(double bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f GiB", bytes / kEngineGiB);
  return text;
}

/// A whole number with thousands separators, as vLLM logs token counts: "37,696".
std::string groupedCount(double value) {
  const std::string digits =
      std::to_string(static_cast<long long>(std::floor(std::max(0.0, value))));
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

/// A context as people say it: 8192 → "8k", 131072 → "128k", 1000 → "1,000".
std::string contextWords(double tokens) {
  const auto whole = static_cast<std::int64_t>(tokens);
  if (whole >= 1024 && whole % 1024 == 0) return std::to_string(whole / 1024) + "k";
  return groupedCount(tokens);
}

/// "4.6 concurrent 8k requests", "1 concurrent 43,472-token requests": how many requests of
/// one context a pool holds at once.
std::string concurrencyWords(double concurrency, double tokensPerRequest) {
  const std::string words = contextWords(tokensPerRequest);
  return formatNumber(concurrency, 2) + " concurrent " + words +
         (words.ends_with('k') ? "" : "-token") + " requests";
}

/// A KV pool of `bytes` that holds `tokens` tokens, `concurrency` requests of
/// `tokensPerRequest`, described as `engine` would log it.
KvPool describePool(const std::string& engine, double bytes, double tokens, double concurrency,
                    double tokensPerRequest) {
  KvPool pool;
  pool.bytes = bytes;
  pool.tokens = std::max(0.0, tokens);
  pool.tokensPerRequest = tokensPerRequest;
  pool.maxConcurrency = std::max(0.0, concurrency);
  if (bytes <= 0 || pool.tokens < 1) {
    pool.tokens = 0;
    pool.maxConcurrency = 0;
    pool.summary = bytes <= 0 ? engine +
                                    " has no memory left for the KV cache: what it loads "
                                    "first takes " +
                                    engineGiB(-bytes) + " more than its budget"
                              : engine + " has too little memory left for one block of KV cache";
    return pool;
  }
  pool.summary = engine + " will allocate " + groupedCount(pool.tokens) + " tokens of KV cache (" +
                 engineGiB(bytes) + "): " + concurrencyWords(pool.maxConcurrency, tokensPerRequest);
  return pool;
}

/// The peak of vLLM's profile run on one GPU: the forward pass over max_num_batched_tokens or
/// the sampler over the last position of each dummy request, whichever is larger.
Component vllmProfilePeak(const ModelArchitecture& arch, const InferenceOptions& o,
                          double activationShare) {
  const VllmSettings& v = o.vllm;
  std::vector<Factor> forward = {
      {static_cast<double>(v.maxNumBatchedTokens), "max_num_batched_tokens"},
      {prefillValuesPerToken(arch), "values"},
      {o.activationBytesPerValue, "B"}};
  if (activationShare != 1) forward.push_back({activationShare, "share per GPU"});
  const std::int64_t rows = std::min(v.maxNumSeqs, v.maxNumBatchedTokens);
  const Term sampler({{static_cast<double>(rows), "requests"},
                      {static_cast<double>(arch.vocabSize), "vocab"},
                      {4, "B"},
                      {2, "tensors"}},
                     "sampler");
  const Term pass(forward, "forward pass");
  const bool samplerPeaks = sampler.product() > pass.product();
  return makeComponent(
      "profile_peak", "Profile run peak", {samplerPeaks ? sampler : pass},
      std::string("the torch peak of vLLM's profile run: the larger of the forward pass over ") +
          count(v.maxNumBatchedTokens) +
          " tokens and the sampler's fp32 logits and "
          "probabilities over " +
          count(rows) + " requests; here the " + (samplerPeaks ? "sampler" : "forward pass"));
}

/// The recurrent state of the batch's sequences on one GPU, as the serving engines keep it:
/// conv_kernel − 1 conv inputs, in the model's dtype (vLLM's mamba_cache_dtype and
/// mamba_ssm_cache_dtype "auto", SGLang's default), or fp32 for llama.cpp (its recurrent
/// cache's r and s tensors are F32).
Component servingStateComponent(const ModelArchitecture& arch, std::int64_t sequences,
                                double bytesPerValue, const std::string& engine) {
  return recurrentStateComponent(arch, sequences, bytesPerValue, ConvWindow::kKernelMinusOne,
                                 "one fixed-size state per sequence, whatever its length; " +
                                     engine + " keeps conv_kernel − 1 inputs of each convolution");
}

/// Requests of `tokensPerRequest` a KV pool of `pool` bytes serves when each also needs a
/// recurrent state: pool / (its KV cache + its state). vLLM pages the state and the attention
/// layers' KV blocks from one pool (its hybrid allocator pads the pages to a common size);
/// this counts bytes and leaves that padding out.
double hybridConcurrency(double pool, double requestKv, double requestState) {
  const double request = requestKv + requestState;
  return request > 0 ? std::max(0.0, pool) / request : 0;
}

}  // namespace

Result<VllmVersion> parseVllmVersion(std::string_view text) {
  const std::string name = text::lower(text::trim(text));
  const auto minor = text::parseDecimal(name.starts_with("0.") ? name.substr(2) : "");
  if (!minor || *minor < 0) {
    return makeError(ErrorCode::kInvalidArgument, "engineVersion",
                     "Unknown vLLM version " + text::quote(text) + "; use 0.9, 0.10 or 0.21.");
  }
  // "0.9.1" parses as 9.1: releases before 0.9.2 count the CUDA context in the budget.
  if (*minor < 9.2) return VllmVersion::k0_9;
  if (*minor < 21) return VllmVersion::k0_10;
  return VllmVersion::k0_21;
}

std::string_view vllmVersionName(VllmVersion version) {
  switch (version) {
    case VllmVersion::k0_9:
      return "0.9";
    case VllmVersion::k0_10:
      return "0.10";
    case VllmVersion::k0_21:
      break;
  }
  return "0.21";
}

double vllmDefaultUtilization(VllmVersion version) {
  return version == VllmVersion::k0_21 ? 0.92 : 0.9;
}

Result<VllmEntrypoint> parseVllmEntrypoint(std::string_view text) {
  const std::string name = text::lower(text::trim(text));
  if (name == "serve" || name == "vllm serve") return VllmEntrypoint::kServe;
  if (name == "llm") return VllmEntrypoint::kLlm;
  return makeError(ErrorCode::kInvalidArgument, "entrypoint",
                   "Unknown vLLM entry point " + text::quote(text) + "; use serve or llm.");
}

VllmSchedulerDefaults vllmSchedulerDefaults(double gpuMemoryBytes, std::string_view gpuName,
                                            VllmEntrypoint entrypoint) {
  const bool a100 = text::lower(gpuName).find("a100") != std::string::npos;
  const bool large = gpuMemoryBytes >= 70 * kEngineGiB && !a100;
  if (entrypoint == VllmEntrypoint::kLlm) {
    return large ? VllmSchedulerDefaults{16384, 1024} : VllmSchedulerDefaults{8192, 256};
  }
  return large ? VllmSchedulerDefaults{8192, 1024} : VllmSchedulerDefaults{2048, 256};
}

namespace {

/// The draft model's weights as `o` would load the target's: the same weight format, no file.
Result<Component> draftWeights(const InferenceOptions& o) {
  InferenceOptions d = o;
  d.fileWeightBytes = 0;
  d.fileTokenEmbeddingBytes = 0;
  d.draft = nullptr;
  return weightComponent(*o.draft, d);
}

/// The draft model's weights as a row of their own; `source` says which option loads them.
Result<Component> draftWeightsRow(const InferenceOptions& o, const std::string& source) {
  auto weights = draftWeights(o);
  if (!weights) return weights.error();
  Component w = std::move(weights).value();
  w.name = "draft_weights";
  w.label = "Draft model weights";
  w.note += std::string(w.note.empty() ? "" : "; ") + source + ", in the target's weight format";
  return w;
}

/// Speculative decoding drafts with one drafter: a draft model, the model's MTP layers or an
/// EAGLE head, and MTP only on a model that has such layers, an EAGLE head only on a target it
/// can be sized from (checkEagleTarget).
Result<bool> checkDrafterChoice(const ModelArchitecture& arch, const InferenceOptions& o) {
  if (o.draft && o.mtpSpeculativeTokens > 0) {
    return makeError(ErrorCode::kInvalidArgument, "numSpeculativeTokens",
                     "Speculative decoding drafts with a draft model or with the model's MTP "
                     "layers, not both: clear draftModel or numSpeculativeTokens.");
  }
  if (o.eagleMethod != EagleMethod::kNone && (o.draft || o.mtpSpeculativeTokens > 0)) {
    return makeError(ErrorCode::kInvalidArgument, "speculativeMethod",
                     "Speculative decoding drafts with one drafter: an EAGLE head, a draft model "
                     "or the model's MTP layers; clear draftModel or speculativeMethod.");
  }
  if (o.eagleMethod != EagleMethod::kNone) {
    return checkEagleTarget(arch, o.eagleMethod, o.eagleDraftVocabSize);
  }
  if (!o.draft && o.mtpSpeculativeTokens > 0 && arch.mtpLayers <= 0) {
    return makeError(ErrorCode::kInvalidArgument, "numSpeculativeTokens",
                     "MTP speculative decoding needs a model with multi-token-prediction layers "
                     "(num_nextn_predict_layers or mtp_num_hidden_layers in its config.json).");
  }
  return true;
}

/// The target's weight bits per parameter of its language model: what an MTP layer from the
/// same checkpoint takes (DeepSeek's FP8 checkpoint quantizes its MTP layer as its others).
double languageBitsPerParameter(const ModelArchitecture& arch, const Breakdown& b) {
  const ModelParameters p = countModelParameters(arch);
  for (const Component& c : b.components) {
    if (c.name != "weights") continue;
    double bytes = c.bytes;
    for (const Term& t : c.terms) {
      if (t.label == "language model") bytes = t.product();
    }
    const double language = p.total - p.vision;
    return language > 0 ? bytes * 8 / language : 0;
  }
  return 0;
}

/// The weights of the MTP layers an engine loads for MTP speculative decoding: their unique
/// parameters (countMtpParameters) at the target's bits per parameter; the embedding and the
/// output head are the target's own (vLLM v1/spec_decode/eagle.py load_model logs "Detected
/// MTP model. Sharing target model embedding/lm_head weights with the draft model"; SGLang's
/// EAGLE worker calls set_embed_and_head with the target's).
Component mtpWeightsComponent(const ModelArchitecture& arch, const Breakdown& b,
                              const std::string& engineNote) {
  const MtpParameters p = countMtpParameters(arch);
  return makeComponent(
      "draft_weights", "MTP layer weights",
      {{{{p.unique, "parameters"},
         {languageBitsPerParameter(arch, b), "bits"},
         {0.125, "B per bit"}},
        count(arch.mtpLayers) + " MTP layer" + (arch.mtpLayers == 1 ? "" : "s")}},
      "enorm, hnorm, eh_proj, one decoder layer and a norm per MTP layer, at the target's bits "
      "per parameter; the embedding and output head are the target's; " +
          engineNote);
}

/// The tokens an EAGLE head proposes per step: the ones given, else 5 (SGLang's automatic
/// --speculative-num-steps, server_args.py auto_choose_speculative_params; vLLM needs
/// num_speculative_tokens given and is taken at the same).
std::int64_t eagleTokens(const InferenceOptions& o) {
  return o.eagleSpeculativeTokens > 0 ? o.eagleSpeculativeTokens : 5;
}

/// The drafter of speculative decoding on vLLM: a draft model (speculative_config model), the
/// target's own MTP layers (method "mtp") or an EAGLE head (method eagle/eagle3); null when
/// there is none.
struct VllmDrafter {
  ModelArchitecture arch;  ///< whose attention layers join vLLM's one KV pool
  Component weights;
  std::int64_t lookahead = 0;  ///< KV slots vLLM allocates ahead of each request
};

Result<std::optional<VllmDrafter>> vllmDrafter(const ModelArchitecture& arch,
                                               const InferenceOptions& o, const Breakdown& b) {
  if (const auto chosen = checkDrafterChoice(arch, o); !chosen) return chosen.error();
  if (o.draft) {
    auto w = draftWeightsRow(o, "the draft model of speculative_config");
    if (!w) return w.error();
    return std::optional<VllmDrafter>(VllmDrafter{*o.draft, std::move(w).value(), 0});
  }
  if (o.eagleMethod != EagleMethod::kNone) {
    // The head's layer joins the pool (llama_eagle3.py numbers it after the target's layers,
    // start_layer_id = the target's layer count) and each request holds the lookahead slots.
    return std::optional<VllmDrafter>(VllmDrafter{
        eagleHeadArchitecture(arch),
        eagleWeightsComponent(arch, o.eagleMethod, o.eagleDraftVocabSize, o.activationBytesPerValue,
                              std::string("speculative_config method ") +
                                  (o.eagleMethod == EagleMethod::kEagle3 ? "eagle3" : "eagle") +
                                  " (llama_eagle" +
                                  (o.eagleMethod == EagleMethod::kEagle3 ? "3" : "") + ".py)"),
        eagleTokens(o)});
  }
  if (o.mtpSpeculativeTokens <= 0) return std::optional<VllmDrafter>();
  // vLLM loads the MTP layers only for speculative decoding: deepseek_v2.py load_weights skips
  // the weights of layers past num_hidden_layers (get_spec_layer_idx_from_weight_name).
  return std::optional<VllmDrafter>(
      VllmDrafter{mtpArchitecture(arch),
                  mtpWeightsComponent(
                      arch, b, "loaded only with speculative_config method mtp (deepseek_mtp.py)"),
                  o.mtpSpeculativeTokens});
}

}  // namespace

std::int64_t vllmDefaultBlockSize(const ModelArchitecture& arch) {
  return arch.mla.kvLoraRank > 0 ? 64 : 16;
}

Result<Breakdown> estimateVllm(const ModelArchitecture& arch, const InferenceOptions& o,
                               Breakdown out) {
  const VllmSettings& v = o.vllm;
  if (v.blockSize < 1 || v.maxNumSeqs < 1 || v.maxNumBatchedTokens < 1 ||
      !(v.gpuMemoryUtilization > 0 && v.gpuMemoryUtilization <= 1)) {
    return makeError(ErrorCode::kOutOfRange, "engine",
                     "vLLM needs block size, max_num_seqs and max_num_batched_tokens ≥ 1 and "
                     "gpu_memory_utilization in (0, 1].");
  }
  const auto shares = parallelShares(arch, o.parallel);
  if (!shares) return shares.error();
  const bool contextInBudget = v.version == VllmVersion::k0_9;
  const bool graphsInBudget = v.version == VllmVersion::k0_21;

  auto drafter = vllmDrafter(arch, o, out);
  if (!drafter) return drafter.error();
  // Speculative decoding: each request's blocks also hold the num_speculative_tokens lookahead
  // slots (v1/core/sched/scheduler.py passes num_lookahead_tokens to allocate_slots).
  const std::int64_t lookahead = *drafter ? (*drafter)->lookahead : 0;
  const std::int64_t tokens = roundUp(o.promptTokens + o.generatedTokens + lookahead, v.blockSize);
  const std::int64_t slidingTokens = roundUp(arch.slidingWindow, v.blockSize) + v.blockSize;
  const double perTokenLayer = kvValuesPerTokenPerLayer(arch) * o.kvBytesPerValue;
  out.components.push_back(makeComponent(
      "kv_cache", "KV cache",
      cacheTerms(arch, o.batch, arch.numLayers, tokens, slidingTokens, perTokenLayer),
      "tokens" + (lookahead > 0 ? " and " + count(lookahead) + " lookahead slots" : "") +
          " rounded up to blocks of " + count(v.blockSize)));
  if (arch.hasRecurrentState()) {
    out.components.push_back(
        servingStateComponent(arch, o.batch, o.activationBytesPerValue, "vLLM"));
  }
  // A drafter (speculative_config): its weights on each GPU, and its layers' KV in the one
  // pool vLLM allocates for the target's and the drafter's attention layers together (the
  // EAGLE proposer's layers are registered beside the target's; kv_cache_utils.py sizes one
  // page per layer).
  double draftPerToken = 0;
  double draftRequest = 0;
  if (*drafter) {
    const ModelArchitecture& d = (*drafter)->arch;
    out.components.push_back((*drafter)->weights);
    const std::int64_t draftSliding = roundUp(d.slidingWindow, v.blockSize) + v.blockSize;
    const double draftPerTokenLayer = kvValuesPerTokenPerLayer(d) * o.kvBytesPerValue;
    out.components.push_back(
        makeComponent("draft_kv_cache", "Draft KV cache",
                      cacheTerms(d, o.batch, d.numLayers, tokens, draftSliding, draftPerTokenLayer),
                      "the drafter's layers cache the same tokens, in the same pool"));
    draftPerToken = draftPerTokenLayer * static_cast<double>(d.attentionLayerCount());
    draftRequest =
        sumTerms(cacheTerms(d, 1, d.numLayers, tokens, draftSliding, draftPerTokenLayer));
  }
  out.components.push_back(vllmProfilePeak(arch, o, shares->activations));
  const bool parallel = o.parallel.gpuCount() > 1;
  out.components.push_back(makeComponent(
      "non_torch", "Non-torch memory",
      {{{{parallel ? kVllmNonTorchParallelBytes : kVllmNonTorchBytes, "B"}},
        parallel ? "with NCCL and all-reduce buffers" : "one GPU"}},
      "workspaces outside PyTorch's allocator that grow during the profile run, as vLLM logs "
      "them (non_torch_memory)"));
  std::vector<Term> graphs;
  if (v.cudaGraphs) graphs.push_back({{{kVllmCudaGraphBytes, "B"}}});
  out.components.push_back(makeComponent(
      "cuda_graphs", "CUDA graphs", graphs,
      !v.cudaGraphs    ? "enforce_eager"
      : graphsInBudget ? "as vLLM logs it; profiled into the budget since 0.21"
                       : "as vLLM logs it; captured after the KV cache, outside the budget"));
  out.components.push_back(
      contextComponent(o.cudaContextBytes, kLazyKernelBytes,
                       contextInBudget ? "counted in vLLM's budget before 0.9.2"
                                       : "measured before vLLM's baseline: outside its budget"));

  if (o.gpuMemoryBytes > 0) {
    // Per GPU: the weights of one shard, the profile peak, and what this release charges.
    double inside = 0;
    double outside = 0;
    for (const Component& c : out.components) {
      if (c.name == "kv_cache" || c.name == "recurrent_state" || c.name == "draft_kv_cache") {
        continue;
      }
      const bool charged = c.name == "weights" || c.name == "draft_weights" ||
                           c.name == "profile_peak" || c.name == "vision_encoder" ||
                           c.name == "cross_attention_kv" || c.name == "non_torch" ||
                           (c.name == "cuda_context" && contextInBudget) ||
                           (c.name == "cuda_graphs" && graphsInBudget);
      const double bytes =
          c.name == "weights" || c.name == "draft_weights" ? c.bytes * shares->weights : c.bytes;
      (charged ? inside : outside) += bytes;
    }
    const double budget = v.gpuMemoryUtilization * o.gpuMemoryBytes;
    const double pool = budget - inside;
    // A token's bytes over the target's layers and, with a draft model, the draft's.
    const double perToken =
        (perTokenLayer * static_cast<double>(arch.attentionLayerCount()) + draftPerToken) *
        shares->kvCache;
    // One request of the asked context, in whole blocks (sliding layers hold their window).
    const double request =
        (sumTerms(cacheTerms(arch, 1, arch.numLayers, tokens, slidingTokens, perTokenLayer)) +
         draftRequest) *
        shares->kvCache;
    const double asked = static_cast<double>(o.promptTokens + o.generatedTokens);
    KvPool kv;
    if (arch.hasRecurrentState()) {
      const double state = recurrentStateBytesPerSequence(arch, o.activationBytesPerValue,
                                                          ConvWindow::kKernelMinusOne) *
                           shares->kvCache;
      const double concurrency = hybridConcurrency(pool, request, state);
      kv = describePool("vLLM", pool, concurrency * asked, concurrency, asked);
    } else {
      const double blocks = std::floor(std::max(0.0, pool) / (perToken * double(v.blockSize)));
      const double poolTokens = blocks * static_cast<double>(v.blockSize);
      kv = describePool("vLLM", pool, poolTokens, poolTokens * perToken / request, asked);
    }
    kv.capacityBytes = std::min(o.gpuMemoryBytes, budget + outside);
    kv.capacityFormula =
        num(v.gpuMemoryUtilization) + " gpu_memory_utilization × " + formatBytes(o.gpuMemoryBytes) +
        " + " + (contextInBudget ? "the CUDA graphs" : "the CUDA context") +
        (graphsInBudget || contextInBudget ? "" : " and graphs") + " it keeps outside that budget";
    out.kvPool = std::move(kv);
  }
  out.totalBytes = sumBytes(out);
  return out;
}

SglangDefaults sglangDefaults(double gpuMemoryBytes, std::int64_t tensorParallel,
                              std::int64_t pipelineParallel, SglangSpeculation speculation) {
  SglangDefaults d;
  const double mib = gpuMemoryBytes / kEngineMiB;
  const bool wide = tensorParallel >= 4;
  if (mib < 20 * 1024) {
    d.chunkedPrefillSize = 2048;
    d.cudaGraphMaxBs = 8;
  } else if (mib < 35 * 1024) {
    d.chunkedPrefillSize = 2048;
    d.cudaGraphMaxBs = wide ? 80 : 24;
  } else if (mib < 60 * 1024) {
    d.chunkedPrefillSize = 4096;
    d.cudaGraphMaxBs = wide ? 160 : 32;
  } else if (mib < 160 * 1024) {
    d.chunkedPrefillSize = 8192;
    d.cudaGraphMaxBs = wide ? 512 : 256;
  } else {
    d.chunkedPrefillSize = 16384;
    d.cudaGraphMaxBs = 512;
  }
  double reserved =
      512 + static_cast<double>(std::max<std::int64_t>(d.chunkedPrefillSize, 2048)) * 1.5;
  reserved += static_cast<double>(d.cudaGraphMaxBs) * 2;
  reserved += static_cast<double>(tensorParallel * pipelineParallel) / 8 * 1024;
  if (mib > 60 * 1024) reserved = std::max(reserved, 10.0 * 1024);
  if (speculation == SglangSpeculation::kEagle) reserved += 2 * 1024;
  if (speculation == SglangSpeculation::kStandalone) reserved += 6 * 1024;
  d.reservedMiB = reserved;
  d.memFractionStatic = mib > reserved ? std::round((mib - reserved) / mib * 1000) / 1000 : 0.05;
  return d;
}

namespace {

/// SGLang's drafter: the target's MTP layers (--speculative-algorithm EAGLE/NEXTN, which loads
/// them as DeepseekV3ForCausalLMNextN and the like, deepseek_nextn.py), an EAGLE head (EAGLE or
/// EAGLE3 with --speculative-draft-model-path) or a draft model (STANDALONE,
/// --speculative-draft-model-path), with the steps, top-k and draft tokens that
/// size the pools' headroom.
struct SglangDrafter {
  ModelArchitecture arch;  ///< whose attention layers fill the drafter's own KV pool
  Component weights;
  std::int64_t steps = 0;        ///< --speculative-num-steps
  std::int64_t topk = 1;         ///< --speculative-eagle-topk
  std::int64_t draftTokens = 0;  ///< --speculative-num-draft-tokens
};

Result<std::optional<SglangDrafter>> sglangDrafter(const ModelArchitecture& arch,
                                                   const InferenceOptions& o, const Breakdown& b) {
  if (const auto chosen = checkDrafterChoice(arch, o); !chosen) return chosen.error();
  if (o.draft) {
    auto weights = draftWeightsRow(o, "--speculative-draft-model-path");
    if (!weights) return weights.error();
    Component w = std::move(weights).value();
    // server_args.py auto_choose_speculative_params: (steps, topk, draft tokens) = (3, 1, 4)
    // for DeepSeek V2/V3 targets, (5, 4, 8) for the others.
    const bool deepseek = arch.hasMla;
    return std::optional<SglangDrafter>(SglangDrafter{*o.draft, std::move(w), deepseek ? 3 : 5,
                                                      deepseek ? 1 : 4, deepseek ? 4 : 8});
  }
  if (o.eagleMethod != EagleMethod::kNone) {
    // --speculative-num-steps N with top-k 1 and N + 1 draft tokens, or SGLang's automatic
    // (5, 4, 8) for a target that is not DeepSeek's.
    const std::int64_t n = o.eagleSpeculativeTokens;
    const bool three = o.eagleMethod == EagleMethod::kEagle3;
    return std::optional<SglangDrafter>(SglangDrafter{
        eagleHeadArchitecture(arch),
        eagleWeightsComponent(
            arch, o.eagleMethod, o.eagleDraftVocabSize, o.activationBytesPerValue,
            std::string("--speculative-algorithm ") + (three ? "EAGLE3" : "EAGLE") +
                " --speculative-draft-model-path (llama_eagle" + (three ? "3" : "") + ".py)"),
        n > 0 ? n : 5, n > 0 ? 1 : 4, n > 0 ? n + 1 : 8});
  }
  if (o.mtpSpeculativeTokens <= 0) return std::optional<SglangDrafter>();
  // --speculative-num-steps N with top-k 1: SGLang sets the draft tokens to N + 1.
  return std::optional<SglangDrafter>(SglangDrafter{
      mtpArchitecture(arch),
      mtpWeightsComponent(arch, b, "loaded only with --speculative-algorithm EAGLE/NEXTN"),
      o.mtpSpeculativeTokens, 1, o.mtpSpeculativeTokens + 1});
}

}  // namespace

std::int64_t sglangSpeculativeHeadroom(std::int64_t poolTokens, std::int64_t contextLength,
                                       std::int64_t steps, std::int64_t topk,
                                       std::int64_t draftTokens) {
  const std::int64_t context = std::max<std::int64_t>(1, contextLength);
  const std::int64_t requests =
      std::clamp<std::int64_t>(static_cast<std::int64_t>(static_cast<double>(poolTokens) /
                                                         static_cast<double>(context) * 512),
                               2048, 4096);
  return requests * steps * topk + requests * draftTokens + 100;
}

Result<Breakdown> estimateSglang(const ModelArchitecture& arch, const InferenceOptions& o,
                                 Breakdown out) {
  const double f = o.sglang.memFractionStatic;
  if (!(f > 0 && f < 1)) {
    return makeError(ErrorCode::kOutOfRange, "memFractionStatic",
                     "mem_fraction_static must be in (0, 1).");
  }
  const auto shares = parallelShares(arch, o.parallel);
  if (!shares) return shares.error();
  const std::int64_t tokens = o.promptTokens + o.generatedTokens;
  const double perTokenLayer = kvValuesPerTokenPerLayer(arch) * o.kvBytesPerValue;
  out.components.push_back(
      makeComponent("kv_cache", "KV cache",
                    cacheTerms(arch, o.batch, arch.numLayers, tokens, tokens, perTokenLayer),
                    "one slot per token in every layer (page size 1)"));
  if (arch.hasRecurrentState()) {
    out.components.push_back(
        servingStateComponent(arch, o.batch, o.activationBytesPerValue, "SGLang"));
  }
  auto drafter = sglangDrafter(arch, o, out);
  if (!drafter) return drafter.error();
  double draftPerToken = 0;
  if (*drafter) {
    const ModelArchitecture& d = (*drafter)->arch;
    out.components.push_back((*drafter)->weights);
    const double draftPerTokenLayer = kvValuesPerTokenPerLayer(d) * o.kvBytesPerValue;
    out.components.push_back(makeComponent(
        "draft_kv_cache", "Draft KV cache",
        cacheTerms(d, o.batch, d.numLayers, tokens, tokens, draftPerTokenLayer),
        "the drafter's layers cache the same tokens in a pool of their own (its model runner "
        "allocates draft_runner_cache_size tokens)"));
    draftPerToken = draftPerTokenLayer * static_cast<double>(d.attentionLayerCount());
  }
  const double freeAtStart = std::max(0.0, o.gpuMemoryBytes - o.cudaContextBytes);
  std::vector<Term> reserve;
  if (freeAtStart > 0) {
    reserve.push_back({{{1 - f, "1 − mem_fraction_static"}, {freeAtStart, "B free at start-up"}}});
  }
  out.components.push_back(makeComponent(
      "runtime_reserve", "Activations and CUDA graphs", reserve,
      "what mem_fraction_static " + num(f) + " leaves of the memory free at start-up"));
  out.components.push_back(contextComponent(o.cudaContextBytes, 0, "before SGLang measures"));

  if (o.gpuMemoryBytes > 0) {
    const double weights = out.components.front().bytes * shares->weights;
    const double pool = f * freeAtStart - weights;
    const double perToken =
        perTokenLayer * static_cast<double>(arch.attentionLayerCount()) * shares->kvCache;
    const double request = static_cast<double>(tokens);
    KvPool kv;
    if (arch.hasRecurrentState()) {
      const double state = recurrentStateBytesPerSequence(arch, o.activationBytesPerValue,
                                                          ConvWindow::kKernelMinusOne) *
                           shares->kvCache;
      const double concurrency = hybridConcurrency(pool, perToken * request, state);
      kv = describePool("SGLang", pool, concurrency * request, concurrency, request);
    } else {
      double poolTokens = std::floor(std::max(0.0, pool) / perToken);
      double poolBytes = pool;
      std::string drafterWords;
      if (*drafter && poolTokens >= 1) {
        // model_runner.py init_memory_pool: the target and the drafter both get the profiled
        // tokens + max_num_reqs × (steps × topk + draft tokens) + 100 (draft_runner_cache_size);
        // the headroom, the drafter's weights and its pool come out of what
        // mem_fraction_static leaves.
        const SglangDrafter& d = **drafter;
        const double headroom = static_cast<double>(sglangSpeculativeHeadroom(
            static_cast<std::int64_t>(poolTokens),
            arch.maxPositions > 0 ? arch.maxPositions : tokens, d.steps, d.topk, d.draftTokens));
        poolTokens += headroom;
        poolBytes += headroom * perToken;
        const double draftPool = poolTokens * draftPerToken * shares->kvCache;
        drafterWords = "; the drafter's own pool of as many tokens takes " + engineGiB(draftPool) +
                       " and its weights " + engineGiB(d.weights.bytes * shares->weights) +
                       " more, out of what mem_fraction_static leaves";
      }
      kv = describePool("SGLang", poolBytes, poolTokens, poolTokens / request, request);
      if (kv.tokens > 0) kv.summary += drafterWords;
    }
    kv.capacityBytes = o.gpuMemoryBytes;
    kv.capacityFormula = "the GPU's memory: mem_fraction_static " + num(f) +
                         " of what is free at start-up holds the weights and the KV pool";
    out.kvPool = std::move(kv);
  }
  out.totalBytes = sumBytes(out);
  return out;
}

std::int64_t ollamaDefaultNumCtx(double totalVramBytes) {
  if (totalVramBytes >= 47 * kEngineGiB) return 262144;
  if (totalVramBytes >= 23 * kEngineGiB) return 32768;
  return 4096;
}

OllamaDefaults ollamaDefaults(const ModelArchitecture& arch, double fileBytes,
                              std::int64_t contextTokens, double availableBytes,
                              double gpuMemoryBytes, bool flashAttention) {
  OllamaDefaults d;
  d.defaultNumCtx = ollamaDefaultNumCtx(availableBytes);
  // PredictServerVRAM: f16 K and V of the fewest KV heads, head size embd / heads.
  const double headSize =
      arch.numHeads > 0 ? static_cast<double>(arch.hiddenSize / arch.numHeads) : 0;
  const auto predictedAt = [&](double tokens) {
    return fileBytes + 2.0 * static_cast<double>(arch.numLayers) *
                           static_cast<double>(std::max<std::int64_t>(1, arch.numKvHeads)) *
                           headSize * tokens * 2;
  };
  d.predictedBytes = predictedAt(static_cast<double>(contextTokens));
  if (!flashAttention) {
    // Without flash attention on CUDA: 512. (Ollama steps down to 256 past 4,096 tokens on
    // GPUs of 8 GiB or less; the estimate keeps 512 there, at most one compute buffer's
    // halving too high, so that a longer context never needs less memory.)
    static_cast<void>(gpuMemoryBytes);
    d.numBatch = 512;
    return d;
  }
  // Ollama checks the headroom at the context it loads; here it is checked at the smallest
  // context of the batch's tier (4097 or 32769 tokens), so that a longer context never gets a
  // smaller batch and never needs less memory.
  const auto fits = [&](std::int64_t batch) {
    const double predicted = predictedAt(batch >= 2048 ? 32769 : 4097);
    const double threshold = availableBytes * 0.8;
    const double headroom = batch >= 2048 ? 0.6 : 0.75;
    const double surcharge = batch >= 2048 ? 2 * kEngineGiB : 768 * kEngineMiB;
    return predicted <= threshold && predicted <= availableBytes * headroom &&
           surcharge <= threshold - predicted;
  };
  std::int64_t batch = contextTokens > 32768 ? 2048 : contextTokens > 4096 ? 1024 : 512;
  while (batch > 512 && !fits(batch)) batch /= 2;
  d.numBatch = batch;
  return d;
}

namespace {

/// llama.cpp's weights split between the GPU and the host: the token embedding stays in host
/// memory; the last `repeatingOnGpu` layers and (with n_gpu_layers = layers + 1) the output
/// layer go to the GPU; the routed experts of the first n_cpu_moe layers stay on the host.
struct LlamaWeights {
  Component onGpu;
  double host = 0;
};

/// The bytes of the model's GGUF: a vision-language model's weights without the vision tower,
/// which llama.cpp keeps in a file of its own (the --mmproj file).
double languageModelBytes(const Component& weights) {
  for (const Term& t : weights.terms) {
    if (t.label == "language model") return t.product();
  }
  return weights.bytes;
}

LlamaWeights splitLlamaWeights(const ModelArchitecture& arch, const Component& file,
                               const InferenceOptions& o, std::int64_t gpuLayers,
                               std::int64_t cpuMoe) {
  const std::int64_t layers = arch.numLayers;
  const std::int64_t repeatingOnGpu = std::min(gpuLayers, layers);
  const ModelParameters p = countModelParameters(arch);
  const double total = languageModelBytes(file);
  const double bytesPerParam = total / (p.total - p.vision);
  const double embedding =
      o.fileTokenEmbeddingBytes > 0 ? o.fileTokenEmbeddingBytes : p.embedding * bytesPerParam;
  const double head = (arch.tieWordEmbeddings ? p.embedding : p.outputHead) * bytesPerParam;
  const double layerWeights = total - embedding - (arch.tieWordEmbeddings ? 0 : head);
  const double perLayer = layerWeights / static_cast<double>(layers);
  const double expertsPerLayer = p.routedExperts * bytesPerParam / static_cast<double>(layers);
  // Layers [layers − repeatingOnGpu, layers) are on the GPU; [0, cpuMoe) keep their experts
  // on the host.
  const std::int64_t gpuWithHostExperts =
      std::max<std::int64_t>(0, cpuMoe - (layers - repeatingOnGpu));
  std::vector<Term> weights;
  if (repeatingOnGpu > 0 && gpuWithHostExperts == 0) {
    weights.push_back(
        {{{static_cast<double>(repeatingOnGpu), "GPU layers"}, {perLayer, "B per layer"}}});
  } else if (repeatingOnGpu > 0) {
    weights.push_back({{{static_cast<double>(repeatingOnGpu), "GPU layers"},
                        {perLayer - expertsPerLayer, "B per layer without routed experts"}}});
    if (repeatingOnGpu > gpuWithHostExperts) {
      weights.push_back({{{static_cast<double>(repeatingOnGpu - gpuWithHostExperts),
                           "layers with their experts on the GPU"},
                          {expertsPerLayer, "B of routed experts"}}});
    }
  }
  if (gpuLayers > layers) weights.push_back({{{head, "B"}}, "output layer"});
  LlamaWeights out;
  out.onGpu = makeComponent("weights", "Weights", weights, file.note);
  out.host = total - out.onGpu.bytes + (arch.tieWordEmbeddings && gpuLayers > layers ? head : 0);
  out.onGpu.note +=
      std::string(out.onGpu.note.empty() ? "" : "; ") + count(repeatingOnGpu) + " of " +
      count(layers) + " layers" + (gpuLayers > layers ? " and the output layer" : "") +
      " on the GPU; the host keeps " + formatBytes(out.host) +
      " (the token embedding stays on the CPU" +
      (gpuWithHostExperts > 0
           ? "; the routed experts of " + count(gpuWithHostExperts) + " GPU layers too"
           : "") +
      ")";
  return out;
}

/// llama.cpp's KV cache of `cells` n_ctx cells over `layers` of the model's layers, the
/// sliding ones holding at most `slidingCells`.
std::vector<Term> llamaCellTerms(const ModelArchitecture& arch, std::int64_t layers,
                                 std::int64_t cells, std::int64_t slidingCells,
                                 double bytesPerTokenLayer) {
  const std::int64_t sliding =
      std::min<std::int64_t>(layers, arch.slidingLayerCount() * layers / arch.numLayers);
  const Factor bytes{bytesPerTokenLayer, "B per cell per layer"};
  std::vector<Term> terms;
  if (layers - sliding > 0) {
    terms.push_back({{{static_cast<double>(cells), "n_ctx cells"},
                      {static_cast<double>(layers - sliding), "layers"},
                      bytes}});
  }
  if (sliding > 0) {
    terms.push_back({{{static_cast<double>(slidingCells), "SWA cells"},
                      {static_cast<double>(sliding), "sliding layers"},
                      bytes}});
  }
  return terms;
}

/// The cells of llama.cpp's sliding-window cache (llama-kv-cache-iswa.cpp): the window of
/// every sequence and one physical batch, padded to 256 cells — in one stream shared by the
/// slots, GGML_PAD(min(n_ctx, n_swa × n_seq + n_ubatch), 256); with a stream per slot (an
/// explicit -np), n_seq × GGML_PAD(min(n_ctx_seq, n_swa + n_ubatch), 256) where n_ctx_seq is
/// n_ctx / n_seq padded to 256 (llama-context.cpp).
std::int64_t llamaSwaCells(const ModelArchitecture& arch, const LlamaCppSettings& s,
                           std::int64_t nCtx, std::int64_t slots, std::int64_t nUbatch) {
  if (s.kvUnified || slots <= 1) {
    return roundUp(std::min(nCtx, arch.slidingWindow * slots + nUbatch), 256);
  }
  const std::int64_t perSlot = roundUp(nCtx / slots, 256);
  return slots * roundUp(std::min(perSlot, arch.slidingWindow + nUbatch), 256);
}

/// The vision tower as llama-server loads it with --mmproj (tools/mtmd): the encoder and
/// projector in f16, the type convert_hf_to_gguf.py --mmproj writes (bartowski's
/// mmproj-gemma-3-4b-it-f16.gguf: 851 MB), on the GPU from start-up (--mmproj-offload, the
/// default).
Component mmprojComponent(const ModelArchitecture& arch) {
  return makeComponent(
      "mmproj", "Vision projector (mmproj)",
      {{{{countVisionParameters(arch.vision).total(), "parameters"}, {2, "B (f16)"}}}},
      "the " + arch.vision.kind +
          " encoder and projector, a file of its own (--mmproj), loaded to the GPU at start; "
          "since llama.cpp PR #21489 --fit counts it");
}

/// mtmd's compute buffer (clip.cpp alloc_compute_meta): the graph of one image's encoder in
/// fp32, reserved for the largest image at start-up. With flash attention (mtmd's warm-up
/// turns it on) its largest moment is the MLP's first output beside three hidden-sized tensors
/// (input, residual, normed): patches × (intermediate + 3 × hidden) × 4 B. Checked against
/// Qwen3.6-27B's mmproj log (27 layers of 1152 / 4304, 8,464 patches of a 1472 × 1472
/// warm-up image: 248.10 MiB logged).
Component mmprojComputeComponent(const VisionTower& t) {
  const double values =
      static_cast<double>((t.gatedMlp ? 2 : 1) * t.intermediateSize + 3 * t.hiddenSize);
  return makeComponent(
      "vision_encoder", "Vision compute buffer (mtmd)",
      {{{{static_cast<double>(t.patchesPerImage), "patches"},
         {values, "intermediate + 3 × hidden"},
         {4, "B (fp32)"}},
        "one image's encoder layer"}},
      "the clip graph of one image, reserved at start-up (flash attention: no score matrix)");
}

/// "a 32,768-token context", "an 8,192-token context".
std::string tokenContext(std::int64_t tokens) {
  const std::string text = groupedCount(static_cast<double>(tokens));
  const std::string lead = text.substr(0, text.find(','));
  const bool an = lead.starts_with('8') || lead == "11" || lead == "18";
  return (an ? "an " : "a ") + text + "-token context";
}

/// The compute buffer: ggml's allocator reuses memory across the graph, so its size is that
/// of the largest moment, the output's logits or one layer.
Component llamaComputeBuffer(const ModelArchitecture& arch, const LlamaCppSettings& s, bool ollama,
                             double ubatchTokens, double scoreCells) {
  const Factor ubatch{ubatchTokens, ollama ? "num_batch" : "n_ubatch"};
  const double hidden = static_cast<double>(arch.hiddenSize);
  std::vector<Term> moments = {
      {{ubatch, {static_cast<double>(arch.vocabSize) + hidden, "vocab + hidden"}, {4, "B"}},
       "output"}};
  if (s.flashAttention) {
    moments.push_back({{ubatch, {prefillValuesPerToken(arch), "values"}, {4, "B"}}, "layer"});
  } else {
    moments.push_back({{ubatch,
                        {scoreCells * static_cast<double>(arch.numHeads + 1) + 4 * hidden,
                         "n_ctx × (heads + 1) + 4 × hidden"},
                        {4, "B"}},
                       "layer with its attention scores"});
  }
  const Term& largest =
      *std::max_element(moments.begin(), moments.end(),
                        [](const Term& a, const Term& b) { return a.product() < b.product(); });
  return makeComponent(
      "activations", "Compute buffer", {largest},
      std::string("fp32; the largest moment of the graph: the output's logits or a layer") +
          (s.flashAttention ? " (flash attention: no score matrix)"
                            : " with its n_ubatch × n_ctx scores per head"));
}

/// What llama-server's --model-draft adds: the draft's weights (all its layers and its output
/// on the GPU, -ngld's default; its token embedding on the host), and for each slot a draft
/// context of its own (server-context.cpp: params_dft.n_ctx = llama_n_ctx_seq, n_parallel 1,
/// -ctkd/-ctvd f16), each with its KV cells and its compute buffer.
struct LlamaDraft {
  std::vector<Component> onGpu;
  double host = 0;
};

Result<LlamaDraft> llamaDraftComponents(const ModelArchitecture& d, const InferenceOptions& o,
                                        std::int64_t nCtx, std::int64_t slots,
                                        std::int64_t nUbatch) {
  const LlamaCppSettings& s = o.llamaCpp;
  auto file = draftWeights(o);
  if (!file) return file.error();
  LlamaWeights w = splitLlamaWeights(d, *file, o, d.numLayers + 1, 0);
  w.onGpu.name = "draft_weights";
  w.onGpu.label = "Draft model weights (--model-draft)";
  LlamaDraft out;
  out.host = w.host;
  out.onGpu.push_back(std::move(w.onGpu));
  const std::int64_t nCtxSeq = s.kvUnified || slots <= 1 ? nCtx : roundUp(nCtx / slots, 256);
  const std::int64_t ub = std::min(nUbatch, nCtxSeq);
  const std::int64_t swaCells =
      s.swaFull ? nCtxSeq : roundUp(std::min(nCtxSeq, d.slidingWindow + ub), 256);
  std::vector<Term> kv =
      llamaCellTerms(d, d.numLayers, nCtxSeq, swaCells, kvValuesPerTokenPerLayer(d) * 2);
  const Factor contexts{static_cast<double>(slots), "slots' draft contexts"};
  for (Term& t : kv) t.factors.insert(t.factors.begin(), contexts);
  out.onGpu.push_back(makeComponent("draft_kv_cache", "Draft KV cache", kv,
                                    "n_ctx_seq " + count(nCtxSeq) +
                                        " cells in each slot's "
                                        "draft context; f16 (-ctkd/-ctvd)"));
  Component compute =
      llamaComputeBuffer(d, s, false, static_cast<double>(ub), static_cast<double>(nCtxSeq));
  scaleComponent(compute, contexts);
  compute.name = "draft_compute";
  compute.label = "Draft compute buffer";
  out.onGpu.push_back(std::move(compute));
  return out;
}

/// "llama.cpp will put 28 of 33 layers on the GPU with a 32,768-token context (…)".
std::string llamaSummary(const LayerPlacement& l, double kvBytes, bool ollama) {
  std::string out =
      std::string(ollama ? "Ollama (llama-server)" : "llama.cpp") + " will put " +
      count(l.gpuLayers) + " of " + count(l.totalLayers) + " layers on the GPU with " +
      tokenContext(l.contextTokens) + " (" + engineGiB(kvBytes) + " of KV cache on the GPU, " +
      (l.slots == 1 ? std::string("one slot") : count(l.slots) + " slots sharing it") + ")";
  if (l.cpuMoeLayers > 0) {
    out += "; the routed experts of " + count(l.cpuMoeLayers) + " layers stay in host memory";
  }
  return out;
}

}  // namespace

Result<Breakdown> estimateLlamaCpp(const ModelArchitecture& arch, const InferenceOptions& o,
                                   Breakdown out) {
  const LlamaCppSettings& s = o.llamaCpp;
  if (s.nUbatch < 1) {
    return makeError(ErrorCode::kOutOfRange, "engine", "n_ubatch must be at least 1.");
  }
  if (s.nBatch < 1) {
    return makeError(ErrorCode::kOutOfRange, "batchSize", "n_batch must be at least 1.");
  }
  const bool ollama = o.engine == EngineProfile::kOllama;
  const std::int64_t layers = arch.numLayers;
  const std::int64_t gpuLayers =
      s.nGpuLayers < 0 ? layers + 1 : std::min<std::int64_t>(s.nGpuLayers, layers + 1);
  const std::int64_t repeatingOnGpu = std::min(gpuLayers, layers);
  const std::int64_t cpuMoe =
      arch.isMoe() ? std::clamp<std::int64_t>(s.nCpuMoe, 0, layers) : std::int64_t{0};
  LlamaWeights weights = splitLlamaWeights(arch, out.components.front(), o, gpuLayers, cpuMoe);
  out.components.front() = std::move(weights.onGpu);
  // A vision-language model sent images: llama-server was started with its --mmproj, whose
  // weights and compute buffer replace the transformers-style vision encoder line.
  std::erase_if(out.components, [](const Component& c) { return c.name == "vision_encoder"; });
  if (arch.vision.present() && o.imagesPerRequest > 0) {
    out.components.push_back(mmprojComponent(arch));
    out.components.push_back(mmprojComputeComponent(arch.vision));
  }

  // n_ctx cells: llama.cpp's own (-c, shared by the slots), or num_ctx × num_parallel.
  const bool cells = s.nCtx > 0;
  const std::int64_t perSeq = o.promptTokens + o.generatedTokens;
  const std::int64_t slots = s.nSeq > 0 ? s.nSeq : o.batch;
  const std::int64_t nCtx = cells ? s.nCtx : o.batch * perSeq;
  const double kBytes = s.cacheKBytes > 0 ? s.cacheKBytes : o.kvBytesPerValue;
  const double vBytes = s.cacheVBytes > 0 ? s.cacheVBytes : o.kvBytesPerValue;
  const double perTokenLayer = kvValuesPerTokenPerLayer(arch) * (kBytes + vBytes) / 2;
  // The physical batch llama-context.cpp runs: n_batch = min(n_ctx, -b), n_ubatch = min(n_batch,
  // -ub). It sizes the compute buffer and the sliding layers' cells.
  const std::int64_t nUbatch = std::min({s.nUbatch, s.nBatch, nCtx});
  const std::int64_t swaCells = s.swaFull ? nCtx : llamaSwaCells(arch, s, nCtx, slots, nUbatch);
  const auto kvTerms = [&](std::int64_t kvLayers) {
    return cells ? llamaCellTerms(arch, kvLayers, nCtx, swaCells, perTokenLayer)
                 : cacheTerms(arch, o.batch, kvLayers, perSeq,
                              s.swaFull ? perSeq : arch.slidingWindow + nUbatch, perTokenLayer);
  };
  Component kv = makeComponent("kv_cache", "KV cache", kvTerms(repeatingOnGpu),
                               ollama ? "-c num_ctx × num_parallel = " + count(perSeq) + " × " +
                                            count(o.batch) + " cells, -np " + count(o.batch)
                                      : "n_ctx " + count(nCtx) + " cells shared by " +
                                            count(slots) + (slots == 1 ? " sequence" : " slots"));
  if (cells && arch.slidingLayerCount() > 0) {
    kv.note += s.swaFull ? "; --swa-full: the sliding-window layers keep all n_ctx cells"
                         : "; the sliding-window layers keep " + count(swaCells) +
                               " cells (window × slots + n_ubatch, padded to 256)";
  }
  const double kvBytes = kv.bytes;
  const double hostKv = sumTerms(kvTerms(layers - repeatingOnGpu));
  out.components.push_back(std::move(kv));
  if (arch.hasRecurrentState()) {
    // llama_memory_recurrent: one F32 state per sequence (-np) in each offloaded layer.
    Component state = servingStateComponent(arch, slots, 4, ollama ? "Ollama" : "llama.cpp");
    scaleComponent(state, {static_cast<double>(repeatingOnGpu) / static_cast<double>(layers),
                           "share of layers on the GPU"});
    state.note += "; fp32";
    out.components.push_back(std::move(state));
  }

  const double ubatchTokens = static_cast<double>(nUbatch);
  Component compute = llamaComputeBuffer(arch, s, ollama, ubatchTokens, static_cast<double>(nCtx));
  const double computeBytes = compute.bytes;
  out.components.push_back(std::move(compute));
  double draftHost = 0;
  if (o.draft && !ollama) {
    const auto draft = llamaDraftComponents(*o.draft, o, nCtx, slots, nUbatch);
    if (!draft) return draft.error();
    draftHost = draft->host;
    for (const Component& c : draft->onGpu) out.components.push_back(c);
  }
  out.components.push_back(contextComponent(o.cudaContextBytes, 0));

  LayerPlacement l;
  l.gpuLayers = gpuLayers;
  l.totalLayers = layers + 1;
  l.contextTokens = nCtx;
  l.slots = slots;
  l.cpuMoeLayers = cpuMoe;
  l.gpu = {out.components.front().bytes, kvBytes, computeBytes};
  // Host: the weights left there, the KV of the layers left there, the output's logits when
  // the output layer runs there (else the ubatch's embeddings), and the logits buffer.
  const double hidden = static_cast<double>(arch.hiddenSize);
  const double vocab = static_cast<double>(arch.vocabSize);
  l.host = {weights.host + draftHost, hostKv,
            ubatchTokens * (gpuLayers > layers ? hidden : vocab + hidden) * 4 +
                static_cast<double>(slots) * vocab * 4};

  KvPool pool = describePool(ollama ? "Ollama" : "llama.cpp", kvBytes, static_cast<double>(nCtx),
                             static_cast<double>(o.batch), static_cast<double>(perSeq));
  if (cells) {
    pool.tokensPerRequest = static_cast<double>(nCtx);
    pool.maxConcurrency = static_cast<double>(slots);
    pool.summary = llamaSummary(l, kvBytes, ollama);
  } else if (kvBytes > 0) {
    pool.summary = (ollama ? "Ollama asks llama-server for " : "llama.cpp allocates ") +
                   groupedCount(static_cast<double>(nCtx)) + " tokens of KV cache (" +
                   engineGiB(kvBytes) + ", " + count(repeatingOnGpu) + " layers on the GPU): " +
                   (o.batch == 1 ? "one " + contextWords(static_cast<double>(perSeq)) + " request"
                                 : concurrencyWords(static_cast<double>(o.batch),
                                                    static_cast<double>(perSeq)));
  }
  pool.capacityBytes = o.gpuMemoryBytes;
  pool.capacityFormula = "the GPU's memory as the runtime reports it";
  out.kvPool = std::move(pool);
  out.layers = l;
  out.totalBytes = sumBytes(out);
  return out;
}

Result<Breakdown> estimateTrtLlm(const ModelArchitecture& arch, const InferenceOptions& o,
                                 Breakdown out) {
  const TrtLlmSettings& t = o.trtLlm;
  if (!(t.freeGpuMemoryFraction > 0 && t.freeGpuMemoryFraction <= 1)) {
    return makeError(ErrorCode::kOutOfRange, "freeGpuMemoryFraction",
                     "free_gpu_memory_fraction must be in (0, 1].");
  }
  if (t.tokensPerBlock < 1 || t.maxNumTokens < 1 || t.maxBatchSize < 1) {
    return makeError(ErrorCode::kOutOfRange, "engine",
                     "TensorRT-LLM needs tokens_per_block, max_num_tokens and max_batch_size ≥ 1.");
  }
  out.components.push_back(
      makeComponent("activations", "Activation buffers",
                    {{{{static_cast<double>(t.maxNumTokens), "max_num_tokens"},
                       {prefillValuesPerToken(arch), "values at a layer's peak"},
                       {o.activationBytesPerValue, "B"}}}}));
  const std::int64_t rows = std::min(o.batch, t.maxBatchSize);
  out.components.push_back(
      makeComponent("logits", "Logits",
                    {{{{static_cast<double>(rows), "sequences"},
                       {static_cast<double>(arch.vocabSize), "vocab"},
                       {4, "B"}}}},
                    "fp32; at most max_batch_size " + count(t.maxBatchSize) + " rows"));
  out.components.push_back(contextComponent(o.cudaContextBytes, kLazyKernelBytes));
  if (arch.hasRecurrentState()) {
    out.components.push_back(
        servingStateComponent(arch, o.batch, o.activationBytesPerValue, "TensorRT-LLM"));
  }

  const std::int64_t block = t.tokensPerBlock;
  const std::int64_t tokens = roundUp(o.promptTokens + o.generatedTokens, block);
  const std::int64_t slidingTokens = roundUp(arch.slidingWindow, block) + block;
  const double perTokenLayer = kvValuesPerTokenPerLayer(arch) * o.kvBytesPerValue;
  Component kv =
      makeComponent("kv_cache", "KV cache",
                    cacheTerms(arch, o.batch, arch.numLayers, tokens, slidingTokens, perTokenLayer),
                    "tokens rounded up to blocks of " + count(block));
  const auto shares = parallelShares(arch, o.parallel);
  if (o.gpuMemoryBytes > 0 && shares) {
    // Per GPU: what is loaded before the pool is sized (one shard of weights and activations).
    const double loaded = sumBytes(out) - (1 - shares->weights) * out.components[0].bytes -
                          (1 - shares->activations) * out.components[1].bytes;
    const double pool = t.freeGpuMemoryFraction * std::max(0.0, o.gpuMemoryBytes - loaded);
    const double perToken =
        perTokenLayer * static_cast<double>(arch.attentionLayerCount()) * shares->kvCache;
    const double blocks =
        perToken > 0 ? std::floor(pool / (perToken * static_cast<double>(block))) : 0;
    kv.note += "; TensorRT-LLM preallocates " + formatBytes(pool) + " (" +
               num(t.freeGpuMemoryFraction) +
               " free_gpu_memory_fraction × the memory free after weights, activations and "
               "runtime buffers), room for " +
               formatCount(blocks) +
               " blocks = " + formatCount(blocks * static_cast<double>(block)) + " tokens";
    const double request =
        sumTerms(cacheTerms(arch, 1, arch.numLayers, tokens, slidingTokens, perTokenLayer)) *
        shares->kvCache;
    const double poolTokens = blocks * static_cast<double>(block);
    const double asked = static_cast<double>(o.promptTokens + o.generatedTokens);
    // A hybrid's recurrent states are held beside the pool (counted in what is loaded).
    KvPool kvPool = describePool("TensorRT-LLM", pool, poolTokens,
                                 request > 0 ? poolTokens * perToken / request : 0, asked);
    if (perToken <= 0) {
      kvPool.summary = "TensorRT-LLM keeps no KV cache for a model without attention layers";
    }
    // The engine's own buffers must fit first; the KV pool then takes its share of the rest.
    kvPool.capacityBytes = loaded <= o.gpuMemoryBytes ? loaded + pool : o.gpuMemoryBytes;
    kvPool.capacityFormula = "the engine's buffers + " + num(t.freeGpuMemoryFraction) +
                             " free_gpu_memory_fraction × the memory left after them";
    out.kvPool = std::move(kvPool);
  }
  out.components.insert(out.components.begin() + 1, std::move(kv));
  out.totalBytes = sumBytes(out);
  return out;
}

}  // namespace gpumem
