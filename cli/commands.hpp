// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// The CLI's subcommands. Each returns the process exit code (0 ok, 2 bad input).
#pragma once

#include "args.hpp"

namespace gpumem::cli {

/// `gpumem estimate --method simple --params 70B --precision fp16 [--gpu ID] [--json]`
int runEstimate(const Args& args);
/// `gpumem gpus [--json]`: the GPU catalog with the bytes each exposes.
int runGpus(const Args& args);
/// `gpumem precisions [--json]`: the named precisions.
int runPrecisions(const Args& args);

}  // namespace gpumem::cli
