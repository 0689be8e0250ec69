// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// A scenario as it travels in a shareable link ("#v=1&model=llama-3.1-8b&ctx=8192…"). The
// keys are the schema's link keys; links are written by anyone, so every value is validated
// by the schema before use.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "gpumem/result.hpp"
#include "gpumem/scenario.hpp"

namespace gpumem {

/// The longest link fragment accepted, in characters.
inline constexpr std::size_t kMaxLinkLength = 4096;

/// The most scenarios a link compares.
inline constexpr std::size_t kMaxCompared = 4;

/// A decoded link.
struct ScenarioLink {
  std::map<std::string, std::string, std::less<>> values;  ///< by field name, validated
  std::vector<std::string> compare;  ///< link fragments of compared scenarios ("cmp")
  bool embed = false;                ///< the compact widget ("embed=1")
  std::vector<std::string> ignored;  ///< unknown keys, skipped
};

/// Decodes and validates a link fragment or query ("#a=1&b=2", "?a=1", "a=1"). Percent-escapes
/// and '+' are decoded. The first bad value fails the whole link with an Error naming the
/// field (e.g. "contextLength") and what is wrong, so the page can say so and fall back to
/// its defaults.
Result<ScenarioLink> decodeScenarioLink(std::string_view fragment);

/// The link of a scenario: "v=1" and every given value that differs from its default, by
/// link key in schema order, percent-escaped; then "cmp" with the compared fragments joined
/// by '|'. Fields without a link key (a pasted config, a file) are left out.
std::string encodeScenarioLink(const Scenario& scenario,
                               const std::vector<std::string>& compare = {});

/// Whether a scenario holds something a link cannot carry (a pasted config.json or a file).
bool linkLosesInput(const Scenario& scenario);

}  // namespace gpumem
