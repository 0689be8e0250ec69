// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// The CLI's subcommands. Each returns the process exit code (0 ok, 2 bad input).
#pragma once

#include "args.hpp"

namespace gpumem::cli {

/// `gpumem estimate --method simple --params 70B --precision fp16 [--gpu ID] [--json]`
int runEstimate(const Args& args);
/// `gpumem estimate --method arch (--config FILE.json | --model ID) [--dtype bf16]
/// [--kv-dtype fp8] [--batch 1] [--prompt 512] [--generate 16] [--attn sdpa] [--gpu ID]`
int runEstimateArch(const Args& args);
/// `gpumem gpus [--json]`: the GPU catalog with the bytes each exposes.
int runGpus(const Args& args);
/// `gpumem precisions [--json]`: the named precisions.
int runPrecisions(const Args& args);
/// `gpumem validate FILE.jsonl --configs DIR`: predicted vs measured for every case.
int runValidate(const Args& args);

}  // namespace gpumem::cli
