// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// Bounds-checked little-endian reads over an untrusted byte span (private to core/src).
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <string>

namespace gpumem {

/// Reads little-endian integers and length-prefixed strings; every read checks the
/// bytes left first, and a failed read leaves `ok()` false for good.
class ByteReader {
 public:
  explicit ByteReader(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}

  bool ok() const { return ok_; }
  std::uint64_t offset() const { return offset_; }
  std::uint64_t remaining() const { return bytes_.size() - offset_; }

  template <class T>
  T read() {
    T value{};
    if (!take(sizeof value)) return value;
    std::memcpy(&value, bytes_.data() + offset_ - sizeof value, sizeof value);
    return value;  // GGUF and safetensors are little-endian, as are x86 and wasm
  }

  /// A u64-length-prefixed string of at most `maxLength` bytes.
  std::string readString(std::uint64_t maxLength) {
    const auto length = read<std::uint64_t>();
    if (!ok_ || length > maxLength || !take(length)) {
      ok_ = false;
      return {};
    }
    return std::string(reinterpret_cast<const char*>(bytes_.data() + offset_ - length), length);
  }

  /// Skips `count` bytes.
  void skip(std::uint64_t count) { take(count); }

 private:
  bool take(std::uint64_t count) {
    if (!ok_ || count > remaining()) {
      ok_ = false;
      return false;
    }
    offset_ += count;
    return true;
  }

  std::span<const std::uint8_t> bytes_;
  std::uint64_t offset_ = 0;
  bool ok_ = true;
};

}  // namespace gpumem
