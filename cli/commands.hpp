// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// The CLI's subcommands. Each returns the process exit code (0 ok, 2 bad input).
#pragma once

#include <cstdint>
#include <string>

#include "args.hpp"
#include "gpumem/result.hpp"

namespace gpumem::cli {

/// `gpumem estimate --method simple --params 70B --precision fp16 [--gpu ID] [--json]`
int runEstimate(const Args& args);
/// `gpumem estimate --method arch (--config FILE.json | --model ID) [--dtype bf16]
/// [--kv-dtype fp8] [--batch 1] [--prompt 512] [--generate 16] [--attn sdpa] [--gpu ID]`
int runEstimateArch(const Args& args);
/// `gpumem estimate --method arch --task full|lora|qlora (--model ID | --config FILE.json)
/// [--recipe mixed] [--optimizer adamw] [--micro-batch 1] [--seq 2048] [--grad-accum 1]
/// [--ckpt none|full|selective] [--attn sdpa] [--lora-rank 16] [--lora-targets all-linear]
/// [--sharding ddp|zero1|zero2|zero3|fsdp-hybrid] [--offload-optimizer] [--offload-params]
/// [--tp 1] [--pp 1] [--cp 1] [--ep 1] [--sp] [--gpus 1] [--gpus-per-node 8] [--gpu ID]`
int runEstimateTraining(const Args& args);
/// A whole-number option; an Error names the option when it is not one.
Result<std::int64_t> wholeOption(const Args& args, const std::string& name, std::int64_t fallback);
/// The config.json text of --config FILE or --model ID.
Result<std::string> configText(const Args& args);

/// A decimal option (e.g. 0.9); an Error names the option when it is not a number.
Result<double> decimalOption(const Args& args, const std::string& name, double fallback);
/// `gpumem gpus [--json]`: the GPU catalog with the bytes each exposes.
int runGpus(const Args& args);
/// `gpumem precisions [--json]`: the named precisions.
int runPrecisions(const Args& args);
/// `gpumem validate FILE.jsonl --configs DIR`: predicted vs measured for every case.
int runValidate(const Args& args);

}  // namespace gpumem::cli
