// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// Fuzzes the parameter-count and precision parsers: any text gives a value in range or
// an Error naming its field, never a crash.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "gpumem/parameter_count.hpp"
#include "gpumem/precision.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto count = gpumem::parseParameterCount(text);
  if (count.ok()) {
    if (!(*count >= 1 && *count <= gpumem::kMaxParameterCount)) std::abort();
  } else if (count.error().field != "params" || count.error().message.empty()) {
    std::abort();
  }
  const auto precision = gpumem::parsePrecision(text);
  if (precision.ok()) {
    if (!(precision->bits >= 1 && precision->bits <= 32)) std::abort();
  } else if (precision.error().field != "precision") {
    std::abort();
  }
  return 0;
}
