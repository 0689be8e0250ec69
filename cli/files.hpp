// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// Reading the files the CLI is given, size-capped before anything is read: a stream or an
// oversized file is refused with a message, never read forever.
#pragma once

#include <cstdint>
#include <string>

#include "gpumem/model_file.hpp"
#include "gpumem/result.hpp"

namespace gpumem::cli {

/// The largest config.json the CLI reads.
inline constexpr std::uint64_t kMaxConfigBytes = 4u << 20;
/// The most of a model file's start the CLI reads to find its header.
inline constexpr std::uint64_t kMaxHeaderBytes = 64u << 20;

/// The text of a regular file of at most `maxBytes`; fails naming `option` otherwise.
Result<std::string> readSmallFile(const std::string& path, std::uint64_t maxBytes,
                                  const std::string& option);

/// The model of a .gguf, .safetensors or .safetensors.index.json, from its header only.
Result<ModelFile> readModelFileHeader(const std::string& path);

}  // namespace gpumem::cli
