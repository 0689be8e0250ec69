// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// A scenario as it travels in a shareable link ("#v=1&model=llama-3.1-8b&ctx=8192…").
// Links are written by anyone, so every key and value is checked against a schema
// before the page uses it.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gpumem/result.hpp"

namespace gpumem {

/// What a link field may hold.
enum class LinkValueKind {
  kToken,    ///< lowercase id: [a-z0-9._-], e.g. "llama-3.1-8b", "h100-80gb"
  kInteger,  ///< a whole number within [min, max]
  kNumber,   ///< a decimal number within [min, max]
  kText,     ///< free text such as "70B" (printable ASCII, no quotes or angle brackets)
  kFlag,     ///< "0" or "1"
};

/// One key a link may carry, with the range of its value.
struct LinkField {
  std::string_view key;    ///< short key in the link, e.g. "ctx"
  std::string_view field;  ///< the page input it sets, e.g. "context" (named in errors)
  LinkValueKind kind;
  double min = 0;
  double max = 0;            ///< for tokens and text: the longest length allowed
};

/// The keys a scenario link may carry (version 1), in the order links are written.
std::span<const LinkField> scenarioLinkSchema();

/// The longest link fragment accepted, in characters.
inline constexpr std::size_t kMaxLinkLength = 4096;

/// Decoded, validated key/value pairs of a link fragment or query ("#a=1&b=2", "?a=1",
/// "a=1"). Percent-escapes and '+' are decoded. Unknown keys are reported in `ignored`.
struct ScenarioLink {
  std::vector<std::pair<std::string, std::string>> values;  ///< known keys, validated
  std::vector<std::string> ignored;                         ///< unknown keys, skipped
};

/// Decodes and validates a link. The first bad value fails the whole link with an
/// Error naming the page field (e.g. "context") and what is wrong, so the page can say
/// so and fall back to its defaults.
Result<ScenarioLink> decodeScenarioLink(std::string_view fragment);

/// Encodes key/value pairs as "k=v&k=v", percent-escaping anything outside
/// [A-Za-z0-9._~-]. The inverse of decodeScenarioLink for valid values.
std::string encodeScenarioLink(std::span<const std::pair<std::string, std::string>> values);

}  // namespace gpumem
