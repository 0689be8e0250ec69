// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
#include "gpumem/version.hpp"

#ifndef GPUMEM_VERSION
#error "GPUMEM_VERSION comes from CMake's project(VERSION)"
#endif

namespace gpumem {

std::string_view version() { return GPUMEM_VERSION; }

}  // namespace gpumem
