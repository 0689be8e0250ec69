// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
#include "gpumem/calibration_case.hpp"

#include <nlohmann/json.hpp>

namespace gpumem {
namespace {

using Json = nlohmann::json;

double numberOr(const Json& object, const char* key, double fallback) {
  const auto it = object.find(key);
  return it != object.end() && it->is_number() ? it->get<double>() : fallback;
}

std::string stringOr(const Json& object, const char* key, const std::string& fallback) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get_ref<const std::string&>() : fallback;
}

bool boolOr(const Json& object, const char* key, bool fallback) {
  const auto it = object.find(key);
  return it != object.end() && it->is_boolean() ? it->get<bool>() : fallback;
}

Error lineError(std::size_t line, const std::string& what) {
  return makeError(ErrorCode::kParseError, "calibration",
                   "Line " + std::to_string(line) + " of the calibration file " + what + ".");
}

CalibrationCase readCase(const Json& record) {
  const Json& c = record["case"];
  CalibrationCase out;
  out.kind = stringOr(c, "kind", "");
  out.model = stringOr(c, "model", "");
  out.dtype = stringOr(c, "dtype", "bf16");
  out.batch = static_cast<std::int64_t>(numberOr(c, "batch", 1));
  out.seq = static_cast<std::int64_t>(numberOr(c, "seq", 0));
  out.newTokens = static_cast<std::int64_t>(numberOr(c, "new", 16));
  out.attn = stringOr(c, "attn", "sdpa");
  out.mode = stringOr(c, "mode", "");
  out.gradientCheckpointing = boolOr(c, "ckpt", false);
  out.optimizer = stringOr(c, "optim", "adamw");
  out.loraRank = static_cast<std::int64_t>(numberOr(c, "rank", 16));
  const auto targets = c.find("targets");
  if (targets != c.end() && targets->is_array()) {
    for (const Json& t : *targets) {
      if (t.is_string()) out.loraTargets.push_back(t.get<std::string>());
    }
  }
  out.caseJson = c.dump(-1, ' ', false, Json::error_handler_t::replace);
  const auto result = record.find("result");
  if (result != record.end() && result->is_object()) {
    out.ran = true;
    out.measuredBytes = numberOr(*result, "device_used_after", 0);
  }
  out.outOfMemory = record.contains("oom");
  out.note = stringOr(record, "note", "");
  return out;
}

}  // namespace

Result<CalibrationSet> parseCalibrationSet(std::string_view jsonlText) {
  CalibrationSet set;
  std::size_t lineNumber = 0;
  std::size_t start = 0;
  while (start < jsonlText.size()) {
    std::size_t end = jsonlText.find('\n', start);
    if (end == std::string_view::npos) end = jsonlText.size();
    const std::string_view line = jsonlText.substr(start, end - start);
    start = end + 1;
    ++lineNumber;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    const Json record = Json::parse(line, nullptr, false);
    if (record.is_discarded() || !record.is_object()) {
      return lineError(lineNumber, "is not a JSON object");
    }
    const auto env = record.find("env");
    if (env != record.end() && env->is_object()) {
      set.env.gpu = stringOr(*env, "gpu", "");
      set.env.totalBytes = numberOr(*env, "total", 0);
      set.env.contextBytes = numberOr(*env, "context_used", 0);
      continue;
    }
    const auto kase = record.find("case");
    if (kase == record.end() || !kase->is_object()) continue;  // other records: ignored
    CalibrationCase c = readCase(record);
    if (c.kind.empty() || c.model.empty()) return lineError(lineNumber, "lacks kind or model");
    set.cases.push_back(std::move(c));
  }
  return set;
}

std::string describeCase(const CalibrationCase& c) {
  std::string text = (c.kind == "infer" ? c.dtype : c.mode) + " b=" + std::to_string(c.batch) +
                     " s=" + std::to_string(c.seq);
  if (c.kind == "infer") {
    text += " +" + std::to_string(c.newTokens) + " " + c.attn;
  } else {
    if (c.gradientCheckpointing) text += " ckpt";
    if (c.optimizer != "adamw") text += " " + c.optimizer;
    if (c.mode == "lora") text += " r=" + std::to_string(c.loraRank);
  }
  return text;
}

}  // namespace gpumem
