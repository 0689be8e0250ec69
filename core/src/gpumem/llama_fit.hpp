// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// llama.cpp's --fit (common/fit.cpp, on by default since late 2025, PR #16653): before
// loading, a dry run measures the model, KV and compute buffers per device, and the context
// and the layers on the GPU are chosen so that every device keeps a margin free.
#pragma once

#include <cstdint>
#include <string>

#include "gpumem/breakdown.hpp"
#include "gpumem/inference.hpp"
#include "gpumem/model_architecture.hpp"
#include "gpumem/result.hpp"

namespace gpumem {

/// What llama.cpp's fit may change, and how the user left it.
struct LlamaFitRequest {
  bool fit = true;                    ///< --fit on (the default) or off
  bool contextAuto = true;            ///< -c 0 or not given: the trained length, cut down to fit
  bool layersGiven = false;           ///< -ngl given: the fit keeps the user's layers
  bool overridesGiven = false;        ///< --n-cpu-moe (a tensor override) given: likewise
  bool unified = true;                ///< one KV stream shared by the slots (llama-server's auto)
  std::int64_t minContext = 4096;     ///< --fit-ctx: the smallest context the fit picks
  double marginBytes = 1073741824.0;  ///< --fit-target: memory left free per device
};

/// The fit's outcome: the options llama.cpp loads with (n_ctx, n_gpu_layers, n_cpu_moe), the
/// breakdown at them, and what was decided, in words.
struct LlamaFit {
  InferenceOptions options;
  Breakdown breakdown;
  std::string decision;
};

/// llama.cpp's fit of `arch` on GPUs of options.gpuMemoryBytes (common/fit.cpp,
/// common_params_fit_impl), with our breakdown as the dry run's measurement (GPU total,
/// the CUDA context included, must leave marginBytes free): n_ctx = the trained length
/// (× the slots when the KV cache is not unified); if that does not fit and the context is
/// automatic, n_ctx is interpolated linearly between minContext and the trained length to
/// meet the target and rounded down to a multiple of 256 (not below minContext); if even
/// minContext does not fit, and neither -ngl nor a tensor override was given, a MoE model's
/// routed experts go to the host (then as few layers' experts as needed), and then whole
/// layers go to the host, the output layer counted as one more layer (n_gpu_layers from 0
/// to layers + 1, the largest that fits). Not modelled: the partial layer llama.cpp may
/// split (attention, up or gate on the GPU), and the extra safety term with several GPUs.
Result<LlamaFit> fitLlamaCpp(const ModelArchitecture& arch, const InferenceOptions& options,
                             const LlamaFitRequest& request);

}  // namespace gpumem
