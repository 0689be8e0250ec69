// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
#include "args.hpp"

#include <algorithm>

namespace gpumem::cli {

bool Args::hasFlag(const std::string& name) const {
  return std::find(flags.begin(), flags.end(), name) != flags.end();
}

std::optional<std::string> Args::get(const std::string& name) const {
  const auto it = options.find(name);
  if (it == options.end()) return std::nullopt;
  return it->second;
}

std::string Args::getOr(const std::string& name, const std::string& fallback) const {
  return get(name).value_or(fallback);
}

Args parseArgs(int argc, char** argv, int first, const std::vector<std::string>& flagNames) {
  Args args;
  for (int i = first; i < argc; ++i) {
    const std::string word = argv[i];
    if (!word.starts_with("--")) {
      args.positional.push_back(word);
      continue;
    }
    std::string key = word.substr(2);
    if (const auto eq = key.find('='); eq != std::string::npos) {
      args.options[key.substr(0, eq)] = key.substr(eq + 1);
    } else if (std::find(flagNames.begin(), flagNames.end(), key) != flagNames.end() ||
               i + 1 >= argc) {
      args.flags.push_back(key);
    } else {
      args.options[key] = argv[++i];
    }
  }
  return args;
}

}  // namespace gpumem::cli
