// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// Command-line arguments: "--key value", "--key=value" and bare "--flag".
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace gpumem::cli {

struct Args {
  std::vector<std::string> positional;         ///< words that are not options
  std::map<std::string, std::string> options;  ///< "--key value" without the dashes
  std::vector<std::string> flags;              ///< "--flag" given alone

  bool hasFlag(const std::string& name) const;
  std::optional<std::string> get(const std::string& name) const;
  std::string getOr(const std::string& name, const std::string& fallback) const;
};

/// Splits argv (from index `first`). `flagNames` lists the options that take no value.
Args parseArgs(int argc, char** argv, int first, const std::vector<std::string>& flagNames);

}  // namespace gpumem::cli
