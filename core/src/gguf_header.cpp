// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
#include "gpumem/gguf_header.hpp"

#include <cmath>
#include <string>

#include "byte_reader.hpp"
#include "gpumem/format.hpp"
#include "gpumem/ggml_types.hpp"

namespace gpumem {
namespace {

// GGUF metadata value types (ggml docs/gguf.md, enum gguf_metadata_value_type).
enum GgufValueType : std::uint32_t {
  kU8 = 0,
  kI8,
  kU16,
  kI16,
  kU32,
  kI32,
  kF32,
  kBool,
  kString,
  kArray,
  kU64,
  kI64,
  kF64,
};

Error fileError(ErrorCode code, const std::string& message) {
  return makeError(code, "file", message);
}

/// Size in bytes of a fixed-size value type, 0 for string/array/unknown.
std::uint64_t scalarSize(std::uint32_t type) {
  switch (type) {
    case kU8:
    case kI8:
    case kBool:
      return 1;
    case kU16:
    case kI16:
      return 2;
    case kU32:
    case kI32:
    case kF32:
      return 4;
    case kU64:
    case kI64:
    case kF64:
      return 8;
    default:
      return 0;
  }
}

/// Reads one scalar as text; unknown types leave the reader failed.
std::string readScalar(ByteReader& r, std::uint32_t type) {
  switch (type) {
    case kU8:
      return std::to_string(r.read<std::uint8_t>());
    case kI8:
      return std::to_string(r.read<std::int8_t>());
    case kU16:
      return std::to_string(r.read<std::uint16_t>());
    case kI16:
      return std::to_string(r.read<std::int16_t>());
    case kU32:
      return std::to_string(r.read<std::uint32_t>());
    case kI32:
      return std::to_string(r.read<std::int32_t>());
    case kF32:
      return formatNumber(r.read<float>(), 6);
    case kBool:
      return r.read<std::uint8_t>() ? "true" : "false";
    case kU64:
      return std::to_string(r.read<std::uint64_t>());
    case kI64:
      return std::to_string(r.read<std::int64_t>());
    case kF64:
      return formatNumber(r.read<double>(), 6);
    default:
      r.skip(~0ull);
      return {};
  }
}

/// Skips an array's items; returns its length as text ("[151936 items]").
std::string skipArray(ByteReader& r) {
  const auto itemType = r.read<std::uint32_t>();
  const auto count = r.read<std::uint64_t>();
  if (!r.ok()) return {};
  if (const std::uint64_t size = scalarSize(itemType); size > 0) {
    if (count > r.remaining() / size)
      r.skip(~0ull);
    else
      r.skip(count * size);
  } else if (itemType == kString) {
    for (std::uint64_t i = 0; i < count && r.ok(); ++i) r.readString(kMaxGgufStringBytes);
  } else {
    r.skip(~0ull);  // nested arrays do not occur in model files
  }
  return "[" + std::to_string(count) + " items]";
}

std::string readValue(ByteReader& r, std::uint32_t type) {
  if (type == kString) return r.readString(kMaxGgufStringBytes);
  if (type == kArray) return skipArray(r);
  return readScalar(r, type);
}

/// One tensor info: name, dims, type, offset. Sizes come from the ggml block layout.
Result<TensorInfo> readTensorInfo(ByteReader& r) {
  TensorInfo t;
  t.name = r.readString(kMaxGgufStringBytes);
  const auto dims = r.read<std::uint32_t>();
  if (r.ok() && (dims == 0 || dims > kMaxGgufDimensions)) {
    return fileError(ErrorCode::kParseError,
                     "Tensor " + t.name + " has " + std::to_string(dims) + " dimensions.");
  }
  t.elements = 1;
  for (std::uint32_t d = 0; d < dims && r.ok(); ++d) {
    t.shape.push_back(r.read<std::uint64_t>());
    t.elements *= static_cast<double>(t.shape.back());
  }
  const auto typeId = r.read<std::uint32_t>();
  r.read<std::uint64_t>();  // offset into the data section
  if (!r.ok())
    return fileError(ErrorCode::kNeedMoreData, "The header continues past the data read.");
  const auto type = findGgmlType(typeId);
  if (!type) {
    return fileError(ErrorCode::kUnsupported,
                     "Tensor " + t.name + " has unknown ggml type " + std::to_string(typeId) + ".");
  }
  if (t.shape.empty() || t.shape[0] % type->blockElements != 0 || t.elements > 1e15) {
    return fileError(ErrorCode::kParseError, "Tensor " + t.name + " has an impossible shape.");
  }
  t.dtype = std::string(type->name);
  t.bytes = t.elements / type->blockElements * type->blockBytes;
  return t;
}

}  // namespace

Result<TensorInventory> readGgufHeader(std::span<const std::uint8_t> prefix,
                                       std::uint64_t fileSize) {
  ByteReader r(prefix);
  const auto magic = r.read<std::uint32_t>();
  if (!r.ok() || magic != 0x46554747u) {  // "GGUF" little-endian
    return fileError(ErrorCode::kParseError, "This is not a GGUF file (no GGUF magic bytes).");
  }
  const auto version = r.read<std::uint32_t>();
  const auto tensorCount = r.read<std::uint64_t>();
  const auto metadataCount = r.read<std::uint64_t>();
  if (!r.ok()) return fileError(ErrorCode::kNeedMoreData, "The GGUF header is cut short.");
  if (version < 2 || version > 3) {
    return fileError(ErrorCode::kUnsupported,
                     "GGUF version " + std::to_string(version) + " is not supported (2 or 3).");
  }
  if (tensorCount > kMaxGgufTensors || metadataCount > kMaxGgufMetadata) {
    return fileError(ErrorCode::kOutOfRange,
                     "The GGUF header claims " + std::to_string(tensorCount) + " tensors and " +
                         std::to_string(metadataCount) + " metadata entries; refusing it.");
  }
  TensorInventory inventory;
  inventory.format = "gguf";
  const auto truncated = [&]() {
    return prefix.size() < fileSize
               ? fileError(ErrorCode::kNeedMoreData,
                           "The GGUF header continues past the bytes read.")
               : fileError(ErrorCode::kParseError, "The GGUF header is malformed or cut short.");
  };
  for (std::uint64_t i = 0; i < metadataCount; ++i) {
    std::string key = r.readString(kMaxGgufStringBytes);
    const auto type = r.read<std::uint32_t>();
    std::string value = readValue(r, type);
    if (!r.ok()) return truncated();
    inventory.metadata.emplace_back(std::move(key), std::move(value));
  }
  for (std::uint64_t i = 0; i < tensorCount; ++i) {
    auto tensor = readTensorInfo(r);
    if (!tensor)
      return tensor.error().code == ErrorCode::kNeedMoreData ? truncated() : tensor.error();
    addTensor(inventory, std::move(tensor).value());
  }
  inventory.headerBytes = r.offset();
  if (inventory.totalBytes > static_cast<double>(fileSize) + 1) {
    return fileError(ErrorCode::kParseError,
                     "The GGUF header describes more tensor data than the file holds.");
  }
  return inventory;
}

}  // namespace gpumem
