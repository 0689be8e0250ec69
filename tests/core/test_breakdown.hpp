// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// Reading one component of a breakdown, for the unit tests.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "gpumem/breakdown.hpp"

namespace gpumem::test {

/// The bytes of the component named `name`; a missing component fails the test.
inline double component(const Breakdown& breakdown, const std::string& name) {
  for (const Component& c : breakdown.components) {
    if (c.name == name) return c.bytes;
  }
  ADD_FAILURE() << "no component " << name;
  return 0;
}

/// Whether the breakdown has a component named `name`.
inline bool hasComponent(const Breakdown& breakdown, const std::string& name) {
  for (const Component& c : breakdown.components) {
    if (c.name == name) return true;
  }
  return false;
}

}  // namespace gpumem::test
