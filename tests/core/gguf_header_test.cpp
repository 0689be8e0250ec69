// Reading GGUF headers: tensor sizes from ggml block layouts, metadata, truncation,
// and refusal of hostile headers.
#include "gpumem/gguf_header.hpp"

#include <gtest/gtest.h>

#include "gpumem/ggml_types.hpp"
#include "model_file_writer.hpp"

using namespace gpumem;
using testfiles::GgufTensor;

TEST(GgmlTypes, BitsPerWeightMatchLlamaCppBlockLayouts) {
  // llama.cpp gguf-py GGML_QUANT_SIZES, as quoted in its docs.
  const std::pair<const char*, double> cases[] = {
      {"Q4_0", 4.5},    {"Q4_1", 5.0},    {"Q5_0", 5.5},   {"Q5_1", 6.0}, {"Q8_0", 8.5},
      {"Q2_K", 2.625},  {"Q3_K", 3.4375}, {"Q4_K", 4.5},   {"Q5_K", 5.5}, {"Q6_K", 6.5625},
      {"IQ4_XS", 4.25}, {"IQ4_NL", 4.5},  {"MXFP4", 4.25}, {"F16", 16},   {"BF16", 16}};
  for (const auto& [name, bpw] : cases) {
    const auto type = findGgmlType(name);
    ASSERT_TRUE(type.has_value()) << name;
    EXPECT_DOUBLE_EQ(type->bitsPerWeight(), bpw) << name;
  }
}

TEST(GgufHeader, ReadsTensorsAndMetadata) {
  const auto bytes = testfiles::ggufHeader("llama", 2, 10,
                                           {{"token_embd.weight", {256, 1000}, 12 /*Q4_K*/},
                                            {"blk.0.attn_q.weight", {256, 256}, 8 /*Q8_0*/},
                                            {"output_norm.weight", {256}, 0 /*F32*/}});
  const auto inv = readGgufHeader(bytes, 1ull << 30);
  ASSERT_TRUE(inv.ok()) << inv.error().message;
  EXPECT_EQ(inv->format, "gguf");
  ASSERT_EQ(inv->tensors.size(), 3u);
  EXPECT_EQ(inv->tensors[0].dtype, "Q4_K");
  EXPECT_DOUBLE_EQ(inv->tensors[0].bytes, 256.0 * 1000 / 256 * 144);
  EXPECT_DOUBLE_EQ(inv->tensors[1].bytes, 256.0 * 256 / 32 * 34);
  EXPECT_DOUBLE_EQ(inv->tensors[2].bytes, 256.0 * 4);
  EXPECT_DOUBLE_EQ(inv->totalElements, 256000 + 65536 + 256);
  EXPECT_EQ(inv->metadataValue("general.architecture"), "llama");
  EXPECT_EQ(inv->metadataValue("llama.block_count"), "2");
  EXPECT_EQ(inv->metadataValue("tokenizer.ggml.tokens"), "[10 items]");
  EXPECT_EQ(inv->headerBytes, bytes.size());
}

TEST(GgufHeader, AsksForMoreBytesWhenTheHeaderIsCut) {
  const auto bytes = testfiles::ggufHeader("llama", 2, 50, {{"a", {32}, 0}});
  for (std::size_t cut : {std::size_t{30}, bytes.size() / 2, bytes.size() - 1}) {
    const auto inv = readGgufHeader(std::span(bytes).first(cut), 1ull << 30);
    ASSERT_FALSE(inv.ok()) << cut;
    EXPECT_EQ(inv.error().code, ErrorCode::kNeedMoreData) << cut;
  }
  // The same cut in a file that really ends there is malformed, not "read more".
  const auto whole = readGgufHeader(std::span(bytes).first(bytes.size() - 1), bytes.size() - 1);
  ASSERT_FALSE(whole.ok());
  EXPECT_EQ(whole.error().code, ErrorCode::kParseError);
}

TEST(GgufHeader, RefusesAbsurdCountsAtOnce) {
  testfiles::Bytes b;
  b.put<std::uint32_t>(0x46554747u).put<std::uint32_t>(3);
  b.put<std::uint64_t>(1ull << 60).put<std::uint64_t>(0);
  const auto inv = readGgufHeader(b.data, 100'000'000'000ull);
  ASSERT_FALSE(inv.ok());
  EXPECT_EQ(inv.error().field, "file");
  EXPECT_EQ(inv.error().code, ErrorCode::kOutOfRange);
}

TEST(GgufHeader, RefusesWrongMagicUnknownTypesAndBadShapes) {
  std::vector<std::uint8_t> notGguf = {'P', 'K', 3, 4, 0, 0, 0, 0};
  EXPECT_EQ(readGgufHeader(notGguf, 8).error().code, ErrorCode::kParseError);
  const auto unknownType = testfiles::ggufHeader("llama", 1, 1, {{"a", {32}, 4}});
  EXPECT_EQ(readGgufHeader(unknownType, 1 << 20).error().code, ErrorCode::kUnsupported);
  const auto badShape = testfiles::ggufHeader("llama", 1, 1, {{"a", {33}, 2 /*Q4_0*/}});
  EXPECT_EQ(readGgufHeader(badShape, 1 << 20).error().code, ErrorCode::kParseError);
}

TEST(GgufHeader, RefusesAHeaderDescribingMoreDataThanTheFile) {
  const auto bytes = testfiles::ggufHeader("llama", 1, 1, {{"a", {4096, 4096}, 0}});
  const auto inv = readGgufHeader(bytes, bytes.size() + 1000);
  ASSERT_FALSE(inv.ok());
  EXPECT_EQ(inv.error().field, "file");
}
