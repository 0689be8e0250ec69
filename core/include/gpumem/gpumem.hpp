// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// The whole public API: describe a scenario (scenario.hpp: the schema of every input, the
// values validated against it), get its answer (answer.hpp: the per-GPU breakdown, the
// verdict, the fewest GPUs, the limits, the advice), share it (scenario_link.hpp), read a
// model file's header (model_file.hpp), look up GPUs and models (gpu_catalog.hpp,
// model_catalog.hpp), and score the estimator on measured runs (validation.hpp).
//
//   auto scenario = gpumem::parseScenario({{"model", "llama-3.1-8b"}, {"gpu", "h100-80gb"}},
//                                         gpumem::Strictness::kStrict);
//   auto answer = gpumem::evaluate(*scenario);  // answer->fits, answer->perGpu.totalBytes
#pragma once

#include "gpumem/answer.hpp"
#include "gpumem/breakdown.hpp"
#include "gpumem/gpu_catalog.hpp"
#include "gpumem/model_catalog.hpp"
#include "gpumem/model_file.hpp"
#include "gpumem/result.hpp"
#include "gpumem/scenario.hpp"
#include "gpumem/scenario_link.hpp"
#include "gpumem/tensor_inventory.hpp"
#include "gpumem/timeline.hpp"
#include "gpumem/units.hpp"
#include "gpumem/validation.hpp"
#include "gpumem/version.hpp"
