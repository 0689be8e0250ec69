// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// Small text helpers shared by the core's parsers (private to core/src).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace gpumem::text {

/// Lower-cases ASCII letters.
std::string lower(std::string_view s);
/// Strips ASCII whitespace at both ends.
std::string_view trim(std::string_view s);
/// Parses a plain decimal number ("12", "-3.5", "7e9") and nothing else: no spaces,
/// hex, "inf" or "nan". (libc++ in the wasm build has no floating-point from_chars.)
std::optional<double> parseDecimal(std::string_view s);
/// Quotes user text for an error message, cut to 40 characters.
std::string quote(std::string_view s);

}  // namespace gpumem::text
