// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
#include "gpumem/scenario_link.hpp"

#include "text.hpp"

namespace gpumem {
namespace {

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
      if (hi < 0 || lo < 0) {
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

void percentEncode(std::string& out, std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (const unsigned char c : value) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '.' || c == '_' || c == '~' || c == '-';
    if (plain) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
}

bool safeText(std::string_view value) {
  for (const char c : value) {
    if (c < ' ' || c > '~' || c == '<' || c == '>' || c == '"' || c == '\'' || c == '`')
      return false;
  }
  return true;
}

}  // namespace

Result<ScenarioLink> decodeScenarioLink(std::string_view fragment);

namespace {

/// Handles the keys that are not scenario fields: the version, the comparison, the widget.
Result<bool> readSpecialKey(const std::string& key, const std::string& value, ScenarioLink& link) {
  if (key == "v") {
    if (value != "1") {
      return makeError(ErrorCode::kInvalidArgument, "version", "Only version 1 links exist.");
    }
    return true;
  }
  if (key == "embed") {
    if (value != "0" && value != "1") {
      return makeError(ErrorCode::kInvalidArgument, "embed", "embed in the link must be 0 or 1.");
    }
    link.embed = value == "1";
    return true;
  }
  if (key == "cmp") {
    std::size_t start = 0;
    while (start <= value.size() && link.compare.size() < kMaxCompared) {
      const std::size_t bar = value.find('|', start);
      const std::string piece =
          value.substr(start, bar == std::string::npos ? std::string::npos : bar - start);
      if (!piece.empty()) {
        // Each compared scenario is a link of its own, checked now, without comparisons.
        const auto compared = decodeScenarioLink(piece);
        if (!compared || !compared->compare.empty() || !compared->ignored.empty()) {
          return makeError(ErrorCode::kInvalidArgument, "compare",
                           "A compared scenario in the link is not valid" +
                               (compared ? std::string(".") : ": " + compared.error().message));
        }
        link.compare.push_back(piece);
      }
      if (bar == std::string::npos) break;
      start = bar + 1;
    }
    return true;
  }
  return false;
}

}  // namespace

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
    const auto special = readSpecialKey(*key, *value, link);
    if (!special) return special.error();
    if (*special) continue;
    const FieldSpec* field = findFieldByLink(*key);
    if (!field) {
      if (link.ignored.size() < 16) link.ignored.push_back(key->substr(0, 32));
      continue;
    }
    if (!safeText(*value)) {
      return makeError(
          ErrorCode::kInvalidArgument, std::string(field->name),
          std::string(field->name) + " in the link has characters that are not allowed.");
    }
    const std::string name(field->name);
    if (link.values.count(name)) {
      return makeError(ErrorCode::kInvalidArgument, name, name + " is given twice in the link.");
    }
    link.values.emplace(name, std::move(value).value());
  }
  const auto checked = parseScenario(link.values, Strictness::kLenient);
  if (!checked) return checked.error();
  // Keep the canonical form of each value.
  for (auto& [name, value] : link.values) value = checked->text(name);
  return link;
}

std::string encodeScenarioLink(const Scenario& s, const std::vector<std::string>& compare) {
  std::string out = "v=1";
  for (const FieldSpec& f : scenarioSchema()) {
    if (f.link.empty() || !s.given(f.name) || s.text(f.name) == f.defaultValue) continue;
    out += '&';
    out += f.link;
    out += '=';
    percentEncode(out, s.text(f.name));
  }
  if (!compare.empty()) {
    std::string joined;
    for (const std::string& piece : compare) {
      if (!joined.empty()) joined += '|';
      joined += piece;
    }
    out += "&cmp=";
    percentEncode(out, joined);
  }
  return out;
}

bool linkLosesInput(const Scenario& s) {
  return !s.text("config").empty() || !s.text("file").empty();
}

}  // namespace gpumem
