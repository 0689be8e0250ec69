// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// Command-line arguments: "--key value", "--key=value" and bare "--flag", checked against
// the options a command knows, so a mistyped option is an error, never silently ignored.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "gpumem/result.hpp"

namespace gpumem::cli {

struct Args {
  std::vector<std::string> positional;         ///< words that are not options
  std::map<std::string, std::string> options;  ///< "--key value" without the dashes
  std::vector<std::string> flags;              ///< "--flag" given alone

  bool hasFlag(const std::string& name) const;
  std::optional<std::string> get(const std::string& name) const;
  std::string getOr(const std::string& name, const std::string& fallback) const;
};

/// What options a command takes: those with a value, and switches without one (a switch
/// may also be written --name=false).
struct OptionSpec {
  std::vector<std::string> valued;
  std::vector<std::string> switches;
};

/// Splits argv from index `first`. An option `spec` does not list, a valued option with no
/// value, or an option given twice fails with an Error naming it and the nearest known one.
Result<Args> parseArgs(int argc, char** argv, int first, const OptionSpec& spec);

}  // namespace gpumem::cli
