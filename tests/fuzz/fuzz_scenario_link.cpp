// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// Fuzzes the link decoder: any text yields values validated by the schema or an Error
// naming a field; accepted values re-encode and decode to themselves.
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
  for (const auto& [name, value] : link->values) {
    if (gpumem::findField(name) == nullptr) std::abort();
    for (char c : value) {
      if (c == '<' || c == '>' || c == '"' || c == '\'') std::abort();
    }
  }
  const auto scenario = gpumem::parseScenario(link->values, gpumem::Strictness::kLenient);
  if (!scenario.ok()) std::abort();  // the decoder validated every value already
  const auto again = gpumem::decodeScenarioLink(gpumem::encodeScenarioLink(*scenario, link->compare));
  if (!again.ok()) std::abort();
  for (const auto& [name, value] : link->values) {
    const auto it = again->values.find(name);
    const bool isDefault = value == gpumem::findField(name)->defaultValue;
    if (!isDefault && (it == again->values.end() || it->second != value)) std::abort();
  }
  return 0;
}
