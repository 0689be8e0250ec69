// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
#include "gpumem/breakdown.hpp"

#include <cmath>

#include "gpumem/format.hpp"

namespace gpumem {
namespace {

/// A factor as the formula prints it: whole counts in full up to ten million, larger ones
/// short (8.03B); bytes in B below 10,000, else in MB/GB.
std::string factorText(double value, const std::string& unit) {
  std::string number;
  const bool bytes = unit == "B" || unit.rfind("B ", 0) == 0;  // "B", "B per token", …
  if (bytes && std::fabs(value) >= 1e7) return formatBytes(value) + unit.substr(1);
  if (bytes && std::fabs(value) >= 1e4) return formatNumber(value / 1e3, 1) + " K" + unit;
  if (value == std::floor(value) && std::fabs(value) < 1e7) {
    number = formatNumber(value, 0);
  } else if (std::fabs(value) >= 1e4) {
    number = formatCount(value);
  } else {
    number = formatNumber(value, 4);
  }
  return unit.empty() ? number : number + " " + unit;
}

}  // namespace

double Term::product() const {
  double p = 1;
  for (const Factor& f : factors) p *= f.value;
  return p;
}

Component makeComponent(std::string name, std::string label, std::vector<Term> terms,
                        std::string note) {
  Component c{std::move(name), std::move(label), 0, std::move(terms), std::move(note)};
  for (const Term& t : c.terms) c.bytes += t.product();
  return c;
}

void scaleComponent(Component& c, const Factor& factor) {
  c.bytes = 0;
  for (Term& t : c.terms) {
    t.factors.push_back(factor);
    c.bytes += t.product();
  }
}

std::string formulaText(const Component& c) {
  std::string text;
  for (const Term& t : c.terms) {
    const bool negative = t.product() < 0;
    if (!text.empty())
      text += negative ? " − " : " + ";
    else if (negative)
      text += "−";
    std::string product;
    for (const Factor& f : t.factors) {
      if (f.unit.empty() && std::fabs(f.value) == 1) continue;  // a sign
      if (!product.empty()) product += " × ";
      product += factorText(negative ? std::fabs(f.value) : f.value, f.unit);
    }
    if (product.empty()) product = "1";
    text += t.label.empty() ? product : t.label + " " + product;
  }
  if (c.terms.empty()) text = "0 B";
  if (!c.note.empty()) text += "; " + c.note;
  return text;
}

double sumComponents(const std::vector<Component>& components) {
  double total = 0;
  for (const Component& c : components) total += c.bytes;
  return total;
}

}  // namespace gpumem
