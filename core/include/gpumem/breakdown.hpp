// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <vector>

namespace gpumem {

/// One named part of an estimate, e.g. "weights", with the formula that produced it.
struct Component {
  std::string name;     ///< stable id, e.g. "weights", "kv_cache", "optimizer_states"
  std::string label;    ///< for people, e.g. "Weights"
  double bytes = 0;     ///< bytes on one GPU
  std::string formula;  ///< the formula with its numbers plugged in
};

/// An estimate: its components (summing to totalBytes) and, when a GPU was chosen,
/// how many of them are needed and whether the chosen count suffices.
struct Breakdown {
  std::vector<Component> components;
  double totalBytes = 0;  ///< sum of components, per GPU
};

/// Sum of the components' bytes.
double sumComponents(const std::vector<Component>& components);

}  // namespace gpumem
