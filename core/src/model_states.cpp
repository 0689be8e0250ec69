// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
#include "gpumem/model_states.hpp"

#include <algorithm>
#include <utility>

namespace gpumem {
namespace {

/// fp32 copy of each gradient that ZeRO-Offload keeps on the CPU for the update.
constexpr double kOffloadedGradientBytes = 4.0;
/// DeepSpeed's ZeRO-Infinity defaults (DeepSpeed config docs): offload_optimizer
/// buffer_count 4, sub_group_size 1e9; offload_param buffer_count 5, buffer_size 1e8.
constexpr double kNvmeOptimizerBuffers = 4;
constexpr double kSubGroupElements = 1e9;
constexpr double kNvmeParamBuffers = 5;
constexpr double kNvmeParamBufferElements = 1e8;
/// DeepSpeed's gradient bucket holds the engine's 16-bit gradients (bf16/fp16 enabled).
constexpr double kBucketBytes = 2.0;
/// LLM.int8's row scale: one fp32 absmax per output row (bitsandbytes int8_vectorwise_quant).
constexpr double kInt8ScaleBytes = 4.0;
/// ZeRO-3 gathers 16-bit tensors: stage3_max_live_parameters counts their elements.
constexpr double kGatheredBytesPerElement = 2.0;

double gpusSharingCpu(const ShardingOptions& sharding) {
  return static_cast<double>(std::clamp<std::int64_t>(
      sharding.gpusPerNode, 1, std::max<std::int64_t>(1, sharding.dataParallel)));
}

/// The sum of the terms' products.
double bytesOf(const std::vector<Term>& terms) {
  double bytes = 0;
  for (const Term& t : terms) bytes += t.product();
  return bytes;
}

/// `count` parameters × `bytes` each ÷ the sharding divisor, as one formula term (none
/// when there are no such parameters).
std::vector<Term> perParameter(double count, const char* what, double bytes, double divisor) {
  if (count <= 0 || bytes <= 0) return {};
  Term t{{{count, what}, {bytes, "B"}}};
  if (divisor > 1) t.factors.push_back({1 / divisor, "(sharded)"});
  return {t};
}

/// DeepSpeed ZeRO-3's gathered 16-bit parameters at their peak, from its parameter
/// coordinator (partitioned_param_coordinator.py), counted in elements of the 16-bit tensors
/// as its knobs are. fetch_sub_module gathers the module in flight (its own parameters, one
/// nn.Linear or the head, not a whole layer) whatever the caps; then, while fewer than
/// stage3_max_live_parameters elements are gathered, it takes whole parameters off the
/// trace until it has issued min(stage3_prefetch_bucket_size, max live − gathered). Every
/// module's hook does so, containers included, and the hooks outnumber the parameters, so
/// the look-ahead grows until max live is reached, and the last parameter taken carries the
/// count past it by less than its own size: at most max live + the largest tensor.
/// release_sub_module (__params_to_release) keeps a module's parameters when the trace uses
/// them again before stage3_max_reuse_distance elements (the parameters of every module
/// between, forward and backward) have gone by: the head, used last in the forward and first
/// in the backward, with nothing between, whenever the distance is above 0; a module before
/// it when twice the parameters after it are below the distance, so the kept end of the
/// forward is the head alone or about half the distance (plus the module straddling it).
/// The peak is the largest of the three, at most all the sharded parameters.
std::vector<Term> zero3Gathered(const ModelStateInputs& in) {
  const ShardingOptions& sh = in.sharding;
  // A base that is not sharded (frozenReplicated) is never gathered.
  const double all = in.trainableParams + (in.frozenReplicated ? 0 : in.frozenParams);
  const double head = in.headParams;
  const double matrix = in.largestMatrixParams > 0 ? in.largestMatrixParams : in.largestLayerParams;
  const double largest = std::max(head, matrix);
  constexpr double b = kGatheredBytesPerElement;
  std::vector<Term> best{
      {{{largest, "parameters of the largest tensor (the module in flight)"}, {b, "B"}},
       "its gathered parameters"}};
  double bestBytes = largest * b;
  const auto consider = [&](std::vector<Term> terms) {
    const double bytes = bytesOf(terms);
    if (bytes > bestBytes) {
      best = std::move(terms);
      bestBytes = bytes;
    }
  };
  const double reuse = sh.maxReuseDistance;
  if (reuse > 0 && head > 0) {
    if (2 * head >= reuse) {
      consider({{{{head,
                   "parameters of the head, kept from its forward to its backward "
                   "(stage3_max_reuse_distance)"},
                  {b, "B"}},
                 "the head, kept for reuse"}});
    } else {
      consider({{{{reuse / 2,
                   "elements: half of stage3_max_reuse_distance (the head and the "
                   "last modules, kept for the backward)"},
                  {b, "B"}},
                 "the forward's end, kept for reuse"},
                {{{matrix, "parameters of the module straddling it"}, {b, "B"}},
                 "the module straddling the reuse distance"}});
    }
  }
  if (sh.prefetchBucketElements > 0 && sh.maxLiveParameters > 0) {
    consider({{{{sh.maxLiveParameters,
                 "elements the prefetch gathers up to "
                 "(stage3_max_live_parameters)"},
                {b, "B"}},
               "prefetched parameters (stage3_prefetch_bucket_size)"},
              {{{largest,
                 "parameters of the largest tensor, which the last prefetch takes past "
                 "the cap"},
                {b, "B"}},
               "the prefetch's last tensor"}});
  }
  if (bestBytes > all * b) {
    return {{{{all, "parameters, all gathered"}, {b, "B"}}, "gathered parameters"}};
  }
  return best;
}

/// The gathered 16-bit parameters and gradients live while layers run under ZeRO-3/FSDP:
/// the largest layer's parameters and gradients (DeepSpeed's estimator), DeepSpeed ZeRO-3's
/// parameter coordinator's peak (zero3Gathered), or, for FSDP2 without
/// reshard_after_forward, all of them.
std::vector<Term> gatheredParameters(const ModelStateInputs& in) {
  const double layer = in.largestLayerParams;
  const double bytes = in.gatheredBytesPerParam;
  const double all = in.trainableParams + in.frozenParams;
  const ShardingOptions& sh = in.sharding;
  const bool zero3 = sh.strategy == ShardingStrategy::kZero3;
  const bool fsdpKeeps = !sh.reshardAfterForward && !zero3;
  std::vector<Term> out;
  if (zero3) {
    out = zero3Gathered(in);
  } else if (fsdpKeeps && all > layer) {
    out.push_back({{{all, "parameters kept gathered from forward to backward"}, {bytes, "B"}},
                   "gathered parameters"});
  } else {
    out.push_back(
        {{{layer, "parameters of the largest layer"}, {bytes, "B"}}, "its gathered parameters"});
  }
  const double trainable = in.layerTrainableParams < 0 ? layer : in.layerTrainableParams;
  if (trainable > 0 && in.layerTrainableBytes > 0) {
    out.push_back(
        {{{trainable, "trainable parameters of the largest layer"}, {in.layerTrainableBytes, "B"}},
         in.layerTrainableParams < 0 ? "their 16-bit gradients"
                                     : "the adapters' weights and gradients"});
  }
  return out;
}

/// DeepSpeed's gradient buckets that live during the backward only: ZeRO-1/2's one
/// reduce_bucket_size bucket, two with overlap_comm (stage_1_and_2.py, setup_buckets: "double
/// buffers" when overlap_comm); ZeRO-3's reduce-scatter copy of a full bucket
/// (reduce_scatter_coalesced's torch.cat), at most the trainable parameters.
std::vector<Term> reduceBuckets(const ShardingOptions& sh, double trainable) {
  const double elements = sh.reduceBucketElements;
  if (elements <= 0) return {};
  const bool stage12 =
      sh.strategy == ShardingStrategy::kZero1 || sh.strategy == ShardingStrategy::kZero2;
  if (stage12) {
    Term t{{{elements, "elements (reduce_bucket_size)"}, {kBucketBytes, "B (16-bit)"}},
           "the backward's gradient bucket"};
    if (sh.overlapComm) {
      t.factors.push_back({2, "buckets (overlap_comm)"});
      t.label = "the backward's two alternating gradient buckets";
    }
    return {t};
  }
  if (sh.strategy != ShardingStrategy::kZero3 || trainable <= 0) return {};
  return {{{{std::min(elements, trainable), "elements of a full bucket (at most the trainable)"},
            {kBucketBytes, "B (16-bit)"}},
           "the reduce-scatter's interleaved copy of the bucket"}};
}

/// DeepSpeed ZeRO-3's reduce bucket, allocated when the optimizer is built and kept
/// (stage3.py: torch.empty(reduce_bucket_size) for each gradient dtype).
std::vector<Term> keptBuckets(const ShardingOptions& sh) {
  if (sh.strategy != ShardingStrategy::kZero3 || sh.reduceBucketElements <= 0) return {};
  return {
      {{{sh.reduceBucketElements, "elements (reduce_bucket_size)"}, {kBucketBytes, "B (16-bit)"}},
       "ZeRO-3's gradient bucket, kept from start-up"}};
}

/// DeepSpeed ZeRO-3's persistent parameters (persistent_parameters.hpp): the whole 16-bit
/// copy of each tensor at most stage3_param_persistence_threshold elements, kept on every
/// GPU for the whole run (never released by the parameter coordinator, gathered again after
/// each step in stage3.py _post_step) and on the GPU under parameter offload (a persistent
/// parameter's partition is made on the local device, partition_parameters.py
/// _partition_param). Their shards, gradients and optimizer states are sharded like the rest.
std::vector<Term> persistentCopies(const ModelStateInputs& in) {
  constexpr double kAdapterBytes = 4;  // peft's fp32 adapters
  std::vector<Term> out;
  if (in.persistentParams > 0) {
    out.push_back({{{in.persistentParams,
                     "parameters in tensors of at most "
                     "stage3_param_persistence_threshold elements"},
                    {in.persistentBytesPerParam, "B"}},
                   "small tensors kept whole (persistence threshold)"});
  }
  if (in.persistentAdapterParams > 0) {
    out.push_back({{{in.persistentAdapterParams,
                     "LoRA parameters in tensors of at most "
                     "stage3_param_persistence_threshold elements"},
                    {kAdapterBytes, "B"}},
                   "small adapter matrices kept whole (persistence threshold)"});
  }
  return out;
}

}  // namespace

ModelStates estimateModelStates(const ModelStateInputs& in) {
  const ShardDivisors div = shardDivisors(in.sharding);
  const bool frozen = in.optimizer == OptimizerKind::kNone;
  const double trainable = frozen ? 0.0 : in.trainableParams;
  const double heldForward = frozen ? in.trainableParams + in.frozenParams : in.frozenParams;

  ModelStates s;
  ModelStates::Terms& t = s.terms;
  t.weights = perParameter(trainable, "trainable parameters", weightBytesPerParameter(in.recipe),
                           div.weights);
  const bool replicated = in.frozenReplicated && !frozen;
  const auto held = perParameter(
      heldForward, replicated ? "frozen parameters (not sharded)" : "frozen parameters",
      frozen ? weightBytesPerParameter(in.recipe) : in.frozenBytesPerParam,
      replicated ? 1.0 : div.weights);
  if (!replicated) t.weights.insert(t.weights.end(), held.begin(), held.end());
  // Not parameters, so neither sharded nor offloaded with them.
  const auto constants =
      frozen ? std::vector<Term>{}
             : perParameter(in.frozenParams, "frozen parameters' quantisation constants (whole)",
                            in.frozenUnshardedBytesPerParam, 1.0);
  t.master = perParameter(trainable, "trainable parameters", masterBytesPerParameter(in.recipe),
                          div.optimizer);
  t.gradients = perParameter(trainable, "trainable parameters",
                             gradientBytesPerParameter(in.recipe), div.gradients);
  t.optimizer = perParameter(
      trainable, "trainable parameters",
      optimizerStateBytesPerParameter(in.optimizer, in.recipe, in.matrixSide), div.optimizer);
  t.temporaries =
      perParameter(trainable, "trainable parameters",
                   optimizerTemporaryBytesPerParameter(in.optimizer, in.recipe), div.optimizer);
  if (!frozen) {
    const auto oneTensor = perParameter(
        in.largestTrainableMatrix, "parameters of the largest trainable matrix",
        optimizerLargestTensorBytesPerParameter(in.optimizer, in.recipe), div.optimizer);
    t.temporaries.insert(t.temporaries.end(), oneTensor.begin(), oneTensor.end());
  }
  const std::vector<Term> gathered = gatheredParameters(in);
  if (shardsParameters(in.sharding.strategy) && div.weights > 1) t.gatheredLayer = gathered;

  const double perNode = gpusSharingCpu(in.sharding);
  if (optimizerIsPaged(in.optimizer) && !frozen && !in.sharding.offloadOptimizer) {
    // bitsandbytes' paged optimizers allocate their states in CUDA unified memory, which the
    // driver evicts to CPU RAM when the GPU runs short and pages back in, tensor by tensor,
    // for each update: the GPU must hold the largest matrix's states, CPU RAM all of them.
    s.cpu += bytesOf(t.optimizer) * perNode;
    t.optimizer = perParameter(
        in.largestTrainableMatrix, "parameters of the largest trainable matrix (paged in)",
        optimizerStateBytesPerParameter(in.optimizer, in.recipe, in.matrixSide), div.optimizer);
  }
  const bool nvme = in.sharding.offloadToNvme && in.sharding.strategy == ShardingStrategy::kZero3;
  if (in.sharding.offloadOptimizer && !frozen) {
    const double states = bytesOf(t.master) + bytesOf(t.optimizer);
    const double shard = trainable / div.optimizer;
    const double onCpu = bytesOf(t.temporaries) + shard * kOffloadedGradientBytes;
    if (nvme) {
      // ZeRO-Infinity swaps the fp32 master and states from NVMe through a pool of
      // buffer_count (4) pinned buffers of one sub-group (sub_group_size 1e9 elements, at
      // most the shard), fp32; the gradients and the CPU Adam step stay in CPU RAM.
      s.nvme += states * perNode;
      s.cpu += (onCpu + kNvmeOptimizerBuffers * std::min(kSubGroupElements, shard) * 4.0) * perNode;
    } else {
      s.cpu += (states + onCpu) * perNode;
    }
    t.master.clear();
    t.optimizer.clear();
    t.temporaries.clear();
    t.gradients.clear();
    t.gatheredLayer = gathered;
  }
  if (in.sharding.offloadParameters && shardsParameters(in.sharding.strategy)) {
    if (nvme) {
      // offload_param to NVMe: the 16-bit parameters on the drive, a pinned pool of
      // buffer_count (5) × buffer_size (1e8) 16-bit elements in CPU RAM.
      s.nvme += bytesOf(t.weights) * perNode;
      s.cpu += kNvmeParamBuffers * kNvmeParamBufferElements * 2.0 * perNode;
    } else {
      s.cpu += bytesOf(t.weights) * perNode;
    }
    t.weights.clear();
    t.gatheredLayer = gathered;
  }
  if (replicated) t.weights.insert(t.weights.end(), held.begin(), held.end());
  t.weights.insert(t.weights.end(), constants.begin(), constants.end());
  if (in.int8ScaleRows > 0) {
    t.weights.push_back({{{in.int8ScaleRows, "output rows of the int8 projections"},
                          {kInt8ScaleBytes, "B (fp32 SCB)"}},
                         "LLM.int8's row scales (whole)"});
  }
  if (in.sharding.strategy == ShardingStrategy::kZero3 && div.weights > 1) {
    const auto persistent = persistentCopies(in);
    t.weights.insert(t.weights.end(), persistent.begin(), persistent.end());
  }
  s.weights = bytesOf(t.weights);
  s.master = bytesOf(t.master);
  s.gradients = bytesOf(t.gradients);
  s.optimizer = bytesOf(t.optimizer);
  s.temporaries = bytesOf(t.temporaries);
  s.gatheredLayer = bytesOf(t.gatheredLayer);
  if (!frozen && div.optimizer > 1) {
    t.reduceBucket = reduceBuckets(in.sharding, in.trainableParams);
    t.commBuffers = keptBuckets(in.sharding);
  }
  s.reduceBucket = bytesOf(t.reduceBucket);
  s.commBuffers = bytesOf(t.commBuffers);
  return s;
}

DeepSpeedZero3Estimate deepSpeedZero3ModelStates(double totalParams, double largestLayerParams,
                                                 double gpusPerNode, double nodes,
                                                 bool offloadOptimizer, bool offloadParameters,
                                                 double bufferFactor) {
  const double gpus = gpusPerNode * nodes;
  const double largestLayerBytes = 4.0 * largestLayerParams;
  DeepSpeedZero3Estimate e;
  if (offloadOptimizer && offloadParameters) {
    e.gpuBytes = largestLayerBytes;
    e.cpuBytes = totalParams * 18.0 / nodes * bufferFactor;
  } else if (offloadOptimizer) {
    e.gpuBytes = largestLayerBytes + 2.0 * totalParams / gpus;
    e.cpuBytes = totalParams * 16.0 / nodes * bufferFactor;
  } else {
    e.gpuBytes = largestLayerBytes + 18.0 * totalParams / gpus;
    e.cpuBytes = largestLayerParams * 4.0 * gpusPerNode * bufferFactor;
  }
  return e;
}

}  // namespace gpumem
