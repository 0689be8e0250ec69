// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
#include "gpumem/safetensors_header.hpp"

#include <nlohmann/json.hpp>
#include <string>

#include "byte_reader.hpp"

namespace gpumem {
namespace {

using nlohmann::json;

Error fileError(ErrorCode code, const std::string& message) {
  return makeError(code, "file", message);
}

/// Reads {dtype, shape, data_offsets} of one tensor, checking them against each other.
Result<TensorInfo> readTensorEntry(const std::string& name, const json& entry) {
  const auto bad = [&](const std::string& why) {
    return fileError(ErrorCode::kParseError, "Tensor " + name.substr(0, 200) + ": " + why);
  };
  if (!entry.is_object()) return bad("its entry is not an object.");
  const auto dtype = entry.find("dtype");
  const auto shape = entry.find("shape");
  const auto offsets = entry.find("data_offsets");
  if (dtype == entry.end() || !dtype->is_string()) return bad("no dtype.");
  if (shape == entry.end() || !shape->is_array() || shape->size() > 16) return bad("bad shape.");
  if (offsets == entry.end() || !offsets->is_array() || offsets->size() != 2 ||
      !(*offsets)[0].is_number_unsigned() || !(*offsets)[1].is_number_unsigned()) {
    return bad("bad data_offsets.");
  }
  TensorInfo t;
  t.name = name;
  t.dtype = dtype->get<std::string>();
  const double elementBytes = safetensorsDtypeBytes(t.dtype);
  if (elementBytes == 0) return bad("unknown dtype " + t.dtype.substr(0, 20) + ".");
  t.elements = 1;
  for (const json& d : *shape) {
    if (!d.is_number_unsigned()) return bad("a dimension is not a whole number.");
    t.shape.push_back(d.get<std::uint64_t>());
    t.elements *= static_cast<double>(t.shape.back());
  }
  const auto begin = (*offsets)[0].get<std::uint64_t>();
  const auto end = (*offsets)[1].get<std::uint64_t>();
  t.bytes = t.elements * elementBytes;
  if (end < begin || static_cast<double>(end - begin) != t.bytes) {
    return bad("data_offsets do not match dtype × shape.");
  }
  return t;
}

}  // namespace

double safetensorsDtypeBytes(std::string_view dtype) {
  if (dtype == "F64" || dtype == "I64" || dtype == "U64") return 8;
  if (dtype == "F32" || dtype == "I32" || dtype == "U32") return 4;
  if (dtype == "F16" || dtype == "BF16" || dtype == "I16" || dtype == "U16") return 2;
  if (dtype == "F8_E4M3" || dtype == "F8_E5M2" || dtype == "F8_E8M0" || dtype == "I8" ||
      dtype == "U8" || dtype == "BOOL")
    return 1;
  if (dtype == "F4") return 0.5;
  return 0;
}

Result<std::uint64_t> safetensorsHeaderSpan(std::span<const std::uint8_t> first8,
                                            std::uint64_t fileSize) {
  ByteReader r(first8);
  const auto length = r.read<std::uint64_t>();
  if (!r.ok()) return fileError(ErrorCode::kParseError, "The file is shorter than 8 bytes.");
  if (length < 2 || length > kMaxSafetensorsHeaderBytes || fileSize < 8 || length > fileSize - 8) {
    return fileError(ErrorCode::kParseError, "This is not a safetensors file: its header length (" +
                                                 std::to_string(length) + " bytes) is impossible.");
  }
  return length + 8;
}

Result<TensorInventory> readSafetensorsHeader(std::span<const std::uint8_t> prefix,
                                              std::uint64_t fileSize) {
  if (fileSize < 8) return fileError(ErrorCode::kParseError, "The file is shorter than 8 bytes.");
  const auto span =
      safetensorsHeaderSpan(prefix.first(prefix.size() < 8 ? prefix.size() : 8), fileSize);
  if (!span) return span.error();
  if (prefix.size() < *span) {
    return fileError(ErrorCode::kNeedMoreData, "Read " + std::to_string(*span) + " bytes.");
  }
  const auto* text = reinterpret_cast<const char*>(prefix.data() + 8);
  const json header = json::parse(text, text + (*span - 8), nullptr, false);
  if (header.is_discarded() || !header.is_object()) {
    return fileError(ErrorCode::kParseError, "The safetensors header is not a JSON object.");
  }
  TensorInventory inventory;
  inventory.format = "safetensors";
  inventory.headerBytes = *span;
  for (const auto& [name, entry] : header.items()) {
    if (name == "__metadata__") {
      if (!entry.is_object()) continue;
      for (const auto& [key, value] : entry.items()) {
        if (value.is_string()) inventory.metadata.emplace_back(key, value.get<std::string>());
      }
      continue;
    }
    auto tensor = readTensorEntry(name, entry);
    if (!tensor) return tensor.error();
    addTensor(inventory, std::move(tensor).value());
  }
  if (inventory.totalBytes > static_cast<double>(fileSize - *span)) {
    return fileError(ErrorCode::kParseError,
                     "The header describes more tensor data than the file holds.");
  }
  return inventory;
}

Result<TensorInventory> readSafetensorsIndex(std::string_view jsonText) {
  const json index = json::parse(jsonText.begin(), jsonText.end(), nullptr, false);
  if (index.is_discarded() || !index.is_object()) {
    return fileError(ErrorCode::kParseError, "The index is not a JSON object.");
  }
  const auto metadata = index.find("metadata");
  const auto weightMap = index.find("weight_map");
  if (metadata == index.end() || !metadata->is_object() || weightMap == index.end() ||
      !weightMap->is_object()) {
    return fileError(ErrorCode::kParseError,
                     "A safetensors index needs \"metadata\" and \"weight_map\" objects.");
  }
  const auto totalSize = metadata->find("total_size");
  if (totalSize == metadata->end() || !totalSize->is_number() || totalSize->get<double>() < 0) {
    return fileError(ErrorCode::kParseError, "The index has no metadata.total_size.");
  }
  TensorInventory inventory;
  inventory.format = "safetensors-index";
  for (const auto& [name, file] : weightMap->items()) {
    TensorInfo t;
    t.name = name;
    t.dtype = file.is_string() ? file.get<std::string>() : "";
    inventory.tensors.push_back(std::move(t));
  }
  inventory.totalBytes = totalSize->get<double>();
  return inventory;
}

}  // namespace gpumem
