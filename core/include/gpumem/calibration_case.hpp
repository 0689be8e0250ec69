// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// The calibration-set file format: a JSON-lines file whose first line describes the
// machine ({"env": {...}}) and whose other lines are measured cases.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "gpumem/result.hpp"

namespace gpumem {

/// The machine the cases were measured on.
struct CalibrationEnv {
  std::string gpu;          ///< e.g. "NVIDIA H100 80GB HBM3"
  double totalBytes = 0;    ///< memory the runtime reports as total
  double contextBytes = 0;  ///< bytes in use after CUDA initialisation (context_used)
};

/// One measured case (fields of `case`, plus what was measured).
struct CalibrationCase {
  std::string kind;   ///< "infer" or "train"
  std::string model;  ///< name of a config in the configs folder
  std::string dtype;  ///< infer: fp32, fp16, bf16
  std::int64_t batch = 1;
  std::int64_t seq = 0;         ///< infer: prompt tokens; train: tokens per sequence
  std::int64_t newTokens = 16;  ///< infer: generated tokens
  std::string attn = "sdpa";    ///< infer: sdpa or eager
  std::string mode;             ///< train: mixed, bf16, fp32, lora
  bool gradientCheckpointing = false;
  std::string optimizer = "adamw";  ///< train: adamw, adamw-fused, sgd
  std::int64_t loraRank = 16;
  std::vector<std::string> loraTargets;  ///< empty: all linear layers
  bool ran = false;                      ///< a result was recorded
  bool outOfMemory = false;              ///< the run hit CUDA OOM
  double measuredBytes = 0;              ///< result.device_used_after (nvidia-smi's view)
  std::string note;                      ///< non-empty: excluded from scoring, and why
  std::string caseJson;                  ///< the `case` object as text, for extensions
};

struct CalibrationSet {
  CalibrationEnv env;
  std::vector<CalibrationCase> cases;
};

/// Parses the text of a calibration file. Blank lines are skipped; a line that is not a
/// JSON object, or a case without kind/model, fails with field "calibration" naming the line.
Result<CalibrationSet> parseCalibrationSet(std::string_view jsonlText);

/// A short description of a case for reports, e.g. "bf16 b=8 s=2048 +16 sdpa".
std::string describeCase(const CalibrationCase& c);

}  // namespace gpumem
