// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
#include "gpumem/llama_fit.hpp"

#include <algorithm>

#include "gpumem/format.hpp"
#include "gpumem/monotone_search.hpp"

namespace gpumem {
namespace {

/// A count as llama.cpp's users write it: 131072 → "131,072".
std::string fitTokens(std::int64_t value) {
  const std::string digits = std::to_string(value);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

/// The fit's dry run: our breakdown at `o`, and whether it leaves the margin free.
class DryRun {
 public:
  DryRun(const ModelArchitecture& arch, const LlamaFitRequest& r) : arch_(arch), r_(r) {}

  Result<double> used(const InferenceOptions& o) const {
    const auto b = estimateInference(arch_, o);
    if (!b) return b.error();
    return b->totalBytes;
  }

  Result<bool> fits(const InferenceOptions& o) const {
    const auto u = used(o);
    if (!u) return u.error();
    return *u + r_.marginBytes <= o.gpuMemoryBytes;
  }

 private:
  const ModelArchitecture& arch_;
  const LlamaFitRequest& r_;
};

/// Step 2 of the fit: with an automatic context, the context that meets the target by linear
/// interpolation between the smallest and the largest, rounded down to 256 × streams.
/// Returns whether the whole model then fits.
Result<bool> reduceContext(const DryRun& run, InferenceOptions& o, const LlamaFitRequest& r,
                           std::int64_t streams, double usedFull, std::string& decision) {
  const std::int64_t largest = o.llamaCpp.nCtx;
  const std::int64_t smallest = r.minContext * streams;
  if (!r.contextAuto || largest <= smallest) return false;
  o.llamaCpp.nCtx = smallest;
  const auto usedMin = run.used(o);
  if (!usedMin) return usedMin.error();
  const double target = o.gpuMemoryBytes - r.marginBytes;
  if (target > *usedMin && usedFull > *usedMin) {
    const double span = static_cast<double>(largest - smallest);
    auto n =
        smallest + static_cast<std::int64_t>(span * (target - *usedMin) / (usedFull - *usedMin));
    n -= n % (256 * streams);
    o.llamaCpp.nCtx = std::max(n, smallest);
    decision = "context cut from the trained " + fitTokens(largest) + " to " +
               fitTokens(o.llamaCpp.nCtx) + " tokens to fit";
    return true;
  }
  decision = "context cut to the fit's minimum, " + fitTokens(smallest) + " tokens";
  return false;
}

/// Steps 3 and 4: a MoE model's routed experts to the host, as few layers' as fit (all of
/// them if need be); then whole layers, the largest n_gpu_layers that fits.
Result<bool> placeLayers(const ModelArchitecture& arch, const DryRun& run, InferenceOptions& o,
                         std::string& decision) {
  const std::int64_t layers = arch.numLayers;
  if (arch.isMoe()) {
    o.llamaCpp.nCpuMoe = layers;
    const auto dense = run.fits(o);
    if (!dense) return dense.error();
    if (*dense) {
      // The fewest layers whose experts stay on the host: the largest count on the GPU.
      const auto onGpu = largestFitting(layers, [&](std::int64_t k) -> Result<bool> {
        InferenceOptions t = o;
        t.llamaCpp.nCpuMoe = layers - k;
        return run.fits(t);
      });
      if (!onGpu) return onGpu.error();
      o.llamaCpp.nCpuMoe = layers - *onGpu;
      decision +=
          "; the routed experts of " + fitTokens(layers - *onGpu) + " layers moved to host memory";
      return true;
    }
    decision += "; every layer's routed experts moved to host memory";
  }
  // n_gpu_layers from 0 to layers + 1; the largest that fits (0 when none does).
  const auto ngl = largestFitting(layers + 1, [&](std::int64_t k) -> Result<bool> {
    InferenceOptions t = o;
    t.llamaCpp.nGpuLayers = k;
    return run.fits(t);
  });
  if (!ngl) return ngl.error();
  o.llamaCpp.nGpuLayers = *ngl;
  decision += "; " + fitTokens(*ngl) + " of " + fitTokens(layers + 1) +
              " layers on the GPU (the output layer counted)";
  return true;
}

}  // namespace

Result<LlamaFit> fitLlamaCpp(const ModelArchitecture& arch, const InferenceOptions& options,
                             const LlamaFitRequest& r) {
  LlamaFit out;
  out.options = options;
  InferenceOptions& o = out.options;
  const std::int64_t streams = r.unified ? 1 : std::max<std::int64_t>(1, o.llamaCpp.nSeq);
  if (r.contextAuto) {
    const std::int64_t trained = arch.maxPositions > 0 ? arch.maxPositions : r.minContext;
    o.llamaCpp.nCtx = trained * streams;
  }
  const DryRun run(arch, r);
  if (r.fit && o.gpuMemoryBytes > 0) {
    const auto usedFull = run.used(o);
    if (!usedFull) return usedFull.error();
    if (*usedFull + r.marginBytes > o.gpuMemoryBytes) {
      const auto whole = reduceContext(run, o, r, streams, *usedFull, out.decision);
      if (!whole) return whole.error();
      if (!*whole && !r.layersGiven && !r.overridesGiven) {
        const auto placed = placeLayers(arch, run, o, out.decision);
        if (!placed) return placed.error();
      } else if (!*whole) {
        out.decision += std::string(out.decision.empty() ? "" : "; ") +
                        "the layers stay as given (the fit does not move them when -ngl or a "
                        "tensor override is set)";
      }
    } else {
      out.decision = "everything fits with " + formatBytes(r.marginBytes) + " left free";
    }
  }
  auto b = estimateInference(arch, o);
  if (!b) return b.error();
  out.breakdown = std::move(b).value();
  return out;
}

}  // namespace gpumem
