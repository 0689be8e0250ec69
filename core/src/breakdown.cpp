// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
#include "gpumem/breakdown.hpp"

namespace gpumem {

double sumComponents(const std::vector<Component>& components) {
  double total = 0;
  for (const Component& c : components) total += c.bytes;
  return total;
}

}  // namespace gpumem
