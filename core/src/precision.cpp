// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
#include "gpumem/precision.hpp"

#include <array>
#include <charconv>
#include <string>

#include "text.hpp"

namespace gpumem {
namespace {

const std::array<Precision, 10>& precisionTable() {
  static const std::array<Precision, 10> kTable = {{
      {"fp32", "FP32 (4 bytes)", 32},
      {"tf32", "TF32 (stored as 4 bytes)", 32},
      {"fp16", "FP16 (2 bytes)", 16},
      {"bf16", "BF16 (2 bytes)", 16},
      {"fp8_e4m3", "FP8 E4M3 (1 byte)", 8},
      {"fp8_e5m2", "FP8 E5M2 (1 byte)", 8},
      {"int8", "INT8 (1 byte)", 8},
      {"int4", "INT4 (half a byte)", 4},
      {"nf4", "NF4 (4 bits)", 4},
      {"fp4", "FP4 (4 bits)", 4},
  }};
  return kTable;
}

/// Reads "5bit", "5-bit", "5 bits", "bits5", "q5", "int5" as a width; 0 when not that shape.
int parseBitWidth(const std::string& s) {
  std::string_view digits = s;
  for (std::string_view prefix : {"bits", "int", "q"}) {
    if (digits.starts_with(prefix)) {
      digits.remove_prefix(prefix.size());
      break;
    }
  }
  for (std::string_view suffix : {"-bits", " bits", "bits", "-bit", " bit", "bit", "b"}) {
    if (digits.ends_with(suffix)) {
      digits.remove_suffix(suffix.size());
      break;
    }
  }
  int width = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), width);
  if (ec != std::errc() || end != digits.data() + digits.size()) return 0;
  return width;
}

}  // namespace

std::span<const Precision> namedPrecisions() { return precisionTable(); }

Result<Precision> parsePrecision(std::string_view input) {
  std::string s = text::lower(text::trim(input));
  if (s.empty()) return makeError(ErrorCode::kInvalidArgument, "precision", "Choose a precision.");
  for (char& c : s) {
    if (c == '-') c = '_';
  }
  if (s == "fp8" || s == "float8" || s == "e4m3") s = "fp8_e4m3";
  if (s == "e5m2") s = "fp8_e5m2";
  if (s == "float32") s = "fp32";
  if (s == "float16" || s == "half") s = "fp16";
  if (s == "bfloat16") s = "bf16";
  for (const Precision& p : precisionTable()) {
    if (p.id == s) return p;
  }
  std::string dashed = s;
  for (char& c : dashed) {
    if (c == '_') c = '-';
  }
  const int width = parseBitWidth(dashed);
  if (width >= 1 && width <= 32) {
    return Precision{"bits" + std::to_string(width), std::to_string(width) + "-bit", double(width)};
  }
  if (width != 0) {
    return makeError(ErrorCode::kOutOfRange, "precision",
                     "A bit width must be between 1 and 32; got " + std::to_string(width) + ".");
  }
  return makeError(ErrorCode::kInvalidArgument, "precision",
                   "Unknown precision " + text::quote(input) +
                       "; use fp32, tf32, fp16, bf16, fp8, int8, int4, nf4 or a width like 5bit.");
}

}  // namespace gpumem
