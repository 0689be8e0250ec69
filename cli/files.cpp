// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
#include "files.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <vector>

namespace gpumem::cli {
namespace {

/// The size of a regular file, or an Error naming `option`.
Result<std::uint64_t> regularFileSize(const std::string& path, const std::string& option) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) {
    return makeError(ErrorCode::kInvalidArgument, option, "Cannot find " + path + ".");
  }
  if (!std::filesystem::is_regular_file(status)) {
    return makeError(ErrorCode::kInvalidArgument, option,
                     path + " is not a regular file (streams and devices are not read).");
  }
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return makeError(ErrorCode::kInvalidArgument, option, "Cannot read " + path + ".");
  return static_cast<std::uint64_t>(size);
}

Result<std::vector<std::uint8_t>> readPrefix(const std::string& path, std::uint64_t bytes) {
  std::ifstream in(path, std::ios::binary);
  std::vector<std::uint8_t> out(bytes);
  if (!in || !in.read(reinterpret_cast<char*>(out.data()), static_cast<std::streamsize>(bytes))) {
    return makeError(ErrorCode::kInvalidArgument, "file", "Cannot read " + path + ".");
  }
  return out;
}

}  // namespace

Result<std::string> readSmallFile(const std::string& path, std::uint64_t maxBytes,
                                  const std::string& option) {
  const auto size = regularFileSize(path, option);
  if (!size) return size.error();
  if (*size > maxBytes) {
    return makeError(ErrorCode::kOutOfRange, option,
                     path + " is " + std::to_string(*size) + " bytes; at most " +
                         std::to_string(maxBytes) + " are read.");
  }
  const auto bytes = readPrefix(path, *size);
  if (!bytes) return makeError(ErrorCode::kInvalidArgument, option, bytes.error().message);
  return std::string(bytes->begin(), bytes->end());
}

Result<ModelFile> readModelFileHeader(const std::string& path) {
  const auto size = regularFileSize(path, "file");
  if (!size) return size.error();
  const std::string name = std::filesystem::path(path).filename().string();
  if (name.ends_with(".json")) {
    const auto text = readSmallFile(path, 4 * kMaxConfigBytes, "file");
    if (!text) return text.error();
    const auto* data = reinterpret_cast<const std::uint8_t*>(text->data());
    return readModelFile(name, std::span<const std::uint8_t>(data, text->size()), *size);
  }
  std::uint64_t length = std::min<std::uint64_t>(*size, 1u << 20);
  for (;;) {
    const auto prefix = readPrefix(path, length);
    if (!prefix) return prefix.error();
    auto model = readModelFile(name, *prefix, *size);
    if (model || model.error().code != ErrorCode::kNeedMoreData || length >= *size) return model;
    if (length >= kMaxHeaderBytes) {
      return makeError(ErrorCode::kOutOfRange, "file",
                       "The header of " + name + " is larger than 64 MiB; gpumem stops there.");
    }
    length = std::min<std::uint64_t>({*size, length * 4, kMaxHeaderBytes});
  }
}

}  // namespace gpumem::cli
