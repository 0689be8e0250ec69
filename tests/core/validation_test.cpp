// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// The issue's targets, scored over the calibration set the way `gpumem validate` does.
#include "gpumem/validation.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "gpumem/runtime_overhead.hpp"

namespace gpumem {
namespace {

std::string readFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

ValidationReport scoreCalibrationSet(const char* file = "calibration.jsonl") {
  const std::filesystem::path data = GPUMEM_TEST_DATA_DIR;
  std::map<std::string, std::string> configs;
  for (const auto& entry : std::filesystem::directory_iterator(data / "calibration-configs")) {
    configs[entry.path().stem().string()] = readFile(entry.path());
  }
  const auto set = parseCalibrationSet(readFile(data / file));
  EXPECT_TRUE(set.ok());
  if (!set) return {};
  return validateCalibration(*set, configs);
}

TEST(Validation, InferenceMeetsTheIssueTargets) {
  const ValidationReport report = scoreCalibrationSet();
  ASSERT_TRUE(report.infer.has_value());
  EXPECT_GE(report.infer->count, 39u);  // every inference case without a note
  // Issue 13: median |error| ≤ 2%, max ≤ 8%.
  EXPECT_LE(report.infer->medianAbsPercent, 2.0);
  EXPECT_LE(report.infer->maxAbsPercent, 8.0);
}

TEST(Validation, TrainingMeetsTheIssueTargets) {
  // Issue 13: median |error| ≤ 3%, max ≤ 10% against device_used_after (issue 4 asked 5%
  // and 15%), and the measured out-of-memory case (Llama 3.1 8B, mixed precision, AdamW)
  // predicted not to fit.
  const ValidationReport report = scoreCalibrationSet();
  ASSERT_TRUE(report.train.has_value());
  EXPECT_GE(report.train->count, 29u);  // every training case that ran
  EXPECT_LE(report.train->medianAbsPercent, 3.0);
  EXPECT_LE(report.train->maxAbsPercent, 10.0);
  bool sawOom = false;
  for (const CaseScore& score : report.cases) {
    if (score.kind != "train" || !score.outOfMemory) continue;
    sawOom = true;
    EXPECT_TRUE(score.predicted);
    EXPECT_GT(score.predictedBytes, 85017493504.0) << score.description;
  }
  EXPECT_TRUE(sawOom);
}

TEST(Validation, NoRunIsMissedByMoreThanTheErrorABorderlineVerdictNames) {
  // The page calls a fit borderline within kInference/kTrainingMeasuredErrorShare of the
  // total: the largest miss over both calibration files must not pass them.
  for (const char* file : {"calibration.jsonl", "calibration-2.jsonl"}) {
    const ValidationReport report = scoreCalibrationSet(file);
    ASSERT_TRUE(report.infer.has_value() && report.train.has_value()) << file;
    EXPECT_LE(report.infer->maxAbsPercent, kInferenceMeasuredErrorShare * 100) << file;
    EXPECT_LE(report.train->maxAbsPercent, kTrainingMeasuredErrorShare * 100) << file;
  }
}

TEST(Validation, EveryFitVerdictIsRight) {
  const ValidationReport report = scoreCalibrationSet();
  EXPECT_GT(report.fitTotal, 0u);
  EXPECT_EQ(report.fitCorrect, report.fitTotal);
}

TEST(Validation, CasesWithANoteAreExcluded) {
  const auto set = parseCalibrationSet(
      "{\"env\": {\"total\": 1e11, \"context_used\": 6e8}}\n"
      "{\"case\": {\"kind\": \"infer\", \"model\": \"m\", \"dtype\": \"bf16\", \"batch\": 1, "
      "\"seq\": 8}, \"result\": {\"device_used_after\": 1e9}, \"note\": \"bad reading\"}\n");
  ASSERT_TRUE(set.ok());
  ASSERT_EQ(set->cases.size(), 1u);
  const ValidationReport report = validateCalibration(*set, {});
  EXPECT_TRUE(report.cases.empty());
  EXPECT_EQ(report.summaryLine(),
            "validate: cases=0 infer_median=n/a infer_max=n/a train_median=n/a train_max=n/a "
            "fit_correct=0/0");
}

TEST(Validation, ErrorIsRelativeToTheMeasuredBytes) {
  // A 1-layer toy model; whatever it predicts, the error must be (p − m) / m.
  const auto set = parseCalibrationSet(
      "{\"env\": {\"total\": 8e10, \"context_used\": 6.5e8}}\n"
      "{\"case\": {\"kind\": \"infer\", \"model\": \"toy\", \"dtype\": \"bf16\", \"batch\": 1, "
      "\"seq\": 16}, \"result\": {\"device_used_after\": 1e9}}\n");
  ASSERT_TRUE(set.ok());
  const ValidationReport report = validateCalibration(
      *set, {{"toy", R"({"model_type":"llama","hidden_size":64,"intermediate_size":128,
                         "num_hidden_layers":1,"num_attention_heads":4,"vocab_size":100})"}});
  ASSERT_EQ(report.cases.size(), 1u);
  const CaseScore& s = report.cases.front();
  ASSERT_TRUE(s.predicted) << s.reason;
  EXPECT_NEAR(s.errorPercent, (s.predictedBytes - 1e9) / 1e9 * 100, 1e-9);
  EXPECT_TRUE(s.fitCorrect);
}

TEST(Validation, TheSecondSetsVerdictsAndTrainingStayWithinTheTargets) {
  // calibration-2.jsonl (H200: Gemma 3, MLA, gpt-oss, Adafactor): every fit verdict right,
  // and issue 13's targets: training median ≤ 3%, max ≤ 10%; inference median ≤ 2%, max ≤ 8%.
  const ValidationReport report = scoreCalibrationSet("calibration-2.jsonl");
  ASSERT_TRUE(report.train.has_value());
  EXPECT_EQ(report.train->count, 11u);  // every case of the file
  EXPECT_LE(report.train->medianAbsPercent, 3.0);
  EXPECT_LE(report.train->maxAbsPercent, 10.0);
  ASSERT_TRUE(report.infer.has_value());
  EXPECT_EQ(report.infer->count, 8u);
  EXPECT_LE(report.infer->medianAbsPercent, 2.0);
  EXPECT_LE(report.infer->maxAbsPercent, 8.0);
  for (const CaseScore& score : report.cases) {
    EXPECT_TRUE(score.fitCorrect) << score.description;
  }
}

}  // namespace
}  // namespace gpumem
