// Builds small, real-shaped GGUF and safetensors headers in memory for the tests.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace testfiles {

/// Appends little-endian values and GGUF strings to a byte vector.
struct Bytes {
  std::vector<std::uint8_t> data;

  template <class T>
  Bytes& put(T value) {
    std::uint8_t raw[sizeof value];
    std::memcpy(raw, &value, sizeof value);
    data.insert(data.end(), raw, raw + sizeof value);
    return *this;
  }
  Bytes& str(const std::string& s) {
    put<std::uint64_t>(s.size());
    data.insert(data.end(), s.begin(), s.end());
    return *this;
  }
};

struct GgufTensor {
  std::string name;
  std::vector<std::uint64_t> shape;
  std::uint32_t type;
};

/// A GGUF v3 header: general.architecture = `arch`, one u32 key, one string array of
/// `vocab` tokens, then the tensors.
inline std::vector<std::uint8_t> ggufHeader(const std::string& arch, std::uint32_t blockCount,
                                            std::uint64_t vocab,
                                            const std::vector<GgufTensor>& tensors) {
  Bytes b;
  b.put<std::uint32_t>(0x46554747u).put<std::uint32_t>(3);
  b.put<std::uint64_t>(tensors.size()).put<std::uint64_t>(3);
  b.str("general.architecture").put<std::uint32_t>(8).str(arch);
  std::string blockCountKey = arch;
  blockCountKey.append(".block_count");
  b.str(blockCountKey).put<std::uint32_t>(4).put<std::uint32_t>(blockCount);
  b.str("tokenizer.ggml.tokens")
      .put<std::uint32_t>(9)
      .put<std::uint32_t>(8)
      .put<std::uint64_t>(vocab);
  for (std::uint64_t i = 0; i < vocab; ++i) {
    std::string token(1, 't');
    token.append(std::to_string(i));
    b.str(token);
  }
  std::uint64_t offset = 0;
  for (const GgufTensor& t : tensors) {
    b.str(t.name).put<std::uint32_t>(t.shape.size());
    for (auto d : t.shape) b.put<std::uint64_t>(d);
    b.put<std::uint32_t>(t.type).put<std::uint64_t>(offset);
    offset += 1024;
  }
  return b.data;
}

/// A safetensors file prefix: 8-byte length + the JSON header text as given.
inline std::vector<std::uint8_t> safetensorsHeader(const std::string& json) {
  Bytes b;
  b.put<std::uint64_t>(json.size());
  b.data.insert(b.data.end(), json.begin(), json.end());
  return b.data;
}

}  // namespace testfiles
