// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// Fuzzes the link decoder: any text yields validated values or an Error naming a
// field; accepted values re-encode and decode to themselves.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "gpumem/scenario_link.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto link = gpumem::decodeScenarioLink(text);
  if (!link.ok()) {
    if (link.error().field.empty() || link.error().message.empty()) std::abort();
    return 0;
  }
  for (const auto& [key, value] : link->values) {
    for (char c : value) {
      if (c == '<' || c == '>' || c == '"' || c == '\'') std::abort();
    }
  }
  const auto again = gpumem::decodeScenarioLink(gpumem::encodeScenarioLink(link->values));
  if (!again.ok() || again->values != link->values) std::abort();
  return 0;
}
