// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// Scores the estimators against a calibration set: per-case error and the summary line of
// `gpumem validate`. Pure: the caller reads the files and passes their text.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "gpumem/calibration_case.hpp"

namespace gpumem {

/// One case's prediction against its measurement.
struct CaseScore {
  std::string model;
  std::string kind;         ///< "infer" or "train"
  std::string description;  ///< describeCase()
  bool predicted = false;   ///< false: the estimator could not answer (see `reason`)
  std::string reason;
  double predictedBytes = 0;
  double measuredBytes = 0;  ///< 0 for OOM cases
  double errorPercent = 0;   ///< (predicted − measured) / measured × 100 (ran cases)
  bool outOfMemory = false;
  bool fitCorrect = false;  ///< (predicted ≤ env total) == (the case ran)
};

/// Summary statistics over |error| of one kind of case.
struct ErrorSummary {
  std::size_t count = 0;
  double medianAbsPercent = 0;
  double maxAbsPercent = 0;
};

struct ValidationReport {
  std::vector<CaseScore> cases;       ///< cases without a note, in file order
  std::optional<ErrorSummary> infer;  ///< empty when no inference case was predicted
  std::optional<ErrorSummary> train;
  std::size_t fitCorrect = 0;
  std::size_t fitTotal = 0;  ///< cases with a prediction

  /// "validate: cases=N infer_median=X% infer_max=Y% train_median=Z% train_max=W%
  /// fit_correct=A/B", with n/a where a kind has no prediction; percentages with 2 decimals.
  std::string summaryLine() const;
};

/// Runs every case of `set` that has no note through the estimators (the model's config
/// text looked up by name in `configs`) and scores it. Cases whose model has no config or
/// whose estimator fails are listed with predicted = false and not counted.
ValidationReport validateCalibration(const CalibrationSet& set,
                                     const std::map<std::string, std::string>& configs);

}  // namespace gpumem
