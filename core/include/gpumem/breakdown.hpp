// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace gpumem {

/// One number in a formula and what it counts: {8192, "tokens"}, {32, "layers"}, {2, "B"}.
struct Factor {
  double value = 0;
  std::string unit;  ///< what the number counts; "B" for bytes; "" for a plain ratio
};

/// A product of factors. A component's bytes are the sum of its terms' products.
struct Term {
  std::vector<Factor> factors;
  std::string label;  ///< what this product is, e.g. "SDPA scores"; may be empty

  Term() = default;
  Term(std::vector<Factor> factorList, std::string termLabel = {})
      : factors(std::move(factorList)), label(std::move(termLabel)) {}

  /// The product of the factors' values (1 for a term with no factors).
  double product() const;
};

/// One named part of an estimate, e.g. "weights": its bytes and the arithmetic that
/// gives them, as data (terms whose products sum to the bytes) and in words (note).
struct Component {
  std::string name;         ///< stable id, e.g. "weights", "kv_cache", "optimizer_states"
  std::string label;        ///< for people, e.g. "Weights"
  double bytes = 0;         ///< bytes on one GPU: the sum of the terms' products
  std::vector<Term> terms;  ///< the formula as data
  std::string note;         ///< what the numbers do not say: the mechanism, the dtype
};

/// The KV cache an engine preallocates at start-up on one GPU (vLLM, SGLang and TensorRT-LLM
/// size a pool from what is left of their budget; llama.cpp and Ollama allocate n_ctx cells),
/// and what the scenario may use of the GPU with that engine.
struct KvPool {
  double bytes = 0;             ///< the pool, per GPU (negative: the budget is overdrawn)
  double tokens = 0;            ///< tokens it holds (whole blocks where the engine pages them)
  double tokensPerRequest = 0;  ///< the context of one request (max_model_len, num_ctx)
  double maxConcurrency = 0;    ///< requests of that context the pool holds at once
  double capacityBytes = 0;     ///< what the scenario may use of one GPU with this engine
  std::string capacityFormula;  ///< how capacityBytes follows from the GPU and the settings
  std::string summary;          ///< the start-up line in the engine's words
};

/// Buffers as llama.cpp logs them ("model buffer size", "KV buffer size", "compute buffer
/// size"), in bytes.
struct LlamaBuffers {
  double model = 0;
  double kv = 0;
  double compute = 0;
};

/// Where llama.cpp (and Ollama, through llama-server) put the model: the layers on the GPU,
/// the context, and the buffers on one GPU and on the host.
struct LayerPlacement {
  std::int64_t gpuLayers = 0;      ///< n_gpu_layers, the output layer counted as one more
  std::int64_t totalLayers = 0;    ///< the model's layers + 1 (the output layer)
  std::int64_t contextTokens = 0;  ///< n_ctx: KV cells shared by the slots
  std::int64_t slots = 1;          ///< sequences (llama-server's slots)
  std::int64_t cpuMoeLayers = 0;   ///< layers whose routed experts stay in host memory
  LlamaBuffers gpu;                ///< on one GPU (the most loaded with several)
  LlamaBuffers host;               ///< in host memory (CPU RAM)
};

/// An estimate: its components (summing to totalBytes) and, when a GPU was chosen,
/// how many of them are needed and whether the chosen count suffices.
struct Breakdown {
  std::vector<Component> components;
  double totalBytes = 0;  ///< sum of components, per GPU
  /// What the engine preallocates for the KV cache, when it sizes a pool at start-up.
  std::optional<KvPool> kvPool;
  /// llama.cpp and Ollama: layers, context and buffers per device and host.
  std::optional<LayerPlacement> layers;
};

/// A component whose bytes are the sum of `terms`' products, so the formula shown and
/// the bytes counted are one computation.
Component makeComponent(std::string name, std::string label, std::vector<Term> terms,
                        std::string note = {});

/// Multiplies every term of `c` by `factor` (a per-GPU share, a split over GPUs), and its
/// bytes with them.
void scaleComponent(Component& c, const Factor& factor);

/// The formula as people read it: "8,192 tokens × 32 layers × 2 B + …; note". Products
/// are joined by " + " (" − " for a negative one), factors by " × ".
std::string formulaText(const Component& c);

/// Sum of the components' bytes.
double sumComponents(const std::vector<Component>& components);

}  // namespace gpumem
