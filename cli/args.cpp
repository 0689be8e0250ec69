// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
#include "args.hpp"

#include <algorithm>

#include "gpumem/scenario.hpp"

namespace gpumem::cli {
namespace {

bool contains(const std::vector<std::string>& list, const std::string& name) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

Error unknownOption(const std::string& key, const OptionSpec& spec) {
  std::vector<std::string> known = spec.valued;
  known.insert(known.end(), spec.switches.begin(), spec.switches.end());
  const std::string near = nearestName(key, known);
  return makeError(ErrorCode::kInvalidArgument, "--" + key,
                   "not an option of this command" +
                       (near.empty() ? std::string() : "; did you mean --" + near + "?") +
                       " (gpumem help lists the options)");
}

/// The words a switch takes as its value when written apart: --fit off, --flash-attn on.
bool isSwitchWord(const std::string& word) {
  for (const char* w : {"on", "off", "true", "false", "yes", "no"}) {
    if (word == w) return true;
  }
  return false;
}

}  // namespace

bool Args::hasFlag(const std::string& name) const { return contains(flags, name); }

std::optional<std::string> Args::get(const std::string& name) const {
  const auto it = options.find(name);
  if (it == options.end()) return std::nullopt;
  return it->second;
}

std::string Args::getOr(const std::string& name, const std::string& fallback) const {
  return get(name).value_or(fallback);
}

Result<Args> parseArgs(int argc, char** argv, int first, const OptionSpec& spec) {
  Args args;
  for (int i = first; i < argc; ++i) {
    const std::string word = argv[i];
    if (!word.starts_with("--")) {
      args.positional.push_back(word);
      continue;
    }
    std::string key = word.substr(2);
    std::optional<std::string> value;
    if (const auto eq = key.find('='); eq != std::string::npos) {
      value = key.substr(eq + 1);
      key = key.substr(0, eq);
    }
    const bool isSwitch = contains(spec.switches, key);
    if (!isSwitch && !contains(spec.valued, key)) return unknownOption(key, spec);
    if (args.options.count(key) || args.hasFlag(key)) {
      return makeError(ErrorCode::kInvalidArgument, "--" + key, "--" + key + " is given twice.");
    }
    if (isSwitch) {
      // A switch also takes its value as the next word, as llama.cpp writes them: --fit off.
      if (!value && i + 1 < argc && isSwitchWord(argv[i + 1])) value = argv[++i];
      if (value) {
        args.options[key] = *value;
      } else {
        args.flags.push_back(key);
      }
      continue;
    }
    if (!value) {
      if (i + 1 >= argc) {
        return makeError(ErrorCode::kInvalidArgument, "--" + key, "--" + key + " needs a value.");
      }
      value = argv[++i];
    }
    args.options[key] = *value;
  }
  return args;
}

}  // namespace gpumem::cli
