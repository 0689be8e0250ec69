// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
#include "gpumem/scenario_link.hpp"

#include <cmath>
#include <cstdlib>

#include "gpumem/format.hpp"
#include "text.hpp"

namespace gpumem {
namespace {

using Kind = LinkValueKind;

constexpr LinkField kSchema[] = {
    {"v", "version", Kind::kInteger, 1, 1},
    {"task", "task", Kind::kToken, 0, 16},
    {"model", "model", Kind::kToken, 0, 80},
    {"params", "params", Kind::kText, 0, 32},
    {"prec", "precision", Kind::kToken, 0, 24},
    {"fmt", "format", Kind::kToken, 0, 24},
    {"kv", "kvDtype", Kind::kToken, 0, 16},
    {"ctx", "context", Kind::kInteger, 1, 10'000'000},
    {"gen", "generate", Kind::kInteger, 0, 10'000'000},
    {"batch", "batch", Kind::kInteger, 1, 100'000},
    {"engine", "engine", Kind::kToken, 0, 16},
    {"util", "gpuMemoryUtilization", Kind::kNumber, 0.05, 1},
    {"ngl", "nGpuLayers", Kind::kInteger, -1, 100'000},
    {"attn", "attention", Kind::kToken, 0, 16},
    {"gpu", "gpu", Kind::kToken, 0, 40},
    {"gpus", "gpuCount", Kind::kInteger, 1, 100'000},
    {"tp", "tensorParallel", Kind::kInteger, 1, 1024},
    {"pp", "pipelineParallel", Kind::kInteger, 1, 1024},
    {"ep", "expertParallel", Kind::kInteger, 1, 1024},
    {"ovh", "overhead", Kind::kNumber, 0, 1000},
    {"optim", "optimizer", Kind::kToken, 0, 24},
    {"recipe", "recipe", Kind::kToken, 0, 24},
    {"ckpt", "checkpointing", Kind::kToken, 0, 16},
    {"zero", "sharding", Kind::kToken, 0, 16},
    {"off", "offload", Kind::kToken, 0, 16},
    {"ga", "gradAccum", Kind::kInteger, 1, 65'536},
    {"lt", "loraTargets", Kind::kText, 0, 120},
    {"te", "trainEmbeddings", Kind::kFlag, 0, 1},
    {"cp", "contextParallel", Kind::kInteger, 1, 1024},
    {"sp", "sequenceParallel", Kind::kFlag, 0, 1},
    {"rank", "loraRank", Kind::kInteger, 1, 4096},
    {"mb", "microBatch", Kind::kInteger, 1, 100'000},
    {"seq", "sequenceLength", Kind::kInteger, 1, 10'000'000},
    {"act", "activationMBPerSample", Kind::kNumber, 0, 1e7},
    {"unit", "units", Kind::kToken, 0, 4},
    {"cmp", "compare", Kind::kText, 0, 1024},
    {"embed", "embed", Kind::kFlag, 0, 1},
};

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// Percent-decodes `s` ('+' is a space). Fails on a broken escape.
Result<std::string> percentDecode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%') {
      const int hi = i + 2 < s.size() ? hexValue(s[i + 1]) : -1;
      const int lo = i + 2 < s.size() ? hexValue(s[i + 2]) : -1;
      if (i + 2 >= s.size() || hi < 0 || lo < 0) {
        return makeError(ErrorCode::kParseError, "link", "The link has a broken %-escape.");
      }
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

const LinkField* findField(std::string_view key) {
  for (const LinkField& f : kSchema) {
    if (f.key == key) return &f;
  }
  return nullptr;
}

Error badValue(const LinkField& f, const std::string& why) {
  return makeError(ErrorCode::kInvalidArgument, std::string(f.field),
                   "The link's value for " + std::string(f.field) + " " + why);
}

bool isTokenChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

bool isSafeTextChar(char c) {
  return c >= ' ' && c <= '~' && c != '<' && c != '>' && c != '"' && c != '\'' && c != '`';
}

/// Checks `value` against `f`; returns it in canonical form.
Result<std::string> validateValue(const LinkField& f, const std::string& value) {
  if (value.empty()) return badValue(f, "is empty.");
  switch (f.kind) {
    case Kind::kToken:
    case Kind::kText: {
      if (value.size() > f.max) return badValue(f, "is too long.");
      for (char c : value) {
        if (f.kind == Kind::kToken ? !isTokenChar(c) : !isSafeTextChar(c)) {
          return badValue(f, "has characters that are not allowed.");
        }
      }
      return value;
    }
    case Kind::kFlag:
      if (value != "0" && value != "1") return badValue(f, "must be 0 or 1.");
      return value;
    case Kind::kInteger:
    case Kind::kNumber: {
      const auto parsed = text::parseDecimal(value);
      if (!parsed) return badValue(f, "is not a number.");
      const double number = *parsed;
      if (f.kind == Kind::kInteger && number != std::floor(number)) {
        return badValue(f, "must be a whole number.");
      }
      if (number < f.min || number > f.max) {
        return badValue(
            f, "must be between " + formatNumber(f.min) + " and " + formatNumber(f.max) + ".");
      }
      return formatNumber(number, 6);
    }
  }
  return value;
}

}  // namespace

std::span<const LinkField> scenarioLinkSchema() { return kSchema; }

Result<ScenarioLink> decodeScenarioLink(std::string_view fragment) {
  if (fragment.size() > kMaxLinkLength) {
    return makeError(ErrorCode::kOutOfRange, "link", "The link is too long to be a gpumem link.");
  }
  if (!fragment.empty() && (fragment.front() == '#' || fragment.front() == '?')) {
    fragment.remove_prefix(1);
  }
  ScenarioLink link;
  while (!fragment.empty()) {
    const std::size_t amp = fragment.find('&');
    const std::string_view pair = fragment.substr(0, amp);
    fragment = amp == std::string_view::npos ? std::string_view{} : fragment.substr(amp + 1);
    if (pair.empty()) continue;
    const std::size_t eq = pair.find('=');
    auto key = percentDecode(pair.substr(0, eq));
    auto value = percentDecode(eq == std::string_view::npos ? "" : pair.substr(eq + 1));
    if (!key) return key.error();
    if (!value) return value.error();
    const LinkField* field = findField(*key);
    if (!field) {
      if (link.ignored.size() < 16) link.ignored.push_back(key->substr(0, 32));
      continue;
    }
    auto checked = validateValue(*field, *value);
    if (!checked) return checked.error();
    for (auto& [k, v] : link.values) {
      if (k == *key) return badValue(*field, "is given twice.");
    }
    link.values.emplace_back(std::move(key).value(), std::move(checked).value());
  }
  return link;
}

std::string encodeScenarioLink(std::span<const std::pair<std::string, std::string>> values) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const auto& [key, value] : values) {
    if (!out.empty()) out += '&';
    out += key;
    out += '=';
    for (const unsigned char c : value) {
      const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                         (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '~' || c == '-';
      if (plain) {
        out += static_cast<char>(c);
      } else {
        out += '%';
        out += kHex[c >> 4];
        out += kHex[c & 15];
      }
    }
  }
  return out;
}

}  // namespace gpumem
