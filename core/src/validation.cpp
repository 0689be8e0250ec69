// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
#include "gpumem/validation.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "gpumem/calibration_prediction.hpp"
#include "gpumem/model_config.hpp"

namespace gpumem {
namespace {

ErrorSummary summarize(std::vector<double> absErrors) {
  ErrorSummary s;
  s.count = absErrors.size();
  std::sort(absErrors.begin(), absErrors.end());
  const std::size_t n = absErrors.size();
  s.medianAbsPercent =
      n % 2 == 1 ? absErrors[n / 2] : (absErrors[n / 2 - 1] + absErrors[n / 2]) / 2;
  s.maxAbsPercent = absErrors.back();
  return s;
}

std::string percent(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f%%", value);
  return text;
}

CaseScore scoreCase(const CalibrationCase& c, const CalibrationEnv& env,
                    const std::map<std::string, std::string>& configs) {
  CaseScore score;
  score.model = c.model;
  score.kind = c.kind;
  score.description = describeCase(c);
  score.measuredBytes = c.measuredBytes;
  score.outOfMemory = c.outOfMemory;
  const auto config = configs.find(c.model);
  if (config == configs.end()) {
    score.reason = "no config for model " + c.model;
    return score;
  }
  const auto arch = parseModelConfig(config->second);
  if (!arch) {
    score.reason = arch.error().message;
    return score;
  }
  const auto predicted =
      c.kind == "infer" ? predictInferenceCase(c, *arch, env) : predictTrainingCase(c, *arch, env);
  if (!predicted) {
    score.reason = predicted.error().message;
    return score;
  }
  score.predicted = true;
  score.predictedBytes = *predicted;
  if (c.ran && c.measuredBytes > 0) {
    score.errorPercent = (score.predictedBytes - c.measuredBytes) / c.measuredBytes * 100;
  }
  score.fitCorrect = (score.predictedBytes <= env.totalBytes) == c.ran;
  return score;
}

}  // namespace

ValidationReport validateCalibration(const CalibrationSet& set,
                                     const std::map<std::string, std::string>& configs) {
  ValidationReport report;
  std::vector<double> inferErrors;
  std::vector<double> trainErrors;
  for (const CalibrationCase& c : set.cases) {
    if (!c.note.empty() || (!c.ran && !c.outOfMemory)) continue;
    CaseScore score = scoreCase(c, set.env, configs);
    if (score.predicted) {
      ++report.fitTotal;
      report.fitCorrect += score.fitCorrect ? 1 : 0;
      if (c.ran) {
        (c.kind == "infer" ? inferErrors : trainErrors).push_back(std::fabs(score.errorPercent));
      }
    }
    report.cases.push_back(std::move(score));
  }
  if (!inferErrors.empty()) report.infer = summarize(inferErrors);
  if (!trainErrors.empty()) report.train = summarize(trainErrors);
  return report;
}

std::string ValidationReport::summaryLine() const {
  const auto field = [](const std::optional<ErrorSummary>& s, bool median) {
    if (!s) return std::string("n/a");
    return percent(median ? s->medianAbsPercent : s->maxAbsPercent);
  };
  return "validate: cases=" + std::to_string(cases.size()) + " infer_median=" + field(infer, true) +
         " infer_max=" + field(infer, false) + " train_median=" + field(train, true) +
         " train_max=" + field(train, false) + " fit_correct=" + std::to_string(fitCorrect) + "/" +
         std::to_string(fitTotal);
}

}  // namespace gpumem
