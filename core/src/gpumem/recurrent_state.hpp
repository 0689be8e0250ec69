// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// The fixed-size state that Mamba, linear-attention and short-convolution layers keep per
// sequence in place of a KV cache.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "gpumem/breakdown.hpp"
#include "gpumem/model_architecture.hpp"

namespace gpumem {

/// How many past inputs an engine keeps of each causal convolution: transformers keeps the
/// whole kernel (its conv_states are batch × channels × conv_kernel: HybridMambaAttention-
/// DynamicCache, MambaCache); vLLM (MambaStateShapeCalculator), SGLang and llama.cpp
/// (llama_memory_recurrent's r tensors) keep conv_kernel − 1.
enum class ConvWindow { kWholeKernel, kKernelMinusOne };

/// The recurrent state of `sequences` sequences as formula terms, `bytesPerValue` per value,
/// independent of the context length. Per layer and sequence:
/// - Mamba-2: conv (d_inner + 2·n_groups·d_state) × window + SSM heads × head_dim × d_state;
/// - Mamba 1: conv d_inner × window + SSM d_inner × d_state;
/// - Gated DeltaNet: conv (2·key heads·key dim + value heads·value dim) × window + state value
///   heads × key dim × value dim; lightning attention: heads × head_dim × head_dim;
/// - LFM2's short convolution: hidden × window.
/// Empty for a model whose layers all attend.
std::vector<Term> recurrentStateTerms(const ModelArchitecture& arch, std::int64_t sequences,
                                      double bytesPerValue, ConvWindow window);

/// Σ of recurrentStateTerms for one sequence.
double recurrentStateBytesPerSequence(const ModelArchitecture& arch, double bytesPerValue,
                                      ConvWindow window);

/// The "recurrent_state" component, labelled by the layers that keep it ("Recurrent state
/// (Mamba-2 layers)"); `note` says which dtype and why.
Component recurrentStateComponent(const ModelArchitecture& arch, std::int64_t sequences,
                                  double bytesPerValue, ConvWindow window, std::string note);

}  // namespace gpumem
