// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// A table of the names an enumerated option is written by (the first name of each value is
// its canonical id), read case- and space-insensitively (private to core/src).
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "text.hpp"

namespace gpumem {

template <typename Value, std::size_t N>
using ChoiceTable = std::array<std::pair<const char*, Value>, N>;

/// The value whose name is `text` (ignoring case and surrounding spaces), or nothing.
template <typename Value, std::size_t N>
std::optional<Value> lookupChoice(const ChoiceTable<Value, N>& table, std::string_view text) {
  const std::string key = text::lower(text::trim(text));
  for (const auto& [name, value] : table) {
    if (key == name) return value;
  }
  return std::nullopt;
}

/// The canonical name of `value`: its first entry in the table, or "?".
template <typename Value, std::size_t N>
std::string choiceName(const ChoiceTable<Value, N>& table, Value value) {
  for (const auto& [name, entry] : table) {
    if (entry == value) return name;
  }
  return "?";
}

}  // namespace gpumem
