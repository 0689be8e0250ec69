// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
#include "gpumem/recurrent_state.hpp"

#include <utility>

namespace gpumem {
namespace {

double convTaps(std::int64_t kernel, ConvWindow window) {
  const std::int64_t taps = window == ConvWindow::kWholeKernel ? kernel : kernel - 1;
  return static_cast<double>(taps > 0 ? taps : 0);
}

Factor layerFactor(std::int64_t layers, const char* what) {
  return {static_cast<double>(layers), what};
}

void addMambaTerms(const ModelArchitecture& arch, const Factor& seqs, const Factor& bytes,
                   ConvWindow window, std::vector<Term>& terms) {
  const std::int64_t layers = arch.mambaLayerCount();
  if (layers <= 0) return;
  const MambaShape& m = arch.mamba;
  const Factor mambaLayers =
      layerFactor(layers, m.version == 1 ? "Mamba layers" : "Mamba-2 layers");
  const double taps = convTaps(m.convKernel, window);
  if (taps > 0) {
    terms.push_back({{seqs,
                      mambaLayers,
                      {static_cast<double>(m.convChannels()), "conv channels"},
                      {taps, "conv taps"},
                      bytes},
                     "conv state"});
  }
  if (m.version == 1) {
    terms.push_back({{seqs,
                      mambaLayers,
                      {static_cast<double>(m.innerSize), "d_inner"},
                      {static_cast<double>(m.stateSize), "d_state"},
                      bytes},
                     "SSM state"});
    return;
  }
  terms.push_back({{seqs,
                    mambaLayers,
                    {static_cast<double>(m.heads), "heads"},
                    {static_cast<double>(m.headDim), "head_dim"},
                    {static_cast<double>(m.stateSize), "d_state"},
                    bytes},
                   "SSM state"});
}

void addLinearAttentionTerms(const ModelArchitecture& arch, const Factor& seqs, const Factor& bytes,
                             ConvWindow window, std::vector<Term>& terms) {
  const std::int64_t layers = arch.mixerLayerCount(MixerKind::kLinearAttention);
  if (layers <= 0) return;
  const LinearAttentionShape& l = arch.linearAttention;
  const Factor linearLayers = layerFactor(layers, "linear-attention layers");
  const double taps = l.lightning ? 0 : convTaps(l.convKernel, window);
  if (taps > 0) {
    terms.push_back({{seqs,
                      linearLayers,
                      {static_cast<double>(l.convChannels()), "conv channels"},
                      {taps, "conv taps"},
                      bytes},
                     "conv state"});
  }
  terms.push_back({{seqs,
                    linearLayers,
                    {static_cast<double>(l.valueHeads), "heads"},
                    {static_cast<double>(l.keyHeadDim), "key dim"},
                    {static_cast<double>(l.valueHeadDim), "value dim"},
                    bytes},
                   "recurrent state"});
}

void addShortConvTerms(const ModelArchitecture& arch, const Factor& seqs, const Factor& bytes,
                       ConvWindow window, std::vector<Term>& terms) {
  const std::int64_t layers = arch.mixerLayerCount(MixerKind::kShortConv);
  const double taps = convTaps(arch.shortConvKernel, window);
  if (layers <= 0 || taps <= 0) return;
  terms.push_back({{seqs,
                    layerFactor(layers, "conv layers"),
                    {static_cast<double>(arch.hiddenSize), "hidden"},
                    {taps, "conv taps"},
                    bytes},
                   "conv state"});
}

/// "Mamba-2 layers", "linear-attention layers", … for the component's label.
std::string stateLayersWords(const ModelArchitecture& arch) {
  std::string words;
  const auto add = [&words](const std::string& w) { words += (words.empty() ? "" : ", ") + w; };
  if (arch.mambaLayerCount() > 0) add(arch.mamba.version == 1 ? "Mamba layers" : "Mamba-2 layers");
  if (arch.mixerLayerCount(MixerKind::kLinearAttention) > 0) add("linear-attention layers");
  if (arch.mixerLayerCount(MixerKind::kShortConv) > 0) add("short-convolution layers");
  return words;
}

}  // namespace

std::vector<Term> recurrentStateTerms(const ModelArchitecture& arch, std::int64_t sequences,
                                      double bytesPerValue, ConvWindow window) {
  std::vector<Term> terms;
  const Factor seqs{static_cast<double>(sequences), "sequences"};
  const Factor bytes{bytesPerValue, "B"};
  addMambaTerms(arch, seqs, bytes, window, terms);
  addLinearAttentionTerms(arch, seqs, bytes, window, terms);
  addShortConvTerms(arch, seqs, bytes, window, terms);
  return terms;
}

double recurrentStateBytesPerSequence(const ModelArchitecture& arch, double bytesPerValue,
                                      ConvWindow window) {
  double bytes = 0;
  for (const Term& t : recurrentStateTerms(arch, 1, bytesPerValue, window)) bytes += t.product();
  return bytes;
}

Component recurrentStateComponent(const ModelArchitecture& arch, std::int64_t sequences,
                                  double bytesPerValue, ConvWindow window, std::string note) {
  return makeComponent("recurrent_state", "Recurrent state (" + stateLayersWords(arch) + ")",
                       recurrentStateTerms(arch, sequences, bytesPerValue, window),
                       std::move(note));
}

}  // namespace gpumem
