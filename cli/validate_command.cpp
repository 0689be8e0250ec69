// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// `gpumem validate FILE.jsonl --configs DIR`: scores the estimators on a calibration file.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>

#include "args.hpp"
#include "commands.hpp"
#include "gpumem/calibration_case.hpp"
#include "gpumem/validation.hpp"
#include "output.hpp"

namespace gpumem::cli {
namespace {

bool readText(const std::filesystem::path& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::stringstream text;
  text << in.rdbuf();
  out = text.str();
  return true;
}

/// Every DIR/<model>.json, keyed by <model>.
std::map<std::string, std::string> readConfigs(const std::filesystem::path& dir) {
  std::map<std::string, std::string> configs;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() != ".json") continue;
    std::string text;
    if (readText(entry.path(), text)) configs[entry.path().stem().string()] = text;
  }
  return configs;
}

void printCase(const CaseScore& s) {
  if (!s.predicted) {
    std::printf("%-18s %-28s skipped: %s\n", s.model.c_str(), s.description.c_str(),
                s.reason.c_str());
    return;
  }
  const std::string measured =
      s.outOfMemory ? std::string("OOM") : std::to_string(s.measuredBytes / 1e9).substr(0, 7);
  std::printf("%-18s %-28s predicted=%8.3f GB measured=%8s GB error=%+6.2f%%%s\n", s.model.c_str(),
              s.description.c_str(), s.predictedBytes / 1e9, measured.c_str(), s.errorPercent,
              s.fitCorrect ? "" : "  fit verdict wrong");
}

}  // namespace

int runValidate(int argc, char** argv) {
  const auto parsed = parseArgs(argc, argv, 2, OptionSpec{{"configs"}, {"json"}});
  if (!parsed) return reportError(parsed.error(), false);
  const Args& args = *parsed;
  const bool json = args.hasFlag("json");
  if (args.positional.empty()) {
    return reportError(makeError(ErrorCode::kInvalidArgument, "file",
                                 "usage: gpumem validate FILE.jsonl --configs DIR"),
                       json);
  }
  const std::filesystem::path file = args.positional.front();
  std::string text;
  if (!readText(file, text)) {
    return reportError(
        makeError(ErrorCode::kInvalidArgument, "file", "Cannot read " + file.string() + "."), json);
  }
  const std::filesystem::path configsDir =
      args.getOr("configs", (file.parent_path() / "calibration-configs").string());
  const auto set = parseCalibrationSet(text);
  if (!set) return reportError(set.error(), json);
  const ValidationReport report = validateCalibration(*set, readConfigs(configsDir));
  for (const CaseScore& s : report.cases) printCase(s);
  std::cout << report.summaryLine() << "\n";
  return 0;
}

}  // namespace gpumem::cli
