// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
#pragma once

#include <string_view>

namespace gpumem {

/// gpumem's version, written once in CMakeLists.txt's project(VERSION).
std::string_view version();

}  // namespace gpumem
